"""Read cell sums: from the stored aggregates, or recomputed from the score rows.

The same sums can be read two ways, with identical results: ``read_stored`` from
``ScoreAggregate``/``GroupAggregate`` (a few thousand rows even for a province of a
million members; what the pages read), and ``read_recomputed``, a ``GROUP BY`` over the
score rows whose SQL mirrors ``scoring.contributions.contribution``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from django.db import connection
from django.db.models import BigIntegerField, Case, Count, F, Func, Sum, Value, When
from django.db.models.lookups import GreaterThan

from scoring.contributions import CELL_KEY, RunParams, run_params
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
        households = MEASURES.index("households")
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
