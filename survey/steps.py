"""The household form's steps and who is asked what: pure functions over plain data.

The steps follow from the round's criteria versions, never from code: household
details, members, one step per criterion of the citizen set (each member is
asked the questions that apply to them), the household set's member questions,
the household questions, then a review. A question belongs to the step of the
first indicator that scores it; a question no rule scores (a follow-up such as
"which language?") goes with the next scored question in the set's order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from criteria.expressions import holds, parse
from criteria.spec import CriteriaSpec, Label, Question

HOUSEHOLD = "household"
MEMBERS = "members"
REVIEW = "review"
FAMILY = "family"
HOUSEHOLD_QUESTIONS = "household_questions"


@dataclass(frozen=True)
class Step:
    name: str
    kind: str  # household, members, member_questions, household_questions, review
    title: Label
    source: str = ""  # "citizen" or "household": the set whose questions the step asks
    questions: tuple[Question, ...] = ()


def _member_steps_of_citizen_set(spec: CriteriaSpec) -> list[Step]:
    owner: dict[str, str] = {}
    for indicator in spec.indicators:
        for rule in indicator.rules:
            if rule.question and rule.question not in owner:
                owner[rule.question] = indicator.criterion
    member_questions = [q for q in spec.questions if q.level == "member" and q.type != "note"]
    assigned: dict[str, list[Question]] = {c.code: [] for c in spec.criteria}
    waiting: list[Question] = []
    for question in member_questions:
        criterion = owner.get(question.code)
        if criterion is None:
            waiting.append(question)
            continue
        assigned[criterion] += [*waiting, question]
        waiting = []
    if waiting and spec.criteria:
        assigned[spec.criteria[-1].code] += waiting
    return [
        Step(
            name=f"c{index}",
            kind="member_questions",
            title=criterion.label,
            source="citizen",
            questions=tuple(assigned[criterion.code]),
        )
        for index, criterion in enumerate(spec.criteria, start=1)
        if assigned[criterion.code]
    ]


def plan_steps(*, citizen: CriteriaSpec, household: CriteriaSpec | None) -> tuple[Step, ...]:
    """Return the form's steps for a round that uses these versions."""
    steps = [
        Step(HOUSEHOLD, HOUSEHOLD, Label("Thông tin hộ gia đình", "Household details")),
        Step(MEMBERS, MEMBERS, Label("Thành viên trong hộ", "Household members")),
        *_member_steps_of_citizen_set(citizen),
    ]
    if household is not None:
        family = tuple(q for q in household.questions if q.level == "member" and q.type != "note")
        if family:
            steps.append(
                Step(
                    FAMILY,
                    "member_questions",
                    Label("Học tập của các thành viên", "Members' learning"),
                    "household",
                    family,
                )
            )
        own = tuple(q for q in household.questions if q.level == "household" and q.type != "note")
        if own:
            steps.append(
                Step(
                    HOUSEHOLD_QUESTIONS,
                    "household_questions",
                    Label("Câu hỏi về gia đình", "About the household"),
                    "household",
                    own,
                )
            )
    steps.append(Step(REVIEW, REVIEW, Label("Xem lại và gửi", "Review and submit")))
    return tuple(steps)


# Predicates -------------------------------------------------------------------------


def groups_scoring(*, spec: CriteriaSpec, question: str) -> frozenset[str] | None:
    """Return the target groups whose indicators use ``question``; None means every group."""
    groups: set[str] = set()
    used = False
    for indicator in spec.indicators:
        if any(rule.question == question for rule in indicator.rules):
            used = True
            if not indicator.target_groups:
                return None
            groups |= set(indicator.target_groups)
    return frozenset(groups) if used else None


def is_assessed(*, spec: CriteriaSpec, target_group: str) -> bool:
    """Return whether the citizen set assesses a member of this group at all."""
    return any(group.code == target_group for group in spec.target_groups)


def member_values(*, profile: Mapping[str, Any], answers: Mapping[str, Any]) -> dict[str, Any]:
    """Return what a member's conditions read: answers plus age, target group and sex."""
    return {
        **answers,
        "age": profile.get("age"),
        "target_group": profile.get("target_group") or "",
        "sex": profile.get("sex"),
    }


def is_asked(
    *,
    spec: CriteriaSpec,
    source: str,
    question: Question,
    profile: Mapping[str, Any],
    answers: Mapping[str, Any],
) -> bool:
    """Return whether a member is asked ``question``: group, age and earlier answers decide.

    A citizen-set question is asked only of members the set assesses and whose
    group an indicator using it applies to; then its ``relevant`` condition must hold.
    """
    if source == "citizen":
        group = profile.get("target_group") or ""
        if not is_assessed(spec=spec, target_group=group):
            return False
        groups = groups_scoring(spec=spec, question=question.code)
        if groups is not None and group not in groups:
            return False
    return holds(question.relevant, member_values(profile=profile, answers=answers))


def could_be_asked(
    *, spec: CriteriaSpec, source: str, question: Question, profile: Mapping[str, Any]
) -> bool:
    """Return whether a member may be asked ``question`` once earlier answers are known.

    Used to decide which members a step lists before anything is answered: a
    condition on answers is not judged yet, one on age or group is. A condition
    on answers this member can never give (a school result for someone too old
    to be asked about school) is judged with those answers missing.
    """
    if source == "citizen":
        group = profile.get("target_group") or ""
        if not is_assessed(spec=spec, target_group=group):
            return False
        groups = groups_scoring(spec=spec, question=question.code)
        if groups is not None and group not in groups:
            return False
    if not question.relevant.strip():
        return True
    codes = [q.code for q in spec.questions]
    before = codes[: codes.index(question.code)] if question.code in codes else []
    for name in parse(question.relevant).names - {"age", "target_group", "sex"}:
        if name not in before:
            return True  # not an earlier question of this set: cannot be judged here
        earlier = spec.questions[codes.index(name)]
        if could_be_asked(spec=spec, source=source, question=earlier, profile=profile):
            return True
    return holds(question.relevant, member_values(profile=profile, answers={}))


def step_applies(*, step: Step, spec: CriteriaSpec, profiles: Sequence[Mapping[str, Any]]) -> bool:
    """Return whether a member-question step has anything to ask any member."""
    if step.kind != "member_questions":
        return True
    return any(
        could_be_asked(spec=spec, source=step.source, question=q, profile=p)
        for p in profiles
        for q in step.questions
    )
