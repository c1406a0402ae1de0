"""The one code path behind every figure: pages, ``manage.py round_summary`` and exports.

``summarise_round`` takes a round, a citizen run (default: the primary run of
the round's citizen set; household figures come from the household run that
read it), a level and a breakdown, and returns plain dataclasses (and
DataFrames through ``RoundSummary.frame`` and friends). It reads the per-unit
aggregates (``scoring.aggregates``): a few thousand rows even at province scale.

Definitions (see also ``scoring.definitions``):

* **Counted responses**: status in ``statuses`` (default submitted, verified,
  approved); drafts never count.
* **Coverage**: households surveyed ÷ households planned (``RoundUnit``) in the
  area's communes of the round.
* **Members assessed**: members with a score row (members whose target group
  the citizen set assesses).
* **Rate**: recognised ÷ decided members; the *undetermined* (recognised unknown
  because answers are missing) are counted apart, never as failures. The 95%
  interval is Wilson's (``scoring.stats``); samples under 30 are flagged.
* **Mean total**: over decided members (an undetermined total is only a floor).
* **Per indicator**: mean points over the members scored on it; the share at
  or above the set's ``recognition.min_indicator`` (points rounded half up to
  2 decimals, as the engine compares them); not applicable and missing counted
  apart.
* The QĐ 677 and QĐ 387 figures (adults, cadres, digital skills, households)
  are defined in ``scoring.definitions``, each shown beside its 2025 and 2030
  target (``Target``: the province's own, else the national one).

Levels: ``commune``, ``district`` and ``province`` on the round's own
hierarchy, or with ``hierarchy="2025"`` regrouped onto the units valid on
2025-07-01 through the unit change records (``units.selectors.successors_of``,
over as many hops as it takes: Xã Nga Quán → Xã Cường Thịnh (2024) → Phường
Nam Cường (2025)). There is no district level on the 2025 hierarchy. A commune
whose territory went to several units (a split) forms one area named after all
of them, since its households cannot be divided.

Household figures are not filtered by member attributes (``filters`` apply to
members only).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd
from django.db.models import Count, Max, Q
from django.utils.translation import gettext as _

from criteria.selectors import spec_of
from criteria.spec import CriteriaSpec
from scoring.aggregates import (
    Cells,
    aggregates_match,
    read_recomputed,
    read_stored,
    run_params,
)
from scoring.definitions import (
    ADULT_BANDS,
    COUNTED_STATUSES,
    TargetDefinitions,
    definitions_for,
    definitions_for_round,
)
from scoring.models import (
    AT_MIN_COLUMNS,
    MEASURES,
    MISSING_COLUMNS,
    NA_COLUMNS,
    POINT_SCALE,
    SUM_COLUMNS,
    TOTAL_SCALE,
    ScoringRun,
    Target,
)
from scoring.selectors import household_run_for, primary_citizen_run
from scoring.stats import Proportion, proportion
from survey.models import Round, RoundUnit
from survey.reference import ETHNIC_NAMES, SEXES
from units.models import AdminUnit, UnitChange
from units.selectors import successors_of
from units.text import vi_sort_key

LEVELS = ("commune", "district", "province")
HIERARCHIES = ("round", "2025")
BREAKDOWNS = ("none", "target_group", "sex", "age_band", "ethnicity")
REGROUP_DAY = date(2025, 7, 1)
TOTAL_KEY = "*"
TARGET_YEARS = (2025, 2030)


class AggregationError(ValueError):
    """A summary that cannot be made (e.g. districts on the 2025 hierarchy)."""


@dataclass(frozen=True)
class Area:
    key: str
    name: str
    level: str
    communes: tuple[str, ...]  # the round's communes in it that the caller may see
    partial: bool  # some of the round's communes in it are outside the caller's scope


@dataclass(frozen=True)
class IndicatorFigure:
    code: str
    label: str
    max_points: float
    scored: int
    mean: float | None
    at_min: Proportion | None  # None when the set has no minimum per indicator
    not_applicable: int
    missing: int

    @property
    def below_min(self) -> int | None:
        return None if self.at_min is None else self.at_min.n - self.at_min.count


@dataclass(frozen=True)
class GroupFigure:
    value: str
    label: str
    members: int
    undetermined: int
    rate: Proportion
    mean_total: float | None


@dataclass(frozen=True)
class TargetFigure:
    indicator: str
    label: str
    value: Proportion | None  # None: not measured by this round, or not defined
    target_2025: float | None
    target_2030: float | None
    source: str
    defined: bool = True  # False: the criteria set does not define the measure

    @property
    def reaches_2025(self) -> bool | None:
        if self.value is None or self.value.rate is None or self.target_2025 is None:
            return None
        return self.value.rate * 100 >= self.target_2025


@dataclass(frozen=True)
class AreaFigures:
    area: Area
    planned: int
    households: int
    coverage: float | None
    members: int
    undetermined: int
    rate: Proportion
    mean_total: float | None
    adults: Proportion
    cadres: Proportion
    digital: Proportion | None
    households_assessed: int
    households_undetermined: int
    household_rate: Proportion | None
    household_mean_total: float | None
    breakdown: tuple[GroupFigure, ...]  # by the summary's (first) breakdown
    indicators: tuple[IndicatorFigure, ...]
    household_indicators: tuple[IndicatorFigure, ...]
    targets: tuple[TargetFigure, ...] = ()
    breakdowns: Mapping[str, tuple[GroupFigure, ...]] = field(default_factory=dict)

    @property
    def recognised(self) -> int:
        return self.rate.count


@dataclass(frozen=True)
class RoundSummary:
    round: Round
    run: ScoringRun | None
    household_run: ScoringRun | None
    level: str
    hierarchy: str
    breakdown: str
    statuses: tuple[str, ...]
    filters: Mapping[str, tuple[str, ...]]
    definitions: TargetDefinitions
    source: str  # "aggregates" or "rows"
    areas: tuple[AreaFigures, ...]
    total: AreaFigures
    indicator_codes: tuple[str, ...] = ()
    household_indicator_codes: tuple[str, ...] = ()
    targets: Mapping[str, tuple[float | None, float | None]] = field(default_factory=dict)
    # Households counted per commune of the selected areas (for listing them page by page).
    households_by_commune: Mapping[str, int] = field(default_factory=dict)

    def frame(self, *, include_total: bool = True) -> pd.DataFrame:
        """One row per area (and the total): the columns of ``round_summary``."""
        rows = [_area_row(a) for a in self.areas]
        if include_total:
            rows.append(_area_row(self.total))
        return pd.DataFrame(rows, columns=AREA_COLUMNS)

    def indicator_frame(self, *, household: bool = False) -> pd.DataFrame:
        rows = []
        for figures in (*self.areas, self.total):
            for i in figures.household_indicators if household else figures.indicators:
                rows.append(
                    {
                        "area_key": figures.area.key,
                        "area": figures.area.name,
                        "indicator": i.code,
                        "scored": i.scored,
                        "mean_points": i.mean,
                        "at_min": None if i.at_min is None else i.at_min.count,
                        "at_min_share": None if i.at_min is None else i.at_min.rate,
                        "not_applicable": i.not_applicable,
                        "missing": i.missing,
                    }
                )
        return pd.DataFrame(rows, columns=INDICATOR_COLUMNS)

    def breakdown_frame(self) -> pd.DataFrame:
        rows = []
        for figures in (*self.areas, self.total):
            for g in figures.breakdown:
                rows.append(
                    {
                        "area_key": figures.area.key,
                        "area": figures.area.name,
                        "group": g.value,
                        "group_label": g.label,
                        "members": g.members,
                        "undetermined": g.undetermined,
                        "decided": g.rate.n,
                        "recognised": g.rate.count,
                        "rate": g.rate.rate,
                        "ci_low": g.rate.low,
                        "ci_high": g.rate.high,
                        "mean_total": g.mean_total,
                    }
                )
        return pd.DataFrame(rows, columns=BREAKDOWN_COLUMNS)


AREA_COLUMNS = [
    "area_key",
    "area",
    "level",
    "partial",
    "planned",
    "households",
    "coverage",
    "members",
    "undetermined",
    "decided",
    "recognised",
    "rate",
    "ci_low",
    "ci_high",
    "mean_total",
    "adults_decided",
    "adults_recognised",
    "adults_rate",
    "cadres_decided",
    "cadres_recognised",
    "cadres_rate",
    "digital_base",
    "digital_ok",
    "digital_rate",
    "households_assessed",
    "households_undetermined",
    "households_recognised",
    "household_rate",
    "household_ci_low",
    "household_ci_high",
]
INDICATOR_COLUMNS = [
    "area_key",
    "area",
    "indicator",
    "scored",
    "mean_points",
    "at_min",
    "at_min_share",
    "not_applicable",
    "missing",
]
BREAKDOWN_COLUMNS = [
    "area_key",
    "area",
    "group",
    "group_label",
    "members",
    "undetermined",
    "decided",
    "recognised",
    "rate",
    "ci_low",
    "ci_high",
    "mean_total",
]


def _area_row(f: AreaFigures) -> dict:
    household = f.household_rate
    return {
        "area_key": f.area.key,
        "area": f.area.name,
        "level": f.area.level,
        "partial": f.area.partial,
        "planned": f.planned,
        "households": f.households,
        "coverage": f.coverage,
        "members": f.members,
        "undetermined": f.undetermined,
        "decided": f.rate.n,
        "recognised": f.rate.count,
        "rate": f.rate.rate,
        "ci_low": f.rate.low,
        "ci_high": f.rate.high,
        "mean_total": f.mean_total,
        "adults_decided": f.adults.n,
        "adults_recognised": f.adults.count,
        "adults_rate": f.adults.rate,
        "cadres_decided": f.cadres.n,
        "cadres_recognised": f.cadres.count,
        "cadres_rate": f.cadres.rate,
        "digital_base": None if f.digital is None else f.digital.n,
        "digital_ok": None if f.digital is None else f.digital.count,
        "digital_rate": None if f.digital is None else f.digital.rate,
        "households_assessed": f.households_assessed,
        "households_undetermined": f.households_undetermined,
        "households_recognised": None if household is None else household.count,
        "household_rate": None if household is None else household.rate,
        "household_ci_low": None if household is None else household.low,
        "household_ci_high": None if household is None else household.high,
    }


# Areas ---------------------------------------------------------------------------------


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
    return _area_map(communes, level, hierarchy)[0]


def _area_map(
    communes: Collection[str], level: str, hierarchy: str
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


# Figures -------------------------------------------------------------------------------


def _proportion(count: int, n: int) -> Proportion:
    return proportion(int(count), int(n))


def _mean(cents: int, n: int, scale: int) -> float | None:
    return None if n <= 0 else cents / scale / n


def _indicators(sums: Mapping[str, int], spec: CriteriaSpec | None) -> tuple:
    if spec is None:
        return ()
    figures = []
    has_min = spec.recognition.min_indicator is not None
    for i, indicator in enumerate(spec.indicators):
        na, missing = int(sums[NA_COLUMNS[i]]), int(sums[MISSING_COLUMNS[i]])
        scored = int(sums["count"]) - na - missing
        figures.append(
            IndicatorFigure(
                code=indicator.code,
                label=indicator.label.vi,
                max_points=indicator.max_points,
                scored=scored,
                mean=_mean(int(sums[SUM_COLUMNS[i]]), scored, POINT_SCALE),
                at_min=_proportion(sums[AT_MIN_COLUMNS[i]], scored) if has_min else None,
                not_applicable=na,
                missing=missing,
            )
        )
    return tuple(figures)


def _group_label(dimension: str, value: str, spec: CriteriaSpec | None) -> str:
    if dimension == "target_group" and spec is not None:
        group = next((g for g in spec.target_groups if g.code == value), None)
        return group.label.vi if group else value
    if dimension == "sex":
        return str(dict(SEXES).get(value, value))
    if dimension == "ethnicity":
        return ETHNIC_NAMES.get(value, value)
    if dimension == "age_band":
        return _("%(band)s tuổi") % {"band": value}
    return value


GROUP_FIGURE_MEASURES = ("count", "recognised", "undetermined", "total_cents")


def _no_cells(group_by: tuple[str, ...]) -> Cells:
    return Cells(group_by=group_by, keys=[], values=np.zeros((0, len(MEASURES)), np.int64))


def _group_sums(cells: Cells, labels: list) -> dict:
    """label -> the measures summed over the rows with that label (None: left out)."""
    index: dict = {}
    rows, slots = [], []
    for row, label in enumerate(labels):
        if label is None:
            continue
        rows.append(row)
        slots.append(index.setdefault(label, len(index)))
    sums = np.zeros((len(index), len(MEASURES)), dtype=np.int64)
    if rows:
        np.add.at(sums, np.asarray(slots), cells.values[np.asarray(rows)])
    return {label: sums[slot] for label, slot in index.items()}


def _decided(sums: Mapping[str, int]) -> tuple[int, int]:
    count, undetermined = int(sums["count"]), int(sums["undetermined"])
    return int(sums["recognised"]), count - undetermined


def _targets_for(
    provinces: Collection[str],
) -> dict[str, tuple[float | None, float | None, str]]:
    """indicator -> (2025, 2030, source): a province's own targets before the national ones."""
    found: dict[str, dict[int, tuple[int, Decimal, str]]] = {}
    rows = Target.objects.filter(year__in=TARGET_YEARS).filter(
        Q(province__isnull=True) | Q(province__in=list(provinces))
    )
    for target in rows:
        rank = 0 if target.province_id is None else 1
        slot = found.setdefault(target.indicator, {})
        current = slot.get(target.year)
        if current is None or rank > current[0]:
            slot[target.year] = (rank, target.value, target.source)
    result = {}
    for indicator, years in found.items():
        values = [float(years[y][1]) if y in years else None for y in TARGET_YEARS]
        source = next((years[y][2] for y in TARGET_YEARS if y in years), "")
        result[indicator] = (values[0], values[1], source)
    return result


