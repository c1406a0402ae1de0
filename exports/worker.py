"""The export worker's loop: it cannot stop silently.

Every database write of the worker goes through ``retrying``: a locked SQLite database (a long
import or generation holding the write lock) or a lost PostgreSQL connection is retried with
exponential backoff. Each turn of the loop recovers interrupted or orphaned jobs, records a
heartbeat (``WorkerBeat``, read by the exports page to explain a delay) and runs what is queued
(django-tasks' ``db_worker --batch``). Trouble that does not pass after ``MAX_FAILED_TURNS``
turns makes the worker exit with an error, and whatever started it (``dev.py run``, or the
systemd unit of docs/exports.md with ``Restart=always``) starts it again.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME
from django_tasks_db.management.commands.db_worker import Worker

from exports.jobs import worker_name
from exports.models import WorkerBeat
from exports.queue import recover_interrupted_jobs
from exports.retry import is_transient, retrying

logger = logging.getLogger(__name__)

MAX_FAILED_TURNS = 5


class WorkerStopped(Exception):
    """The worker cannot go on; its supervisor restarts it."""


def beat(*, error: BaseException | None = None) -> None:
    """Record that the worker is alive, and the database trouble it meets, if any."""
    now = timezone.now()
    values: dict = {"seen_at": now}
    if error is not None:
        values.update(last_error=str(error)[:300], last_error_at=now)
    WorkerBeat.objects.update_or_create(name=worker_name(), defaults=values)


def _beat_quietly(error: BaseException) -> None:
    # The database that refused the write may refuse this one too; the log has it anyway.
    with contextlib.suppress(OperationalError, InterfaceError):
        beat(error=error)


def run_turn(*, interval: float) -> None:
    """One turn: recover jobs, record a heartbeat, run everything queued."""
    retrying(recover_interrupted_jobs, on_retry=_beat_quietly)
    retrying(beat)
    # django-tasks-db's worker in batch mode, built here rather than through its command,
    # which would reset its loggers to INFO and log a start and a stop every turn.
    queue = Worker(
        queue_names=[DEFAULT_TASK_QUEUE_NAME],
        interval=interval,
        batch=True,
        backend_name=DEFAULT_TASK_BACKEND_ALIAS,
        startup_delay=False,
        max_tasks=None,
        worker_id=get_random_string(32),
        excluded_queue_names=[],
    )
    # SIGTERM lets a running export finish, then stops (between turns it stops at once).
    queue.configure_signals()
    queue.run()


def run_worker(
    *,
    interval: float = 1.0,
    batch: bool = False,
    sleep: Callable[[float], None] = time.sleep,
    turn: Callable[..., None] = run_turn,
) -> None:
    """Run turns until stopped; raise WorkerStopped after MAX_FAILED_TURNS failed turns."""
    failed = 0
    while True:
        try:
            turn(interval=interval)
            failed = 0
        except (OperationalError, InterfaceError) as error:
            if not is_transient(error):
                raise WorkerStopped(str(error)) from error
            failed += 1
            logger.warning("worker turn failed (%d/%d): %s", failed, MAX_FAILED_TURNS, error)
            _beat_quietly(error)
            if failed >= MAX_FAILED_TURNS:
                raise WorkerStopped(str(error)) from error
            sleep(min(2.0**failed, 30.0))
            continue
        if batch:
            return
        sleep(interval)
