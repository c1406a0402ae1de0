"""What ``summarise_round`` returns: plain figures per area, and their DataFrames.

Every rate is a ``scoring.stats.Proportion`` (count, n, Wilson interval); the module
``scoring.aggregation`` says how each figure is defined.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from scoring.definitions import TargetDefinitions
from scoring.models import ScoringRun
from scoring.stats import Proportion
from survey.models import Round

BREAKDOWNS = ("none", "target_group", "sex", "age_band", "ethnicity")
TOTAL_KEY = "*"  # the key of the total "area"


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
