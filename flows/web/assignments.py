"""The page where staff assign their surveyors to the communes of a round."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from flows.assignments import assign_surveyors, assignment_table
from flows.people import AccountError
from survey.round_selectors import managed_round

security_log = logging.getLogger("security.scope")


def _posted_assignments(request: HttpRequest) -> dict[str, list[int]]:
    # Every commune on the page is posted, so unticking all its boxes clears it.
    return {
        key: [int(v) for v in request.POST.getlist(f"assign-{key}") if v.isdigit()]
        for key in request.POST.getlist("commune")
    }


@login_required
@permission_required("accounts.manage_accounts", raise_exception=True)
def round_surveyors(request: HttpRequest, code: str) -> HttpResponse:
    """Show and change which surveyors enter each commune of the round."""
    round_ = managed_round(user=request.user, code=code)
    if round_ is None:
        security_log.warning("scope refusal: user=%s round=%r", request.user.pk, code[:40])
        raise Http404
    problems: list[str] = []
    if request.method == "POST":
        try:
            changed = assign_surveyors(
                by=request.user, round_=round_, assignments=_posted_assignments(request)
            )
            messages.success(
                request, _("Đã lưu phân công (%(n)s xã/phường thay đổi).") % {"n": changed}
            )
            return redirect("people:round_surveyors", code=round_.code)
        except AccountError as refused:
            problems = refused.problems
    context = {
        "round": round_,
        "rows": assignment_table(by=request.user, round_=round_),
        "problems": problems,
    }
    return render(request, "people/round_surveyors.html", context, status=400 if problems else 200)
