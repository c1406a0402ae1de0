"""A round on the shipped pilot sets, and a helper that walks the household wizard."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.management import call_command

from criteria.selectors import find_version
from survey.models import Round
from survey.services import create_round
from tests.factories import MINH_QUAN_ACUTE, NGA_QUAN

CUONG_THINH = "04522@2020-02-01"


@pytest.fixture
def pilot_sets(units) -> None:
    call_command("install_criteria_sets", verbosity=0)


@pytest.fixture
def round_(pilot_sets) -> Round:
    return create_round(
        code="r2021",
        name="Thí điểm 2021",
        citizen_set=find_version(code="CDHT", version=1),
        household_set=find_version(code="GDHT", version=1),
        starts_on=date(2021, 6, 1),
        ends_on=date(2021, 12, 31),
        planned={NGA_QUAN: 20, MINH_QUAN_ACUTE: 20, CUONG_THINH: 20},
        status=Round.Status.OPEN,
    )


FARMER = {
    "full_name": "Nguyễn Văn An",
    "sex": "male",
    "birth_year": "1981",
    "ethnicity": "01",
    "education": "lower_secondary",
    "target_group": "nong_dan",
    "relationship": "head",
}
CADRE = {
    "full_name": "Trần Thị Bình",
    "sex": "female",
    "birth_year": "1986",
    "ethnicity": "02",
    "education": "university",
    "target_group": "can_bo",
    "relationship": "spouse",
}
CHILD = {
    "full_name": "Nguyễn Minh Châu",
    "sex": "female",
    "birth_year": "2011",
    "ethnicity": "01",
    "education": "primary",
    "target_group": "",
    "relationship": "child",
}
ELDER = {
    "full_name": "Nguyễn Văn Dũng",
    "sex": "male",
    "birth_year": "1953",
    "ethnicity": "01",
    "education": "primary",
    "target_group": "nong_dan",
    "relationship": "parent",
}
FOUR_MEMBERS = [FARMER, CADRE, CHILD, ELDER]

HOUSEHOLD = {
    "unit": NGA_QUAN,
    "village": "Thôn 3",
    "address": "Số 12, đường Nga Quán",
    "head_name": "Nguyễn Văn An",
    "survey_date": "2021-07-15",
}

# Best answers for an adult of every group (the follow-ups stay unanswered).
TOP_ADULT: dict[str, Any] = {
    "info_sources": ["books", "newspapers", "tv_radio", "phone", "internet"],
    "learning_plan": "written_followed",
    "community_sessions_12m": "8",
    "community_venues": ["learning_centre"],
    "encourages_learning": "always",
    "digital_skills": ["calls_messages", "social_chat", "internet_search", "e_payment", "email"],
    "numeracy": "plans",
    "work_improvement": "recognised",
    "checks_before_sharing": "always",
    "weighs_options": "always",
    "friendly_relations": "yes",
    "conflict_response": "mediates",
    "community_activities_12m": "7",
    "community_activity_kinds": ["learning_promotion", "charity"],
}


def management(step: str) -> dict[str, str]:
    return {"wizard-current_step": step}


def household_post(**changes) -> dict[str, Any]:
    data = management("household")
    data.update({f"household-{k}": v for k, v in {**HOUSEHOLD, **changes}.items()})
    return data


def members_post(members: list[dict[str, str]]) -> dict[str, Any]:
    data = management("members")
    data.update(
        {
            "members-TOTAL_FORMS": str(len(members)),
            "members-INITIAL_FORMS": "0",
            "members-MIN_NUM_FORMS": "1",
            "members-MAX_NUM_FORMS": "30",
        }
    )
    for index, member in enumerate(members):
        data.update({f"members-{index}-{k}": v for k, v in member.items()})
    return data


def questions_post(step: str, answers: dict[int, dict[str, Any]]) -> dict[str, Any]:
    data = management(step)
    for index, values in answers.items():
        data.update({f"{step}-m{index}-{code}": value for code, value in values.items()})
    return data
