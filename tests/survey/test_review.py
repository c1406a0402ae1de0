"""Review transitions per role, their history and audit entries, the lock of a commune."""

from __future__ import annotations

import pytest

from accounts.roles import ADMINISTRATOR, COMMITTEE, COMMUNE_STAFF, PROVINCE_STAFF, SURVEYOR
from audit.models import AuditEntry
from flows.responses import record_response
from flows.review import (
    approve_response,
    bulk_transition,
    lock_unit,
    return_response,
    unlock_unit,
    verify_response,
)
from scoring.models import ScoredResponse
from survey.models import (
    Draft,
    HouseholdResponse,
    ResponseChange,
    ResponseStatus,
    ResponseTransition,
    UnitLock,
    UnitLockEvent,
)
from survey.review import ReviewError, bulk_candidates
from survey.selectors import last_return, lock_history
from survey.services import SurveyError, start_draft
from tests.factories import MINH_QUAN_ACUTE, NGA_QUAN
from tests.survey.test_services import correct, members_as_submitted, submission, submit

pytestmark = pytest.mark.django_db

S = ResponseStatus
SERVICES = {
    "verify": lambda user, response: verify_response(user=user, response=response),
    "return": lambda user, response: return_response(
        user=user, response=response, reason="Thiếu năm sinh của con"
    ),
    "approve": lambda user, response: approve_response(user=user, response=response),
}
TARGET = {"verify": S.VERIFIED, "return": S.RETURNED, "approve": S.APPROVED}
ROLES = (SURVEYOR, COMMUNE_STAFF, PROVINCE_STAFF, COMMITTEE, ADMINISTRATOR)

# Every move a role may make with a review button; everything else is refused.
ALLOWED = {
    (COMMUNE_STAFF, S.SUBMITTED, "verify"),
    (COMMUNE_STAFF, S.SUBMITTED, "return"),
    (COMMUNE_STAFF, S.VERIFIED, "return"),
    (PROVINCE_STAFF, S.SUBMITTED, "verify"),
    (PROVINCE_STAFF, S.SUBMITTED, "return"),
    (PROVINCE_STAFF, S.VERIFIED, "return"),
    (PROVINCE_STAFF, S.VERIFIED, "approve"),
    (PROVINCE_STAFF, S.APPROVED, "return"),
}
CASES = [
    (role, source, action)
    for role in ROLES
    for source in (S.SUBMITTED, S.RETURNED, S.VERIFIED, S.APPROVED)
    for action in SERVICES
]


@pytest.fixture
def surveyor(make_user):
    return make_user(SURVEYOR, username="dieutravien", full_name="Lò Thị Hoa")


@pytest.fixture
def officer(make_user):
    return make_user(COMMUNE_STAFF, username="canboxa", full_name="Hà Văn Minh")


@pytest.fixture
def province(make_user):
    return make_user(PROVINCE_STAFF, username="canbotinh", full_name="Đinh Thị Lan")


@pytest.fixture
def response(surveyor, round_):
    return submit(surveyor, round_)


def _set_status(response: HouseholdResponse, status: str) -> None:
    HouseholdResponse.objects.filter(pk=response.pk).update(status=status)
    response.refresh_from_db()


def _stored_status(response: HouseholdResponse) -> set[str]:
    return set(ScoredResponse.objects.filter(response=response).values_list("status", flat=True))


@pytest.mark.parametrize(("role", "source", "action"), CASES)
def test_every_move_per_role(make_user, response, role, source, action):
    user = make_user(role, username=f"u-{role}")
    _set_status(response, source)
    audit_before = AuditEntry.objects.count()

    if (role, source, action) in ALLOWED:
        moved = SERVICES[action](user, response)
        assert moved.status == TARGET[action]
        assert HouseholdResponse.objects.get(pk=response.pk).status == TARGET[action]
        transition = ResponseTransition.objects.get()
        assert (transition.from_status, transition.to_status, transition.by) == (
            source,
            TARGET[action],
            user,
        )
        assert transition.reason == ("Thiếu năm sinh của con" if action == "return" else "")
        assert AuditEntry.objects.count() == audit_before + 1
        # The stored scores follow the status: the aggregates count by it.
        assert _stored_status(response) == {TARGET[action]}
    else:
        with pytest.raises(ReviewError):
            SERVICES[action](user, response)
        assert HouseholdResponse.objects.get(pk=response.pk).status == source
        assert not ResponseTransition.objects.exists()
        assert AuditEntry.objects.count() == audit_before


