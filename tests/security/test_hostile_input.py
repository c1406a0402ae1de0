"""Hostile input through every form and upload, over HTTP.

Every case: a 4xx answer, a clear Vietnamese message, no traceback, nothing written.
The file readers have their own deeper tests (tests/imports/test_files.py,
tests/criteria/test_workbook.py); here each hostile file goes through both web uploads
(criteria sets, survey responses), and every form of the product gets its share:
login, password change, language switch, the wizard's steps, household search, the unit
tree's date, the report parameters.
"""

from __future__ import annotations

import html
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from accounts.roles import ADMINISTRATOR, COMMUNE_STAFF, PROVINCE_STAFF
from criteria.models import CriteriaSet
from criteria.selectors import find_version, spec_of
from criteria.workbook import write_workbook
from survey.models import (
    Draft,
    Household,
    HouseholdResponse,
    MemberResponse,
    ResponseChange,
)
from tests.factories import NGA_QUAN, PASSWORD
from tests.imports.conftest import fill_template, household_row, member_rows
from tests.survey.conftest import (
    FOUR_MEMBERS,
    members_post,
    start,
    submit_all,
    walk,
    walk_posts,
)
from units.models import AdminUnit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MB = 1024 * 1024


def counts() -> dict[str, int]:
    """Every table a form or upload of this suite could write."""
    return {
        "criteria_sets": CriteriaSet.objects.count(),
        "households": Household.objects.count(),
        "responses": HouseholdResponse.objects.count(),
        "members": MemberResponse.objects.count(),
        "changes": ResponseChange.objects.count(),
        "users": User.objects.count(),
    }


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def assert_refused(response, before: dict[str, int], *messages: str, status: int = 400) -> str:
    """The answer is ``status``, shows each message, no traceback, and nothing was written."""
    text = page_text(response)
    assert response.status_code == status, text[:2000]
    for message in messages:
        assert message in text, f"{message!r} not on the page"
    assert "Traceback" not in text
    assert "<script>alert" not in response.content.decode()  # echoed input stays escaped
    assert 'File "' not in text
    assert counts() == before
    return text


# Hostile files ---------------------------------------------------------------------------


def rezip(data: bytes, *, replace: dict[str, bytes] | None = None, add=None) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, (replace or {}).get(item.filename, source.read(item)))
        for name, body in (add or {}).items():
            target.writestr(name, body, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


# Ten levels of ten: "&j;" would expand to 10^9 copies of "ha" (a few gigabytes).
BILLION_LAUGHS = (
    b'<!DOCTYPE worksheet [<!ENTITY a "ha">'
    + b"".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode() for i in range(9)
    )
    + b"]>"
)
EXTERNAL_ENTITY = b'<!DOCTYPE worksheet [<!ENTITY j SYSTEM "file:///etc/passwd">]>'
SHEET = "xl/worksheets/sheet1.xml"


def _with_doctype(good: bytes, doctype: bytes) -> bytes:
    """Declare the entities in the first sheet and use "&j;" in its first text."""
    sheet = zipfile.ZipFile(io.BytesIO(good)).read(SHEET)
    declaration, body = sheet.split(b"?>", 1) if sheet.startswith(b"<?xml") else (b"", sheet)
    body = body.replace(b"<t>", b"<t>&j;", 1).replace(b"<v>", b"<v>&j;", 1)
    prefix = declaration + b"?>" if declaration else b""
    return rezip(good, replace={SHEET: prefix + doctype + body})


