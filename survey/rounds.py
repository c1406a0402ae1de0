"""A round's life: create and edit it while planned, open, close and reopen it.

Every page, the admin, the demo and the benchmarks create rounds through ``create_round``, so the
same checks hold everywhere: published criteria versions of the right subject, a period that
ends after it starts, communes valid on the first day, planned counts that are not negative,
and (for a signed-in user) communes inside the user's scope. Each change is audited.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from accounts.selectors import sees_everything, visible_units
from audit.models import Action
from audit.services import record_event
from criteria.models import CriteriaSet
from survey.errors import SurveyError
from survey.models import Round, RoundUnit
from units.models import AdminUnit, UnitLevel
from units.selectors import valid_on_q

# Which status a round may move to from which, and whether the move needs a reason.
MOVES: dict[tuple[str, str], bool] = {
    (Round.Status.PLANNED, Round.Status.OPEN): False,
    (Round.Status.OPEN, Round.Status.CLOSED): False,
    (Round.Status.CLOSED, Round.Status.OPEN): True,
}


@dataclass(frozen=True)
class RoundPlan:
    """What a round is: its name, period, criteria versions and communes with planned counts."""

    name: str
    citizen_set: CriteriaSet
    starts_on: date
    ends_on: date
    planned: Mapping[str, int]
    household_set: CriteriaSet | None = None


MANAGE = "accounts.manage_rounds"


def _require_manager(user: User | None) -> None:
    if user is not None and not user.has_perm(MANAGE):
        raise SurveyError(_("Bạn không có quyền quản lý đợt khảo sát."))


def _check_plan(*, plan: RoundPlan, user: User | None) -> None:
    """Raise SurveyError naming every problem of the plan at once."""
    _require_manager(user)
    problems: list[str] = []
    if not plan.name.strip():
        problems.append(_("Tên đợt không được để trống."))
    if plan.ends_on < plan.starts_on:
        problems.append(_("Ngày kết thúc phải từ ngày bắt đầu trở đi."))
    subjects = [(plan.citizen_set, CriteriaSet.Subject.CITIZEN)]
    if plan.household_set is not None:
        subjects.append((plan.household_set, CriteriaSet.Subject.HOUSEHOLD))
    for criteria_set, subject in subjects:
        if criteria_set.status != CriteriaSet.Status.PUBLISHED:
            problems.append(_("Đợt khảo sát chỉ dùng bộ tiêu chí đã ban hành."))
        elif criteria_set.subject != subject:
            problems.append(
                _("Bộ tiêu chí %(set)s không dành cho %(subject)s.")
                % {"set": criteria_set, "subject": CriteriaSet.Subject(subject).label}
            )
    if not plan.planned:
        problems.append(_("Chọn ít nhất một xã/phường."))
    negative = sorted(key for key, count in plan.planned.items() if count < 0)
    if negative:
        problems.append(_("Số hộ dự kiến không được âm: %(keys)s") % {"keys": ", ".join(negative)})
    communes = AdminUnit.objects.filter(
        valid_on_q(plan.starts_on), key__in=plan.planned, level=UnitLevel.COMMUNE
    )
    missing = sorted(set(plan.planned) - set(communes.values_list("key", flat=True)))
    if missing:
        problems.append(
            _("Các đơn vị sau không phải xã/phường có hiệu lực ngày bắt đầu (%(day)s): %(keys)s")
            % {"day": formats.date_format(plan.starts_on, "d/m/Y"), "keys": ", ".join(missing)}
        )
    if user is not None and not sees_everything(user=user):
        allowed = set(
            visible_units(user=user, day=plan.starts_on)
            .filter(key__in=plan.planned)
            .values_list("key", flat=True)
        )
        outside = sorted(set(plan.planned) - allowed - set(missing))
        if outside:
            problems.append(
                _("Các xã/phường sau nằm ngoài phạm vi của bạn: %(keys)s")
                % {"keys": ", ".join(outside)}
            )
    if problems:
        raise SurveyError(" ".join(problems))


def _plan_details(plan: RoundPlan) -> dict:
    return {
        "name": plan.name,
        "citizen_set": plan.citizen_set.pk,
        "household_set": plan.household_set.pk if plan.household_set else None,
        "starts_on": plan.starts_on.isoformat(),
        "ends_on": plan.ends_on.isoformat(),
        "planned": dict(sorted(plan.planned.items())),
    }


def plan_of(*, round_: Round) -> RoundPlan:
    """Return the round's current plan, as the edit page starts from it."""
    return RoundPlan(
        name=round_.name,
        citizen_set=round_.citizen_set,
        household_set=round_.household_set,
        starts_on=round_.starts_on,
        ends_on=round_.ends_on,
        planned={ru.unit_id: ru.planned_households for ru in round_.round_units.all()},
    )


