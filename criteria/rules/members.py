"""Rule types for household items computed from the members (household sets only).

``condition`` picks the members the item is about (all when empty) and ``test`` is what
each must satisfy; both are expressions (``criteria.expressions``) over a member's
answers and details. The engine passes its compiled versions to ``compile``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from criteria.expressions import parse
from criteria.rules.base import (
    BANDS,
    NUMBER_OR_POINTS,
    TEXT,
    MemberTests,
    Param,
    RuleType,
    Score,
    register,
)
from criteria.rules.checks import (
    bands_ceiling,
    check_bands,
    check_expression,
    check_number,
    number,
)
from criteria.rules.words import bands_text, number_text
from criteria.spec import Label


class _Interpreted:
    """``condition`` and ``test`` read by the expression interpreter (the reference)."""

    def __init__(self, params: Mapping[str, Any]):
        condition, test = params.get("condition"), params.get("test")
        self.condition = parse(str(condition)) if condition else None
        self.test = parse(str(test)) if test else None

    def matching(self, context: Mapping[str, Any]) -> list:
        members = context.get("members") or []
        if self.condition is None:
            return list(members)
        return [m for m in members if self.condition.holds(m)]

    def passing(self, members: list) -> int:
        if self.test is None:
            return len(members)
        return sum(1 for m in members if self.test.holds(m))


class _MembersRule(RuleType):
    question_types = ()
    params = (Param("condition", TEXT), Param("test", TEXT), Param("points", NUMBER_OR_POINTS))
    test_required = True

    def check(self, params, question, choices):
        problems = check_expression(params, "condition", required=False)
        problems += check_expression(params, "test", required=self.test_required)
        return problems + check_number(params, "points")

    def ceiling(self, params):
        return number(params.get("points")) or 0.0

    def score(self, params, value, context):
        return self.compile(params, members=_Interpreted(params))(params, value, context)

    def _who(self, params, en: bool) -> str:
        condition = params.get("condition") or ""
        if en:
            return f"members with {condition}" if condition else "members"
        return f"thành viên có {condition}" if condition else "thành viên"


@register
class MembersAll(_MembersRule):
    code = "members_all"
    label = Label("Mọi thành viên thoả điều kiện", "Every matching member passes")

    def compile(self, params, *, members: MemberTests | None = None) -> Score:
        """Give ``points`` when every member matching ``condition`` passes ``test``."""
        tests = members or _Interpreted(params)
        points = float(params["points"])

        def all_pass(p, value, context):
            found = tests.matching(context)
            if not found:
                return None
            return points if tests.passing(found) == len(found) else 0.0

        return all_pass

    def describe(self, params, *, choice_label, language):
        en, test = language.startswith("en"), params.get("test") or ""
        points = number_text(params["points"], en)
        if en:
            return f"{points} if all {self._who(params, en)} satisfy {test}"
        return f"{points} điểm nếu mọi {self._who(params, en)} đều thoả {test}"


@register
class MembersAny(_MembersRule):
    code = "members_any"
    label = Label("Có ít nhất một thành viên thoả", "At least one matching member passes")

    def compile(self, params, *, members: MemberTests | None = None) -> Score:
        """Give ``points`` when at least one member matching ``condition`` passes ``test``."""
        tests = members or _Interpreted(params)
        points = float(params["points"])

        def any_passes(p, value, context):
            found = tests.matching(context)
            if not found:
                return None
            return points if tests.passing(found) else 0.0

        return any_passes

    def describe(self, params, *, choice_label, language):
        en, test = language.startswith("en"), params.get("test") or ""
        points, condition = number_text(params["points"], en), params.get("condition") or ""
        if en:
            one = f"one member with {condition}" if condition else "one member"
            return f"{points} if at least {one} satisfies {test}"
        return f"{points} điểm nếu có ít nhất một {self._who(params, en)} thoả {test}"


@register
class MembersCount(_MembersRule):
    code = "members_count"
    label = Label("Số thành viên thoả điều kiện", "Count of members passing")
    params = (Param("condition", TEXT), Param("test", TEXT), Param("bands", BANDS))
    test_required = False

    def check(self, params, question, choices):
        problems = check_expression(params, "condition", required=False)
        problems += check_expression(params, "test", required=False)
        return problems + check_bands(params)

    def ceiling(self, params):
        return bands_ceiling(params)

    def compile(self, params, *, members: MemberTests | None = None) -> Score:
        """Give the points of the band that holds the number of matching members passing."""
        tests = members or _Interpreted(params)
        bands = tuple(
            (float(b["min"]), number(b.get("max")), float(b["points"])) for b in params["bands"]
        )

        def counted(p, value, context):
            found = tests.passing(tests.matching(context))
            for low, high, band_points_ in bands:
                if found >= low and (high is None or found <= high):
                    return band_points_
            return 0.0

        return counted

    def describe(self, params, *, choice_label, language):
        en, test = language.startswith("en"), params.get("test") or ""
        bands = bands_text(params["bands"], en)
        if en:
            passing = f" who satisfy {test}" if test else ""
            return f"Number of {self._who(params, en)}{passing}, bands: {bands}"
        passing = f" thoả {test}" if test else ""
        return f"Số {self._who(params, en)}{passing}, theo khoảng: {bands}"


@register
class MembersShare(_MembersRule):
    code = "members_share"
    label = Label("Tỷ lệ thành viên thoả điều kiện", "Share of members passing")

    def compile(self, params, *, members: MemberTests | None = None) -> Score:
        """Give ``points`` times the share of matching members who pass ``test``."""
        tests = members or _Interpreted(params)
        points = float(params["points"])

        def share(p, value, context):
            found = tests.matching(context)
            if not found:
                return None
            return points * tests.passing(found) / len(found)

        return share

    def describe(self, params, *, choice_label, language):
        en, test = language.startswith("en"), params.get("test") or ""
        points = number_text(params["points"], en)
        if en:
            return f"{points} × share of {self._who(params, en)} who satisfy {test}"
        return f"{points} × tỷ lệ {self._who(params, en)} thoả {test}"
