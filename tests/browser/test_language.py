"""A phone set to English still gets Vietnamese; English only once its user picks it."""

from __future__ import annotations

import pytest

from accounts.models import Preference
from accounts.roles import SURVEYOR

pytestmark = pytest.mark.browser


@pytest.fixture
def browser_locale() -> str:
    return "en-US"


def language_cookie(page) -> str | None:
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    return cookies.get("django_language")


def test_an_english_phone_gets_vietnamese_until_english_is_chosen(
    page, live_server, log_in, make_user
):
    user = make_user(SURVEYOR, username="dieutravien", full_name="Lò Thị Hoa")
    assert page.evaluate("navigator.language") == "en-US"

    log_in("dieutravien")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("h1").inner_text() == "Xin chào, Lò Thị Hoa"

    with page.expect_navigation():
        page.click("button[name=language][value=en]")
    assert page.url == f"{live_server.url}/"
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Hello, Lò Thị Hoa"
    assert language_cookie(page) == "en"
    assert Preference.objects.get(user=user).language == "en"

    with page.expect_navigation():
        page.click("button[name=language][value=vi]")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("h1").inner_text() == "Xin chào, Lò Thị Hoa"
    assert language_cookie(page) == "vi"
    assert Preference.objects.get(user=user).language == "vi"