TARGET_LABELS = {
    Target.Indicator.ADULTS: "Người từ 15 tuổi đạt danh hiệu Công dân học tập",
    Target.Indicator.CADRES: "Cán bộ, công chức, viên chức đạt danh hiệu",
    Target.Indicator.DIGITAL: "Người đạt danh hiệu có kỹ năng số đáp ứng yêu cầu",
    Target.Indicator.HOUSEHOLDS: "Hộ đạt danh hiệu Gia đình học tập",
}


def summarise_round(
    *,
    round_: Round,
    run: ScoringRun | None = None,
    level: str = "commune",
    hierarchy: str = "round",
    breakdown: str | tuple[str, ...] = "none",
    unit_keys: Collection[str] | None = None,
    areas: Collection[str] | None = None,
    filters: Mapping[str, Collection[str]] | None = None,
    statuses: Collection[str] = COUNTED_STATUSES,
    definitions: TargetDefinitions | None = None,
    source: str = "auto",
) -> RoundSummary:
    """Summarise a round by area (see the module docstring for every definition).

    ``unit_keys``: the commune keys the caller may see (None: all); ``areas``: keep
    only these area keys; ``breakdown``: one dimension, or several (``breakdowns`` of
    each area then holds them all); ``filters``: member dimension -> allowed values;
    ``source``: "auto" (stored aggregates when they fit the definitions), "aggregates"
    or "rows".
    """
    dimensions = (breakdown,) if isinstance(breakdown, str) else tuple(breakdown)
    dimensions = tuple(d for d in dimensions if d != "none")
    if any(d not in BREAKDOWNS for d in dimensions) or not isinstance(breakdown, (str, tuple)):
        raise AggregationError(_("Cách chia nhóm không hợp lệ."))
    breakdown = dimensions[0] if dimensions else "none"
    statuses = tuple(sorted(statuses))
    filters = {k: tuple(sorted(v)) for k, v in (filters or {}).items() if v}
    run = run or primary_citizen_run(round_=round_)
    household_run = household_run_for(run=run) if run is not None else None
    spec = spec_of(criteria_set=run.criteria_set) if run is not None else None
    household_spec = spec_of(criteria_set=household_run.criteria_set) if household_run else None
    if definitions is None:
        definitions = (
            definitions_for(spec=spec) if spec is not None else definitions_for_round(round_=round_)
        )

    if source == "auto":
        use_rows = run is not None and not aggregates_match(run=run, definitions=definitions)
    else:
        use_rows = source == "rows"

    def cells(which: ScoringRun, group_by: tuple[str, ...], measures=MEASURES, **kwargs) -> Cells:
        if use_rows:
            params = run_params(run=which, params=definitions.aggregate_params())
            return read_recomputed(run=which, params=params, group_by=group_by, **kwargs)
        return read_stored(run=which, group_by=group_by, measures=measures, **kwargs)

    planned = dict(
        RoundUnit.objects.filter(round=round_).values_list("unit_id", "planned_households")
    )
    scope = None if unit_keys is None else set(unit_keys)
    group_by = ("unit_id", "target_group", "age_band")
    member_cells = (
        cells(run, group_by, unit_keys=scope, statuses=statuses, filters=filters)
        if run is not None
        else _no_cells(group_by)
    )
    if filters and run is not None:
        household_counts = cells(run, ("unit_id",), unit_keys=scope, statuses=statuses)
    else:
        household_counts = member_cells
    household_cells = (
        cells(household_run, ("unit_id",), unit_keys=scope, statuses=statuses)
        if household_run is not None
        else _no_cells(("unit_id",))
    )

    # The round's communes: those planned and those with data.
    communes = (
        set(planned)
        | {key[0] for key in member_cells.keys}
        | {key[0] for key in household_cells.keys}
    )
    mapping, provinces = _area_map(communes, level, hierarchy)
    visible = communes if scope is None else communes & scope
    area_communes: dict[str, list[str]] = {}
    area_all: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for commune, (key, name, _level) in mapping.items():
        names[key] = name
        area_all.setdefault(key, []).append(commune)
        if commune in visible:
            area_communes.setdefault(key, []).append(commune)
    wanted = set(area_communes) if areas is None else set(area_communes) & set(areas)

    def area_of(key: tuple) -> str | None:
        area = mapping.get(key[0], ("",))[0]
        return area if area in wanted else None

    member_areas = [area_of(key) for key in member_cells.keys]
    position = {name: n for n, name in enumerate(group_by)}
    age_at, group_at = position["age_band"], position["target_group"]
    adult_bands, cadre_groups = set(ADULT_BANDS), set(definitions.cadre_groups)
    totals = _group_sums(member_cells, member_areas)
    pairs = list(zip(member_areas, member_cells.keys, strict=True))
    adults = _group_sums(member_cells, [a if k[age_at] in adult_bands else None for a, k in pairs])
    cadres = _group_sums(
        member_cells, [a if k[group_at] in cadre_groups else None for a, k in pairs]
    )
    households_surveyed = (
        totals
        if household_counts is member_cells
        else _group_sums(household_counts, [area_of(k) for k in household_counts.keys])
    )
    household_totals = _group_sums(household_cells, [area_of(k) for k in household_cells.keys])
    by_commune = _group_sums(
        household_counts,
        [key[0] if area_of(key) is not None else None for key in household_counts.keys],
    )
    households_index = MEASURES.index("households")
    households_by_commune = {
        commune: int(vector[households_index])
        for commune, vector in by_commune.items()
        if vector[households_index]
    }
    groups: dict[str, dict[tuple[str, str], np.ndarray]] = {}
    # Sex and ethnicity are not in the narrow aggregates: one read of the full cells, with
    # only the measures a breakdown shows, serves both.
    extra = tuple(d for d in dimensions if d not in position)
    extra_cells = None
    if extra:
        extra_cells = (
            cells(
                run,
                ("unit_id", *extra),
                measures=GROUP_FIGURE_MEASURES,
                unit_keys=scope,
                statuses=statuses,
                filters=filters,
            )
            if run is not None
            else _no_cells(("unit_id", *extra))
        )
        extra_areas = [area_of(key) for key in extra_cells.keys]
    for dimension in dimensions:
        if dimension in position:
            at = position[dimension]
            groups[dimension] = _group_sums(
                member_cells, [(a, k[at]) if a is not None else None for a, k in pairs]
            )
        else:
            at = 1 + extra.index(dimension)
            groups[dimension] = _group_sums(
                extra_cells,
                [
                    (a, k[at]) if a is not None else None
                    for a, k in zip(extra_areas, extra_cells.keys, strict=True)
                ],
            )

    target_values = _targets_for(provinces)
    measures_digital = (
        spec is not None
        and definitions.defines_digital
        and definitions.digital_indicator in {i.code for i in spec.indicators}
    )

    def figures(area: Area, member_communes: Collection[str]) -> AreaFigures:
        keys = [area.key] if area.key != TOTAL_KEY else list(wanted)
        s = _add(totals, keys)
        h = _add(household_totals, keys)
        a = _add(adults, keys)
        c = _add(cadres, keys)
        surveyed = _add(households_surveyed, keys)["households"]
        plan = sum(planned.get(k, 0) for k in member_communes)
        recognised, decided = _decided(s)
        h_recognised, h_decided = _decided(h)
        breakdown_figures = {
            dimension: _group_figures(dimension, groups[dimension], keys, spec)
            for dimension in dimensions
        }
        adult_rate = _proportion(*_decided(a))
        cadre_rate = _proportion(*_decided(c))
        digital = _proportion(s["digital_ok"], s["digital_base"]) if measures_digital else None
        household_rate = _proportion(h_recognised, h_decided) if household_run else None
        targets = tuple(
            TargetFigure(
                indicator=indicator,
                label=TARGET_LABELS[indicator],
                value=value,
                target_2025=target_values.get(indicator, (None, None, ""))[0],
                target_2030=target_values.get(indicator, (None, None, ""))[1],
                source=target_values.get(indicator, (None, None, ""))[2],
                defined=defined,
            )
            for indicator, value, defined in (
                (Target.Indicator.ADULTS, adult_rate, True),
                (Target.Indicator.CADRES, cadre_rate, True),
                (Target.Indicator.DIGITAL, digital, definitions.defines_digital),
                (Target.Indicator.HOUSEHOLDS, household_rate, True),
            )
        )
        return AreaFigures(
            area=area,
            planned=plan,
            households=surveyed,
            coverage=surveyed / plan if plan else None,
            members=s["count"],
            undetermined=s["undetermined"],
            rate=_proportion(recognised, decided),
            mean_total=_mean(s["total_cents"], decided, TOTAL_SCALE),
            adults=adult_rate,
            cadres=cadre_rate,
            digital=digital,
            households_assessed=h["count"],
            households_undetermined=h["undetermined"],
            household_rate=household_rate,
            household_mean_total=_mean(h["total_cents"], h_decided, TOTAL_SCALE),
            breakdown=breakdown_figures.get(breakdown, ()),
            breakdowns=breakdown_figures,
            indicators=_indicators(s, spec),
            household_indicators=_indicators(h, household_spec),
            targets=targets,
        )

    area_list = sorted(wanted, key=lambda k: (vi_sort_key(names[k]), k))
    area_figures = tuple(
        figures(
            Area(
                key=key,
                name=names[key],
                level=level,
                communes=tuple(sorted(area_communes[key])),
                partial=len(area_communes[key]) < len(area_all[key]),
            ),
            area_communes[key],
        )
        for key in area_list
    )
    all_visible = [c for key in area_list for c in area_communes[key]]
    total = figures(
        Area(
            key=TOTAL_KEY,
            name=_("Tổng cộng"),
            level="total",
            communes=tuple(sorted(all_visible)),
            partial=any(a.area.partial for a in area_figures),
        ),
        all_visible,
    )
    return RoundSummary(
        round=round_,
        run=run,
        household_run=household_run,
        level=level,
        hierarchy=hierarchy,
        breakdown=breakdown,
        statuses=statuses,
        filters=filters,
        definitions=definitions,
        source="rows" if use_rows else "aggregates",
        areas=area_figures,
        total=total,
        indicator_codes=tuple(i.code for i in spec.indicators) if spec else (),
        household_indicator_codes=(
            tuple(i.code for i in household_spec.indicators) if household_spec else ()
        ),
        targets={k: (v[0], v[1]) for k, v in target_values.items()},
        households_by_commune=households_by_commune,
    )


