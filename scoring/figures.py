"""Turn cell sums into figures: shares, means, per-indicator and per-group figures.

Cell sums are int64 vectors, one value per name of ``scoring.models.MEASURES`` (totals
in hundredths, points in millionths); the figures divide them once, at the end.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import numpy as np
from django.utils.translation import gettext as _

from criteria.spec import CriteriaSpec
from scoring.cells import Cells
from scoring.models import (
    AT_MIN_COLUMNS,
    MEASURES,
    MISSING_COLUMNS,
    NA_COLUMNS,
    POINT_SCALE,
    SUM_COLUMNS,
    TOTAL_SCALE,
)
from scoring.stats import Proportion, proportion
from scoring.summary import GroupFigure, IndicatorFigure
from survey.reference import ETHNIC_NAMES, SEXES

# What a breakdown by sex or ethnicity shows: the full cells are read for these only.
GROUP_FIGURE_MEASURES = ("count", "recognised", "undetermined", "total_cents")
_AGE_ORDER = {"0-5": 0, "6-14": 1, "15-24": 2, "25-39": 3, "40-59": 4, "60+": 5}


def share(count: int, n: int) -> Proportion:
    return proportion(int(count), int(n))


def mean_of(cents: int, n: int, scale: int) -> float | None:
    return None if n <= 0 else cents / scale / n


def no_cells(group_by: tuple[str, ...]) -> Cells:
    return Cells(group_by=group_by, keys=[], values=np.zeros((0, len(MEASURES)), np.int64))


def sum_by_label(cells: Cells, labels: list) -> dict:
    """label -> the measures summed over the rows with that label (None: left out)."""
    index: dict = {}
    rows, slots = [], []
    for row, label in enumerate(labels):
        if label is None:
            continue
        rows.append(row)
        slots.append(index.setdefault(label, len(index)))
    sums = np.zeros((len(index), len(MEASURES)), dtype=np.int64)
    if rows:
        np.add.at(sums, np.asarray(slots), cells.values[np.asarray(rows)])
    return {label: sums[slot] for label, slot in index.items()}


def named(vector: np.ndarray) -> dict[str, int]:
    return {name: int(value) for name, value in zip(MEASURES, vector, strict=True)}


def sum_areas(sums: Mapping[str, np.ndarray], keys: Collection[str]) -> dict[str, int]:
    """The measures of ``sums`` added over the area keys ``keys``, by name."""
    total = np.zeros(len(MEASURES), dtype=np.int64)
    for key in keys:
        vector = sums.get(key)
        if vector is not None:
            total += vector
    return named(total)


def decided(sums: Mapping[str, int]) -> tuple[int, int]:
    """(recognised, decided): the undetermined are left out of the base."""
    count, undetermined = int(sums["count"]), int(sums["undetermined"])
    return int(sums["recognised"]), count - undetermined


def indicator_figures(sums: Mapping[str, int], spec: CriteriaSpec | None) -> tuple:
    if spec is None:
        return ()
    figures = []
    has_min = spec.recognition.min_indicator is not None
    for i, indicator in enumerate(spec.indicators):
        na, missing = int(sums[NA_COLUMNS[i]]), int(sums[MISSING_COLUMNS[i]])
        scored = int(sums["count"]) - na - missing
        figures.append(
            IndicatorFigure(
                code=indicator.code,
                label=indicator.label.vi,
                max_points=indicator.max_points,
                scored=scored,
                mean=mean_of(int(sums[SUM_COLUMNS[i]]), scored, POINT_SCALE),
                at_min=share(sums[AT_MIN_COLUMNS[i]], scored) if has_min else None,
                not_applicable=na,
                missing=missing,
            )
        )
    return tuple(figures)


def group_figures(
    dimension: str,
    groups: Mapping[tuple[str, str], np.ndarray],
    keys: Collection[str],
    spec: CriteriaSpec | None,
) -> tuple[GroupFigure, ...]:
    """The figures of each value of ``dimension`` over the areas ``keys``, in display order."""
    wanted = set(keys)
    merged: dict[str, np.ndarray] = {}
    for (area, value), vector in groups.items():
        if area in wanted:
            merged[value] = merged[value] + vector if value in merged else vector.copy()
    figures = []
    for value, vector in sorted(merged.items(), key=lambda kv: _order(dimension, kv[0], spec)):
        sums = named(vector)
        if not sums["count"]:
            continue
        recognised, base = decided(sums)
        figures.append(
            GroupFigure(
                value=value,
                label=_group_label(dimension, value, spec),
                members=sums["count"],
                undetermined=sums["undetermined"],
                rate=share(recognised, base),
                mean_total=mean_of(sums["total_cents"], base, TOTAL_SCALE),
            )
        )
    return tuple(figures)


def _group_label(dimension: str, value: str, spec: CriteriaSpec | None) -> str:
    if dimension == "target_group" and spec is not None:
        group = next((g for g in spec.target_groups if g.code == value), None)
        return group.label.vi if group else value
    if dimension == "sex":
        return str(dict(SEXES).get(value, value))
    if dimension == "ethnicity":
        return ETHNIC_NAMES.get(value, value)
    if dimension == "age_band":
        return _("%(band)s tuổi") % {"band": value}
    return value


def _order(dimension: str, value: str, spec: CriteriaSpec | None) -> tuple:
    if dimension == "age_band":
        return (_AGE_ORDER.get(value, 9), value)
    if dimension == "target_group" and spec is not None:
        codes = [g.code for g in spec.target_groups]
        return (codes.index(value) if value in codes else len(codes), value)
    return (0, value)
