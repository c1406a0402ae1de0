"""Score one household response (its members, then the household) over plain data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from criteria.spec import CriteriaSpec
from scoring.engine import (
    MISSING,
    NOT_APPLICABLE,
    SCORED,
    HouseholdResult,
    MemberContext,
    MemberProfile,
    MemberResult,
    ScoreResult,
    compile_spec,
    score_household_with,
    score_member_with,
)

# Age bands of the breakdowns: school age, youth, working ages, older people.
AGE_BANDS = ((0, 5, "0-5"), (6, 14, "6-14"), (15, 24, "15-24"), (25, 39, "25-39"))
AGE_BANDS += ((40, 59, "40-59"), (60, 200, "60+"))


def age_band(age: int) -> str:
    return next(label for low, high, label in AGE_BANDS if low <= age <= high)


@dataclass(frozen=True)
class MemberInput:
    profile: MemberProfile
    answers: Mapping[str, Any]


@dataclass(frozen=True)
class ResponseResult:
    # One entry per member, in order; None for a member the citizen set does not assess
    # (no target group of the set, e.g. a young child under the 2020 set).
    members: tuple[MemberResult | None, ...]
    household: HouseholdResult | None


def is_assessed(*, spec: CriteriaSpec, target_group: str) -> bool:
    return any(group.code == target_group for group in spec.target_groups)


def score_response(
    *,
    citizen: CriteriaSpec,
    household: CriteriaSpec | None,
    members: Sequence[MemberInput],
    household_answers: Mapping[str, Any],
) -> ResponseResult:
    """Score every assessed member under ``citizen``, then the household under ``household``."""
    citizen_plan = compile_spec(citizen)
    results = tuple(
        score_member_with(citizen_plan, m.profile, m.answers)
        if is_assessed(spec=citizen, target_group=m.profile.target_group)
        else None
        for m in members
    )
    household_result = None
    if household is not None:
        contexts = [
            MemberContext.from_result(m.profile, m.answers, result)
            for m, result in zip(members, results, strict=True)
        ]
        household_result = score_household_with(
            compile_spec(household), household_answers, contexts
        )
    return ResponseResult(members=results, household=household_result)


def indicator_columns(result: ScoreResult) -> dict[str, Any]:
    """Return the stored columns p01.. (scored points), na_mask and missing_mask."""
    columns: dict[str, Any] = {}
    na_mask = missing_mask = 0
    for index, indicator in enumerate(result.indicators):
        columns[f"p{index + 1:02d}"] = indicator.points if indicator.status == SCORED else None
        if indicator.status == NOT_APPLICABLE:
            na_mask |= 1 << index
        elif indicator.status == MISSING:
            missing_mask |= 1 << index
    columns["na_mask"] = na_mask
    columns["missing_mask"] = missing_mask
    return columns
