"""Per-unit aggregates of the score rows, kept current, and their recomputation.

Every figure of the reports is a sum over *cells*: one run × commune × status ×
target group × sex × age band × ethnicity (``ScoreAggregate``). The same cell
sums can be read two ways, with identical results:

* ``stored_cells``: from ``ScoreAggregate``, a few thousand rows even for a
  province of a million members; this is what the pages read;
* ``recomputed_cells``: a ``GROUP BY`` over the score rows themselves, used to
  build the aggregates after a bulk write (``rebuild_run_aggregates``), when
  figures are asked for under definitions the aggregates were not built with,
  and by the test that proves the two always agree.

``record_response_scores`` keeps the stored cells current: it subtracts the
contribution of a response's old score rows and adds that of the new ones
(``contribution``, the Python mirror of the SQL), in the transaction that
replaces the rows. All sums are integers (totals in hundredths, points in
millionths, rounded half up the same way in Python and SQL), so subtracting
and adding never leaves floating-point residue.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from django.db import connection
from django.db.models import BigIntegerField, Case, Count, F, Func, Sum, Value, When
from django.db.models.lookups import GreaterThan

from criteria.selectors import spec_of
from criteria.spec import CriteriaSpec
from scoring.definitions import TargetDefinitions, definitions_for_run
from scoring.models import (
    AT_MIN_COLUMNS,
    CELL_DIMENSIONS,
    GROUP_DIMENSIONS,
    MEASURES,
    MISSING_COLUMNS,
    NA_COLUMNS,
    POINT_COLUMNS,
    POINT_SCALE,
    SUM_COLUMNS,
    TOTAL_SCALE,
    GroupAggregate,
    HouseholdScore,
    MemberScore,
    ScoreAggregate,
    ScoredResponse,
    ScoringRun,
)
from survey.bulk import insert_rows

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


def apply_deltas(*, run_id: int, deltas: Mapping[tuple, list[int]]) -> None:
    """Add ``deltas`` (by ``CELL_KEY``) to the stored cells of both aggregate tables.

    Call inside the transaction that wrote the rows. Cells are created empty if missing
    (a concurrent creator is ignored), then updated with ``col = col + delta``, which the
    database serialises per row. Cells that fall back to zero are kept: they add nothing.
    """
    changed = {key: values for key, values in deltas.items() if any(values)}
    if not changed:
        return
    grouped: dict[tuple, list[int]] = {}
    for key, values in changed.items():
        group_key = (key[0], key[1], key[2], key[4])  # unit, status, target group, age band
        total = grouped.setdefault(group_key, empty_measures())
        for n, value in enumerate(values):
            total[n] += value
    for model, key_names, cells in (
        (ScoreAggregate, CELL_KEY, changed),
        (GroupAggregate, GROUP_KEY, grouped),
    ):
        model.objects.bulk_create(
            [model(run_id=run_id, **dict(zip(key_names, key, strict=True))) for key in cells],
            ignore_conflicts=True,
        )
        for key, values in cells.items():
            if not any(values):
                continue
            cell = dict(zip(key_names, key, strict=True))
            model.objects.filter(run_id=run_id, **cell).update(
                **{MEASURES[n]: F(MEASURES[n]) + value for n, value in enumerate(values) if value}
            )


# Reading cells ------------------------------------------------------------------------


class Scaled(Func):
    """``value × scale`` rounded half up to an integer, as ``scaled`` does in Python.

    The arithmetic is in double precision on both sides (the same IEEE operations), so
    the results are identical. Values are never negative (points and totals), where
    SQLite's CAST truncation equals FLOOR.
    """

    output_field = BigIntegerField()

    def __init__(self, expression, scale: int):
        super().__init__(expression, Value(float(scale)))

    def as_sql(self, compiler, connection, **extra):
        inner, inner_params = compiler.compile(self.source_expressions[0])
        scale, scale_params = compiler.compile(self.source_expressions[1])
        params = (*inner_params, *scale_params)
        if connection.vendor == "sqlite":
            return f"CAST(({inner}) * {scale} + 0.5 AS INTEGER)", params
        return f"CAST(FLOOR(({inner}) * {scale} + 0.5) AS BIGINT)", params


def _one(condition: When | None = None, **lookups) -> Sum:
    when = condition if condition is not None else When(**lookups, then=Value(1))
    return Sum(Case(when, default=Value(0)), output_field=BigIntegerField())


def _row_measures(params: RunParams) -> dict[str, Any]:
    """The SQL aggregates of score rows, one per measure (the mirror of ``contribution``)."""
    zero = Value(0, output_field=BigIntegerField())
    measures: dict[str, Any] = {
        "households": zero,
        "count": Count("id"),
        "recognised": _one(recognised=True),
        "undetermined": _one(recognised__isnull=True),
        "total_cents": Sum(
            Case(
                When(recognised__isnull=False, then=Scaled(F("total"), TOTAL_SCALE)),
                default=Value(0),
            ),
            output_field=BigIntegerField(),
        ),
        "digital_base": zero,
        "digital_ok": zero,
    }
    if params.digital_index is not None:
        column = POINT_COLUMNS[params.digital_index]
        measures["digital_base"] = _one(recognised=True, **{f"{column}__isnull": False})
        measures["digital_ok"] = _one(recognised=True, **{f"{column}__gte": params.digital_bound})
    for i, column in enumerate(POINT_COLUMNS):
        if i >= len(params.indicators):
            for prefix in (SUM_COLUMNS, AT_MIN_COLUMNS, NA_COLUMNS, MISSING_COLUMNS):
                measures[prefix[i]] = zero
            continue
        measures[SUM_COLUMNS[i]] = Sum(
            Case(
                When(**{f"{column}__isnull": False}, then=Scaled(F(column), POINT_SCALE)),
                default=Value(0),
            ),
            output_field=BigIntegerField(),
        )
        measures[AT_MIN_COLUMNS[i]] = (
            zero if params.min_bound is None else _one(**{f"{column}__gte": params.min_bound})
        )
        bit = 1 << i
        measures[NA_COLUMNS[i]] = _one(
            When(GreaterThan(F("na_mask").bitand(bit), 0), then=Value(1))
        )
        measures[MISSING_COLUMNS[i]] = _one(
            When(GreaterThan(F("missing_mask").bitand(bit), 0), then=Value(1))
        )
    return measures


def _where(
    queryset,
    *,
    unit_keys: Collection[str] | None,
    statuses: Collection[str] | None,
    filters: Mapping[str, Collection[str]] | None,
):
    if unit_keys is not None:
        queryset = queryset.filter(unit_id__in=list(unit_keys))
    if statuses is not None:
        queryset = queryset.filter(status__in=list(statuses))
    for dimension, values in (filters or {}).items():
        if dimension not in CELL_DIMENSIONS:
            raise ValueError(f"unknown breakdown dimension {dimension!r}")
        queryset = queryset.filter(**{f"{dimension}__in": list(values)})
    return queryset


@dataclass(frozen=True)
class Cells:
    """Cell sums as read: a key tuple (the ``group_by`` values) and a row of measures each.

    ``values`` is an int64 matrix, one column per name of ``MEASURES``. The same key may
    appear more than once (``frame`` sums them).
    """

    group_by: tuple[str, ...]
    keys: list[tuple]
    values: np.ndarray

    def frame(self) -> pd.DataFrame:
        """Summed by key, cells that add nothing dropped, sorted by key."""
        frame = pd.DataFrame(self.values, columns=list(MEASURES), dtype="int64")
        for n, name in enumerate(self.group_by):
            frame.insert(n, name, [key[n] for key in self.keys])
        if self.group_by:
            frame = frame.groupby(list(self.group_by), as_index=False, sort=True)[
                list(MEASURES)
            ].sum()
        else:
            frame = frame[list(MEASURES)].sum().to_frame().T
        if len(frame):
            frame = frame[(frame[list(MEASURES)] != 0).any(axis=1)]
        return frame.reset_index(drop=True).astype({m: "int64" for m in MEASURES})


def _cells(rows: list[tuple], group_by: tuple[str, ...]) -> Cells:
    width = len(group_by)
    measures = [row[width:] for row in rows]
    try:
        values = np.array(measures, dtype=np.int64)
    except TypeError:  # a None (an empty sum) or a Decimal: convert one by one
        values = np.array([[int(v or 0) for v in row] for row in measures], dtype=np.int64)
    values = values.reshape(len(rows), len(MEASURES))
    return Cells(group_by=group_by, keys=[row[:width] for row in rows], values=values)


def read_stored(
    *,
    run: ScoringRun,
    group_by: tuple[str, ...] = CELL_KEY,
    unit_keys: Collection[str] | None = None,
    statuses: Collection[str] | None = None,
    filters: Mapping[str, Collection[str]] | None = None,
    measures: Collection[str] = MEASURES,
) -> Cells:
    """The cell sums of ``run`` from the stored aggregates, grouped by ``group_by``.

    Reads ``GroupAggregate`` when the grouping and filters need no sex or ethnicity, else
    ``ScoreAggregate``; ``measures`` limits the columns summed (the others read 0).
    Plain SQL: at a few thousand rows, per-value conversions would cost more than the sums.
    """
    filters = {k: list(v) for k, v in (filters or {}).items()}
    for dimension in filters:
        if dimension not in CELL_DIMENSIONS:
            raise ValueError(f"unknown breakdown dimension {dimension!r}")
    narrow = {*group_by, *filters} - {"unit_id", "status"} <= set(GROUP_DIMENSIONS)
    model = GroupAggregate if narrow else ScoreAggregate
    quote = connection.ops.quote_name
    where, params = [f"{quote('run_id')} = %s"], [run.pk]
    for column, values in (
        ("unit_id", unit_keys),
        ("status", statuses),
        *filters.items(),
    ):
        if values is None:
            continue
        values = list(values)
        if not values:
            return _cells([], group_by)
        where.append(f"{quote(column)} IN ({', '.join(['%s'] * len(values))})")
        params.extend(values)
    wanted = set(measures)
    columns = [quote(g) for g in group_by] + [
        f"CAST(SUM({quote(m)}) AS BIGINT)" if m in wanted else "0" for m in MEASURES
    ]
    sql = (
        f"SELECT {', '.join(columns)} FROM {quote(model._meta.db_table)} "  # noqa: S608
        f"WHERE {' AND '.join(where)}"
    )
    if group_by:
        sql += f" GROUP BY {', '.join(quote(g) for g in group_by)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return _cells(rows, group_by)


def read_recomputed(
    *,
    run: ScoringRun,
    params: RunParams | None = None,
    group_by: tuple[str, ...] = CELL_KEY,
    unit_keys: Collection[str] | None = None,
    statuses: Collection[str] | None = None,
    filters: Mapping[str, Collection[str]] | None = None,
) -> Cells:
    """The same sums as ``read_stored``, computed from the score rows (a GROUP BY)."""
    params = params or run_params(run=run)
    model = HouseholdScore if params.household else MemberScore
    filters = dict(filters or {})
    if params.household and any(d in group_by or d in filters for d in CELL_DIMENSIONS):
        # Household rows have no breakdown values: their cells hold empty ones.
        rows_group = tuple(g for g in group_by if g not in CELL_DIMENSIONS)
        if any(values and "" not in values for values in filters.values()):
            return _cells([], group_by)
        filters = {}
    else:
        rows_group = group_by
    queryset = _where(
        model.objects.filter(run=run), unit_keys=unit_keys, statuses=statuses, filters=filters
    )
    expressions = _row_measures(params)
    measures = {f"_{m}": expressions[m] for m in MEASURES}  # in the order of MEASURES
    fetched = (
        queryset.values(*rows_group)
        .annotate(**measures)
        .order_by()
        .values_list(*rows_group, *measures)
    )
    position = {name: n for n, name in enumerate(rows_group)}
    rows = [
        tuple(row[position[g]] if g in position else "" for g in group_by)
        + tuple(row[len(rows_group) :])
        for row in fetched
    ]
    if not params.household and not filters:
        responses = _where(
            ScoredResponse.objects.filter(run=run),
            unit_keys=unit_keys,
            statuses=statuses,
            filters=None,
        )
        marker_group = tuple(g for g in group_by if g not in CELL_DIMENSIONS)
        households = _INDEX["households"]
        for row in (
            responses.values(*marker_group)
            .annotate(_households=Count("id"))
            .order_by()
            .values_list(*marker_group, "_households")
        ):
            known = dict(zip(marker_group, row, strict=False))
            measures_row = [0] * len(MEASURES)
            measures_row[households] = row[-1]
            rows.append(tuple(known.get(g, "") for g in group_by) + tuple(measures_row))
    return _cells(rows, group_by)


def stored_cells(**kwargs) -> pd.DataFrame:
    """``read_stored`` as a DataFrame: summed by key, empty cells dropped, sorted."""
    return read_stored(**kwargs).frame()


def recomputed_cells(**kwargs) -> pd.DataFrame:
    """``read_recomputed`` as a DataFrame, comparable with ``stored_cells``."""
    return read_recomputed(**kwargs).frame()


def aggregates_match(*, run: ScoringRun, definitions: TargetDefinitions) -> bool:
    """Whether the stored cells of ``run`` were built with these definitions."""
    return run.aggregate_params == definitions.aggregate_params()


def rebuild_run_aggregates(*, run: ScoringRun, definitions: TargetDefinitions | None = None) -> int:
    """Replace ``run``'s stored cells by a recomputation from its rows; return the cell count.

    ``definitions`` default to those of the run's criteria set. Used after bulk writes
    (rescore, generate_round) and after a set's facts changed. Call it inside the
    transaction that wrote the rows.
    """
    definitions = definitions or definitions_for_run(run=run)
    run.aggregate_params = definitions.aggregate_params()
    run.save(update_fields=["aggregate_params"])
    cells = recomputed_cells(run=run, params=run_params(run=run))
    grouped = (
        cells.groupby(list(GROUP_KEY), as_index=False, sort=True)[list(MEASURES)].sum()
        if len(cells)
        else cells
    )
    for model, key_names, frame in (
        (ScoreAggregate, CELL_KEY, cells),
        (GroupAggregate, GROUP_KEY, grouped),
    ):
        model.objects.filter(run=run).delete()
        insert_rows(
            model=model,
            fields=("run_id", *key_names, *MEASURES),
            rows=[
                (run.pk, *(_plain(v) for v in row))
                for row in frame[[*key_names, *MEASURES]].itertuples(index=False, name=None)
            ],
        )
    return len(cells)


def _plain(value: Any) -> Any:
    return int(value) if hasattr(value, "item") and not isinstance(value, str) else value
