"""A response as plain data, the differences between two of them, and the record of a revision
(the correction history and the audit trail, written alike by every kind of change)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User

from audit.models import Action
from audit.services import record_event
from survey.models import HouseholdResponse, MemberResponse, ResponseChange
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


def record_revision(
    *, response: HouseholdResponse, user: User, changes: list[dict], **details: Any
) -> None:
    """Write the history row and the audit entry of the response's current revision."""
    ResponseChange.objects.create(
        response=response, revision=response.revision, changed_by=user, changes=changes
    )
    record_event(
        action=Action.CHANGE,
        user=user,
        summary=f"{response.household.code}: {response.head_name} (r{response.revision})",
        unit_id=response.unit_id,
        round_code=response.round.code,
        object_type="household_response",
        object_id=response.pk,
        details={"revision": response.revision, "changes": changes, **details},
    )
