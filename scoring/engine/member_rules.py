"""Member-derived rules: their compiled condition and test, remembered per member.

A ``members_*`` rule type compiles its scorer over a ``_MembersRule`` (it is the
``criteria.rules.MemberTests`` the type asks for); tests compare the results with the
rule type's reference ``score``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from criteria.expressions import parse
from criteria.spec import MEMBER_BUILTINS
from scoring.engine.conditions import compile_condition

_MEMO_KEY = "\x00conditions"  # a key no expression can name (names are identifiers)
_STABLE_NAMES = frozenset(MEMBER_BUILTINS)
_RESULT_NAMES = frozenset({"recognised", "total"})


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

    __slots__ = (
        "condition",
        "condition_names",
        "condition_text",
        "reads_result",
        "test",
        "test_names",
    )

    def __init__(self, params: Mapping[str, Any], checked: frozenset[str]):
        self.condition_text = str(params.get("condition") or "")
        self.condition = _member_condition(self.condition_text) if self.condition_text else None
        test_text = str(params.get("test") or "")
        self.test = _member_condition(test_text) if test_text else None
        self.condition_names = _checked_names(self.condition_text, checked)
        self.test_names = _checked_names(test_text, checked)
        # A rule on the members' citizen results is about the members that set assesses.
        read = set()
        for text in (self.condition_text, test_text):
            if text.strip():
                read |= parse(text).names
        self.reads_result = bool(read & _RESULT_NAMES)

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
