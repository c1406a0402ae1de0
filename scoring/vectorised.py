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

from scoring.engine import MemberContext, MemberProfile, ScoringPlan, score_member_with
from scoring.rows import stored_values
from scoring.vector import score_members, vector_plan


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


def score_people(
    *,
    plan: ScoringPlan,
    assessed: frozenset[str],
    people: Sequence[tuple[MemberProfile, Mapping[str, Any]]],
) -> list[tuple | None]:
    """Return each (profile, answers)'s stored values; None where the set does not assess it."""
    picked = [n for n, (profile, _) in enumerate(people) if profile.target_group in assessed]
    found: list[tuple | None] = [None] * len(people)
    values = member_values(
        plan=plan,
        profiles=[people[n][0] for n in picked],
        answers=[people[n][1] for n in picked],
    )
    for n, member in zip(picked, values, strict=True):
        found[n] = member
    return found


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
