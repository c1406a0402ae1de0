"""The offline form in a real browser: a household entered with no connection, kept through
a reload, sent once when the connection returns, scored as the wizard scores it."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from accounts.roles import SURVEYOR
from criteria.selectors import spec_of
from scoring.compute import MemberInput, score_response
from scoring.engine import MemberProfile
from scoring.models import MemberScore
from survey.models import HouseholdResponse
from tests.browser.test_household_wizard import (
    NUMBERS,
    round_,  # noqa: F401 - a fixture
)
from tests.factories import NGA_QUAN
from tests.survey.conftest import (
    C1,
    C2,
    C3,
    CADRE,
    FARMER,
    HOUSEHOLD_ANSWERS,
    citizen_answers,
    family_answers,
)

pytestmark = pytest.mark.browser
STEPS = {"c1": C1, "c2": C2, "c3": C3}


def answer(page, name: str, value: Any) -> None:
    for item in value if isinstance(value, list) else [value]:
        option = page.locator(f'input[name="{name}"][value="{item}"]')
        if option.count():
            option.check()
            continue
        field = page.locator(f'input[name="{name}"]')
        field.fill(str(item))
        field.dispatch_event("change")


def fill_member(page, index: int, member: dict[str, str]) -> None:
    prefix = f"m{index}-"
    page.fill(f"#{prefix}full_name", member["full_name"])
    for name in ("sex", "ethnicity", "education", "target_group", "relationship"):
        page.select_option(f"#{prefix}{name}", member[name])
    page.fill(f"#{prefix}birth_year", member["birth_year"])
    page.locator(f"#{prefix}birth_year").dispatch_event("change")


def open_app(page, live_server) -> None:
    page.goto(f"{live_server.url}/survey/offline/")
    page.wait_for_selector("[data-round=r2021]")
    # Once the service worker controls the page, its files are in the cache.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_selector("[data-round=r2021]")
    assert page.evaluate("!!navigator.serviceWorker.controller")


@pytest.mark.usefixtures("round_")
def test_a_household_entered_offline_is_kept_and_sent_once(page, live_server, log_in, make_user):
    make_user(SURVEYOR, [NGA_QUAN], username="dieutravien", full_name="Lò Thị Hoa")
    log_in("dieutravien")
    open_app(page, live_server)
    members = [FARMER, CADRE]

    page.context.set_offline(True)
    page.click("[data-round=r2021] button.primary")
    page.fill("#h-village", "Thôn 3")
    page.fill("#h-head_name", "Nguyễn Văn An")
    page.fill("#h-survey_date", "2021-07-15")
    fill_member(page, 0, members[0])
    page.click("button.add-member")
    fill_member(page, 1, members[1])

    # A reload with no connection: the page comes from the cache, the draft from IndexedDB.
    page.wait_for_selector("#offline-app[data-pending='0']")
    page.reload()
    expect(page.locator("[data-testid=connection]")).to_contain_text("ngoại tuyến")
    draft = page.locator("[data-testid=outbox] li[data-state=draft]")
    expect(draft).to_have_count(1)
    draft.locator("button").click()
    assert page.input_value("#m1-full_name") == "Trần Thị Bình"
    for step, codes in STEPS.items():
        for index, member in enumerate(members):
            for code, value in citizen_answers(member).items():
                if code in codes:
                    answer(page, f"{step}-m{index}-{code}", value)
    for index, member in enumerate(members):
        for code, value in family_answers(member).items():
            answer(page, f"family-m{index}-{code}", value)
    for code, value in HOUSEHOLD_ANSWERS.items():
        answer(page, f"household_questions-{code}", value)
    page.wait_for_selector("#offline-app[data-pending='0']")
    page.click("[data-testid=queue]")
    expect(page.locator("[data-testid=unsent]")).to_contain_text("1 hộ chưa gửi")
    assert HouseholdResponse.objects.count() == 0

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    sent = page.locator("[data-testid=outbox] li[data-state=sent]")
    expect(sent).to_have_count(1)
    expect(page.locator("[data-testid=unsent]")).to_contain_text("0 hộ chưa gửi")
    page.click("[data-testid=sync]")
    page.reload()
    expect(page.locator("[data-testid=outbox] li[data-state=sent]")).to_have_count(1)

    response = HouseholdResponse.objects.get()
    assert (response.unit_id, response.head_name, response.village) == (
        NGA_QUAN,
        "Nguyễn Văn An",
        "Thôn 3",
    )
    assert [m.full_name for m in response.members.order_by("position")] == [
        "Nguyễn Văn An",
        "Trần Thị Bình",
    ]
    assert response.members.get(position=2).answers["foreign_language_certificate"] == "yes"
    # Scored as the wizard scores the same answers.
    expected = score_response(
        citizen=spec_of(criteria_set=response.round.citizen_set),
        household=spec_of(criteria_set=response.round.household_set),
        members=[
            MemberInput(
                MemberProfile(m["target_group"], 2021 - int(m["birth_year"]), m["sex"]),
                {
                    k: int(v) if k in NUMBERS else v
                    for k, v in {**citizen_answers(m), **family_answers(m)}.items()
                },
            )
            for m in members
        ],
        household_answers=HOUSEHOLD_ANSWERS,
    )
    stored = MemberScore.objects.filter(response=response).order_by("member__position")
    assert [s.total for s in stored] == [r.total for r in expected.members]
