"""Run a queued export job: claim it, write the file with progress, record the outcome.

The worker (``exports.tasks``) calls ``run_export_job``; requesting and recovering jobs is
``exports.queue``.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from exports.models import ExportJob
from exports.options import ExportError, ExportOptions
from exports.retry import retrying
from exports.services import export_round

logger = logging.getLogger(__name__)

EXPORT_DIR = "exports"
HEARTBEAT_SECONDS = 2.0


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def download_name(*, job: ExportJob) -> str:
    """Name a job's file by kind, round and local time, e.g. ``chi-tiet-R2021-20261207-0030.xlsx``.

    Summary and detail files of the same minute get different names, and the time is the
    one people read on the page (Asia/Ho_Chi_Minh), not UTC.
    """
    kind = "chi-tiet" if ExportOptions.from_json(job.options).detail else "tong-hop"
    made = timezone.localtime(job.created_at)
    return f"{kind}-{job.round.code}-{made:%Y%m%d-%H%M%S}.{job.format}"


def job_file(job: ExportJob) -> Path:
    return Path(settings.MEDIA_ROOT) / job.file_path


def run_export_job(*, job_id: int) -> None:
    """Run a queued job (the worker calls this); its outcome is on the job, never raised."""
    claimed = retrying(
        lambda: ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
            status=ExportJob.Status.RUNNING,
            worker=worker_name(),
            started_at=timezone.now(),
            heartbeat_at=timezone.now(),
            progress=0,
        )
    )
    if not claimed:
        return  # already run, or cancelled by a recovery
    job = retrying(lambda: ExportJob.objects.select_related("round", "user").get(pk=job_id))
    retrying(lambda: ExportJob.objects.filter(pk=job_id).update(attempts=job.attempts + 1))
    relative = f"{EXPORT_DIR}/{job.pk}-{uuid.uuid4().hex[:12]}.{job.format}"
    last = {"pct": -1, "at": 0.0}

    def progress(pct: int) -> None:
        now = timezone.now().timestamp()
        pct = max(0, min(99, pct))
        if pct != last["pct"] and (now - last["at"] >= HEARTBEAT_SECONDS or pct - last["pct"] >= 5):
            last.update(pct=pct, at=now)
            try:
                ExportJob.objects.filter(pk=job_id).update(
                    progress=pct, heartbeat_at=timezone.now()
                )
            except DatabaseError:
                # Progress is best effort: on SQLite this connection is mid-read, and a
                # busy database must not fail the export itself.
                logger.warning("export job %s: progress not saved", job_id)

    try:
        with translation.override(job.language):
            export_round(
                round_=job.round,
                options=ExportOptions.from_json(job.options),
                user=job.user,
                target=Path(settings.MEDIA_ROOT) / relative,
                file_format=job.format,
                progress=progress,
            )
    except ExportError as exc:
        _fail(job_id, str(exc))
        return
    except Exception:
        logger.exception("export job %s failed", job_id)
        _fail(job_id, _("Lỗi khi tạo tệp; hãy thử lại hoặc báo quản trị viên."))
        return
    retrying(
        lambda: ExportJob.objects.filter(pk=job_id).update(
            status=ExportJob.Status.DONE,
            progress=100,
            file_path=relative,
            finished_at=timezone.now(),
            heartbeat_at=timezone.now(),
        )
    )


def _fail(job_id: int, message: str) -> None:
    retrying(
        lambda: ExportJob.objects.filter(pk=job_id).update(
            status=ExportJob.Status.FAILED, error=message, finished_at=timezone.now()
        )
    )
