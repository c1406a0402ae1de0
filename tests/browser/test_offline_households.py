"""Three households of one, four and six members entered offline in a real browser: the
provisional result on the last step is the scoring engine's, and back online each
household arrives once, scored as the wizard scores it."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from accounts.roles import SURVEYOR
from criteria.selectors import spec_of
from scoring.compute import MemberInput, ResponseResult, score_response
from scoring.engine import MemberProfile
from scoring.models import HouseholdScore, MemberScore
from survey.models import HouseholdResponse, Round
from tests.browser.offline_entry import enter_household
from tests.browser.test_household_wizard import (
    NUMBERS,
    round_,  # noqa: F401 - a fixture
)
from tests.browser.test_offline import open_app
from tests.factories import NGA_QUAN
from tests.survey.conftest import (
    CADRE,
    CHILD,
    ELDER,
    FARMER,
    HOUSEHOLD,
    HOUSEHOLD_ANSWERS,
    citizen_answers,
    family_answers,
)

pytestmark = pytest.mark.browser
YOUTH = {
    "full_name": "Nguyễn Thu Hà",
    "sex": "female",
    "birth_year": "1999",
    "ethnicity": "01",
    "education": "upper_secondary",
    "target_group": "nong_dan",
    "relationship": "child",
}
PUPIL = {**CHILD, "full_name": "Nguyễn Minh Đức", "sex": "male", "birth_year": "2009"}


def answers_of(member: dict[str, str], *, weak: bool = False) -> dict[str, Any]:
    answers = {**citizen_answers(member), **family_answers(member)}
    if weak and member["target_group"]:
        # Fewer sources and skills, no community sessions: below the minimum somewhere.
        answers.update(info_sources=["tv_radio"], digital_skills=["calls_messages"])
        answers.update(community_sessions_12m="0", community_activities_12m="0")
    return answers


HOUSEHOLDS = [
    ("Nguyễn Văn Dũng", [ELDER], [True]),
    ("Nguyễn Văn An", [FARMER, CADRE, CHILD, ELDER], [False, False, False, True]),
    ("Trần Văn Sơn", [FARMER, CADRE, CHILD, ELDER, YOUTH, PUPIL], [False, True] + [False] * 4),
]


def expected_scores(survey_round: Round, members, weak) -> ResponseResult:
    return score_response(
        citizen=spec_of(criteria_set=survey_round.citizen_set),
        household=spec_of(criteria_set=survey_round.household_set),
        members=[
            MemberInput(
                MemberProfile(m["target_group"], 2021 - int(m["birth_year"]), m["sex"]),
                {k: int(v) if k in NUMBERS else v for k, v in answers_of(m, weak=w).items()},
            )
            for m, w in zip(members, weak, strict=True)
        ],
        household_answers=HOUSEHOLD_ANSWERS,
    )


def shown(total: float) -> str:
    return f"{total:g}".replace(".", ",")  # as the page writes it in Vietnamese


@pytest.mark.usefixtures("round_")
def test_three_households_entered_offline_arrive_once_scored_as_the_engine(
    page, live_server, log_in, make_user
):
    make_user(SURVEYOR, [NGA_QUAN], username="dieutravien", full_name="Lò Thị Hoa")
    log_in("dieutravien")
    open_app(page, live_server)
    survey_round = Round.objects.get(code="r2021")
    page.context.set_offline(True)

    for head, members, weak in HOUSEHOLDS:
        page.click("[data-round=r2021] [data-testid=new]")
        enter_household(
            page,
            details={**HOUSEHOLD, "head_name": head},
            members=members,
            member_answers=[answers_of(m, weak=w) for m, w in zip(members, weak, strict=True)],
            household_answers=HOUSEHOLD_ANSWERS,
        )
        # The provisional result, offline, is the engine's to the point and the decision.
        expected = expected_scores(survey_round, members, weak)
        for index, result in enumerate(expected.members):
            line = page.locator(f"[data-testid=preview] [data-result=member-{index}]")
            if result is None:
                expect(line).to_contain_text("Không thuộc nhóm đánh giá")
                continue
            decided = {True: "true", False: "false", None: "null"}[result.recognised]
            expect(line).to_have_attribute("data-recognised", decided)
            expect(line).to_contain_text(f"{shown(result.total)} điểm")
            for reason in result.reasons_vi:
                expect(line.locator(".reasons")).to_contain_text(reason)
        family = page.locator("[data-testid=preview] [data-result=household]")
        expect(family).to_contain_text(f"{shown(expected.household.total)} điểm")
        page.click("[data-testid=queue]")
    expect(page.locator("[data-testid=unsent]")).to_contain_text("3 hộ chưa gửi")
    # Not all alike: the weak members' indicators below the minimum were among the reasons.
    assert any(
        " < 5" in reason
        for _, members, weak in HOUSEHOLDS
        for r in expected_scores(survey_round, members, weak).members
        if r is not None
        for reason in r.reasons_vi
    )

    page.reload()  # still offline: the app and the three households are there
    expect(page.locator("[data-testid=outbox] li[data-state=waiting]")).to_have_count(3)
    assert HouseholdResponse.objects.count() == 0

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("[data-testid=outbox] li[data-state=sent]")).to_have_count(3)
    page.click("[data-testid=sync]")
    expect(page.locator("[data-testid=unsent]")).to_contain_text("0 hộ chưa gửi")

    assert HouseholdResponse.objects.count() == 3
    for head, members, weak in HOUSEHOLDS:
        response = HouseholdResponse.objects.get(head_name=head)
        assert [m.full_name for m in response.members.order_by("position")] == [
            m["full_name"] for m in members
        ]
        expected = expected_scores(survey_round, members, weak)
        stored = {
            s.member.position: (s.total, s.recognised)
            for s in MemberScore.objects.filter(response=response).select_related("member")
        }
        assert stored == {
            n: (r.total, r.recognised) for n, r in enumerate(expected.members, 1) if r is not None
        }
        household = HouseholdScore.objects.get(response=response)
        assert household.total == expected.household.total
