"""Revisiting households: a 2021 household of Xã Nga Quán surveyed again in 2025, when it
lies in Phường Nam Cường, keeping its code and its members' identities."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import COMMITTEE, SURVEYOR
from criteria.selectors import find_version
from flows import responses as services
from flows.responses import record_response
from survey.models import Draft, Household, HouseholdResponse, Round
from survey.revisit import (
    HOUSEHOLD_INITIAL,
    household_history,
    revisit_candidates,
    start_revisit,
)
from survey.rounds import create_round
from survey.services import AlreadySurveyed, Submission, SurveyError
from tests.factories import MINH_QUAN_ACUTE, NGA_QUAN
from tests.races import race
from tests.survey.conftest import (
    CADRE,
    CHILD,
    ELDER,
    FARMER,
    HOUSEHOLD_ANSWERS,
    TOP_ADULT,
    family_answers,
)
from tests.survey.html import form_data, page
from tests.survey.test_services import counts, member_of, submit
from tests.survey.test_views import STEP_QUERIES

NAM_CUONG_2025 = "04273@2025-07-01"  # Nga Quán -> Cường Thịnh (2024-12) -> Nam Cường (2025-07)
TRAN_YEN_2025 = "04498@2025-07-01"  # Xã Minh Quán's unit from 2025-07-01
SURVEY_DAY = date(2025, 9, 10)
BABY = {
    "full_name": "Nguyễn Gia Bảo",
    "sex": "male",
    "birth_year": "2024",
    "ethnicity": "01",
    "education": "none",
    "target_group": "",
    "relationship": "grandchild",
}


@pytest.fixture
def surveyor(make_user):
    return make_user(SURVEYOR, username="dieutravien", full_name="Lò Thị Hoa")


@pytest.fixture
def surveyor_2025(make_user):
    return make_user(SURVEYOR, [NAM_CUONG_2025], username="dtv2025", full_name="Hà Thị Mai")


@pytest.fixture
def round_2025(round_) -> Round:
    """A 2025 round on the 2025 units and the national citizen set (four target groups)."""
    return create_round(
        code="r2025",
        name="Đợt 2025",
        citizen_set=find_version(code="CDHT", version=2),
        household_set=find_version(code="GDHT", version=1),
        starts_on=date(2025, 8, 1),
        ends_on=date(2025, 12, 31),
        planned={NAM_CUONG_2025: 30, TRAN_YEN_2025: 30},
        status=Round.Status.OPEN,
    )


@pytest.fixture
def surveyed_2021(surveyor, round_) -> HouseholdResponse:
    """The household of four surveyed in 2021 in Xã Nga Quán."""
    return submit(surveyor, round_)


@pytest.fixture
def minh_quan_2021(surveyor, round_) -> HouseholdResponse:
    return submit(surveyor, round_, unit=MINH_QUAN_ACUTE, head_name="Lê Văn Tám", village="Bản 2")


def members_of(draft: Draft) -> list[dict[str, str]]:
    """The members step of a draft as the form reads it: one dict per row."""
    data = draft.data["step_data"]["members"]
    rows = int(data["members-TOTAL_FORMS"][0])
    fields = ("full_name", "sex", "birth_year", "ethnicity", "education", "target_group")
    fields += ("relationship", "person_id")
    return [{f: data[f"members-{i}-{f}"][0] for f in fields} for i in range(rows)]


def v2_answers(member: dict[str, Any], year: int = 2025) -> dict[str, Any]:
    """Answers under CDHT v2 (top marks for adults; pupils are not in this household)."""
    answers: dict[str, Any] = {}
    if member["target_group"]:
        answers.update(TOP_ADULT)
        answers["community_sessions_12m"] = 8
        answers["community_activities_12m"] = 7
        if member["target_group"] == "can_bo_dn":
            answers.update(
                {"foreign_language_level": "work", "foreign_language_certificate": "yes"}
            )
    answers.update(family_answers(member, year))
    if "learning_contents_12m" in answers:
        answers["learning_contents_12m"] = int(answers["learning_contents_12m"])
    return answers


def revisit_submission(draft: Draft, *, drop: int | None = None, add=()) -> Submission:
    """What the wizard hands over for a revisit draft: its members (less ``drop``, plus
    ``add``), the 2025 survey date and the answers given in 2025."""
    initial = draft.data["extra_data"][HOUSEHOLD_INITIAL]
    kept = [m for i, m in enumerate(members_of(draft)) if i != drop]
    members = [
        {
            **m,
            "birth_year": int(m["birth_year"]),
            "person_id": uuid.UUID(m["person_id"]) if m.get("person_id") else None,
        }
        for m in [*kept, *add]
    ]
    return Submission(
        unit=initial["unit"],
        village=initial["village"],
        address=initial["address"],
        head_name=initial["head_name"],
        survey_date=SURVEY_DAY,
        members=[{**m, "answers": v2_answers(m)} for m in members],
        household_answers=dict(HOUSEHOLD_ANSWERS),
    )


# Finding households of earlier rounds ---------------------------------------------------------


def test_a_2021_household_of_nga_quan_is_found_in_nam_cuong_in_2025(
    surveyor_2025, round_2025, surveyed_2021, minh_quan_2021, make_user
):
    found = list(revisit_candidates(user=surveyor_2025, round_=round_2025))
    tran_yen = make_user(SURVEYOR, [TRAN_YEN_2025])

    assert [(r.pk, r.unit_id, r.n_members, r.in_round) for r in found] == [
        (surveyed_2021.pk, NGA_QUAN, 4, False)
    ]
    assert [r.pk for r in revisit_candidates(user=tran_yen, round_=round_2025)] == [
        minh_quan_2021.pk
    ]


def test_nothing_to_revisit_outside_the_users_communes_or_in_a_round_not_open(
    make_user, round_2025, surveyed_2021, surveyor_2025
):
    committee = make_user(COMMITTEE)
    elsewhere = make_user(SURVEYOR, [TRAN_YEN_2025])

    assert list(revisit_candidates(user=committee, round_=round_2025)) == []
    assert list(revisit_candidates(user=elsewhere, round_=round_2025)) == []
    round_2025.status = Round.Status.CLOSED
    round_2025.save()
    assert list(revisit_candidates(user=surveyor_2025, round_=round_2025)) == []


def test_the_latest_earlier_response_stands_for_the_household(
    surveyor, surveyor_2025, round_, round_2025, surveyed_2021
):
    """A household surveyed in 2021 and 2023 is listed once, with its 2023 response."""
    round_2023 = create_round(
        code="r2023",
        name="Đợt 2023",
        citizen_set=find_version(code="CDHT", version=1),
        starts_on=date(2023, 6, 1),
        ends_on=date(2023, 12, 31),
        planned={NGA_QUAN: 10},
        status=Round.Status.OPEN,
    )
    draft = start_revisit(user=surveyor, round_=round_2023, household=surveyed_2021.household)
    submission = replace(revisit_submission(draft, drop=3), survey_date=date(2023, 7, 1))
    later = record_response(draft_id=draft.pk, user=surveyor, submission=submission)

    found = list(revisit_candidates(user=surveyor_2025, round_=round_2025))

    assert [(r.pk, r.round.code, r.n_members) for r in found] == [(later.pk, "r2023", 3)]


# Starting a revisit -----------------------------------------------------------------------------


def test_a_revisit_draft_carries_the_household_and_members_but_no_answer(
    surveyor_2025, round_2025, surveyed_2021
):
    draft = start_revisit(user=surveyor_2025, round_=round_2025, household=surveyed_2021.household)

    old = list(surveyed_2021.members.order_by("position"))
    assert (draft.owner, draft.round, draft.household, draft.response, draft.label) == (
        surveyor_2025,
        round_2025,
        surveyed_2021.household,
        None,
        "Nguyễn Văn An",
    )
    assert draft.data["extra_data"] == {
        HOUSEHOLD_INITIAL: {
            "unit": NAM_CUONG_2025,
            "village": "Thôn 3",
            "address": "Số 12, đường Nga Quán",
            "head_name": "Nguyễn Văn An",
        }
    }
    # Only the members step is filled: no answer of 2021 is carried.
    assert set(draft.data["step_data"]) == {"members"}
    # Target groups read under CDHT v2: farmers are residents, cadres "cadres and business".
    assert members_of(draft) == [
        {**FARMER, "target_group": "cu_dan", "person_id": str(old[0].person_id)},
        {**CADRE, "target_group": "can_bo_dn", "person_id": str(old[1].person_id)},
        {**CHILD, "target_group": "", "person_id": str(old[2].person_id)},
        {**ELDER, "target_group": "cu_dan", "person_id": str(old[3].person_id)},
    ]


def test_starting_a_revisit_twice_resumes_the_first_draft(surveyor_2025, round_2025, surveyed_2021):
    first = start_revisit(user=surveyor_2025, round_=round_2025, household=surveyed_2021.household)
    second = start_revisit(user=surveyor_2025, round_=round_2025, household=surveyed_2021.household)

    assert second.pk == first.pk
    assert Draft.objects.count() == 1


def test_a_revisit_outside_the_users_communes_is_refused(
    make_user, round_2025, surveyed_2021, minh_quan_2021, surveyor_2025
):
    tran_yen = make_user(SURVEYOR, [TRAN_YEN_2025])

    with pytest.raises(SurveyError) as refused:
        start_revisit(user=tran_yen, round_=round_2025, household=surveyed_2021.household)
    with pytest.raises(SurveyError) as also:
        start_revisit(user=surveyor_2025, round_=round_2025, household=minh_quan_2021.household)

    message = "Hộ này không thuộc xã nào bạn được khảo sát trong đợt này."
    assert (str(refused.value), str(also.value)) == (message, message)
    assert not Draft.objects.exists()


def test_a_household_never_surveyed_before_the_round_cannot_be_revisited(
    surveyor, round_, surveyed_2021
):
    with pytest.raises(SurveyError) as refused:
        start_revisit(user=surveyor, round_=round_, household=surveyed_2021.household)

    assert str(refused.value) == "Hộ này chưa được khảo sát trong đợt nào trước đợt này."
    assert not Draft.objects.exists()


# Submitting a revisit -----------------------------------------------------------------------------


def test_a_revisit_adds_the_new_rounds_response_to_the_same_household(
    surveyor_2025, round_2025, surveyed_2021
):
    """The elder has died, a grandchild was born: kept members keep their person ids."""
    household = surveyed_2021.household
    code = household.code
    old = {m.full_name: m.person_id for m in surveyed_2021.members.all()}
    draft = start_revisit(user=surveyor_2025, round_=round_2025, household=household)
    before = counts()

    response = record_response(
        draft_id=draft.pk,
        user=surveyor_2025,
        submission=revisit_submission(draft, drop=3, add=[BABY]),
    )

    assert counts() == {
        **before,
        "responses": 2,
        "members": 8,
        "member_scores": before["member_scores"] + 2,  # the farmer and the cadre
        "household_scores": 2,
    }
    assert not Draft.objects.exists()
    household.refresh_from_db()
    assert (household.pk, household.code, household.unit_id) == (
        surveyed_2021.household_id,
        code,
        NAM_CUONG_2025,
    )
    assert (response.round, response.household, response.unit_id, response.survey_date) == (
        round_2025,
        household,
        NAM_CUONG_2025,
        SURVEY_DAY,
    )
    members = list(response.members.order_by("position"))
    assert [(m.full_name, m.age, m.target_group) for m in members] == [
        ("Nguyễn Văn An", 44, "cu_dan"),
        ("Trần Thị Bình", 39, "can_bo_dn"),
        ("Nguyễn Minh Châu", 14, ""),
        ("Nguyễn Gia Bảo", 1, ""),
    ]
    assert [m.person_id for m in members[:3]] == [
        old["Nguyễn Văn An"],
        old["Trần Thị Bình"],
        old["Nguyễn Minh Châu"],
    ]
    assert members[3].person_id not in old.values()
    # The 2025 answers only: nothing of 2021 (CDHT v1 had no "public services" or pupils).
    assert [m.answers for m in members] == [
        v2_answers({**FARMER, "target_group": "cu_dan"}),
        v2_answers({**CADRE, "target_group": "can_bo_dn"}),
        v2_answers(CHILD),
        {},
    ]
    assert surveyed_2021.members.count() == 4  # the 2021 response is untouched


def test_a_person_id_not_of_the_household_is_not_taken(
    surveyor_2025, round_2025, surveyed_2021, minh_quan_2021
):
    stranger = minh_quan_2021.members.first().person_id
    draft = start_revisit(user=surveyor_2025, round_=round_2025, household=surveyed_2021.household)
    submission = revisit_submission(draft, add=[{**BABY, "person_id": str(stranger)}])

    response = record_response(draft_id=draft.pk, user=surveyor_2025, submission=submission)

    assert response.members.get(full_name="Nguyễn Gia Bảo").person_id != stranger


def test_a_second_revisit_of_the_household_in_the_round_is_refused_and_writes_nothing(
    surveyor_2025, make_user, round_2025, surveyed_2021
):
    other = make_user(SURVEYOR, [NAM_CUONG_2025], full_name="Vàng A Páo")
    household = surveyed_2021.household
    mine = start_revisit(user=surveyor_2025, round_=round_2025, household=household)
    theirs = start_revisit(user=other, round_=round_2025, household=household)
    first = record_response(
        draft_id=mine.pk, user=surveyor_2025, submission=revisit_submission(mine)
    )
    before = counts()
    theirs_data = Draft.objects.get(pk=theirs.pk).data

    with pytest.raises(AlreadySurveyed) as refused:
        record_response(draft_id=theirs.pk, user=other, submission=revisit_submission(theirs))
    with pytest.raises(AlreadySurveyed) as again:
        start_revisit(user=other, round_=round_2025, household=household)

    message = (
        f"Hộ Nguyễn Văn An (mã {household.code}) đã có phiếu trong đợt này, nhập ngày 10/09/2025."
    )
    assert (str(refused.value), refused.value.response) == (message, first)
    assert (str(again.value), again.value.response) == (message, first)
    assert counts() == before
    assert Draft.objects.get().data == theirs_data  # their draft is kept as it was


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks: needs PostgreSQL (DATABASE_URL)"
)
@pytest.mark.django_db(transaction=True)
def test_two_revisits_of_one_household_racing_give_one_response(
    surveyor_2025, make_user, round_2025, surveyed_2021, monkeypatch
):
    other = make_user(SURVEYOR, [NAM_CUONG_2025], full_name="Vàng A Páo")
    household = surveyed_2021.household
    drafts = {
        "first": (surveyor_2025, start_revisit(user=surveyor_2025, round_=round_2025,
                                               household=household)),
        "second": (other, start_revisit(user=other, round_=round_2025, household=household)),
    }  # fmt: skip

    def revisit(name: str):
        user, draft = drafts[name]
        return record_response(
            draft_id=draft.pk, user=user, submission=revisit_submission(draft)
        ).pk

    results = race(
        monkeypatch, {"first": lambda: revisit("first"), "second": lambda: revisit("second")}
    )

    saved = HouseholdResponse.objects.get(round=round_2025)
    assert results["first"] == saved.pk
    assert isinstance(results["second"], AlreadySurveyed)
    assert results["second"].response.pk == saved.pk
    assert Draft.objects.get().owner == other  # the refused draft is kept


def test_a_failure_in_the_middle_of_a_revisit_writes_nothing(
    surveyor_2025, round_2025, surveyed_2021, monkeypatch
):
    draft = start_revisit(user=surveyor_2025, round_=round_2025, household=surveyed_2021.household)
    before = counts()

    def broken(*, response):
        raise RuntimeError("scoring failed")

    monkeypatch.setattr(services, "record_response_scores", broken)

    with pytest.raises(RuntimeError, match="scoring failed"):
        record_response(draft_id=draft.pk, user=surveyor_2025, submission=revisit_submission(draft))

    assert counts() == before
    household = Household.objects.get()
    assert (household.unit_id, household.village) == (NGA_QUAN, "Thôn 3")
    assert Draft.objects.get().pk == draft.pk


def test_the_households_history_lists_every_round(
    surveyor, surveyor_2025, round_2025, surveyed_2021
):
    draft = start_revisit(user=surveyor_2025, round_=round_2025, household=surveyed_2021.household)
    later = record_response(
        draft_id=draft.pk, user=surveyor_2025, submission=revisit_submission(draft)
    )

    seen_2025 = household_history(response=later, user=surveyor_2025)
    seen_2021 = household_history(response=surveyed_2021, user=surveyor)

    # The 2025 surveyor's scope (Nam Cường) does not cover the 2021 unit (Nga Quán).
    assert [(h["response"].pk, h["visible"], h["current"]) for h in seen_2025] == [
        (surveyed_2021.pk, False, False),
        (later.pk, True, True),
    ]
    assert [(h["response"].pk, h["visible"], h["current"]) for h in seen_2021] == [
        (surveyed_2021.pk, True, True),
        (later.pk, False, False),
    ]


# Pages ----------------------------------------------------------------------------------------


@pytest.fixture
def client_2025(client, surveyor_2025):
    client.force_login(surveyor_2025)
    return client


def rows_of(response) -> list[list[str]]:
    table = page(response).find(lambda n: n.attrs.get("data-testid") == "revisit")
    return [[td.text() for td in tr.select("td")] for tr in table.select("tbody")[0].select("tr")]


def test_the_revisit_page_finds_households_by_name_without_accents_and_village(
    client_2025, round_2025, surveyed_2021, surveyor
):
    lan = member_of({**CADRE, "full_name": "Hoàng Thị Lan", "relationship": "head"})
    other = submit(
        surveyor, surveyed_2021.round, head_name="Hoàng Thị Lan", village="Thôn 5", members=[lan]
    )
    url = f"/survey/rounds/{round_2025.code}/revisit/"
    code = surveyed_2021.household.code

    shown = client_2025.get(url)

    assert rows_of(shown) == [
        ["Nguyễn Văn An", "Khảo sát lại", code, "Xã Nga Quán", "Thôn 3", "4",
         "Thí điểm 2021 (15/07/2021)"],
        ["Hoàng Thị Lan", "Khảo sát lại", other.household.code, "Xã Nga Quán", "Thôn 5", "1",
         "Thí điểm 2021 (15/07/2021)"],
    ]  # fmt: skip
    assert [r[0] for r in rows_of(client_2025.get(url, {"q": "nguyen van an"}))] == [
        "Nguyễn Văn An"
    ]
    assert [r[0] for r in rows_of(client_2025.get(url, {"q": "hoang thi"}))] == ["Hoàng Thị Lan"]
    assert [r[0] for r in rows_of(client_2025.get(url, {"village": "Thôn 5"}))] == ["Hoàng Thị Lan"]
    assert rows_of(client_2025.get(url, {"q": "le van tam"})) == [["Không có hộ nào."]]


def test_another_communes_household_id_gives_404_and_starts_nothing(
    client_2025, round_2025, minh_quan_2021
):
    url = f"/survey/rounds/{round_2025.code}/revisit/{minh_quan_2021.household_id}/"

    refused = client_2025.post(url)
    missing = client_2025.post(f"/survey/rounds/{round_2025.code}/revisit/999999/")

    assert (refused.status_code, missing.status_code) == (404, 404)
    assert not Draft.objects.exists()


def test_the_revisit_pages_of_a_round_without_the_users_communes_give_404(
    surveyor, round_, round_2025, surveyed_2021
):
    from django.test import Client

    nga_quan_2021 = Client()
    nga_quan_2021.force_login(surveyor)  # Nga Quán 2020 units: nothing to survey in 2025

    assert nga_quan_2021.get("/survey/rounds/r2025/revisit/").status_code == 404
    url = f"/survey/rounds/r2025/revisit/{surveyed_2021.household_id}/"
    assert nga_quan_2021.post(url).status_code == 404
    assert nga_quan_2021.get(url).status_code == 405
    assert not Draft.objects.exists()


def test_a_committee_member_is_refused_the_revisit_pages(make_user, round_2025, surveyed_2021):
    from django.test import Client

    committee = Client()
    committee.force_login(make_user(COMMITTEE))
    url = f"/survey/rounds/r2025/revisit/{surveyed_2021.household_id}/"

    assert committee.get("/survey/rounds/r2025/revisit/").status_code == 403
    assert committee.post(url).status_code == 403


def wizard_doc(response):
    return page(response).find(lambda n: n.tag == "form" and "wizard" in n.classes)


def fill_step(client, url: str, answers: dict[int, dict[str, Any]]) -> None:
    """Answer a member-question step as shown: each member row gets what applies to it."""
    shown = client.get(url)
    assert shown.status_code == 200
    data = form_data(wizard_doc(shown))
    step = url.rstrip("/").rsplit("/", 1)[1]
    names = {n for n in _field_names(wizard_doc(shown))}
    for row, values in answers.items():
        for code, value in values.items():
            name = f"{step}-m{row}-{code}"
            if name in names:
                data[name] = [str(v) for v in value] if isinstance(value, list) else [str(value)]
    posted = client.post(url, data)
    assert posted.status_code == 302, posted.content.decode()[:3000]


def _field_names(form) -> set[str]:
    return {n.attrs["name"] for n in form.iter() if n.attrs.get("name")}


def test_a_revisit_through_the_pages(client_2025, round_2025, surveyed_2021):
    household = surveyed_2021.household
    started = client_2025.post(f"/survey/rounds/r2025/revisit/{household.pk}/")
    base = started.url.rsplit("/", 2)[0]
    assert started.url == f"{base}/household/"

    # The household step starts from the 2021 details on the 2025 unit, with no date.
    shown = client_2025.get(started.url)
    data = form_data(wizard_doc(shown))
    assert {k: data[k] for k in data if k.startswith("household-")} == {
        "household-unit": [NAM_CUONG_2025],
        "household-village": ["Thôn 3"],
        "household-address": ["Số 12, đường Nga Quán"],
        "household-head_name": ["Nguyễn Văn An"],
        "household-survey_date": [""],
    }
    text = page(shown).text()
    assert f"Khảo sát lại hộ {household.code}" in text
    assert "bắt buộc" not in text  # no error before anything is posted
    data["household-survey_date"] = [SURVEY_DAY.isoformat()]
    assert client_2025.post(started.url, data).url == f"{base}/members/"

    # Members as in 2021, groups under the 2025 set; the elder is removed, a baby added.
    data = form_data(wizard_doc(client_2025.get(f"{base}/members/")))
    assert [data[f"members-{i}-full_name"] for i in range(4)] == [
        [m["full_name"]] for m in (FARMER, CADRE, CHILD, ELDER)
    ]
    assert [data[f"members-{i}-target_group"] for i in range(4)] == [
        ["cu_dan"], ["can_bo_dn"], [""], ["cu_dan"]
    ]  # fmt: skip
    data["members-3-DELETE"] = ["on"]
    data["members-TOTAL_FORMS"] = ["5"]
    data.update({f"members-4-{k}": [v] for k, v in BABY.items()})
    assert client_2025.post(f"{base}/members/", data).status_code == 302

    members = {0: {**FARMER, "target_group": "cu_dan"}, 1: {**CADRE, "target_group": "can_bo_dn"}}
    members[2] = CHILD
    answers = {row: v2_answers(m) for row, m in members.items()}
    for step in ("c1", "c2", "c3", "family"):
        fill_step(client_2025, f"{base}/{step}/", answers)
    data = {"wizard-current_step": ["household_questions"]}
    for code, value in HOUSEHOLD_ANSWERS.items():
        data[f"household_questions-{code}"] = value if isinstance(value, list) else [value]
    assert client_2025.post(f"{base}/household_questions/", data).status_code == 302
    final = client_2025.post(f"{base}/review/", {"wizard-current_step": "review"})

    saved = HouseholdResponse.objects.get(round=round_2025)
    assert final.url == f"/survey/responses/{saved.pk}/"
    assert (saved.household_id, saved.unit_id) == (household.pk, NAM_CUONG_2025)
    assert [(m.full_name, m.age) for m in saved.members.all()] == [
        ("Nguyễn Văn An", 44),
        ("Trần Thị Bình", 39),
        ("Nguyễn Minh Châu", 14),
        ("Nguyễn Gia Bảo", 1),
    ]
    assert saved.members.get(position=1).answers == answers[0]

    # The response page shows the household's rounds; 2021 is outside this scope: no link.
    detail = page(client_2025.get(final.url))
    history = detail.find(lambda n: n.attrs.get("data-testid") == "history")
    rows = [[td.text() for td in tr.select("td")] for tr in history.select("tbody")[0].select("tr")]
    assert rows == [
        ["Thí điểm 2021", "15/07/2021", "Xã Nga Quán", "Thôn 3", "4", "Đã gửi"],
        ["Đợt 2025", "10/09/2025", "Phường Nam Cường", "Thôn 3", "4", "Đã gửi"],
    ]
    assert not history.find_all(lambda n: n.tag == "a")

    # Revisiting it again in the round opens the response that exists.
    again = client_2025.post(f"/survey/rounds/r2025/revisit/{household.pk}/", follow=True)
    assert again.redirect_chain == [(f"/survey/responses/{saved.pk}/", 302)]
    assert "đã có phiếu trong đợt này" in page(again).text()
    listed = rows_of(client_2025.get("/survey/rounds/r2025/revisit/"))
    assert listed[0][:2] == ["Nguyễn Văn An", "Đã có phiếu trong đợt này: mở"]
    opener = page(client_2025.get("/survey/rounds/r2025/revisit/")).find(
        lambda n: n.tag == "a" and n.text() == "Đã có phiếu trong đợt này: mở"
    )
    assert opener.attrs["href"] == f"/survey/responses/{saved.pk}/"
    assert HouseholdResponse.objects.count() == 2


# A new form for a household of an earlier round ------------------------------------------------


def new_household_messages(client, round_code: str, **household) -> list:
    started = client.post(f"/survey/rounds/{round_code}/new/")
    base = started.url.rsplit("/", 2)[0]
    data = {"wizard-current_step": "household"}
    values = {
        "unit": NAM_CUONG_2025,
        "village": "Thôn 3",
        "address": "Số 12, đường Nga Quán",
        "head_name": "Nguyễn Văn An",
        "survey_date": SURVEY_DAY.isoformat(),
        **household,
    }
    data.update({f"household-{k}": v for k, v in values.items()})
    moved = client.post(f"{base}/household/", data)
    assert moved.status_code == 302
    doc = page(client.get(moved.url))
    return doc.find_all(lambda n: n.tag == "li" and n.parent and "messages" in n.parent.classes)


def test_a_new_form_for_a_household_of_an_earlier_round_offers_the_revisit(
    client_2025, round_2025, surveyed_2021
):
    shown = new_household_messages(client_2025, "r2025")

    code = surveyed_2021.household.code
    assert [m.text() for m in shown] == [
        f"Hộ Nguyễn Văn An (Thôn 3) đã được khảo sát ở Thí điểm 2021 (mã hộ {code}). "
        "Nếu là cùng một hộ, hãy khảo sát lại hộ đó để giữ mã hộ và các thành viên."
    ]
    link = shown[0].find(lambda n: n.tag == "a")
    assert link.attrs["href"] == "/survey/rounds/r2025/revisit/?q=Nguy%E1%BB%85n+V%C4%83n+An"


@pytest.mark.parametrize(
    "household",
    [
        {"head_name": "Nguyễn Văn Ân"},  # another tone: another person
        {"village": "Thôn 4"},
        {"address": "Số 14, đường Nga Quán"},
    ],
)
def test_other_households_of_earlier_rounds_are_not_offered(
    client_2025, round_2025, surveyed_2021, household
):
    assert new_household_messages(client_2025, "r2025", **household) == []


def test_a_household_already_revisited_is_offered_as_this_rounds_duplicate_only(
    client_2025, surveyor_2025, round_2025, surveyed_2021
):
    draft = start_revisit(user=surveyor_2025, round_=round_2025, household=surveyed_2021.household)
    done = record_response(
        draft_id=draft.pk, user=surveyor_2025, submission=revisit_submission(draft)
    )

    shown = new_household_messages(client_2025, "r2025")

    assert [m.text() for m in shown] == [
        "Hộ Nguyễn Văn An (Thôn 3) đã có phiếu trong đợt này. "
        "Nếu là cùng một hộ, hãy mở phiếu đó thay vì nhập lại."
    ]
    link = shown[0].find(lambda n: n.tag == "a")
    assert link.attrs["href"] == f"/survey/responses/{done.pk}/"


# Queries -----------------------------------------------------------------------------------------


def revisit_walk_queries(client, round_2025, previous) -> dict[str, tuple[int, int]]:
    """Revisit ``previous``'s household through every step; return (GET, POST) query counts."""
    started = client.post(f"/survey/rounds/r2025/revisit/{previous.household_id}/")
    base = started.url.rsplit("/", 2)[0]
    draft_id = base.rsplit("/", 1)[1]
    members = members_of(Draft.objects.get(pk=draft_id))  # the groups of 2025
    counts_: dict[str, tuple[int, int]] = {}
    for step in ("household", "members", "c1", "c2", "c3", "family", "household_questions"):
        with CaptureQueriesContext(connection) as shown:
            doc = client.get(f"{base}/{step}/")
        assert doc.status_code == 200
        data = form_data(wizard_doc(doc))
        names = _field_names(wizard_doc(doc))
        if step == "household":
            data["household-survey_date"] = [SURVEY_DAY.isoformat()]
        for row, member in enumerate(members):
            for code, value in v2_answers(member).items():
                if f"{step}-m{row}-{code}" in names:
                    values = value if isinstance(value, list) else [value]
                    data[f"{step}-m{row}-{code}"] = [str(v) for v in values]
        if step == "household_questions":
            for code, value in HOUSEHOLD_ANSWERS.items():
                data[f"{step}-{code}"] = value if isinstance(value, list) else [value]
        with CaptureQueriesContext(connection) as sent:
            moved = client.post(f"{base}/{step}/", data)
        assert moved.status_code == 302, moved.content.decode()[:2000]
        counts_[step] = (len(shown), len(sent))
    return counts_


