"""Entering a household in the offline app, step by step, as a surveyor does."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from playwright.sync_api import expect


def answer(page, name: str, value: Any) -> bool:
    """Give one answer by its field name; False when the form does not ask it."""
    for item in value if isinstance(value, list) else [value]:
        option = page.locator(f'input[name="{name}"][value="{item}"]')
        if option.count():
            option.check()
            continue
        field = page.locator(f'input[name="{name}"]')
        if not field.count():
            return False
        field.fill(str(item))
        field.dispatch_event("change")
    return True


def fill_member(page, index: int, member: Mapping[str, str]) -> None:
    prefix = f"m{index}-"
    page.fill(f"#{prefix}full_name", member["full_name"])
    for name in ("sex", "ethnicity", "education", "target_group", "relationship"):
        page.select_option(f"#{prefix}{name}", member[name])
    page.fill(f"#{prefix}birth_year", str(member["birth_year"]))
    page.locator(f"#{prefix}birth_year").dispatch_event("change")


def current_step(page) -> str:
    return page.locator("#offline-app [data-step]").get_attribute("data-step")


def next_step(page) -> None:
    before = page.locator("[data-testid=step-count]").inner_text()
    page.click("[data-testid=next]")
    expect(page.locator("[data-testid=step-count]")).not_to_have_text(before)


def fill_household(page, details: Mapping[str, str]) -> None:
    for name in ("village", "head_name"):
        page.fill(f"#h-{name}", details[name])
    page.fill("#h-survey_date", details["survey_date"])


def enter_household(
    page,
    *,
    details: Mapping[str, str],
    members: Sequence[Mapping[str, str]],
    member_answers: Sequence[Mapping[str, Any]],
    household_answers: Mapping[str, Any],
) -> None:
    """Walk a new household (already started) from its first step to the review step."""
    assert current_step(page) == "household"
    fill_household(page, details)
    next_step(page)
    for index, member in enumerate(members):
        if index:
            page.click("button.add-member")
        fill_member(page, index, member)
    next_step(page)
    while current_step(page) != "review":
        step = current_step(page)
        if step == "household_questions":
            for code, value in household_answers.items():
                answer(page, f"{step}-{code}", value)
        else:
            for index, answers in enumerate(member_answers):
                for code, value in answers.items():
                    answer(page, f"{step}-m{index}-{code}", value)
        page.wait_for_selector("#offline-app[data-pending='0']")
        next_step(page)
