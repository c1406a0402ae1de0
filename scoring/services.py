"""Write scores: called explicitly when a household is submitted or corrected (no signals)."""

from __future__ import annotations

from django.db import transaction

from criteria.models import CriteriaSet
from criteria.selectors import spec_of
from scoring.compute import MemberInput, age_band, indicator_columns, score_response
from scoring.engine import MemberProfile
from scoring.models import HouseholdScore, MemberScore, ScoringRun
from survey.models import HouseholdResponse, MemberResponse


def primary_run(*, round_id: int, criteria_set: CriteriaSet) -> ScoringRun:
    run, _ = ScoringRun.objects.get_or_create(
        round_id=round_id, criteria_set=criteria_set, kind=ScoringRun.Kind.PRIMARY
    )
    return run


def member_inputs(*, members: list[MemberResponse]) -> list[MemberInput]:
    return [
        MemberInput(
            profile=MemberProfile(target_group=m.target_group, age=m.age, sex=m.sex),
            answers=m.answers,
        )
        for m in members
    ]


@transaction.atomic
def record_response_scores(*, response: HouseholdResponse) -> None:
    """Score a response under its round's versions and replace its rows in the primary runs."""
    round_ = response.round
    citizen_set = round_.citizen_set
    household_set = round_.household_set
    members = list(response.members.order_by("position"))
    result = score_response(
        citizen=spec_of(criteria_set=citizen_set),
        household=spec_of(criteria_set=household_set) if household_set else None,
        members=member_inputs(members=members),
        household_answers=response.answers,
    )
    citizen_run = primary_run(round_id=round_.pk, criteria_set=citizen_set)
    MemberScore.objects.filter(run=citizen_run, response=response).delete()
    MemberScore.objects.bulk_create(
        MemberScore(
            run=citizen_run,
            round_id=round_.pk,
            response=response,
            unit_id=response.unit_id,
            member=member,
            target_group=member.target_group,
            sex=member.sex,
            age=member.age,
            age_band=age_band(member.age),
            ethnicity=member.ethnicity,
            total=member_result.total,
            recognised=member_result.recognised,
            complete=member_result.complete,
            level=member_result.level or "",
            reasons_vi=list(member_result.reasons_vi),
            reasons_en=list(member_result.reasons_en),
            **indicator_columns(member_result),
        )
        for member, member_result in zip(members, result.members, strict=True)
        if member_result is not None
    )
    if household_set is not None and result.household is not None:
        household_run = primary_run(round_id=round_.pk, criteria_set=household_set)
        HouseholdScore.objects.filter(run=household_run, response=response).delete()
        outcome = result.household
        HouseholdScore.objects.create(
            run=household_run,
            round_id=round_.pk,
            response=response,
            unit_id=response.unit_id,
            total=outcome.total,
            recognised=outcome.recognised,
            complete=outcome.complete,
            level=outcome.level or "",
            reasons_vi=list(outcome.reasons_vi),
            reasons_en=list(outcome.reasons_en),
            **indicator_columns(outcome),
        )
