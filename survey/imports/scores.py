"""Interim: score what an import wrote (moves to ``flows.imports``)."""

from __future__ import annotations

from collections.abc import Sequence

from scoring.services import record_new_responses_scores, record_response_scores
from survey.models import HouseholdResponse, MemberResponse, Round

Created = Sequence[tuple[HouseholdResponse, list[MemberResponse]]]


def score_created(*, round_: Round, created: Created) -> None:
    record_new_responses_scores(round_=round_, created=created)


def score_corrected(*, response: HouseholdResponse) -> None:
    record_response_scores(response=response)
