"""The worker cannot stop silently: locks are retried, orphans requeued, delays explained."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

import pytest
from django.core.management import call_command
from django.db import InterfaceError, OperationalError, connection, connections
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.roles import PROVINCE_STAFF
from audit.models import AuditEntry
from exports import retry, worker
from exports.delays import delay_reasons
from exports.jobs import run_export_job
from exports.models import ExportJob, WorkerBeat
from exports.options import ExportOptions
from exports.pruning import prune_exports
from exports.queue import request_export
from exports.retry import is_transient, retrying
from exports.worker import MAX_FAILED_TURNS, WorkerStopped, run_worker

pytestmark = pytest.mark.django_db
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
LOCKED = OperationalError("database is locked")


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (OperationalError("database is locked"), True),
        (OperationalError("database table is locked"), True),
        (OperationalError("server closed the connection unexpectedly"), True),
        (InterfaceError("connection already closed"), True),
        (OperationalError("the connection is closed"), True),
        (OperationalError("no such table: exports_exportjob"), False),
        (ValueError("database is locked"), False),
    ],
)
def test_only_locks_and_lost_connections_count_as_transient(error, transient):
    assert is_transient(error) is transient


def test_retrying_backs_off_until_the_lock_passes():
    calls, sleeps = [], []

    def action():
        calls.append(1)
        if len(calls) < 4:
            raise LOCKED
        return "written"

    assert retrying(action, sleep=sleeps.append) == "written"
    assert sleeps == [0.25, 0.5, 1.0]


def test_retrying_gives_up_after_its_attempts_and_never_retries_a_real_error():
    sleeps = []
    with pytest.raises(OperationalError):
        retrying(lambda: (_ for _ in ()).throw(LOCKED), attempts=5, sleep=sleeps.append)
    assert sleeps == [0.25, 0.5, 1.0, 2.0]
    broken = OperationalError("no such table: x")
    with pytest.raises(OperationalError):
        retrying(lambda: (_ for _ in ()).throw(broken), sleep=sleeps.append)
    assert len(sleeps) == 4


def test_the_worker_exits_after_repeated_trouble_so_that_it_is_restarted():
    sleeps, turns = [], []

    def failing_turn(*, interval):
        turns.append(interval)
        raise LOCKED

    with pytest.raises(WorkerStopped):
        run_worker(sleep=sleeps.append, turn=failing_turn)

    assert len(turns) == MAX_FAILED_TURNS
    assert sleeps == [2.0, 4.0, 8.0, 16.0]
    beat = WorkerBeat.objects.get()
    assert beat.last_error == "database is locked"


def test_one_failed_turn_is_forgotten_once_a_turn_succeeds():
    outcomes = iter([LOCKED, None, LOCKED, None])
    done = []

    def turn(*, interval):
        outcome = next(outcomes)
        if outcome:
            raise outcome
        done.append(1)
        if len(done) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_worker(sleep=lambda s: None, turn=turn)
    assert len(done) == 2


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's write lock")
@pytest.mark.django_db(transaction=True)
def test_a_job_held_up_by_a_write_lock_completes_when_the_lock_ends(
    settings, make_user, report_round, client, monkeypatch
):
    settings.TASKS = DATABASE_QUEUE
    user = make_user(PROVINCE_STAFF)
    job = request_export(user=user, round_=report_round, options=ExportOptions())
    # Another connection holds the write lock, as a long import or generation does.
    holder = connections.create_connection("default")
    holder.cursor().execute("BEGIN IMMEDIATE")
    holder.cursor().execute("UPDATE exports_exportjob SET progress = 0 WHERE id = %s", [job.pk])
    waited = []

    def sleep(seconds):
        waited.append(seconds)
        if len(waited) == 2:
            holder.cursor().execute("COMMIT")  # the long write ends

    monkeypatch.setattr(retry.time, "sleep", sleep)

    run_export_job(job_id=job.pk)

    holder.close()
    job.refresh_from_db()
    assert len(waited) >= 2
    assert (job.status, job.progress, job.attempts) == ("done", 100, 1)


@pytest.mark.django_db(transaction=True)  # the worker closes connections between tasks
def test_a_job_left_queued_by_a_failed_claim_is_queued_again(settings, make_user, report_round):
    settings.TASKS = DATABASE_QUEUE
    job = request_export(
        user=make_user(PROVINCE_STAFF), round_=report_round, options=ExportOptions()
    )
    # The queue handed the task over, but the claim of the job failed: the task ended.
    DBTaskResult.objects.filter(pk=job.task_id).update(status="FAILED")

    call_command("export_worker", "--batch")

    job.refresh_from_db()
    assert job.status == "done"
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 1


def _queued_since(job, minutes):
    ExportJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes)
    )
    job.refresh_from_db()
    return job


def test_a_late_job_shows_delayed_with_the_reason(client, settings, make_user, report_round):
    settings.TASKS = DATABASE_QUEUE
    user = make_user(PROVINCE_STAFF)
    client.force_login(user)
    job = _queued_since(
        request_export(user=user, round_=report_round, options=ExportOptions()), minutes=5
    )
    fresh = request_export(user=user, round_=report_round, options=ExportOptions())

    assert delay_reasons(jobs=[job, fresh]) == {
        job.pk: "Tiến trình xử lý nền chưa chạy lần nào; hãy báo quản trị viên."
    }
    now = timezone.now()
    WorkerBeat.objects.create(
        name="may:1", seen_at=now, last_error="database is locked", last_error_at=now
    )
    page = unescape(client.get("/exports/").content.decode())
    row = page[page.index(f'data-job="{job.pk}"') :][:1500]
    assert ">Chậm</span>" in row
    assert "Cơ sở dữ liệu đang bận (một thao tác ghi lớn đang chạy); sẽ tự thử lại." in row
    status = client.get("/exports/status/").json()["jobs"]
    assert [(j["id"], j["label"]) for j in status] == [(fresh.pk, "Đang chờ"), (job.pk, "Chậm")]
    WorkerBeat.objects.update(seen_at=now - timedelta(minutes=3))
    assert "Tiến trình xử lý nền không chạy" in delay_reasons(jobs=[job])[job.pk]


def test_a_failed_job_shows_its_reason_and_a_retry_button(client, make_user, report_round):
    user = make_user(PROVINCE_STAFF)
    client.force_login(user)
    failed = ExportJob.objects.create(
        user=user, round=report_round, status="failed", error="Hết bộ nhớ", options={}
    )

    page = client.get("/exports/").content.decode()
    assert "Hết bộ nhớ" in page and f'action="/exports/{failed.pk}/retry/"' in page
    assert client.get(f"/exports/{failed.pk}/retry/").status_code == 405
    assert ExportJob.objects.count() == 1
    client.post(f"/exports/{failed.pk}/retry/")

    again = ExportJob.objects.exclude(pk=failed.pk).get()
    assert (again.status, again.round_id, again.user_id) == ("done", report_round.pk, user.pk)


def test_someone_elses_job_cannot_be_retried(client, make_user, report_round):
    owner = make_user(PROVINCE_STAFF)
    failed = ExportJob.objects.create(user=owner, round=report_round, status="failed", options={})
    client.force_login(make_user(PROVINCE_STAFF))

    assert client.post(f"/exports/{failed.pk}/retry/").status_code == 404
    assert ExportJob.objects.count() == 1


def test_pruning_deletes_old_files_and_is_audited(settings, make_user, report_round):
    user = make_user(PROVINCE_STAFF)
    old = request_export(user=user, round_=report_round, options=ExportOptions())
    recent = request_export(user=user, round_=report_round, options=ExportOptions())
    ExportJob.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(days=31))
    old.refresh_from_db()
    path = settings.MEDIA_ROOT / old.file_path
    assert path.is_file()
    now = timezone.now()
    WorkerBeat.objects.create(name="may-cu:101", seen_at=now - timedelta(days=40))
    WorkerBeat.objects.create(name="may-moi:202", seen_at=now)

    assert prune_exports(days=30) == {"jobs": 1, "files": 1, "worker_beats": 1}

    assert list(ExportJob.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not path.exists()
    assert (settings.MEDIA_ROOT / recent.file_path).is_file()
    entry = AuditEntry.objects.get(object_type="export")
    assert (entry.action, entry.details) == (
        "delete",
        {"days": 30, "jobs": [old.pk], "worker_beats": 1},
    )
    assert list(WorkerBeat.objects.values_list("name", flat=True)) == ["may-moi:202"]
    call_command("prune_exports", "--days", "30")
    assert AuditEntry.objects.filter(object_type="export").count() == 2
    assert ExportJob.objects.count() == 1


def test_worker_module_is_the_export_worker_command():
    # The command is a thin shell over run_worker (so dev.py and systemd restart the same).
    assert worker.run_turn.__module__ == "exports.worker"
