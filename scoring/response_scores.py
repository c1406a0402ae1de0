"""The stored scores shown beside responses: the household list and a response's page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scoring.models import HouseholdScore, MemberScore, ScoringRun
from survey.models import HouseholdResponse, Round


@dataclass(frozen=True)
class ListedScores:
    recognised: dict[int, tuple[int, int]]  # response id -> (recognised members, scored members)
    households: dict[int, HouseholdScore]  # response id -> its household score


def listed_scores(*, round_: Round, response_ids: Sequence[int]) -> ListedScores:
    """The primary runs' scores of the listed responses of a round."""
    citizen_run = ScoringRun.objects.filter(
        round=round_, criteria_set=round_.citizen_set, kind=ScoringRun.Kind.PRIMARY
    ).first()
    household_run = ScoringRun.objects.filter(
        round=round_, criteria_set=round_.household_set, kind=ScoringRun.Kind.PRIMARY
    ).first()
    counts: dict[int, list[int]] = {}
    for row in MemberScore.objects.filter(run=citizen_run, response_id__in=response_ids).values(
        "response_id", "recognised"
    ):
        pair = counts.setdefault(row["response_id"], [0, 0])
        pair[0] += row["recognised"] is True
        pair[1] += 1
    households = {
        s.response_id: s
        for s in HouseholdScore.objects.filter(run=household_run, response_id__in=response_ids)
    }
    return ListedScores(
        recognised={pk: (a, b) for pk, (a, b) in counts.items()}, households=households
    )


@dataclass(frozen=True)
class ResponseScores:
    members: dict[int, MemberScore]  # member id -> its score under the round's citizen set
    household: HouseholdScore | None


def response_scores(*, response: HouseholdResponse) -> ResponseScores:
    """A response's scores in the primary runs of its round's own criteria sets."""
    round_ = response.round
    members = {
        s.member_id: s
        for s in MemberScore.objects.filter(
            response=response,
            run__kind=ScoringRun.Kind.PRIMARY,
            run__criteria_set=round_.citizen_set,
        )
    }
    household = HouseholdScore.objects.filter(
        response=response, run__kind=ScoringRun.Kind.PRIMARY, run__criteria_set=round_.household_set
    ).first()
    return ResponseScores(members=members, household=household)
