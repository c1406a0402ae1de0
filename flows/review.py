"""Review moves and commune locks, with the scores that follow each move."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet

from scoring.services import record_response_scores, record_status_changes
from survey.models import HouseholdResponse, ResponseStatus, Round, UnitLock
from survey.review import approve_and_lock, move_status, move_statuses
from survey.review import unlock_unit as unlock_unit
from survey.reviewer_scores import save_reviewer_scores

__all__ = [
    "approve_response",
    "bulk_transition",
    "lock_unit",
    "return_response",
    "score_as_reviewer",
    "unlock_unit",
    "verify_response",
]


def _move(
    *, user: User, response: HouseholdResponse, target: str, reason: str = ""
) -> HouseholdResponse:
    moved = move_status(user=user, response_id=response.pk, target=target, reason=reason)
    record_response_scores(response=moved)
    return moved


@transaction.atomic
def verify_response(*, user: User, response: HouseholdResponse) -> HouseholdResponse:
    """Mark a submitted response as checked by the commune."""
    return _move(user=user, response=response, target=ResponseStatus.VERIFIED)


@transaction.atomic
def return_response(*, user: User, response: HouseholdResponse, reason: str) -> HouseholdResponse:
    """Send a response back to its surveyor with the reason to show beside the form."""
    return _move(user=user, response=response, target=ResponseStatus.RETURNED, reason=reason)


@transaction.atomic
def approve_response(*, user: User, response: HouseholdResponse) -> HouseholdResponse:
    """Approve a verified response (provincial staff)."""
    return _move(user=user, response=response, target=ResponseStatus.APPROVED)


@transaction.atomic
def bulk_transition(
    *, user: User, responses: QuerySet[HouseholdResponse], target: str, expected: int
) -> int:
    """Move every candidate of a filtered list to ``target``, all or nothing; return how many.

    The scores move by status in one pass (``record_status_changes``), equal to
    recording each response.
    """
    moved = move_statuses(user=user, responses=responses, target=target, expected=expected)
    record_status_changes(responses=moved)
    return len(moved)


@transaction.atomic
def lock_unit(*, user: User, round_: Round, unit_key: str) -> UnitLock:
    """Approve every verified household of a commune for the round, then lock the commune."""
    locked = approve_and_lock(user=user, round_=round_, unit_key=unit_key)
    record_status_changes(responses=locked.approved)
    return locked.lock


@transaction.atomic
def score_as_reviewer(
    *,
    user: User,
    response: HouseholdResponse,
    base_revision: int,
    values: Mapping[str, Any],
    language: str = "vi",
) -> HouseholdResponse:
    """Store the reviewer's scores of a response and score it again."""
    scored = save_reviewer_scores(
        response_id=response.pk,
        user=user,
        base_revision=base_revision,
        values=values,
        language=language,
    )
    record_response_scores(response=scored)
    return scored
