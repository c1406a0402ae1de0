"""Scores a reviewer gives from evidence, entered on the response page itself.

Some questions (``reviewer_only``) are not asked in the field: the commune reviewer
scores them after checking evidence. Entering them is a revision of the response like a
correction (history, audit, edit conflicts), but it leaves the review status alone: it
is part of checking, not a change by the surveyor.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.selectors import changeable_units
from criteria.selectors import spec_of
from criteria.spec import CriteriaSpec, Question
from survey.errors import EditConflict, SurveyError
from survey.forms import check_answer, profile_of
from survey.models import HouseholdResponse, MemberResponse, ResponseStatus
from survey.review import REVIEW, ensure_unlocked, holds
from survey.snapshots import differences, record_revision, snapshot_of
from survey.steps import is_asked

HOUSEHOLD = "household"  # the owner of household-level items in ``ReviewerItem.owner``


@dataclass(frozen=True)
class ReviewerItem:
    """One score to give: to a member (``owner`` is their person id) or to the household."""

    owner: str
    owner_name: str
    question: Question
    spec: CriteriaSpec
    value: Any

    @property
    def name(self) -> str:
        return f"{self.owner}-{self.question.code}"


def _reviewer_questions(spec: CriteriaSpec | None, level: str) -> list[Question]:
    if spec is None:
        return []
    return [q for q in spec.questions if q.reviewer_only and q.level == level]


def reviewer_items(*, response: HouseholdResponse) -> list[ReviewerItem]:
    """Return the reviewer's scores the response can take, with their current values."""
    round_ = response.round
    citizen = spec_of(criteria_set=round_.citizen_set)
    household = spec_of(criteria_set=round_.household_set) if round_.household_set else None
    year = response.survey_date.year
    items = []
    member_questions = _reviewer_questions(citizen, "member")
    for member in response.members.all() if member_questions else ():
        profile = profile_of(
            {
                "birth_year": member.birth_year,
                "target_group": member.target_group,
                "sex": member.sex,
            },
            survey_year=year,
        )
        for question in member_questions:
            if is_asked(
                spec=citizen,
                source="citizen",
                question=question,
                profile=profile,
                answers=member.answers,
            ):
                items.append(
                    ReviewerItem(
                        owner=str(member.person_id),
                        owner_name=member.full_name,
                        question=question,
                        spec=citizen,
                        value=member.answers.get(question.code),
                    )
                )
    for question in _reviewer_questions(household, "household"):
        if is_asked(
            spec=household,
            source="household",
            question=question,
            profile={},
            answers=response.answers,
        ):
            items.append(
                ReviewerItem(
                    owner=HOUSEHOLD,
                    owner_name=response.head_name,
                    question=question,
                    spec=household,
                    value=response.answers.get(question.code),
                )
            )
    return items


def may_score(*, user: User, response: HouseholdResponse) -> bool:
    """Whether ``user`` may give the reviewer's scores of ``response`` now."""
    return (
        holds(user=user, permission=REVIEW)
        and response.status != ResponseStatus.APPROVED
        and changeable_units(user=user).filter(key=response.unit_id).exists()
    )


@transaction.atomic
def save_reviewer_scores(
    *,
    response_id: int,
    user: User,
    base_revision: int,
    values: Mapping[str, Any],
    language: str = "vi",
) -> HouseholdResponse:
    """Store the reviewer's scores keyed by ``ReviewerItem.name``; refuse them all on a problem."""
    response = (
        HouseholdResponse.objects.select_for_update()
        .select_related("round", "household")
        .get(pk=response_id)
    )
    if not may_score(user=user, response=response):
        raise SurveyError(_("Bạn không được chấm điểm phiếu này."))
    ensure_unlocked(round_=response.round, unit_key=response.unit_id)
    if response.revision != base_revision:
        raise EditConflict(
            _("Phiếu vừa được sửa sau khi bạn mở nó. Điểm chưa được lưu; hãy mở lại phiếu.")
        )
    items = {item.name: item for item in reviewer_items(response=response)}
    problems = [
        _("“%(question)s” của %(who)s: %(problem)s")
        % {"question": item.question.label.get(language), "who": item.owner_name, "problem": p}
        for name, item in items.items()
        if (
            p := check_answer(
                question=item.question, value=values.get(name), values={}, language=language
            )
        )
    ]
    if problems:
        raise SurveyError("\n".join(problems))
    before = snapshot_of(response)
    members = {str(m.person_id): m for m in response.members.all()}
    for name, item in items.items():
        value = values.get(name)
        answers = response.answers if item.owner == HOUSEHOLD else members[item.owner].answers
        if value is None:
            answers.pop(item.question.code, None)
        else:
            answers[item.question.code] = value
    changed = differences(before, snapshot_of(response, members=members.values()))
    if not changed:
        return response
    MemberResponse.objects.bulk_update(members.values(), ["answers"])
    response.revision += 1
    response.updated_by = user
    response.save(update_fields=["answers", "revision", "updated_by", "updated_at"])
    record_revision(response=response, user=user, changes=changed, reviewer_scores=True)
    return response
