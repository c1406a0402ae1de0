"""Which indicators hold the areas back: the share at the minimum, per area and indicator."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from scoring.views.charts import build_below_minimum_chart
from scoring.views.common import reports_view
from scoring.views.round_page import read_round_page
from scoring.weakest import find_weakest_indicators


@reports_view
def indicators_report(request: HttpRequest, round_code: str) -> HttpResponse:
    """Which indicators hold the areas back: the share at the minimum, per area and indicator."""
    page = read_round_page(request, round_code=round_code)
    rows, weakest_counts, chart = [], {}, None
    if page.summary is not None:
        rows, weakest_counts = find_weakest_indicators(summary=page.summary)
        chart = build_below_minimum_chart(summary=page.summary)
    context = page.context() | {"rows": rows, "weakest_counts": weakest_counts, "chart": chart}
    return render(request, "scoring/indicators.html", context, status=page.status)
