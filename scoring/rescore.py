"""Rescore a whole round as new runs, beside the ones it has."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction

from criteria.groups import group_mapping
from criteria.models import CriteriaSet
from criteria.selectors import spec_of
from scoring.aggregates import rebuild_run_aggregates
from scoring.batch import CHUNK, Job, default_workers, score_round
from scoring.definitions import definitions_for
from scoring.models import ScoringRun
from survey.models import Round

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RescoreResult:
    citizen_run: ScoringRun
    household_run: ScoringRun | None
    households: int
    members: int
    seconds: float
    timings: dict[str, float]


def rescore_round(
    *,
    round_: Round,
    citizen_set: CriteriaSet | None = None,
    household_set: CriteriaSet | None = None,
    user: User | None = None,
    note: str = "",
    progress: Progress | None = None,
    workers: int | None = None,
    chunk: int = CHUNK,
) -> RescoreResult:
    """Recompute a round as new runs (never touching the existing ones).

    ``citizen_set``/``household_set`` default to the round's own versions (a rescore
    after a fix of the scoring code); give another version to see the round under it.
    Members' target groups are read under the new version through ``criteria.groups.group_mapping``.
    The citizen results always feed the household items, so a new citizen version
    gives a new household run too (under the round's household set unless another is
    given). Aggregates are built at the end; everything is one transaction.

    ``workers``: processes that score beside this one, which reads and writes
    (``scoring.batch``; 0: score here too); by default one per other core.
    """
    if workers is None:
        workers = default_workers()
    with transaction.atomic():
        return _rescore(
            round_=round_,
            citizen_set=citizen_set,
            household_set=household_set,
            user=user,
            note=note,
            progress=progress,
            workers=workers,
            chunk=chunk,
        )


def _rescore(
    *,
    round_: Round,
    citizen_set: CriteriaSet | None,
    household_set: CriteriaSet | None,
    user: User | None,
    note: str,
    progress: Progress | None,
    workers: int,
    chunk: int,
) -> RescoreResult:
    started = time.perf_counter()
    citizen_set = citizen_set or round_.citizen_set
    household_set = household_set or round_.household_set
    if citizen_set.subject != CriteriaSet.Subject.CITIZEN:
        raise ValueError(f"{citizen_set} is not a citizen set")
    if household_set is not None and household_set.subject != CriteriaSet.Subject.HOUSEHOLD:
        raise ValueError(f"{household_set} is not a household set")
    citizen = spec_of(criteria_set=citizen_set)
    household = spec_of(criteria_set=household_set) if household_set else None
    citizen_run = ScoringRun.objects.create(
        round=round_,
        criteria_set=citizen_set,
        kind=ScoringRun.Kind.RESCORE,
        created_by=user,
        note=note[:300],
        complete=False,
        aggregate_params=definitions_for(spec=citizen).aggregate_params(),
    )
    household_run = None
    if household_set is not None:
        household_run = ScoringRun.objects.create(
            round=round_,
            criteria_set=household_set,
            kind=ScoringRun.Kind.RESCORE,
            created_by=user,
            note=note[:300],
            complete=False,
            based_on=citizen_run,
            aggregate_params=definitions_for(spec=household).aggregate_params(),
        )
    timings: dict[str, float] = {}
    job = Job(
        round_id=round_.pk,
        citizen=citizen,
        household=household,
        citizen_run_id=citizen_run.pk,
        household_run_id=household_run.pk if household_run else None,
        groups=group_mapping(source=spec_of(criteria_set=round_.citizen_set), target=citizen),
    )
    households, members = score_round(job=job, workers=workers, progress=progress, timings=timings)
    aggregated = time.perf_counter()
    for run in (citizen_run, household_run):
        if run is not None:
            rebuild_run_aggregates(run=run)
            run.complete = True
            run.save(update_fields=["complete"])
    timings["aggregate"] = time.perf_counter() - aggregated
    return RescoreResult(
        citizen_run=citizen_run,
        household_run=household_run,
        households=households,
        members=members,
        seconds=time.perf_counter() - started,
        timings=timings,
    )
