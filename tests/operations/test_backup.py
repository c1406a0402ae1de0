"""Backups restore into an empty database with every table equal; restore is all or nothing."""

from __future__ import annotations

import json
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from operations.backup import backed_up_models, count_rows
from survey.models import HouseholdResponse, MemberResponse
from tests.survey.conftest import HOUSEHOLD


def table_contents() -> dict[str, list[tuple]]:
    """Every backed-up table as sorted rows of all its columns (M2M tables included)."""
    contents = {}
    for model in backed_up_models():
        fields = [f.attname for f in model._meta.concrete_fields]
        rows = model._default_manager.values_list(*fields)
        contents[model._meta.label_lower] = sorted(rows, key=repr)
        for m2m in model._meta.local_many_to_many:
            through = m2m.remote_field.through
            columns = [f for f in through._meta.concrete_fields if f.attname != "id"]
            contents[through._meta.label_lower] = sorted(
                (tuple(_stable_key(row, f) for f in columns) for row in through.objects.all()),
                key=repr,
            )
    return contents


def _stable_key(row, field):
    """Name a related row by its natural key where it has one.

    Permissions are not backed up: Django recreates them after a flush with new ids,
    so a group's permissions are compared as (app_label, codename).
    """
    related = getattr(row, field.name)
    natural_key = getattr(related, "natural_key", None)
    return natural_key() if natural_key else getattr(row, field.attname)


@pytest.fixture
def populated(transactional_db, round_, make_user):
    """A submitted household; outside a test transaction, as backup and restore run."""
    from flows.responses import record_response
    from survey.services import Submission, start_draft

    surveyor = make_user("surveyor")
    draft = start_draft(user=surveyor, round_=round_)
    record_response(
        draft_id=draft.pk,
        user=surveyor,
        submission=Submission(
            unit=HOUSEHOLD["unit"],
            village=HOUSEHOLD["village"],
            address=HOUSEHOLD["address"],
            head_name=HOUSEHOLD["head_name"],
            survey_date=__import__("datetime").date(2021, 7, 15),
            members=[
                {
                    "full_name": "Nguyễn Văn An",
                    "sex": "male",
                    "birth_year": 1981,
                    "ethnicity": "01",
                    "education": "primary",
                    "target_group": "nong_dan",
                    "relationship": "head",
                    "answers": {"learning_plan": "written", "community_sessions_12m": 3},
                }
            ],
            household_answers={"internet_access": "yes"},
        ),
    )


def test_a_backup_restores_into_an_empty_database_with_every_table_equal(populated, tmp_path):
    before = table_contents()
    archive = tmp_path / "backup.zip"
    call_command("backup", "-o", str(archive), verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    assert HouseholdResponse.objects.count() == 0

    call_command("restore", str(archive), verbosity=0)

    assert table_contents() == before
    assert MemberResponse.objects.get().full_name == "Nguyễn Văn An"
    manifest = json.loads(zipfile.ZipFile(archive).read("manifest.json"))
    assert manifest["rows"] == count_rows()
    assert manifest["rows"]["survey.householdresponse"] == 1
    assert manifest["rows"]["units.adminunit"] == 51


def test_restore_refuses_a_non_empty_database_and_changes_nothing(populated, tmp_path):
    archive = tmp_path / "backup.zip"
    call_command("backup", "-o", str(archive), verbosity=0)
    before = table_contents()

    with pytest.raises(CommandError, match="The database is not empty"):
        call_command("restore", str(archive), verbosity=0)

    assert table_contents() == before


def test_restore_with_force_replaces_the_content(populated, tmp_path):
    archive = tmp_path / "backup.zip"
    call_command("backup", "-o", str(archive), verbosity=0)
    before = table_contents()
    HouseholdResponse.objects.update(village="Đã sửa sau sao lưu")

    call_command("restore", str(archive), "--force", verbosity=0)

    assert table_contents() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a zip", "not a backup made by 'manage.py backup'"),
        (None, "does not match its checksum"),
    ],
)
def test_a_damaged_backup_is_refused_and_nothing_is_written(populated, tmp_path, content, message):
    archive = tmp_path / "backup.zip"
    call_command("backup", "-o", str(archive), verbosity=0)
    if content is None:
        with zipfile.ZipFile(archive) as source:
            manifest, data = source.read("manifest.json"), source.read("data.json")
        with zipfile.ZipFile(archive, "w") as target:
            target.writestr("manifest.json", manifest)
            target.writestr("data.json", data + b" ")
    else:
        archive.write_bytes(content)
    call_command("flush", interactive=False, verbosity=0)

    with pytest.raises(CommandError, match=message):
        call_command("restore", str(archive), verbosity=0)

    assert HouseholdResponse.objects.count() == 0
