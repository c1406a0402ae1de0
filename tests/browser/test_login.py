"""A surveyor logs in on a phone through the real form, in a real Chromium."""

from __future__ import annotations

import pytest

from accounts.roles import SURVEYOR
from tests.factories import MINH_QUAN_ACUTE, NGA_QUAN

pytestmark = pytest.mark.browser


def test_surveyor_logs_in_on_a_phone_and_sees_their_two_communes(
    page, live_server, log_in, make_user
):
    make_user(SURVEYOR, [NGA_QUAN, MINH_QUAN_ACUTE], username="dieutravien", full_name="Lò Thị Hoa")

    log_in("dieutravien")

    assert page.url == f"{live_server.url}/"
    assert page.viewport_size == {"width": 390, "height": 844}
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("h1").inner_text() == "Xin chào, Lò Thị Hoa"
    communes = page.locator("[data-testid=my-communes] li a")
    assert communes.all_inner_texts() == ["Xã Minh Quán", "Xã Nga Quán"]
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390


def test_wrong_password_keeps_the_surveyor_on_the_login_form(page, live_server, log_in, make_user):
    make_user(SURVEYOR, username="dieutravien")

    log_in("dieutravien", "sai-mat-khau")

    assert page.url == f"{live_server.url}/accounts/login/"
    assert page.locator("[role=alert]").count() == 1
    assert page.locator("[data-testid=my-communes]").count() == 0
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
