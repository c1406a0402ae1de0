"""The survey services: start, submit (once), correct (with history), and their refusals."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.db import connection

from accounts.roles import COMMITTEE, COMMUNE_STAFF, SURVEYOR
from criteria.selectors import find_version, spec_of
from flows import responses as services
from flows.responses import record_response
from scoring.compute import MemberInput, score_response
from scoring.engine import MemberProfile
from scoring.models import HouseholdScore, MemberScore, ScoringRun
from survey.models import (
    Draft,
    Household,
    HouseholdResponse,
    MemberResponse,
    ResponseChange,
    ResponseStatus,
    Round,
)
from survey.selectors import find_duplicates, search_responses
from survey.services import EditConflict, Submission, SurveyError, start_draft
from tests.factories import MINH_QUAN_ACUTE, MINH_QUAN_CIRCUMFLEX, NGA_QUAN
from tests.races import race
from tests.survey.conftest import (
    CADRE,
    CHILD,
    CUONG_THINH,
    ELDER,
    FARMER,
    FOUR_MEMBERS,
    HOUSEHOLD_ANSWERS,
    citizen_answers,
    family_answers,
)
from tests.survey.factories import HouseholdResponseFactory

NUMBERS = {"community_sessions_12m", "community_activities_12m", "learning_contents_12m"}


def answers_of(member: dict[str, str]) -> dict[str, Any]:
    """A member's answers as the wizard stores them (numbers as numbers)."""
    answers = {**citizen_answers(member), **family_answers(member)}
    return {k: int(v) if k in NUMBERS else v for k, v in answers.items()}


def member_of(member: dict[str, str], **extra) -> dict[str, Any]:
    return {
        **member,
        "birth_year": int(member["birth_year"]),
        "answers": answers_of(member),
        "person_id": None,
        **extra,
    }


def submission(members=None, **changes) -> Submission:
    values = {
        "unit": NGA_QUAN,
        "village": "Thôn 3",
        "address": "Số 12, đường Nga Quán",
        "head_name": "Nguyễn Văn An",
        "survey_date": date(2021, 7, 15),
        "members": [member_of(m) for m in FOUR_MEMBERS] if members is None else members,
        "household_answers": dict(HOUSEHOLD_ANSWERS),
    }
    return Submission(**{**values, **changes})


def submit(user, round_, **changes) -> HouseholdResponse:
    draft = start_draft(user=user, round_=round_)
    return record_response(draft_id=draft.pk, user=user, submission=submission(**changes))


def members_as_submitted(response: HouseholdResponse) -> list[dict[str, Any]]:
    """The members of a response as a correction draft sends them back (with person ids)."""
    return [
        {
            "full_name": m.full_name,
            "sex": m.sex,
            "birth_year": m.birth_year,
            "ethnicity": m.ethnicity,
            "education": m.education,
            "target_group": m.target_group,
            "relationship": m.relationship,
            "person_id": m.person_id,
            "answers": dict(m.answers),
        }
        for m in response.members.order_by("position")
    ]


def counts() -> dict[str, int]:
    return {
        "households": Household.objects.count(),
        "responses": HouseholdResponse.objects.count(),
        "members": MemberResponse.objects.count(),
        "member_scores": MemberScore.objects.count(),
        "household_scores": HouseholdScore.objects.count(),
        "changes": ResponseChange.objects.count(),
    }


ONE_SUBMITTED = {
    "households": 1,
    "responses": 1,
    "members": 4,
    "member_scores": 3,  # the child of 10 has no target group: not assessed
    "household_scores": 1,
    "changes": 0,
}
NOTHING = dict.fromkeys(ONE_SUBMITTED, 0)


@pytest.fixture
def surveyor(make_user):
    return make_user(SURVEYOR, username="dieutravien", full_name="Lò Thị Hoa")


@pytest.fixture
def staff(make_user):
    return make_user(COMMUNE_STAFF, username="canboxa", full_name="Hà Văn Minh")


