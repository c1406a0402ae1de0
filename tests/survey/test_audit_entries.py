"""The exact audit entries a household's life writes: creation, correction, views."""

from __future__ import annotations

import pytest

from accounts.roles import COMMUNE_STAFF, SURVEYOR
from audit.models import AuditEntry
from survey.models import ResponseChange
from tests.factories import NGA_QUAN
from tests.survey.test_services import correct, members_as_submitted, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def surveyor(make_user):
    return make_user(SURVEYOR, username="dieutravien", full_name="Lò Thị Hoa")


@pytest.fixture
def officer(make_user):
    return make_user(COMMUNE_STAFF, username="canboxa", full_name="Hà Văn Minh")


def _entries(action: str):
    # The round's own creation is audited too; these tests follow the households.
    return AuditEntry.objects.filter(action=action).exclude(object_type="round").order_by("pk")


def test_creating_a_household_records_its_new_values(surveyor, round_):
    response = submit(surveyor, round_)

    entry = _entries("create").get()
    assert (
        entry.username,
        entry.unit_id,
        entry.round_code,
        entry.object_type,
        entry.object_id,
        entry.summary,
    ) == (
        "dieutravien",
        NGA_QUAN,
        "r2021",
        "household_response",
        str(response.pk),
        f"{response.household.code}: Nguyễn Văn An",
    )
    new = entry.details["new"]
    assert {k: new[k] for k in ("unit", "village", "address", "head_name", "survey_date")} == {
        "unit": NGA_QUAN,
        "village": "Thôn 3",
        "address": "Số 12, đường Nga Quán",
        "head_name": "Nguyễn Văn An",
        "survey_date": "2021-07-15",
    }
    members = {m.person_id: m for m in response.members.all()}
    assert sorted(new["members"]) == sorted(str(p) for p in members)
    first = response.members.get(position=1)
    assert new["members"][str(first.person_id)]["full_name"] == "Nguyễn Văn An"
    assert new["members"][str(first.person_id)]["birth_year"] == 1981
    assert new["answers"] == response.answers


def test_a_correction_records_the_old_and_new_values(surveyor, officer, round_):
    response = submit(surveyor, round_)
    members = members_as_submitted(response)
    members[2]["birth_year"] = 2012
    person = members[2]["person_id"]

    correct(officer, response, members=members, village="Thôn 4")

    entry = _entries("change").get()
    assert (entry.username, entry.unit_id, entry.object_id, entry.summary) == (
        "canboxa",
        NGA_QUAN,
        str(response.pk),
        f"{response.household.code}: Nguyễn Văn An (r2)",
    )
    assert entry.details == {
        "revision": 2,
        "changes": [
            {"field": f"members.{person}.birth_year", "old": 2011, "new": 2012},
            {"field": "village", "old": "Thôn 3", "new": "Thôn 4"},
        ],
    }
    assert entry.details["changes"] == ResponseChange.objects.get().changes


def test_opening_a_response_records_a_view_of_personal_data(client, surveyor, officer, round_):
    response = submit(surveyor, round_)
    client.force_login(officer)

    assert client.get(f"/survey/responses/{response.pk}/").status_code == 200

    entry = _entries("view_personal").get()
    assert (
        entry.username,
        entry.unit_id,
        entry.round_code,
        entry.object_type,
        entry.object_id,
        entry.details,
    ) == (
        "canboxa",
        NGA_QUAN,
        "r2021",
        "household_response",
        str(response.pk),
        {"page": "survey:response"},
    )


def test_the_household_list_records_which_households_it_showed(client, surveyor, officer, round_):
    first = submit(surveyor, round_)
    second = submit(surveyor, round_, head_name="Lê Văn Bình", village="Thôn 5")
    client.force_login(officer)

    assert client.get("/survey/rounds/r2021/households/?village=Thôn 5").status_code == 200

    entry = _entries("view_personal").get()
    assert (entry.username, entry.object_type, entry.round_code) == (
        "canboxa",
        "household_list",
        "r2021",
    )
    assert entry.details == {
        "page": "survey:households",
        "filters": {"q": "", "village": "Thôn 5", "status": "", "surveyor": ""},
        "responses": [second.pk],
    }
    assert first.pk not in entry.details["responses"]


def test_an_out_of_scope_response_is_404_and_records_no_view(client, surveyor, round_, make_user):
    response = submit(surveyor, round_)
    stranger = make_user(COMMUNE_STAFF, username="canbo-khac", unit_keys=["04516@2020-02-01"])
    client.force_login(stranger)

    assert client.get(f"/survey/responses/{response.pk}/").status_code == 404
    assert not _entries("view_personal").exists()
