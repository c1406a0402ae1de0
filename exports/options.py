"""What an export is asked for, and the communes it may cover for a user.

``ExportOptions`` is what the user chose (stored as JSON on ``ExportJob.options``);
``scoped_communes`` narrows the round's communes to the user's scope and the chosen units.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict, dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.utils.translation import gettext as _

from accounts.selectors import sees_everything, visible_units
from scoring.definitions import COUNTED_STATUSES
from survey.models import HouseholdResponse, Round, RoundUnit
from units.models import AdminUnit

PERSONAL = "accounts.view_personal_data"
APPROVED_ONLY = ("approved",)


class ExportError(ValueError):
    """An export that cannot be made as asked (the message says why, for the user)."""


@dataclass(frozen=True)
class ExportOptions:
    """What the user asked for; stored as JSON on ``ExportJob.options``."""

    units: tuple[str, ...] = ()  # unit keys (communes, districts, the province); () = all
    level: str = "commune"
    hierarchy: str = "round"
    detail: bool = False
    approved_only: bool = False

    def to_json(self) -> dict:
        return {**asdict(self), "units": list(self.units)}

    @classmethod
    def from_json(cls, data: dict) -> ExportOptions:
        return cls(
            units=tuple(data.get("units") or ()),
            level=data.get("level", "commune"),
            hierarchy=data.get("hierarchy", "round"),
            detail=bool(data.get("detail")),
            approved_only=bool(data.get("approved_only")),
        )

    @property
    def statuses(self) -> tuple[str, ...]:
        return APPROVED_ONLY if self.approved_only else tuple(COUNTED_STATUSES)


def can_export_personal(*, user: User | AnonymousUser | None) -> bool:
    """Whether the user's exports may hold names, birth years and ethnicity."""
    return user is None or user.has_perm(PERSONAL)


def round_communes(*, round_: Round) -> set[str]:
    """The commune keys of the round (planned, or with responses)."""
    keys = set(RoundUnit.objects.filter(round=round_).values_list("unit_id", flat=True))
    keys |= set(
        HouseholdResponse.objects.filter(round=round_).values_list("unit_id", flat=True).distinct()
    )
    return keys


def scoped_communes(
    *, round_: Round, user: User | AnonymousUser | None, units: Collection[str] = ()
) -> set[str]:
    """The round's communes the user may see, within ``units`` when given.

    ``units`` may name communes, districts or provinces (their communes are taken); a unit
    outside the user's scope or not in the round raises ExportError (the views answer 404).
    """
    communes = round_communes(round_=round_)
    if user is not None and not sees_everything(user=user):
        visible = set(visible_units(user=user).values_list("key", flat=True))
        communes &= visible
    else:
        visible = None
    if not units:
        return communes
    parents = dict(AdminUnit.objects.values_list("key", "parent_id"))
    chosen: set[str] = set()
    for key in units:
        if visible is not None and key not in visible:
            raise ExportError(_("Không có đơn vị %(key)s trong phạm vi của bạn.") % {"key": key})
        found = {c for c in communes if _descends(c, key, parents)}
        if not found:
            raise ExportError(_("Đơn vị %(key)s không có trong đợt này.") % {"key": key})
        chosen |= found
    return chosen


def _descends(commune: str, ancestor: str, parents: dict[str, str | None]) -> bool:
    current: str | None = commune
    while current is not None:
        if current == ancestor:
            return True
        current = parents.get(current)
    return False
