"""A round's overview by area: coverage, rates with intervals, the national targets, a chart."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from scoring.definitions import ADULT_MIN_AGE
from scoring.summary import BREAKDOWNS
from scoring.views.charts import CHART_MEASURES, MEASURE_LABELS, build_area_chart, read_measure
from scoring.views.common import BREAKDOWN_CHOICES, BREAKDOWN_LABELS, read_choice, reports_view
from scoring.views.round_page import read_round_page


@reports_view
def overview(request: HttpRequest, round_code: str) -> HttpResponse:
    """The round by area: coverage, rates with intervals, the national targets, a chart."""
    breakdown = read_choice(request, name="breakdown", allowed=BREAKDOWNS, default="none")
    measure = read_choice(request, name="measure", allowed=CHART_MEASURES, default="adults")
    page = read_round_page(request, round_code=round_code, breakdown=breakdown)
    summary = page.summary
    context = page.context() | {
        "breakdown": breakdown,
        "measure": measure,
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
        "hierarchy_2025": page.hierarchy == "2025",
    }
    return render(request, "scoring/overview.html", context, status=page.status)
