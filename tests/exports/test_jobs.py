"""Jobs go through django-tasks' queue table; a worker that died leaves no job hanging."""

from __future__ import annotations

import socket

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from accounts.roles import PROVINCE_STAFF
from exports.models import ExportJob
from exports.options import ExportOptions
from exports.queue import MAX_ATTEMPTS, recover_interrupted_jobs, request_export

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
DEAD_WORKER = f"{socket.gethostname()}:999999999"  # no such process


# The worker closes and reopens database connections between tasks, as in production, so
# these tests run outside the test transaction.
@pytest.mark.django_db(transaction=True)
def test_job_goes_through_the_queue_table_and_the_worker_runs_it(settings, make_user, report_round):
    settings.TASKS = DATABASE_QUEUE
    user = make_user(PROVINCE_STAFF)
    job = request_export(user=user, round_=report_round, options=ExportOptions())
    assert job.status == "queued" and job.progress == 0
    queued = DBTaskResult.objects.get()
    assert str(queued.id) == job.task_id
    assert queued.task_path == "exports.tasks.run_export"
    assert queued.args_kwargs == {"args": [], "kwargs": {"job_id": job.pk}}
    assert queued.status == "READY"
    call_command("export_worker", "--batch")
    job.refresh_from_db()
    assert job.status == "done" and job.progress == 100 and job.attempts == 1
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
def test_interrupted_job_is_requeued_on_worker_start(settings, make_user, report_round):
    settings.TASKS = DATABASE_QUEUE
    user = make_user(PROVINCE_STAFF)
    job = ExportJob.objects.create(
        user=user,
        round=report_round,
        options={},
        status="running",
        progress=35,
        worker=DEAD_WORKER,
        attempts=1,
    )
    call_command("export_worker", "--batch")
    job.refresh_from_db()
    assert job.status == "done" and job.attempts == 2 and job.file_path


def test_job_interrupted_twice_is_marked_failed_visibly(client, make_user, report_round):
    user = make_user(PROVINCE_STAFF)
    job = ExportJob.objects.create(
        user=user,
        round=report_round,
        options={},
        status="running",
        progress=35,
        worker=DEAD_WORKER,
        attempts=MAX_ATTEMPTS,
    )
    assert recover_interrupted_jobs() == {"requeued": [], "failed": [job.pk]}
    job.refresh_from_db()
    assert job.status == "failed" and job.finished_at is not None
    message = (
        "Tiến trình xuất bị dừng giữa chừng 2 lần (máy chủ khởi động lại hoặc hết bộ nhớ); "
        "hãy yêu cầu lại với ít đơn vị hơn."
    )
    assert job.error == message
    client.force_login(user)
    assert message in client.get("/exports/").content.decode()


def test_a_live_worker_keeps_its_job(make_user, report_round):
    from django.utils import timezone

    user = make_user(PROVINCE_STAFF)
    elsewhere = ExportJob.objects.create(
        user=user,
        round=report_round,
        options={},
        status="running",
        worker="other-host:12",
        heartbeat_at=timezone.now(),
        attempts=1,
    )
    assert recover_interrupted_jobs() == {"requeued": [], "failed": []}
    elsewhere.refresh_from_db()
    assert elsewhere.status == "running"


def test_a_refused_export_fails_with_its_message(make_user, report_round):
    user = make_user(PROVINCE_STAFF)
    job = request_export(
        user=user, round_=report_round, options=ExportOptions(level="district", hierarchy="2025")
    )
    assert job.status == "failed"
    assert job.error == "Hệ thống đơn vị này không có cấp huyện."
    assert not job.file_path
