"""What the caller gives besides the answers: a member's profile, a household member."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scoring.engine.results import MemberResult

MEMBER_PROFILE_BUILTINS = ("age", "target_group", "sex")


@dataclass(frozen=True, slots=True)
class MemberProfile:
    """What the caller knows about a member besides the answers; age is at the survey date."""

    target_group: str
    age: int | None
    sex: str | None = None


@dataclass(frozen=True, slots=True)
class MemberContext:
    """One household member as the household set sees it (see "Scoring a household")."""

    answers: Mapping[str, Any]
    age: int | None
    target_group: str = ""
    sex: str | None = None
    recognised: bool | int | None = None  # the member's citizen result; None = undetermined
    total: float | None = None
    # False for a member the citizen set does not assess (no target group of the set):
    # household items that read ``recognised`` or ``total`` leave such a member out.
    assessed: bool = True

    @classmethod
    def from_result(
        cls,
        profile: MemberProfile,
        answers: Mapping[str, Any],
        result: MemberResult | None,
    ) -> MemberContext:
        """Build the context from a member's profile, answers and citizen result (if scored).

        An incomplete citizen result gives ``recognised`` and ``total`` as unknown (None):
        its total is only a floor, not a figure a household item should test.
        """
        known = result is not None and result.complete
        return cls(
            answers=answers,
            age=profile.age,
            target_group=profile.target_group,
            sex=profile.sex,
            recognised=result.recognised if known else None,
            total=result.total if known else None,
            assessed=result is not None,
        )

    def values(self) -> dict[str, Any]:
        """The values member conditions and tests read: answers plus the built-in names."""
        values = dict(self.answers)
        values["age"] = self.age
        values["target_group"] = self.target_group
        values["sex"] = self.sex
        values["recognised"] = None if self.recognised is None else int(bool(self.recognised))
        values["total"] = self.total
        return values
