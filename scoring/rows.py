"""Score rows and aggregate deltas: built here, and only here, for every writer.

A submit, a review move, an import, a rescore batch and the demo generator all
store the same rows: one ``MemberScore`` per assessed member, one ``HouseholdScore``
per household, and one ``ScoredResponse`` marker per response and citizen run. The
rows are tuples in the column order of the ``*_FIELDS`` below (reasons as JSON text),
inserted with ``survey.bulk.insert_rows``; the per-unit aggregates move by the deltas
of the same rows (``scoring.contributions``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from criteria.spec import CriteriaSpec
from scoring.compute import MemberInput, age_band, score_response
from scoring.contributions import RunParams, add_household_marker, add_rows, apply_deltas
from scoring.engine import MISSING, NOT_APPLICABLE, MemberProfile, ScoreResult
from scoring.models import (
    CELL_DIMENSIONS,
    MAX_INDICATORS,
    POINT_COLUMNS,
    HouseholdScore,
    MemberScore,
    ScoredResponse,
)
from survey.bulk import insert_rows, json_text
from survey.models import HouseholdResponse, MemberResponse

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
# The columns the aggregates read back when rows are taken out or change status.
MEMBER_CELL_FIELDS = (
    "unit_id",
    "status",
    *CELL_DIMENSIONS,
    "total",
    "recognised",
    "na_mask",
    "missing_mask",
    *POINT_COLUMNS,
)
HOUSEHOLD_CELL_FIELDS = tuple(f for f in MEMBER_CELL_FIELDS if f not in CELL_DIMENSIONS)

_AGE_BANDS = tuple(age_band(age) for age in range(131))


def stored_values(result: ScoreResult) -> tuple:
    """(total, recognised, complete, level, reasons_vi, reasons_en, na_mask, missing_mask,
    p01..p16) of a result, reasons as tuples of text (``scoring.vector.VALUES``)."""
    points: list[float | None] = [None] * MAX_INDICATORS
    na_mask = missing_mask = 0
    for index, indicator in enumerate(result.indicators):
        status = indicator.status
        if status is NOT_APPLICABLE or status == NOT_APPLICABLE:
            na_mask |= 1 << index
        elif status is MISSING or status == MISSING:
            missing_mask |= 1 << index
        else:
            points[index] = indicator.points
    return (
        result.total,
        result.recognised,
        result.complete,
        result.level or "",
        tuple(result.reasons_vi),
        tuple(result.reasons_en),
        na_mask,
        missing_mask,
        *points,
    )


def _encoded(values: tuple) -> tuple:
    """Stored values as the score rows hold them: the reasons as JSON text."""
    return (*values[:4], json_text(values[4]), json_text(values[5]), *values[6:])


def result_values(result: ScoreResult) -> tuple:
    """A result's values as the score rows store them."""
    return _encoded(stored_values(result))


def _member_key(
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
) -> tuple:
    """The member score row's columns before its results, age band included."""
    band = _AGE_BANDS[age] if 0 <= age < len(_AGE_BANDS) else age_band(age)
    return (
        run_id,
        round_id,
        response_id,
        unit_id,
        status,
        member_id,
        target_group,
        sex,
        age,
        band,
        ethnicity,
    )


def member_row(*, result: ScoreResult, **member: Any) -> tuple:
    """One member's score row, in the order of ``MEMBER_SCORE_FIELDS``.

    ``member``: the keyword arguments of ``_member_key``.
    """
    return (*_member_key(**member), *result_values(result))


def values_row(*, values: tuple, **member: Any) -> tuple:
    """``member_row`` from stored values (``scoring.vectorised.member_values``)."""
    return (*_member_key(**member), *_encoded(values))


def household_row(
    *, run_id: int, round_id: int, response_id: int, unit_id: str, status: str, result: ScoreResult
) -> tuple:
    """One household's score row, in the order of ``HOUSEHOLD_SCORE_FIELDS``."""
    return (run_id, round_id, response_id, unit_id, status, *result_values(result))