# Submit --------------------------------------------------------------------------------------


def test_submit_creates_one_response_with_members_and_scores_and_deletes_the_draft(
    surveyor, round_
):
    draft = start_draft(user=surveyor, round_=round_)

    response = record_response(draft_id=draft.pk, user=surveyor, submission=submission())

    assert counts() == ONE_SUBMITTED
    assert not Draft.objects.exists()
    saved = HouseholdResponse.objects.get()
    assert saved == response
    assert (
        saved.round,
        saved.unit_id,
        saved.village,
        saved.address,
        saved.head_name,
        saved.survey_date,
        saved.status,
        saved.revision,
        saved.source_draft,
        saved.surveyor,
        saved.updated_by,
        saved.answers,
    ) == (
        round_,
        NGA_QUAN,
        "Thôn 3",
        "Số 12, đường Nga Quán",
        "Nguyễn Văn An",
        date(2021, 7, 15),
        ResponseStatus.SUBMITTED,
        1,
        draft.pk,
        surveyor,
        surveyor,
        HOUSEHOLD_ANSWERS,
    )
    assert saved.search_text == (
        "| nguyen van an | nguyen van an | tran thi binh | nguyen minh chau | nguyen van dung |"
    )
    household = Household.objects.get()
    assert (household.unit_id, household.village, household.head_name) == (
        NGA_QUAN,
        "Thôn 3",
        "Nguyễn Văn An",
    )
    assert household.code.startswith("04528-")
    assert [
        (m.position, m.full_name, m.birth_year, m.age, m.target_group, m.relationship, m.answers)
        for m in saved.members.all()
    ] == [
        (1, "Nguyễn Văn An", 1981, 40, "nong_dan", "head", answers_of(FARMER)),
        (2, "Trần Thị Bình", 1986, 35, "can_bo", "spouse", answers_of(CADRE)),
        (3, "Nguyễn Minh Châu", 2011, 10, "", "child", answers_of(CHILD)),
        (4, "Nguyễn Văn Dũng", 1953, 68, "nong_dan", "parent", answers_of(ELDER)),
    ]
    assert len({m.person_id for m in saved.members.all()}) == 4


def test_the_scores_recorded_on_submit_are_the_rounds_versions_scores(surveyor, round_):
    response = submit(surveyor, round_)

    by_member = {
        s.member.full_name: (s.total, s.recognised, s.complete)
        for s in MemberScore.objects.select_related("member")
    }
    # CD04 waits for the reviewer's evidence score: the totals are known, the title not yet.
    assert by_member == {
        "Nguyễn Văn An": (88.89, None, False),
        "Trần Thị Bình": (88.0, None, False),
        "Nguyễn Văn Dũng": (88.89, None, False),
    }
    household = HouseholdScore.objects.get(response=response)
    assert (household.total, household.recognised) == (81.0, None)
    runs = ScoringRun.objects.filter(round=round_, kind=ScoringRun.Kind.PRIMARY)
    assert sorted((r.criteria_set.code, r.criteria_set.version) for r in runs) == [
        ("CDHT", 1),
        ("GDHT", 1),
    ]


def test_submitting_the_same_draft_twice_returns_the_first_response(surveyor, round_):
    draft = start_draft(user=surveyor, round_=round_)
    first = record_response(draft_id=draft.pk, user=surveyor, submission=submission())

    # Resent after a time-out, even with other data (Back, edit, submit again).
    again = record_response(
        draft_id=draft.pk, user=surveyor, submission=submission(village="Thôn 9")
    )

    assert again.pk == first.pk
    assert counts() == ONE_SUBMITTED
    assert HouseholdResponse.objects.get().village == "Thôn 3"


