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


def _payload_value(value: Any) -> list[str] | None:
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, bool):
        return ["1" if value else "0"]
    if isinstance(value, float) and value.is_integer():
        return [str(int(value))]
    return _encode(value)


def step_data_from_payload(
    *, payload: dict[str, Any], citizen: CriteriaSpec, household: CriteriaSpec | None
) -> dict[str, Any]:
    """Return formtools storage data filled from a household sent by a device (sync API).

    The values are taken as sent, wrong ones included: the wizard's steps check them again,
    so the surveyor sees each problem where the form shows that field.
    """
    details = payload.get("household") or {}
    members = [m for m in payload.get("members") or [] if isinstance(m, dict)]
    household_step = {}
    for name in ("unit", "village", "address", "head_name", "survey_date"):
        encoded = _payload_value(details.get(name))
        if encoded is not None:
            household_step[f"household-{name}"] = encoded
    step_data: dict[str, dict[str, list[str]]] = {
        HOUSEHOLD: household_step,
        MEMBERS: members_management_data(len(members)),
    }
    for index, member in enumerate(members):
        for name in MEMBER_FIELDS:
            encoded = _payload_value(member.get(name))
            if encoded is not None:
                step_data[MEMBERS][f"members-{index}-{name}"] = encoded
    household_answers = payload.get("answers") or {}
    for step in plan_steps(citizen=citizen, household=household):
        data: dict[str, list[str]] = {}
        if step.kind == "member_questions":
            for index, member in enumerate(members):
                answers = member.get("answers") or {}
                for question in step.questions:
                    encoded = _payload_value(answers.get(question.code))
                    if encoded is not None:
                        data[f"{step.name}-m{index}-{question.code}"] = encoded
            step_data[step.name] = data
        elif step.kind == "household_questions":
            for question in step.questions:
                encoded = _payload_value(household_answers.get(question.code))
                if encoded is not None:
                    data[f"{step.name}-{question.code}"] = encoded
            step_data[step.name] = data
    return {"step": HOUSEHOLD, "step_data": step_data, "step_files": {}, "extra_data": {}}
