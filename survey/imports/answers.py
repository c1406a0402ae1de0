"""The questions of a file: which are asked of whom, and each answer under the form's rules.

Relevance is ``survey.steps.is_asked`` in the order of the form's steps, required
answers and constraints are ``survey.forms.check_answer``. A question that is not
asked is never required, and an answer to it is dropped, as the web form drops it.
Results are memoised on exactly the values a ``relevant`` or ``constraint``
expression names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import translation

from criteria.expressions import holds, parse
from criteria.spec import CriteriaSpec, Question
from survey.forms import check_answer
from survey.imports.context import ImportContext
from survey.imports.reporting import Report, required_message
from survey.imports.rows import Record
from survey.imports.sheets import cell_at
from survey.imports.values import AnswerCleaner, frozen
from survey.steps import is_asked, member_values, plan_steps

BUILTINS = ("age", "target_group", "sex")
REVIEWER_MESSAGE = (
    "Câu này do người kiểm tra chấm theo minh chứng; tài khoản của bạn không được điền",
    "A reviewer scores this question from evidence; your account may not fill it",
)


@dataclass(frozen=True)
class Asked:
    source: str
    spec: CriteriaSpec
    question: Question
    cleaner: AnswerCleaner
    field: str
    relevant_names: tuple[str, ...]
    constraint_names: tuple[str, ...]
    blocked: bool  # reviewer-only and the user is no reviewer: the web form does not show it
    code: str = ""
    key: tuple[str, str] = ("", "")

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", self.question.code)
        object.__setattr__(self, "key", (self.field, self.source))


def _names(expression: str) -> tuple[str, ...]:
    return tuple(sorted(parse(expression).names)) if expression.strip() else ()


class AnswerChecker:
    """Check the household and member questions of each row, reporting into ``report``."""

    def __init__(self, *, context: ImportContext, report: Report):
        self.report = report
        citizen, household = context.citizen, context.household
        specs = {"citizen": citizen, "household": household}
        cleaners: dict[tuple[str, str], AnswerCleaner] = {}
        self.member_plan: list[Asked] = []
        self.household_plan: list[Asked] = []
        for step in plan_steps(citizen=citizen, household=household):
            if step.kind not in ("member_questions", "household_questions"):
                continue
            spec = specs[step.source]
            assert spec is not None
            for question in step.questions:
                cleaner = cleaners.setdefault(
                    (step.source, question.code), AnswerCleaner(question=question, spec=spec)
                )
                asked = Asked(
                    step.source,
                    spec,
                    question,
                    cleaner,
                    f"q:{question.code}",
                    _names(question.relevant),
                    _names(question.constraint),
                    blocked=step.kind == "member_questions"
                    and question.reviewer_only
                    and not context.reviewer,
                )
                plan = self.member_plan if step.kind == "member_questions" else self.household_plan
                plan.append(asked)
        self.sheet_plans: dict[tuple[int, str], list[tuple[Asked, int]]] = {}
        self.kept = frozenset()
        if not context.reviewer:
            self.kept = frozenset(
                q.code for s in (citizen, household) if s for q in s.questions if q.reviewer_only
            )
        self.asked_memo: dict[tuple, bool] = {}
        self.check_memo: dict[tuple, tuple[str, str] | None] = {}
        self.required_message = required_message()

    def plan_for(self, record: Record, kind: str) -> list[tuple[Asked, int]]:
        """The questions a sheet has columns for, with their column, in the form's order."""
        key = (id(record.fields), kind)
        plan = self.sheet_plans.get(key)
        if plan is None:
            questions = self.member_plan if kind == "member" else self.household_plan
            plan = self.sheet_plans[key] = [
                (asked, record.fields[asked.field])
                for asked in questions
                if asked.field in record.fields
            ]
        return plan

    def household_answers(self, record: Record) -> dict[str, Any]:
        """The household questions, as ``HouseholdQuestionsForm.clean`` checks them."""
        answers: dict[str, Any] = {}
        formulas = record.sheet.formulas
        values = record.values
        for asked, index in self.plan_for(record, "household"):
            if formulas and (record.row, index) in formulas:
                self.report.formula(record, index)
                continue
            text = cell_at(values, index)
            question = asked.question
            if not holds(question.relevant, answers):
                if text:
                    self.report.ignore(record, index)
                continue
            self._answer(record, index, asked, text, answers, None)
        return answers

    def _answer(
        self,
        record: Record,
        index: int,
        asked: Asked,
        text: str,
        answers: dict[str, Any],
        profile: Mapping[str, Any] | None,
    ) -> None:
        """Clean and check one asked question's answer; store it or report its problem."""
        question = asked.question
        value = json = None
        if text:
            value, json, problem = asked.cleaner.clean(text)
            if problem:
                self.report.add_at(record, index, problem)
                return
        if json is None:  # empty, as the form's field returns it: only "required" applies
            if question.required:
                self.report.add_at(record, index, self.required_message)
            return
        if question.constraint:
            problem = self._constraint(asked, value, answers, profile)
            if problem:
                self.report.add_at(record, index, problem)
                return
        answers[question.code] = json

    def member_answers(self, record: Record, profile: Mapping[str, Any]) -> dict[str, Any]:
        """The member questions, step by step, as ``MemberQuestionsForm.clean`` checks them.

        A member is asked a question when ``is_asked`` says so (group, age, earlier
        answers); its result is memoised on the group and the values its ``relevant``
        expression names, which are all it reads.
        """
        answers: dict[str, Any] = {}
        values = record.values
        size = len(values)
        formulas = record.sheet.formulas
        row = record.row
        group = profile["target_group"]
        asked_memo = self.asked_memo
        required = self.required_message
        for asked, index in self.plan_for(record, "member"):
            if formulas and (row, index) in formulas:
                self.report.formula(record, index)
                continue
            text = values[index] if index < size else ""
            if text:
                text = text.strip()
            if asked.blocked:
                if text:
                    self.report.add_at(record, index, REVIEWER_MESSAGE)
                continue
            names = asked.relevant_names
            if names:
                key: tuple = (
                    asked.key,
                    group,
                    *[profile[n] if n in BUILTINS else frozen(answers.get(n)) for n in names],
                )
            else:
                key = (asked.key, group)
            shown = asked_memo.get(key)
            if shown is None:
                shown = asked_memo[key] = is_asked(
                    spec=asked.spec,
                    source=asked.source,
                    question=asked.question,
                    profile=profile,
                    answers=answers,
                )
            if not shown:
                if text:
                    self.report.ignore(record, index)
                continue
            # As _answer, inlined: this loop runs for every answer of every member.
            if text:
                hit = asked.cleaner.memo.get(text) or asked.cleaner.clean(text)
                if hit[2] is not None:
                    self.report.add_at(record, index, hit[2])
                    continue
                stored = hit[1]
            else:
                stored = None
            if stored is None:
                if asked.question.required:
                    self.report.add_at(record, index, required)
                continue
            if asked.question.constraint:
                problem = self._constraint(asked, hit[0], answers, profile)
                if problem:
                    self.report.add_at(record, index, problem)
                    continue
            answers[asked.code] = stored
        return answers

    def _constraint(
        self,
        asked: Asked,
        value: Any,
        answers: Mapping[str, Any],
        profile: Mapping[str, Any] | None,
    ) -> tuple[str, str] | None:
        """``check_answer`` on a non-empty answer, memoised on exactly the values it reads."""
        key = (
            asked.field,
            asked.source,
            frozen(value),
            *[
                frozen(profile[n] if profile is not None and n in BUILTINS else answers.get(n))
                for n in asked.constraint_names
            ],
        )
        if key in self.check_memo:
            return self.check_memo[key]
        question = asked.question
        values = member_values(profile=profile, answers=answers) if profile else answers
        messages = []
        for language in ("vi", "en"):
            with translation.override(language):
                messages.append(
                    check_answer(question=question, value=value, values=values, language=language)
                )
        result = None if messages[0] is None else (messages[0], messages[1] or messages[0])
        self.check_memo[key] = result
        return result