@pytest.mark.django_db(transaction=True)
def test_a_resubmit_after_the_first_submit_committed_creates_nothing_more(surveyor, round_):
    draft = start_draft(user=surveyor, round_=round_)
    # The second request had read the draft before the first one committed and deleted it.
    late_draft_id = Draft.objects.get().pk
    first = record_response(draft_id=draft.pk, user=surveyor, submission=submission())
    assert not connection.in_atomic_block  # the first submit is committed

    again = record_response(draft_id=late_draft_id, user=surveyor, submission=submission())

    assert again.pk == first.pk
    assert counts() == ONE_SUBMITTED


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks: needs PostgreSQL (DATABASE_URL)"
)
@pytest.mark.django_db(transaction=True)
def test_two_submits_racing_on_one_draft_give_one_response(surveyor, round_, monkeypatch):
    draft = start_draft(user=surveyor, round_=round_)

    def submit():
        return record_response(draft_id=draft.pk, user=surveyor, submission=submission()).pk

    results = race(monkeypatch, {"first": submit, "second": submit})

    assert results["first"] == results["second"] == HouseholdResponse.objects.get().pk
    assert counts() == ONE_SUBMITTED


def test_a_failure_in_the_middle_of_a_submit_leaves_no_partial_rows(surveyor, round_, monkeypatch):
    draft = start_draft(user=surveyor, round_=round_)
    Draft.objects.filter(pk=draft.pk).update(data={"step": "review"}, label="Nguyễn Văn An")
    seen = {}

    def broken(*, response):
        seen["members"] = MemberResponse.objects.filter(response=response).count()
        raise RuntimeError("scoring failed")

    monkeypatch.setattr(services, "record_response_scores", broken)

    with pytest.raises(RuntimeError, match="scoring failed"):
        record_response(draft_id=draft.pk, user=surveyor, submission=submission())

    assert seen == {"members": 4}  # it failed after the members were written
    assert counts() == NOTHING
    kept = Draft.objects.get()
    assert (kept.pk, kept.data, kept.label) == (draft.pk, {"step": "review"}, "Nguyễn Văn An")


def test_a_unit_of_the_round_outside_the_surveyors_scope_is_refused(surveyor, round_):
    draft = start_draft(user=surveyor, round_=round_)

    with pytest.raises(SurveyError) as refused:
        record_response(draft_id=draft.pk, user=surveyor, submission=submission(unit=CUONG_THINH))

    assert str(refused.value) == "Bạn không được nhập số liệu cho đơn vị này trong đợt này."
    assert counts() == NOTHING
    assert Draft.objects.filter(pk=draft.pk).exists()


def test_someone_elses_draft_cannot_be_submitted(surveyor, round_, make_user):
    other = make_user(SURVEYOR)
    draft = start_draft(user=other, round_=round_)

    with pytest.raises(SurveyError) as refused:
        record_response(draft_id=draft.pk, user=surveyor, submission=submission())

    assert str(refused.value) == "Không tìm thấy bản nháp này."
    assert counts() == NOTHING
    assert Draft.objects.get().owner == other


# Start ----------------------------------------------------------------------------------------


def test_start_draft_makes_an_empty_draft_of_the_owner(surveyor, round_):
    draft = start_draft(user=surveyor, round_=round_)

    assert Draft.objects.get() == draft
    assert (draft.owner, draft.round, draft.response, draft.data, draft.current_step) == (
        surveyor,
        round_,
        None,
        {},
        "",
    )


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        (SURVEYOR, [MINH_QUAN_CIRCUMFLEX]),  # Xã Minh Quân is not in the round
        (SURVEYOR, []),
        (COMMITTEE, None),  # sees the province, enters nothing
    ],
)
def test_start_draft_is_refused_outside_the_users_scope(make_user, round_, role, scope):
    user = make_user(role, scope)

    with pytest.raises(SurveyError) as refused:
        start_draft(user=user, round_=round_)

    assert str(refused.value) == "Bạn không có xã nào để khảo sát trong đợt này."
    assert not Draft.objects.exists()


