"""The comparison: two or more areas and/or rounds side by side, with the difference to the
first one, optionally all read under one criteria version."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.selectors import get_visible_unit_or_404
from scoring.area_summary import summarise_unit
from scoring.comparison import compare_items, find_newest_version, list_area_options
from scoring.models import Target
from scoring.selectors import RunNotFound, criteria_version, run_under_version
from scoring.targets import targets_for
from scoring.views.charts import build_comparison_chart, build_group_chart
from scoring.views.common import (
    describe_included,
    get_round_or_404,
    included_statuses,
    list_visible_rounds,
    report_scope,
    reports_view,
)

MAX_COMPARED = 6


@reports_view
def compare(request: HttpRequest) -> HttpResponse:
    """Two or more areas and/or rounds side by side, with the difference to the first one."""
    rounds = list_visible_rounds(request)
    items_raw = [i for i in request.GET.getlist("item") if i.strip()][:MAX_COMPARED]
    version_text = request.GET.get("version", "").strip()
    version = None
    if version_text:
        try:
            version = criteria_version(text=version_text)
        except ValueError as exc:
            raise Http404 from exc
    items, problems = [], []
    for raw_item in items_raw:
        round_code, _sep, key = raw_item.partition(":")
        round_ = get_round_or_404(request, code=round_code)
        unit = get_visible_unit_or_404(user=request.user, unit_key=key)
        run = None
        if version is not None:
            try:
                run = run_under_version(round_=round_, criteria_set=version)
            except RunNotFound:
                problems.append(
                    _(
                        "Đợt %(round)s chưa được chấm lại theo %(version)s: chạy "
                        "“manage.py rescore %(round)s --criteria %(code)s:%(number)s”."
                    )
                    % {
                        "round": round_.code,
                        "version": f"{version.code} v{version.version}",
                        "code": version.code,
                        "number": version.version,
                    }
                )
                continue
        summary = summarise_unit(
            round_=round_,
            run=run,
            unit=unit,
            unit_keys=report_scope(request),
            breakdown="target_group",
            statuses=included_statuses(request),
        )
        if summary is None:
            raise Http404
        items.append({"round": round_, "unit": unit, "summary": summary, "raw": raw_item})
    versions = {(i["summary"].run.criteria_set_id if i["summary"].run else None) for i in items} - {
        None
    }
    mixed = len(versions) > 1
    rescored_url = None
    if mixed:
        newest = find_newest_version(criteria_set_ids=versions)
        rescored_url = (
            reverse("scoring:compare")
            + "?"
            + urlencode(
                [("item", i["raw"]) for i in items]
                + [("version", f"{newest.code}:{newest.version}")]
            )
        )
    context = {
        "options": list_area_options(rounds=rounds, unit_keys=report_scope(request)),
        "items": items,
        "selected": items_raw,
        # The chosen areas and empty choices: four rows at least, one more while room is left.
        "slots": [*items_raw, *[""] * max(1, 4 - len(items_raw))][:MAX_COMPARED],
        "version": version,
        "version_text": version_text,
        "mixed": mixed,
        "rescored_url": rescored_url,
        "problems": problems,
        "comparison": _with_charts(compare_items(items=items)) if len(items) >= 2 else None,
        "included": describe_included(
            request,
            rounds=[i["round"] for i in items],
            unit_keys={c for i in items for f in i["summary"].areas for c in f.area.communes},
        ),
        "share_url": request.get_full_path(),
        # The national targets beside the rates, as on the overview (QĐ 677, QĐ 387).
        "targets": national_targets(),
    }
    return render(request, "scoring/compare.html", context)


def national_targets() -> dict[str, dict[str, float | None]]:
    """indicator -> {"y2025", "y2030"}: the national values (provinces may differ)."""
    return {
        indicator: {"y2025": first, "y2030": second}
        for indicator, (first, second, _source) in targets_for(provinces=()).items()
    }


def _with_charts(comparison: dict) -> dict:
    """The comparison's rows and, after them, its two charts."""
    figures = [row["figures"] for row in comparison["overall"]]
    adults = national_targets().get(Target.Indicator.ADULTS, {"y2025": None, "y2030": None})
    return {
        **comparison,
        "chart": build_comparison_chart(
            labels=comparison["labels"],
            figures=figures,
            targets=(adults["y2025"], adults["y2030"]),
        ),
        "group_chart": build_group_chart(
            labels=comparison["labels"], group_rows=comparison["groups"]
        ),
    }
