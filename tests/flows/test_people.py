"""flows.people and its pages: staff manage surveyor accounts inside their own scope."""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
from django.contrib.auth.models import User
from openpyxl import Workbook

from accounts.models import PasswordChangeRequired, ScopeAssignment
from accounts.roles import COMMITTEE, COMMUNE_STAFF, PROVINCE_STAFF, SURVEYOR
from audit.models import AuditEntry
from flows.people import (
    AccountError,
    NewSurveyor,
    create_surveyors,
    reset_password,
    set_active,
    set_communes,
)
from tests.factories import MINH_QUAN_ACUTE, NGA_QUAN, PASSWORD

pytestmark = pytest.mark.django_db
CUONG_THINH = "04522@2020-02-01"
NAM_CUONG_2025 = "04273@2025-07-01"


def text(response) -> str:
    return unescape(response.content.decode())


def _accounts() -> int:
    return User.objects.filter(groups__name=SURVEYOR).count()


@pytest.fixture
def commune_staff(make_user):
    return make_user(COMMUNE_STAFF, [NGA_QUAN], username="canboxa")


@pytest.fixture
def province(make_user):
    return make_user(PROVINCE_STAFF, username="canbotinh")


def test_staff_create_a_surveyor_with_a_temporary_password(commune_staff):
    [made] = create_surveyors(
        by=commune_staff,
        accounts=[NewSurveyor(username="hoa.nq", full_name="Lò Thị Hoa", unit_keys=(NGA_QUAN,))],
    )

    user = User.objects.get(username="hoa.nq")
    assert (user.first_name, user.last_name, user.is_active) == ("Lò Thị", "Hoa", True)
    assert [g.name for g in user.groups.all()] == [SURVEYOR]
    assert list(user.scope_assignments.values_list("unit_id", flat=True)) == [NGA_QUAN]
    assert re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", made.password)
    assert user.check_password(made.password)
    assert PasswordChangeRequired.objects.filter(user=user).exists()
    entry = AuditEntry.objects.get(object_type="account")
    assert (entry.action, entry.username, entry.details["communes"]) == (
        "create",
        "canboxa",
        [NGA_QUAN],
    )
    assert made.password not in str(entry.details)


def test_a_batch_with_one_bad_account_creates_none(commune_staff, make_user):
    make_user(SURVEYOR, username="taken")
    before = _accounts()
    accounts = [
        NewSurveyor(username="ok", full_name="Lò Thị Hoa", unit_keys=(NGA_QUAN,)),
        NewSurveyor(username="taken", full_name="Vàng A Páo", unit_keys=(NGA_QUAN,)),
        NewSurveyor(username="có dấu", full_name="", unit_keys=(MINH_QUAN_ACUTE,)),
    ]

    with pytest.raises(AccountError) as refused:
        create_surveyors(by=commune_staff, accounts=accounts)

    assert str(refused.value).split("\n") == [
        "Tài khoản 2 (taken): tên đăng nhập đã có người dùng.",
        "Tài khoản 3 (có dấu): tên đăng nhập chỉ gồm chữ không dấu, số và các dấu @ . + - _.",
        "Tài khoản 3 (có dấu): thiếu họ và tên.",
        f"Tài khoản 3 (có dấu): Các xã/phường sau nằm ngoài phạm vi của bạn: {MINH_QUAN_ACUTE}",
    ]
    assert _accounts() == before
    assert not User.objects.filter(username="ok").exists()
    assert not AuditEntry.objects.filter(object_type="account").exists()


def test_staff_cannot_touch_a_surveyor_with_a_commune_outside_their_scope(commune_staff, make_user):
    wider = make_user(SURVEYOR, [NGA_QUAN, CUONG_THINH], username="wider")

    for change in (
        lambda: set_communes(by=commune_staff, user=wider, unit_keys=[NGA_QUAN]),
        lambda: set_active(by=commune_staff, user=wider, active=False),
        lambda: reset_password(by=commune_staff, user=wider),
    ):
        with pytest.raises(AccountError) as refused:
            change()
        assert str(refused.value) == "Tài khoản này nằm ngoài phạm vi của bạn."
    wider.refresh_from_db()
    assert wider.is_active and wider.check_password(PASSWORD)
    assert set(wider.scope_assignments.values_list("unit_id", flat=True)) == {NGA_QUAN, CUONG_THINH}


