"""The scoring engine: how a member's and a household's answers become points and a decision.

This module is plain Python over plain data. It reads a criteria set version
(``criteria.spec.CriteriaSpec``), the registered rule types (``criteria.rules``)
and the XLSForm expression subset (``criteria.expressions``); it imports no
Django and touches no database, so the same code scores a survey on the
server, in a batch over a million records, or in a test.

The rules below are the scoring method. They are written for the people who
audit a result as much as for programmers: every number a result shows can be
recomputed by hand from them.

Scoring a member (a citizen), step by step
==========================================

1. **The values an expression can read.** The member's answers, keyed by
   question code, plus three values the caller supplies: ``age`` (whole years
   at the survey date, computed by the caller; it may be unknown), ``target_group``
   and ``sex``. These names, and ``recognised`` and ``total`` (used in household
   sets), are reserved: a set with a question so named is refused.

2. **Which questions apply (relevance).** A question with a ``relevant``
   condition applies to the member only when the condition holds. Conditions
   are checked in form order, and the answer of a question that does not apply
   is ignored (treated as empty), as ODK does: a stale answer left over from an
   earlier edit never counts, and a question whose condition reads a question
   that does not apply does not apply either, unless its condition says
   otherwise. A comparison with an empty value is false (XPath rule).

   When a condition is false *and* it read a value that is unanswered — a
   question that applies but has no answer, or an unknown age, target group or
   sex — nobody can tell whether the question applies. Such a question is
   treated as not applying when the form is filled in, but for scoring it is
   **unknown**: a rule that reads it makes its indicator missing (step 3c),
   naming the unanswered value (``CD02: chưa biết age`` / ``CD02: age
   unknown``, or the unanswered question). This is passed along chains of
   conditions. So a missing answer or an unknown age can never turn an
   indicator into "not applicable" and quietly raise a rescaled total. The
   check is cautious: it does not try to prove that the condition would be
   false whatever the missing value turns out to be.

3. **Each indicator.**

   a. If the indicator lists target groups and the member's group is not one of
      them, the indicator is **not applicable** (N/A) for this member.

   b. Otherwise each of its rules is looked at in turn:

      * the rule's question does not apply (step 2): the rule does not apply;
        if whether it applies is unknown (step 2), the indicator is missing;
      * the question applies but is **unanswered** — no value, an empty text,
        or a multiple choice with nothing ticked (forms should offer a "none of
        these" choice where that is a real answer), or a number that is not a
        number (NaN) — then the indicator is **missing**. This holds whether or
        not the form marks the question required: a missing answer is counted
        apart and is never scored as a failure. A question answered by the
        reviewer (``reviewer_only``) whose score has not been entered yet is
        missing too, with its own wording ("reviewer score not yet entered");
      * otherwise the rule type turns the answer into points (see
        ``criteria.rules``); a rule type may also answer "does not apply".

   c. If any rule's question is missing, the indicator is **missing** (no
      points). Otherwise, if no rule applies, the indicator is **not
      applicable**. Otherwise it is **scored**: its points are the sum of the
      points of the rules that apply, capped at the indicator's maximum.
      Indicator points are kept as computed (not rounded).

4. **How a not-applicable indicator counts** is set per indicator by
   ``when_not_applicable``:

   * ``full``: it counts as its maximum points, as if fully met;
   * ``rescale``: it is left out, and the total is rescaled (step 6) so that
     the member is judged out of the same total as everyone else.

5. **Criteria.** A criterion's points are the sum of the counted points of its
   indicators (scored points, plus the maximum of ``full`` N/A indicators).
   Its *counted maximum* is its maximum less the maximum of its ``rescale``
   N/A indicators. Criterion points are rounded like totals (step 7).

6. **Total.** The *raw total* is the sum of the points of the scored
   indicators plus the maximum points of the ``full`` N/A indicators. When some
   indicators are ``rescale`` N/A, the total is::

       total = raw total × total points ÷ (total points − their maxima)

   computed from the unrounded raw total and rounded once; ``rescaled`` says
   this happened. Otherwise the total is the raw total. If every indicator is
   ``rescale`` N/A there is nothing to judge: the total is 0 and the member is
   not recognised ("No indicator applies").

7. **Rounding.** Totals (raw total, total, criterion points) are rounded to 2
   decimals, half up (0.125 → 0.13), with ``decimal.Decimal``: the computed
   number is first rounded to 9 decimals, which removes binary floating-point
   noise (0.1 + 0.2 is 0.30000000000000004 in binary), then rounded half up to
   2 decimals. Every comparison with a threshold is made on these rounded
   numbers; an indicator's points are rounded the same way when compared with
   a minimum. Results are deterministic: the same inputs always give the same
   result, whatever the order of the answers.

8. **Missing answers make the member incomplete.** If any indicator is
   missing, ``complete`` is false and ``recognised`` is ``None``
   (undetermined): no decision is made until the answers are in. The total is
   still reported, computed over what is known with the method above, a
   missing indicator contributing nothing; it is a floor, since points are
   never negative, so the final total can only be equal or higher. The reasons
   then list the missing answers, followed by any indicator already below its
   minimum (those are final: the indicator's answers are all in).

9. **Recognition.** A complete member is recognised when all of these hold:

   * the total is at least ``recognition.min_total``;
   * when ``min_indicator`` is set, every scored indicator has at least that
     many points (N/A indicators are not checked);
   * when ``min_criterion_share`` is set, every criterion has at least that
     share of its counted maximum, the threshold being rounded like the points
     (a criterion whose indicators are all N/A is skipped).

10. **Levels** (local higher tiers such as "tiêu biểu") are only given to a
    recognised member: the highest level (the largest ``min_total``; on a tie
    the larger ``min_indicator``, then the first listed) whose ``min_total``
    the total reaches and, when it sets ``min_indicator``, every scored
    indicator reaches too.

11. **Reasons** say in words, in Vietnamese and in English, why a member is
    not recognised or is undetermined (they are empty when recognised): the
    missing answers first, then the total, then each criterion, then each
    indicator, e.g. ``CD03: thiếu câu trả lời q_sessions`` / ``CD03: answer
    missing for q_sessions``, ``Tổng điểm 76 < 80`` / ``Total 76 < 80``,
    ``H1: 12 < 15 (50% của 30)`` / ``H1: 12 < 15 (50% of 30)``, ``CD06: 3 < 5``.
    Vietnamese texts write decimals with a comma (78,89), English with a point
    (78.89). Each indicator result also carries its own reasons (why it is
    N/A, what is missing, or that it is below the minimum).

Worked example
--------------

A citizen set of ten indicators worth 10 points each (total 100), recognised
at a total of 80 with no indicator below 5. Indicator CD06 applies only to
workers and cadres, ``rescale``. A farmer scores, on CD01–CD10:

    8, 10, 8, 10, 7, (CD06 not applicable), 10, 7, 10, 8

* raw total = 8 + 10 + 8 + 10 + 7 + 10 + 7 + 10 + 8 = 78;
* CD06 (10 points) is left out, so total = 78 × 100 ÷ (100 − 10) = 86.666…,
  rounded half up: **86.67**; ``rescaled`` is true;
* 86.67 ≥ 80 and no scored indicator is below 5: **recognised**. With a level
  "tốt" from 85 the member gets that level.

Had CD06 been ``full``, it would count as 10: total 78 + 10 = 88. Had CD05 been
3 instead of 7, the raw total would be 74, the total 74 × 100 ÷ 90 = 82.22 ≥ 80,
yet the member is not recognised, with the reason ``CD05: 3 < 5``. Had the
answer to CD03's question been missing, the total over what is known would be
70 × 100 ÷ 90 = 77.78, ``complete`` false, ``recognised`` undetermined (None),
with the reason ``CD03: thiếu câu trả lời …`` / ``CD03: answer missing for …``.

Scoring a household
===================

The household set is scored by the same method (steps 3–11), with these
differences:

* Target groups do not apply to household indicators.
* Household questions are read from the household's answers (with their own
  relevance, in form order). There are no built-in household values.
* Each member is given as a ``MemberContext``: the member's answers (the
  household set's member questions and, if wanted, the citizen answers), age,
  target group, sex, and the member's citizen result: ``recognised`` (1, 0 or
  empty when undetermined or not scored) and ``total``. Member questions of
  the household set have their relevance checked for each member, as in step 2.
* Items derived from the members (rule types ``members_all``,
  ``members_any``, ``members_count``, ``members_share``) are given the list of
  member values. Their ``condition`` picks the members the item is about and
  their ``test`` says whether a member passes. Before scoring, the engine
  checks that it can tell: if a value the condition reads is unanswered for
  any member, or a value the test reads is unanswered for a member who meets
  the condition, the item is **missing** (e.g. ``GD01: thiếu attends_school
  của thành viên số 2`` / ``GD01: attends_school missing for member no. 2``).
  Only the built-in values and the set's own member questions (when they
  apply to that member, or whose relevance is unknown as in step 2) are
  checked this way; members are numbered from 1 in the order given. A member
  whose citizen result is undetermined therefore makes an item that tests
  ``recognised`` missing, rather than failed (``H2.2: chưa có kết quả Công dân
  học tập (recognised) của thành viên số 1`` / ``H2.2: Learning Citizen result
  (recognised) not determined for member no. 1``).
* An item about members of which the household has none (no school-age child)
  is not applicable, and counts by its ``when_not_applicable`` policy.

Performance
===========

``compile_spec`` turns a set into a ``ScoringPlan`` once: rule functions
looked up, relevance conditions compiled into Python closures with exactly the
semantics of ``criteria.expressions.holds`` (tested), per-indicator data laid
out for a tight loop. Plans are cached by the identity of the spec object and
by a fingerprint of its content, so sets rebuilt from the database share a
plan. Specs are treated as immutable once compiled. Result objects are
immutable and equal results are shared between members (an indicator with 8
points is one object), which keeps scoring to a few microseconds per member
on a recent desktop (``bench/bench_scoring.py`` measures it). Use
``compile_spec`` with ``score_member_with`` for bulk scoring (and ``gc.freeze()``
once the inputs are loaded, so the garbage collector does not walk them over
and over). For households, the built-in ``members_*`` rule types run on the
compiled condition and test, and a member condition that reads only built-in
values (``${age} >= 6 and ${age} <= 14``, shared by several items and relevance
checks) is evaluated once per member and remembered in the member's values;
both are caches of the same results, and the tests compare them with
``criteria.rules`` and ``criteria.expressions``.
"""

