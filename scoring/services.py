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

import time
from collections.abc import Callable, Mapping, Sequence
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
from scoring.batch import CHUNK, Job, default_workers, score_round
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
    MemberProfile,
    MemberResult,
)
from scoring.models import (
    CELL_DIMENSIONS,
    POINT_COLUMNS,
    HouseholdScore,
    MemberScore,
    ScoredResponse,
    ScoringRun,
    Target,
)
from survey.models import HouseholdResponse, MemberResponse, Round

Progress = Callable[[int, int], None]


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


# Target groups that stand for the same people in the shipped citizen sets [assumption]: the
# pilot's farmers, workers and cadres (CDHT v1) are QĐ 324's residents of a commune, workers,
# and cadres, employees and business people (CDHT v2). Pupils have no pilot counterpart.
GROUP_EQUIVALENTS = (
    ("nong_dan", "cu_dan"),
    ("cong_nhan", "nguoi_lao_dong"),
    ("can_bo", "can_bo_dn"),
)


def group_mapping(*, source: CriteriaSpec, target: CriteriaSpec) -> dict[str, str]:
    """How members' target groups (recorded under ``source``) read under ``target``."""
    have = {g.code for g in source.target_groups}
    want = {g.code for g in target.target_groups}
    mapping = {}
    for a, b in GROUP_EQUIVALENTS:
        for old, new in ((a, b), (b, a)):
            if old in have and old not in want and new in want:
                mapping[old] = new
    return mapping


def member_inputs(
    *, members: list[MemberResponse], groups: dict[str, str] | None = None
) -> list[MemberInput]:
    groups = groups or {}
    return [
        MemberInput(
            profile=MemberProfile(
                target_group=groups.get(m.target_group, m.target_group), age=m.age, sex=m.sex
            ),
            answers=m.answers,
        )
        for m in members
    ]


# Score rows ----------------------------------------------------------------------------

MEMBER_SCORE_FIELDS = (
    "run_id",
    "round_id",
    "response_id",
    "unit_id",
    "status",
    "member_id",
    "target_group",
    "sex",
    "age",
    "age_band",
    "ethnicity",
    "total",
    "recognised",
    "complete",
    "level",
    "reasons_vi",
    "reasons_en",
    "na_mask",
    "missing_mask",
    *POINT_COLUMNS,
)
HOUSEHOLD_SCORE_FIELDS = tuple(
    f for f in MEMBER_SCORE_FIELDS if f not in ("member_id", *CELL_DIMENSIONS, "age")
)
SCORED_RESPONSE_FIELDS = ("run_id", "response_id", "unit_id", "status", "revision", "members")


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
    own = spec_of(criteria_set=round_.citizen_set)
    for citizen_run, household_run in current_runs(round_=round_):
        household_set = household_run.criteria_set if household_run else None
        citizen = spec_of(criteria_set=citizen_run.criteria_set)
        inputs = member_inputs(members=members, groups=group_mapping(source=own, target=citizen))
        result = score_response(
            citizen=citizen,
            household=spec_of(criteria_set=household_set) if household_set else None,
            members=inputs,
            household_answers=response.answers,
        )
        _replace_rows(
            response=response,
            members=members,
            inputs=inputs,
            result=result,
            citizen_run=citizen_run,
            household_run=household_run,
        )


def _replace_rows(
    *,
    response: HouseholdResponse,
    members: list[MemberResponse],
    inputs: list[MemberInput],
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
            target_group=scored_as.profile.target_group,
            sex=member.sex,
            age=member.age,
            ethnicity=member.ethnicity,
            result=member_result,
        )
        for member, scored_as, member_result in zip(members, inputs, result.members, strict=True)
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
        model, fields = HouseholdScore, _HOUSEHOLD_ROW_FIELDS
    else:
        model, fields = MemberScore, _ROW_FIELDS
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


# A whole round ---------------------------------------------------------------------------


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
    Members' target groups are read under the new version through ``GROUP_EQUIVALENTS``.
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
    citizen = spec_of(criteria_set=citizen_set)
    job = Job(
        round_id=round_.pk,
        citizen=citizen,
        household=spec_of(criteria_set=household_set) if household_set else None,
        citizen_run_id=citizen_run.pk,
        household_run_id=household_run.pk if household_run else None,
        groups=group_mapping(source=spec_of(criteria_set=round_.citizen_set), target=citizen),
    )
    households, members = score_round(job=job, workers=workers, progress=progress, timings=timings)
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
