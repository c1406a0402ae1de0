"""Work interrupted at a chosen point leaves nothing half-written; a lost database gives 503.

Faults injected:
* a household submit fails after its household, response and members are written,
  while its scores are computed (``record_response_scores`` raises);
* an import fails after its households are created, while they are scored
  (``record_new_responses_scores`` raises), and an import process is killed with SIGKILL at that
  same point (a real process, its own SQLite file);
* a rescore fails after every score is written, while the aggregates are built
  (``rebuild_run_aggregates`` raises);
* a DataError in a request (a 500, not the "database lost" page);
* the database connection is lost in the middle of a request (OperationalError) and
  during the health check.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest
from django.conf import settings
from django.db import DataError, OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

from accounts.roles import COMMUNE_STAFF, SURVEYOR
from demo.services import generate_round
from flows.imports import import_responses
from scoring.models import HouseholdScore, MemberScore, ScoringRun
from scoring.services import rescore_round
from survey.models import Draft, Household, HouseholdResponse, MemberResponse, ResponseChange
from tests.factories import NGA_QUAN
from tests.imports.conftest import fill_template, household_row, member_rows
from tests.survey.conftest import FOUR_MEMBERS, start, walk


class Injected(RuntimeError):
    """The fault a test injects."""


def fail(*args, **kwargs):
    raise Injected("injected fault")


def counts() -> dict[str, int]:
    return {
        "households": Household.objects.count(),
        "responses": HouseholdResponse.objects.count(),
        "members": MemberResponse.objects.count(),
        "changes": ResponseChange.objects.count(),
        "member_scores": MemberScore.objects.count(),
        "household_scores": HouseholdScore.objects.count(),
        "runs": ScoringRun.objects.count(),
    }


def test_a_submit_failing_while_scoring_leaves_no_household_and_keeps_the_draft(
    round_, make_user, monkeypatch
):
    client = Client(raise_request_exception=False)
    client.force_login(make_user(SURVEYOR, username="dieutra"))
    base = start(client, round_)
    walk(client, base, FOUR_MEMBERS, until="review")
    submit = {"wizard-current_step": "review"}
    before = counts()
    monkeypatch.setattr("flows.responses.record_response_scores", fail)
    response = client.post(f"{base}/review/", submit)
    assert response.status_code == 500
    assert "Mã yêu cầu" in response.content.decode() or response["X-Request-ID"]
    assert "Traceback" not in response.content.decode()
    assert counts() == before
    assert Draft.objects.count() == 1  # nothing lost: the surveyor can submit again
    monkeypatch.undo()
    retried = client.post(f"{base}/review/", submit)
    assert retried.status_code == 302
    after = counts()
    assert (after["households"], after["responses"], after["members"]) == (
        before["households"] + 1,
        before["responses"] + 1,
        before["members"] + 4,
    )
    assert Draft.objects.count() == 0


def test_an_import_failing_while_scoring_writes_nothing(round_, make_user, monkeypatch):
    staff = make_user(COMMUNE_STAFF, username="canbo")
    data = fill_template(
        round_,
        [household_row("1"), household_row("2", head_name="Lò Văn Bình")],
        member_rows("1") + member_rows("2"),
    )
    before = counts()
    monkeypatch.setattr("flows.imports.record_new_responses_scores", fail)
    with pytest.raises(Injected):
        import_responses(round_=round_, user=staff, data=data, filename="phieu.xlsx")
    assert counts() == before
    monkeypatch.undo()
    report = import_responses(round_=round_, user=staff, data=data, filename="phieu.xlsx")
    assert (report.written, report.created) == (True, 2)
    assert counts()["households"] == before["households"] + 2


def test_an_import_failing_through_the_web_answers_500_and_writes_nothing(
    round_, make_user, monkeypatch
):
    client = Client(raise_request_exception=False)
    client.force_login(make_user(COMMUNE_STAFF, username="canbo"))
    data = fill_template(round_, [household_row("1")], member_rows("1"))
    before = counts()
    monkeypatch.setattr("flows.imports.record_new_responses_scores", fail)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        "/survey/rounds/r2021/import/", {"file": SimpleUploadedFile("phieu.xlsx", data)}
    )
    assert response.status_code == 500
    assert "Traceback" not in response.content.decode()
    assert counts() == before


def test_a_rescore_failing_while_aggregating_leaves_the_round_as_it_was(pilot_sets, monkeypatch):
    round_ = generate_round(code="r-loi", households=6, seed=3, unit_keys=[NGA_QUAN]).round
    before = counts()
    runs = list(ScoringRun.objects.values_list("pk", "kind", "complete").order_by("pk"))
    monkeypatch.setattr("scoring.rescore.rebuild_run_aggregates", fail)
    with pytest.raises(Injected):
        rescore_round(round_=round_, workers=0, note="bị ngắt")
    assert counts() == before
    assert list(ScoringRun.objects.values_list("pk", "kind", "complete").order_by("pk")) == runs
    monkeypatch.undo()
    result = rescore_round(round_=round_, workers=0)
    assert result.citizen_run.complete is True


# A lost database ---------------------------------------------------------------------------


def test_a_database_lost_during_a_request_gives_the_clean_503_page(round_, make_user, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(make_user(SURVEYOR, username="dieutra"))

    def lost(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("flows.web.households.rounds_for_work", lost)
    response = client.get("/survey/")
    body = response.content.decode()
    assert response.status_code == 503
    assert "Tạm thời không kết nối được cơ sở dữ liệu" in body
    assert f"<code>{response['X-Request-ID']}</code>" in body
    assert "server closed" not in body and "Traceback" not in body


def test_the_health_check_answers_503_without_a_database(client, db, monkeypatch):
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok"}

    def refuse(self):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", refuse)
    response = client.get("/healthz")
    monkeypatch.undo()
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}


# A killed process ----------------------------------------------------------------------------

SETUP = """
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from datetime import date
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("loaddata", "admin_units", verbosity=0)
call_command("install_criteria_sets", verbosity=0)
from accounts.services import ensure_roles
ensure_roles()
from criteria.selectors import find_version
from survey.models import Round
from survey.rounds import create_round
create_round(code="r2021", name="Thí điểm 2021", citizen_set=find_version(code="CDHT", version=1),
             household_set=find_version(code="GDHT", version=1), starts_on=date(2021, 6, 1),
             ends_on=date(2021, 12, 31), planned={"04528@2020-02-01": 20},
             status=Round.Status.OPEN)
