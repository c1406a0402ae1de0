"""The reports' first page: the rounds the user may see and how many runs each has."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from scoring.models import ScoringRun
from scoring.views.common import describe_included, list_visible_rounds, reports_view


@reports_view
def index(request: HttpRequest) -> HttpResponse:
    rounds = list_visible_rounds(request)
    runs: dict[int, int] = {}
    for run in ScoringRun.objects.filter(round__in=rounds, complete=True, based_on__isnull=True):
        runs[run.round_id] = runs.get(run.round_id, 0) + 1
    return render(
        request,
        "scoring/index.html",
        {
            "rounds": [(r, runs.get(r.pk, 0)) for r in rounds],
            "included": describe_included(request, rounds=[]),
        },
    )