def test_each_revisit_step_makes_the_same_number_of_queries_for_one_member_or_six(
    client_2025, surveyor, round_, round_2025
):
    one = member_of(FARMER)
    six = [member_of(FARMER), *(member_of({**CADRE, "relationship": "other"}) for _ in range(5))]
    small = submit(surveyor, round_, members=[one], head_name="Hộ Một Người")
    large = submit(surveyor, round_, members=six, head_name="Hộ Sáu Người")
    revisit_walk_queries(client_2025, round_2025, small)  # the first request loads the sets
    Draft.objects.all().delete()

    one, six = (revisit_walk_queries(client_2025, round_2025, h) for h in (small, large))

    # As many as for a new household (whose household step also looks for earlier rounds'),
    # even before the household step is saved: the members are known from the start.
    expected = {step: STEP_QUERIES[step] for step in one}
    expected["household"] = (STEP_QUERIES["household"][0], STEP_QUERIES["household"][1] - 2)
    assert one == six == expected


def test_submitting_a_revisit_after_someone_else_opens_their_response(
    client_2025, make_user, round_2025, surveyed_2021
):
    other = make_user(SURVEYOR, [NAM_CUONG_2025], full_name="Vàng A Páo")
    theirs = start_revisit(user=other, round_=round_2025, household=surveyed_2021.household)
    revisit_walk_queries(client_2025, round_2025, surveyed_2021)  # mine, up to the review
    mine = Draft.objects.get(owner__username="dtv2025")
    base = f"/survey/drafts/{mine.pk}"
    first = record_response(draft_id=theirs.pk, user=other, submission=revisit_submission(theirs))
    before = counts()

    refused = client_2025.post(f"{base}/review/", {"wizard-current_step": "review"}, follow=True)

    assert refused.redirect_chain == [(f"/survey/responses/{first.pk}/", 302)]
    code = surveyed_2021.household.code
    assert [m.text() for m in page(refused).select("ul", class_="messages")[0].select("li")] == [
        f"Hộ Nguyễn Văn An (mã {code}) đã có phiếu trong đợt này, nhập ngày 10/09/2025."
    ]
    assert counts() == before
    kept = Draft.objects.get()
    assert (kept.pk, kept.current_step) == (mine.pk, "review")


def test_anonymous_users_are_sent_to_the_login_page(client, round_2025, surveyed_2021):
    listed = client.get("/survey/rounds/r2025/revisit/")
    started = client.post(f"/survey/rounds/r2025/revisit/{surveyed_2021.household_id}/")

    assert (listed.status_code, started.status_code) == (302, 302)
    assert listed.url == "/accounts/login/?next=/survey/rounds/r2025/revisit/"
    assert started.url.startswith("/accounts/login/?next=")
    assert not Draft.objects.exists()
