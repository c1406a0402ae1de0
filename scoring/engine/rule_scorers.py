"""Rule functions with their params read once, and member conditions remembered per member.

The fast paths of the built-in rule types; each gives the results of the rule type
registered in ``criteria.rules`` (tests compare them).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from criteria import rules as _rules
from criteria.expressions import parse
from criteria.spec import MEMBER_BUILTINS
from scoring.engine.conditions import compile_condition

# Rule functions with their params read once ----------------------------------------


def _scorer(score: Callable, params: Mapping[str, Any]) -> Callable:
    """Return ``score`` or, for the built-in rule types, an equivalent closure that has read
    its params once (same results; tests compare them with ``criteria.rules``). A rule type
    replaced in the registry is used as registered."""
    number = _rules._number
    if score is _rules.choice_points:
        table = {k: float(number(v) or 0.0) for k, v in params["points"].items()}
        return lambda p, value, c: table.get(str(value), 0.0)
    if score is _rules.yes_no:
        yes = str(params.get("yes", "yes"))
        points = float(params["points"])
        no_points = float(number(params.get("no_points")) or 0.0)
        return lambda p, value, c: points if str(value) == yes else no_points
    if score is _rules.bands:
        bands = tuple(
            (float(b["min"]), number(b.get("max")), float(b["points"])) for b in params["bands"]
        )

        def banded(p, value, c):
            value = number(value)
            if value is None:
                return 0.0
            for low, high, points in bands:
                if value >= low and (high is None or value <= high):
                    return points
            return 0.0

        return banded
    if score is _rules.reviewer_score:
        top = float(params["max"])
        return lambda p, value, c: min(max(number(value) or 0.0, 0.0), top)
    if score is _rules.checklist:
        cap = float(params["cap"])
        if "points" in params:
            table = {k: float(number(v) or 0.0) for k, v in params["points"].items()}

            def listed(p, value, c):
                items = value if isinstance(value, (list, tuple, set)) else str(value or "").split()
                total = 0.0
                for item in dict.fromkeys(map(str, items)):
                    total += table.get(item, 0.0)
                return total if total < cap else cap

            return listed
        per_item = float(params["per_item"])

        def counted(p, value, c):
            items = value if isinstance(value, (list, tuple, set)) else str(value or "").split()
            total = len(set(items)) * per_item
            return total if total < cap else cap

        return counted
    return score


def _members_scorer(score: Callable, params: Mapping[str, Any], rule: _MembersRule) -> Callable:
    """Return ``score`` or, for the built-in ``members_*`` rule types, an equivalent closure
    that uses the rule's compiled condition and test instead of interpreting them for every
    member (same results: ``compile_condition`` has the interpreter's semantics, and tests
    compare the two). A rule type replaced in the registry is used as registered."""
    condition, test = rule.condition, rule.test

    def matching(context: Mapping[str, Any]) -> list:
        members = context.get("members") or []
        return list(members) if condition is None else [m for m in members if condition(m)]

    def passing(members: list) -> int:
        return len(members) if test is None else sum(1 for m in members if test(m))

    if score is _rules.members_all:
        points = float(params["points"])

        def all_pass(p, value, context):
            found = matching(context)
            if not found:
                return None
            return points if passing(found) == len(found) else 0.0

        return all_pass
    if score is _rules.members_any:
        points = float(params["points"])

        def any_passes(p, value, context):
            found = matching(context)
            if not found:
                return None
            return points if passing(found) else 0.0

        return any_passes
    if score is _rules.members_share:
        points = float(params["points"])

        def share(p, value, context):
            found = matching(context)
            if not found:
                return None
            return points * passing(found) / len(found)

        return share
    if score is _rules.members_count:
        bands = tuple(
            (float(b["min"]), _rules._number(b.get("max")), float(b["points"]))
            for b in params["bands"]
        )

        def counted(p, value, context):
            number = passing(matching(context))
            for low, high, band_points in bands:
                if number >= low and (high is None or number <= high):
                    return band_points
            return 0.0

        return counted
    return score


# Member conditions remembered per member ------------------------------------------

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
    """What the engine needs to check a member-derived rule before scoring it."""

    __slots__ = ("condition", "condition_names", "condition_text", "test", "test_names")

    def __init__(self, params: Mapping[str, Any], checked: frozenset[str]):
        self.condition_text = str(params.get("condition") or "")
        self.condition = _member_condition(self.condition_text) if self.condition_text else None
        test_text = str(params.get("test") or "")
        self.test = _member_condition(test_text) if test_text else None
        self.condition_names = _checked_names(self.condition_text, checked)
        self.test_names = _checked_names(test_text, checked)


def _checked_names(text: str, checked: frozenset[str]) -> tuple[str, ...]:
    if not text.strip():
        return ()
    return tuple(sorted(parse(text).names & checked))
