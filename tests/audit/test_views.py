"""The administrators' audit page: search by user, unit, date and action; CSV export."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from django.utils import timezone

from accounts.roles import ADMINISTRATOR, COMMITTEE, COMMUNE_STAFF, PROVINCE_STAFF
from audit.models import AuditEntry
from tests.factories import NGA_QUAN, YEN_BAI_PROVINCE

pytestmark = pytest.mark.django_db


def _at(day: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(f"{day}T10:00:00"))


@pytest.fixture
def admin(make_user):
    return make_user(ADMINISTRATOR, username="quantri")


@pytest.fixture
def entries(make_user):
    officer = make_user(COMMUNE_STAFF, username="canboxa")
    province = make_user(PROVINCE_STAFF, username="canbotinh")
    rows = [
        (officer, "transition", NGA_QUAN, "2026-03-01", '=HYPERLINK("http://x")'),
        (officer, "change", NGA_QUAN, "2026-03-02", "Sửa hộ Nguyễn Văn An"),
        (province, "lock", NGA_QUAN, "2026-03-05", "Khoá Xã Nga Quán"),
        (province, "export", YEN_BAI_PROVINCE, "2026-03-09", "+Xuất bảng"),
    ]
    return [
        AuditEntry.objects.create(
            user=user,
            username=user.username,
            action=action,
            unit_id=unit,
            at=_at(day),
            summary=summary,
            round_code="r2021",
        )
        for user, action, unit, day, summary in rows
    ]


def _summaries(response) -> list[str]:
    return [e.summary for e in response.context["page"]]


@pytest.mark.parametrize("role", [COMMUNE_STAFF, PROVINCE_STAFF, COMMITTEE])
def test_only_administrators_may_open_it(client, make_user, role):
    client.force_login(make_user(role))

    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export.csv").status_code == 403


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["+Xuất bảng", "Khoá Xã Nga Quán", "Sửa hộ Nguyễn Văn An", '=HYPERLINK("http://x")']),
        ("user=canboxa", ["Sửa hộ Nguyễn Văn An", '=HYPERLINK("http://x")']),
        ("action=lock", ["Khoá Xã Nga Quán"]),
        (
            f"unit={NGA_QUAN}",
            ["Khoá Xã Nga Quán", "Sửa hộ Nguyễn Văn An", '=HYPERLINK("http://x")'],
        ),
        # A province matches the entries of the units under it.
        (
            f"unit={YEN_BAI_PROVINCE}",
            ["+Xuất bảng", "Khoá Xã Nga Quán", "Sửa hộ Nguyễn Văn An", '=HYPERLINK("http://x")'],
        ),
        ("since=2026-03-02&until=2026-03-05", ["Khoá Xã Nga Quán", "Sửa hộ Nguyễn Văn An"]),
    ],
)
def test_search(client, admin, entries, query, expected):
    client.force_login(admin)

    response = client.get(f"/audit/?{query}")

    assert response.status_code == 200
    assert _summaries(response) == expected


def test_bad_dates_are_a_400_with_a_message(client, admin, entries):
    client.force_login(admin)

    response = client.get("/audit/?since=2026-03-05&until=2026-03-01")

    assert response.status_code == 400
    assert "“Đến ngày” phải không trước “Từ ngày”." in response.content.decode()


def test_pages_of_fifty(client, admin):
    for n in range(51):
        AuditEntry.objects.create(action="view_personal", summary=f"xem {n}", at=_at("2026-01-01"))
    client.force_login(admin)

    first = client.get("/audit/")
    second = client.get("/audit/?page=2")

    assert (len(first.context["page"]), len(second.context["page"])) == (50, 1)


def test_csv_export_is_bom_utf8_formula_safe_and_recorded(client, admin, entries):
    client.force_login(admin)

    response = client.get("/audit/export.csv?user=canbotinh")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["thoi_gian", "nguoi_dung", "hanh_dong"]
    assert [(r[1], r[2], r[7]) for r in rows[1:]] == [
        ("canbotinh", "export", "'+Xuất bảng"),
        ("canbotinh", "lock", "Khoá Xã Nga Quán"),
    ]
    recorded = AuditEntry.objects.filter(object_type="audit_trail").get()
    assert (recorded.action, recorded.username) == ("export", "quantri")
    assert recorded.details["filters"]["user"] == "canbotinh"


def test_the_formula_in_any_column_is_defused(client, admin, entries):
    client.force_login(admin)

    body = client.get("/audit/export.csv?user=canboxa&action=transition").content.decode(
        "utf-8-sig"
    )

    assert list(csv.reader(io.StringIO(body)))[1][7] == '\'=HYPERLINK("http://x")'
