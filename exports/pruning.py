"""Delete finished exports older than the retention period, their files with them, audited."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from audit.models import Action
from audit.services import record_event
from exports.jobs import job_file
from exports.models import ExportJob, WorkerBeat


def prune_exports(*, days: int) -> dict[str, int]:
    """Delete finished jobs older than ``days`` and their files; return what was removed."""
    if days < 1:
        raise ValueError("days must be at least 1")
    cutoff = timezone.now() - timedelta(days=days)
    jobs = list(
        ExportJob.objects.filter(
            status__in=[ExportJob.Status.DONE, ExportJob.Status.FAILED], finished_at__lt=cutoff
        )
    )
    files = 0
    with transaction.atomic():
        ExportJob.objects.filter(pk__in=[j.pk for j in jobs]).delete()
        # Each worker start leaves a beat named after its host and process; old ones are
        # of no use to the delayed-job message, which reads the latest.
        beats, _by_model = WorkerBeat.objects.filter(seen_at__lt=cutoff).delete()
        record_event(
            action=Action.DELETE,
            user=None,
            summary=f"Xoá {len(jobs)} tệp xuất cũ hơn {days} ngày",
            object_type="export",
            details={"days": days, "jobs": sorted(j.pk for j in jobs), "worker_beats": beats},
        )
    # Files go after the rows are gone: a crash in between leaves a stray file, never a job
    # whose download is missing.
    for job in jobs:
        if job.file_path:
            path = job_file(job)
            if path.is_file():
                path.unlink()
                files += 1
    return {"jobs": len(jobs), "files": files, "worker_beats": beats}
