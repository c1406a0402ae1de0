"""What would change under another version: status changes per commune, and on which
indicators, between the round's run and a rescore."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from criteria.models import CriteriaSet
from scoring.changes import RunChanges, compare_run_changes, list_round_communes, total_changes
from scoring.selectors import (
    RunNotFound,
    citizen_runs,
    criteria_version,
    run_label,
    run_under_version,
)
from scoring.views.common import (
    describe_included,
    get_round_or_404,
    read_run,
    report_scope,
    reports_view,
)
from units.models import AdminUnit


@reports_view
def changes_report(request: HttpRequest, round_code: str) -> HttpResponse:
    """What would change under another version: status changes per commune, and on which
    indicators, between the round's run and a rescore."""
    round_ = get_round_or_404(request, code=round_code)
    base = read_run(request, round_=round_)
    other = None
    missing_version = None
    version_text = request.GET.get("criteria", "").strip()
    if request.GET.get("other"):
        other = read_run(request, round_=round_, name="other")
    elif version_text:
        try:
            version = criteria_version(text=version_text)
        except ValueError as exc:
            raise Http404 from exc
        try:
            other = run_under_version(round_=round_, criteria_set=version)
        except RunNotFound:
            missing_version = version
    scope = report_scope(request)
    communes = list_round_communes(round_=round_, run=base)
    visible = communes if scope is None else communes & scope
    names = dict(AdminUnit.objects.filter(key__in=visible).values_list("key", "name"))
    included = describe_included(request, rounds=[round_], unit_keys=visible)
    changes = RunChanges()
    if base is not None and other is not None and other.pk != base.pk:
        changes = compare_run_changes(
            base=base, other=other, unit_keys=visible, statuses=included.statuses
        )
    versions = CriteriaSet.objects.filter(
        subject=CriteriaSet.Subject.CITIZEN, status=CriteriaSet.Status.PUBLISHED
    ).order_by("code", "version")
    context = {
        "round": round_,
        "base": base,
        "other": other,
        "runs": [(r, run_label(r)) for r in citizen_runs(round_=round_)],
        "versions": [
            (f"{v.code}:{v.version}", f"{v.code} v{v.version} – {v.title_vi}") for v in versions
        ],
        "version_text": version_text,
        "included": included,
        "missing_version": missing_version,
        "member_rows": [(names.get(r.unit_id, r.unit_id), r) for r in changes.member_rows],
        "household_rows": [(names.get(r.unit_id, r.unit_id), r) for r in changes.household_rows],
        "member_totals": total_changes(rows=changes.member_rows, codes=changes.shared),
        "household_totals": total_changes(
            rows=changes.household_rows, codes=changes.household_shared
        ),
        "shared": changes.shared,
        "household_shared": changes.household_shared,
    }
    return render(request, "scoring/changes.html", context)
