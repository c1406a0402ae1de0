"""The stored scores shown beside responses: the household list, a response's page and the
household report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from criteria.selectors import spec_of
from criteria.spec import CriteriaSpec
from scoring.models import POINT_COLUMNS, HouseholdScore, MemberScore, ScoringRun
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


def label_target_groups(*, round_: Round) -> dict[str, str]:
    """Target group code -> label, as the round's citizen set words it."""
    spec = spec_of(criteria_set=round_.citizen_set)
    return {g.code: g.label.vi for g in spec.target_groups}


def list_indicator_rows(*, spec: CriteriaSpec, score: HouseholdScore | None) -> list[dict]:
    """Per indicator of the set: its points in the score and whether it was scored, not
    applicable or missing (``none``: no score)."""
    rows = []
    for index, indicator in enumerate(spec.indicators):
        bit = 1 << index
        status = "scored"
        if score is None:
            status = "none"
        elif score.na_mask & bit:
            status = "na"
        elif score.missing_mask & bit:
            status = "missing"
        rows.append(
            {
                "code": indicator.code,
                "label": indicator.label.vi,
                "max": indicator.max_points,
                "points": getattr(score, POINT_COLUMNS[index]) if score else None,
                "status": status,
            }
        )
    return rows
