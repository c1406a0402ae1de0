"""``record_response`` is the one way in: the survey write and its scores, once."""

from __future__ import annotations

import pytest

from accounts.roles import SURVEYOR
from flows import responses
from flows.responses import record_response
from scoring.models import ScoreAggregate, ScoredResponse
from survey.models import HouseholdResponse
from survey.services import save_submission, start_draft
from tests.survey.test_services import NOTHING, ONE_SUBMITTED, counts, submission


@pytest.fixture
def surveyor(make_user):
    return make_user(SURVEYOR, username="dieutravien", full_name="Lò Thị Hoa")


def scored_households() -> int:
    return sum(ScoreAggregate.objects.values_list("households", flat=True))


def test_the_survey_write_alone_stores_the_response_and_no_score(surveyor, round_):
    draft = start_draft(user=surveyor, round_=round_)

    saved = save_submission(draft_id=draft.pk, user=surveyor, submission=submission())

    assert saved.written is True
    assert counts() == {**ONE_SUBMITTED, "member_scores": 0, "household_scores": 0}
    assert ScoredResponse.objects.count() == 0


def test_a_draft_recorded_twice_is_scored_once(surveyor, round_, monkeypatch):
    calls = []
    scored = responses.record_response_scores
    monkeypatch.setattr(
        responses,
        "record_response_scores",
        lambda *, response: calls.append(response.pk) or scored(response=response),
    )
    draft = start_draft(user=surveyor, round_=round_)

    first = record_response(draft_id=draft.pk, user=surveyor, submission=submission())
    again = record_response(draft_id=draft.pk, user=surveyor, submission=submission())

    assert again.pk == first.pk
    assert calls == [first.pk]
    assert counts() == ONE_SUBMITTED
    assert ScoredResponse.objects.count() == 1
    assert scored_households() == 1


def test_a_refused_record_writes_nothing(surveyor, round_, monkeypatch):
    def broken(*, response):
        raise RuntimeError("scoring failed")

    monkeypatch.setattr(responses, "record_response_scores", broken)
    draft = start_draft(user=surveyor, round_=round_)

    with pytest.raises(RuntimeError, match="scoring failed"):
        record_response(draft_id=draft.pk, user=surveyor, submission=submission())

    assert counts() == NOTHING
    assert HouseholdResponse.objects.count() == 0
