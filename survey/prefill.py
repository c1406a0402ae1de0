"""Encode a submitted response as wizard step data, so a correction starts from it."""

from __future__ import annotations

from typing import Any

from criteria.spec import CriteriaSpec
from survey.forms import members_management_data
from survey.models import HouseholdResponse
from survey.shape import MEMBER_FIELDS, PERSON_ID
from survey.steps import HOUSEHOLD, MEMBERS, plan_steps


def _encode(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]


def step_data_from_response(
    *, response: HouseholdResponse, citizen: CriteriaSpec, household: CriteriaSpec | None
) -> dict[str, Any]:
    """Return formtools storage data with every step filled from ``response``."""
    members = list(response.members.order_by("position"))
    step_data: dict[str, dict[str, list[str]]] = {
        HOUSEHOLD: {
            "household-unit": [response.unit_id],
            "household-village": [response.village],
            "household-address": [response.address],
            "household-head_name": [response.head_name],
            "household-survey_date": [response.survey_date.isoformat()],
        },
        MEMBERS: members_management_data(len(members)),
    }
    for index, member in enumerate(members):
        for name in (*MEMBER_FIELDS, PERSON_ID):
            step_data[MEMBERS][f"members-{index}-{name}"] = _encode(getattr(member, name))
    for step in plan_steps(citizen=citizen, household=household):
        if step.kind == "member_questions":
            data: dict[str, list[str]] = {}
            for index, member in enumerate(members):
                for question in step.questions:
                    if question.code in member.answers:
                        key = f"{step.name}-m{index}-{question.code}"
                        data[key] = _encode(member.answers[question.code])
            step_data[step.name] = data
        elif step.kind == "household_questions":
            step_data[step.name] = {
                f"{step.name}-{q.code}": _encode(response.answers[q.code])
                for q in step.questions
                if q.code in response.answers
            }
    return {"step": HOUSEHOLD, "step_data": step_data, "step_files": {}, "extra_data": {}}
