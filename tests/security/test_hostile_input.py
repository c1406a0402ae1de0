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
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from accounts.roles import ADMINISTRATOR, COMMUNE_STAFF, PROVINCE_STAFF
from criteria.models import CriteriaSet
from criteria.selectors import find_version, spec_of
from criteria.workbook import write_workbook
from survey.models import Draft, Household, HouseholdResponse, MemberResponse, ResponseChange
from tests.factories import NGA_QUAN, PASSWORD
from tests.imports.conftest import fill_template, household_row, member_rows, pilot_sets, round_  # noqa: F401
from tests.survey.conftest import (
    FOUR_MEMBERS,
    household_post,
    members_post,
    start,
    submit_all,
    walk,
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
    # Not a zip, so read as YAML: refused as such, the markup shown as text.
    "html_named_xlsx": "Cần một bảng tên–giá trị",
    "old_xls": "Tệp không phải là văn bản UTF-8",
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
