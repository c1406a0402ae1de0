"""What a round summary reads: its runs and definitions, their cells, and the sums by area.

The steps of ``scoring.aggregation.summarise_round`` before the figures: resolve the runs
(``resolve_runs``), read their cells from the stored aggregates or the score rows
(``read_cells``), map the communes onto the wanted areas (``select_areas``) and sum the
cells by area and breakdown value (``sum_cells``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import numpy as np

from criteria.selectors import spec_of
from criteria.spec import CriteriaSpec
from scoring.aggregates import aggregates_match
from scoring.areas import map_areas
from scoring.cells import Cells, read_recomputed, read_stored
from scoring.contributions import run_params
from scoring.definitions import (
    ADULT_BANDS,
    TargetDefinitions,
    definitions_for,
    definitions_for_round,
)
from scoring.figures import GROUP_FIGURE_MEASURES, no_cells, sum_by_label
from scoring.models import MEASURES, ScoringRun
from scoring.selectors import household_run_for, primary_citizen_run
from survey.models import Round

# The narrow cells every summary reads; sex and ethnicity need the full ones.
MEMBER_GROUP_BY = ("unit_id", "target_group", "age_band")
MEMBER_POSITION = {name: n for n, name in enumerate(MEMBER_GROUP_BY)}


@dataclass(frozen=True)
class SummaryRuns:
    """The runs a summary reads, their specs, the definitions and where the cells come from."""

    run: ScoringRun | None
    household_run: ScoringRun | None
    spec: CriteriaSpec | None
    household_spec: CriteriaSpec | None
    definitions: TargetDefinitions
    use_rows: bool  # recompute from the score rows (the stored cells have other params)


def resolve_runs(
    *,
    round_: Round,
    run: ScoringRun | None,
    definitions: TargetDefinitions | None,
    source: str,
) -> SummaryRuns:
    """The citizen run (default: the primary one), the household run that read it, and
    the definitions (default: those of the citizen run's set)."""
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
    return SummaryRuns(
        run=run,
        household_run=household_run,
        spec=spec,
        household_spec=household_spec,
        definitions=definitions,
        use_rows=use_rows,
    )


@dataclass(frozen=True)
class CellReader:
    """Reads a run's cells the same way for every read of one summary."""

    runs: SummaryRuns
    scope: set[str] | None
    statuses: tuple[str, ...]
    filters: Mapping[str, tuple[str, ...]]

    def read(
        self,
        *,
        run: ScoringRun,
        group_by: tuple[str, ...],
        measures: Collection[str] = MEASURES,
        filtered: bool = True,
    ) -> Cells:
        """``filtered``: apply the member filters (household counts never are)."""
        kwargs = {
            "unit_keys": self.scope,
            "statuses": self.statuses,
            "filters": self.filters if filtered else None,
        }
        if self.runs.use_rows:
            params = run_params(run=run, params=self.runs.definitions.aggregate_params())
            return read_recomputed(run=run, params=params, group_by=group_by, **kwargs)
        return read_stored(run=run, group_by=group_by, measures=measures, **kwargs)


@dataclass(frozen=True)
class SummaryCells:
    """The cells one summary reads."""

    members: Cells  # by MEMBER_GROUP_BY, filtered
    household_counts: Cells  # households surveyed by unit (``members`` when unfiltered)
    households: Cells  # the household run's, by unit
    extra: Cells | None  # by unit and the dimensions not in MEMBER_GROUP_BY, when asked
    extra_dimensions: tuple[str, ...]


def read_cells(
    *, reader: CellReader, runs: SummaryRuns, dimensions: tuple[str, ...]
) -> SummaryCells:
    run, household_run = runs.run, runs.household_run
    members = (
        reader.read(run=run, group_by=MEMBER_GROUP_BY)
        if run is not None
        else no_cells(MEMBER_GROUP_BY)
    )
    if reader.filters and run is not None:
        household_counts = reader.read(run=run, group_by=("unit_id",), filtered=False)
    else:
        household_counts = members
    households = (
        reader.read(run=household_run, group_by=("unit_id",), filtered=False)
        if household_run is not None
        else no_cells(("unit_id",))
    )
    # Sex and ethnicity are not in the narrow aggregates: one read of the full cells, with
    # only the measures a breakdown shows, serves both.
    extra = tuple(d for d in dimensions if d not in MEMBER_POSITION)
    extra_cells = None
    if extra:
        extra_cells = (
            reader.read(run=run, group_by=("unit_id", *extra), measures=GROUP_FIGURE_MEASURES)
            if run is not None
            else no_cells(("unit_id", *extra))
        )
    return SummaryCells(
        members=members,
        household_counts=household_counts,
        households=households,
        extra=extra_cells,
        extra_dimensions=extra,
    )


@dataclass(frozen=True)
class SummaryAreas:
    """The areas of a summary: which communes each holds, and which are wanted."""

    mapping: Mapping[str, tuple[str, str, str]]  # commune -> (area key, name, level)
    provinces: set[str]
    names: Mapping[str, str]
    communes: Mapping[str, list[str]]  # area -> its communes the caller may see
    all_communes: Mapping[str, list[str]]  # area -> all its communes of the round
    wanted: set[str]

    def of(self, key: tuple) -> str | None:
        """The wanted area of a cell key (its first value is the commune), else None."""
        area = self.mapping.get(key[0], ("",))[0]
        return area if area in self.wanted else None


def select_areas(
    *,
    communes: set[str],
    scope: set[str] | None,
    level: str,
    hierarchy: str,
    areas: Collection[str] | None,
) -> SummaryAreas:
    mapping, provinces = map_areas(communes=communes, level=level, hierarchy=hierarchy)
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
    return SummaryAreas(
        mapping=mapping,
        provinces=provinces,
        names=names,
        communes=area_communes,
        all_communes=area_all,
        wanted=wanted,
    )


@dataclass(frozen=True)
class AreaSums:
    """Cell sums by wanted area (and by area and value for each breakdown)."""

    totals: Mapping[str, np.ndarray]
    adults: Mapping[str, np.ndarray]
    cadres: Mapping[str, np.ndarray]
    households_surveyed: Mapping[str, np.ndarray]
    household_totals: Mapping[str, np.ndarray]
    groups: Mapping[str, Mapping[tuple[str, str], np.ndarray]]
    households_by_commune: Mapping[str, int]


def sum_cells(
    *,
    cells: SummaryCells,
    areas: SummaryAreas,
    cadre_groups: Collection[str],
    dimensions: tuple[str, ...],
) -> AreaSums:
    members = cells.members
    member_areas = [areas.of(key) for key in members.keys]
    age_at, group_at = MEMBER_POSITION["age_band"], MEMBER_POSITION["target_group"]
    adult_bands, cadre_groups = set(ADULT_BANDS), set(cadre_groups)
    totals = sum_by_label(members, member_areas)
    pairs = list(zip(member_areas, members.keys, strict=True))
    adults = sum_by_label(members, [a if k[age_at] in adult_bands else None for a, k in pairs])
    cadres = sum_by_label(members, [a if k[group_at] in cadre_groups else None for a, k in pairs])
    counts = cells.household_counts
    households_surveyed = (
        totals if counts is members else sum_by_label(counts, [areas.of(k) for k in counts.keys])
    )
    household_totals = sum_by_label(cells.households, [areas.of(k) for k in cells.households.keys])
    by_commune = sum_by_label(
        counts, [key[0] if areas.of(key) is not None else None for key in counts.keys]
    )
    households_index = MEASURES.index("households")
    households_by_commune = {
        commune: int(vector[households_index])
        for commune, vector in by_commune.items()
        if vector[households_index]
    }
    groups: dict[str, dict[tuple[str, str], np.ndarray]] = {}
    for dimension in dimensions:
        if dimension in MEMBER_POSITION:
            at = MEMBER_POSITION[dimension]
            groups[dimension] = sum_by_label(
                members, [(a, k[at]) if a is not None else None for a, k in pairs]
            )
        else:
            extra = cells.extra
            at = 1 + cells.extra_dimensions.index(dimension)
            extra_areas = [areas.of(key) for key in extra.keys]
            groups[dimension] = sum_by_label(
                extra,
                [
                    (a, k[at]) if a is not None else None
                    for a, k in zip(extra_areas, extra.keys, strict=True)
                ],
            )
    return AreaSums(
        totals=totals,
        adults=adults,
        cadres=cadres,
        households_surveyed=households_surveyed,
        household_totals=household_totals,
        groups=groups,
        households_by_commune=households_by_commune,
    )
