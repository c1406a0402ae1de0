"""What one score row adds to its cell, and adding it to the stored cells.

A run's cells depend on its rows and on ``RunParams`` (its set's indicators and minimum,
the digital indicator and threshold it was built with). ``contribution`` is the Python
mirror of the SQL sums of ``scoring.cells``: ``record_response_scores`` subtracts the old
rows' contributions and adds the new ones (``add_rows``, ``apply_deltas``) in the
transaction that replaces the rows. All sums are integers (totals in hundredths, points
in millionths, rounded half up the same way in Python and SQL), so subtracting and adding
never leaves floating-point residue.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection

from criteria.selectors import spec_of
from criteria.spec import CriteriaSpec
from scoring.models import (
    CELL_DIMENSIONS,
    GROUP_DIMENSIONS,
    MEASURES,
    POINT_COLUMNS,
    POINT_SCALE,
    TOTAL_SCALE,
    GroupAggregate,
    ScoreAggregate,
    ScoringRun,
)

CELL_KEY = ("unit_id", "status", *CELL_DIMENSIONS)
GROUP_KEY = ("unit_id", "status", *GROUP_DIMENSIONS)
_INDEX = {name: n for n, name in enumerate(MEASURES)}
_HOUSEHOLDS, _COUNT, _RECOGNISED, _UNDETERMINED = (
    _INDEX["households"],
    _INDEX["count"],
    _INDEX["recognised"],
    _INDEX["undetermined"],
)
_TOTAL, _DIGITAL_BASE, _DIGITAL_OK = (
    _INDEX["total_cents"],
    _INDEX["digital_base"],
    _INDEX["digital_ok"],
)
_S, _K, _A, _M = (_INDEX["s01"], _INDEX["k01"], _INDEX["a01"], _INDEX["m01"])
# What a contribution reads from a score row.
ROW_FIELDS = (
    *CELL_KEY,
    "total",
    "recognised",
    "na_mask",
    "missing_mask",
    *POINT_COLUMNS,
)
HALF_CENT = 0.005  # "at or above a minimum": the points, rounded half up to 2 decimals, reach it


@dataclass(frozen=True)
class RunParams:
    """What a run's cells depend on besides the rows: its set and the stored definitions."""

    household: bool
    indicators: tuple[str, ...]  # indicator codes in set order (p01 = the first)
    min_bound: float | None  # points ≥ this count as "at or above recognition.min_indicator"
    digital_index: int | None  # 0-based position of the digital indicator, if the set has it
    digital_bound: float | None


def run_params(
    *, run: ScoringRun, spec: CriteriaSpec | None = None, params: Mapping | None = None
) -> RunParams:
    """The parameters of ``run``'s cells (``params``: aggregate_params to use instead)."""
    spec = spec or spec_of(criteria_set=run.criteria_set)
    params = run.aggregate_params if params is None else params
    codes = tuple(i.code for i in spec.indicators)
    minimum = spec.recognition.min_indicator
    digital = params.get("digital_indicator")
    household = spec.subject == "household"
    digital_index = None if household or digital not in codes else codes.index(digital)
    return RunParams(
        household=household,
        indicators=codes,
        min_bound=None if minimum is None else float(minimum) - HALF_CENT,
        digital_index=digital_index,
        digital_bound=(
            None
            if digital_index is None
            else float(params.get("digital_min_points", 0.0)) - HALF_CENT
        ),
    )


def scaled(value: float, scale: int) -> int:
    """``value × scale`` rounded half up to an integer (non-negative values); SQL: ``Scaled``."""
    return math.floor(value * float(scale) + 0.5)


def empty_measures() -> list[int]:
    return [0] * len(MEASURES)


