"""Members scored through the vectorised path where a set allows it, else one by one.

``member_values`` gives each assessed member's stored values (the order of
``scoring.vector.VALUES``, reasons as tuples of text): from
``scoring.vector.score_members`` when the set has a vectorised plan, and from
``score_member_with`` for the sets and members it leaves out. Both give the same
values (tests/scoring/test_vector.py). ``member_context`` is what a household item
reads of such a member, as ``MemberContext.from_result`` builds it from a result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from scoring.engine import (
    MISSING,
    NOT_APPLICABLE,
    MemberContext,
    MemberProfile,
    ScoreResult,
    ScoringPlan,
    score_member_with,
)
from scoring.vector import MAX_INDICATORS, score_members, vector_plan


def stored_values(result: ScoreResult) -> tuple:
    """A scalar result as ``score_members`` gives its values."""
    points: list[float | None] = [None] * MAX_INDICATORS
    na_mask = missing_mask = 0
    for index, indicator in enumerate(result.indicators):
        status = indicator.status
        if status == NOT_APPLICABLE:
            na_mask |= 1 << index
        elif status == MISSING:
            missing_mask |= 1 << index
        else:
            points[index] = indicator.points
    return (
        result.total,
        result.recognised,
        result.complete,
        result.level or "",
        tuple(result.reasons_vi),
        tuple(result.reasons_en),
        na_mask,
        missing_mask,
        *points,
    )


def member_values(
    *,
    plan: ScoringPlan,
    profiles: Sequence[MemberProfile],
    answers: Sequence[Mapping[str, Any]],
    vectorised: bool = True,
) -> list[tuple]:
    """Score the members under ``plan``; return each one's stored values."""
    vplan = vector_plan(plan.spec) if vectorised else None
    found = score_members(vplan, profiles, answers) if vplan is not None else [None] * len(profiles)
    return [
        stored_values(score_member_with(plan, profile, record)) if values is None else values
        for values, profile, record in zip(found, profiles, answers, strict=True)
    ]


def member_context(
    profile: MemberProfile, answers: Mapping[str, Any], values: tuple | None
) -> MemberContext:
    """The household's view of a member with these stored values (None: not assessed)."""
    known = values is not None and values[2]
    return MemberContext(
        answers=answers,
        age=profile.age,
        target_group=profile.target_group,
        sex=profile.sex,
        recognised=values[1] if known else None,
        total=values[0] if known else None,
        assessed=values is not None,
    )
