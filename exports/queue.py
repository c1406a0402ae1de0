"""Queue exports for the worker and recover the jobs a dead worker left running."""

from __future__ import annotations

import os
import socket
from datetime import timedelta

from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks.base import TaskResultStatus

from exports.models import ExportJob
from exports.options import ExportError, ExportOptions, scoped_communes
from exports.services import FORMATS
from exports.tasks import run_export
from survey.models import Round

STALE_AFTER = timedelta(minutes=10)
MAX_ATTEMPTS = 2


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
    result = run_export.enqueue(job_id=job.pk)
    ExportJob.objects.filter(pk=job.pk).update(task_id=str(result.id))


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
    outcome["requeued"] += requeue_orphaned_jobs()
    return outcome


def _task_finished(task_id: str) -> bool:
    """Whether the queue's task for a job has ended (a job still queued is then an orphan)."""
    try:
        status = run_export.get_result(task_id).status
    except Exception:
        return True
    return status in (TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL)


def requeue_orphaned_jobs() -> list[int]:
    """Queue again the jobs still "queued" whose task has ended without running them.

    That happens when the worker's claim of the job failed (a locked database) after the
    queue had handed the task over: the job would otherwise wait forever.
    """
    requeued = []
    for job in ExportJob.objects.filter(status=ExportJob.Status.QUEUED).exclude(task_id=""):
        if _task_finished(job.task_id):
            _enqueue(job)
            requeued.append(job.pk)
    return requeued