def _group_figures(
    dimension: str,
    groups: Mapping[tuple[str, str], np.ndarray],
    keys: Collection[str],
    spec: CriteriaSpec | None,
) -> tuple[GroupFigure, ...]:
    wanted = set(keys)
    merged: dict[str, np.ndarray] = {}
    for (area, value), vector in groups.items():
        if area in wanted:
            merged[value] = merged[value] + vector if value in merged else vector.copy()
    figures = []
    for value, vector in sorted(merged.items(), key=lambda kv: _order(dimension, kv[0], spec)):
        sums = _named(vector)
        if not sums["count"]:
            continue
        recognised, decided = _decided(sums)
        figures.append(
            GroupFigure(
                value=value,
                label=_group_label(dimension, value, spec),
                members=sums["count"],
                undetermined=sums["undetermined"],
                rate=_proportion(recognised, decided),
                mean_total=_mean(sums["total_cents"], decided, TOTAL_SCALE),
            )
        )
    return tuple(figures)


def _named(vector: np.ndarray) -> dict[str, int]:
    return {name: int(value) for name, value in zip(MEASURES, vector, strict=True)}


def _add(sums: Mapping[str, np.ndarray], keys: Collection[str]) -> dict[str, int]:
    total = np.zeros(len(MEASURES), dtype=np.int64)
    for key in keys:
        vector = sums.get(key)
        if vector is not None:
            total += vector
    return _named(total)


_AGE_ORDER = {"0-5": 0, "6-14": 1, "15-24": 2, "25-39": 3, "40-59": 4, "60+": 5}


def _order(dimension: str, value: str, spec: CriteriaSpec | None) -> tuple:
    if dimension == "age_band":
        return (_AGE_ORDER.get(value, 9), value)
    if dimension == "target_group" and spec is not None:
        codes = [g.code for g in spec.target_groups]
        return (codes.index(value) if value in codes else len(codes), value)
    return (0, value)