def test_reset_deactivate_and_change_communes_are_audited(province, make_user):
    surveyor = make_user(SURVEYOR, [NGA_QUAN], username="hoa")

    new = reset_password(by=province, user=surveyor)
    set_active(by=province, user=surveyor, active=False)
    set_communes(by=province, user=surveyor, unit_keys=[MINH_QUAN_ACUTE, CUONG_THINH])

    surveyor.refresh_from_db()
    assert surveyor.check_password(new.password) and not surveyor.check_password(PASSWORD)
    assert surveyor.is_active is False
    assert set(ScopeAssignment.objects.filter(user=surveyor).values_list("unit_id", flat=True)) == {
        MINH_QUAN_ACUTE,
        CUONG_THINH,
    }
    trail = AuditEntry.objects.filter(object_type="account").order_by("pk")
    assert [e.summary for e in trail] == [
        "Đặt lại mật khẩu của hoa",
        "Khoá tài khoản hoa",
        "Đổi xã/phường của hoa",
    ]
    assert trail[2].details["changes"] == [
        {"field": "communes", "old": [NGA_QUAN], "new": sorted([MINH_QUAN_ACUTE, CUONG_THINH])}
    ]


# Pages -----------------------------------------------------------------------------------------


def test_the_create_page_answers_with_the_printable_sheet(client, commune_staff):
    client.force_login(commune_staff)

    sheet = client.post(
        "/people/new/", {"full_name": "Lò Thị Hoa", "username": "hoa.nq", "unit": [NGA_QUAN]}
    )

    assert sheet.status_code == 200
    assert sheet["Cache-Control"] == "no-store"
    html = text(sheet)
    password = re.search(r'data-testid="password">([^<]+)<', html).group(1)
    assert User.objects.get(username="hoa.nq").check_password(password)
    assert "http://testserver/accounts/login/" in html
    # Shown once: the list and the account page never show it.
    listing = text(client.get("/people/"))
    assert "hoa.nq" in listing and password not in listing
    account = User.objects.get(username="hoa.nq")
    assert password not in text(client.get(f"/people/{account.pk}/"))


def test_a_refused_create_keeps_the_form_and_writes_nothing(client, commune_staff):
    client.force_login(commune_staff)
    before = _accounts()

    page = client.post("/people/new/", {"full_name": "Lò Thị Hoa", "username": "hoa", "unit": []})

    assert page.status_code == 400
    assert "Tài khoản 1 (hoa): Chọn ít nhất một xã/phường." in text(page)
    assert 'value="Lò Thị Hoa"' in text(page)
    assert _accounts() == before


def test_a_temporary_password_must_be_changed_before_anything_else(client, commune_staff):
    [made] = create_surveyors(
        by=commune_staff,
        accounts=[NewSurveyor(username="hoa", full_name="Lò Thị Hoa", unit_keys=(NGA_QUAN,))],
    )
    login = client.post("/accounts/login/", {"username": "hoa", "password": made.password})
    assert login.status_code == 302

    assert client.get("/survey/").url == "/accounts/password/"
    assert client.get("/accounts/password/").status_code == 200
    changed = client.post(
        "/accounts/password/",
        {
            "old_password": made.password,
            "new_password1": "mat-khau-rieng-2026",
            "new_password2": "mat-khau-rieng-2026",
        },
    )
    assert changed.status_code == 302
    assert not PasswordChangeRequired.objects.filter(user=made.user).exists()
    assert client.get("/survey/").status_code == 200


@pytest.mark.parametrize("role", [SURVEYOR, COMMITTEE])
def test_roles_without_the_right_get_403_and_create_nothing(client, make_user, role):
    client.force_login(make_user(role))
    before = _accounts()

    assert client.get("/people/").status_code == 403
    form = {"full_name": "X", "username": "x", "unit": [NGA_QUAN]}
    assert client.post("/people/new/", form).status_code == 403
    assert _accounts() == before


