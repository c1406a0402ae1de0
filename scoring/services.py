"""Write scores: called explicitly when responses are written or change status.

There are no signals. The channels reach these through ``flows``, in the
transaction that wrote the responses. ``record_response_scores`` scores one
response under every current run of its round (the primary runs, created on
first use, and the complete rescore runs, so that figures rescored under another
version stay comparable) and replaces its score rows and aggregate cells;
``record_new_responses_scores`` does the same for many new responses at once (an
import); ``record_status_changes`` moves responses whose status alone changed;
``forget_response_scores`` takes a response out before it is deleted. Rows and
deltas are built by ``scoring.rows``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db import transaction

from scoring.contributions import add_household_marker, add_rows, apply_deltas, run_params
from scoring.models import HouseholdScore, MemberScore, ScoredResponse, ScoringRun
from scoring.rescore import RescoreResult, rescore_round
from scoring.rows import (
    HOUSEHOLD_CELL_FIELDS,
    MEMBER_CELL_FIELDS,
    RunPair,
    ScoreRows,
    apply_score_deltas,
    insert_score_rows,
    score_rows,
)
from scoring.runs import current_runs, primary_run, primary_runs, run_pairs
from scoring.targets import DEFAULT_TARGETS, install_default_targets
from survey.models import HouseholdResponse, MemberResponse, Round

# Kept importable from here: callers name the scoring services by this module.
__all__ = [
    "DEFAULT_TARGETS",
    "RescoreResult",
    "current_runs",
    "forget_response_scores",
    "install_default_targets",
    "primary_run",
    "primary_runs",
    "record_new_responses_scores",
    "record_response_scores",
    "record_status_changes",
    "rescore_round",
]

New = Sequence[tuple[HouseholdResponse, Sequence[MemberResponse]]]


@transaction.atomic
def record_response_scores(*, response: HouseholdResponse) -> None:
    """Score a response under every current run of its round; replace its rows and aggregates.

    Call it whenever a response is submitted or corrected and whenever its status
    changes (verified, approved, returned): the aggregates count a response under the
    status it had when it was last recorded.
    """
    members = list(response.members.order_by("position"))
    for pair in run_pairs(round_=response.round):
        rows = score_rows(pair=pair, round_id=response.round_id, responses=[(response, members)])
        _take_out(pair=pair, response=response, rows=rows)
        insert_score_rows(rows=rows)
        apply_score_deltas(pair=pair, rows=rows)


def _take_out(*, pair: RunPair, response: HouseholdResponse, rows: ScoreRows) -> None:
    """Delete a response's stored rows of one run pair; subtract them in ``rows``' deltas."""
    deltas = rows.citizen_deltas
    old = MemberScore.objects.filter(run_id=pair.citizen_run_id, response=response)
    add_rows(deltas, old.values(*MEMBER_CELL_FIELDS), pair.citizen_params, -1)
    old.delete()
    for marker in ScoredResponse.objects.filter(run_id=pair.citizen_run_id, response=response):
        add_household_marker(deltas, marker.unit_id, marker.status, -1)
        marker.delete()
    if pair.household_run_id is None:
        return
    old = HouseholdScore.objects.filter(run_id=pair.household_run_id, response=response)
    add_rows(rows.household_deltas, old.values(*HOUSEHOLD_CELL_FIELDS), pair.household_params, -1)
    old.delete()


@transaction.atomic
def record_new_responses_scores(*, round_: Round, created: New) -> None:
    """Score responses that have no score rows yet (an import), all at once per run pair.

    Equal, row for row and cell for cell, to ``record_response_scores`` on each one.
    """
    if not created:
        return
    for pair in run_pairs(round_=round_):
        rows = score_rows(pair=pair, round_id=round_.pk, responses=created)
        insert_score_rows(rows=rows)
        apply_score_deltas(pair=pair, rows=rows)


@transaction.atomic
def forget_response_scores(*, response: HouseholdResponse) -> None:
    """Take a response out of every run and its aggregates (before deleting it)."""
    for run in ScoringRun.objects.filter(round_id=response.round_id):
        params = run_params(run=run)
        deltas: dict[tuple, list[int]] = {}
        if params.household:
            rows = HouseholdScore.objects.filter(run=run, response=response)
            add_rows(deltas, rows.values(*HOUSEHOLD_CELL_FIELDS), params, -1)
        else:
            rows = MemberScore.objects.filter(run=run, response=response)
            add_rows(deltas, rows.values(*MEMBER_CELL_FIELDS), params, -1)
            for old in ScoredResponse.objects.filter(run=run, response=response):
                add_household_marker(deltas, old.unit_id, old.status, -1)
                old.delete()
        rows.delete()
        apply_deltas(run_id=run.pk, deltas=deltas)


@transaction.atomic
def record_status_changes(*, responses: Sequence[HouseholdResponse]) -> None:
    """Move responses whose status alone changed to that status in every current run.

    The result equals calling ``record_response_scores`` on each response (a test checks
    it), but nothing is scored again: the score rows keep their points, their status
    column moves, and each run's aggregate cells get one set of deltas. A response that a
    run has not scored at its current revision and unit goes through
    ``record_response_scores`` instead.
    """
    by_round: dict[int, dict[int, HouseholdResponse]] = {}
    for response in responses:
        by_round.setdefault(response.round_id, {})[response.pk] = response
    for members_of_round in by_round.values():
        round_ = next(iter(members_of_round.values())).round
        runs = current_runs(round_=round_)
        stale: set[int] = set()
        for citizen_run, _household_run in runs:
            scored = {
                row["response_id"]: row
                for row in ScoredResponse.objects.filter(
                    run=citizen_run, response_id__in=list(members_of_round)
                ).values("response_id", "revision", "unit_id")
            }
            stale |= {
                pk
                for pk, response in members_of_round.items()
                if (row := scored.get(pk)) is None
                or (row["revision"], row["unit_id"]) != (response.revision, response.unit_id)
            }
        fresh = {pk: r.status for pk, r in members_of_round.items() if pk not in stale}
        for citizen_run, household_run in runs:
            _move_status(run=citizen_run, statuses=fresh)
            if household_run is not None:
                _move_status(run=household_run, statuses=fresh)
        for pk in sorted(stale):
            record_response_scores(response=members_of_round[pk])


def _move_status(*, run: ScoringRun, statuses: Mapping[int, str]) -> None:
    """Give ``run``'s rows of each response its new status; move their aggregate cells."""
    params = run_params(run=run)
    deltas: dict[tuple, list[int]] = {}
    ids = list(statuses)
    if params.household:
        model, fields = HouseholdScore, HOUSEHOLD_CELL_FIELDS
    else:
        model, fields = MemberScore, MEMBER_CELL_FIELDS
        for marker in ScoredResponse.objects.filter(run=run, response_id__in=ids).values(
            "response_id", "unit_id", "status"
        ):
            new = statuses[marker["response_id"]]
            if marker["status"] != new:
                add_household_marker(deltas, marker["unit_id"], marker["status"], -1)
                add_household_marker(deltas, marker["unit_id"], new, 1)
    for row in model.objects.filter(run=run, response_id__in=ids).values("response_id", *fields):
        new = statuses[row["response_id"]]
        if row["status"] != new:
            add_rows(deltas, [row], params, -1)
            add_rows(deltas, [{**row, "status": new}], params, 1)
    by_status: dict[str, list[int]] = {}
    for pk, status in statuses.items():
        by_status.setdefault(status, []).append(pk)
    for status, pks in by_status.items():
        model.objects.filter(run=run, response_id__in=pks).exclude(status=status).update(
            status=status
        )
        if not params.household:
            ScoredResponse.objects.filter(run=run, response_id__in=pks).exclude(
                status=status
            ).update(status=status)
    apply_deltas(run_id=run.pk, deltas=deltas)