from __future__ import annotations

import hashlib
import json
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from numbers import Number
from typing import Any

from criteria.expressions import CALLS as _CALLS
from criteria.expressions import (  # the interpreter's own helpers: identical semantics
    _arith,
    _compare,
    _number,
    _selected_values,
    _truthy,
    parse,
)
from criteria.rules import RULE_TYPES
from criteria.spec import MEMBER_BUILTINS, CriteriaSpec

__all__ = [
    "MISSING",
    "NOT_APPLICABLE",
    "SCORED",
    "CriterionResult",
    "HouseholdResult",
    "IndicatorResult",
    "MemberContext",
    "MemberProfile",
    "MemberResult",
    "Reason",
    "ScoringPlan",
    "compile_condition",
    "compile_spec",
    "round_half_up",
    "score_household",
    "score_household_with",
    "score_member",
    "score_member_with",
    "spec_fingerprint",
]

SCORED = "scored"
NOT_APPLICABLE = "not_applicable"
MISSING = "missing"

FULL = "full"
RESCALE = "rescale"

MEMBER_PROFILE_BUILTINS = ("age", "target_group", "sex")


# Inputs ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MemberProfile:
    """What the caller knows about a member besides the answers; age is at the survey date."""

    target_group: str
    age: int | None
    sex: str | None = None