@pytest.mark.parametrize("status", [Round.Status.CLOSED, Round.Status.PLANNED])
def test_start_draft_is_refused_in_a_round_not_open(surveyor, round_, status):
    round_.status = status
    round_.save(update_fields=["status"])

    with pytest.raises(SurveyError) as refused:
        start_draft(user=surveyor, round_=round_)

    assert str(refused.value) == "Bạn không có xã nào để khảo sát trong đợt này."
    assert not Draft.objects.exists()


def test_a_draft_left_open_when_the_round_closes_cannot_be_submitted(surveyor, round_):
    draft = start_draft(user=surveyor, round_=round_)
    round_.status = Round.Status.CLOSED
    round_.save(update_fields=["status"])

    with pytest.raises(SurveyError):
        record_response(draft_id=draft.pk, user=surveyor, submission=submission())

    assert counts() == NOTHING


# Corrections ------------------------------------------------------------------------------------


def correct(user, response, **changes) -> HouseholdResponse:
    draft = start_draft(user=user, round_=response.round, response=response)
    return record_response(
        draft_id=draft.pk,
        user=user,
        submission=submission(
            members=changes.pop("members", None) or members_as_submitted(response),
            kept_answers=changes.pop("kept_answers", frozenset({"encouragement_evidence"})),
            **changes,
        ),
    )


def test_a_correction_records_each_change_with_old_and_new_values(surveyor, staff, round_):
    response = submit(surveyor, round_)
    persons = [m.person_id for m in response.members.order_by("position")]
    members = members_as_submitted(response)
    members[0]["answers"]["learning_plan"] = "written"
    members[2]["birth_year"] = 2012

    corrected = correct(staff, response, members=members, village="Thôn 4")

    assert corrected.pk == response.pk
    assert counts() == {**ONE_SUBMITTED, "changes": 1}
    change = ResponseChange.objects.get()
    assert (change.response, change.revision, change.changed_by) == (response, 2, staff)
    # Sorted by field: members by person id, then the household's fields.
    learning_plan = {
        "field": f"members.{persons[0]}.answers.learning_plan",
        "old": "written_followed",
        "new": "written",
    }
    birth_year = {"field": f"members.{persons[2]}.birth_year", "old": 2011, "new": 2012}
    assert change.changes == [
        *sorted([learning_plan, birth_year], key=lambda c: c["field"]),
        {"field": "village", "old": "Thôn 3", "new": "Thôn 4"},
    ]
    saved = HouseholdResponse.objects.get()
    assert (saved.village, saved.revision, saved.updated_by, saved.surveyor) == (
        "Thôn 4",
        2,
        staff,
        surveyor,
    )
    assert [m.person_id for m in saved.members.order_by("position")] == persons
    assert saved.members.get(position=3).age == 9
    assert saved.source_draft == response.source_draft
    assert not Draft.objects.exists()


def test_a_correction_without_change_records_an_empty_change(surveyor, round_):
    response = submit(surveyor, round_)

    correct(surveyor, response)

    assert ResponseChange.objects.get().changes == []
    assert HouseholdResponse.objects.get().revision == 2


def test_a_correction_keeps_the_reviewers_answers_the_surveyor_was_not_shown(
    surveyor, staff, round_
):
    members = [member_of(m) for m in FOUR_MEMBERS]
    members[0]["answers"]["encouragement_evidence"] = 2
    response = submit(staff, round_, members=members)
    assert MemberScore.objects.get(member__position=1).total == 100.0
    surveyor_sees = members_as_submitted(response)
    for member in surveyor_sees:
        member["answers"].pop("encouragement_evidence", None)
    surveyor_sees[0]["answers"]["numeracy"] = "records"

    correct(surveyor, response, members=surveyor_sees)

    farmer = MemberResponse.objects.get(position=1)
    assert farmer.answers == {
        **answers_of(FARMER),
        "encouragement_evidence": 2,
        "numeracy": "records",
    }
    assert ResponseChange.objects.get().changes == [
        {
            "field": f"members.{farmer.person_id}.answers.numeracy",
            "old": "plans",
            "new": "records",
        }
    ]
    # CD07 lost 1 point (records 3 instead of plans 4); CD04 keeps the reviewer's 2 points:
    # 89 points over the 9 indicators a farmer has (CD06 is for cadres), rescaled to 100.
    score = MemberScore.objects.get(member=farmer)
    assert (score.total, score.recognised) == (98.89, True)


