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
  target (``Target``: the province's own, else the national one,
  ``scoring.targets``).

Levels: ``commune``, ``district`` and ``province`` on the round's own
hierarchy, or with ``hierarchy="2025"`` regrouped onto the units valid on
2025-07-01 through the unit change records (``units.selectors.successors_of``,
over as many hops as it takes: Xã Nga Quán → Xã Cường Thịnh (2024) → Phường
Nam Cường (2025)). There is no district level on the 2025 hierarchy. A commune
whose territory went to several units (a split) forms one area named after all
of them, since its households cannot be divided (``scoring.areas``).

The figures are the dataclasses of ``scoring.summary``, computed from the cell sums by
``scoring.figures``. ``summarise_round`` goes in steps: resolve the runs and definitions,
read the cells, map the communes onto areas and sum the cells by area
(``scoring.summary_cells``), then make each area's figures (here).

Household figures are not filtered by member attributes (``filters`` apply to
members only).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from scoring.definitions import (
    COUNTED_STATUSES,
    TargetDefinitions,
)
from scoring.figures import (
    decided,
    group_figures,
    indicator_figures,
    mean_of,
    share,
    sum_areas,
)
from scoring.models import TOTAL_SCALE, ScoringRun, Target
from scoring.summary import (
    BREAKDOWNS,
    TOTAL_KEY,
    AggregationError,
    Area,
    AreaFigures,
    RoundSummary,
    TargetFigure,
)
from scoring.summary_cells import (
    AreaSums,
    CellReader,
    SummaryAreas,
    SummaryRuns,
    read_cells,
    resolve_runs,
    select_areas,
    sum_cells,
)
from scoring.targets import TARGET_LABELS, targets_for
from survey.models import Round, RoundUnit
from units.text import vi_sort_key


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
    ``definitions``: those of the run's criteria set unless given; ``source``: "auto"
    (stored aggregates when they fit the definitions), "aggregates" or "rows".
    """
    dimensions = _dimensions(breakdown=breakdown)
    statuses = tuple(sorted(statuses))
    filters = {k: tuple(sorted(v)) for k, v in (filters or {}).items() if v}
    runs = resolve_runs(round_=round_, run=run, definitions=definitions, source=source)
    scope = None if unit_keys is None else set(unit_keys)
    reader = CellReader(runs=runs, scope=scope, statuses=statuses, filters=filters)
    cells = read_cells(reader=reader, runs=runs, dimensions=dimensions)
    planned = dict(
        RoundUnit.objects.filter(round=round_).values_list("unit_id", "planned_households")
    )
    # The round's communes: those planned and those with data.
    communes = (
        set(planned)
        | {key[0] for key in cells.members.keys}
        | {key[0] for key in cells.households.keys}
    )
    area_set = select_areas(
        communes=communes, scope=scope, level=level, hierarchy=hierarchy, areas=areas
    )
    sums = sum_cells(
        cells=cells,
        areas=area_set,
        cadre_groups=runs.definitions.cadre_groups,
        dimensions=dimensions,
    )
    maker = _FigureMaker(
        runs=runs,
        sums=sums,
        wanted=area_set.wanted,
        planned=planned,
        dimensions=dimensions,
        breakdown=dimensions[0] if dimensions else "none",
        targets=targets_for(provinces=area_set.provinces),
    )
    area_figures, total = _figure_areas(maker=maker, areas=area_set, level=level)
    spec, household_spec = runs.spec, runs.household_spec
    return RoundSummary(
        round=round_,
        run=runs.run,
        household_run=runs.household_run,
        level=level,
        hierarchy=hierarchy,
        breakdown=maker.breakdown,
        statuses=statuses,
        filters=filters,
        definitions=runs.definitions,
        source="rows" if runs.use_rows else "aggregates",
        areas=area_figures,
        total=total,
        indicator_codes=tuple(i.code for i in spec.indicators) if spec else (),
        household_indicator_codes=(
            tuple(i.code for i in household_spec.indicators) if household_spec else ()
        ),
        targets={k: (v[0], v[1]) for k, v in maker.targets.items()},
        households_by_commune=sums.households_by_commune,
    )


def _dimensions(*, breakdown: str | tuple[str, ...]) -> tuple[str, ...]:
    """The breakdown dimensions asked for ("none" dropped), checked."""
    dimensions = (breakdown,) if isinstance(breakdown, str) else tuple(breakdown)
    dimensions = tuple(d for d in dimensions if d != "none")
    if any(d not in BREAKDOWNS for d in dimensions) or not isinstance(breakdown, (str, tuple)):
        raise AggregationError(_("Cách chia nhóm không hợp lệ."))
    return dimensions


@dataclass(frozen=True)
class _FigureMaker:
    """Makes the figures of an area (or of the total) from the summary's sums."""

    runs: SummaryRuns
    sums: AreaSums
    wanted: set[str]
    planned: Mapping[str, int]
    dimensions: tuple[str, ...]
    breakdown: str  # the first dimension, or "none"
    targets: Mapping[str, tuple[float | None, float | None, str]]

    @property
    def measures_digital(self) -> bool:
        spec, definitions = self.runs.spec, self.runs.definitions
        return (
            spec is not None
            and definitions.defines_digital
            and definitions.digital_indicator in {i.code for i in spec.indicators}
        )

    def figures(self, *, area: Area, member_communes: Collection[str]) -> AreaFigures:
        runs, sums = self.runs, self.sums
        keys = [area.key] if area.key != TOTAL_KEY else list(self.wanted)
        s = sum_areas(sums.totals, keys)
        h = sum_areas(sums.household_totals, keys)
        surveyed = sum_areas(sums.households_surveyed, keys)["households"]
        plan = sum(self.planned.get(k, 0) for k in member_communes)
        recognised, base = decided(s)
        h_recognised, h_base = decided(h)
        breakdown_figures = {
            dimension: group_figures(dimension, sums.groups[dimension], keys, runs.spec)
            for dimension in self.dimensions
        }
        adult_rate = share(*decided(sum_areas(sums.adults, keys)))
        cadre_rate = share(*decided(sum_areas(sums.cadres, keys)))
        digital = share(s["digital_ok"], s["digital_base"]) if self.measures_digital else None
        household_rate = share(h_recognised, h_base) if runs.household_run else None
        return AreaFigures(
            area=area,
            planned=plan,
            households=surveyed,
            coverage=surveyed / plan if plan else None,
            members=s["count"],
            undetermined=s["undetermined"],
            rate=share(recognised, base),
            mean_total=mean_of(s["total_cents"], base, TOTAL_SCALE),
            adults=adult_rate,
            cadres=cadre_rate,
            digital=digital,
            households_assessed=h["count"],
            households_undetermined=h["undetermined"],
            household_rate=household_rate,
            household_mean_total=mean_of(h["total_cents"], h_base, TOTAL_SCALE),
            breakdown=breakdown_figures.get(self.breakdown, ()),
            breakdowns=breakdown_figures,
            indicators=indicator_figures(s, runs.spec),
            household_indicators=indicator_figures(h, runs.household_spec),
            targets=self.target_figures(
                adults=adult_rate, cadres=cadre_rate, digital=digital, households=household_rate
            ),
        )

    def target_figures(self, *, adults, cadres, digital, households) -> tuple[TargetFigure, ...]:
        """Each QĐ 677/387 rate beside its 2025 and 2030 targets."""
        none = (None, None, "")
        return tuple(
            TargetFigure(
                indicator=indicator,
                label=TARGET_LABELS[indicator],
                value=value,
                target_2025=self.targets.get(indicator, none)[0],
                target_2030=self.targets.get(indicator, none)[1],
                source=self.targets.get(indicator, none)[2],
                defined=defined,
            )
            for indicator, value, defined in (
                (Target.Indicator.ADULTS, adults, True),
                (Target.Indicator.CADRES, cadres, True),
                (Target.Indicator.DIGITAL, digital, self.runs.definitions.defines_digital),
                (Target.Indicator.HOUSEHOLDS, households, True),
            )
        )


def _figure_areas(
    *, maker: _FigureMaker, areas: SummaryAreas, level: str
) -> tuple[tuple[AreaFigures, ...], AreaFigures]:
    """The figures of each wanted area in Vietnamese name order, and of their total."""
    names, communes = areas.names, areas.communes
    area_list = sorted(areas.wanted, key=lambda k: (vi_sort_key(names[k]), k))
    area_figures = tuple(
        maker.figures(
            area=Area(
                key=key,
                name=names[key],
                level=level,
                communes=tuple(sorted(communes[key])),
                partial=len(communes[key]) < len(areas.all_communes[key]),
            ),
            member_communes=communes[key],
        )
        for key in area_list
    )
    all_visible = [c for key in area_list for c in communes[key]]
    total = maker.figures(
        area=Area(
            key=TOTAL_KEY,
            name=_("Tổng cộng"),
            level="total",
            communes=tuple(sorted(all_visible)),
            partial=any(a.area.partial for a in area_figures),
        ),
        member_communes=all_visible,
    )
    return area_figures, total
