"""Who may see and change which units: the one place every view asks."""

from __future__ import annotations

import logging
from datetime import date

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet
from django.http import Http404

from accounts.models import ScopeAssignment
from accounts.roles import ROLES, Role
from units.models import AdminUnit, UnitLevel
from units.selectors import continuation_keys, descendant_keys, valid_on_q

security_log = logging.getLogger("security.scope")

CHANGE_PERMISSIONS = (
    "accounts.enter_survey_data",
    "accounts.review_survey_data",
    "accounts.approve_survey_data",
)


def roles_of(*, user: User | AnonymousUser) -> list[Role]:
    if not user.is_authenticated:
        return []
    # Cached on the user object: one query per request, however many checks ask.
    cached = getattr(user, "_roles", None)
    if cached is None:
        names = {g.name for g in user.groups.all()}
        cached = [role for code, role in ROLES.items() if code in names]
        user._roles = cached
    return list(cached)


def sees_everything(*, user: User | AnonymousUser) -> bool:
    return user.is_authenticated and (
        user.is_superuser or any(r.sees_everything for r in roles_of(user=user))
    )


def _scope_keys(user: User) -> frozenset[str]:
    # Cached on the user object: one computation per request.
    cached = getattr(user, "_scope_unit_keys", None)
    if cached is None:
        roots = set(ScopeAssignment.objects.filter(user=user).values_list("unit_id", flat=True))
        # A province in a scope follows its territory through reorganisations: staff of
        # Tỉnh Yên Bái keep their area when it becomes part of Tỉnh Lào Cai on 2025-07-01.
        # Communes are assigned explicitly: a surveyor sees only what was assigned.
        provinces = AdminUnit.objects.filter(key__in=roots, level=UnitLevel.PROVINCE)
        roots |= continuation_keys(roots=provinces.values_list("key", flat=True))
        cached = frozenset(roots | descendant_keys(roots=roots))
        user._scope_unit_keys = cached
    return cached


def visible_units(*, user: User | AnonymousUser, day: date | None = None) -> QuerySet[AdminUnit]:
    """Return the units whose data ``user`` may see, valid on ``day`` when given."""
    if not user.is_authenticated or not user.is_active:
        return AdminUnit.objects.none()
    units = AdminUnit.objects.all()
    if not sees_everything(user=user):
        units = units.filter(key__in=_scope_keys(user))
    if day is not None:
        units = units.filter(valid_on_q(day))
    return units


def last_day_with_units(*, user: User | AnonymousUser, day: date) -> date:
    """Return ``day`` if one of the user's units is valid then, else the last day on which
    most of them were (a day on which one of them ended).

    A surveyor of pilot-era communes opens the unit tree on a date when they still existed,
    rather than on an empty today.
    """
    units = visible_units(user=user)
    if units.filter(valid_on_q(day)).exists():
        return day
    periods = list(units.values_list("valid_from", "valid_to"))
    ends = {end for _start, end in periods if end is not None and end < day}
    if not ends:
        return day

    def valid_on(candidate: date) -> int:
        return sum(1 for start, end in periods if start <= candidate <= (end or candidate))

    return max(ends, key=lambda candidate: (valid_on(candidate), candidate))


def changeable_units(*, user: User | AnonymousUser, day: date | None = None) -> QuerySet[AdminUnit]:
    """Return the units whose data ``user`` may enter or change."""
    if not user.is_authenticated or not any(user.has_perm(p) for p in CHANGE_PERMISSIONS):
        return AdminUnit.objects.none()
    return visible_units(user=user, day=day)


def can_see_unit(*, user: User | AnonymousUser, unit_key: str) -> bool:
    return visible_units(user=user).filter(key=unit_key).exists()


def get_visible_unit_or_404(*, user: User | AnonymousUser, unit_key: str) -> AdminUnit:
    """Return the unit, or raise 404 (never 403: it would confirm the unit exists) and log."""
    unit = visible_units(user=user).filter(key=unit_key).first()
    if unit is None:
        security_log.warning(
            "scope refusal: user=%s unit=%r", getattr(user, "pk", None), unit_key[:40]
        )
        raise Http404
    return unit