def test_a_member_removed_and_one_added_in_a_correction(surveyor, round_):
    response = submit(surveyor, round_)
    members = members_as_submitted(response)
    elder = members.pop(3)
    newborn = member_of({**CHILD, "full_name": "Nguyễn Minh Đức", "birth_year": "2021"})
    members.append(newborn)

    correct(surveyor, response, members=members)

    saved = list(HouseholdResponse.objects.get().members.order_by("position"))
    assert [m.full_name for m in saved] == [
        "Nguyễn Văn An",
        "Trần Thị Bình",
        "Nguyễn Minh Châu",
        "Nguyễn Minh Đức",
    ]
    assert elder["person_id"] not in {m.person_id for m in saved}
    change = ResponseChange.objects.get().changes
    fields = [c["field"] for c in change]
    assert fields == sorted(
        [f"members.{elder['person_id']}", f"members.{saved[3].person_id}"], key=str
    )
    removed = next(c for c in change if c["field"] == f"members.{elder['person_id']}")
    assert removed["new"] is None
    assert removed["old"]["full_name"] == "Nguyễn Văn Dũng"
    assert MemberScore.objects.filter(response=response).count() == 2


def test_corrections_keep_the_rounds_criteria_version(surveyor, round_):
    assert find_version(code="CDHT").version == 2  # a newer version is published meanwhile
    response = submit(surveyor, round_)
    members = members_as_submitted(response)
    members[1]["answers"]["foreign_language_level"] = "fluent"

    correct(surveyor, response, members=members)

    cadre = MemberScore.objects.get(member__position=2)
    assert (cadre.run.criteria_set.code, cadre.run.criteria_set.version) == ("CDHT", 1)
    v1 = spec_of(criteria_set=round_.citizen_set)
    expected = score_response(
        citizen=v1,
        household=None,
        members=[
            MemberInput(
                MemberProfile("can_bo", 35, "female"),
                {**answers_of(CADRE), "foreign_language_level": "fluent"},
            )
        ],
        household_answers={},
    )
    assert cadre.total == expected.members[0].total == 90.0
    assert set(ScoringRun.objects.values_list("criteria_set__code", "criteria_set__version")) == {
        ("CDHT", 1),
        ("GDHT", 1),
    }


def test_the_second_of_two_concurrent_corrections_is_refused_naming_who_and_when(
    surveyor, staff, round_
):
    response = submit(surveyor, round_)
    first = start_draft(user=surveyor, round_=round_, response=response)
    second = start_draft(user=staff, round_=round_, response=response)
    record_response(
        draft_id=first.pk,
        user=surveyor,
        submission=submission(
            members=members_as_submitted(response), village="Thôn 4", kept_answers=frozenset()
        ),
    )
    # 02:30 UTC is 09:30 in Viet Nam.
    HouseholdResponse.objects.filter(pk=response.pk).update(
        updated_at=datetime(2021, 7, 20, 2, 30, tzinfo=UTC)
    )
    before = counts()
    members_before = list(MemberResponse.objects.values_list("pk", "full_name", "answers"))

    with pytest.raises(EditConflict) as refused:
        record_response(
            draft_id=second.pk,
            user=staff,
            submission=submission(
                members=members_as_submitted(response),
                village="Thôn 5",
                head_name="Nguyễn Văn Ân",
                kept_answers=frozenset(),
            ),
        )

    assert str(refused.value) == (
        "Lò Thị Hoa đã sửa phiếu này lúc 20/07/2021 09:30, sau khi bạn mở nó. "
        "Thay đổi của bạn chưa được lưu; hãy mở lại phiếu để xem bản mới."
    )
    saved = HouseholdResponse.objects.get()
    assert (saved.village, saved.head_name, saved.revision, saved.updated_by) == (
        "Thôn 4",
        "Nguyễn Văn An",
        2,
        surveyor,
    )
    assert counts() == before
    assert list(MemberResponse.objects.values_list("pk", "full_name", "answers")) == members_before
    assert Draft.objects.filter(pk=second.pk).exists()  # the refused work is not thrown away


