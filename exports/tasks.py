"""The background task: the queue carries only the job's id; ``ExportJob`` holds the rest."""

from __future__ import annotations

from django_tasks import task

from exports.jobs import run_export_job


@task()
def run_export(job_id: int) -> None:
    run_export_job(job_id=job_id)
