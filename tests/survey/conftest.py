"""A round on the shipped pilot sets, and a helper that walks the household wizard."""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

import pytest
from django.conf import settings

from criteria.selectors import find_version
from criteria.services import save_spec
from criteria.yaml_io import read_yaml
from survey.models import Round
from survey.rounds import create_round
from tests.factories import MINH_QUAN_ACUTE, NGA_QUAN

CUONG_THINH = "04522@2020-02-01"


@functools.cache
def shipped_specs() -> tuple:
    """The shipped sets, read once per test session (reading is most of installing)."""
    directory = settings.BASE_DIR / "fixtures" / "criteria"
    return tuple(read_yaml(path) for path in sorted(directory.glob("*.yaml")))


@pytest.fixture
def pilot_sets(units) -> None:
    """What ``manage.py install_criteria_sets`` installs: save_spec of every shipped set."""
    for spec in shipped_specs():
        save_spec(spec=spec)


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


# The whole walk -------------------------------------------------------------------------

SURVEY_YEAR = 2021
C1 = ("info_sources", "learning_plan", "community_sessions_12m", "community_venues")
C1 += ("encourages_learning",)
C2 = ("digital_skills", "foreign_language_level", "foreign_languages")
C2 += ("foreign_language_certificate", "numeracy", "work_improvement", "farming_improvements")
C2 += ("workplace_improvements", "checks_before_sharing", "weighs_options")
C3 = ("friendly_relations", "conflict_response", "community_activities_12m")
C3 += ("community_activity_kinds",)
CITIZEN_STEPS = {"c1": C1, "c2": C2, "c3": C3}
CADRE_LANGUAGE = {"foreign_language_level": "work", "foreign_language_certificate": "yes"}
HOUSEHOLD_ANSWERS: dict[str, Any] = {
    "reading_materials": ["books", "newspapers"],
    "internet_access": "yes",
    "learning_devices": ["smartphone", "tv"],
    "study_place": "yes",
    "life_improved": "clear",
}


def age_of(member: dict[str, str], year: int = SURVEY_YEAR) -> int:
    return year - int(member["birth_year"])


def citizen_answers(member: dict[str, str]) -> dict[str, Any]:
    """The answers the walk gives a member under CDHT v1 (nothing without a group)."""
    if not member["target_group"]:
        return {}
    answers = dict(TOP_ADULT)
    if member["target_group"] == "can_bo":
        answers.update(CADRE_LANGUAGE)
    return answers


def family_answers(member: dict[str, str], year: int = SURVEY_YEAR) -> dict[str, Any]:
    """The answers the walk gives a member under GDHT v1 (by age)."""
    age = age_of(member, year)
    if 6 <= age <= 14:
        return {
            "attends_school": "yes",
            "school_result": "good",
            "conduct": "good",
            "child_polite_active": "yes",
        }
    if 19 <= age <= 60:
        return {"literacy": "level2", "learning_contents_12m": "2", "applies_learning": "yes"}
    return {}


def walk_posts(members: list[dict[str, str]], **household) -> list[tuple[str, dict[str, Any]]]:
    """Return (step, POST data) for every step of a complete walk, in order."""
    posts = [("household", household_post(**household)), ("members", members_post(members))]
    for step, codes in CITIZEN_STEPS.items():
        answers = {
            i: {k: v for k, v in citizen_answers(m).items() if k in codes}
            for i, m in enumerate(members)
        }
        answers = {i: a for i, a in answers.items() if a}
        if answers:
            posts.append((step, questions_post(step, answers)))
    family = {i: family_answers(m) for i, m in enumerate(members)}
    family = {i: a for i, a in family.items() if a}
    if family:
        posts.append(("family", questions_post("family", family)))
    data = management("household_questions")
    data.update({f"household_questions-{k}": v for k, v in HOUSEHOLD_ANSWERS.items()})
    posts.append(("household_questions", data))
    posts.append(("review", management("review")))
    return posts


def start(client, round_) -> str:
    """Start a household through the page's button; return the draft's base URL."""
    response = client.post(f"/survey/rounds/{round_.code}/new/")
    assert response.status_code == 302
    base = response.url.rsplit("/", 2)[0]
    assert response.url == f"{base}/household/"
    return base


def walk(client, base: str, members: list[dict[str, str]], *, until: str | None = None, **hh):
    """Post every step in order (stopping before ``until``); return the last response."""
    response = None
    for step, data in walk_posts(members, **hh):
        if step == until:
            break
        response = client.post(f"{base}/{step}/", data)
        assert response.status_code == 302, (step, response.content.decode()[:3000])
    return response


def submit_all(client, round_, members: list[dict[str, str]], **household):
    """Walk a whole household (the last step's POST submits); return the saved response."""
    from survey.models import HouseholdResponse

    base = start(client, round_)
    final = walk(client, base, members, **household)
    assert final.url.startswith("/survey/responses/")
    pk = int(final.url.rstrip("/").rsplit("/", 1)[1])
    return HouseholdResponse.objects.get(pk=pk)
