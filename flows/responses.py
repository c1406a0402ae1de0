"""Record a household response: the one way in for every channel."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import User
from django.db import transaction

from scoring.services import record_response_scores
from survey.models import HouseholdResponse
from survey.services import Saved, Submission, save_submission


@transaction.atomic
def submit_response(*, draft_id: uuid.UUID, user: User, submission: Submission) -> Saved:
    """Submit a draft as a new response or a correction, with its scores, at most once.

    The survey write checks the surveyor's communes and the locks and writes the
    history and audit; the scores and aggregates follow in the same transaction. A
    draft submitted again returns the response it became (``written`` False) and
    records nothing.
    """
    saved = save_submission(draft_id=draft_id, user=user, submission=submission)
    if saved.written:
        record_response_scores(response=saved.response)
    return saved


def record_response(
    *, draft_id: uuid.UUID, user: User, submission: Submission
) -> HouseholdResponse:
    """Return the response ``submit_response`` recorded (or had recorded) for the draft."""
    return submit_response(draft_id=draft_id, user=user, submission=submission).response
