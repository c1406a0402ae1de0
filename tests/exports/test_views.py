"""Request an export, follow it, download it: scope, ownership, roles, audit."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from accounts.roles import COMMITTEE, COMMUNE_STAFF, PROVINCE_STAFF
from audit.models import Action, AuditEntry
from exports.jobs import download_name
from exports.models import ExportJob
from tests.exports.helpers import read_sheets
from tests.factories import NGA_QUAN
from tests.scoring_agg.conftest import YEN_NINH

pytestmark = pytest.mark.django_db

FORM = {"level": "commune", "hierarchy": "round", "statuses": "counted", "file_format": "xlsx"}


def test_province_staff_export_with_detail(client, signed_in, report_round):
    user = signed_in(PROVINCE_STAFF)
    page = client.get("/exports/new/r-bc/")
    assert page.status_code == 200
    assert 'name="detail"' in page.content.decode()
    response = client.post("/exports/new/r-bc/", {**FORM, "detail": "on"})
    assert response.status_code == 302 and response.url == "/exports/"
    job = ExportJob.objects.get(user=user)
    assert job.status == "done" and job.progress == 100 and job.file_path
    listing = client.get("/exports/").content.decode()
    assert f'href="/exports/{job.pk}/download/"' in listing
    download = client.get(f"/exports/{job.pk}/download/")
    assert download.status_code == 200
    made = timezone.localtime(job.created_at).strftime("%Y%m%d-%H%M%S")
    assert download["Content-Disposition"] == (f'attachment; filename="chi-tiet-r-bc-{made}.xlsx"')
    sheets = read_sheets(b"".join(download.streaming_content))
    assert {"Hộ", "Thành viên"} <= set(sheets)
    entries = AuditEntry.objects.filter(round_code="r-bc").exclude(action=Action.CREATE)
    entries = entries.order_by("id")
    assert [e.action for e in entries] == [Action.EXPORT, Action.VIEW_PERSONAL]
    assert entries[0].details["filters"] == {
        "units": [],
        "level": "commune",
        "hierarchy": "round",
        "detail": True,
        "approved_only": False,
    }
    assert entries[0].user == user
    status = client.get("/exports/status/").json()
    assert status["jobs"][0] == {
        "id": job.pk,
        "status": "done",
        "label": "Xong",
        "delay": "",
        "progress": 100,
        "download": f"/exports/{job.pk}/download/",
    }


def test_commune_staff_exports_only_their_commune(client, signed_in, report_round):
    user = signed_in(COMMUNE_STAFF)  # Xã Nga Quán
    page = client.get("/exports/new/r-bc/").content.decode()
    assert f'value="{NGA_QUAN}"' in page and YEN_NINH not in page
    assert client.post("/exports/new/r-bc/", {**FORM, "units": [YEN_NINH]}).status_code == 404
    assert not ExportJob.objects.exists()
    assert client.post("/exports/new/r-bc/", FORM).status_code == 302
    job = ExportJob.objects.get(user=user)
    rows = read_sheets(client.get(f"/exports/{job.pk}/download/").getvalue())["Tổng hợp"]
    assert [r[2] for r in rows[1:]] == ["Xã Nga Quán", "Huyện Trấn Yên", "Tổng cộng"]


def test_round_outside_scope_is_404(client, signed_in, report_round, make_user):
    signed_in(COMMUNE_STAFF, unit_keys=["04567@2020-02-01"])  # Xã Minh Quân: not in r-bc
    assert client.get("/exports/new/r-bc/").status_code == 404
    assert client.post("/exports/new/r-bc/", FORM).status_code == 404
    assert client.get("/exports/new/no-such-round/").status_code == 404
    assert not ExportJob.objects.exists()


def test_only_the_owner_downloads(client, signed_in, report_round, make_user):
    owner = make_user(PROVINCE_STAFF)
    client.force_login(owner)
    client.post("/exports/new/r-bc/", FORM)
    job = ExportJob.objects.get(user=owner)
    assert client.get(f"/exports/{job.pk}/download/").status_code == 200
    signed_in(PROVINCE_STAFF)
    assert client.get(f"/exports/{job.pk}/download/").status_code == 404
    assert f"/exports/{job.pk}/download/" not in client.get("/exports/").content.decode()


def test_committee_may_not_export(client, signed_in, report_round):
    signed_in(COMMITTEE)
    assert client.get("/exports/new/r-bc/").status_code == 403
    assert client.post("/exports/new/r-bc/", FORM).status_code == 403
    assert client.get("/exports/").status_code == 403


def test_detail_refused_without_personal_permission(client, signed_in, report_round):
    user = signed_in(PROVINCE_STAFF)
    user.user_permissions.clear()
    group = user.groups.first()
    group.permissions.remove(
        *group.permissions.filter(codename="view_personal_data", content_type__app_label="accounts")
    )
    client.force_login(user)
    page = client.get("/exports/new/r-bc/").content.decode()
    assert 'name="detail"' not in page
    client.post("/exports/new/r-bc/", {**FORM, "detail": "on"})  # the field is ignored
    job = ExportJob.objects.get(user=user)
    assert job.options["detail"] is False
    sheets = read_sheets(client.get(f"/exports/{job.pk}/download/").getvalue())
    assert "Thành viên" not in sheets and "Hộ" not in sheets


def test_bad_choice_is_a_form_error(client, signed_in, report_round):
    signed_in(PROVINCE_STAFF)
    response = client.post("/exports/new/r-bc/", {**FORM, "hierarchy": "2025", "level": "district"})
    assert response.status_code == 400
    assert "Hệ thống đơn vị từ 01/07/2025 không có cấp huyện." in response.content.decode()
    assert not ExportJob.objects.exists()


def test_list_page_refreshes_with_a_static_script(client, signed_in, report_round):
    user = signed_in(PROVINCE_STAFF)
    ExportJob.objects.create(user=user, round=report_round, options={}, progress=40)
    page = client.get("/exports/").content.decode()
    assert 'src="/static/exports/exports.js"' in page
    assert 'data-pending="1"' in page and 'value="40"' in page
    assert "<script>" not in page


def test_download_names_differ_by_kind_and_use_local_time(report_round, make_user):
    user = make_user(PROVINCE_STAFF)
    at = datetime.datetime(2026, 12, 6, 17, 30, 5, tzinfo=datetime.UTC)  # 00:30:05 in Hà Nội
    summary, detail = (
        ExportJob(user=user, round=report_round, format="xlsx", created_at=at, options=options)
        for options in (
            {"units": [], "level": "commune", "hierarchy": "round", "detail": False},
            {"units": [], "level": "commune", "hierarchy": "round", "detail": True},
        )
    )
    assert download_name(job=summary) == "tong-hop-r-bc-20261207-003005.xlsx"
    assert download_name(job=detail) == "chi-tiet-r-bc-20261207-003005.xlsx"
