"""Which area each commune of a round counts in, at a level and on a hierarchy.

Levels: ``commune``, ``district`` and ``province`` on the round's own hierarchy, or with
``hierarchy="2025"`` regrouped onto the units valid on 2025-07-01 through the unit change
records (``units.selectors.successors_of``, over as many hops as it takes). There is no
district level on the 2025 hierarchy. A commune whose territory went to several units (a
split) forms one area named after all of them, since its households cannot be divided.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date

from django.db.models import Count, Max
from django.utils.translation import gettext as _

from scoring.summary import AggregationError
from units.models import AdminUnit, UnitChange
from units.selectors import successors_of
from units.text import vi_sort_key

LEVELS = ("commune", "district", "province")
HIERARCHIES = ("round", "2025")
REGROUP_DAY = date(2025, 7, 1)


def _ancestor(unit: AdminUnit, level: str, units: Mapping[str, AdminUnit]) -> AdminUnit | None:
    current: AdminUnit | None = unit
    while current is not None and current.level != level:
        current = units.get(current.parent_id) if current.parent_id else None
    return current


def _load_units() -> dict[str, AdminUnit]:
    """Every unit, in one query: a province's history is a few hundred rows, and one query
    is cheaper than walking up the parents level by level."""
    return {u.key: u for u in AdminUnit.objects.all()}


_SUCCESSORS: dict[tuple, dict[str, tuple[str, ...]]] = {}


def _successor_memo() -> dict[str, tuple[str, ...]]:
    """Remembered ``successors_of(unit, REGROUP_DAY)`` answers, as keys.

    They are dropped whenever the change records or the units' validity differ (two small
    queries), so an edit in the admin is seen at once.
    """
    token = (
        tuple(
            UnitChange.objects.order_by("pk").values_list("from_unit_id", "to_unit_id", "effective")
        ),
        AdminUnit.objects.aggregate(n=Count("key"), day=Max("valid_from"), end=Max("valid_to")),
    )
    key = (repr(token), REGROUP_DAY)
    memo = _SUCCESSORS.get(key)
    if memo is None:
        _SUCCESSORS.clear()
        memo = _SUCCESSORS[key] = {}
    return memo


def area_map(
    *, communes: Collection[str], level: str, hierarchy: str
) -> dict[str, tuple[str, str, str]]:
    """commune key -> (area key, area name, area level) for the level and hierarchy."""
    return map_areas(communes=communes, level=level, hierarchy=hierarchy)[0]


def map_areas(
    *, communes: Collection[str], level: str, hierarchy: str
) -> tuple[dict[str, tuple[str, str, str]], set[str]]:
    """``area_map`` and the keys of the provinces the communes belong to (on the hierarchy)."""
    if level not in LEVELS:
        raise AggregationError(_("Cấp tổng hợp không hợp lệ."))
    if hierarchy not in HIERARCHIES:
        raise AggregationError(_("Hệ thống đơn vị không hợp lệ."))
    units = _load_units()
    successors: dict[str, tuple[str, ...]] = {}
    if hierarchy == "2025":
        memo = _successor_memo()
        for key in communes:
            unit = units[key]
            if unit.is_valid_on(REGROUP_DAY):
                continue
            if key not in memo:
                memo[key] = tuple(u.key for u in successors_of(unit=unit, day=REGROUP_DAY))
            successors[key] = memo[key]
    mapping: dict[str, tuple[str, str, str]] = {}
    provinces: set[str] = set()
    for key in communes:
        unit = units[key]
        if key in successors:
            targets = [units[k] for k in successors[key]]
            if not targets:
                raise AggregationError(
                    _("%(name)s không có đơn vị kế tục ngày 01/07/2025.") % {"name": unit.name}
                )
        else:
            targets = [unit]
        for target in targets:
            province = _ancestor(target, "province", units)
            if province is not None:
                provinces.add(province.key)
        if level == "commune":
            chosen = targets
        else:
            chosen = []
            for target in targets:
                ancestor = _ancestor(target, level, units)
                if ancestor is None:
                    raise AggregationError(
                        _("Hệ thống đơn vị này không có cấp huyện.")
                        if level == "district"
                        else _("Không tìm thấy tỉnh của %(name)s.") % {"name": target.name}
                    )
                if ancestor not in chosen:
                    chosen.append(ancestor)
        chosen = sorted(chosen, key=lambda u: (vi_sort_key(u.name), u.key))
        mapping[key] = (
            "+".join(u.key for u in chosen),
            " / ".join(u.name for u in chosen),
            level,
        )
    return mapping, provinces