@dataclass(frozen=True, slots=True)
class MemberContext:
    """One household member as the household set sees it (see "Scoring a household")."""

    answers: Mapping[str, Any]
    age: int | None
    target_group: str = ""
    sex: str | None = None
    recognised: bool | int | None = None  # the member's citizen result; None = undetermined
    total: float | None = None

    @classmethod
    def from_result(
        cls,
        profile: MemberProfile,
        answers: Mapping[str, Any],
        result: MemberResult | None,
    ) -> MemberContext:
        """Build the context from a member's profile, answers and citizen result (if scored).

        An incomplete citizen result gives ``recognised`` and ``total`` as unknown (None):
        its total is only a floor, not a figure a household item should test.
        """
        known = result is not None and result.complete
        return cls(
            answers=answers,
            age=profile.age,
            target_group=profile.target_group,
            sex=profile.sex,
            recognised=result.recognised if known else None,
            total=result.total if known else None,
        )

    def values(self) -> dict[str, Any]:
        """The values member conditions and tests read: answers plus the built-in names."""
        values = dict(self.answers)
        values["age"] = self.age
        values["target_group"] = self.target_group
        values["sex"] = self.sex
        values["recognised"] = None if self.recognised is None else int(bool(self.recognised))
        values["total"] = self.total
        return values


# Results ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason, in both languages (pure code has no active language)."""

    vi: str
    en: str

    def get(self, language: str) -> str:
        return self.en if language.startswith("en") else self.vi

    def to_dict(self) -> dict[str, str]:
        return {"vi": self.vi, "en": self.en}


@dataclass(frozen=True, slots=True)
class IndicatorResult:
    """One indicator for one member or household.

    ``points``: the scored points (None unless scored). ``counted_points``: what
    the indicator adds to the total (points if scored, the maximum if N/A with
    policy "full", None if N/A with "rescale" or missing).
    """

    code: str
    criterion: str
    status: str  # SCORED, NOT_APPLICABLE or MISSING
    points: float | None
    counted_points: float | None
    max_points: float
    reasons: tuple[Reason, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "criterion": self.criterion,
            "status": self.status,
            "points": self.points,
            "counted_points": self.counted_points,
            "max_points": self.max_points,
            "reasons": [r.to_dict() for r in self.reasons],
        }


@dataclass(frozen=True, slots=True)
class CriterionResult:
    """A criterion's rounded points; ``counted_max`` leaves out its rescaled-out indicators."""

    code: str
    points: float
    max_points: float
    counted_max: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "points": self.points,
            "max_points": self.max_points,
            "counted_max": self.counted_max,
        }


@dataclass(frozen=True)
class ScoreResult:
    indicators: tuple[IndicatorResult, ...]
    criteria: tuple[CriterionResult, ...]
    total: float
    raw_total: float
    rescaled: bool
    complete: bool
    recognised: bool | None  # None: undetermined, some answers are missing
    level: str | None
    reasons_vi: tuple[str, ...]
    reasons_en: tuple[str, ...]

    def indicator(self, code: str) -> IndicatorResult:
        return next(i for i in self.indicators if i.code == code)

    def criterion(self, code: str) -> CriterionResult:
        return next(c for c in self.criteria if c.code == code)

    def reasons(self, language: str = "vi") -> tuple[str, ...]:
        return self.reasons_en if language.startswith("en") else self.reasons_vi

    def to_dict(self) -> dict[str, Any]:
        """The plain form for storage (JSON friendly)."""
        return {
            "indicators": [i.to_dict() for i in self.indicators],
            "criteria": [c.to_dict() for c in self.criteria],
            "total": self.total,
            "raw_total": self.raw_total,
            "rescaled": self.rescaled,
            "complete": self.complete,
            "recognised": self.recognised,
            "level": self.level,
            "reasons_vi": list(self.reasons_vi),
            "reasons_en": list(self.reasons_en),
        }


@dataclass(frozen=True)
class MemberResult(ScoreResult):
    """A citizen's result."""


@dataclass(frozen=True)
class HouseholdResult(ScoreResult):
    """A household's result."""


_new_object = object.__new__
_set_attribute = object.__setattr__


def _make_result(
    cls: type,
    indicators: tuple,
    criteria: tuple,
    total: float,
    raw_total: float,
    rescaled: bool,
    complete: bool,
    recognised: bool | None,
    level: str | None,
    reasons_vi: tuple,
    reasons_en: tuple,
) -> Any:
    """Build a result without the generated ``__init__`` (its one ``object.__setattr__``
    call per field dominated the cost of scoring a member); the instance is identical."""
    result = _new_object(cls)
    _set_attribute(
        result,
        "__dict__",
        {
            "indicators": indicators,
            "criteria": criteria,
            "total": total,
            "raw_total": raw_total,
            "rescaled": rescaled,
            "complete": complete,
            "recognised": recognised,
            "level": level,
            "reasons_vi": reasons_vi,
            "reasons_en": reasons_en,
        },
    )
    return result


# Rounding and wording ----------------------------------------------------------------

_CENT = Decimal("0.01")
_ROUNDED: dict[float, float] = {}
_MEMO_LIMIT = 100_000


def round_half_up(value: float) -> float:
    """Round to 2 decimals, half up, through ``decimal`` (see step 7 of the method)."""
    value = float(value)
    if value.is_integer():
        return value + 0.0  # also turns -0.0 into 0.0
    rounded = _ROUNDED.get(value)
    if rounded is None:
        rounded = float(Decimal(repr(round(value, 9))).quantize(_CENT, rounding=ROUND_HALF_UP))
        if len(_ROUNDED) >= _MEMO_LIMIT:
            _ROUNDED.clear()
        _ROUNDED[value] = rounded
    return rounded


def _fmt(value: float, language: str) -> str:
    """A number as a reason shows it: rounded, no trailing zeros, comma decimals in vi."""
    text = f"{round_half_up(value):.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if language == "vi" else text


def _both(vi: str, en: str) -> Reason:
    return Reason(vi, en)


def _below(code: str, points: float, minimum: float) -> Reason:
    return Reason(
        f"{code}: {_fmt(points, 'vi')} < {_fmt(minimum, 'vi')}",
        f"{code}: {_fmt(points, 'en')} < {_fmt(minimum, 'en')}",
    )


def _policy_words(policy: str, max_points: float) -> tuple[str, str]:
    if policy == FULL:
        return (
            f"tính đủ {_fmt(max_points, 'vi')} điểm",
            f"counted as the full {_fmt(max_points, 'en')} points",
        )
    return ("không tính, tổng điểm được quy đổi lại", "left out, the total is rescaled")


# Expressions compiled to closures ---------------------------------------------------

_ORDER = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}

Fn = Callable[[Mapping[str, Any], Any], Any]