def test_an_account_outside_the_scope_answers_404(client, commune_staff, make_user):
    far = make_user(SURVEYOR, [CUONG_THINH], username="far")
    client.force_login(commune_staff)

    assert client.get(f"/people/{far.pk}/").status_code == 404
    assert client.post(f"/people/{far.pk}/change/", {"action": "deactivate"}).status_code == 404
    far.refresh_from_db()
    assert far.is_active
    assert "far" not in text(client.get("/people/"))


# Bulk creation from a spreadsheet ---------------------------------------------------------------


def _workbook(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def _upload(client, name, content):
    return client.post("/people/import/", {"file": _named(name, content)})


def _named(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_a_workbook_creates_every_account_with_communes_by_name_or_code(client, province):
    client.force_login(province)
    content = _workbook(
        [
            ["Họ và tên", "Tên đăng nhập", "Xã/phường"],
            ["Lò Thị Hoa", "hoa", "Xã Nga Quán"],
            ["Vàng A Páo", "pao", "04516; xa cuong thinh"],
            [None, None, None],
        ]
    )

    sheet = _upload(client, "dtv.xlsx", content)

    assert sheet.status_code == 200
    assert text(sheet).count('data-testid="credential"') == 2
    scopes = {
        u.username: sorted(u.scope_assignments.values_list("unit_id", flat=True))
        for u in User.objects.filter(username__in=["hoa", "pao"])
    }
    assert scopes == {"hoa": [NGA_QUAN], "pao": sorted([MINH_QUAN_ACUTE, CUONG_THINH])}


def test_a_workbook_with_errors_names_each_cell_and_creates_nothing(client, province):
    client.force_login(province)
    before = _accounts()
    content = _workbook(
        [
            ["Họ và tên", "Tên đăng nhập", "Xã/phường"],
            ["Lò Thị Hoa", "hoa", "Xã Không Có"],
            ["Vàng A Páo", '=HYPERLINK("x")', "Xã Nga Quán"],
            ["Sùng Thị Mỷ", "hoa", "04528"],
        ]
    )

    page = _upload(client, "dtv.xlsx", content)

    assert page.status_code == 400
    problems = re.findall(r"<li>([^<]+)</li>", text(page))
    assert problems == [
        "Tệp dtv.xlsx, trang Danh sách, dòng 2, cột Xã/phường: "
        "không có xã/phường “Xã Không Có” trong phạm vi của bạn.",
        "Tệp dtv.xlsx, trang Danh sách, dòng 3, cột Tên đăng nhập: "
        "ô chứa công thức; hãy nhập giá trị.",
    ]
    assert _accounts() == before


def test_a_csv_without_a_column_is_refused(client, province):
    client.force_login(province)

    page = _upload(client, "dtv.csv", "Họ và tên,Tên đăng nhập\nLò Thị Hoa,hoa\n".encode())

    assert page.status_code == 400
    assert "Tệp dtv.csv, dòng 1: thiếu cột “Xã/phường”." in text(page)
    assert not User.objects.filter(username="hoa").exists()


def test_a_csv_with_a_duplicate_username_names_the_row(client, province):
    client.force_login(province)
    content = "Họ và tên,Tên đăng nhập,Xã/phường\nLò Thị Hoa,hoa,04528\nLò Văn B,hoa,04528\n"

    page = _upload(client, "dtv.csv", content.encode())

    assert page.status_code == 400
    assert "Tệp dtv.csv, dòng 3: tên đăng nhập đã có người dùng." in text(page)
    assert not User.objects.filter(username="hoa").exists()


def test_a_damaged_workbook_is_refused_without_a_traceback(client, province):
    client.force_login(province)

    page = _upload(client, "dtv.xlsx", b"PK\x03\x04 not really a zip")

    assert page.status_code == 400
    assert "dtv.xlsx:" in text(page)
    assert "Traceback" not in text(page)