def test_an_approved_response_cannot_be_corrected(surveyor, staff, round_):
    response = submit(surveyor, round_)
    HouseholdResponse.objects.filter(pk=response.pk).update(status=ResponseStatus.APPROVED)
    response.refresh_from_db()

    with pytest.raises(SurveyError) as refused:
        start_draft(user=staff, round_=round_, response=response)

    assert str(refused.value) == "Phiếu đã được phê duyệt, không thể sửa."
    assert not Draft.objects.exists()


def test_a_response_approved_while_its_correction_was_open_is_not_changed(surveyor, staff, round_):
    response = submit(surveyor, round_)
    draft = start_draft(user=staff, round_=round_, response=response)
    HouseholdResponse.objects.filter(pk=response.pk).update(status=ResponseStatus.APPROVED)

    with pytest.raises(SurveyError) as refused:
        record_response(
            draft_id=draft.pk,
            user=staff,
            submission=submission(members=members_as_submitted(response), village="Thôn 9"),
        )

    assert str(refused.value) == "Phiếu đã được phê duyệt, không thể sửa."
    saved = HouseholdResponse.objects.get()
    assert (saved.village, saved.revision, saved.status) == ("Thôn 3", 1, "approved")
    assert counts() == ONE_SUBMITTED


def test_a_failure_in_the_middle_of_a_correction_changes_nothing(surveyor, round_, monkeypatch):
    response = submit(surveyor, round_)
    members_before = list(MemberResponse.objects.values_list("pk", "person_id", "answers"))

    def broken(*, response):
        raise RuntimeError("scoring failed")

    monkeypatch.setattr(services, "record_response_scores", broken)

    with pytest.raises(RuntimeError):
        correct(surveyor, response, village="Thôn 8")

    saved = HouseholdResponse.objects.get()
    assert (saved.village, saved.revision) == ("Thôn 3", 1)
    assert list(MemberResponse.objects.values_list("pk", "person_id", "answers")) == members_before
    assert counts() == ONE_SUBMITTED
    assert Draft.objects.get().response == response


# Duplicates -------------------------------------------------------------------------------------


@pytest.fixture
def hoa_household(surveyor, round_):
    return HouseholdResponseFactory(
        round=round_,
        surveyor=surveyor,
        village="Thôn 3",
        head_name="Nguyễn Văn Hoà",
        address="Số 12",
    )


@pytest.mark.parametrize(
    ("village", "head_name", "address"),
    [
        ("Thôn 3", "Nguyễn Văn Hoà", "Số 12"),
        ("Thôn 3", "Nguyễn Văn Hòa", "Số 12"),  # the tone mark on the other vowel
        ("thôn  3", "NGUYỄN VĂN HOÀ", "số 12"),
        ("Tho\u0302n 3", "Nguye\u0302\u0303n Va\u0306n Hoa\u0300", "Số 12"),  # combining marks
    ],
)
def test_the_same_head_and_address_in_the_same_village_is_a_duplicate(
    round_, hoa_household, village, head_name, address
):
    found = find_duplicates(
        round_=round_, unit_key=NGA_QUAN, village=village, head_name=head_name, address=address
    )

    assert found == [hoa_household]


