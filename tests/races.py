"""Two calls racing on PostgreSQL: the first held inside scoring until the second waits for
one of its row locks, then both let go. Used by the "exactly once" tests of every channel."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from flows import responses


def race(monkeypatch, calls: dict[str, Callable[[], Any]]) -> dict[str, Any]:
    """Run ``calls["first"]`` and ``calls["second"]`` as described; return what each gave
    (or the exception it raised)."""
    record = responses.record_response_scores
    inside, release = threading.Event(), threading.Event()
    results: dict[str, Any] = {}

    def slow_record(*, response):
        if threading.current_thread().name == "first":
            inside.set()
            assert release.wait(10)
        record(response=response)

    monkeypatch.setattr(responses, "record_response_scores", slow_record)

    def run(name: str) -> None:
        try:
            results[name] = calls[name]()
        except Exception as exc:  # the caller compares it
            results[name] = exc
        finally:
            connection.close()

    first = threading.Thread(target=run, args=("first",), name="first")
    second = threading.Thread(target=run, args=("second",), name="second")
    first.start()
    assert inside.wait(10)
    second.start()
    with connection.cursor() as cursor:  # wait until the second waits for a lock
        for _ in range(200):
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
            if cursor.fetchone()[0]:
                break
            threading.Event().wait(0.05)
        else:
            pytest.fail("the second call never waited for the first")
    release.set()
    first.join(10)
    second.join(10)
    return results
