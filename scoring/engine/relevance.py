"""Which questions apply and which values are unknown (step 2 of the method).

Relevance conditions are compiled into steps in form order (``_relevance_steps``), run
on a member's or a household's values (``_blank_irrelevant``), and a household item
about members is checked for unanswered values before it is scored (``_member_gaps``).
"""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Number
from typing import Any

from criteria.expressions import parse
from criteria.spec import CriteriaSpec
from scoring.engine.conditions import compile_condition
from scoring.engine.member_rules import _member_condition, _MembersRule

_NOTHING: dict[str, tuple[str, ...]] = {}  # shared and never written to


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
    __slots__ = ("assessed", "assessed_context", "context", "irrelevant", "values")

    def __init__(self, values: list[dict[str, Any]], irrelevant: list, assessed: list[bool]):
        self.values = values
        self.irrelevant = irrelevant
        self.assessed = assessed
        self.context = {"members": values}
        self.assessed_context = {"members": [v for v, a in zip(values, assessed, strict=True) if a]}

    def context_for(self, rule: _MembersRule) -> dict[str, list]:
        """The members a rule is about: only the assessed ones if it reads their results."""
        return self.assessed_context if rule.reads_result else self.context


def _member_gaps(rule: _MembersRule, members: _Members) -> tuple:
    """The (name, member numbers) the rule needs but are unanswered, sorted by name."""
    gaps: dict[str, list[int]] = {}
    condition, condition_names, test_names = rule.condition, rule.condition_names, rule.test_names
    skip_unassessed = rule.reads_result
    for number, (values, irrelevant, assessed) in enumerate(
        zip(members.values, members.irrelevant, members.assessed, strict=True), start=1
    ):
        if skip_unassessed and not assessed:
            continue  # numbers stay those of the whole household
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
