"""The summary of one area, read on the hierarchy its unit belongs to.

A unit valid when the round started is read on the round's hierarchy; a later one (from
2025-07-01) gathers the communes of its predecessors.
"""

from __future__ import annotations

from collections.abc import Collection

from scoring.aggregation import summarise_round
from scoring.areas import REGROUP_DAY, area_map
from scoring.definitions import COUNTED_STATUSES
from scoring.models import ScoringRun
from scoring.summary import AggregationError, RoundSummary
from survey.models import Round, RoundUnit
from units.models import AdminUnit


def find_hierarchy(*, round_: Round, unit: AdminUnit) -> str | None:
    """The hierarchy that reads ``unit`` in the round (None: neither holds it)."""
    if unit.is_valid_on(round_.starts_on):
        return "round"
    if unit.is_valid_on(REGROUP_DAY):
        return "2025"
    return None


def list_area_communes(
    *, round_: Round, unit: AdminUnit, hierarchy: str, unit_keys: set[str] | None
) -> tuple[set[str], set[str]]:
    """The round's communes in ``unit`` on the hierarchy, and those of ``unit_keys`` (None:
    every commune)."""
    planned = set(RoundUnit.objects.filter(round=round_).values_list("unit_id", flat=True))
    mapping = area_map(communes=planned, level=unit.level, hierarchy=hierarchy)
    inside = {commune for commune, (key, _name, _level) in mapping.items() if key == unit.key}
    return inside, inside if unit_keys is None else inside & unit_keys


def summarise_unit(
    *,
    round_: Round,
    run: ScoringRun | None,
    unit: AdminUnit,
    unit_keys: set[str] | None,
    breakdown: str | tuple[str, ...] = "none",
    by_level: str | None = None,
    statuses: Collection[str] = COUNTED_STATUSES,
) -> RoundSummary | None:
    """The summary of one area, or None if the round has no data of ``unit_keys`` (None:
    every commune) there.

    ``by_level``: the summary's areas are the unit's parts at that level, and its total is
    the unit (None: the one area is the unit).
    """
    hierarchy = find_hierarchy(round_=round_, unit=unit)
    if hierarchy is None:
        return None
    try:
        if by_level is None:
            summary = summarise_round(
                round_=round_,
                run=run,
                level=unit.level,
                hierarchy=hierarchy,
                breakdown=breakdown,
                unit_keys=unit_keys,
                areas=[unit.key],
                statuses=statuses,
            )
            return summary if summary.areas else None
        if hierarchy == "2025" and by_level == "district":
            by_level = "commune"  # no districts from 2025-07-01
        _inside, visible = list_area_communes(
            round_=round_, unit=unit, hierarchy=hierarchy, unit_keys=unit_keys
        )
        if not visible:
            return None
        summary = summarise_round(
            round_=round_,
            run=run,
            level=by_level,
            hierarchy=hierarchy,
            breakdown=breakdown,
            unit_keys=visible,
            statuses=statuses,
        )
        return summary if summary.areas else None
    except AggregationError:
        return None
