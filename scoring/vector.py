"""Citizens scored many at a time with numpy: the same stored results as the engine.

``vector_plan`` prepares a citizen set once (cached per criteria version); it is None
when some rule cannot be vectorised (a rule type without ``RuleType.vectorise``, or one
whose ``vectorise`` declines its params), and then every member goes to the scalar
engine. ``score_members`` returns, for each member, the values a score row stores
(``VALUES``: total, recognised, complete, level, reasons in both languages, the N/A and
missing masks, the points of up to 16 indicators), or None for a member the columns
cannot hold exactly (``scoring.vector_columns``), which the caller scores with
``score_member_with``.

The steps are those of ``scoring.engine.score._score``, in the same order, so every
float is computed by the same operations (adding 0.0 for a skipped term changes no
sum): the rule points come from the rule types' ``vectorise``, statuses from the
columns' states, then criteria, total, decision and level. Rounding half up and the
reasons' wording go through the engine's own functions, called once per distinct value
(``np.unique``), so they cannot drift from it. Tests compare both paths row for row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from criteria.rules import RULE_TYPES, RuleType
from criteria.spec import CriteriaSpec
from scoring.engine.inputs import MemberProfile
from scoring.engine.plan import ScoringPlan, compile_spec
from scoring.engine.results import FULL, CriterionResult, Reason, _both, round_half_up
from scoring.engine.score import _criterion_failure, _total_failure
from scoring.vector_columns import (
    ANSWERED,
    MULTI,
    NUMBER,
    ONE,
    UNANSWERED,
    UNKNOWN,
    QuestionColumn,
    Unknowns,
    encode_members,
)

MAX_INDICATORS = 16
VALUES = ("total", "recognised", "complete", "level", "reasons_vi", "reasons_en")
VALUES += ("na_mask", "missing_mask", *(f"p{n:02d}" for n in range(1, MAX_INDICATORS + 1)))
_KINDS = {"select_one": ONE, "select_multiple": MULTI, "integer": NUMBER, "decimal": NUMBER}
_SCORED, _NOT_APPLICABLE, _MISSING = 0, 1, 2
_INCOMPLETE, _NOTHING_APPLIES, _DECIDED = 0, 1, 2
_NOTHING_REASON = _both("Không có chỉ số nào áp dụng", "No indicator applies")


class VectorPlan:
    """A citizen set prepared for ``score_members``."""

    def __init__(self, plan: ScoringPlan, questions: tuple, rules: tuple):
        self.plan = plan
        self.questions = questions  # QuestionColumn of every question a rule reads
        self.rules = rules  # per indicator: ((question, reviewer, rule type, params), ...)
        self.unknowns = Unknowns()
        # Missing indicators' keys and the reasons of signatures, numbered for all chunks.
        self.missing_ids: dict[tuple, int] = {}
        self.missing_reasons: list[tuple[Reason, ...]] = []
        self.worded: dict[tuple, tuple[tuple, tuple]] = {}


_VECTOR_PLANS: dict[str, VectorPlan | None] = {}


def vector_plan(spec: CriteriaSpec) -> VectorPlan | None:
    """The (cached) vectorised plan of a citizen set, or None if it has to be scored scalar."""
    plan = compile_spec(spec)
    if plan.fingerprint not in _VECTOR_PLANS:
        if len(_VECTOR_PLANS) >= 64:
            _VECTOR_PLANS.clear()
        _VECTOR_PLANS[plan.fingerprint] = _build(spec, plan)
    return _VECTOR_PLANS[plan.fingerprint]


def _build(spec: CriteriaSpec, plan: ScoringPlan) -> VectorPlan | None:
    if plan.subject == "household" or len(plan.indicators) > MAX_INDICATORS:
        return None
    by_code = {q.code: q for q in spec.questions}
    columns: dict[str, QuestionColumn] = {}
    rules = []
    for indicator, compiled in zip(spec.indicators, plan.indicators, strict=True):
        these = []
        for rule, (code, _score, params, reviewer, members) in zip(
            indicator.rules, compiled.rules, strict=True
        ):
            rule_type = RULE_TYPES.get(rule.type)
            question = by_code.get(code or "")
            if (
                members is not None
                or rule_type is None
                or type(rule_type).vectorise is RuleType.vectorise
                or question is None
                or question.type not in rule_type.question_types
                or question.type not in _KINDS
            ):
                return None
            choices = ()
            if question.choice_list:
                choices = tuple(c.name for c in spec.choice_list(question.choice_list).choices)
            column = columns.setdefault(code, QuestionColumn(code, _KINDS[question.type], choices))
            if rule_type.vectorise(params, _empty(column), choices=choices) is None:
                return None  # the rule type declines these params
            these.append((code, reviewer, rule_type, params))
        rules.append(tuple(these))
    return VectorPlan(plan, tuple(columns.values()), tuple(rules))


def _empty(column: QuestionColumn) -> Any:
    if column.kind == MULTI:
        return np.zeros((0, len(column.choices)), dtype=bool), np.zeros(0, dtype=np.int32)
    if column.kind == ONE:
        return np.zeros(0, dtype=np.int32)
    return np.zeros(0)


def _rounded(values: np.ndarray) -> np.ndarray:
    """``round_half_up`` of each value, computed once per distinct value."""
    unique, inverse = np.unique(values, return_inverse=True)
    return np.asarray([round_half_up(v) for v in unique.tolist()], dtype=np.float64)[inverse]


def score_members(
    vplan: VectorPlan, profiles: Sequence[MemberProfile], answers: Sequence[Mapping[str, Any]]
) -> list[tuple | None]:
    """Score the members; return each one's stored values (``VALUES``), None for fallbacks."""
    plan = vplan.plan
    size = len(profiles)
    if not size:
        return []
    columns = encode_members(
        questions=vplan.questions,
        relevance=plan.member_relevance,
        profiles=profiles,
        answers=answers,
        unknowns=vplan.unknowns,
    )
    statuses, points, reasons = [], [], []
    for n, (indicator, rules) in enumerate(zip(plan.indicators, vplan.rules, strict=True)):
        status, total, reason = _indicator(vplan, n, indicator, rules, columns)
        statuses.append(status)
        points.append(total)
        reasons.append(reason)
    return _finish(vplan, statuses, points, reasons, columns.fallback)


