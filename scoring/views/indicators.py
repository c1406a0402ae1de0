"""Which indicators hold the areas back: the share at the minimum, per area and indicator."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from scoring.aggregation import summarise_round
from scoring.areas import HIERARCHIES, LEVELS
from scoring.selectors import citizen_runs, run_label
from scoring.summary import AggregationError
from scoring.views.charts import build_below_minimum_chart
from scoring.views.common import (
    HIERARCHY_CHOICES,
    LEVEL_CHOICES,
    describe_included,
    get_round_or_404,
    read_choice,
    read_run,
    report_scope,
    reports_view,
)
from scoring.weakest import find_weakest_indicators


@reports_view
def indicators_report(request: HttpRequest, round_code: str) -> HttpResponse:
    """Which indicators hold the areas back: the share at the minimum, per area and indicator."""
    round_ = get_round_or_404(request, code=round_code)
    run = read_run(request, round_=round_)
    level = read_choice(request, name="level", allowed=LEVELS, default="commune")
    hierarchy = read_choice(request, name="hierarchy", allowed=HIERARCHIES, default="round")
    included = describe_included(request, rounds=[round_])
    error = None
    summary = None
    try:
        summary = summarise_round(
            round_=round_,
            run=run,
            level=level,
            hierarchy=hierarchy,
            unit_keys=report_scope(request),
            statuses=included.statuses,
        )
    except AggregationError as exc:
        error = str(exc)
    rows, weakest_counts, chart = [], {}, None
    if summary is not None:
        rows, weakest_counts = find_weakest_indicators(summary=summary)
        chart = build_below_minimum_chart(summary=summary)
    context = {
        "round": round_,
        "run": run,
        "runs": [(r, run_label(r)) for r in citizen_runs(round_=round_)],
        "summary": summary,
        "rows": rows,
        "included": included,
        "weakest_counts": weakest_counts,
        "chart": chart,
        "error": error,
        "level": level,
        "hierarchy": hierarchy,
        "levels": LEVEL_CHOICES,
        "hierarchies": HIERARCHY_CHOICES,
    }
    return render(request, "scoring/indicators.html", context, status=400 if error else 200)