"""

# Imports the file; once its households are written (inside the transaction), says so
# and waits to be killed.
KILLED = """
import django, os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.contrib.auth.models import User
from flows import imports
from survey.models import Round

def stop_here(**kwargs):
    open(sys.argv[2], "w").write("written")
    time.sleep(120)

imports.record_new_responses_scores = stop_here
staff = User.objects.get(username="canbo")
data = open(sys.argv[1], "rb").read()
imports.import_responses(round_=Round.objects.get(code="r2021"), user=staff, data=data,
                         filename="phieu.xlsx")
"""


def _run(code: str, env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", textwrap.dedent(code), *args],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@pytest.mark.django_db(transaction=True)
def test_an_import_process_killed_mid_write_leaves_nothing(tmp_path, round_, make_user):
    database = tmp_path / "killed.sqlite3"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SQLITE_TEST_NAME"}}
    env.update(DEBUG="1", DATABASE_URL=f"sqlite:///{database}", LOG_LEVEL="WARNING")
    setup = _run(
        SETUP
        + "\nfrom accounts.services import create_user\n"
        + "create_user(username='canbo', password='x', role='commune_staff', "
        + "unit_keys=['04528@2020-02-01'], validate_password=False)\n",
        env,
    )
    assert setup.wait(timeout=300) == 0, setup.stderr.read().decode()[-3000:]
    upload = tmp_path / "phieu.xlsx"
    upload.write_bytes(
        fill_template(
            round_,
            [household_row("1"), household_row("2", head_name="Lò Văn Bình")],
            member_rows("1") + member_rows("2"),
        )
    )
    marker = tmp_path / "written"
    process = _run(KILLED, env, str(upload), str(marker))
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert process.poll() is None, process.stderr.read().decode()[-3000:]
        assert time.monotonic() < deadline, "the import never reached its write"
        time.sleep(0.1)
    with sqlite3.connect(database) as peek:  # the write is in flight, invisible to others
        assert peek.execute("SELECT COUNT(*) FROM survey_household").fetchone() == (0,)
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=30) == -signal.SIGKILL
    with sqlite3.connect(database) as after:
        assert after.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        for table in ("survey_household", "survey_householdresponse", "survey_memberresponse"):
            assert after.execute(f"SELECT COUNT(*) FROM {table}").fetchone() == (0,), table  # noqa: S608


def test_a_data_error_is_a_500_not_a_lost_database(round_, make_user, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(make_user(SURVEYOR, username="dieutra"))

    def refused(*args, **kwargs):
        raise DataError("value too long for type character varying(255)")

    monkeypatch.setattr("flows.web.households.rounds_for_work", refused)
    response = client.get("/survey/")
    assert response.status_code == 500
    assert "không kết nối được cơ sở dữ liệu" not in response.content.decode()
    assert "value too long" not in response.content.decode()