def _indicator(vplan: VectorPlan, number: int, indicator: Any, rules: tuple, columns: Any) -> tuple:
    """(status, points, missing) arrays of one indicator; ``missing`` numbers the reasons of
    a missing indicator in ``vplan.missing_reasons`` (from 1; 0 when not missing)."""
    size = columns.size
    total = np.zeros(size)
    applicable = np.zeros(size, dtype=bool)
    missing = np.zeros(size, dtype=bool)
    entries = []
    for code, _reviewer, rule_type, params in rules:
        state = columns.state[code]
        value = columns.values[code]
        if isinstance(value, np.ndarray) and value.ndim == 2:
            value = (value, np.zeros(size, dtype=np.int32))
        rule_points, _ = rule_type.vectorise(params, value, choices=columns.choices[code])
        answered = state == ANSWERED
        total = total + np.where(answered, rule_points, 0.0)
        applicable |= answered
        gap = (state == UNANSWERED) | (state >= UNKNOWN)
        missing |= gap
        entries.append(np.where(gap, state, 0))
    total = np.minimum(total, indicator.max_points)
    status = np.where(missing, _MISSING, np.where(applicable, _SCORED, _NOT_APPLICABLE))
    if indicator.groups is not None:
        groups = indicator.groups
        inside = np.fromiter((g in groups for g in columns.groups), dtype=bool, count=size)
        status[~inside] = _NOT_APPLICABLE
    reason = np.zeros(size, dtype=np.int64)
    found = status == _MISSING
    if found.any():
        unique, inverse = np.unique(np.stack(entries, axis=1)[found], axis=0, return_inverse=True)
        ids = np.asarray(
            [_missing_id(vplan, number, indicator, rules, row) for row in unique.tolist()]
        )
        reason[found] = ids[np.asarray(inverse).reshape(-1)]
    return status.astype(np.int8), total, reason


