"""Encode a household as wizard step data: a submitted response, so that a correction
starts from it, or a copy a device sent, so that the surveyor corrects it online."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from criteria.spec import CriteriaSpec
from survey.forms import members_management_data
from survey.models import HouseholdResponse
from survey.shape import HOUSEHOLD_FIELDS, MEMBER_FIELDS, PERSON_ID
from survey.steps import HOUSEHOLD, MEMBERS, plan_steps

Encode = Callable[[Any], "list[str] | None"]  # None: leave the field out


def _encode(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]


def _payload_value(value: Any) -> list[str] | None:
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, bool):
        return ["1" if value else "0"]
    if isinstance(value, float) and value.is_integer():
        return [str(int(value))]
    return _encode(value)


def _step_data(
    *,
    details: Mapping[str, Any],
    members: Sequence[Mapping[str, Any]],
    household_answers: Mapping[str, Any],
    citizen: CriteriaSpec,
    household: CriteriaSpec | None,
    encode: Encode,
) -> dict[str, Any]:
    """Formtools storage data with every step filled; only the keys present are encoded."""

    def put(target: dict, key: str, values: Mapping[str, Any], name: str) -> None:
        if name in values and (encoded := encode(values[name])) is not None:
            target[key] = encoded

    household_step: dict[str, list[str]] = {}
    for name in HOUSEHOLD_FIELDS:
        put(household_step, f"household-{name}", details, name)
    step_data: dict[str, dict[str, list[str]]] = {
        HOUSEHOLD: household_step,
        MEMBERS: members_management_data(len(members)),
    }
    for index, member in enumerate(members):
        for name in (*MEMBER_FIELDS, PERSON_ID):
            put(step_data[MEMBERS], f"members-{index}-{name}", member, name)
    for step in plan_steps(citizen=citizen, household=household):
        data: dict[str, list[str]] = {}
        if step.kind == "member_questions":
            for index, member in enumerate(members):
                answers = member.get("answers") or {}
                for question in step.questions:
                    put(data, f"{step.name}-m{index}-{question.code}", answers, question.code)
        elif step.kind == "household_questions":
            for question in step.questions:
                put(data, f"{step.name}-{question.code}", household_answers, question.code)
        else:
            continue
        step_data[step.name] = data
    return {"step": HOUSEHOLD, "step_data": step_data, "step_files": {}, "extra_data": {}}


def step_data_from_response(
    *, response: HouseholdResponse, citizen: CriteriaSpec, household: CriteriaSpec | None
) -> dict[str, Any]:
    """Return formtools storage data with every step filled from ``response``."""
    members = [
        {**{name: getattr(m, name) for name in (*MEMBER_FIELDS, PERSON_ID)}, "answers": m.answers}
        for m in response.members.order_by("position")
    ]
    details = {
        "unit": response.unit_id,
        "village": response.village,
        "address": response.address,
        "head_name": response.head_name,
        "survey_date": response.survey_date.isoformat(),
    }
    return _step_data(
        details=details,
        members=members,
        household_answers=response.answers,
        citizen=citizen,
        household=household,
        encode=_encode,
    )


def step_data_from_payload(
    *, payload: Mapping[str, Any], citizen: CriteriaSpec, household: CriteriaSpec | None
) -> dict[str, Any]:
    """Return formtools storage data filled from a household sent by a device (sync API).

    The values are taken as sent, wrong ones included: the wizard's steps check them again,
    so the surveyor sees each problem where the form shows that field. A person id is not
    carried: only a revisit's use case may keep one, from the household's own members.
    """
    members = [
        {k: v for k, v in m.items() if k != PERSON_ID}
        for m in payload.get("members") or []
        if isinstance(m, Mapping)
    ]
    return _step_data(
        details=payload.get("household") or {},
        members=members,
        household_answers=payload.get("answers") or {},
        citizen=citizen,
        household=household,
        encode=_payload_value,
    )
