"""Provincial staff set up a round and its surveyors in the product, on an English browser.

No admin page and no command: the round is created with the commune picker (search without
diacritics, only communes valid on the start date), a surveyor account is created and
signs in with the printed temporary password, which must be changed first, and then sees
the opened round.
"""

from __future__ import annotations

import pytest

from accounts.roles import PROVINCE_STAFF
from survey.models import Round
from tests.factories import NGA_QUAN
from tests.survey.conftest import pilot_sets  # noqa: F401 - a fixture

pytestmark = pytest.mark.browser
NAM_CUONG_2025 = "04273@2025-07-01"


@pytest.fixture
def browser_locale() -> str:
    return "en-US"  # the site still answers in Vietnamese


def visible_communes(page) -> list[str]:
    return page.eval_on_selector_all(
        "li.commune:not([hidden]) input[name=unit]", "boxes => boxes.map(b => b.value)"
    )


@pytest.mark.usefixtures("pilot_sets")
def test_staff_create_a_round_and_a_surveyor_who_then_sees_it(page, live_server, log_in, make_user):
    make_user(PROVINCE_STAFF, username="canbotinh", full_name="Đỗ Thu Trang")
    log_in("canbotinh")
    assert page.locator("html").get_attribute("lang") == "vi"

    page.click("nav >> text=Đợt khảo sát")
    page.click("text=Tạo đợt mới")
    page.fill("#id_code", "yb-2021")
    page.fill("#id_name", "Khảo sát Yên Bái 2021")
    page.fill("#id_starts_on", "01/06/2021")
    page.fill("#id_ends_on", "31/12/2021")
    page.select_option(
        "#id_citizen_set", label="CDHT v1 – Công dân học tập (thí điểm Yên Bái 2020–2021)"
    )
    # On 01/06/2021 only pilot-era communes are offered; the 2025 wards are hidden.
    assert NAM_CUONG_2025 not in visible_communes(page)
    page.fill("#commune-search", "nga quan")
    assert visible_communes(page) == [NGA_QUAN]
    page.check(f"input[name=unit][value='{NGA_QUAN}']")
    page.fill(f"input[name='planned-{NGA_QUAN}']", "25")
    assert page.inner_text("[data-testid=picked-count]") == "1"
    with page.expect_navigation():
        page.click("form.round-form button.primary")
    assert page.inner_text("[data-testid=round-status]") == "Đang chuẩn bị"
    with page.expect_navigation():
        page.click("form[data-move=open] button")
    assert page.inner_text("[data-testid=round-status]") == "Đang khảo sát"
    assert Round.objects.get(code="yb-2021").status == "open"

    page.click("nav >> text=Điều tra viên")
    page.click("text=Tạo tài khoản")
    page.fill("#id_full_name", "Lò Thị Hoa")
    page.fill("#id_username", "hoa.nq")
    page.fill("#commune-search", "Nga Quán")
    page.check(f"input[name=unit][value='{NGA_QUAN}']")
    with page.expect_navigation():
        page.click("main form button.primary")
    password = page.inner_text("[data-testid=password]")

    with page.expect_navigation():  # signing out clears the offline store first
        page.click("text=Đăng xuất")
    log_in("hoa.nq", password)
    assert page.url == f"{live_server.url}/accounts/password/"
    page.fill("#id_old_password", password)
    page.fill("#id_new_password1", "hoa-mat-khau-rieng-2026")
    page.fill("#id_new_password2", "hoa-mat-khau-rieng-2026")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    page.goto(f"{live_server.url}/survey/")
    assert page.inner_text("section[data-round=yb-2021] h2") == "Khảo sát Yên Bái 2021"
