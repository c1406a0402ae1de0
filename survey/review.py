"""Review and approval: status transitions of responses, and the lock of a commune for a round.

The allowed moves are data (``TRANSITIONS``): each names the permission it needs and
whether it needs a reason. Every move checks permission, scope and lock, writes a
``ResponseTransition`` row and an audit entry. Scores are not this app's concern:
``flows.review`` calls these and re-records the moved responses' scores (the
aggregates count by status) in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.selectors import changeable_units, roles_of
from audit.models import Action
from audit.services import record_event
from survey.errors import SurveyError, UnitLocked
from survey.models import (
    HouseholdResponse,
    ResponseStatus,
    ResponseTransition,
    Round,
    UnitLock,
    UnitLockEvent,
)

REVIEW = "accounts.review_survey_data"
APPROVE = "accounts.approve_survey_data"
ENTER = "accounts.enter_survey_data"
S = ResponseStatus


class ReviewError(SurveyError):
    """A review operation that is refused, with a message for the user."""


@dataclass(frozen=True)
class Move:
    permission: str
    needs_reason: bool = False


# (from, to) -> what the move needs. The moves back to submitted happen only through a
# correction (survey.services), by whoever may enter data for the unit: a corrected
# household must be checked again.
TRANSITIONS: dict[tuple[str, str], Move] = {
    (S.SUBMITTED, S.VERIFIED): Move(REVIEW),
    (S.SUBMITTED, S.RETURNED): Move(REVIEW, needs_reason=True),
    (S.VERIFIED, S.RETURNED): Move(REVIEW, needs_reason=True),
    (S.VERIFIED, S.APPROVED): Move(APPROVE),
    (S.APPROVED, S.RETURNED): Move(APPROVE, needs_reason=True),
    (S.RETURNED, S.SUBMITTED): Move(ENTER),
    (S.VERIFIED, S.SUBMITTED): Move(ENTER),
}
# The status a correction leaves a response in, by the status it had.
AFTER_CORRECTION: dict[str, str] = {S.RETURNED: S.SUBMITTED, S.VERIFIED: S.SUBMITTED}
# The moves a reviewer makes with a button (the correction makes the last one).
ACTIONS: dict[str, str] = {
    "verify": S.VERIFIED,
    "return": S.RETURNED,
    "approve": S.APPROVED,
}
MAX_REASON = 1000


def holds(*, user: User, permission: str) -> bool:
    """Whether one of the user's roles grants ``permission``.

    Deliberately not ``has_perm``: a superuser (the administrator role) has every
    permission there, but reviewing and approving data is the staff's task alone.
    """
    return any(permission in role.permissions for role in roles_of(user=user))


def locked_message(*, unit_name: str, round_name: str) -> str:
    return _(
        "Số liệu của %(unit)s trong đợt %(round)s đã được phê duyệt và khoá; "
        "không thể thay đổi. Cán bộ tỉnh có thể mở khoá (kèm lý do) nếu cần sửa."
    ) % {"unit": unit_name, "round": round_name}


def is_locked(*, round_id: int, unit_key: str) -> bool:
    return UnitLock.objects.filter(round_id=round_id, unit_id=unit_key).exists()


def ensure_unlocked(*, round_: Round, unit_key: str) -> None:
    """Raise UnitLocked if the commune is locked for the round."""
    lock = UnitLock.objects.filter(round=round_, unit_id=unit_key).select_related("unit").first()
    if lock is not None:
        raise UnitLocked(locked_message(unit_name=lock.unit.name, round_name=round_.name))


def allowed_targets(*, user: User, response: HouseholdResponse) -> list[str]:
    """Return the statuses ``user`` may move ``response`` to with a review button."""
    if not _in_scope(user=user, unit_key=response.unit_id):
        return []
    if is_locked(round_id=response.round_id, unit_key=response.unit_id):
        return []
    return [
        target
        for target in ACTIONS.values()
        if (move := TRANSITIONS.get((response.status, target)))
        and holds(user=user, permission=move.permission)
    ]


def _in_scope(*, user: User, unit_key: str) -> bool:
    return changeable_units(user=user).filter(key=unit_key).exists()


def _check_move(*, user: User, response: HouseholdResponse, target: str, reason: str) -> Move:
    move = TRANSITIONS.get((response.status, target))
    if move is None:
        raise ReviewError(
            _("Không thể chuyển phiếu từ “%(source)s” sang “%(target)s”.")
            % {"source": S(response.status).label, "target": S(target).label}
        )
    if not holds(user=user, permission=move.permission):
        raise ReviewError(
            _("Bạn không có quyền chuyển phiếu sang “%(target)s”.") % {"target": S(target).label}
        )
    if not _in_scope(user=user, unit_key=response.unit_id):
        raise ReviewError(_("Phiếu này không thuộc đơn vị bạn phụ trách."))
    ensure_unlocked(round_=response.round, unit_key=response.unit_id)
    if move.needs_reason and not reason:
        raise ReviewError(_("Hãy ghi lý do trả lại phiếu để điều tra viên biết cần sửa gì."))
    if len(reason) > MAX_REASON:
        raise ReviewError(_("Lý do dài quá %(n)s ký tự.") % {"n": MAX_REASON})
    return move


def record_transition(
    *, response: HouseholdResponse, user: User, source: str, target: str, reason: str = ""
) -> ResponseTransition:
    """Write the history row and the audit entry of a move already applied to ``response``."""
    transition = ResponseTransition.objects.create(
        response=response,
        from_status=source,
        to_status=target,
        reason=reason,
        revision=response.revision,
        by=user,
    )
    record_event(
        action=Action.TRANSITION,
        user=user,
        summary=f"{response.household.code}: {source} -> {target}",
        unit_id=response.unit_id,
        round_code=response.round.code,
        object_type="household_response",
        object_id=response.pk,
        details={"from": source, "to": target, "reason": reason},
    )
    return transition


def move_status(*, user: User, response_id: int, target: str, reason: str) -> HouseholdResponse:
    """Apply one checked move to a response and record it; the caller records its scores."""
    response = (
        HouseholdResponse.objects.select_for_update()
        .select_related("round", "household")
        .get(pk=response_id)
    )
    _check_move(user=user, response=response, target=target, reason=reason.strip())
    source = response.status
    response.status = target
    response.save(update_fields=["status", "updated_at"])
    record_transition(
        response=response, user=user, source=source, target=target, reason=reason.strip()
    )
    return response


# The moves a filtered list can take in one go (a return needs a reason per household).
BULK_TARGETS = (S.VERIFIED, S.APPROVED)


def bulk_candidates(
    *, user: User, responses: QuerySet[HouseholdResponse], target: str
) -> QuerySet[HouseholdResponse]:
    """Narrow a filtered list to the responses ``user`` may move to ``target`` in bulk."""
    sources = [s for (s, t), m in TRANSITIONS.items() if t == target and not m.needs_reason]
    sources = [
        s for s in sources if holds(user=user, permission=TRANSITIONS[(s, target)].permission)
    ]
    locked = UnitLock.objects.filter(round_id__in=responses.values("round_id")).values_list(
        "round_id", "unit_id"
    )
    candidates = responses.filter(
        status__in=sources, unit__in=changeable_units(user=user)
    ).order_by("pk")
    for round_id, unit_key in locked:
        candidates = candidates.exclude(round_id=round_id, unit_id=unit_key)
    return candidates


@transaction.atomic
def move_statuses(
    *, user: User, responses: QuerySet[HouseholdResponse], target: str, expected: int
) -> list[HouseholdResponse]:
    """Move every candidate of a filtered list to ``target``; all or nothing; return them.

    ``expected`` is the count the confirmation page showed: if the list changed since,
    nothing is done and the user confirms again.
    """
    if target not in BULK_TARGETS:
        raise ReviewError(_("Thao tác hàng loạt không hợp lệ."))
    ids = list(
        bulk_candidates(user=user, responses=responses, target=target).values_list("pk", flat=True)
    )
    if len(ids) != expected:
        raise ReviewError(
            _(
                "Danh sách đã thay đổi (nay có %(now)s phiếu thay vì %(then)s). "
                "Không phiếu nào được chuyển; hãy xác nhận lại."
            )
            % {"now": len(ids), "then": expected}
        )
    return [move_status(user=user, response_id=pk, target=target, reason="") for pk in ids]


# Locks -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LockReadiness:
    total: int
    not_ready: int  # submitted or returned: not yet verified

    @property
    def ready(self) -> bool:
        return self.total > 0 and self.not_ready == 0


def lock_readiness(*, round_: Round, unit_key: str) -> LockReadiness:
    responses = HouseholdResponse.objects.filter(round=round_, unit_id=unit_key)
    return LockReadiness(
        total=responses.count(),
        not_ready=responses.exclude(status__in=[S.VERIFIED, S.APPROVED]).count(),
    )


def _check_lock_rights(*, user: User, unit_key: str) -> None:
    if not holds(user=user, permission=APPROVE):
        raise ReviewError(_("Chỉ cán bộ tỉnh mới được phê duyệt và khoá số liệu của xã."))
    if not _in_scope(user=user, unit_key=unit_key):
        raise ReviewError(_("Xã này không thuộc đơn vị bạn phụ trách."))


@dataclass(frozen=True)
class Locked:
    lock: UnitLock
    approved: list[HouseholdResponse]  # moved from verified to approved by the lock


@transaction.atomic
def approve_and_lock(*, user: User, round_: Round, unit_key: str) -> Locked:
    """Approve every verified household of a commune for the round, then lock the commune."""
    _check_lock_rights(user=user, unit_key=unit_key)
    if not round_.round_units.filter(unit_id=unit_key).exists():
        raise ReviewError(_("Xã này không thuộc đợt khảo sát."))
    ensure_unlocked(round_=round_, unit_key=unit_key)
    readiness = lock_readiness(round_=round_, unit_key=unit_key)
    if not readiness.ready:
        raise ReviewError(
            _(
                "Chưa thể khoá: %(n)s trong %(total)s phiếu của xã chưa được kiểm tra "
                "(đã gửi hoặc đang trả lại để sửa)."
            )
            % {"n": readiness.not_ready, "total": readiness.total}
        )
    verified = HouseholdResponse.objects.filter(
        round=round_, unit_id=unit_key, status=S.VERIFIED
    ).values_list("pk", flat=True)
    moved = [
        move_status(user=user, response_id=pk, target=S.APPROVED, reason="")
        for pk in list(verified)
    ]
    lock = UnitLock.objects.create(round=round_, unit_id=unit_key, locked_by=user)
    UnitLockEvent.objects.create(
        round=round_, unit_id=unit_key, kind=UnitLockEvent.Kind.LOCK, by=user
    )
    record_event(
        action=Action.LOCK,
        user=user,
        summary=f"{round_.code}: {unit_key}",
        unit_id=unit_key,
        round_code=round_.code,
        object_type="unit_lock",
        object_id=lock.pk,
        details={"households": readiness.total},
    )
    return Locked(lock=lock, approved=moved)


@transaction.atomic
def unlock_unit(*, user: User, round_: Round, unit_key: str, reason: str) -> UnitLockEvent:
    """Unlock a commune for corrections; the reason is kept and shown on later exports."""
    _check_lock_rights(user=user, unit_key=unit_key)
    reason = reason.strip()
    if not reason:
        raise ReviewError(_("Hãy ghi lý do mở khoá."))
    if len(reason) > MAX_REASON:
        raise ReviewError(_("Lý do dài quá %(n)s ký tự.") % {"n": MAX_REASON})
    lock = UnitLock.objects.select_for_update().filter(round=round_, unit_id=unit_key).first()
    if lock is None:
        raise ReviewError(_("Xã này chưa bị khoá trong đợt này."))
    lock_id = lock.pk
    lock.delete()
    event = UnitLockEvent.objects.create(
        round=round_, unit_id=unit_key, kind=UnitLockEvent.Kind.UNLOCK, by=user, reason=reason
    )
    record_event(
        action=Action.UNLOCK,
        user=user,
        summary=f"{round_.code}: {unit_key}",
        unit_id=unit_key,
        round_code=round_.code,
        object_type="unit_lock",
        object_id=lock_id,
        details={"reason": reason},
    )
    return event
