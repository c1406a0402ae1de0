"""Write scores: called explicitly when a household is submitted, corrected or changes status.

There are no signals. ``record_response_scores`` is the one entry point for a
single response: it scores it under every run of its round (the primary runs,
created on first use, and the complete rescore runs, so that figures rescored
under another version stay comparable) and, in the same transaction, replaces
its score rows and updates the per-unit aggregates (``scoring.aggregates``).
Call it after every change of a response's answers, members, unit or status.
``forget_response_scores`` takes a response out of every run before it is
deleted. ``rescore_round`` recomputes a whole round as new runs.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from criteria.models import CriteriaSet
from criteria.selectors import spec_of
from criteria.spec import CriteriaSpec
from scoring.aggregates import (
    add_household_marker,
    add_rows,
    apply_deltas,
    rebuild_run_aggregates,
    run_params,
)
from scoring.compute import (
    MemberInput,
    ResponseResult,
    age_band,
    indicator_columns,
    score_response,
)
from scoring.definitions import current_definitions
from scoring.engine import (
    HouseholdResult,
    MemberContext,
    MemberProfile,
    MemberResult,
    compile_spec,
    score_household_with,
    score_member_with,
)
from scoring.models import (
    POINT_COLUMNS,
    HouseholdScore,
    MemberScore,
    ScoredResponse,
    ScoringRun,
    Target,
)
from survey.models import HouseholdResponse, MemberResponse, Round

ROW_BATCH = 5000


def primary_run(*, round_id: int, criteria_set: CriteriaSet) -> ScoringRun:
    run, _ = ScoringRun.objects.get_or_create(
        round_id=round_id,
        criteria_set=criteria_set,
        kind=ScoringRun.Kind.PRIMARY,
        defaults={"aggregate_params": current_definitions().aggregate_params()},
    )
    return run


def primary_runs(*, round_: Round) -> tuple[ScoringRun, ScoringRun | None]:
    """The primary citizen run and household run of a round (created if missing)."""
    citizen = primary_run(round_id=round_.pk, criteria_set=round_.citizen_set)
    household = None
    if round_.household_set_id:
        household = primary_run(round_id=round_.pk, criteria_set=round_.household_set)
        if household.based_on_id != citizen.pk:
            household.based_on = citizen
            household.save(update_fields=["based_on"])
    return citizen, household


def current_runs(*, round_: Round) -> list[tuple[ScoringRun, ScoringRun | None]]:
    """(citizen run, household run) pairs kept current: the primary pair, then rescores."""
    pairs = [primary_runs(round_=round_)]
    rescores = ScoringRun.objects.filter(
        round=round_, kind=ScoringRun.Kind.RESCORE, complete=True, based_on__isnull=True
    ).select_related("criteria_set")
    households = {
        run.based_on_id: run
        for run in ScoringRun.objects.filter(
            round=round_, kind=ScoringRun.Kind.RESCORE, based_on__isnull=False
        ).select_related("criteria_set")
    }
    for run in rescores:
        if run.criteria_set.subject == CriteriaSet.Subject.CITIZEN:
            pairs.append((run, households.get(run.pk)))
    return pairs


def member_inputs(*, members: list[MemberResponse]) -> list[MemberInput]:
    return [
        MemberInput(
            profile=MemberProfile(target_group=m.target_group, age=m.age, sex=m.sex),
            answers=m.answers,
        )
        for m in members
    ]


# Score rows ----------------------------------------------------------------------------


def member_score_fields(
    *,
    run_id: int,
    round_id: int,
    response_id: int,
    unit_id: str,
    status: str,
    member_id: int,
    target_group: str,
    sex: str,
    age: int,
    ethnicity: str,
    result: MemberResult,
) -> dict[str, Any]:
    """The column values of one member's score row (``MemberScore(**fields)``)."""
    return {
        "run_id": run_id,
        "round_id": round_id,
        "response_id": response_id,
        "unit_id": unit_id,
        "status": status,
        "member_id": member_id,
        "target_group": target_group,
        "sex": sex,
        "age": age,
        "age_band": age_band(age),
        "ethnicity": ethnicity,
        "total": result.total,
        "recognised": result.recognised,
        "complete": result.complete,
        "level": result.level or "",
        "reasons_vi": list(result.reasons_vi),
        "reasons_en": list(result.reasons_en),
        **_points(result),
    }


def household_score_fields(
    *,
    run_id: int,
    round_id: int,
    response_id: int,
    unit_id: str,
    status: str,
    result: HouseholdResult,
) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "round_id": round_id,
        "response_id": response_id,
        "unit_id": unit_id,
        "status": status,
        "total": result.total,
        "recognised": result.recognised,
        "complete": result.complete,
        "level": result.level or "",
        "reasons_vi": list(result.reasons_vi),
        "reasons_en": list(result.reasons_en),
        **_points(result),
    }


