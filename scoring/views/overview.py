"""A round's overview by area: coverage, rates with intervals, the national targets, a chart."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from scoring.aggregation import summarise_round
from scoring.areas import HIERARCHIES, LEVELS
from scoring.definitions import ADULT_MIN_AGE
from scoring.selectors import citizen_runs, run_label
from scoring.summary import BREAKDOWNS, AggregationError
from scoring.views.charts import CHART_MEASURES, MEASURE_LABELS, build_area_chart, read_measure
from scoring.views.common import (
    BREAKDOWN_CHOICES,
    BREAKDOWN_LABELS,
    HIERARCHY_CHOICES,
    LEVEL_CHOICES,
    describe_included,
    get_round_or_404,
    read_choice,
    read_run,
    report_scope,
    reports_view,
)


@reports_view
def overview(request: HttpRequest, round_code: str) -> HttpResponse:
    """The round by area: coverage, rates with intervals, the national targets, a chart."""
    round_ = get_round_or_404(request, code=round_code)
    run = read_run(request, round_=round_)
    level = read_choice(request, name="level", allowed=LEVELS, default="commune")
    hierarchy = read_choice(request, name="hierarchy", allowed=HIERARCHIES, default="round")
    breakdown = read_choice(request, name="breakdown", allowed=BREAKDOWNS, default="none")
    measure = read_choice(request, name="measure", allowed=CHART_MEASURES, default="adults")
    included = describe_included(request, rounds=[round_])
    error = None
    summary = None
    try:
        summary = summarise_round(
            round_=round_,
            run=run,
            level=level,
            hierarchy=hierarchy,
            breakdown=breakdown,
            unit_keys=report_scope(request),
            statuses=included.statuses,
        )
    except AggregationError as exc:
        error = str(exc)
    context = {
        "round": round_,
        "run": run,
        "runs": [(r, run_label(r)) for r in citizen_runs(round_=round_)],
        "summary": summary,
        "included": included,
        "error": error,
        "level": level,
        "hierarchy": hierarchy,
        "breakdown": breakdown,
        "measure": measure,
        "levels": LEVEL_CHOICES,
        "hierarchies": HIERARCHY_CHOICES,
        "breakdowns": BREAKDOWN_CHOICES,
        "measures": [(m, _(MEASURE_LABELS[m])) for m in CHART_MEASURES],
        "chart": (
            build_area_chart(summary=summary, measure=measure)
            if summary and summary.areas
            else None
        ),
        "chart_rows": (
            [(f.area, read_measure(figures=f, measure=measure)) for f in summary.areas]
            if summary
            else []
        ),
        "breakdown_label": _(BREAKDOWN_LABELS[breakdown]).lower(),
        "definitions": summary.definitions if summary else None,
        "adult_age": ADULT_MIN_AGE,
        "hierarchy_2025": hierarchy == "2025",
    }
    return render(request, "scoring/overview.html", context, status=400 if error else 200)