def create_round(
    *,
    code: str,
    name: str,
    citizen_set: CriteriaSet,
    starts_on: date,
    ends_on: date,
    planned: Mapping[str, int],
    household_set: CriteriaSet | None = None,
    status: str = Round.Status.PLANNED,
    user: User | None = None,
) -> Round:
    """Create a round after checking its plan; ``user`` None is a command or the demo."""
    plan = RoundPlan(
        name=name,
        citizen_set=citizen_set,
        household_set=household_set,
        starts_on=starts_on,
        ends_on=ends_on,
        planned=planned,
    )
    return create_round_from(code=code, plan=plan, user=user, status=status)


@transaction.atomic
def create_round_from(
    *, code: str, plan: RoundPlan, user: User | None, status: str = Round.Status.PLANNED
) -> Round:
    """Create a round from a plan (the round form's), checked as every round is."""
    if not code or Round.objects.filter(code=code).exists():
        raise SurveyError(_("Mã đợt “%(code)s” đã được dùng.") % {"code": code})
    _check_plan(plan=plan, user=user)
    round_ = Round.objects.create(
        code=code,
        name=plan.name.strip(),
        citizen_set=plan.citizen_set,
        household_set=plan.household_set,
        starts_on=plan.starts_on,
        ends_on=plan.ends_on,
        status=status,
    )
    RoundUnit.objects.bulk_create(
        RoundUnit(round=round_, unit_id=key, planned_households=count)
        for key, count in plan.planned.items()
    )
    record_event(
        action=Action.CREATE,
        user=user,
        summary=_("Tạo đợt khảo sát %(code)s") % {"code": code},
        round_code=code,
        object_type="round",
        object_id=round_.pk,
        details=_plan_details(plan),
    )
    return round_


@transaction.atomic
def update_round(*, round_: Round, plan: RoundPlan, user: User | None) -> Round:
    """Change a planned round; an open or closed one keeps what it was opened with."""
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if round_.status != Round.Status.PLANNED:
        raise SurveyError(_("Chỉ sửa được đợt đang chuẩn bị."))
    _check_plan(plan=plan, user=user)
    before = _plan_details(plan_of(round_=round_))
    after = _plan_details(plan)
    changes = [
        {"field": name, "old": before[name], "new": after[name]}
        for name in after
        if before[name] != after[name]
    ]
    if not changes:
        return round_
    round_.name = plan.name.strip()
    round_.citizen_set = plan.citizen_set
    round_.household_set = plan.household_set
    round_.starts_on = plan.starts_on
    round_.ends_on = plan.ends_on
    round_.save(update_fields=["name", "citizen_set", "household_set", "starts_on", "ends_on"])
    round_.round_units.exclude(unit_id__in=plan.planned).delete()
    kept = {ru.unit_id: ru for ru in round_.round_units.all()}
    for key, row in kept.items():
        row.planned_households = plan.planned[key]
    RoundUnit.objects.bulk_update(kept.values(), ["planned_households"])
    RoundUnit.objects.bulk_create(
        RoundUnit(round=round_, unit_id=key, planned_households=count)
        for key, count in plan.planned.items()
        if key not in kept
    )
    record_event(
        action=Action.CHANGE,
        user=user,
        summary=_("Sửa đợt khảo sát %(code)s") % {"code": round_.code},
        round_code=round_.code,
        object_type="round",
        object_id=round_.pk,
        details={"changes": changes},
    )
    return round_


@transaction.atomic
def move_round(*, round_: Round, status: str, user: User | None, reason: str = "") -> Round:
    """Open, close or reopen a round; reopening a closed round needs a reason."""
    _require_manager(user)
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    needs_reason = MOVES.get((round_.status, status))
    if needs_reason is None:
        raise SurveyError(
            _("Không thể chuyển đợt từ “%(source)s” sang “%(target)s”.")
            % {
                "source": Round.Status(round_.status).label,
                "target": Round.Status(status).label,
            }
        )
    reason = reason.strip()
    if needs_reason and not reason:
        raise SurveyError(_("Cần nêu lý do mở lại đợt đã kết thúc."))
    if status == Round.Status.OPEN and not round_.round_units.exists():
        raise SurveyError(_("Đợt chưa có xã/phường nào, chưa thể mở."))
    source = round_.status
    round_.status = status
    round_.save(update_fields=["status"])
    record_event(
        action=Action.TRANSITION,
        user=user,
        summary=_("Đợt %(code)s: %(source)s → %(target)s")
        % {
            "code": round_.code,
            "source": Round.Status(source).label,
            "target": Round.Status(status).label,
        },
        round_code=round_.code,
        object_type="round",
        object_id=round_.pk,
        details={"from": source, "to": status, "reason": reason},
    )
    return round_