def contribution(row: Mapping[str, Any], params: RunParams) -> list[int]:
    """The measures one score row adds to its cell (the mirror of ``_row_measures``)."""
    values = empty_measures()
    values[_COUNT] = 1
    recognised = row["recognised"]
    if recognised is None:
        values[_UNDETERMINED] = 1
    else:
        values[_TOTAL] = scaled(row["total"], TOTAL_SCALE)
        if recognised:
            values[_RECOGNISED] = 1
    if recognised and params.digital_index is not None:
        points = row[POINT_COLUMNS[params.digital_index]]
        if points is not None:
            values[_DIGITAL_BASE] = 1
            if points >= params.digital_bound:
                values[_DIGITAL_OK] = 1
    na_mask, missing_mask = row["na_mask"], row["missing_mask"]
    min_bound = params.min_bound
    for i in range(len(params.indicators)):
        points = row[POINT_COLUMNS[i]]
        if points is not None:
            values[_S + i] = scaled(points, POINT_SCALE)
            if min_bound is not None and points >= min_bound:
                values[_K + i] = 1
        if na_mask >> i & 1:
            values[_A + i] = 1
        if missing_mask >> i & 1:
            values[_M + i] = 1
    return values


def cell_key(row: Mapping[str, Any], household: bool) -> tuple[str, ...]:
    if household:
        return (row["unit_id"], row["status"], "", "", "", "")
    return tuple(row[name] for name in CELL_KEY)


def household_marker_key(unit_id: str, status: str) -> tuple[str, ...]:
    return (unit_id, status, "", "", "", "")


def add_rows(
    deltas: dict[tuple, list[int]], rows: Iterable[Mapping], params: RunParams, sign: int
) -> None:
    """Add (sign 1) or subtract (sign -1) the rows' contributions to ``deltas``."""
    for row in rows:
        key = cell_key(row, params.household)
        total = deltas.get(key)
        if total is None:
            total = deltas[key] = empty_measures()
        for n, value in enumerate(contribution(row, params)):
            if value:
                total[n] += sign * value


def add_household_marker(
    deltas: dict[tuple, list[int]], unit_id: str, status: str, sign: int
) -> None:
    key = household_marker_key(unit_id, status)
    total = deltas.get(key)
    if total is None:
        total = deltas[key] = empty_measures()
    total[_HOUSEHOLDS] += sign


def split_deltas(
    *, deltas: Mapping[tuple, list[int]]
) -> tuple[dict[tuple, list[int]], dict[tuple, list[int]]]:
    """Return the non-zero cell deltas and their sums by group (``GROUP_KEY``)."""
    changed = {key: values for key, values in deltas.items() if any(values)}
    grouped: dict[tuple, list[int]] = {}
    for key, values in changed.items():
        group_key = (key[0], key[1], key[2], key[4])  # unit, status, target group, age band
        total = grouped.setdefault(group_key, empty_measures())
        for n, value in enumerate(values):
            total[n] += value
    return changed, grouped


def apply_deltas(*, run_id: int, deltas: Mapping[tuple, list[int]]) -> None:
    """Add ``deltas`` (by ``CELL_KEY``) to the stored cells of both aggregate tables.

    Call inside the transaction that wrote the rows. Cells are created empty if missing
    (a concurrent creator is ignored), then updated with ``col = col + delta``, which the
    database serialises per row. Cells that fall back to zero are kept: they add nothing.
    """
    changed, grouped = split_deltas(deltas=deltas)
    if not changed:
        return
    quote = connection.ops.quote_name
    for model, key_names, cells in (
        (ScoreAggregate, CELL_KEY, changed),
        (GroupAggregate, GROUP_KEY, grouped),
    ):
        model.objects.bulk_create(
            [model(run_id=run_id, **dict(zip(key_names, key, strict=True))) for key in cells],
            ignore_conflicts=True,
        )
        # One statement for all cells (the import moves hundreds at once); a zero adds nothing.
        meta = model._meta
        columns = [meta.get_field(name).column for name in ("run_id", *key_names)]
        measures = [quote(meta.get_field(name).column) for name in MEASURES]
        sets = ", ".join(f"{m} = {m} + %s" for m in measures)
        where = " AND ".join(f"{quote(c)} = %s" for c in columns)
        statement = f"UPDATE {quote(meta.db_table)} SET {sets} WHERE {where}"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.executemany(
                statement,
                [(*values, run_id, *key) for key, values in cells.items() if any(values)],
            )
