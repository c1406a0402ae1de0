"""Rule types whose answer is the points: entered by a reviewer, or a direct score."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from criteria.rules.base import (
    NUMBER,
    AnswerHints,
    MemberTests,
    Param,
    ParamProblem,
    RuleType,
    Score,
    register,
)
from criteria.rules.checks import check_number, number
from criteria.rules.words import number_text
from criteria.spec import Label


class _Bounded(RuleType):
    """Points are the number answered, kept within 0 and a maximum."""

    question_types = ("integer", "decimal")

    def top(self, params: Mapping[str, Any]) -> float:
        raise NotImplementedError

    def ceiling(self, params):
        return self.top(params)

    def score(self, params, value, context):
        """Take the number as it is, kept within 0 and the maximum."""
        return min(max(number(value) or 0.0, 0.0), self.top(params))

    def compile(self, params, *, members: MemberTests | None = None) -> Score:
        top = self.top(params)
        return lambda p, value, c: min(max(number(value) or 0.0, 0.0), top)

    def answer_hints(self, params):
        return AnswerHints(top=self.top(params))

    def vectorise(self, params, column, *, choices: Sequence[str]):
        import numpy as np

        # NaN (no number) scores 0, as ``score`` does; an infinite answer stays infinite.
        missing = np.isnan(column)
        return np.clip(np.where(missing, 0.0, column), 0.0, self.top(params)), missing


@register
class ReviewerScore(_Bounded):
    code = "reviewer_score"
    label = Label(
        "Điểm trực tiếp do người kiểm tra chấm theo minh chứng",
        "Direct score entered by the reviewer from evidence",
    )
    params = (Param("max", NUMBER),)

    def top(self, params):
        return float(number(params.get("max")) or 0.0)

    def check(self, params, question, choices):
        problems = check_number(params, "max")
        if question is not None and not question.reviewer_only:
            problems.append(
                ParamProblem(
                    "question",
                    f"câu hỏi “{question.code}” phải là câu do người kiểm tra chấm (reviewer_only)",
                    f"question “{question.code}” must be marked reviewer_only",
                )
            )
        return problems

    def describe(self, params, *, choice_label, language):
        top = number_text(params["max"], language.startswith("en"))
        if language.startswith("en"):
            return f"Scored 0–{top} by the reviewer from evidence"
        return f"Người kiểm tra chấm 0–{top} theo minh chứng"


@register
class Direct(_Bounded):
    """The answer is the score (a 0–10 self-rating needs no 11-band table).

    The bound is the indicator's maximum: the engine caps an indicator's points at its
    ``max_points``, so the rule itself only keeps the number at or above 0. Its ceiling
    is unbounded for the workbook check, which compares rules against the maximum.
    """

    code = "direct"
    label = Label(
        "Điểm bằng số trả lời (tối đa bằng điểm tối đa của chỉ số)",
        "Points = the number answered (up to the indicator's maximum)",
    )
    params = ()

    def top(self, params):
        return float("inf")

    def ceiling(self, params):
        return 0.0

    def check(self, params, question, choices):
        return []

    def describe(self, params, *, choice_label, language):
        if language.startswith("en"):
            return "Points = the number answered, up to the indicator's maximum"
        return "Điểm bằng số trả lời, tối đa bằng điểm tối đa của chỉ số"

    def answer_hints(self, params):
        return AnswerHints()
