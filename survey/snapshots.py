"""A response as plain data, and the differences between two of them (correction history)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from survey.models import HouseholdResponse, MemberResponse
from survey.shape import MEMBER_FIELDS


def snapshot_of(
    response: HouseholdResponse, *, members: Iterable[MemberResponse] | None = None
) -> dict[str, Any]:
    """Return what a correction can change; members are keyed by their person id."""
    rows = response.members.all() if members is None else members
    return {
        "unit": response.unit_id,
        "village": response.village,
        "address": response.address,
        "head_name": response.head_name,
        "survey_date": response.survey_date.isoformat(),
        "answers": dict(response.answers),
        "members": {
            str(m.person_id): {
                **{f: getattr(m, f) for f in MEMBER_FIELDS},
                "answers": dict(m.answers),
            }
            for m in rows
        },
    }


def differences(old: dict[str, Any], new: dict[str, Any], prefix: str = "") -> list[dict]:
    """Return ``{"field": dotted path, "old", "new"}`` for every leaf that differs."""
    changes = []
    for key in sorted(set(old) | set(new), key=str):
        path = f"{prefix}{key}"
        a, b = old.get(key), new.get(key)
        if isinstance(a, dict) and isinstance(b, dict):
            changes += differences(a, b, f"{path}.")
        elif a != b:
            changes.append({"field": path, "old": a, "new": b})
    return changes