_BOOLEAN_CALLS = frozenset({"not", "selected", "true", "false"})


def _is_boolean(node: tuple) -> bool:
    """Whether the node always evaluates to True or False (so needs no ``boolean()``)."""
    return node[0] in ("and", "or", "cmp") or (node[0] == "call" and node[1] in _BOOLEAN_CALLS)


def _boolean(node: tuple) -> Fn:
    """The node's truth value (XPath ``boolean()``) as a closure."""
    function = _node(node)
    if _is_boolean(node):
        return function
    return lambda v, c: _truthy(function(v, c))


def _node(node: tuple) -> Fn:
    """Turn a parsed expression node into a closure with the interpreter's exact semantics."""
    kind = node[0]
    if kind == "const":
        constant = node[1]
        return lambda values, current: constant
    if kind == "ref":
        name = node[1]
        return lambda values, current: values.get(name)
    if kind == "current":
        return lambda values, current: current
    if kind == "and":
        left, right = _boolean(node[1]), _boolean(node[2])
        return lambda v, c: left(v, c) and right(v, c)
    if kind == "or":
        left, right = _boolean(node[1]), _boolean(node[2])
        return lambda v, c: left(v, c) or right(v, c)
    if kind == "cmp":
        op, left_node, right_node = node[1], node[2], node[3]
        if right_node[0] == "const":
            return _compare_with_constant(op, left_node, right_node[1])
        left, right = _node(left_node), _node(right_node)
        return lambda v, c: _compare(op, left(v, c), right(v, c))
    if kind == "arith":
        op, left, right = node[1], _node(node[2]), _node(node[3])
        return lambda v, c: _arith(op, left(v, c), right(v, c))
    if kind == "call":
        function = _CALLS[node[1]]
        args = tuple(_node(a) for a in node[2])
        if node[1] == "selected" and node[2][1][0] == "const":
            # selected(${q}, 'choice'): the commonest call, without the generic dispatch.
            subject, choice = args[0], str(node[2][1][1])
            return lambda v, c: choice in _selected_values(subject(v, c))
        if not args:
            return lambda v, c: function()
        if len(args) == 1:
            only = args[0]
            return lambda v, c: function(only(v, c))
        return lambda v, c: function(*(a(v, c) for a in args))
    raise ValueError(f"unknown expression node {kind!r}")  # pragma: no cover


def _compare_with_constant(op: str, left_node: tuple, constant: Any) -> Fn:
    """``<expr> op 'constant'``, specialised; same results as ``criteria.expressions._compare``.

    A ``${name}`` on the left is read directly rather than through a closure.
    """
    name = left_node[1] if left_node[0] == "ref" else None
    left = _node(left_node)
    right_number = _number(constant)
    if op in _ORDER:
        if right_number is None:
            return lambda v, c: False
        order = _ORDER[op]
        if name is not None:

            def ordered_name(v, c):
                value = v.get(name)
                # Numbers (ages) skip _number's checks; float() is what it would return.
                if value.__class__ is int or value.__class__ is float:
                    return order(float(value), right_number)
                number = _number(value)
                return number is not None and order(number, right_number)

            return ordered_name

        def ordered(v, c):
            number = _number(left(v, c))
            return number is not None and order(number, right_number)

        return ordered
    right_text = str(constant)
    negate = op == "!="
    if right_number is None:
        if name is not None:

            def equal_text_name(v, c):
                value = v.get(name)
                return (str("" if value is None else value) == right_text) is not negate

            return equal_text_name

        def equal_text(v, c):
            value = left(v, c)
            return (str("" if value is None else value) == right_text) is not negate

        return equal_text

    def equal_number(v, c):
        value = left(v, c)
        if value is None:
            value = ""
        number = _number(value)
        same = number == right_number if number is not None else str(value) == right_text
        return same is not negate

    return equal_number


def _always(values: Mapping[str, Any]) -> bool:
    return True


def compile_condition(text: str) -> Callable[[Mapping[str, Any]], bool]:
    """Return ``values -> bool`` equal to ``criteria.expressions.holds(text, values)``."""
    if not text or not text.strip():
        return _always
    function = _boolean(parse(text).tree)
    return lambda values: function(values, None)


# The compiled plan ------------------------------------------------------------------

_NOTHING: dict[str, tuple[str, ...]] = {}  # shared and never written to


_MEMO_KEY = "\x00conditions"  # a key no expression can name (names are identifiers)
_STABLE_NAMES = frozenset(MEMBER_BUILTINS)


def _member_condition(text: str) -> Callable[[Mapping[str, Any]], bool]:
    """``compile_condition(text)`` for a household member; when the condition reads only
    the built-in values (``${age} >= 6 and ${age} <= 14``), its result is remembered in the
    member's values, so the relevance checks and the items that share it (five in GDHT v1)
    evaluate it once per member. Built-in values never change while a household is scored
    (questions may not be named like them, and only answers are blanked), so the result
    is the same: a cache, not a change of method."""
    function = compile_condition(text)
    if not text.strip() or not parse(text).names <= _STABLE_NAMES:
        return function

    def remembered(values: Mapping[str, Any]) -> bool:
        memo = values.get(_MEMO_KEY)
        if memo is None:
            memo = values[_MEMO_KEY] = {}
        result = memo.get(text)
        if result is None:
            result = memo[text] = function(values)
        return result

    return remembered


class _MembersRule:
    """What the engine needs to check a member-derived rule before scoring it, and the
    compiled ``condition`` and ``test`` its rule type scores with (``MemberTests``)."""

    __slots__ = ("condition", "condition_names", "condition_text", "test", "test_names")

    def __init__(self, params: Mapping[str, Any], checked: frozenset[str]):
        self.condition_text = str(params.get("condition") or "")
        self.condition = _member_condition(self.condition_text) if self.condition_text else None
        test_text = str(params.get("test") or "")
        self.test = _member_condition(test_text) if test_text else None
        self.condition_names = _checked_names(self.condition_text, checked)
        self.test_names = _checked_names(test_text, checked)

    def matching(self, context: Mapping[str, Any]) -> list:
        members = context.get("members") or []
        condition = self.condition
        return list(members) if condition is None else [m for m in members if condition(m)]

    def passing(self, members: list) -> int:
        test = self.test
        return len(members) if test is None else sum(1 for m in members if test(m))


