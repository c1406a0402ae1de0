"""The per-unit aggregates always equal a recomputation from the score rows.

After a bulk generation, single submits, corrections (members replaced, answers
changed), status changes, a response taken out, and rescores under the round's own
and another version, the stored cells of every run — both tables — equal a GROUP BY
over its score rows, and the score rows follow each response's status and revision.
"""

from __future__ import annotations

import pandas as pd
import pytest

from criteria.selectors import find_version
from demo.services import generate_round
from scoring.cells import recomputed_cells, stored_cells
from scoring.contributions import CELL_KEY, GROUP_KEY
from scoring.models import HouseholdScore, MemberScore, ScoredResponse, ScoringRun
from scoring.services import forget_response_scores, record_response_scores, rescore_round
from survey.models import HouseholdResponse, MemberResponse, ResponseStatus
from tests.factories import MINH_QUAN_ACUTE, NGA_QUAN
from tests.scoring_agg.conftest import YEN_NINH
from tests.survey.factories import HouseholdResponseFactory, MemberResponseFactory

UNITS = [NGA_QUAN, MINH_QUAN_ACUTE, YEN_NINH]


def assert_current(round_) -> None:
    runs = list(ScoringRun.objects.filter(round=round_, complete=True))
    assert runs
    for run in runs:
        for group_by in (CELL_KEY, GROUP_KEY):
            stored = stored_cells(run=run, group_by=group_by)
            recomputed = recomputed_cells(run=run, group_by=group_by)
            assert len(stored) > 0
            pd.testing.assert_frame_equal(stored, recomputed)
    responses = dict(HouseholdResponse.objects.filter(round=round_).values_list("pk", "status"))
    for run in runs:
        model = ScoredResponse if run.based_on_id is None else HouseholdScore
        scored = dict(model.objects.filter(run=run).values_list("response_id", "status"))
        assert scored == responses
    revisions = dict(HouseholdResponse.objects.filter(round=round_).values_list("pk", "revision"))
    for run in runs:
        if run.based_on_id is None:
            assert (
                dict(ScoredResponse.objects.filter(run=run).values_list("response_id", "revision"))
                == revisions
            )


def correct(response: HouseholdResponse, **changes) -> None:
    """Replace the members as a correction does, with some answers changed, and record it."""
    members = list(response.members.order_by("position"))
    response.members.all().delete()
    for member in members:
        member.pk = None
        member.answers = {**member.answers, **changes}
        member.save()
    response.revision += 1
    response.save()
    record_response_scores(response=response)


@pytest.fixture
def generated(pilot_sets):
    return generate_round(code="r-sinh", households=24, seed=5, unit_keys=UNITS).round


def test_after_generation(generated):
    assert HouseholdResponse.objects.filter(round=generated).count() == 24
    assert_current(generated)


def test_after_submits_corrections_status_changes_and_removal(generated, make_user):
    surveyor = make_user("surveyor")
    template = MemberResponse.objects.filter(
        response__round=generated, target_group="nong_dan"
    ).first()
    # A new response: a farmer with the answers of a generated farmer, and a young child.
    response = HouseholdResponseFactory(round=generated, unit_id=NGA_QUAN, surveyor=surveyor)
    MemberResponseFactory(response=response, position=1, answers=template.answers)
    MemberResponseFactory(response=response, position=2, target_group="", birth_year=2018)
    record_response_scores(response=response)
    assert_current(generated)

    # A correction that turns an answer into a weak one, then one that removes it.
    correct(response, learning_plan="none", digital_skills=["none"])
    assert_current(generated)
    correct(response, community_sessions_12m=None)
    assert MemberScore.objects.filter(response=response, recognised__isnull=True).exists()
    assert_current(generated)

    # Status changes: verified, returned for correction, approved.
    for status in (ResponseStatus.VERIFIED, ResponseStatus.RETURNED, ResponseStatus.APPROVED):
        other = HouseholdResponse.objects.filter(round=generated).exclude(pk=response.pk).first()
        other.status = status
        other.save()
        record_response_scores(response=other)
        assert_current(generated)

    # A response moved to another commune of the round.
    moved = HouseholdResponse.objects.filter(round=generated, unit_id=YEN_NINH).first()
    moved.unit_id = MINH_QUAN_ACUTE
    moved.save()
    record_response_scores(response=moved)
    assert_current(generated)

    # A response taken out of the figures, then deleted.
    forget_response_scores(response=response)
    response.members.all().delete()
    response.delete()
    assert_current(generated)


def test_after_rescores_and_a_correction_made_after_them(generated):
    primary = ScoringRun.objects.get(round=generated, kind="primary", based_on__isnull=True)
    own = rescore_round(round_=generated)
    other = rescore_round(round_=generated, citizen_set=find_version(code="CDHT", version=2))
    assert_current(generated)
    response = HouseholdResponse.objects.filter(round=generated, members__target_group="can_bo")[0]
    correct(response, foreign_language_level="none")
    assert_current(generated)
    # The correction reached every run kept current: the primary and both rescores.
    for run in (primary, own.citizen_run, other.citizen_run):
        assert ScoredResponse.objects.get(run=run, response=response).revision == 2


def test_rebuild_with_rerecord_repairs_data_scored_before_the_aggregates(generated):
    from io import StringIO

    from django.core.management import call_command

    from scoring.models import GroupAggregate, ScoreAggregate

    # As a database scored before the aggregates existed: no cells, no scored responses.
    ScoreAggregate.objects.all().delete()
    GroupAggregate.objects.all().delete()
    ScoredResponse.objects.all().delete()
    out = StringIO()
    call_command("rebuild_aggregates", "r-sinh", "--rerecord", stdout=out)
    assert "record [" in out.getvalue()
    assert_current(generated)


def test_batched_status_changes_equal_recording_each_response(generated):
    """``record_status_changes`` (bulk review, locks) leaves every run as the one-by-one path."""
    from scoring.cells import stored_cells as cells
    from scoring.services import record_status_changes

    rescore_round(round_=generated, citizen_set=find_version(code="CDHT", version=2), workers=0)
    responses = list(HouseholdResponse.objects.filter(round=generated).order_by("pk"))
    moves = [ResponseStatus.VERIFIED, ResponseStatus.APPROVED, ResponseStatus.RETURNED]
    changed = responses[:15]
    for n, response in enumerate(changed):
        response.status = moves[n % 3]
        response.save(update_fields=["status"])
    # One response corrected without being recorded: the batch must score it afresh.
    stale = changed[0]
    MemberResponse.objects.filter(response=stale).update(answers={})
    stale.revision += 1
    stale.save(update_fields=["revision"])

    record_status_changes(responses=changed)

    assert_current(generated)
    batched = {
        run.pk: [cells(run=run, group_by=g) for g in (CELL_KEY, GROUP_KEY)]
        for run in ScoringRun.objects.filter(round=generated, complete=True)
    }
    for response in changed:
        record_response_scores(response=response)
    for run in ScoringRun.objects.filter(round=generated, complete=True):
        for before, group_by in zip(batched[run.pk], (CELL_KEY, GROUP_KEY), strict=True):
            pd.testing.assert_frame_equal(before, cells(run=run, group_by=group_by))
    assert ScoredResponse.objects.filter(response=stale, revision=stale.revision).count() == 2
