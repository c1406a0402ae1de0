# ruff: noqa: F811 - the revisit fixtures are imported from tests.survey.test_revisit
"""Revisits offline: the earlier households a device downloads, and a revisit it sends."""

from __future__ import annotations

import uuid

import pytest
from rest_framework.test import APIClient

from flows.sync import INVALID, SyncRefused, sync_household
from survey.models import Draft, HouseholdResponse
from survey.revisit_offline import revisit_documents
from tests.survey.conftest import HOUSEHOLD_ANSWERS
from tests.survey.test_revisit import (  # noqa: F401 - fixtures
    NAM_CUONG_2025,
    round_2025,
    surveyed_2021,
    surveyor,
    surveyor_2025,
    v2_answers,
)

pytestmark = pytest.mark.django_db
ID = uuid.UUID("0b5e9a3c-2222-4d11-8e2a-9a1b2c3d4e5f")


def revisit_copy(document: dict, **changes) -> dict:
    """The device's copy of a revisit: the downloaded household, answered in 2025."""
    members = [{**m, "answers": v2_answers(m)} for m in document["members"]]
    return {
        "revisit": document["code"],
        "household": {
            "unit": document["unit"],
            "village": document["village"],
            "address": document["address"],
            "head_name": document["head_name"],
            "survey_date": "2025-09-10",
        },
        "answers": dict(HOUSEHOLD_ANSWERS),
        "members": members,
        **changes,
    }


def test_the_device_gets_the_households_of_its_communes_with_members_but_no_answers(
    surveyor_2025, round_2025, surveyed_2021
):
    (document,) = revisit_documents(user=surveyor_2025, round_=round_2025)

    assert (document["code"], document["unit"], document["round"]) == (
        surveyed_2021.household.code,
        NAM_CUONG_2025,
        "Thí điểm 2021",
    )
    members = surveyed_2021.members.order_by("position")
    assert [m["full_name"] for m in document["members"]] == [m.full_name for m in members]
    assert [m["person_id"] for m in document["members"]] == [str(m.person_id) for m in members]
    assert all("answers" not in m for m in document["members"])


def test_the_revisits_route_is_the_users_communes_only(
    surveyor, surveyor_2025, round_2025, surveyed_2021
):
    client = APIClient()
    client.force_authenticate(surveyor_2025)
    assert len(client.get("/api/v1/rounds/r2025/revisits/").json()) == 1
    # The 2021 surveyor has no commune in the 2025 round.
    client.force_authenticate(surveyor)
    assert client.get("/api/v1/rounds/r2025/revisits/").status_code == 404


def test_a_revisit_sent_by_a_device_adds_a_response_to_the_same_household(
    surveyor_2025, round_2025, surveyed_2021
):
    (document,) = revisit_documents(user=surveyor_2025, round_=round_2025)

    synced = sync_household(
        user=surveyor_2025, round_=round_2025, client_id=ID, payload=revisit_copy(document)
    )

    response = synced.response
    assert (response.household_id, response.round, response.unit_id) == (
        surveyed_2021.household_id,
        round_2025,
        NAM_CUONG_2025,
    )
    before = {m.full_name: m.person_id for m in surveyed_2021.members.all()}
    after = {m.full_name: m.person_id for m in response.members.all()}
    assert after == before
    assert HouseholdResponse.objects.filter(household=surveyed_2021.household).count() == 2


def test_a_revisit_of_a_household_already_surveyed_in_the_round_is_refused(
    surveyor_2025, round_2025, surveyed_2021
):
    (document,) = revisit_documents(user=surveyor_2025, round_=round_2025)
    sync_household(
        user=surveyor_2025, round_=round_2025, client_id=ID, payload=revisit_copy(document)
    )

    with pytest.raises(SyncRefused) as refused:
        sync_household(
            user=surveyor_2025,
            round_=round_2025,
            client_id=uuid.uuid4(),
            payload=revisit_copy(document),
        )

    assert (refused.value.kind, refused.value.problems[0].field) == (INVALID, "revisit")
    assert "đã có phiếu trong đợt này" in refused.value.problems[0].vi
    assert HouseholdResponse.objects.count() == 2
    assert not Draft.objects.exists()


def test_an_invalid_revisit_is_kept_as_a_revisit_draft(surveyor_2025, round_2025, surveyed_2021):
    (document,) = revisit_documents(user=surveyor_2025, round_=round_2025)
    copy = revisit_copy(document)
    copy["members"][0]["birth_year"] = 1850

    with pytest.raises(SyncRefused):
        sync_household(user=surveyor_2025, round_=round_2025, client_id=ID, payload=copy)

    draft = Draft.objects.get(pk=ID)
    assert draft.household_id == surveyed_2021.household_id
    assert HouseholdResponse.objects.count() == 1
