"""Make exports: write the file, record it in the audit trail, run and recover queued jobs.

``export_round`` is the one path of the web (through a queued ``ExportJob``) and of
``manage.py export_round``, so both give the same cells. A file is written under a
temporary name and renamed when complete: a failed export never leaves half a file.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import DatabaseError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import record_event
from exports.content import (
    ExportError,
    ExportOptions,
    RoundExport,
    gather_round_export,
    scoped_communes,
)
from exports.csv_export import write_csv
from exports.models import ExportJob
from exports.workbook import EXCEL_MAX_ROWS, write_workbook
from survey.models import Round

logger = logging.getLogger(__name__)
FORMATS = ("xlsx", "csv")
EXPORT_DIR = "exports"
# A running job whose worker gave no sign of life for this long is taken as interrupted.
STALE_AFTER = timedelta(minutes=10)
MAX_ATTEMPTS = 2
HEARTBEAT_SECONDS = 2.0


def export_round(
    *,
    round_: Round,
    options: ExportOptions,
    user: User | AnonymousUser | None,
    target: Path,
    file_format: str = "xlsx",
    max_rows: int = EXCEL_MAX_ROWS,
    progress: Callable[[int], None] | None = None,
) -> RoundExport:
    """Write the round's export to ``target`` and record it; raise ExportError if refused."""
    if file_format not in FORMATS:
        raise ExportError(_("Định dạng tệp không hợp lệ."))
    export = gather_round_export(round_=round_, options=options, user=user, progress=progress)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{uuid.uuid4().hex}.part")
    try:
        if file_format == "xlsx":
            write_workbook(export=export, target=partial, max_rows=max_rows, progress=progress)
        else:
            write_csv(export=export, target=partial, progress=progress)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    _audit(round_=round_, options=options, user=user, export=export, file_format=file_format)
    return export


def _audit(
    *,
    round_: Round,
    options: ExportOptions,
    user: User | AnonymousUser | None,
    export: RoundExport,
    file_format: str,
) -> None:
    details = {
        "format": file_format,
        "filters": options.to_json(),
        "statuses": list(options.statuses),
        "areas": len(export.rows),
        "detail_rows": {t.key: t.count for t in export.details},
    }
    with transaction.atomic():
        record_event(
            action=Action.EXPORT,
            user=user,
            summary=f"Xuất số liệu đợt {round_.code} ({file_format})",
            round_code=round_.code,
            object_type="round",
            object_id=round_.code,
            details=details,
        )
        if options.detail:
            record_event(
                action=Action.VIEW_PERSONAL,
                user=user,
                summary=f"Xuất danh sách hộ và thành viên đợt {round_.code}",
                round_code=round_.code,
                object_type="round",
                object_id=round_.code,
                details=details,
            )


# Background jobs ---------------------------------------------------------------------------


def request_export(
    *,
    user: User,
    round_: Round,
    options: ExportOptions,
    file_format: str = "xlsx",
    language: str = "vi",
) -> ExportJob:
    """Check what is asked, queue the export and return its job (raise ExportError if refused)."""
    if file_format not in FORMATS:
        raise ExportError(_("Định dạng tệp không hợp lệ."))
    if options.detail and not user.has_perm("accounts.view_personal_data"):
        raise ExportError(_("Bạn không được xuất dữ liệu cá nhân."))
    if not scoped_communes(round_=round_, user=user, units=options.units):
        raise ExportError(_("Không có đơn vị nào của đợt này trong phạm vi của bạn."))
    job = ExportJob.objects.create(
        user=user,
        round=round_,
        options=options.to_json(),
        format=file_format,
        language=language,
    )
    _enqueue(job)
    job.refresh_from_db()
    return job


def _enqueue(job: ExportJob) -> None:
    from exports.tasks import run_export  # the task module imports this one

    result = run_export.enqueue(job_id=job.pk)
    ExportJob.objects.filter(pk=job.pk).update(task_id=str(result.id))


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def job_file(job: ExportJob) -> Path:
    return Path(settings.MEDIA_ROOT) / job.file_path


def run_export_job(*, job_id: int) -> None:
    """Run a queued job (the worker calls this); its outcome is on the job, never raised."""
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.RUNNING,
        worker=worker_name(),
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        progress=0,
    )
    if not claimed:
        return  # already run, or cancelled by a recovery
    job = ExportJob.objects.select_related("round", "user").get(pk=job_id)
    ExportJob.objects.filter(pk=job_id).update(attempts=job.attempts + 1)
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
    ExportJob.objects.filter(pk=job_id).update(
        status=ExportJob.Status.DONE,
        progress=100,
        file_path=relative,
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )


def _fail(job_id: int, message: str) -> None:
    ExportJob.objects.filter(pk=job_id).update(
        status=ExportJob.Status.FAILED, error=message, finished_at=timezone.now()
    )


def _alive(worker: str) -> bool | None:
    """Whether a worker "host:pid" still runs: None when it is on another host."""
    host, _sep, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return int(pid) != os.getpid() or None


def recover_interrupted_jobs(*, stale_after: timedelta = STALE_AFTER) -> dict[str, list[int]]:
    """Requeue (once) or fail the jobs left running by a worker that died.

    Called when a worker starts. A job counts as interrupted when its worker process on
    this host is gone, or, for a worker elsewhere, when it gave no sign of life for
    ``stale_after``. A job that was interrupted ``MAX_ATTEMPTS`` times is marked failed,
    so one that kills its worker (e.g. out of memory) does not loop.
    """
    now = timezone.now()
    outcome: dict[str, list[int]] = {"requeued": [], "failed": []}
    for job in ExportJob.objects.filter(status=ExportJob.Status.RUNNING):
        alive = _alive(job.worker)
        if alive is None:
            alive = job.heartbeat_at is not None and now - job.heartbeat_at < stale_after
        if alive:
            continue
        if job.attempts >= MAX_ATTEMPTS:
            ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.RUNNING).update(
                status=ExportJob.Status.FAILED,
                error=_(
                    "Tiến trình xuất bị dừng giữa chừng %(n)d lần (máy chủ khởi động lại hoặc "
                    "hết bộ nhớ); hãy yêu cầu lại với ít đơn vị hơn."
                )
                % {"n": job.attempts},
                finished_at=now,
            )
            outcome["failed"].append(job.pk)
            continue
        updated = ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.RUNNING).update(
            status=ExportJob.Status.QUEUED, progress=0, worker=""
        )
        if updated:
            _enqueue(job)
            outcome["requeued"].append(job.pk)
    return outcome
