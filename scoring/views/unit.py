"""One area of a round: its figures by group and indicator, its sub-areas, its households."""

from __future__ import annotations

from dataclasses import replace

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.selectors import get_visible_unit_or_404
from scoring.area_summary import list_area_communes, summarise_unit
from scoring.definitions import ADULT_MIN_AGE
from scoring.selectors import citizen_runs, household_page, run_label
from scoring.views.common import (
    BREAKDOWN_LABELS,
    describe_included,
    get_round_or_404,
    included_statuses,
    query_with,
    read_run,
    record_personal_view,
    report_scope,
    reports_view,
    sees_personal_data,
)

HOUSEHOLDS_PER_PAGE = 50
DIMENSIONS = ("target_group", "sex", "age_band", "ethnicity")


@reports_view
def unit_report(request: HttpRequest, round_code: str, key: str) -> HttpResponse:
    """One area: its figures by group and indicator, its sub-areas and its households."""
    round_ = get_round_or_404(request, code=round_code)
    unit = get_visible_unit_or_404(user=request.user, unit_key=key)
    run = read_run(request, round_=round_)
    scope = report_scope(request)
    # One summary at the level below gives the unit's parts and, as its total, the unit.
    child_level = {"province": "district", "district": "commune"}.get(unit.level)
    summary = summarise_unit(
        round_=round_,
        run=run,
        unit=unit,
        unit_keys=scope,
        breakdown=DIMENSIONS,
        by_level=child_level,
        statuses=included_statuses(request),
    )
    if summary is None:
        raise Http404
    children = summary if child_level is not None else None
    figures = summary.total if child_level is not None else summary.areas[0]
    if child_level is not None:
        inside, visible = list_area_communes(
            round_=round_, unit=unit, hierarchy=summary.hierarchy, unit_keys=scope
        )
        area = replace(
            figures.area,
            key=unit.key,
            name=unit.name,
            level=unit.level,
            partial=bool(inside - visible),
        )
        figures = replace(figures, area=area)
    page_number = request.GET.get("page", "1")
    try:
        page_number = max(1, int(page_number))
    except ValueError:
        page_number = 1
    total, rows = household_page(
        round_=round_,
        unit_keys=figures.area.communes,
        statuses=summary.statuses,
        household_run=summary.household_run,
        citizen_run=summary.run,
        offset=(page_number - 1) * HOUSEHOLDS_PER_PAGE,
        limit=HOUSEHOLDS_PER_PAGE,
        counts=summary.households_by_commune,
    )
    personal = sees_personal_data(request)
    if not personal:
        for row in rows:
            row["head_name"] = row["village"] = None
    elif rows:
        record_personal_view(
            request,
            round_=round_,
            unit_key=unit.key,
            object_type="household_list",
            object_id="",
            details={"page": "scoring:unit", "responses": [row["id"] for row in rows]},
        )
    pages = Paginator(range(total), HOUSEHOLDS_PER_PAGE)
    page = pages.get_page(page_number)
    context = {
        "round": round_,
        "unit": unit,
        "run": summary.run,
        "runs": [(r, run_label(r)) for r in citizen_runs(round_=round_)],
        "summary": summary,
        "included": describe_included(request, rounds=[round_], unit_keys=figures.area.communes),
        "figures": figures,
        "breakdowns": [
            (dimension, BREAKDOWN_LABELS[dimension], figures.breakdowns.get(dimension, ()))
            for dimension in DIMENSIONS
        ],
        "children": children,
        "households": rows,
        "households_total": total,
        "page": page,
        "personal": personal,
        "query": query_with(request, page=None),
        "hierarchy_2025": summary.hierarchy == "2025",
        "adult_age": ADULT_MIN_AGE,
        "definitions": summary.definitions,
    }
    return render(request, "scoring/unit.html", context)