def _truncated(good: bytes) -> bytes:
    return good[: len(good) // 2]


def _billion_laughs(good: bytes) -> bytes:
    return _with_doctype(good, BILLION_LAUGHS)


def _external_entity(good: bytes) -> bytes:
    return _with_doctype(good, EXTERNAL_ENTITY)


def _zip_bomb(good: bytes) -> bytes:
    bomb = rezip(good, add={"xl/media/image1.bin": b"\0" * (60 * MB)})
    assert len(bomb) < MB  # 60 MB inflated from a few kilobytes
    return bomb


def _damaged_sheet(good: bytes) -> bytes:
    names = zipfile.ZipFile(io.BytesIO(good)).namelist()
    sheet = next(n for n in names if n.startswith("xl/worksheets/sheet"))
    return rezip(good, replace={sheet: b"<worksheet><sheetData><row><c"})


HOSTILE_FILES: dict[str, Callable[[bytes], bytes]] = {
    "truncated": _truncated,
    "billion_laughs": _billion_laughs,
    "external_entity": _external_entity,
    "zip_bomb": _zip_bomb,
    "damaged_sheet": _damaged_sheet,
    "empty": lambda good: b"",
    "html_named_xlsx": lambda good: b"<html><script>alert(1)</script></html>",
    "old_xls": lambda good: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
}

# What each upload says about each file (the start of its message).
IMPORT_MESSAGES = {
    "truncated": "Tệp Excel bị hỏng hoặc không đầy đủ",
    "billion_laughs": "Tệp bị từ chối: phần “xl/worksheets/sheet1.xml” có khai báo DOCTYPE/ENTITY",
    "external_entity": "Tệp bị từ chối: phần “xl/worksheets/sheet1.xml” có khai báo DOCTYPE/ENTITY",
    "zip_bomb": "Tệp bị từ chối: phần “xl/media/image1.bin” giải nén ra 60.0 MB",
    "damaged_sheet": "Tệp bị hỏng hoặc không đầy đủ",
    "empty": "Tập tin được gửi là rỗng.",  # Django's own message, in Vietnamese
    "html_named_xlsx": "Tệp không phải là bảng tính Excel (.xlsx) dù có tên “phieu.xlsx”",
    "old_xls": "Đây là tệp Excel cũ (.xls) hoặc tệp có đặt mật khẩu",
}
CRITERIA_MESSAGES = {
    "truncated": "Tệp Excel bị hỏng hoặc không đầy đủ",
    "billion_laughs": "Tệp bị từ chối: phần “xl/worksheets/sheet1.xml” có khai báo DOCTYPE/ENTITY",
    "external_entity": "Tệp bị từ chối: phần “xl/worksheets/sheet1.xml” có khai báo DOCTYPE/ENTITY",
    "zip_bomb": "Tệp bị từ chối: phần “xl/media/image1.bin” giải nén ra 60.0 MB",
    "damaged_sheet": "Không đọc được bảng tính: tệp bị hỏng hoặc không đúng định dạng .xlsx",
    "empty": "Tập tin được gửi là rỗng.",
    "html_named_xlsx": "Tệp không phải là bảng tính Excel (.xlsx) dù có tên “bo-tieu-chi.xlsx”",
    "old_xls": "Đây là tệp Excel cũ (.xls) hoặc tệp có đặt mật khẩu",
}


@pytest.fixture
def staff_client(client, round_, make_user):
    client.force_login(make_user(COMMUNE_STAFF, username="canbo"))
    return client


@pytest.fixture
def admin_client(client, units, make_user):
    client.force_login(make_user(ADMINISTRATOR, username="quantri"))
    return client


def import_upload(client, data: bytes, name: str = "phieu.xlsx", content_type: str = XLSX):
    return client.post(
        "/survey/rounds/r2021/import/",
        {"file": SimpleUploadedFile(name, data, content_type=content_type), "source": ""},
    )


def criteria_upload(client, data: bytes, name: str = "bo-tieu-chi.xlsx", content_type=XLSX):
    return client.post(
        "/criteria/upload/", {"file": SimpleUploadedFile(name, data, content_type=content_type)}
    )


def criteria_workbook() -> bytes:
    buffer = io.BytesIO()
    spec = spec_of(criteria_set=find_version(code="CDHT", version=1))
    write_workbook(spec.__class__(**{**spec.__dict__, "version": 9}), buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("case", HOSTILE_FILES)
def test_a_hostile_file_is_refused_by_the_response_import(staff_client, round_, case):
    good = fill_template(round_, [household_row()], member_rows())
    before = counts()
    response = import_upload(staff_client, HOSTILE_FILES[case](good))
    assert_refused(response, before, IMPORT_MESSAGES[case])


@pytest.mark.parametrize("case", HOSTILE_FILES)
def test_a_hostile_file_is_refused_by_the_criteria_upload(admin_client, pilot_sets, case):
    good = criteria_workbook()
    before = counts()
    response = criteria_upload(admin_client, HOSTILE_FILES[case](good))
    assert_refused(response, before, CRITERIA_MESSAGES[case])
    assert "criteria_upload" not in admin_client.session


# The wizard's steps ----------------------------------------------------------------------

NUL = "\x00"
LONG = "Nguyễn " * 800  # 5 600 characters
HUGE = "9" * 30


@pytest.fixture
def surveyor_client(client, round_, make_user):
    client.force_login(make_user("surveyor", username="dieutra"))
    return client


def errors_of(response) -> list[str]:
    found = re.findall(r'<p class="error"[^>]*>(.*?)</p>', response.content.decode(), re.S)
    return [html.unescape(m).strip() for m in found]


PERIOD = "Ngày khảo sát phải trong thời gian của đợt (01/06/2021 – 31/12/2021)."
NOT_A_DATE = "Nhập một ngày hợp lệ."
NOT_AN_INTEGER = "Nhập một số tổng thể."  # Django's Vietnamese for "Enter a whole number."
NUL_REFUSED = "Không được dùng ký tự null."
STEP_CASES = [
    # (step, field, value, the message beside the field)
    ("household", "survey_date", "1900-01-01", PERIOD),
    ("household", "survey_date", "9999-12-31", PERIOD),
    ("household", "survey_date", "2021-02-30", NOT_A_DATE),
    ("household", "survey_date", "99999-01-01", NOT_A_DATE),
    ("household", "head_name", LONG, "Dài quá 120 ký tự (hiện có 5599); hãy viết gọn lại."),
    ("household", "head_name", f"Nguyễn{NUL}An", NUL_REFUSED),
    ("household", "head_name", "   ", "Trường này là bắt buộc."),
    (
        "household",
        "unit",
        "<script>alert(1)</script>",
        "Hãy chọn một lựa chọn hợp lệ. <script>alert(1)</script> không phải là một trong "
        "các lựa chọn khả thi.",
    ),
    ("members", "birth_year", "-5", "Năm sinh phải từ 1900 đến năm khảo sát (2021)."),
    ("members", "birth_year", HUGE, "Năm sinh phải từ 1900 đến năm khảo sát (2021)."),
    ("members", "birth_year", "1e3", "Năm sinh phải là một số, ví dụ 1985."),
    ("members", "birth_year", "2999", "Năm sinh phải từ 1900 đến năm khảo sát (2021)."),
    ("members", "full_name", NUL, NUL_REFUSED),
    ("c1", "community_sessions_12m", "-1", "Số buổi phải từ 0 đến 365."),
    (
        "c1",
        "community_sessions_12m",
        HUGE,
        "Đảm bảo giá trị này là nhỏ hơn hoặc bằng với 1000000000 .",
    ),
    ("c1", "community_sessions_12m", "NaN", NOT_AN_INTEGER),
]


@pytest.mark.parametrize(("step", "field", "value", "message"), STEP_CASES)
def test_a_hostile_value_in_a_wizard_step_is_refused(
    surveyor_client, round_, step, field, value, message
):
    base = start(surveyor_client, round_)
    walk(surveyor_client, base, FOUR_MEMBERS, until=step)
    posted = dict(walk_posts(FOUR_MEMBERS))[step]
    name = {"household": f"household-{field}", "members": f"members-0-{field}"}.get(
        step, f"{step}-m0-{field}"
    )
    posted[name] = value
    before = counts()
    response = surveyor_client.post(f"{base}/{step}/", posted)
    assert_refused(response, before)
    assert errors_of(response) == [message]
    assert step not in Draft.objects.get().data.get("step_data", {})


# Bodies and content types ----------------------------------------------------------------


def test_a_body_over_the_memory_limit_is_refused(client, units):
    before = counts()
    response = client.post("/accounts/login/", {"username": "a" * (6 * MB), "password": "x"})
    assert_refused(response, before, "Yêu cầu không hợp lệ")
    assert "_auth_user_id" not in client.session


def test_too_many_fields_are_refused(surveyor_client, round_):
    base = start(surveyor_client, round_)
    walk(surveyor_client, base, FOUR_MEMBERS, until="members")
    posted = members_post(FOUR_MEMBERS)
    posted.update({f"members-{i}-full_name": "An" for i in range(1200)})
    before = counts()
    response = surveyor_client.post(f"{base}/members/", posted)
    assert_refused(response, before, "Yêu cầu không hợp lệ")
    assert "members" not in Draft.objects.get().data.get("step_data", {})


def test_json_instead_of_a_form_is_refused(client, units):
    before = counts()
    response = client.post(
        "/accounts/login/", '{"username": "a", "password": "b"}', content_type="application/json"
    )
    assert_refused(response, before, "Trường này là bắt buộc.")


def test_an_upload_that_is_not_multipart_is_refused(staff_client, round_):
    before = counts()
    response = staff_client.post(
        "/survey/rounds/r2021/import/", b"PK\x03\x04", content_type="application/octet-stream"
    )
    assert_refused(response, before)
    assert errors_of(response) == ["Trường này là bắt buộc."]


def test_a_criteria_upload_that_is_not_multipart_is_refused(admin_client, pilot_sets):
    before = counts()
    response = admin_client.post("/criteria/upload/", "file=x", content_type="text/plain")
    assert_refused(response, before)
    assert errors_of(response) == ["Trường này là bắt buộc."]


def test_an_upload_over_ten_megabytes_is_refused(staff_client, round_):
    before = counts()
    response = import_upload(staff_client, b"PK\x03\x04" + b"\0" * (11 * MB))
    assert_refused(response, before, "Tệp quá lớn; tối đa 10 MB.")


def test_a_criteria_upload_over_ten_megabytes_is_refused(admin_client, pilot_sets):
    before = counts()
    response = criteria_upload(admin_client, b"PK\x03\x04" + b"\0" * (11 * MB))
    assert_refused(response, before, "Tệp quá lớn; tối đa 10 MB.")


# Login, password, language -----------------------------------------------------------------


@pytest.mark.parametrize(
    "username",
    ["<script>alert(1)</script>", "' OR 1=1 --", "a" * 5000, "Nguyễn\u202eAn", "an\x00"],
)
def test_hostile_user_names_are_refused_at_login(client, make_user, username):
    make_user("surveyor", username="an")
    before = counts()
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert_refused(response, before)
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.filter(username__startswith="aaaa").count() == 0


def test_a_hostile_new_password_is_refused(client, make_user):
    user = make_user("surveyor", username="an")
    client.force_login(user)
    for new in ("1" * 12, "x" * 5000 + "\x00"):
        before = counts()
        response = client.post(
            "/accounts/password/",
            {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        )
        assert_refused(response, before)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("language", "next_url"),
    [
        ("xx", "/"),
        ("<script>", "/"),
        ("en", "https://evil.example/"),
        ("en", "//evil.example/"),
        ("en", "javascript:alert(1)"),
    ],
)
def test_the_language_switch_ignores_unknown_languages_and_foreign_addresses(
    client, units, language, next_url
):
    response = client.post("/i18n/setlang/", {"language": language, "next": next_url})
    # Django's view always redirects; it must stay on the site and set only known languages.
    assert response.status_code == 302
    assert response["Location"] == "/"
    cookie = response.cookies.get("django_language")
    assert cookie is None or cookie.value in {"vi", "en"}


# Search, dates and parameters ----------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/survey/rounds/r2021/households/?q=%00",
        "/units/?on=2021-01-01%00",
        "/units/04528@2020-02-01%00/",
        "/reports/compare/?item=r2021:%00",
    ],
)
def test_a_nul_character_in_an_address_is_refused(staff_client, round_, url):
    before = counts()
    assert_refused(staff_client.get(url), before, "Yêu cầu không hợp lệ")


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/survey/rounds/r2021/households/?q=" + "%25" * 3000, 200),
        ("/survey/rounds/r2021/households/?q=' OR 1=1 --&village=%25&status=<b>", 200),
        ("/survey/rounds/r2021/households/?surveyor=99999999999999999999999", 200),
        ("/survey/rounds/r2021/households/?page=-1", 200),
        ("/survey/rounds/r2021/households/?page=99999999999999999999", 200),
        ("/survey/responses/99999999999999999999999/", 404),
        ("/reports/r2021/households/99999999999999999999999/", 404),
        ("/reports/r2021/?run=99999999999999999999999", 404),
        ("/reports/r2021/?run=-1", 404),
        ("/reports/r2021/?level=<script>alert(1)</script>", 200),
        ("/units/?on=0001-01-01", 200),
        ("/units/?on=9999-12-31", 200),
        ("/units/?on=99999-01-01", 400),
        ("/units/?on=<script>alert(1)</script>", 400),
    ],
)
def test_hostile_parameters_never_fail_and_are_never_echoed_raw(
    client, round_, make_user, url, status
):
    client.force_login(make_user(PROVINCE_STAFF, username="tinh"))
    before = counts()
    response = client.get(url)
    assert response.status_code == status
    body = response.content.decode()
    assert "Traceback" not in body
    assert "<script>alert" not in body
    assert "' OR 1=1" not in body or "&#x27; OR 1=1" in body
    assert counts() == before


