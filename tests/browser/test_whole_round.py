"""Acceptance: a province runs one whole round in the product, as its users would.

No admin page and no command: the provincial staff creates the round and two surveyor
accounts and assigns them; each surveyor changes the temporary password and enters a
household in their own commune; the commune staff scores the evidence and verifies; the
provincial staff approves and locks both communes, closes the round and downloads the
workbook; the committee compares the round with the demo round. The browser asks for
English and the product answers in Vietnamese throughout. The figures of the report
page, the workbook (read back with calamine) and ``round_summary`` agree digit for digit.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from accounts.roles import COMMITTEE, COMMUNE_STAFF, PROVINCE_STAFF
from demo.services import generate_round
from exports.models import ExportJob
from scoring.formatting import format_number, format_percent
from survey.models import HouseholdResponse, ResponseStatus, Round, RoundSurveyor
from tests.browser.test_household_wizard import answer, fill_member, go_on
from tests.factories import MINH_QUAN_ACUTE, NGA_QUAN
from tests.survey.conftest import (
    C1,
    C2,
    C3,
    CADRE,
    FARMER,
    HOUSEHOLD_ANSWERS,
    citizen_answers,
    family_answers,
    pilot_sets,  # noqa: F401 - a fixture
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("pilot_sets", "exports_at_once")]
ROUND = "yb-2021"
NEW_PASSWORD = "mat-khau-rieng-cua-toi-2026"


@pytest.fixture
def browser_locale() -> str:
    return "en-US"


@pytest.fixture
def exports_at_once(settings, tmp_path):
    """Run a requested export at once (no worker in the test), into a temporary folder."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


def in_vietnamese(page) -> None:
    assert page.locator("html").get_attribute("lang") == "vi"


def sign_out(page) -> None:
    go_on(page, "header form button:has-text('Đăng xuất')", r".*/accounts/login/$")


def create_round(page) -> None:
    page.click("nav >> text=Đợt khảo sát")
    page.click("text=Tạo đợt mới")
    page.fill("#id_code", ROUND)
    page.fill("#id_name", "Khảo sát Yên Bái 2021")
    page.fill("#id_starts_on", "01/06/2021")
    page.fill("#id_ends_on", "31/12/2021")
    page.select_option(
        "#id_citizen_set", label="CDHT v1 – Công dân học tập (thí điểm Yên Bái 2020–2021)"
    )
    page.select_option(
        "#id_household_set", label="GDHT v1 – Gia đình học tập (QĐ 448/QĐ-KHVN, 2015)"
    )
    for search, key in (("nga quan", NGA_QUAN), ("minh quan", MINH_QUAN_ACUTE)):
        page.fill("#commune-search", search)
        page.check(f"input[name=unit][value='{key}']")
        page.fill(f"input[name='planned-{key}']", "2")
    go_on(page, "form.round-form button.primary")
    go_on(page, "form[data-move=open] button")
    assert page.inner_text("[data-testid=round-status]") == "Đang khảo sát"


def create_surveyor(page, *, name: str, username: str, search: str, key: str) -> str:
    page.click("nav >> text=Điều tra viên")
    page.click("text=Tạo tài khoản")
    page.fill("#id_full_name", name)
    page.fill("#id_username", username)
    page.fill("#commune-search", search)
    page.check(f"input[name=unit][value='{key}']")
    go_on(page, "main form button.primary")
    assert page.get_attribute("[data-testid=credential]", "data-username") == username
    assert name in page.inner_text("[data-testid=credential] dl")
    return page.inner_text("[data-testid=password]")


def first_login(page, live_server, log_in, *, username: str, password: str) -> None:
    log_in(username, password)
    assert page.url == f"{live_server.url}/accounts/password/"
    page.fill("#id_old_password", password)
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    go_on(page, "main form button[type=submit]")


