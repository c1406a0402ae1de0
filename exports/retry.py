"""Retry a database write that a lock or a lost connection refused, with backoff."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import InterfaceError, OperationalError, close_old_connections

logger = logging.getLogger(__name__)
T = TypeVar("T")
TRANSIENT_MARKERS = (
    "is locked",
    "deadlock",
    "could not serialize",
    "server closed the connection",
    "connection already closed",
    "connection is closed",
    "terminating connection",
    "could not connect",
    "connection refused",
    "connection is lost",
)


def is_transient(error: BaseException) -> bool:
    """Whether a database error passes by itself (a lock, a lost connection)."""
    if isinstance(error, InterfaceError):
        return True
    if isinstance(error, OperationalError):
        text = " ".join(str(a) for a in error.args).lower()
        return any(marker in text for marker in TRANSIENT_MARKERS)
    return False


def retrying(
    action: Callable[[], T],
    *,
    attempts: int = 8,
    first_delay: float = 0.25,
    max_delay: float = 8.0,
    sleep: Callable[[float], None] | None = None,
    on_retry: Callable[[BaseException], None] | None = None,
) -> T:
    """Run ``action``; retry a transient database error with exponential backoff."""
    pause = sleep or time.sleep  # looked up at each call, so that tests can replace it
    delay = first_delay
    for attempt in range(1, attempts + 1):
        try:
            return action()
        except (OperationalError, InterfaceError) as error:
            if attempt == attempts or not is_transient(error):
                raise
            logger.warning("database busy (attempt %d/%d): %s", attempt, attempts, error)
            if on_retry is not None:
                on_retry(error)
            # A lost connection is reopened at its next use once Django has closed it.
            close_old_connections()
            pause(delay)
            delay = min(delay * 2, max_delay)
    raise AssertionError("unreachable")