def _checked_names(text: str, checked: frozenset[str]) -> tuple[str, ...]:
    if not text.strip():
        return ()
    return tuple(sorted(parse(text).names & checked))


class _IndicatorPlan:
    __slots__ = (
        "code",
        "criterion",
        "criterion_index",
        "groups",
        "max_points",
        "min_indicator",
        "missing_results",
        "na_group_results",
        "na_rules_result",
        "policy",
        "rules",
        "scored_results",
        "spec_groups",
    )

    def make_scored(self, points: float) -> IndicatorResult:
        reasons: tuple[Reason, ...] = ()
        if self.min_indicator is not None and round_half_up(points) < self.min_indicator:
            reasons = (_below(self.code, points, self.min_indicator),)
        result = IndicatorResult(
            self.code, self.criterion, SCORED, points, points, self.max_points, reasons
        )
        if len(self.scored_results) >= _MEMO_LIMIT:
            self.scored_results.clear()
        self.scored_results[points] = result
        return result

    def make_na(self, reason: Reason) -> IndicatorResult:
        return IndicatorResult(
            self.code,
            self.criterion,
            NOT_APPLICABLE,
            None,
            self.max_points if self.policy == FULL else None,
            self.max_points,
            (reason,),
        )

    def make_na_group(self, group: str) -> IndicatorResult:
        label_vi, label_en = self.spec_groups.get(group, (group, group))
        named_vi = f"{label_vi} ({group})" if label_vi != group else group
        named_en = f"{label_en} ({group})" if label_en != group else group
        policy_vi, policy_en = _policy_words(self.policy, self.max_points)
        result = self.make_na(
            _both(
                f"{self.code}: không áp dụng cho nhóm đối tượng {named_vi}; {policy_vi}",
                f"{self.code}: does not apply to target group {named_en}; {policy_en}",
            )
        )
        if len(self.na_group_results) < 1000:
            self.na_group_results[group] = result
        return result

    def make_missing(self, key: tuple) -> IndicatorResult:
        reasons = []
        for entry in dict.fromkeys(key):
            if entry[0] == "b":
                reasons.append(
                    _both(
                        f"{self.code}: chưa biết {entry[1]}",
                        f"{self.code}: {entry[1]} unknown",
                    )
                )
            elif entry[0] == "q":
                _, question, reviewer = entry
                if reviewer:
                    reasons.append(
                        _both(
                            f"{self.code}: chưa có điểm của người kiểm tra ({question})",
                            f"{self.code}: reviewer score not yet entered ({question})",
                        )
                    )
                else:
                    reasons.append(
                        _both(
                            f"{self.code}: thiếu câu trả lời {question}",
                            f"{self.code}: answer missing for {question}",
                        )
                    )
            else:
                _, name, numbers = entry
                listed = ", ".join(str(n) for n in numbers)
                if name in ("recognised", "total"):
                    reasons.append(
                        _both(
                            f"{self.code}: chưa có kết quả Công dân học tập ({name}) "
                            f"của thành viên số {listed}",
                            f"{self.code}: Learning Citizen result ({name}) not determined "
                            f"for member no. {listed}",
                        )
                    )
                else:
                    reasons.append(
                        _both(
                            f"{self.code}: thiếu {name} của thành viên số {listed}",
                            f"{self.code}: {name} missing for member no. {listed}",
                        )
                    )
        result = IndicatorResult(
            self.code, self.criterion, MISSING, None, None, self.max_points, tuple(reasons)
        )
        if len(self.missing_results) >= _MEMO_LIMIT:
            self.missing_results.clear()
        self.missing_results[key] = result
        return result


class ScoringPlan:
    """A criteria set prepared for fast scoring (see ``compile_spec``). Read-only."""

    __slots__ = (
        "builtins",
        "criteria",
        "criteria_max",
        "criterion_failures",
        "criterion_memo",
        "fingerprint",
        "household_relevance",
        "indicators",
        "levels",
        "loop",
        "member_relevance",
        "min_criterion_share",
        "min_indicator",
        "min_total",
        "reviewer_questions",
        "spec",
        "subject",
        "total_failures",
        "total_points",
    )

    def unknown_entries(self, names: tuple[str, ...]) -> tuple:
        """Missing-entries for names a relevance condition needed and did not have."""
        return tuple(
            ("b", name) if name in self.builtins else ("q", name, name in self.reviewer_questions)
            for name in names
        )

    def __repr__(self) -> str:
        return f"<ScoringPlan {self.spec.code} v{self.spec.version} {self.fingerprint[:12]}>"


