"""A surveyor of 2025 revisits on a phone a household first surveyed in 2021."""

from __future__ import annotations

from datetime import date

import pytest

from accounts.roles import SURVEYOR
from criteria.selectors import find_version
from criteria.services import save_spec
from flows.responses import record_response
from survey.models import Draft, HouseholdResponse, Round
from survey.rounds import create_round
from survey.services import start_draft
from tests.browser.test_household_wizard import answer, answer_step, fill_member, go_on, progress
from tests.factories import NGA_QUAN
from tests.survey.conftest import (
    CADRE,
    CHILD,
    ELDER,
    FARMER,
    HOUSEHOLD_ANSWERS,
    family_answers,
    shipped_specs,
)
from tests.survey.test_revisit import BABY, NAM_CUONG_2025, v2_answers
from tests.survey.test_services import submission

pytestmark = pytest.mark.browser

MEMBERS_2025 = [FARMER, CADRE, CHILD]  # with family questions: the two adults and the child


@pytest.fixture
def surveyed_2021(units, make_user):
    """The 2021 household of four in Xã Nga Quán, and the round of 2025."""
    for spec in shipped_specs():
        save_spec(spec=spec)
    pilot = create_round(
        code="r2021",
        name="Thí điểm 2021",
        citizen_set=find_version(code="CDHT", version=1),
        household_set=find_version(code="GDHT", version=1),
        starts_on=date(2021, 6, 1),
        ends_on=date(2021, 12, 31),
        planned={NGA_QUAN: 20},
        status=Round.Status.OPEN,
    )
    create_round(
        code="r2025",
        name="Đợt 2025",
        citizen_set=find_version(code="CDHT", version=2),
        household_set=find_version(code="GDHT", version=1),
        starts_on=date(2025, 8, 1),
        ends_on=date(2025, 12, 31),
        planned={NAM_CUONG_2025: 30},
        status=Round.Status.OPEN,
    )
    first = make_user(SURVEYOR, [NGA_QUAN])
    draft = start_draft(user=first, round_=pilot)
    return record_response(draft_id=draft.pk, user=first, submission=submission())


def test_a_2021_household_revisited_in_2025_in_phuong_nam_cuong(
    page, live_server, log_in, make_user, surveyed_2021
):
    make_user(SURVEYOR, [NAM_CUONG_2025], username="dtv2025", full_name="Hà Thị Mai")
    code = surveyed_2021.household.code
    log_in("dtv2025")
    page.goto(f"{live_server.url}/survey/")

    # Find the household without accents among those of earlier rounds.
    go_on(page, "[data-round=r2025] a:has-text('Khảo sát lại')", r".*/revisit/$")
    page.fill("#id_q", "nguyen van an")
    go_on(page, "form.filters button", r".*/revisit/\?.*")
    rows = page.locator("[data-testid=revisit] tbody tr")
    assert rows.count() == 1
    cells = [" ".join(c.split()) for c in rows.first.locator("td").all_inner_texts()]
    assert cells[:6] == ["Nguyễn Văn An", "Khảo sát lại", code, "Xã Nga Quán", "Thôn 3", "4"]
    go_on(page, "[data-testid=revisit] button:has-text('Khảo sát lại')", r".*/household/$")

    # 1. The household as in 2021, on its 2025 unit; the survey date is new.
    assert progress(page) == "Bước 1/8: Thông tin hộ gia đình"
    assert page.locator("[data-testid=revisit]").inner_text() == f"Khảo sát lại hộ {code}"
    assert page.input_value("#id_household-unit") == NAM_CUONG_2025
    assert page.input_value("#id_household-head_name") == "Nguyễn Văn An"
    assert page.input_value("#id_household-village") == "Thôn 3"
    assert page.input_value("#id_household-survey_date") == ""
    page.fill("#id_household-survey_date", "2025-09-10")
    go_on(page, url=r".*/members/$")

    # 2. The four members are there; the elder has died, a grandchild was born.
    names = [page.input_value(f'[name="members-{i}-full_name"]') for i in range(4)]
    assert names == [m["full_name"] for m in (FARMER, CADRE, CHILD, ELDER)]
    groups = [page.input_value(f'[name="members-{i}-target_group"]') for i in range(4)]
    assert groups == ["cu_dan", "can_bo_dn", "", "cu_dan"]
    page.check('[name="members-3-DELETE"]')
    page.click("button.add-member")
    page.wait_for_selector('[name="members-4-full_name"]')
    fill_member(page, 4, BABY)
    go_on(page, url=r".*/c1/$")

    # 3–7. Every question is asked again: nothing of 2021 is filled in.
    legends = page.locator("fieldset.member-questions > legend").all_inner_texts()
    assert legends == ["Nguyễn Văn An (44 tuổi)", "Trần Thị Bình (39 tuổi)"]
    assert page.locator("input:checked").count() == 0
    members = {0: {**FARMER, "target_group": "cu_dan"}, 1: {**CADRE, "target_group": "can_bo_dn"}}
    for step in ("c1", "c2", "c3"):
        shown = {
            i: {
                k: v
                for k, v in v2_answers(m).items()
                if page.locator(f'[name="{step}-m{i}-{k}"]').count()
            }
            for i, m in members.items()
        }
        answer_step(page, step, shown)
        go_on(page)
    assert progress(page) == "Bước 6/8: Học tập của các thành viên"
    answer_step(page, "family", {i: family_answers(m, 2025) for i, m in enumerate(MEMBERS_2025)})
    go_on(page, url=r".*/household_questions/$")
    for code_, value in HOUSEHOLD_ANSWERS.items():
        answer(page, f"household_questions-{code_}", value)
    go_on(page, url=r".*/review/$")
    go_on(page, "[data-testid=next]:has-text('Gửi phiếu')", r".*/survey/responses/\d+/$")

    # The same household has its 2025 response; the page lists both rounds.
    saved = HouseholdResponse.objects.get(round__code="r2025")
    assert saved.household_id == surveyed_2021.household_id
    kept = {m.full_name: m.person_id for m in surveyed_2021.members.all()}
    members_saved = [
        (m.full_name, m.age, m.person_id == kept.get(m.full_name)) for m in saved.members.all()
    ]
    assert members_saved == [
        ("Nguyễn Văn An", 44, True),
        ("Trần Thị Bình", 39, True),
        ("Nguyễn Minh Châu", 14, True),
        ("Nguyễn Gia Bảo", 1, False),
    ]
    history = page.locator("[data-testid=history] tbody tr")
    assert [" ".join(t.split()) for t in history.all_inner_texts()] == [
        "Thí điểm 2021 15/07/2021 Xã Nga Quán Thôn 3 4 Đã gửi",
        "Đợt 2025 10/09/2025 Phường Nam Cường Thôn 3 4 Đã gửi",
    ]
    assert not Draft.objects.exists()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
