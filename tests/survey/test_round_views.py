"""The round pages: provincial staff create, edit, open, close and reopen rounds in the product."""

from __future__ import annotations

from html import unescape

import pytest

from accounts.roles import ADMINISTRATOR, COMMITTEE, COMMUNE_STAFF, PROVINCE_STAFF, SURVEYOR
from audit.models import AuditEntry
from criteria.selectors import find_version
from survey.models import Round, RoundUnit
from tests.factories import MINH_QUAN_ACUTE, NGA_QUAN

pytestmark = pytest.mark.django_db
NAM_CUONG_2025 = "04273@2025-07-01"


def text(response) -> str:
    return unescape(response.content.decode())


def _form(**changes) -> dict:
    form = {
        "code": "yb-2026",
        "name": "Khảo sát 2026",
        "starts_on": "01/06/2021",
        "ends_on": "31/12/2021",
        "citizen_set": str(find_version(code="CDHT", version=1).pk),
        "household_set": str(find_version(code="GDHT", version=1).pk),
        "unit": [NGA_QUAN, MINH_QUAN_ACUTE],
        f"planned-{NGA_QUAN}": "30",
        f"planned-{MINH_QUAN_ACUTE}": "",
    }
    return {**form, **changes}


@pytest.fixture
def manager(client, make_user, pilot_sets):
    user = make_user(PROVINCE_STAFF, username="canbotinh")
    client.force_login(user)
    return user


def test_the_new_round_page_lists_the_communes_of_the_scope_grouped_with_search_keys(
    client, manager
):
    page = client.get("/survey/manage/rounds/new/")

    assert page.status_code == 200
    html = text(page)
    assert "<summary>Huyện Trấn Yên <span" in html
    assert f'value="{NGA_QUAN}"' in html
    # Both eras are offered; the page hides those not valid on the typed start date.
    assert f'value="{NAM_CUONG_2025}"' in html
    assert 'data-search="xa nga quan huyen tran yen 04528"' in html
    assert 'placeholder="dd/mm/yyyy"' in html


def test_dates_typed_day_first_create_the_round(client, manager):
    response = client.post("/survey/manage/rounds/new/", _form())

    assert response.status_code == 302
    assert response.url == "/survey/manage/rounds/yb-2026/"
    round_ = Round.objects.get()
    # 01/06/2021 is 1 June (the admin once stored it as 6 January).
    assert (round_.starts_on.isoformat(), round_.ends_on.isoformat()) == (
        "2021-06-01",
        "2021-12-31",
    )
    assert round_.status == "planned"
    assert dict(round_.round_units.values_list("unit_id", "planned_households")) == {
        NGA_QUAN: 30,
        MINH_QUAN_ACUTE: 0,
    }
    detail = text(client.get(response.url))
    assert "01/06/2021 – 31/12/2021" in detail
    assert '<dd data-testid="round-status">Đang chuẩn bị</dd>' in detail


def test_a_commune_not_valid_on_the_start_is_refused_with_the_form_kept(client, manager):
    form = _form(unit=[NGA_QUAN, NAM_CUONG_2025], **{f"planned-{NAM_CUONG_2025}": "12"})

    response = client.post("/survey/manage/rounds/new/", form)

    assert response.status_code == 400
    html = text(response)
    assert (
        "Các đơn vị sau không phải xã/phường có hiệu lực ngày bắt đầu (01/06/2021): "
        "04273@2025-07-01" in html
    )
    assert f'name="planned-{NAM_CUONG_2025}" value="12"' in html
    assert 'value="Khảo sát 2026"' in html
    assert Round.objects.count() == RoundUnit.objects.count() == 0
    assert not AuditEntry.objects.filter(object_type="round").exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"starts_on": "2021-31-12"}, "Ngày bắt đầu: Nhập một ngày hợp lệ."),
        ({"unit": []}, "Chọn ít nhất một xã/phường."),
        ({f"planned-{NGA_QUAN}": "-3"}, f"Số hộ dự kiến của {NGA_QUAN} phải là số nguyên"),
        ({"unit": ["99999@2020-02-01"]}, "Xã/phường 99999@2020-02-01 không có trong danh sách."),
    ],
)
def test_bad_input_is_named_and_nothing_is_written(client, manager, changes, message):
    response = client.post("/survey/manage/rounds/new/", _form(**changes))

    assert response.status_code == 400
    assert message in text(response)
    assert Round.objects.count() == 0


def test_a_planned_round_is_edited_then_opened_closed_and_reopened(client, manager):
    client.post("/survey/manage/rounds/new/", _form())
    edit = client.get("/survey/manage/rounds/yb-2026/edit/")
    assert 'value="01/06/2021"' in text(edit)
    assert f'name="planned-{NGA_QUAN}" value="30"' in text(edit)

    saved = client.post(
        "/survey/manage/rounds/yb-2026/edit/",
        _form(name="Khảo sát 2026 (sửa)", unit=[NGA_QUAN], code="ignored"),
    )
    assert saved.status_code == 302
    round_ = Round.objects.get()
    assert (round_.code, round_.name) == ("yb-2026", "Khảo sát 2026 (sửa)")
    assert list(round_.round_units.values_list("unit_id", flat=True)) == [NGA_QUAN]

    client.post("/survey/manage/rounds/yb-2026/move/", {"status": "open"})
    assert Round.objects.get().status == "open"
    assert client.get("/survey/manage/rounds/yb-2026/edit/").status_code == 302
    client.post("/survey/manage/rounds/yb-2026/move/", {"status": "closed"})
    refused = client.post("/survey/manage/rounds/yb-2026/move/", {"status": "open"}, follow=True)
    assert "Cần nêu lý do mở lại đợt đã kết thúc." in text(refused)
    assert Round.objects.get().status == "closed"
    client.post("/survey/manage/rounds/yb-2026/move/", {"status": "open", "reason": "Bổ sung"})
    assert Round.objects.get().status == "open"
    trail = AuditEntry.objects.filter(object_type="round").order_by("pk")
    assert [e.action for e in trail] == [
        "create",
        "change",
        "transition",
        "transition",
        "transition",
    ]


def test_a_get_of_the_move_url_changes_nothing(client, manager):
    client.post("/survey/manage/rounds/new/", _form())

    assert client.get("/survey/manage/rounds/yb-2026/move/?status=open").status_code == 405
    assert Round.objects.get().status == "planned"


@pytest.mark.parametrize("role", [SURVEYOR, COMMUNE_STAFF, COMMITTEE])
def test_roles_without_the_right_get_403(client, make_user, pilot_sets, role):
    client.force_login(make_user(role))

    for url in ("/survey/manage/rounds/", "/survey/manage/rounds/new/"):
        assert client.get(url).status_code == 403
    assert client.post("/survey/manage/rounds/new/", _form()).status_code == 403
    assert Round.objects.count() == 0


def test_a_round_outside_the_scope_answers_404(client, make_user, pilot_sets):
    client.force_login(make_user(ADMINISTRATOR))
    client.post("/survey/manage/rounds/new/", _form(unit=[NGA_QUAN]))
    client.force_login(make_user(PROVINCE_STAFF, unit_keys=[MINH_QUAN_ACUTE]))

    assert client.get("/survey/manage/rounds/yb-2026/").status_code == 404
    assert client.post("/survey/manage/rounds/yb-2026/move/", {"status": "open"}).status_code == 404
    assert "yb-2026" not in text(client.get("/survey/manage/rounds/"))
    assert Round.objects.get().status == "planned"