def _points(result) -> dict[str, Any]:
    columns = indicator_columns(result)
    for column in POINT_COLUMNS[len(result.indicators) :]:
        columns[column] = None
    return columns


# One response ---------------------------------------------------------------------------


@transaction.atomic
def record_response_scores(*, response: HouseholdResponse) -> None:
    """Score a response under every current run of its round; replace its rows and aggregates.

    Call it whenever a response is submitted or corrected and whenever its status
    changes (verified, approved, returned): the aggregates count a response under the
    status it had when it was last recorded.
    """
    round_ = response.round
    members = list(response.members.order_by("position"))
    inputs = member_inputs(members=members)
    for citizen_run, household_run in current_runs(round_=round_):
        household_set = household_run.criteria_set if household_run else None
        result = score_response(
            citizen=spec_of(criteria_set=citizen_run.criteria_set),
            household=spec_of(criteria_set=household_set) if household_set else None,
            members=inputs,
            household_answers=response.answers,
        )
        _replace_rows(
            response=response,
            members=members,
            result=result,
            citizen_run=citizen_run,
            household_run=household_run,
        )


def _replace_rows(
    *,
    response: HouseholdResponse,
    members: list[MemberResponse],
    result: ResponseResult,
    citizen_run: ScoringRun,
    household_run: ScoringRun | None,
) -> None:
    citizen_params = run_params(run=citizen_run)
    deltas: dict[tuple, list[int]] = {}
    old_members = MemberScore.objects.filter(run=citizen_run, response=response)
    add_rows(deltas, old_members.values(*_ROW_FIELDS), citizen_params, -1)
    old_members.delete()
    for old in ScoredResponse.objects.filter(run=citizen_run, response=response):
        add_household_marker(deltas, old.unit_id, old.status, -1)
        old.delete()
    rows = [
        member_score_fields(
            run_id=citizen_run.pk,
            round_id=response.round_id,
            response_id=response.pk,
            unit_id=response.unit_id,
            status=response.status,
            member_id=member.pk,
            target_group=member.target_group,
            sex=member.sex,
            age=member.age,
            ethnicity=member.ethnicity,
            result=member_result,
        )
        for member, member_result in zip(members, result.members, strict=True)
        if member_result is not None
    ]
    MemberScore.objects.bulk_create(MemberScore(**row) for row in rows)
    ScoredResponse.objects.create(
        run=citizen_run,
        response=response,
        unit_id=response.unit_id,
        status=response.status,
        revision=response.revision,
        members=len(rows),
    )
    add_rows(deltas, rows, citizen_params, 1)
    add_household_marker(deltas, response.unit_id, response.status, 1)
    apply_deltas(run_id=citizen_run.pk, deltas=deltas)

    if household_run is None:
        return
    household_params = run_params(run=household_run)
    deltas = {}
    old_household = HouseholdScore.objects.filter(run=household_run, response=response)
    add_rows(deltas, old_household.values(*_HOUSEHOLD_ROW_FIELDS), household_params, -1)
    old_household.delete()
    if result.household is not None:
        row = household_score_fields(
            run_id=household_run.pk,
            round_id=response.round_id,
            response_id=response.pk,
            unit_id=response.unit_id,
            status=response.status,
            result=result.household,
        )
        HouseholdScore.objects.create(**row)
        add_rows(deltas, [row], household_params, 1)
    apply_deltas(run_id=household_run.pk, deltas=deltas)


_ROW_FIELDS = (
    "unit_id",
    "status",
    "target_group",
    "sex",
    "age_band",
    "ethnicity",
    "total",
    "recognised",
    "na_mask",
    "missing_mask",
    *POINT_COLUMNS,
)
_HOUSEHOLD_ROW_FIELDS = tuple(
    f for f in _ROW_FIELDS if f not in ("target_group", "sex", "age_band", "ethnicity")
)


@transaction.atomic
def forget_response_scores(*, response: HouseholdResponse) -> None:
    """Take a response out of every run and its aggregates (before deleting it)."""
    for run in ScoringRun.objects.filter(round_id=response.round_id):
        params = run_params(run=run)
        deltas: dict[tuple, list[int]] = {}
        if params.household:
            rows = HouseholdScore.objects.filter(run=run, response=response)
            add_rows(deltas, rows.values(*_HOUSEHOLD_ROW_FIELDS), params, -1)
        else:
            rows = MemberScore.objects.filter(run=run, response=response)
            add_rows(deltas, rows.values(*_ROW_FIELDS), params, -1)
            for old in ScoredResponse.objects.filter(run=run, response=response):
                add_household_marker(deltas, old.unit_id, old.status, -1)
                old.delete()
        rows.delete()
        apply_deltas(run_id=run.pk, deltas=deltas)


