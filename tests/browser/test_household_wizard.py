"""A surveyor enters a household of four on a phone, stops half-way, resumes and submits."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from accounts.roles import SURVEYOR
from criteria.selectors import find_version, spec_of
from criteria.services import save_spec
from scoring.compute import MemberInput, score_response
from scoring.engine import MemberProfile
from survey.models import Draft, HouseholdResponse, Round
from survey.rounds import create_round
from tests.factories import MINH_QUAN_ACUTE, NGA_QUAN
from tests.survey.conftest import (
    C1,
    C2,
    C3,
    CADRE,
    CHILD,
    ELDER,
    FARMER,
    HOUSEHOLD,
    HOUSEHOLD_ANSWERS,
    age_of,
    citizen_answers,
    family_answers,
    shipped_specs,
)

pytestmark = pytest.mark.browser

MEMBERS = [FARMER, CADRE, CHILD, ELDER]  # a farmer, a civil servant, a child of 10, 68 years old
NUMBERS = {"community_sessions_12m", "community_activities_12m", "learning_contents_12m"}


@pytest.fixture
def round_(units) -> Round:
    for spec in shipped_specs():
        save_spec(spec=spec)
    return create_round(
        code="r2021",
        name="Thí điểm 2021",
        citizen_set=find_version(code="CDHT", version=1),
        household_set=find_version(code="GDHT", version=1),
        starts_on=date(2021, 6, 1),
        ends_on=date(2021, 12, 31),
        planned={NGA_QUAN: 20, MINH_QUAN_ACUTE: 20},
        status=Round.Status.OPEN,
    )


def go_on(page, button: str = "[data-testid=next]", url: str = r".*") -> None:
    """Press a button that submits the page and wait until the next page has loaded."""
    with page.expect_navigation(wait_until="load"):
        page.click(button)
    page.wait_for_url(re.compile(url))


def progress(page) -> str:
    return " ".join(page.locator("[data-testid=progress]").inner_text().split())


def answer(page, name: str, value: Any) -> None:
    """Answer one question the way a person does: tick, choose or type."""
    for item in value if isinstance(value, list) else [value]:
        option = page.locator(f'input[name="{name}"][value="{item}"]')
        if option.count():
            option.check()
            continue
        field = page.locator(f'[name="{name}"]')
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(str(item))
        else:
            field.fill(str(item))


def fill_member(page, index: int, member: dict[str, str]) -> None:
    prefix = f"members-{index}-"
    page.fill(f'[name="{prefix}full_name"]', member["full_name"])
    page.check(f'input[name="{prefix}sex"][value="{member["sex"]}"]')
    page.fill(f'[name="{prefix}birth_year"]', member["birth_year"])
    for name in ("ethnicity", "education", "target_group", "relationship"):
        page.select_option(f'[name="{prefix}{name}"]', member[name])


def answer_step(page, step: str, answers: dict[int, dict[str, Any]]) -> None:
    for index, values in answers.items():
        for code, value in values.items():
            answer(page, f"{step}-m{index}-{code}", value)


def step_answers(codes: tuple[str, ...]) -> dict[int, dict[str, Any]]:
    chosen = {
        i: {k: v for k, v in citizen_answers(m).items() if k in codes}
        for i, m in enumerate(MEMBERS)
    }
    return {i: a for i, a in chosen.items() if a}


def expected_scores(round_):
    members = []
    for member in MEMBERS:
        answers = {**citizen_answers(member), **family_answers(member)}
        members.append(
            MemberInput(
                MemberProfile(member["target_group"], age_of(member), member["sex"]),
                {k: int(v) if k in NUMBERS else v for k, v in answers.items()},
            )
        )
    return score_response(
        citizen=spec_of(criteria_set=round_.citizen_set),
        household=spec_of(criteria_set=round_.household_set),
        members=members,
        household_answers=HOUSEHOLD_ANSWERS,
    )


def vi_number(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def test_a_household_of_four_through_every_step_with_a_logout_in_the_middle(
    page, live_server, log_in, make_user, round_
):
    make_user(SURVEYOR, [NGA_QUAN, MINH_QUAN_ACUTE], username="dieutravien", full_name="Lò Thị Hoa")
    log_in("dieutravien")
    page.goto(f"{live_server.url}/survey/")

    # 1. Household details.
    go_on(page, "[data-round=r2021] button.primary", r".*/household/$")
    assert progress(page) == "Bước 1/8: Thông tin hộ gia đình"
    page.select_option("#id_household-unit", HOUSEHOLD["unit"])
    for name in ("village", "address", "head_name", "survey_date"):
        page.fill(f"#id_household-{name}", HOUSEHOLD[name])
    go_on(page, url=r".*/members/$")

    # 2. Members: one row is there, three are added on the page.
    assert progress(page) == "Bước 2/8: Thành viên trong hộ"
    assert page.get_attribute('[name="members-0-birth_year"]', "inputmode") == "numeric"
    fill_member(page, 0, MEMBERS[0])
    for index, member in enumerate(MEMBERS[1:], start=1):
        page.click("button.add-member")
        page.wait_for_selector(f'[name="members-{index}-full_name"]')
        fill_member(page, index, member)
    assert page.input_value('[name="members-TOTAL_FORMS"]') == "4"
    go_on(page, url=r".*/c1/$")
    assert progress(page) == "Bước 3/8: Năng lực tự học, học tập suốt đời"

    # Stop here: log out, log in again and resume from the survey page.
    go_on(page, "header form button:has-text('Đăng xuất')", r".*/accounts/login/$")
    log_in("dieutravien")
    page.goto(f"{live_server.url}/survey/")
    drafts = page.locator("[data-testid=drafts] li a")
    assert drafts.all_inner_texts() == ["Nguyễn Văn An"]
    go_on(page, "[data-testid=drafts] li a", r".*/c1/$")
    assert progress(page) == "Bước 3/8: Năng lực tự học, học tập suốt đời"

    # 3–5. The three competencies, for the three members in a target group (not the child).
    legends = page.locator("fieldset.member-questions > legend").all_inner_texts()
    assert legends == [
        "Nguyễn Văn An (40 tuổi)",
        "Trần Thị Bình (35 tuổi)",
        "Nguyễn Văn Dũng (68 tuổi)",
    ]
    numbers = page.locator("input[type=number]")
    assert numbers.count() == 3
    assert {numbers.nth(i).get_attribute("inputmode") for i in range(3)} == {"numeric"}
    assert not page.locator('[name="c1-m0-community_venues"]').first.is_visible()
    answer_step(page, "c1", step_answers(C1))
    go_on(page, url=r".*/c2/$")
    assert progress(page) == "Bước 4/8: Năng lực sử dụng công cụ học tập, làm việc"
    assert page.locator('[name="c2-m0-foreign_language_level"]').count() == 0  # cadres only
    certificate = page.locator('[name="c2-m1-foreign_language_certificate"]').first
    assert not certificate.is_visible()
    answer_step(page, "c2", step_answers(C2))
    assert certificate.is_visible()  # shown once the level is answered
    go_on(page, url=r".*/c3/$")
    assert progress(page) == "Bước 5/8: Năng lực xây dựng và duy trì các mối quan hệ xã hội"
    answer_step(page, "c3", step_answers(C3))
    go_on(page, url=r".*/family/$")

    # 6. Family questions by age: the two adults and the child; nothing for the 68-year-old.
    assert progress(page) == "Bước 6/8: Học tập của các thành viên"
    legends = page.locator("fieldset.member-questions > legend").all_inner_texts()
    assert legends == [
        "Nguyễn Văn An (40 tuổi)",
        "Trần Thị Bình (35 tuổi)",
        "Nguyễn Minh Châu (10 tuổi)",
    ]
    answer_step(page, "family", {i: family_answers(m) for i, m in enumerate(MEMBERS[:3])})
    go_on(page, url=r".*/household_questions/$")

    # 7. Household questions.
    assert progress(page) == "Bước 7/8: Câu hỏi về gia đình"
    for code, value in HOUSEHOLD_ANSWERS.items():
        answer(page, f"household_questions-{code}", value)
    go_on(page, url=r".*/review/$")

    # 8. Review with the scores each member and the household would get, then submit.
    assert progress(page) == "Bước 8/8: Xem lại và gửi"
    expected = expected_scores(round_)
    shown = page.locator("[data-testid=member-score]").all_inner_texts()
    assert [" ".join(s.split()) for s in shown] == [
        f"Tổng điểm: {vi_number(r.total)} — chờ cán bộ chấm CD04"
        for r in expected.members
        if r is not None
    ]
    assert Draft.objects.count() == 1
    assert HouseholdResponse.objects.count() == 0
    go_on(page, "[data-testid=next]:has-text('Gửi phiếu')", r".*/survey/responses/\d+/$")
    assert page.locator("ul.messages li").all_inner_texts() == [
        "Đã gửi phiếu của hộ Nguyễn Văn An."
    ]

    # The household is in the list with the scores computed from the same answers.
    page.goto(f"{live_server.url}/survey/rounds/r2021/households/")
    rows = page.locator("[data-testid=households] tbody tr")
    assert rows.count() == 1
    cells = [" ".join(c.split()) for c in rows.first.locator("td").all_inner_texts()]
    assessed = [r for r in expected.members if r is not None]
    recognised = sum(1 for r in assessed if r.recognised)
    household_mark = {True: "✓", False: "✗", None: "?"}[expected.household.recognised]
    assert cells == [
        "Nguyễn Văn An",
        "Xã Nga Quán",
        "Thôn 3",
        "4",
        f"{recognised}/{len(assessed)}",
        f"{vi_number(expected.household.total)} {household_mark}",
        "Đã gửi",
    ]
    saved = HouseholdResponse.objects.get()
    assert [m.full_name for m in saved.members.order_by("position")] == [
        m["full_name"] for m in MEMBERS
    ]
    assert saved.members.get(position=2).answers["foreign_language_certificate"] == "yes"
    assert not Draft.objects.exists()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