def enter_household(page, live_server, *, unit: str, head: dict[str, str]) -> None:
    """Walk the wizard for a household of two (``head`` and a civil servant)."""
    members = [head, {**CADRE, "full_name": f"Vợ của {head['full_name']}"}]
    page.goto(f"{live_server.url}/survey/")
    in_vietnamese(page)
    go_on(page, f"[data-round={ROUND}] button.primary", r".*/household/$")
    assert page.eval_on_selector_all(
        "#id_household-unit option[value]:not([value=''])", "options => options.map(o => o.value)"
    ) == [unit]  # only the commune the surveyor is assigned to
    page.select_option("#id_household-unit", unit)
    page.fill("#id_household-village", "Thôn 1")
    page.fill("#id_household-head_name", head["full_name"])
    page.fill("#id_household-survey_date", "15/07/2021")
    go_on(page, url=r".*/members/$")
    fill_member(page, 0, members[0])
    page.click("button.add-member")
    page.wait_for_selector('[name="members-1-full_name"]')
    fill_member(page, 1, members[1])
    for step, codes in (("c1", C1), ("c2", C2), ("c3", C3)):
        go_on(page, url=rf".*/{step}/$")
        for index, member in enumerate(members):
            for code, value in citizen_answers(member).items():
                if code in codes:
                    answer(page, f"{step}-m{index}-{code}", value)
    go_on(page, url=r".*/family/$")
    for index, member in enumerate(members):
        for code, value in family_answers(member).items():
            answer(page, f"family-m{index}-{code}", value)
    go_on(page, url=r".*/household_questions/$")
    for code, value in HOUSEHOLD_ANSWERS.items():
        answer(page, f"household_questions-{code}", value)
    go_on(page, url=r".*/review/$")
    go_on(page, "[data-testid=next]:has-text('Gửi phiếu')", r".*/survey/responses/\d+/$")


def score_and_verify(page, live_server, response: HouseholdResponse, score: str) -> None:
    page.goto(f"{live_server.url}/survey/responses/{response.pk}/")
    form = page.locator("[data-testid=reviewer-scores]")
    for field in form.locator("input[type=number]").all():
        field.fill(score)
    go_on(page, "[data-testid=save-scores]")
    assert "Đã lưu điểm do cán bộ chấm" in page.inner_text("ul.messages")
    go_on(page, "[data-testid=verify]")
    assert page.inner_text("[data-testid=status]") == "Đã kiểm tra"


def download_workbook(page, live_server) -> bytes:
    page.goto(f"{live_server.url}/reports/{ROUND}/")
    page.click("[data-testid=export-link]")
    go_on(page, "[data-testid=export-form] button.primary")
    job = ExportJob.objects.get(round__code=ROUND)
    link = page.locator(f'tr[data-job="{job.pk}"] a[href$="/download/"]')
    with page.expect_download() as download:
        link.click()
    return Path(download.value.path()).read_bytes()


def summary_figures(content: bytes) -> dict[str, tuple[float, float]]:
    """The workbook's rate and mean score by unit name, read with calamine (not openpyxl)."""
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_name("Tổng hợp")
    header, *body = rows.to_python()
    name, rate, mean = (header.index(h) for h in ("Đơn vị", "Tỷ lệ đạt", "Điểm trung bình"))
    return {row[name]: (row[rate], row[mean]) for row in body}