def _missing_key(vplan: VectorPlan, rules: tuple, states: list[int]) -> tuple:
    """The engine's key of a missing indicator: its missing entries, rule by rule."""
    key: tuple = ()
    for (code, reviewer, _type, _params), state in zip(rules, states, strict=True):
        if state == UNANSWERED:
            key += (("q", code, reviewer),)
        elif state >= UNKNOWN:
            key += vplan.plan.unknown_entries(vplan.unknowns.names[state - UNKNOWN])
    return key


def _missing_id(vplan: VectorPlan, number: int, indicator: Any, rules: tuple, states: list) -> int:
    key = _missing_key(vplan, rules, states)
    found = vplan.missing_ids.get((number, key))
    if found is None:
        result = indicator.missing_results.get(key) or indicator.make_missing(key)
        vplan.missing_reasons.append(result.reasons)
        found = vplan.missing_ids[(number, key)] = len(vplan.missing_reasons)
    return found


def _low_reasons(indicator: Any, points: float) -> tuple[Reason, ...]:
    result = indicator.scored_results.get(points)
    return (result if result is not None else indicator.make_scored(points)).reasons


def _finish(
    vplan: VectorPlan, statuses: list, points: list, reasons: list, fallback: np.ndarray
) -> list[tuple | None]:
    """Criteria, total, decision, level and reasons (steps 7–11), as ``_score`` does."""
    plan = vplan.plan
    size = len(fallback)
    count = len(plan.criteria)
    raw = np.zeros(size)
    left_out = np.zeros(size)
    criterion_points = [np.zeros(size) for _ in range(count)]
    criterion_out = [np.zeros(size) for _ in range(count)]
    judged = [np.zeros(size, dtype=bool) for _ in range(count)]
    complete = np.ones(size, dtype=bool)
    lowest = np.full(size, np.inf)
    low = []
    for indicator, status, total in zip(plan.indicators, statuses, points, strict=True):
        scored = status == _SCORED
        not_applicable = status == _NOT_APPLICABLE
        absent = np.where(not_applicable, indicator.max_points, 0.0)
        counted = np.where(scored, total, 0.0)
        index = indicator.criterion_index
        if indicator.policy == FULL:
            counted = np.where(not_applicable, indicator.max_points, counted)
            absent = np.zeros(size)
        raw = raw + counted
        left_out = left_out + absent
        criterion_points[index] = criterion_points[index] + counted
        criterion_out[index] = criterion_out[index] + absent
        judged[index] |= ~not_applicable
        complete &= status != _MISSING
        lowest = np.where(scored, np.minimum(lowest, total), lowest)
        if indicator.min_indicator is not None:
            low.append(scored & (_rounded(np.where(scored, total, 0.0)) < indicator.min_indicator))
        else:
            low.append(np.zeros(size, dtype=bool))
    raw_total = _rounded(raw)
    rescaled = left_out != 0
    remaining = plan.total_points - left_out
    nothing = rescaled & (remaining <= 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        scaled = np.where(rescaled & ~nothing, raw * plan.total_points / remaining, 0.0)
    total = np.where(rescaled, np.where(nothing, 0.0, _rounded(scaled)), raw_total)
    case = np.where(~complete, _INCOMPLETE, np.where(nothing, _NOTHING_APPLIES, _DECIDED))
    decided = case == _DECIDED
    total_fails = decided & (total < plan.min_total)
    failing = total_fails.copy()
    signature = [case.astype(np.float64), total_fails, np.where(total_fails, total, 0.0)]
    for n in range(count):
        fails = np.zeros(size, dtype=bool)
        if plan.min_criterion_share is not None:
            counted_max = plan.criteria_max[n] - criterion_out[n]
            threshold = _rounded(plan.min_criterion_share * counted_max)
            fails = decided & judged[n] & (_rounded(criterion_points[n]) < threshold)
        failing |= fails
        signature += [fails, np.where(fails, criterion_points[n], 0.0)]
        signature.append(np.where(fails, criterion_out[n], 0.0))
    for status, total_i, reason, low_i in zip(statuses, points, reasons, low, strict=True):
        shown_low = low_i & (case != _NOTHING_APPLIES)
        failing |= low_i & decided
        kind = np.where(status == _MISSING, 1, np.where(shown_low, 2, 0))
        signature += [kind, np.where(kind == 1, reason, np.where(kind == 2, total_i, 0.0))]
    recognised = decided & ~failing
    unique, inverse = np.unique(
        np.stack(signature, axis=1).astype(np.float64), axis=0, return_inverse=True
    )
    worded = []
    for row in map(tuple, unique.tolist()):
        words = vplan.worded.get(row)
        if words is None:
            if len(vplan.worded) >= 200_000:
                vplan.worded.clear()
            words = vplan.worded[row] = _reasons(vplan, row)
        worded.append(words)
    inverse = np.asarray(inverse).reshape(-1)
    level = _levels(plan, total, lowest, recognised)
    na_mask = np.zeros(size, dtype=np.int64)
    missing_mask = np.zeros(size, dtype=np.int64)
    point_lists = []
    for n, (status, total_i) in enumerate(zip(statuses, points, strict=True)):
        na_mask |= np.where(status == _NOT_APPLICABLE, 1 << n, 0)
        missing_mask |= np.where(status == _MISSING, 1 << n, 0)
        point_lists.append(
            [
                p if s == _SCORED else None
                for p, s in zip(total_i.tolist(), status.tolist(), strict=True)
            ]
        )
    padding = (None,) * (MAX_INDICATORS - len(statuses))
    decision = [
        None if c == _INCOMPLETE else r
        for c, r in zip(case.tolist(), recognised.tolist(), strict=True)
    ]
    out: list[tuple | None] = []
    for row, values in enumerate(
        zip(
            total.tolist(),
            decision,
            complete.tolist(),
            level,
            inverse.tolist(),
            na_mask.tolist(),
            missing_mask.tolist(),
            *point_lists,
            strict=True,
        )
    ):
        if fallback[row]:
            out.append(None)
            continue
        vi, en = worded[values[4]]
        out.append((*values[:4], vi, en, *values[5:], *padding))
    return out


def _reasons(vplan: VectorPlan, row: tuple) -> tuple[tuple, tuple]:
    """The (vi, en) reasons of one distinct signature row (see ``_finish``)."""
    plan = vplan.plan
    case = int(row[0])
    found: list[Reason] = []
    count = len(plan.criteria)
    indicator_part = row[3 + 3 * count :]
    if case == _NOTHING_APPLIES:
        found.append(_NOTHING_REASON)
    else:
        if case == _DECIDED:
            if row[1]:
                found.append(_total_failure(plan, row[2]))
            for n in range(count):
                if row[3 + 3 * n]:
                    cp, out = row[4 + 3 * n], row[5 + 3 * n]
                    criterion = CriterionResult(
                        plan.criteria[n],
                        round_half_up(cp),
                        plan.criteria_max[n],
                        plan.criteria_max[n] - out,
                    )
                    found.append(_criterion_failure(plan, criterion))
        for n in range(len(plan.indicators)):
            if indicator_part[2 * n] == 1:
                found.extend(vplan.missing_reasons[int(indicator_part[2 * n + 1]) - 1])
        for n, indicator in enumerate(plan.indicators):
            if indicator_part[2 * n] == 2:
                found.extend(_low_reasons(indicator, indicator_part[2 * n + 1]))
    return tuple(r.vi for r in found), tuple(r.en for r in found)


def _levels(
    plan: ScoringPlan, total: np.ndarray, lowest: np.ndarray, recognised: np.ndarray
) -> list:
    """The level of each recognised member ("" when none), as ``score._level``."""
    size = len(total)
    if not plan.levels or not recognised.any():
        return [""] * size
    scored = np.isfinite(lowest)
    lowest_rounded = np.where(scored, _rounded(np.where(scored, lowest, 0.0)), 0.0)
    chosen = np.full(size, -1)
    for n, (_code, min_total, min_indicator) in enumerate(plan.levels):
        reached = recognised & (chosen < 0) & (total >= min_total)
        if min_indicator is not None:
            reached &= ~scored | (lowest_rounded >= min_indicator)
        chosen[reached] = n
    codes = [code for code, _, _ in plan.levels] + [""]
    return [codes[c] for c in chosen.tolist()]
