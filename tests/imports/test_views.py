"""The import page and the template download, for commune staff."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from python_calamine import CalamineWorkbook

from accounts.roles import COMMITTEE
from survey.models import HouseholdResponse, Round
from tests.imports.conftest import counts, fill_template, household_row, member_rows

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(data: bytes, name: str = "phieu.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=XLSX)


def test_staff_see_the_page_with_the_template_link(client, round_, staff):
    client.force_login(staff)
    page = client.get("/survey/rounds/r2021/import/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'href="/survey/rounds/r2021/entry-template.xlsx"' in html
    assert "Xã Nga Quán" in html
    home = client.get("/survey/").content.decode()
    assert 'href="/survey/rounds/r2021/import/"' in home


def test_the_template_downloads_with_the_users_units(client, round_, staff):
    client.force_login(staff)
    response = client.get("/survey/rounds/r2021/entry-template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert 'filename="mau-nhap-r2021.xlsx"' in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    units = workbook.get_sheet_by_name("Đơn vị").to_python()
    assert [row[0] for row in units[1:]] == ["04528"]


def test_others_get_404(client, round_, make_user):
    client.force_login(make_user(COMMITTEE))  # reads reports, enters nothing
    assert client.get("/survey/rounds/r2021/import/").status_code == 404
    assert client.get("/survey/rounds/r2021/entry-template.xlsx").status_code == 404
    assert client.get("/survey/rounds/nope/import/").status_code == 404


def test_a_closed_round_takes_no_import(client, round_, staff):
    Round.objects.filter(pk=round_.pk).update(status=Round.Status.CLOSED)
    client.force_login(staff)
    assert client.get("/survey/rounds/r2021/import/").status_code == 404


def test_a_valid_file_is_imported(client, round_, staff):
    client.force_login(staff)
    data = fill_template(round_, [household_row()], member_rows())
    response = client.post(
        "/survey/rounds/r2021/import/", {"file": upload(data), "source": ""}, follow=True
    )
    assert response.redirect_chain == [("/survey/rounds/r2021/import/", 302)]
    assert HouseholdResponse.objects.count() == 1
    assert "Đã nhập phieu.xlsx: 1 hộ mới, 0 hộ được cập nhật, 0 hộ không đổi" in (
        response.content.decode()
    )


def test_problems_are_listed_and_nothing_saved(client, round_, staff):
    client.force_login(staff)
    data = fill_template(round_, [household_row(unit="99999")], member_rows())
    before = counts()
    response = client.post("/survey/rounds/r2021/import/", {"file": upload(data)})
    assert response.status_code == 400
    assert counts() == before
    html = response.content.decode()
    assert "Tệp có 1 lỗi; chưa lưu gì." in html
    assert (
        "Sheet &#x27;Hộ gia đình&#x27;, dòng 2, cột &#x27;B: Xã/phường/thị trấn [unit]&#x27;"
        in html
    )
    assert "Không có xã/phường mã “99999” trong đợt khảo sát này" in html


def test_a_file_that_is_not_a_workbook(client, round_, staff):
    client.force_login(staff)
    response = client.post(
        "/survey/rounds/r2021/import/", {"file": upload(b"<html>hello</html>", "phieu.xlsx")}
    )
    assert response.status_code == 400
    assert "Tệp không phải là bảng tính Excel (.xlsx) dù có tên “phieu.xlsx”" in (
        response.content.decode()
    )


def test_check_only_reports_without_saving(client, round_, staff):
    client.force_login(staff)
    data = fill_template(round_, [household_row()], member_rows())
    response = client.post(
        "/survey/rounds/r2021/import/", {"file": upload(data), "check_only": "on"}
    )
    assert response.status_code == 200
    assert HouseholdResponse.objects.count() == 0
    assert "1 hộ, 4 thành viên: khi nhập sẽ tạo 1 hộ mới" in response.content.decode()


def test_the_same_file_twice_is_refused_then_updated_when_asked(client, round_, staff):
    client.force_login(staff)
    data = fill_template(round_, [household_row()], member_rows())
    client.post("/survey/rounds/r2021/import/", {"file": upload(data)})
    again = client.post("/survey/rounds/r2021/import/", {"file": upload(data)})
    assert again.status_code == 400
    assert "đã có trong đợt khảo sát này" in again.content.decode()
    updated = client.post(
        "/survey/rounds/r2021/import/", {"file": upload(data), "update": "on"}, follow=True
    )
    assert "0 hộ mới, 0 hộ được cập nhật, 1 hộ không đổi" in updated.content.decode()
    assert HouseholdResponse.objects.count() == 1


def test_the_web_takes_files_up_to_a_number_of_members(client, round_, staff, monkeypatch):
    monkeypatch.setattr("flows.web.imports.WEB_MAX_MEMBERS", 3)
    client.force_login(staff)
    data = fill_template(round_, [household_row()], member_rows())
    response = client.post("/survey/rounds/r2021/import/", {"file": upload(data)})
    assert response.status_code == 400
    assert HouseholdResponse.objects.count() == 0
    assert (
        "Tệp có 4 thành viên; nhập trên web tối đa 3 thành viên mỗi tệp. Hãy tách tệp theo xã"
        in response.content.decode()
    )
