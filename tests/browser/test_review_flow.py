"""A commune officer returns a household with a reason, the surveyor fixes it, the officer
verifies it: in a real browser."""

from __future__ import annotations

import re

import pytest

from accounts.roles import COMMUNE_STAFF, SURVEYOR
from survey.models import HouseholdResponse, ResponseStatus, ResponseTransition
from tests.browser.test_household_wizard import go_on, round_  # noqa: F401 - a fixture
from tests.survey.test_services import submit

pytestmark = pytest.mark.browser
REASON = "Thôn ghi sai: hộ ở Thôn 4"


def log_out(page) -> None:
    go_on(page, "header form button:has-text('Đăng xuất')", r".*/accounts/login/$")


def test_officer_returns_surveyor_fixes_officer_verifies(
    page,
    live_server,
    log_in,
    make_user,
    round_,  # noqa: F811 - the fixture above
):
    surveyor = make_user(SURVEYOR, username="dieutravien", full_name="Lò Thị Hoa")
    make_user(COMMUNE_STAFF, username="canboxa", full_name="Hà Văn Minh")
    response = submit(surveyor, round_)
    detail = f"{live_server.url}/survey/responses/{response.pk}/"

    # 1. The officer finds the household in the list and returns it with a reason.
    log_in("canboxa")
    page.goto(f"{live_server.url}/survey/rounds/r2021/households/?status=submitted")
    go_on(page, "[data-testid=households] a:has-text('Nguyễn Văn An')", r".*/responses/\d+/$")
    page.fill("#id_reason", REASON)
    go_on(page, "[data-testid=return]", r".*/responses/\d+/$")
    assert page.locator("[data-testid=status]").inner_text() == "Trả lại để sửa"
    log_out(page)

    # 2. The surveyor sees the reason, beside the form too, and corrects the village.
    log_in("dieutravien")
    page.goto(detail)
    assert REASON in page.locator("[data-testid=return-reason]").inner_text()
    go_on(page, "form button:has-text('Sửa phiếu')", r".*/household/$")
    assert REASON in page.locator("[data-testid=return-reason]").inner_text()
    page.fill('[name="household-village"]', "Thôn 4")
    while not re.search(r"/review/$", page.url):
        go_on(page)
    go_on(page, "[data-testid=next]:has-text('Gửi phiếu')", r".*/survey/responses/\d+/$")
    assert page.locator("[data-testid=status]").inner_text() == "Đã gửi"
    assert page.locator("[data-testid=return-reason]").count() == 0
    log_out(page)

    # 3. The officer verifies the corrected household.
    log_in("canboxa")
    page.goto(detail)
    go_on(page, "[data-testid=verify]", r".*/responses/\d+/$")
    assert page.locator("[data-testid=status]").inner_text() == "Đã kiểm tra"

    saved = HouseholdResponse.objects.get(pk=response.pk)
    assert (saved.status, saved.village, saved.revision) == (ResponseStatus.VERIFIED, "Thôn 4", 2)
    assert list(
        ResponseTransition.objects.order_by("at", "pk").values_list(
            "from_status", "to_status", "by__username"
        )
    ) == [
        ("submitted", "returned", "canboxa"),
        ("returned", "submitted", "dieutravien"),
        ("submitted", "verified", "canboxa"),
    ]
