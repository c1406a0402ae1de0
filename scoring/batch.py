"""Score a whole round into given runs, in chunks of responses, on one or several cores.

The calling process reads the round in chunks of responses (ranges of ids) with
``values_list`` — the answers as JSON text — and writes the score rows with
``survey.bulk.insert_rows``; scoring runs in ``score_chunk``: the answers are decoded
and scored with compiled plans, the same engine calls as
``scoring.compute.score_response`` (``score_member_with`` for each member the citizen
set assesses, then ``score_household_with`` over ``MemberContext.from_result``).
No aggregates: the caller rebuilds them.

With ``workers`` ≥ 1 (where ``fork`` exists), ``score_chunk`` runs in that many worker
processes while the calling process reads the next chunks and writes the finished
ones, so JSON decoding and scoring overlap the database work on another core. All
database work stays in the calling process and its transaction; workers touch no
database. ``workers=0`` scores in the calling process.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from criteria.spec import CriteriaSpec
from scoring.engine import MemberProfile, compile_spec, score_household_with
from scoring.models import HouseholdScore, MemberScore, ScoredResponse
from scoring.rows import (
    HOUSEHOLD_SCORE_FIELDS,
    MEMBER_SCORE_FIELDS,
    SCORED_RESPONSE_FIELDS,
    household_row,
    values_row,
)
from scoring.vectorised import member_context, score_people
from survey.bulk import insert_rows
from survey.bulk_reads import read_responses, response_ids

Progress = Callable[[int, int], None]
CHUNK = 2000


@dataclass(frozen=True)
class Job:
    round_id: int
    citizen: CriteriaSpec
    household: CriteriaSpec | None
    citizen_run_id: int
    household_run_id: int | None
    groups: dict[str, str] = field(default_factory=dict)


@dataclass
class RawChunk:
    """A chunk as read: responses (id, unit, status, revision, answers JSON) and their
    members (response id, id, target group, sex, age, ethnicity, answers JSON) in order."""

    responses: list[tuple]
    members: list[tuple]


@dataclass
class ChunkResult:
    member_rows: list[tuple]
    household_rows: list[tuple]
    scored_rows: list[tuple]
    households: int
    members: int
    score: float


def read_chunk(round_id: int, first_id: int, last_id: int) -> RawChunk:
    responses, members = read_responses(round_id=round_id, first_id=first_id, last_id=last_id)
    return RawChunk(responses=responses, members=members)


def score_chunk(job: Job, chunk: RawChunk) -> ChunkResult:
    """Decode and score one chunk; return the score rows (tuples in the order of
    ``scoring.rows.MEMBER_SCORE_FIELDS`` and ``HOUSEHOLD_SCORE_FIELDS``).

    The assessed members of the whole chunk are scored at once (``score_people``)."""
    started = time.perf_counter()
    loads = json.loads
    citizen_plan = compile_spec(job.citizen)
    household_plan = compile_spec(job.household) if job.household is not None else None
    assessed = frozenset(g.code for g in job.citizen.target_groups)
    groups = job.groups
    # (response id, member id, group, sex, age, ethnicity, profile, answers) of each member
    people: list[tuple] = []
    for response_id, member_id, group, sex, age, ethnicity, member_answers in chunk.members:
        member_answers = loads(member_answers) if member_answers else {}
        group = groups.get(group, group)
        profile = MemberProfile(target_group=group, age=age, sex=sex)
        people.append((response_id, member_id, group, sex, age, ethnicity, profile, member_answers))
    scored = score_people(
        plan=citizen_plan, assessed=assessed, people=[(p[6], p[7]) for p in people]
    )
    by_response: dict[int, list[tuple]] = {}
    for person, values in zip(people, scored, strict=True):
        by_response.setdefault(person[0], []).append((person, values))
    member_rows: list[tuple] = []
    household_rows: list[tuple] = []
    scored_rows: list[tuple] = []
    members_scored = 0
    for response_id, unit_id, status, revision, answers in chunk.responses:
        contexts = []
        count = 0
        for person, values in by_response.get(response_id, ()):
            _, member_id, group, sex, age, ethnicity, profile, member_answers = person
            if values is not None:
                count += 1
                member_rows.append(
                    values_row(
                        run_id=job.citizen_run_id,
                        round_id=job.round_id,
                        response_id=response_id,
                        unit_id=unit_id,
                        status=status,
                        member_id=member_id,
                        target_group=group,
                        sex=sex,
                        age=age,
                        ethnicity=ethnicity,
                        values=values,
                    )
                )
            if household_plan is not None:
                contexts.append(member_context(profile, member_answers, values))
        scored_rows.append((job.citizen_run_id, response_id, unit_id, status, revision, count))
        members_scored += count
        if household_plan is not None:
            outcome = score_household_with(
                household_plan, loads(answers) if answers else {}, contexts
            )
            household_rows.append(
                household_row(
                    run_id=job.household_run_id,
                    round_id=job.round_id,
                    response_id=response_id,
                    unit_id=unit_id,
                    status=status,
                    result=outcome,
                )
            )
    return ChunkResult(
        member_rows=member_rows,
        household_rows=household_rows,
        scored_rows=scored_rows,
        households=len(chunk.responses),
        members=members_scored,
        score=time.perf_counter() - started,
    )


def _write(result: ChunkResult) -> None:
    insert_rows(
        model=MemberScore, fields=MEMBER_SCORE_FIELDS, rows=result.member_rows, json_encoded=True
    )
    insert_rows(
        model=HouseholdScore,
        fields=HOUSEHOLD_SCORE_FIELDS,
        rows=result.household_rows,
        json_encoded=True,
    )
    insert_rows(model=ScoredResponse, fields=SCORED_RESPONSE_FIELDS, rows=result.scored_rows)


_JOB: Job | None = None


def _worker_start() -> None:
    gc.disable()  # see score_round


def _worker_score(chunk: RawChunk) -> ChunkResult:
    return score_chunk(_JOB, chunk)


def score_round(
    *,
    job: Job,
    chunk: int = CHUNK,
    workers: int = 0,
    progress: Progress | None = None,
    timings: dict[str, float] | None = None,
) -> tuple[int, int]:
    """Score every response of the job's round into its runs; return (households, members).

    ``timings`` gets "read" and "write" (this process), "score" (summed over the
    workers) and "wall".
    """
    global _JOB
    timings = timings if timings is not None else {}
    for key in ("read", "score", "write"):
        timings.setdefault(key, 0.0)
    started = time.perf_counter()
    ids = response_ids(round_id=job.round_id)
    bounds = [(ids[n], ids[min(n + chunk, len(ids)) - 1]) for n in range(0, len(ids), chunk)]
    done = members = 0

    def read(first: int, last: int) -> RawChunk:
        began = time.perf_counter()
        raw = read_chunk(job.round_id, first, last)
        timings["read"] += time.perf_counter() - began
        return raw

    def take(result: ChunkResult) -> None:
        nonlocal done, members
        began = time.perf_counter()
        _write(result)
        timings["write"] += time.perf_counter() - began
        timings["score"] += result.score
        done += result.households
        members += result.members
        if progress is not None:
            progress(done, len(ids))

    # Millions of short-lived containers would trigger the cyclic collector over and over
    # (the rows have no cycles; reference counting frees them).
    collecting = gc.isenabled()
    gc.disable()
    try:
        parallel = workers >= 1 and len(bounds) > 1
        if parallel and "fork" in multiprocessing.get_all_start_methods():
            _JOB = job
            compile_spec(job.citizen)  # compiled once here, inherited by the workers
            if job.household is not None:
                compile_spec(job.household)
            context = multiprocessing.get_context("fork")
            with context.Pool(processes=workers, initializer=_worker_start) as pool:
                pending: deque = deque()
                for first, last in bounds:
                    pending.append(pool.apply_async(_worker_score, (read(first, last),)))
                    while len(pending) > workers + 1 or (pending and pending[0].ready()):
                        take(pending.popleft().get())
                while pending:
                    take(pending.popleft().get())
            _JOB = None
        else:
            for first, last in bounds:
                take(score_chunk(job, read(first, last)))
    finally:
        if collecting:
            gc.enable()
    timings["wall"] = time.perf_counter() - started
    return done, members


def default_workers() -> int:
    """One scoring process per core but the one that reads and writes (at most 4)."""
    return max(0, min((os.cpu_count() or 1) - 1, 4))
