"""A household of 2021 surveyed again in 2025 with no connection, from the downloaded list."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.roles import SURVEYOR
from survey.models import HouseholdResponse
from tests.browser.offline_entry import answer, current_step, fill_member, next_step
from tests.browser.test_revisit import surveyed_2021  # noqa: F401 - a fixture
from tests.survey.conftest import CADRE, CHILD, FARMER, HOUSEHOLD_ANSWERS
from tests.survey.test_revisit import BABY, NAM_CUONG_2025, v2_answers

pytestmark = pytest.mark.browser


def test_a_household_of_2021_is_revisited_offline_and_keeps_its_members(
    page,
    live_server,
    log_in,
    make_user,
    surveyed_2021,  # noqa: F811
):
    make_user(SURVEYOR, [NAM_CUONG_2025], username="dtv2025", full_name="Hà Thị Mai")
    log_in("dtv2025")
    page.goto(f"{live_server.url}/survey/offline/")
    page.wait_for_selector("#offline-app[data-ready='1']")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    code = surveyed_2021.household.code

    page.context.set_offline(True)
    page.click("[data-round=r2025] details.revisit summary")
    search = page.locator("[data-round=r2025] details.revisit input[type=search]")
    search.fill("tran van")
    expect(page.locator("[data-testid=revisits] li")).to_have_count(0)
    search.fill("nguyen van an")  # without accents, as the online page searches
    expect(page.locator("[data-testid=revisits] li")).to_have_count(1)
    page.click(f"[data-revisit='{code}'] button")

    expect(page.locator("[data-testid=revisit-of]")).to_have_text(f"Khảo sát lại hộ {code}")
    assert page.input_value("#h-unit") == NAM_CUONG_2025  # Nga Quán is Nam Cường now
    assert page.input_value("#h-head_name") == "Nguyễn Văn An"
    page.fill("#h-survey_date", "2025-09-10")
    next_step(page)
    names = [page.input_value(f"#m{i}-full_name") for i in range(4)]
    assert names == [m.full_name for m in surveyed_2021.members.order_by("position")]
    assert page.input_value("#m1-target_group") == "can_bo_dn"  # read under the 2025 set
    page.click("[data-member='3'] .remove-member")  # the elder has died
    page.click("button.add-member")
    fill_member(page, 3, BABY)
    next_step(page)
    members = [
        {**FARMER, "target_group": "cu_dan"},
        {**CADRE, "target_group": "can_bo_dn"},
        CHILD,
        BABY,
    ]
    while current_step(page) != "review":
        step = current_step(page)
        if step == "household_questions":
            for key, value in HOUSEHOLD_ANSWERS.items():
                answer(page, f"{step}-{key}", value)
        for index, member in enumerate(members):
            for key, value in v2_answers(member).items():
                answer(page, f"{step}-m{index}-{key}", value)
        page.wait_for_selector("#offline-app[data-pending='0']")
        next_step(page)
    page.click("[data-testid=queue]")
    expect(page.locator("[data-testid=unsent]")).to_contain_text("1 hộ chưa gửi")

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("[data-testid=outbox] li[data-state=sent]")).to_contain_text(code)
    saved = HouseholdResponse.objects.get(round__code="r2025")
    assert (saved.household_id, saved.unit_id) == (surveyed_2021.household_id, NAM_CUONG_2025)
    kept = {m.full_name: m.person_id for m in surveyed_2021.members.all()}
    assert [(m.full_name, m.person_id == kept.get(m.full_name)) for m in saved.members.all()] == [
        ("Nguyễn Văn An", True),
        ("Trần Thị Bình", True),
        ("Nguyễn Minh Châu", True),
        ("Nguyễn Gia Bảo", False),
    ]