def test_a_move_outside_the_users_communes_is_refused(make_user, surveyor, round_):
    other = submit(surveyor, round_, unit=MINH_QUAN_ACUTE)
    officer = make_user(COMMUNE_STAFF, username="canbo-ngaquan", unit_keys=[NGA_QUAN])

    with pytest.raises(ReviewError, match="không thuộc đơn vị bạn phụ trách"):
        verify_response(user=officer, response=other)

    assert HouseholdResponse.objects.get(pk=other.pk).status == S.SUBMITTED
    assert not ResponseTransition.objects.exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_return_needs_a_reason(officer, response, reason):
    with pytest.raises(ReviewError, match="Hãy ghi lý do trả lại phiếu"):
        return_response(user=officer, response=response, reason=reason)

    assert HouseholdResponse.objects.get(pk=response.pk).status == S.SUBMITTED
    assert not ResponseTransition.objects.exists()


def test_a_transition_writes_its_exact_audit_entry(officer, response):
    return_response(user=officer, response=response, reason="Thiếu năm sinh của con")

    entry = AuditEntry.objects.filter(action="transition").get()
    assert (
        entry.user,
        entry.username,
        entry.unit_id,
        entry.round_code,
        entry.object_type,
        entry.object_id,
        entry.summary,
    ) == (
        officer,
        "canboxa",
        NGA_QUAN,
        "r2021",
        "household_response",
        str(response.pk),
        f"{response.household.code}: submitted -> returned",
    )
    assert entry.details == {
        "from": "submitted",
        "to": "returned",
        "reason": "Thiếu năm sinh của con",
    }


def test_returned_then_corrected_by_the_surveyor_is_submitted_again(surveyor, officer, response):
    return_response(user=officer, response=response, reason="Sai thôn")
    response.refresh_from_db()
    assert last_return(response=response).reason == "Sai thôn"

    corrected = correct(surveyor, response, village="Thôn 4")

    assert corrected.status == S.SUBMITTED
    assert HouseholdResponse.objects.get(pk=response.pk).village == "Thôn 4"
    assert last_return(response=corrected) is None
    moves = list(
        ResponseTransition.objects.values_list(
            "from_status", "to_status", "by__username", "revision"
        )
    )
    assert moves == [
        ("submitted", "returned", "canboxa", 1),
        ("returned", "submitted", "dieutravien", 2),
    ]
    assert _stored_status(response) == {S.SUBMITTED}
    # The correction and both moves are in the audit trail, in order.
    trail = AuditEntry.objects.filter(round_code="r2021").exclude(object_type="round")
    assert list(trail.order_by("pk").values_list("action", "username")) == [
        ("create", "dieutravien"),
        ("transition", "canboxa"),
        ("change", "dieutravien"),
        ("transition", "dieutravien"),
    ]


def test_bulk_verify_moves_only_the_submitted_of_the_filtered_list(surveyor, officer, round_):
    first = submit(surveyor, round_, village="Thôn 1")
    second = submit(surveyor, round_, village="Thôn 1", head_name="Lê Văn Bình")
    third = submit(surveyor, round_, village="Thôn 2", head_name="Trần Văn Cường")
    return_response(user=officer, response=second, reason="Thiếu thành viên")
    listed = HouseholdResponse.objects.filter(village="Thôn 1")

    assert list(bulk_candidates(user=officer, responses=listed, target=S.VERIFIED)) == [first]
    assert bulk_transition(user=officer, responses=listed, target=S.VERIFIED, expected=1) == 1

    statuses = dict(HouseholdResponse.objects.values_list("pk", "status"))
    assert statuses == {first.pk: S.VERIFIED, second.pk: S.RETURNED, third.pk: S.SUBMITTED}


def test_bulk_refuses_everything_when_the_count_changed(surveyor, officer, round_):
    submit(surveyor, round_)
    submit(surveyor, round_, head_name="Lê Văn Bình")

    with pytest.raises(ReviewError, match="nay có 2 phiếu thay vì 1"):
        bulk_transition(
            user=officer, responses=HouseholdResponse.objects.all(), target=S.VERIFIED, expected=1
        )

    assert set(HouseholdResponse.objects.values_list("status", flat=True)) == {S.SUBMITTED}
    assert not ResponseTransition.objects.exists()


# Locks ----------------------------------------------------------------------------------------


def test_a_commune_cannot_be_locked_before_all_its_households_are_verified(province, response):
    with pytest.raises(ReviewError, match="1 trong 1 phiếu của xã chưa được kiểm tra"):
        lock_unit(user=province, round_=response.round, unit_key=NGA_QUAN)

    assert not UnitLock.objects.exists()
    assert not UnitLockEvent.objects.exists()


def test_commune_staff_cannot_lock(officer, response):
    verify_response(user=officer, response=response)

    with pytest.raises(ReviewError, match="Chỉ cán bộ tỉnh"):
        lock_unit(user=officer, round_=response.round, unit_key=NGA_QUAN)

    assert not UnitLock.objects.exists()