def spec_fingerprint(spec: CriteriaSpec) -> str:
    """A SHA-256 of the set's canonical plain form: equal content, equal fingerprint."""
    text = json.dumps(spec.to_dict(), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


_PLANS_BY_ID: dict[int, tuple[CriteriaSpec, ScoringPlan]] = {}
_PLANS_BY_FINGERPRINT: dict[str, ScoringPlan] = {}
_PLAN_LIMIT = 64


def compile_spec(spec: CriteriaSpec) -> ScoringPlan:
    """Return the (cached) scoring plan of ``spec``; raise ValueError if it cannot be scored."""
    entry = _PLANS_BY_ID.get(id(spec))
    if entry is not None and entry[0] is spec:
        return entry[1]
    fingerprint = spec_fingerprint(spec)
    plan = _PLANS_BY_FINGERPRINT.get(fingerprint)
    if plan is None:
        plan = _build_plan(spec, fingerprint)
        if len(_PLANS_BY_FINGERPRINT) >= _PLAN_LIMIT:
            _PLANS_BY_FINGERPRINT.clear()
        _PLANS_BY_FINGERPRINT[fingerprint] = plan
    if len(_PLANS_BY_ID) >= _PLAN_LIMIT:
        _PLANS_BY_ID.clear()
    _PLANS_BY_ID[id(spec)] = (spec, plan)  # keeps spec alive, so its id is not reused
    return plan


def _build_plan(spec: CriteriaSpec, fingerprint: str) -> ScoringPlan:
    household = spec.subject == "household"
    questions = {q.code: q for q in spec.questions}
    builtins = set(MEMBER_BUILTINS)
    clashing = sorted(builtins & questions.keys())
    if clashing:
        raise ValueError(f"questions may not be named like built-in values: {clashing}")
    criterion_index = {c.code: n for n, c in enumerate(spec.criteria)}
    member_questions = frozenset(
        q.code for q in spec.questions if q.level == "member" and q.type != "note"
    )
    checked = frozenset(builtins) | member_questions
    groups = {
        g.code: (g.label.vi or g.code, g.label.en or g.label.vi or g.code)
        for g in spec.target_groups
    }

    needed: set[str] = set()  # questions whose relevance has to be known
    member_needed: set[str] = set()
    indicators = []
    for indicator in spec.indicators:
        if indicator.criterion not in criterion_index:
            raise ValueError(f"{indicator.code}: unknown criterion {indicator.criterion!r}")
        if indicator.when_not_applicable not in (FULL, RESCALE):
            raise ValueError(
                f"{indicator.code}: when_not_applicable must be 'full' or 'rescale', "
                f"not {indicator.when_not_applicable!r}"
            )
        rules = []
        na_details_vi, na_details_en = [], []
        for rule in indicator.rules:
            rule_type = RULE_TYPES.get(rule.type)
            if rule_type is None:
                raise ValueError(f"{indicator.code}: unknown rule type {rule.type!r}")
            params = rule.params
            if rule_type.question_types:
                question = questions.get(rule.question or "")
                if question is None:
                    raise ValueError(f"{indicator.code}: unknown question {rule.question!r}")
                if household and question.level == "member":
                    raise ValueError(
                        f"{indicator.code}: member question {question.code!r} in a household "
                        "rule; use a members_* rule"
                    )
                needed.add(question.code)
                rules.append(
                    (
                        question.code,
                        rule_type.compile(params),
                        params,
                        question.reviewer_only,
                        None,
                    )
                )
                na_details_vi.append(f"{question.code} không áp dụng")
                na_details_en.append(f"{question.code} does not apply")
            else:
                if not household:
                    raise ValueError(
                        f"{indicator.code}: rule type {rule.type!r} is about household members "
                        "and only fits a household set"
                    )
                members_rule = _MembersRule(params, checked)
                for text in (params.get("condition"), params.get("test")):
                    if text:
                        member_needed.update(parse(str(text)).names & member_questions)
                scorer = rule_type.compile(params, members=members_rule)
                rules.append((None, scorer, params, False, members_rule))
                condition = members_rule.condition_text
                na_details_vi.append(
                    f"không có thành viên nào thoả {condition}"
                    if condition
                    else "không có thành viên phù hợp"
                )
                na_details_en.append(
                    f"no member meets {condition}" if condition else "no matching member"
                )
        plan_indicator = _IndicatorPlan()
        plan_indicator.code = indicator.code
        plan_indicator.criterion = indicator.criterion
        plan_indicator.criterion_index = criterion_index[indicator.criterion]
        plan_indicator.max_points = float(indicator.max_points)
        plan_indicator.policy = indicator.when_not_applicable
        plan_indicator.groups = (
            frozenset(indicator.target_groups)
            if indicator.target_groups and not household
            else None
        )
        plan_indicator.spec_groups = groups
        plan_indicator.rules = tuple(rules)
        plan_indicator.min_indicator = spec.recognition.min_indicator
        plan_indicator.scored_results = {}
        plan_indicator.missing_results = {}
        plan_indicator.na_group_results = {}
        policy_vi, policy_en = _policy_words(plan_indicator.policy, plan_indicator.max_points)
        details_vi = "; ".join(na_details_vi) or "không có quy tắc"
        details_en = "; ".join(na_details_en) or "no rule"
        plan_indicator.na_rules_result = plan_indicator.make_na(
            _both(
                f"{indicator.code}: không áp dụng ({details_vi}); {policy_vi}",
                f"{indicator.code}: not applicable ({details_en}); {policy_en}",
            )
        )
        indicators.append(plan_indicator)

    plan = ScoringPlan()
    plan.spec = spec
    plan.fingerprint = fingerprint
    plan.subject = spec.subject
    plan.total_points = float(spec.total_points)
    plan.indicators = tuple(indicators)
    plan.loop = tuple(
        (i, i.criterion_index, i.groups, i.rules, i.max_points, i.scored_results)
        for i in indicators
    )
    plan.criteria = tuple(c.code for c in spec.criteria)
    plan.criteria_max = tuple(float(c.max_points) for c in spec.criteria)
    plan.criterion_memo = tuple({} for _ in spec.criteria)
    plan.criterion_failures = {}
    plan.total_failures = {}
    recognition = spec.recognition
    plan.min_total = float(recognition.min_total)
    plan.min_indicator = recognition.min_indicator
    plan.min_criterion_share = recognition.min_criterion_share
    plan.levels = tuple(
        (level.code, float(level.min_total), level.min_indicator)
        for level in sorted(
            recognition.levels,
            key=lambda lv: (lv.min_total, lv.min_indicator or 0.0),
            reverse=True,
        )
    )
    answerable = {q.code for q in spec.questions if q.type != "note"}
    if household:
        household_questions = frozenset(
            q.code for q in spec.questions if q.level != "member" and q.type != "note"
        )
        plan.household_relevance = _relevance_steps(
            spec, needed & household_questions, household_questions
        )
        plan.member_relevance = _relevance_steps(spec, member_needed, checked, members=True)
    else:
        plan.household_relevance = ()
        plan.member_relevance = _relevance_steps(
            spec, needed, frozenset(answerable) | frozenset(MEMBER_PROFILE_BUILTINS)
        )
    plan.builtins = frozenset(MEMBER_BUILTINS)
    plan.reviewer_questions = frozenset(q.code for q in spec.questions if q.reviewer_only)
    return plan


def _relevance_steps(
    spec: CriteriaSpec, wanted: set[str], scope: frozenset[str], *, members: bool = False
) -> tuple:
    """The relevance checks to run, in form order: ``(code, condition, names it reads)``.

    ``members``: the checks of a household set's member questions (see ``_member_condition``).

    ``scope`` holds the names answered in the same place (the member's questions and
    built-in values, or the household's questions); a condition pulls in the questions
    of the scope it reads, and those names are the ones whose absence makes the
    question's relevance unknown (step 2 of the method).
    """
    by_code = {q.code: q for q in spec.questions}
    wanted = set(wanted)
    pending = list(wanted)
    while pending:  # questions read by a needed question's condition are needed too
        question = by_code.get(pending.pop())
        if question is None or not question.relevant.strip():
            continue
        for name in parse(question.relevant).names:
            if name in by_code and name in scope and name not in wanted:
                wanted.add(name)
                pending.append(name)
    compile_one = _member_condition if members else compile_condition
    return tuple(
        (
            q.code,
            compile_one(q.relevant),
            tuple(sorted(parse(q.relevant).names & scope)),
        )
        for q in spec.questions
        if q.code in wanted and q.relevant.strip()
    )


# Scoring ---------------------------------------------------------------------------


def _blank_irrelevant(steps: tuple, values: dict[str, Any]) -> Mapping[str, tuple[str, ...]]:
    """Run the relevance checks in form order and empty the answers that do not apply.

    Returns the questions that do not apply, each with the names (sorted) that its
    condition read and found unanswered — empty when it surely does not apply, else the
    answers whose absence leaves it unknown (passed on along chains of conditions).
    """
    if not steps:
        return _NOTHING
    irrelevant = None
    for code, condition, reads in steps:
        if condition(values):
            continue
        if irrelevant is None:
            irrelevant = {}
        unknown: tuple[str, ...] = ()
        for name in reads:
            if name in irrelevant:
                unknown += irrelevant[name]
            elif _unanswered(values.get(name)):
                unknown += (name,)
        values[code] = None
        irrelevant[code] = tuple(sorted(set(unknown))) if unknown else ()
    return irrelevant or _NOTHING


def _unanswered(value: Any) -> bool:
    return (not value and not isinstance(value, Number)) or value != value


class _Members:
    __slots__ = ("context", "irrelevant", "values")

    def __init__(self, values: list[dict[str, Any]], irrelevant: list):
        self.values = values
        self.irrelevant = irrelevant
        self.context = {"members": values}


def _member_gaps(rule: _MembersRule, members: _Members) -> tuple:
    """The (name, member numbers) the rule needs but are unanswered, sorted by name."""
    gaps: dict[str, list[int]] = {}
    condition, condition_names, test_names = rule.condition, rule.condition_names, rule.test_names
    for number, (values, irrelevant) in enumerate(
        zip(members.values, members.irrelevant, strict=True), start=1
    ):
        missing = _unknown(condition_names, values, irrelevant)
        if not missing and (condition is None or condition(values)):
            missing = _unknown(test_names, values, irrelevant)
        for name in missing:
            numbers = gaps.setdefault(name, [])
            if not numbers or numbers[-1] != number:
                numbers.append(number)
    return tuple(("m", name, tuple(gaps[name])) for name in sorted(gaps))


def _unknown(names: tuple[str, ...], values: Mapping[str, Any], irrelevant: Mapping) -> list:
    """Of ``names``, the unanswered ones, and for those that do not apply, what their
    relevance needed and did not have."""
    unknown = []
    for name in names:
        if name in irrelevant:
            unknown.extend(irrelevant[name])
        elif _unanswered(values.get(name)):
            unknown.append(name)
    return unknown


def _score(
    plan: ScoringPlan,
    values: dict[str, Any],
    irrelevant: Mapping[str, tuple[str, ...]],
    group: str | None,
    members: _Members | None,
    cls: type,
) -> Any:
    """Steps 3–11 of the method: each indicator, then criteria, total and decision."""
    results = []
    append = results.append
    count = len(plan.criteria)
    criterion_points = [0.0] * count
    criterion_out = [0.0] * count
    criterion_judged = [False] * count
    raw = 0.0
    left_out = 0.0
    complete = True
    lowest = None  # the fewest points of a scored indicator (rounding keeps the order)
    missing_reasons = None  # the reasons of missing indicators, in indicator order
    low_reasons = None  # the reasons of scored indicators below the minimum
    for indicator, index, groups, rules, max_points, scored_results in plan.loop:
        if groups is not None and group not in groups:
            result = indicator.na_group_results.get(group)
            if result is None:
                result = indicator.make_na_group(group)
            append(result)
            if indicator.policy == FULL:
                raw += max_points
                criterion_points[index] += max_points
            else:
                left_out += max_points
                criterion_out[index] += max_points
            continue
        total = 0.0
        applicable = False
        missing = None
        for question, score, params, reviewer, members_rule in rules:
            if members_rule is None:
                if question in irrelevant:
                    unknown = irrelevant[question]
                    if unknown:  # whether it applies depends on answers that are missing
                        missing = (missing or ()) + plan.unknown_entries(unknown)
                    continue
                value = values.get(question)
                if not value:
                    if not isinstance(value, Number):
                        missing = (missing or ()) + (("q", question, reviewer),)
                        continue
                elif value.__class__ is float and value != value:  # NaN
                    missing = (missing or ()) + (("q", question, reviewer),)
                    continue
                points = score(params, value, values)
            else:
                gaps = _member_gaps(members_rule, members)
                if gaps:
                    missing = (missing or ()) + gaps
                    continue
                points = score(params, None, members.context)
            if points is not None:
                applicable = True
                total += points
        if missing is not None:
            result = indicator.missing_results.get(missing)
            if result is None:
                result = indicator.make_missing(missing)
            append(result)
            complete = False
            criterion_judged[index] = True
            if missing_reasons is None:
                missing_reasons = list(result.reasons)
            else:
                missing_reasons.extend(result.reasons)
        elif applicable:
            if total > max_points:
                total = max_points
            result = scored_results.get(total)
            if result is None:
                result = indicator.make_scored(total)
            append(result)
            raw += total
            criterion_points[index] += total
            criterion_judged[index] = True
            if lowest is None or total < lowest:
                lowest = total
            if result.reasons:
                if low_reasons is None:
                    low_reasons = list(result.reasons)
                else:
                    low_reasons.extend(result.reasons)
        else:
            append(indicator.na_rules_result)
            if indicator.policy == FULL:
                raw += max_points
                criterion_points[index] += max_points
            else:
                left_out += max_points
                criterion_out[index] += max_points

    criteria = _criteria(plan, criterion_points, criterion_out)
    raw_total = raw if raw.is_integer() else round_half_up(raw)
    nothing_applies = False
    if left_out:
        rescaled = True
        remaining = plan.total_points - left_out
        if remaining > 0:
            total = round_half_up(raw * plan.total_points / remaining)
        else:
            total = 0.0
            nothing_applies = True
    else:
        rescaled = False
        total = raw_total

    reasons: list[Reason] | None = None
    level = None
    if not complete:
        recognised = None
        reasons = missing_reasons
        if low_reasons:
            reasons.extend(low_reasons)
    elif nothing_applies:
        recognised = False
        reasons = [_both("Không có chỉ số nào áp dụng", "No indicator applies")]
    else:
        if total < plan.min_total:
            reasons = [_total_failure(plan, total)]
        if plan.min_criterion_share is not None:
            for n, criterion in enumerate(criteria):
                if criterion_judged[n]:
                    reason = _criterion_failure(plan, criterion)
                    if reason is not None:
                        reasons = reasons or []
                        reasons.append(reason)
        if low_reasons:
            if reasons:
                reasons.extend(low_reasons)
            else:
                reasons = low_reasons
        recognised = not reasons
        if recognised and plan.levels:
            level = _level(plan, total, lowest)
    if reasons:
        reasons_vi = tuple([r.vi for r in reasons])
        reasons_en = tuple([r.en for r in reasons])
    else:
        reasons_vi = reasons_en = ()
    return _make_result(
        cls,
        tuple(results),
        criteria,
        total,
        raw_total,
        rescaled,
        complete,
        recognised,
        level,
        reasons_vi,
        reasons_en,
    )


def _criteria(plan: ScoringPlan, points: list[float], out: list[float]) -> tuple:
    """The criterion results for these sums (memoised per criterion: few sums occur)."""
    made = []
    for n, memo in enumerate(plan.criterion_memo):
        key = (points[n], out[n])
        one = memo.get(key)
        if one is None:
            one = CriterionResult(
                plan.criteria[n],
                round_half_up(points[n]),
                plan.criteria_max[n],
                plan.criteria_max[n] - out[n],
            )
            if len(memo) >= _MEMO_LIMIT:
                memo.clear()
            memo[key] = one
        made.append(one)
    return tuple(made)


def _criterion_failure(plan: ScoringPlan, criterion: CriterionResult) -> Reason | None:
    """The reason a criterion is under its share, or None (memoised)."""
    try:
        return plan.criterion_failures[criterion]
    except KeyError:
        pass
    share = plan.min_criterion_share
    threshold = round_half_up(share * criterion.counted_max)
    reason = None
    if criterion.points < threshold:
        percent = share * 100
        reason = _both(
            f"{criterion.code}: {_fmt(criterion.points, 'vi')} < {_fmt(threshold, 'vi')} "
            f"({_fmt(percent, 'vi')}% của {_fmt(criterion.counted_max, 'vi')})",
            f"{criterion.code}: {_fmt(criterion.points, 'en')} < {_fmt(threshold, 'en')} "
            f"({_fmt(percent, 'en')}% of {_fmt(criterion.counted_max, 'en')})",
        )
    if len(plan.criterion_failures) >= _MEMO_LIMIT:
        plan.criterion_failures.clear()
    plan.criterion_failures[criterion] = reason
    return reason


def _total_failure(plan: ScoringPlan, total: float) -> Reason:
    reason = plan.total_failures.get(total)
    if reason is None:
        reason = _both(
            f"Tổng điểm {_fmt(total, 'vi')} < {_fmt(plan.min_total, 'vi')}",
            f"Total {_fmt(total, 'en')} < {_fmt(plan.min_total, 'en')}",
        )
        if len(plan.total_failures) >= _MEMO_LIMIT:
            plan.total_failures.clear()
        plan.total_failures[total] = reason
    return reason


def _level(plan: ScoringPlan, total: float, lowest: float | None) -> str | None:
    """The highest level reached; ``lowest`` is the fewest points of a scored indicator."""
    lowest_rounded = None if lowest is None else round_half_up(lowest)
    for code, min_total, min_indicator in plan.levels:
        if total < min_total:
            continue
        if (
            min_indicator is not None
            and lowest_rounded is not None
            and lowest_rounded < min_indicator
        ):
            continue
        return code
    return None


def score_member_with(
    plan: ScoringPlan, profile: MemberProfile, answers: Mapping[str, Any]
) -> MemberResult:
    """Score one citizen with a compiled plan (the bulk entry point)."""
    if plan.subject == "household":
        raise ValueError(f"{plan.spec.code} is a household set; use score_household")
    values = dict(answers)
    values["age"] = profile.age
    group = values["target_group"] = profile.target_group
    values["sex"] = profile.sex
    irrelevant = _blank_irrelevant(plan.member_relevance, values)
    return _score(plan, values, irrelevant, group, None, MemberResult)


def score_member(
    *, spec: CriteriaSpec, profile: MemberProfile, answers: Mapping[str, Any]
) -> MemberResult:
    """Score one citizen against a citizen criteria set (see the module docstring)."""
    return score_member_with(compile_spec(spec), profile, answers)


def score_household_with(
    plan: ScoringPlan, answers: Mapping[str, Any], members: Sequence[MemberContext]
) -> HouseholdResult:
    """Score one household with a compiled plan."""
    if plan.subject != "household":
        raise ValueError(f"{plan.spec.code} is not a household set; use score_member")
    values = dict(answers)
    irrelevant = _blank_irrelevant(plan.household_relevance, values)
    member_values = []
    member_irrelevant = []
    for member in members:
        member_dict = member.values()
        member_irrelevant.append(_blank_irrelevant(plan.member_relevance, member_dict))
        member_values.append(member_dict)
    context = _Members(member_values, member_irrelevant)
    return _score(plan, values, irrelevant, None, context, HouseholdResult)


def score_household(
    *,
    spec: CriteriaSpec,
    answers: Mapping[str, Any],
    members: Sequence[MemberContext],
) -> HouseholdResult:
    """Score one household against a household criteria set (see the module docstring)."""
    return score_household_with(compile_spec(spec), answers, members)
