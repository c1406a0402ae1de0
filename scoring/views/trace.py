"""A member's trace: for each indicator, the answers behind its points and how the rules
read them."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from accounts.selectors import get_visible_unit_or_404
from scoring.compute import age_band
from scoring.response_scores import label_target_groups
from scoring.selectors import trace_member
from scoring.views.common import (
    get_round_or_404,
    read_run,
    record_personal_view,
    reports_view,
    sees_personal_data,
)
from survey.models import MemberResponse
from survey.reference import ETHNIC_NAMES, SEXES


@reports_view
def member_report(request: HttpRequest, round_code: str, pk: int) -> HttpResponse:
    """A member: for each indicator, the answers behind its points and how the rules read them."""
    round_ = get_round_or_404(request, code=round_code)
    member = get_object_or_404(
        MemberResponse.objects.select_related("response", "response__unit"),
        pk=pk,
        response__round=round_,
    )
    get_visible_unit_or_404(user=request.user, unit_key=member.response.unit_id)
    run = read_run(request, round_=round_)
    trace = trace_member(member=member, run=run) if run else None
    personal = sees_personal_data(request)
    if personal:
        record_personal_view(
            request,
            round_=round_,
            unit_key=member.response.unit_id,
            object_type="member_response",
            object_id=member.pk,
            details={"page": "scoring:member", "response": member.response_id},
        )
    context = {
        "round": round_,
        "member": member,
        "response": member.response,
        "run": run,
        "trace": trace,
        "personal": personal,
        "name": member.full_name if personal else None,
        "birth_year": member.birth_year if personal else None,
        "ethnicity": ETHNIC_NAMES.get(member.ethnicity, "") if personal else None,
        "age_band": age_band(member.age),
        "sex": dict(SEXES).get(member.sex, member.sex),
        "target_group": label_target_groups(round_=round_).get(
            member.target_group, member.target_group
        ),
    }
    return render(request, "scoring/member.html", context)
