"""Which surveyors enter which communes of a round, set by the staff who manage them.

A commune of a round with assigned surveyors is entered only by them (and by staff); a
commune with none stays open to every surveyor whose communes include it, so a round
works before anyone assigns. Only active surveyors managed by the staff member, who
already work in the commune, can be assigned there. A closed round keeps its assignments.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import ScopeAssignment
from accounts.selectors import visible_units
from audit.models import Action
from audit.services import record_event
from flows.people import MANAGE, AccountError, managed_accounts
from survey.models import Round, RoundSurveyor
from units.models import AdminUnit
from units.selectors import by_name
from units.text import vi_sort_key


@dataclass(frozen=True)
class CommuneAssignment:
    """A commune of the round, the surveyors who may be assigned and those who are."""

    unit: AdminUnit
    candidates: tuple[User, ...]
    assigned: frozenset[int]


def _display(user: User) -> str:
    return user.get_full_name() or user.username


def assignment_table(*, by: User, round_: Round) -> list[CommuneAssignment]:
    """Return the round's communes in the scope of ``by`` with their surveyors."""
    communes = by_name(
        visible_units(user=by).filter(key__in=round_.round_units.values_list("unit_id", flat=True))
    )
    keys = [unit.key for unit in communes]
    surveyors = {u.pk: u for u in managed_accounts(by=by).filter(is_active=True)}
    working: dict[str, list[User]] = defaultdict(list)
    for user_id, unit_id in ScopeAssignment.objects.filter(
        user__in=surveyors, unit__in=keys
    ).values_list("user_id", "unit_id"):
        working[unit_id].append(surveyors[user_id])
    assigned: dict[str, set[int]] = defaultdict(set)
    for user_id, unit_id in RoundSurveyor.objects.filter(round=round_, unit__in=keys).values_list(
        "user_id", "unit_id"
    ):
        assigned[unit_id].add(user_id)
    return [
        CommuneAssignment(
            unit=unit,
            candidates=tuple(sorted(working[unit.key], key=lambda u: vi_sort_key(_display(u)))),
            assigned=frozenset(assigned[unit.key]),
        )
        for unit in communes
    ]


@transaction.atomic
def assign_surveyors(*, by: User, round_: Round, assignments: Mapping[str, Collection[int]]) -> int:
    """Set the surveyors of each given commune of the round, all or none; return the changes."""
    if not by.has_perm(MANAGE):
        raise AccountError(_("Bạn không có quyền quản lý tài khoản."))
    if round_.status == Round.Status.CLOSED:
        raise AccountError(_("Đợt khảo sát đã kết thúc: không đổi phân công được nữa."))
    table = {row.unit.key: row for row in assignment_table(by=by, round_=round_)}
    problems = []
    for key, user_ids in assignments.items():
        row = table.get(key)
        if row is None:
            problems.append(
                _("Xã/phường %(key)s không thuộc đợt này hoặc nằm ngoài phạm vi của bạn.")
                % {"key": key}
            )
            continue
        allowed = {u.pk for u in row.candidates}
        if set(user_ids) - allowed:
            problems.append(
                _("%(commune)s: chỉ phân công được điều tra viên đang làm việc ở xã/phường này.")
                % {"commune": row.unit.name}
            )
    if problems:
        raise AccountError(problems)
    changes = []
    for key, user_ids in assignments.items():
        row = table[key]
        # Only the candidates' assignments change: a surveyor whom ``by`` does not manage
        # (one who also works outside their scope) keeps theirs.
        names = {u.pk: u.username for u in row.candidates}
        before = row.assigned & names.keys()
        wanted = set(user_ids)
        if wanted == before:
            continue
        RoundSurveyor.objects.filter(round=round_, unit_id=key, user__in=before - wanted).delete()
        RoundSurveyor.objects.bulk_create(
            RoundSurveyor(round=round_, unit_id=key, user_id=pk) for pk in wanted - before
        )
        changes.append(
            {
                "field": key,
                "old": sorted(names[pk] for pk in before),
                "new": sorted(names[pk] for pk in wanted),
            }
        )
    if changes:
        record_event(
            action=Action.CHANGE,
            user=by,
            summary=_("Phân công điều tra viên cho đợt %(code)s") % {"code": round_.code},
            round_code=round_.code,
            object_type="round",
            object_id=round_.pk,
            details={"changes": changes},
        )
    return len(changes)


def assigned_names(*, round_: Round) -> dict[str, list[str]]:
    """Return, per commune of the round, the names of its assigned surveyors."""
    names: dict[str, list[str]] = defaultdict(list)
    for row in RoundSurveyor.objects.filter(round=round_).select_related("user"):
        names[row.unit_id].append(_display(row.user))
    return {key: sorted(value) for key, value in names.items()}