@pytest.mark.parametrize(
    ("unit", "village", "head_name", "address"),
    [
        (NGA_QUAN, "Thôn 3", "Nguyen Van Hoa", "Số 12"),  # accents are never ignored
        (NGA_QUAN, "Thôn 3", "Nguyễn Văn Hoá", "Số 12"),  # another tone
        (NGA_QUAN, "Thôn 4", "Nguyễn Văn Hoà", "Số 12"),
        (NGA_QUAN, "Thôn 3", "Nguyễn Văn Hoà", "Số 14"),
        (MINH_QUAN_ACUTE, "Thôn 3", "Nguyễn Văn Hoà", "Số 12"),
    ],
)
def test_other_households_are_not_duplicates(
    round_, hoa_household, unit, village, head_name, address
):
    found = find_duplicates(
        round_=round_, unit_key=unit, village=village, head_name=head_name, address=address
    )

    assert found == []


def test_minh_quan_and_minh_quan_with_another_tone_never_match(round_, surveyor):
    quan = HouseholdResponseFactory(
        round=round_, surveyor=surveyor, village="Thôn 1", head_name="Lê Minh Quân"
    )
    for head, expected in [("Lê Minh Quán", []), ("Lê Minh Quân", [quan]), ("le minh quan", [])]:
        assert (
            find_duplicates(
                round_=round_, unit_key=NGA_QUAN, village="Thôn 1", head_name=head, address=""
            )
            == expected
        )


def test_a_household_of_another_round_is_not_a_duplicate(round_, surveyor, hoa_household):
    later = Round.objects.create(
        code="r2022",
        name="Đợt 2022",
        citizen_set=round_.citizen_set,
        starts_on=date(2022, 6, 1),
        ends_on=date(2022, 12, 31),
        status=Round.Status.OPEN,
    )

    assert (
        find_duplicates(
            round_=later,
            unit_key=NGA_QUAN,
            village="Thôn 3",
            head_name="Nguyễn Văn Hoà",
            address="Số 12",
        )
        == []
    )


# Search ---------------------------------------------------------------------------------------


@pytest.fixture
def three_households(surveyor, round_):
    an = submit(surveyor, round_)
    binh = submit(
        surveyor,
        round_,
        head_name="Trần Thị Bình",
        members=[member_of({**CADRE, "relationship": "head"})],
    )
    do = submit(
        surveyor,
        round_,
        head_name="Đỗ Thu Trang",
        village="Tổ 2",
        members=[member_of({**CADRE, "full_name": "Đỗ Thu Trang", "relationship": "head"})],
    )
    return an, binh, do


SEARCHES = [
    ("nguyen van", ["Nguyễn Văn An"]),
    ("Nguyễn Văn", ["Nguyễn Văn An"]),
    ("NGUYEN VAN AN", ["Nguyễn Văn An"]),
    ("  nguyen   van  ", ["Nguyễn Văn An"]),
    ("minh chau", ["Nguyễn Văn An"]),  # a member's name finds the household
    ("binh", ["Nguyễn Văn An", "Trần Thị Bình"]),
    ("do thu", ["Đỗ Thu Trang"]),
    ("an tran", []),  # a phrase stays within one name
    ("", ["Nguyễn Văn An", "Trần Thị Bình", "Đỗ Thu Trang"]),
]


def test_search_by_name_without_diacritics(three_households):
    everything = HouseholdResponse.objects.order_by("pk")

    found = {
        text: [r.head_name for r in search_responses(responses=everything, text=text)]
        for text, _ in SEARCHES
    }

    assert found == dict(SEARCHES)


def test_search_filters_by_village_status_and_surveyor(three_households, make_user):
    an, binh, do = three_households
    other = make_user(SURVEYOR)
    HouseholdResponse.objects.filter(pk=binh.pk).update(
        status=ResponseStatus.VERIFIED, surveyor=other
    )
    everything = HouseholdResponse.objects.order_by("pk")

    assert list(search_responses(responses=everything, village="Tổ 2")) == [do]
    assert list(search_responses(responses=everything, village="Thôn 3")) == [an, binh]
    assert list(search_responses(responses=everything, status="verified")) == [binh]
    assert list(search_responses(responses=everything, surveyor=other.pk)) == [binh]
    assert list(search_responses(responses=everything, text="nguyen", status="verified")) == []