def test_a_search_does_not_treat_percent_as_a_wildcard(staff_client, round_):
    submit_all(staff_client, round_, FOUR_MEMBERS)
    staff_client.get("/survey/rounds/r2021/households/")  # shows the "saved" message once
    found = staff_client.get("/survey/rounds/r2021/households/?q=%25")
    assert found.status_code == 200
    assert "Nguyễn Văn An" not in page_text(found)
    found = staff_client.get("/survey/rounds/r2021/households/?q=Nguyễn")
    assert "Nguyễn Văn An" in page_text(found)


# Names: scripts, formulas, Unicode ---------------------------------------------------------

SCRIPT_NAME = "<script>alert('hộ')</script>"
ATTRIBUTE_NAME = '"><img src=x onerror=alert(1)>'
MEMBER_SCRIPT = "</script><script>alert(2)</script>"


def test_script_in_names_and_free_text_is_stored_as_typed_and_escaped_everywhere(
    staff_client, round_, make_user, client
):
    members = [dict(FOUR_MEMBERS[0], full_name=MEMBER_SCRIPT), *FOUR_MEMBERS[1:]]
    saved = submit_all(
        staff_client,
        round_,
        members,
        head_name=SCRIPT_NAME,
        village=ATTRIBUTE_NAME,
        address='=HYPERLINK("http://evil.example","x")',
    )
    assert saved.head_name == SCRIPT_NAME
    assert saved.members.order_by("position").first().full_name == MEMBER_SCRIPT
    pages = {
        "response": staff_client.get(f"/survey/responses/{saved.pk}/"),
        "list": staff_client.get("/survey/rounds/r2021/households/"),
        "search": staff_client.get("/survey/rounds/r2021/households/?q=script"),
    }
    province = make_user(PROVINCE_STAFF, username="tinh")
    staff_client.force_login(province)
    pages["report_household"] = staff_client.get(f"/reports/r2021/households/{saved.pk}/")
    member = saved.members.order_by("position").first()
    pages["report_member"] = staff_client.get(f"/reports/r2021/members/{member.pk}/")
    pages["report_unit"] = staff_client.get(f"/reports/r2021/units/{NGA_QUAN}/")
    for name, response in pages.items():
        assert response.status_code == 200, name
        body = response.content.decode()
        for raw in (SCRIPT_NAME, ATTRIBUTE_NAME, MEMBER_SCRIPT, "<script>alert"):
            assert raw not in body, (name, raw)
    for name in ("response", "list", "report_household"):
        assert html.escape(SCRIPT_NAME) in pages[name].content.decode(), name