# A whole round ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RescoreResult:
    citizen_run: ScoringRun
    household_run: ScoringRun | None
    households: int
    members: int
    seconds: float
    timings: dict[str, float]


Progress = Callable[[int, int], None]


def _response_chunks(round_id: int, size: int) -> Iterator[list[tuple]]:
    """The round's responses, ``size`` at a time: (id, unit, status, revision, answers)."""
    ids = list(
        HouseholdResponse.objects.filter(round_id=round_id)
        .order_by("id")
        .values_list("id", flat=True)
    )
    for start in range(0, len(ids), size):
        chunk = ids[start : start + size]
        yield list(
            HouseholdResponse.objects.filter(id__gte=chunk[0], id__lte=chunk[-1], round_id=round_id)
            .order_by("id")
            .values_list("id", "unit_id", "status", "revision", "answers")
        )


def _members_of(first_id: int, last_id: int) -> dict[int, list[tuple]]:
    """Members of responses first_id..last_id, in form order, keyed by response id."""
    found: dict[int, list[tuple]] = {}
    rows = (
        MemberResponse.objects.filter(response_id__gte=first_id, response_id__lte=last_id)
        .order_by("response_id", "position")
        .values_list("response_id", "id", "target_group", "sex", "age", "ethnicity", "answers")
    )
    for row in rows.iterator(chunk_size=ROW_BATCH):
        found.setdefault(row[0], []).append(row[1:])
    return found


def score_round_rows(
    *,
    round_id: int,
    citizen: CriteriaSpec,
    household: CriteriaSpec | None,
    citizen_run_id: int,
    household_run_id: int | None,
    chunk: int = 2000,
    progress: Progress | None = None,
    timings: dict[str, float] | None = None,
) -> tuple[int, int]:
    """Score every response of a round into the given runs (bulk, no aggregates).

    Answers are read with ``values_list`` in chunks of responses, scored with compiled
    plans (the same engine calls as ``scoring.compute.score_response``) and written with
    ``bulk_create`` in batches. Returns (households, members scored).
    """
    timings = timings if timings is not None else {}
    for key in ("read", "score", "write"):
        timings.setdefault(key, 0.0)
    citizen_plan = compile_spec(citizen)
    household_plan = compile_spec(household) if household is not None else None
    assessed = frozenset(g.code for g in citizen.target_groups)
    total = HouseholdResponse.objects.filter(round_id=round_id).count()
    done = members_scored = 0
    # Millions of short-lived containers would trigger the cyclic collector over and over
    # (the rows have no cycles; reference counting frees them).
    collecting = gc.isenabled()
    gc.disable()
    try:
        for responses in _response_chunks(round_id, chunk):
            households, members = _score_chunk(
                responses,
                round_id=round_id,
                citizen_plan=citizen_plan,
                household_plan=household_plan,
                assessed=assessed,
                citizen_run_id=citizen_run_id,
                household_run_id=household_run_id,
                timings=timings,
            )
            done += households
            members_scored += members
            if progress is not None:
                progress(done, total)
    finally:
        if collecting:
            gc.enable()
    return done, members_scored