def as_member_cells(row: tuple) -> dict[str, Any]:
    return dict(zip(MEMBER_SCORE_FIELDS, row, strict=True))


def as_household_cells(row: tuple) -> dict[str, Any]:
    return dict(zip(HOUSEHOLD_SCORE_FIELDS, row, strict=True))


def member_inputs(
    *, members: Sequence[MemberResponse], groups: Mapping[str, str] | None = None
) -> list[MemberInput]:
    """The engine's inputs for stored members, their groups read through ``groups``."""
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


@dataclass(frozen=True)
class RunPair:
    """A citizen run and the household run based on it, with what scoring under them needs."""

    citizen_run_id: int
    citizen: CriteriaSpec
    citizen_params: RunParams
    household_run_id: int | None
    household: CriteriaSpec | None
    household_params: RunParams | None
    groups: Mapping[str, str]  # the round's own target groups read under ``citizen``


@dataclass
class ScoreRows:
    """The rows of some responses under one run pair, and the aggregate deltas they add."""

    members: list[tuple] = field(default_factory=list)
    households: list[tuple] = field(default_factory=list)
    scored: list[tuple] = field(default_factory=list)
    citizen_deltas: dict[tuple, list[int]] = field(default_factory=dict)
    household_deltas: dict[tuple, list[int]] = field(default_factory=dict)


def score_rows(
    *,
    pair: RunPair,
    round_id: int,
    responses: Iterable[tuple[HouseholdResponse, Sequence[MemberResponse]]],
    deltas: bool = True,
) -> ScoreRows:
    """Score each (response, members) under ``pair``; return the rows and their deltas."""
    out = ScoreRows()
    for response, members in responses:
        inputs = member_inputs(members=members, groups=pair.groups)
        result = score_response(
            citizen=pair.citizen,
            household=pair.household,
            members=inputs,
            household_answers=response.answers,
        )
        rows = [
            member_row(
                run_id=pair.citizen_run_id,
                round_id=round_id,
                response_id=response.pk,
                unit_id=response.unit_id,
                status=response.status,
                member_id=member.pk,
                target_group=scored_as.profile.target_group,
                sex=member.sex,
                age=member.age,
                ethnicity=member.ethnicity,
                result=outcome,
            )
            for member, scored_as, outcome in zip(members, inputs, result.members, strict=True)
            if outcome is not None
        ]
        out.members += rows
        out.scored.append(
            (
                pair.citizen_run_id,
                response.pk,
                response.unit_id,
                response.status,
                response.revision,
                len(rows),
            )
        )
        if deltas:
            add_rows(out.citizen_deltas, map(as_member_cells, rows), pair.citizen_params, 1)
            add_household_marker(out.citizen_deltas, response.unit_id, response.status, 1)
        if pair.household_run_id is not None and result.household is not None:
            row = household_row(
                run_id=pair.household_run_id,
                round_id=round_id,
                response_id=response.pk,
                unit_id=response.unit_id,
                status=response.status,
                result=result.household,
            )
            out.households.append(row)
            if deltas:
                add_rows(out.household_deltas, [as_household_cells(row)], pair.household_params, 1)
    return out


def insert_score_rows(*, rows: ScoreRows) -> None:
    """Insert the rows (in the caller's transaction); the deltas are the caller's to apply."""
    insert_rows(model=MemberScore, fields=MEMBER_SCORE_FIELDS, rows=rows.members, json_encoded=True)
    insert_rows(
        model=HouseholdScore, fields=HOUSEHOLD_SCORE_FIELDS, rows=rows.households, json_encoded=True
    )
    insert_rows(model=ScoredResponse, fields=SCORED_RESPONSE_FIELDS, rows=rows.scored)


def apply_score_deltas(*, pair: RunPair, rows: ScoreRows) -> None:
    apply_deltas(run_id=pair.citizen_run_id, deltas=rows.citizen_deltas)
    if pair.household_run_id is not None:
        apply_deltas(run_id=pair.household_run_id, deltas=rows.household_deltas)