@pytest.fixture
def locked(officer, province, response):
    verify_response(user=officer, response=response)
    lock_unit(user=province, round_=response.round, unit_key=NGA_QUAN)
    response.refresh_from_db()
    return response


def test_locking_approves_the_verified_households_and_records_it(province, locked):
    assert locked.status == S.APPROVED
    assert UnitLock.objects.get().locked_by == province
    assert list(UnitLockEvent.objects.values_list("kind", "by__username", "reason")) == [
        ("lock", "canbotinh", "")
    ]
    entry = AuditEntry.objects.filter(action="lock").get()
    assert (entry.username, entry.unit_id, entry.round_code, entry.details) == (
        "canbotinh",
        NGA_QUAN,
        "r2021",
        {"households": 1},
    )
    assert _stored_status(locked) == {S.APPROVED}


def _snapshot(response: HouseholdResponse) -> tuple:
    response.refresh_from_db()
    members = list(response.members.values_list("full_name", "birth_year", "answers"))
    return (response.status, response.revision, response.village, response.answers, members)


def test_an_edit_of_a_locked_household_is_refused_and_nothing_changes(
    surveyor, officer, province, locked
):
    before = _snapshot(locked)
    counts_before = (ResponseChange.objects.count(), AuditEntry.objects.count())

    with pytest.raises(SurveyError, match="đã được phê duyệt và khoá"):
        start_draft(user=surveyor, round_=locked.round, response=locked)
    with pytest.raises(SurveyError, match="đã được phê duyệt và khoá"):
        return_response(user=province, response=locked, reason="Sửa lại")

    assert _snapshot(locked) == before
    assert (ResponseChange.objects.count(), AuditEntry.objects.count()) == counts_before
    assert not Draft.objects.exists()


def test_a_correction_opened_before_the_lock_cannot_be_saved_after_it(
    surveyor, officer, province, response
):
    draft = start_draft(user=surveyor, round_=response.round, response=response)
    verify_response(user=officer, response=response)
    lock_unit(user=province, round_=response.round, unit_key=NGA_QUAN)
    response.refresh_from_db()
    before = _snapshot(response)
    members = members_as_submitted(response)

    with pytest.raises(SurveyError, match="đã được phê duyệt và khoá"):
        record_response(
            draft_id=draft.pk,
            user=surveyor,
            submission=submission(members=members, village="Thôn 9"),
        )

    assert _snapshot(response) == before
    assert not ResponseChange.objects.exists()


def test_a_new_household_in_a_locked_commune_is_refused(surveyor, locked):
    before = HouseholdResponse.objects.count()

    with pytest.raises(SurveyError, match="đã được phê duyệt và khoá"):
        submit(surveyor, locked.round, head_name="Hộ mới")

    assert HouseholdResponse.objects.count() == before


def test_unlock_needs_a_reason_and_is_recorded(province, locked):
    with pytest.raises(ReviewError, match="Hãy ghi lý do mở khoá"):
        unlock_unit(user=province, round_=locked.round, unit_key=NGA_QUAN, reason=" ")
    assert UnitLock.objects.exists()

    unlock_unit(user=province, round_=locked.round, unit_key=NGA_QUAN, reason="Sai năm sinh hộ 12")

    assert not UnitLock.objects.exists()
    history = lock_history(round_=locked.round, unit_keys=[NGA_QUAN])
    assert [(e.kind, e.reason) for e in history] == [
        ("lock", ""),
        ("unlock", "Sai năm sinh hộ 12"),
    ]
    unlocks = lock_history(round_=locked.round, kind="unlock", since=history[0].at)
    assert [e.reason for e in unlocks] == ["Sai năm sinh hộ 12"]
    entry = AuditEntry.objects.filter(action="unlock").get()
    assert (entry.username, entry.unit_id, entry.details) == (
        "canbotinh",
        NGA_QUAN,
        {"reason": "Sai năm sinh hộ 12"},
    )
    # Unlocked, the approved household can be sent back for correction.
    return_response(user=province, response=locked, reason="Sai năm sinh")
    assert HouseholdResponse.objects.get(pk=locked.pk).status == S.RETURNED


def test_correcting_a_verified_household_sends_it_back_to_be_checked(surveyor, officer, response):
    verify_response(user=officer, response=response)

    corrected = correct(surveyor, response, village="Thôn 4")

    assert corrected.status == S.SUBMITTED
    assert list(ResponseTransition.objects.values_list("from_status", "to_status")) == [
        ("submitted", "verified"),
        ("verified", "submitted"),
    ]
    assert _stored_status(response) == {S.SUBMITTED}


def test_correcting_a_submitted_household_keeps_it_submitted(surveyor, response):
    corrected = correct(surveyor, response, village="Thôn 4")

    assert corrected.status == S.SUBMITTED
    assert not ResponseTransition.objects.exists()