def _score_chunk(
    responses: list[tuple],
    *,
    round_id: int,
    citizen_plan,
    household_plan,
    assessed: frozenset[str],
    citizen_run_id: int,
    household_run_id: int | None,
    timings: dict[str, float],
) -> tuple[int, int]:
    """Score one chunk of responses and write its rows; return (households, members)."""
    started = time.perf_counter()
    members = _members_of(responses[0][0], responses[-1][0])
    read_at = time.perf_counter()
    timings["read"] += read_at - started
    member_rows: list[MemberScore] = []
    household_rows: list[HouseholdScore] = []
    scored_rows: list[ScoredResponse] = []
    members_scored = 0
    for response_id, unit_id, status, revision, answers in responses:
        contexts = []
        count = 0
        for member_id, group, sex, age, ethnicity, member_answers in members.get(response_id, ()):
            profile = MemberProfile(target_group=group, age=age, sex=sex)
            result = (
                score_member_with(citizen_plan, profile, member_answers)
                if group in assessed
                else None
            )
            if result is not None:
                count += 1
                member_rows.append(
                    MemberScore(
                        **member_score_fields(
                            run_id=citizen_run_id,
                            round_id=round_id,
                            response_id=response_id,
                            unit_id=unit_id,
                            status=status,
                            member_id=member_id,
                            target_group=group,
                            sex=sex,
                            age=age,
                            ethnicity=ethnicity,
                            result=result,
                        )
                    )
                )
            if household_plan is not None:
                contexts.append(MemberContext.from_result(profile, member_answers, result))
        scored_rows.append(
            ScoredResponse(
                run_id=citizen_run_id,
                response_id=response_id,
                unit_id=unit_id,
                status=status,
                revision=revision,
                members=count,
            )
        )
        members_scored += count
        if household_plan is not None:
            outcome = score_household_with(household_plan, answers, contexts)
            household_rows.append(
                HouseholdScore(
                    **household_score_fields(
                        run_id=household_run_id,
                        round_id=round_id,
                        response_id=response_id,
                        unit_id=unit_id,
                        status=status,
                        result=outcome,
                    )
                )
            )
    scored_at = time.perf_counter()
    timings["score"] += scored_at - read_at
    MemberScore.objects.bulk_create(member_rows, batch_size=ROW_BATCH)
    HouseholdScore.objects.bulk_create(household_rows, batch_size=ROW_BATCH)
    ScoredResponse.objects.bulk_create(scored_rows, batch_size=ROW_BATCH)
    timings["write"] += time.perf_counter() - scored_at
    return len(responses), members_scored


@transaction.atomic
def rescore_round(
    *,
    round_: Round,
    citizen_set: CriteriaSet | None = None,
    household_set: CriteriaSet | None = None,
    user: User | None = None,
    note: str = "",
    progress: Progress | None = None,
) -> RescoreResult:
    """Recompute a round as new runs (never touching the existing ones).

    ``citizen_set``/``household_set`` default to the round's own versions (a rescore
    after a fix of the scoring code); give another version to see the round under it.
    The citizen results always feed the household items, so a new citizen version
    gives a new household run too (under the round's household set unless another is
    given). Aggregates are built at the end; everything is one transaction.
    """
    started = time.perf_counter()
    citizen_set = citizen_set or round_.citizen_set
    household_set = household_set or round_.household_set
    if citizen_set.subject != CriteriaSet.Subject.CITIZEN:
        raise ValueError(f"{citizen_set} is not a citizen set")
    if household_set is not None and household_set.subject != CriteriaSet.Subject.HOUSEHOLD:
        raise ValueError(f"{household_set} is not a household set")
    definitions = current_definitions()
    citizen_run = ScoringRun.objects.create(
        round=round_,
        criteria_set=citizen_set,
        kind=ScoringRun.Kind.RESCORE,
        created_by=user,
        note=note[:300],
        complete=False,
        aggregate_params=definitions.aggregate_params(),
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
            aggregate_params=definitions.aggregate_params(),
        )
    timings: dict[str, float] = {}
    households, members = score_round_rows(
        round_id=round_.pk,
        citizen=spec_of(criteria_set=citizen_set),
        household=spec_of(criteria_set=household_set) if household_set else None,
        citizen_run_id=citizen_run.pk,
        household_run_id=household_run.pk if household_run else None,
        progress=progress,
        timings=timings,
    )
    aggregated = time.perf_counter()
    for run in (citizen_run, household_run):
        if run is not None:
            rebuild_run_aggregates(run=run, definitions=definitions)
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


# Targets ---------------------------------------------------------------------------------

QD677 = "QĐ 677/QĐ-TTg ngày 03/06/2022"
QD387 = "QĐ 387/QĐ-TTg ngày 25/03/2022"
# The national targets (domain README, section 4): (indicator, year, percent, source).
DEFAULT_TARGETS: tuple[tuple[str, int, int, str], ...] = (
    (Target.Indicator.ADULTS, 2025, 40, QD677),
    (Target.Indicator.ADULTS, 2030, 60, QD677),
    (Target.Indicator.CADRES, 2025, 60, QD677),
    (Target.Indicator.CADRES, 2030, 80, QD677),
    (Target.Indicator.DIGITAL, 2025, 70, QD677),
    (Target.Indicator.DIGITAL, 2030, 90, QD677),
    (Target.Indicator.ONLINE, 2025, 60, QD677),
    (Target.Indicator.ONLINE, 2030, 80, QD677),
    (Target.Indicator.HOUSEHOLDS, 2025, 70, QD387),
)


@transaction.atomic
def install_default_targets() -> int:
    """Create the national targets that are missing (edited values are kept); return how many."""
    created = 0
    for indicator, year, value, source in DEFAULT_TARGETS:
        _, made = Target.objects.get_or_create(
            province=None,
            indicator=indicator,
            year=year,
            defaults={"value": value, "source": source},
        )
        created += made
    return created