def test_a_province_runs_a_whole_round_on_an_english_browser(page, live_server, log_in, make_user):
    make_user(PROVINCE_STAFF, username="canbotinh", full_name="Đỗ Thu Trang")
    make_user(COMMUNE_STAFF, [NGA_QUAN, MINH_QUAN_ACUTE], username="canboxa", full_name="Hà Văn Tư")
    make_user(COMMITTEE, username="bcd", full_name="Nguyễn Văn Bình")
    demo = generate_round(
        code="demo-2021", households=40, seed=5, unit_keys=[NGA_QUAN, MINH_QUAN_ACUTE]
    ).round

    # The provincial staff: round, two surveyors, their communes in this round.
    log_in("canbotinh")
    in_vietnamese(page)
    create_round(page)
    hoa = create_surveyor(page, name="Lò Thị Hoa", username="hoa.nq", search="nga", key=NGA_QUAN)
    pao = create_surveyor(
        page, name="Vàng A Páo", username="pao.mq", search="minh quan", key=MINH_QUAN_ACUTE
    )
    page.click("nav >> text=Điều tra viên")
    page.click("[data-testid=assignment-rounds] >> text=Khảo sát Yên Bái 2021")
    for key, username in ((NGA_QUAN, "hoa.nq"), (MINH_QUAN_ACUTE, "pao.mq")):
        page.locator(f"tr[data-unit='{key}'] label:has-text('({username})') input").check()
    go_on(page, "main form button.primary")
    assigned = set(RoundSurveyor.objects.values_list("user__username", "unit_id"))
    assert assigned == {("hoa.nq", NGA_QUAN), ("pao.mq", MINH_QUAN_ACUTE)}
    sign_out(page)

    # Each surveyor: first login, then one household in their commune.
    for username, password, unit, head in (
        ("hoa.nq", hoa, NGA_QUAN, FARMER),
        ("pao.mq", pao, MINH_QUAN_ACUTE, {**FARMER, "full_name": "Vàng A Sử"}),
    ):
        first_login(page, live_server, log_in, username=username, password=password)
        enter_household(page, live_server, unit=unit, head=head)
        sign_out(page)
    responses = list(HouseholdResponse.objects.filter(round__code=ROUND).order_by("unit_id"))
    assert [(r.unit_id, r.surveyor.username) for r in responses] == [
        (MINH_QUAN_ACUTE, "pao.mq"),
        (NGA_QUAN, "hoa.nq"),
    ]

    # The commune staff: the evidence scores on the response page, then verification.
    log_in("canboxa")
    # No evidence in Minh Quán, full evidence in Nga Quán.
    for response, score in zip(responses, ("0", "2"), strict=True):
        score_and_verify(page, live_server, response, score)
    sign_out(page)

    # The provincial staff: approve and lock both communes, close, download.
    log_in("canbotinh")
    page.goto(f"{live_server.url}/survey/rounds/{ROUND}/review/")
    for key in (NGA_QUAN, MINH_QUAN_ACUTE):
        go_on(page, f"tr[data-unit='{key}'] button:has-text('Phê duyệt và khoá')")
        assert page.locator(f"tr[data-unit='{key}'] [data-testid=locked]").count() == 1
    statuses = HouseholdResponse.objects.filter(round__code=ROUND).values_list("status", flat=True)
    assert set(statuses) == {ResponseStatus.APPROVED}
    page.goto(f"{live_server.url}/survey/manage/rounds/{ROUND}/")
    go_on(page, "form[data-move=closed] button")
    assert page.inner_text("[data-testid=round-status]") == "Đã kết thúc"
    assert Round.objects.get(code=ROUND).status == Round.Status.CLOSED
    workbook = summary_figures(download_workbook(page, live_server))

    # The same figures, rounded half up, on the page, in the workbook and from the command.
    page.goto(f"{live_server.url}/reports/{ROUND}/")
    shown = {
        row.locator("th").inner_text().strip(): (
            row.locator("[data-col=rate]").inner_text().split()[0],
            row.locator("[data-col=mean_total]").inner_text(),
        )
        for row in page.locator("[data-testid=areas] tr[data-area]").all()
    }
    out = io.StringIO()
    call_command("round_summary", ROUND, stdout=out)
    header, _rule, *lines = out.getvalue().splitlines()[1:]
    columns = re.split(r"\s{2,}", header.strip())
    table = [dict(zip(columns, re.split(r"\s{2,}", line.strip()), strict=True)) for line in lines]
    printed = {row["Area"]: (row["Rate"], row["Mean"]) for row in table}
    assert set(shown) == set(printed) == {"Xã Minh Quán", "Xã Nga Quán", "Tổng cộng"}
    for name, (share, mean) in workbook.items():
        if name not in shown:
            continue  # the district subtotal: the page lists communes
        in_words = {
            language: (
                format_percent(value=share, digits=1, language=language),
                format_number(value=mean, digits=2, language=language, grouped=False),
            )
            for language in ("vi", "en")
        }
        assert shown[name] == in_words["vi"]
        assert printed[name] == in_words["en"]
    # The evidence scores tell the communes apart.
    assert shown["Xã Minh Quán"][1] != shown["Xã Nga Quán"][1]
    sign_out(page)

    # The committee: this round beside the demo round, commune by commune.
    log_in("bcd")
    in_vietnamese(page)
    page.goto(
        f"{live_server.url}/reports/compare/?item={ROUND}:{NGA_QUAN}&item={demo.code}:{NGA_QUAN}"
    )
    rows = page.locator("[data-testid=compare-overall] tbody tr")
    assert rows.count() == 2
    labels = [" ".join(t.split()) for t in rows.locator("th").all_inner_texts()]
    assert labels[0].startswith("Xã Nga Quán – yb-2021")
    assert labels[1].startswith("Xã Nga Quán – demo-2021")
    assert rows.nth(0).locator("td").first.inner_text().split()[0] == "2"  # the two members
