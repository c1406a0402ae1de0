"""flows.sync: a household from an offline device is recorded once, or refused by field."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connection

from accounts.roles import PROVINCE_STAFF, SURVEYOR
from flows.review import lock_unit
from flows.sync import CLOSED, INVALID, LOCKED, NOT_YOURS, SyncRefused, sync_household
from scoring.models import MemberScore
from survey.models import Draft, HouseholdResponse, Round
from tests.factories import NGA_QUAN
from tests.races import race
from tests.survey.conftest import CADRE, FARMER, HOUSEHOLD_ANSWERS, citizen_answers, family_answers

pytestmark = pytest.mark.django_db
ID = uuid.UUID("6f1c2a4e-1111-4c55-9f1e-2c7d1c0e6a10")


def member(person: dict[str, str], **changes) -> dict[str, Any]:
    return {
        **person,
        "birth_year": int(person["birth_year"]),
        "answers": {**citizen_answers(person), **family_answers(person)},
        **changes,
    }


def payload(**changes) -> dict[str, Any]:
    data = {
        "household": {
            "unit": NGA_QUAN,
            "village": "Thôn 3",
            "address": "",
            "head_name": "Nguyễn Văn An",
            "survey_date": "2021-07-15",
        },
        "answers": dict(HOUSEHOLD_ANSWERS),
        "members": [member(FARMER), member(CADRE)],
    }
    return {**data, **changes}


@pytest.fixture
def surveyor(make_user):
    return make_user(SURVEYOR, username="dtv", full_name="Lò Thị Hoa")


def written() -> tuple[int, int, int]:
    return HouseholdResponse.objects.count(), Draft.objects.count(), MemberScore.objects.count()


def test_a_household_is_recorded_scored_and_never_twice(surveyor, round_):
    first = sync_household(user=surveyor, round_=round_, client_id=ID, payload=payload())
    again = sync_household(user=surveyor, round_=round_, client_id=ID, payload=payload())

    assert (first.created, again.created) == (True, False)
    assert again.response.pk == first.response.pk
    response = first.response
    assert (response.source_draft, response.unit_id, response.head_name) == (
        ID,
        NGA_QUAN,
        "Nguyễn Văn An",
    )
    assert [m.full_name for m in response.members.order_by("position")] == [
        "Nguyễn Văn An",
        "Trần Thị Bình",
    ]
    assert response.members.get(position=1).answers["community_sessions_12m"] == 8
    assert written() == (1, 0, 2)


def test_invalid_answers_are_refused_by_field_and_kept_only_as_a_draft(surveyor, round_):
    bad = payload(members=[member(FARMER, birth_year=1850), member(CADRE, sex="")])
    bad["members"][0]["answers"]["learning_plan"] = "khong_co"

    with pytest.raises(SyncRefused) as refused:
        sync_household(user=surveyor, round_=round_, client_id=ID, payload=bad)

    assert refused.value.kind == INVALID
    fields = [p.field for p in refused.value.problems]
    assert "members[0].birth_year" in fields
    assert "members[1].sex" in fields
    assert "members[0].answers.learning_plan" in fields
    # Nothing is recorded: the copy waits as a server draft, to be corrected online.
    assert written() == (0, 1, 0)
    draft = Draft.objects.get()
    assert (refused.value.draft_id, draft.pk, draft.owner, draft.label) == (
        ID,
        ID,
        surveyor,
        "Nguyễn Văn An",
    )


def test_an_unknown_question_and_a_missing_household_are_named(surveyor, round_):
    with pytest.raises(SyncRefused) as refused:
        sync_household(
            user=surveyor, round_=round_, client_id=ID, payload=payload(answers={"no_such": 1})
        )
    assert [(p.field, p.vi) for p in refused.value.problems] == [
        ("answers.no_such", "Không có câu hỏi “no_such” trong biểu mẫu của đợt này.")
    ]
    with pytest.raises(SyncRefused) as refused:
        sync_household(user=surveyor, round_=round_, client_id=ID, payload={"members": []})
    assert [p.field for p in refused.value.problems] == ["household", "members"]
    assert written() == (0, 0, 0)


def test_a_locked_commune_refuses_with_its_reason(surveyor, round_, make_user):
    # The commune's one household is approved and the commune locked, as the province does.
    sync_household(user=surveyor, round_=round_, client_id=uuid.uuid4(), payload=payload())
    HouseholdResponse.objects.update(status="verified")
    lock_unit(user=make_user(PROVINCE_STAFF), round_=round_, unit_key=NGA_QUAN)
    before = written()

    with pytest.raises(SyncRefused) as refused:
        sync_household(user=surveyor, round_=round_, client_id=ID, payload=payload())

    assert refused.value.kind == LOCKED
    assert "khoá" in refused.value.problems[0].vi
    assert written() == before


def test_a_closed_round_refuses(surveyor, round_):
    Round.objects.filter(pk=round_.pk).update(status=Round.Status.CLOSED)
    round_.refresh_from_db()

    with pytest.raises(SyncRefused) as refused:
        sync_household(user=surveyor, round_=round_, client_id=ID, payload=payload())

    assert refused.value.kind == CLOSED
    assert written() == (0, 0, 0)


def test_another_accounts_uuid_is_refused_without_saying_whose(surveyor, round_, make_user):
    sync_household(user=surveyor, round_=round_, client_id=ID, payload=payload())
    other = make_user(SURVEYOR, username="khac")

    with pytest.raises(SyncRefused) as refused:
        sync_household(user=other, round_=round_, client_id=ID, payload=payload())

    assert (refused.value.kind, refused.value.problems[0].vi) == (
        NOT_YOURS,
        "Mã phiếu này đã được dùng.",
    )
    assert written() == (1, 0, 2)


def test_a_commune_outside_the_surveyors_communes_is_refused(make_user, round_):
    elsewhere = make_user(SURVEYOR, ["04522@2020-02-01"], username="cuongthinh")

    with pytest.raises(SyncRefused) as refused:
        sync_household(user=elsewhere, round_=round_, client_id=ID, payload=payload())

    assert refused.value.kind == INVALID
    assert refused.value.problems[0].field == "household.unit"
    assert written() == (0, 1, 0)  # only the surveyor's own draft, to pick the commune again


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks: needs PostgreSQL (DATABASE_URL)"
)
@pytest.mark.django_db(transaction=True)
def test_two_tabs_sending_one_household_at_once_give_one_response(surveyor, round_, monkeypatch):
    def send():
        synced = sync_household(user=surveyor, round_=round_, client_id=ID, payload=payload())
        return synced.response.pk, synced.created

    results = race(monkeypatch, {"first": send, "second": send})

    pk = HouseholdResponse.objects.get().pk
    assert results == {"first": (pk, True), "second": (pk, False)}
    assert written() == (1, 0, 2)


def test_answers_that_are_not_a_mapping_are_named_not_a_crash(surveyor, round_):
    bad = payload()
    bad["members"][1]["answers"] = ["learning_plan"]

    with pytest.raises(SyncRefused) as refused:
        sync_household(user=surveyor, round_=round_, client_id=ID, payload=bad)

    assert [(p.field, p.vi) for p in refused.value.problems] == [
        ("members[1].answers", "Câu trả lời của thành viên không hợp lệ.")
    ]
    assert written() == (0, 0, 0)
