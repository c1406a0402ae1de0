"""A household of a round: its members' results and its household result (stored rows)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from accounts.selectors import get_visible_unit_or_404
from criteria.selectors import spec_of
from scoring.compute import age_band
from scoring.models import HouseholdScore, MemberScore, ScoredResponse
from scoring.response_scores import label_target_groups, list_indicator_rows
from scoring.selectors import household_run_for
from scoring.views.common import (
    get_round_or_404,
    read_run,
    record_personal_view,
    reports_view,
    sees_personal_data,
)
from survey.models import HouseholdResponse, ResponseStatus
from survey.reference import ETHNIC_NAMES, SEXES


@reports_view
def household_report(request: HttpRequest, round_code: str, pk: int) -> HttpResponse:
    """A household: its members' results and its household result (stored rows)."""
    round_ = get_round_or_404(request, code=round_code)
    response = get_object_or_404(
        HouseholdResponse.objects.select_related("household", "unit"), pk=pk, round=round_
    )
    get_visible_unit_or_404(user=request.user, unit_key=response.unit_id)
    run = read_run(request, round_=round_)
    household_run = household_run_for(run=run) if run else None
    scores = (
        {s.member_id: s for s in MemberScore.objects.filter(run=run, response=response)}
        if run
        else {}
    )
    household_score = (
        HouseholdScore.objects.filter(run=household_run, response=response).first()
        if household_run
        else None
    )
    scored = ScoredResponse.objects.filter(run=run, response=response).first() if run else None
    personal = sees_personal_data(request)
    if personal:
        record_personal_view(
            request,
            round_=round_,
            unit_key=response.unit_id,
            object_type="household_response",
            object_id=response.pk,
            details={"page": "scoring:household"},
        )
    groups = label_target_groups(round_=round_)
    members = []
    for member in response.members.order_by("position"):
        score = scores.get(member.pk)
        members.append(
            {
                "pk": member.pk,
                "position": member.position,
                "name": member.full_name if personal else None,
                "birth_year": member.birth_year if personal else None,
                "age": member.age if personal else None,
                "age_band": age_band(member.age),
                "ethnicity": ETHNIC_NAMES.get(member.ethnicity, "") if personal else None,
                "sex": dict(SEXES).get(member.sex, member.sex),
                "target_group": groups.get(member.target_group, member.target_group),
                "score": score,
            }
        )
    context = {
        "round": round_,
        "response": response,
        "run": run,
        "household_run": household_run,
        "members": members,
        "household_score": household_score,
        "household_indicators": (
            list_indicator_rows(
                spec=spec_of(criteria_set=household_run.criteria_set), score=household_score
            )
            if household_run
            else []
        ),
        "stale": scored is not None and scored.revision != response.revision,
        "personal": personal,
        "status_label": dict(ResponseStatus.choices).get(response.status, response.status),
    }
    return render(request, "scoring/household.html", context)
