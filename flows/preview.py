"""The provisional score of answers not yet submitted (the wizard's review step)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from criteria.spec import CriteriaSpec
from scoring.compute import MemberInput, ResponseResult, score_response
from scoring.engine import MemberProfile


def preview_response(
    *,
    citizen: CriteriaSpec,
    household: CriteriaSpec | None,
    profiles: Sequence[Mapping[str, Any]],
    member_answers: Sequence[Mapping[str, Any]],
    household_answers: Mapping[str, Any],
) -> ResponseResult:
    """Score a household as it would be scored on submit; nothing is written.

    ``profiles`` give each member's ``age``, ``target_group`` and ``sex``.
    """
    return score_response(
        citizen=citizen,
        household=household,
        members=[
            MemberInput(profile=MemberProfile(**profile), answers=answers)
            for profile, answers in zip(profiles, member_answers, strict=True)
        ],
        household_answers=household_answers,
    )
