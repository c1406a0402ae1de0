"""A numpy version of the indicator points, used only as a benchmark lower bound.

This is **not** a second scoring engine and nothing in the product scores with
it. It computes the same indicator points and statuses as ``scoring.engine``
over columnar data, for the rule types that have a numpy version
(``RuleType.vectorise`` in ``criteria.rules``: ``choice_points``, ``checklist``,
``bands``, ``yes_no``, ``reviewer_score`` and ``direct``), and for target groups
(not applicable) and unanswered questions (missing). It shows how fast the arithmetic
alone can go, so the engine's cost per member can be judged against a floor:
``bench/bench_scoring.py`` prints both. A test checks that both agree on random members.

Out of scope, by design: relevance conditions (an indicator whose rules read a
question with a ``relevant`` condition is skipped and listed by
``supported_indicators``), member-derived household rules, rule types added to
the registry later, totals, recognition, levels and reasons.

Columns (``encode``): a select_one question is an int32 array of the choice's
position in its list (-1 unanswered, ``len(choices)`` a value not in the list);
a select_multiple is a boolean matrix (members × choices) plus the count of
distinct ticked values that are not in the list; a number is a float64 array
with NaN for unanswered. Status codes: 0 scored, 1 not applicable, 2 missing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from criteria.rules import RULE_TYPES, RuleType
from criteria.spec import CriteriaSpec, Indicator

# The rule types that have a numpy version (``RuleType.vectorise``).
SUPPORTED_RULE_TYPES = frozenset(
    code for code, kind in RULE_TYPES.items() if type(kind).vectorise is not RuleType.vectorise
)
SCORED, NOT_APPLICABLE, MISSING = 0, 1, 2


@dataclass(frozen=True)
class Columns:
    size: int
    groups: tuple[str, ...]  # target group codes, in the order of their integer codes
    target_group: np.ndarray  # int32 codes into ``groups``
    data: Mapping[str, Any]  # question code -> array (or (matrix, extra) for select_multiple)


@dataclass(frozen=True)
class IndicatorColumns:
    points: np.ndarray  # float64; NaN unless scored
    status: np.ndarray  # int8: SCORED, NOT_APPLICABLE, MISSING


def supported_indicators(spec: CriteriaSpec) -> tuple[str, ...]:
    """The indicators this module can compute for ``spec`` (see the module docstring)."""
    questions = {q.code: q for q in spec.questions}
    return tuple(
        i.code
        for i in spec.indicators
        if i.rules
        and all(
            r.type in SUPPORTED_RULE_TYPES
            and r.question in questions
            and not questions[r.question].relevant.strip()
            for r in i.rules
        )
    )


def _choice_names(spec: CriteriaSpec, question_code: str) -> tuple[str, ...]:
    question = spec.question(question_code)
    if not question.choice_list:
        return ()
    return tuple(c.name for c in spec.choice_list(question.choice_list).choices)


def _unanswered(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and value != value:
        return True
    return not value and not isinstance(value, (int, float))


def encode(
    spec: CriteriaSpec,
    target_groups: Sequence[str],
    answers: Sequence[Mapping[str, Any]],
) -> Columns:
    """Lay out the answers of the supported indicators' questions as columns."""
    size = len(answers)
    groups = tuple(sorted(set(target_groups) | {g.code for g in spec.target_groups}))
    group_code = {g: n for n, g in enumerate(groups)}
    data: dict[str, Any] = {}
    wanted = {
        r.question for i in spec.indicators if i.code in supported_indicators(spec) for r in i.rules
    }
    for code in sorted(wanted):
        question = spec.question(code)
        names = _choice_names(spec, code)
        position = {name: n for n, name in enumerate(names)}
        if question.type == "select_one":
            column = np.full(size, -1, dtype=np.int32)
            for row, record in enumerate(answers):
                value = record.get(code)
                if not _unanswered(value):
                    column[row] = position.get(str(value), len(names))
            data[code] = column
        elif question.type == "select_multiple":
            matrix = np.zeros((size, len(names)), dtype=bool)
            extra = np.zeros(size, dtype=np.int32)
            for row, record in enumerate(answers):
                value = record.get(code)
                if _unanswered(value):
                    continue
                items = value if isinstance(value, (list, tuple, set)) else str(value).split()
                others = set()
                for item in items:
                    if str(item) in position:
                        matrix[row, position[str(item)]] = True
                    else:
                        others.add(item)
                extra[row] = len(others)
            data[code] = (matrix, extra)
        else:
            column = np.full(size, np.nan)
            for row, record in enumerate(answers):
                value = record.get(code)
                if not _unanswered(value):
                    column[row] = float(value)
            data[code] = column
    return Columns(
        size=size,
        groups=groups,
        target_group=np.fromiter((group_code[g] for g in target_groups), np.int32, size),
        data=data,
    )


def _rule_points(
    spec: CriteriaSpec, rule_type: str, question: str, params: Mapping[str, Any], column: Any
) -> tuple[np.ndarray, np.ndarray]:
    """(points, missing) arrays for one rule, from its rule type's ``vectorise``."""
    names = _choice_names(spec, question)
    computed = RULE_TYPES[rule_type].vectorise(params, column, choices=names)
    if computed is None:
        raise ValueError(f"rule type {rule_type!r} is not supported here")
    return computed


def indicator_points(spec: CriteriaSpec, columns: Columns) -> dict[str, IndicatorColumns]:
    """Points and status of every supported indicator, for all members at once."""
    out: dict[str, IndicatorColumns] = {}
    supported = set(supported_indicators(spec))
    for indicator in spec.indicators:
        if indicator.code in supported:
            out[indicator.code] = _indicator(spec, indicator, columns)
    return out


def _indicator(spec: CriteriaSpec, indicator: Indicator, columns: Columns) -> IndicatorColumns:
    total = np.zeros(columns.size)
    missing = np.zeros(columns.size, dtype=bool)
    for rule in indicator.rules:
        points, rule_missing = _rule_points(
            spec, rule.type, rule.question, rule.params, columns.data[rule.question]
        )
        total += points
        missing |= rule_missing
    points = np.minimum(total, float(indicator.max_points))
    status = np.where(missing, MISSING, SCORED).astype(np.int8)
    if indicator.target_groups:
        allowed = [columns.groups.index(g) for g in indicator.target_groups if g in columns.groups]
        status[~np.isin(columns.target_group, allowed)] = NOT_APPLICABLE
    points[status != SCORED] = np.nan
    return IndicatorColumns(points=points, status=status)