def test_a_unit_name_with_a_script_is_escaped_in_the_chart_data(client, round_, make_user):
    hostile = "</script><script>alert(3)</script>"
    AdminUnit.objects.filter(key=NGA_QUAN).update(name=hostile)
    client.force_login(make_user(PROVINCE_STAFF, username="tinh"))
    response = client.get("/reports/r2021/")
    assert response.status_code == 200
    body = response.content.decode()
    assert hostile not in body
    assert "<script>alert(3)" not in body


def test_a_unit_name_like_a_formula_stays_text_in_the_entry_template(staff_client, round_):
    formula = '=HYPERLINK("http://evil.example","Xã Nga Quán")'
    AdminUnit.objects.filter(key=NGA_QUAN).update(name=formula)
    response = staff_client.get("/survey/rounds/r2021/entry-template.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row if c.value == formula]
    assert cells, "the unit name is in the template"
    assert {c.data_type for c in cells} == {"s"}  # text, never a formula


def test_a_name_typed_with_combining_tone_marks_is_stored_precomposed_and_found_both_ways(
    staff_client, round_
):
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hường")
    assert decomposed != "Nguyễn Thị Hường"
    members = [dict(FOUR_MEMBERS[0], full_name=decomposed), *FOUR_MEMBERS[1:]]
    saved = submit_all(staff_client, round_, members, head_name=decomposed)
    assert saved.head_name == "Nguyễn Thị Hường"
    assert saved.members.order_by("position").first().full_name == "Nguyễn Thị Hường"
    for query in ("Nguyễn Thị Hường", decomposed, "nguyen thi huong"):
        found = staff_client.get("/survey/rounds/r2021/households/", {"q": query})
        assert found.status_code == 200
        assert "Nguyễn Thị Hường" in page_text(found), query


def test_invisible_and_direction_control_characters_are_kept_as_text_and_shown_safely(
    staff_client, round_
):
    typed = "Nguyễn\u200bVăn \u202eAn"  # a zero-width space, a right-to-left override
    saved = submit_all(staff_client, round_, FOUR_MEMBERS, head_name=typed)
    assert saved.head_name == typed
    shown = staff_client.get(f"/survey/responses/{saved.pk}/")
    assert shown.status_code == 200
    assert typed in page_text(shown)
