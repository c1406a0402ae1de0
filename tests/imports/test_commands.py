"""``manage.py import_responses``: every problem printed with its place, exit status 1."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, ManagementUtility, call_command

from survey.models import HouseholdResponse
from tests.imports.conftest import (
    counts,
    fill_template,
    household_row,
    member_rows,
    odk_export,
    submission,
)


def write(tmp_path, data: bytes, name: str = "phieu.xlsx"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_valid_file_is_imported_and_summarised(round_, staff, tmp_path):
    path = write(tmp_path, fill_template(round_, [household_row()], member_rows()))
    out, err = io.StringIO(), io.StringIO()

    call_command(
        "import_responses", "r2021", str(path), "--user", staff.username, stdout=out, stderr=err
    )

    assert HouseholdResponse.objects.count() == 1
    assert "phieu.xlsx (paper, sha256 " in out.getvalue()
    assert "đã nhập; 1 hộ, 4 thành viên; tạo mới 1, cập nhật 0, không đổi 0" in out.getvalue()
    assert "câu trả lời bị bỏ qua" in err.getvalue()  # the elder's literacy answers


def test_an_invalid_file_prints_every_problem_and_writes_nothing(round_, staff, tmp_path):
    members = member_rows()
    members[0]["sex"] = "?"
    path = write(tmp_path, fill_template(round_, [household_row(unit="99999")], members))
    before = counts()
    err = io.StringIO()

    with pytest.raises(CommandError) as error:
        call_command("import_responses", "r2021", str(path), "--user", staff.username, stderr=err)

    assert counts() == before
    assert str(error.value) == "phieu.xlsx: 2 lỗi, không có gì được lưu"
    lines = err.getvalue().splitlines()
    assert lines[0] == (
        "Sheet 'Hộ gia đình', dòng 2, cột 'B: Xã/phường/thị trấn [unit]': "
        "Không có xã/phường mã “99999” trong đợt khảo sát này"
    )
    assert lines[1].startswith("Sheet 'Thành viên', dòng 2, cột 'C: Giới tính [sex]': “?” không")


def test_problems_in_english(round_, staff, tmp_path):
    path = write(tmp_path, fill_template(round_, [household_row(unit="99999")], member_rows()))
    err = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command(
            "import_responses",
            "r2021",
            str(path),
            "--user",
            staff.username,
            "--language",
            "en",
            stderr=err,
        )
    assert str(error.value) == "phieu.xlsx: 1 problem(s), nothing was saved"
    assert err.getvalue().splitlines()[0] == (
        "sheet 'Hộ gia đình', row 2, column 'B: Xã/phường/thị trấn [unit]': "
        "There is no commune with code “99999” in this round"
    )


def test_the_exit_status_is_not_zero(round_, staff, tmp_path, capsys):
    path = write(tmp_path, b"not a workbook at all", "phieu.xlsx")
    with pytest.raises(SystemExit) as exit_:
        ManagementUtility(
            ["manage.py", "import_responses", "r2021", str(path), "--user", staff.username]
        ).execute()
    assert exit_.value.code == 1
    assert "Toàn bộ tệp: Tệp không phải là bảng tính Excel (.xlsx)" in capsys.readouterr().err


def test_update_and_source_options(round_, staff, tmp_path):
    path = write(tmp_path, odk_export(round_, [submission()]), "odk.zip")
    call_command(
        "import_responses",
        "r2021",
        str(path),
        "--user",
        staff.username,
        "--source",
        "odk",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    out = io.StringIO()
    call_command(
        "import_responses",
        "r2021",
        str(path),
        "--user",
        staff.username,
        "--update",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert "không đổi 1" in out.getvalue()


def test_check_only(round_, staff, tmp_path):
    path = write(tmp_path, fill_template(round_, [household_row()], member_rows()))
    out = io.StringIO()
    call_command(
        "import_responses",
        "r2021",
        str(path),
        "--user",
        staff.username,
        "--check",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert HouseholdResponse.objects.count() == 0
    assert "kiểm tra xong, chưa ghi" in out.getvalue()


def test_unknown_round_user_or_file(round_, staff, tmp_path):
    with pytest.raises(CommandError, match="không có đợt khảo sát này"):
        call_command("import_responses", "r1999", "x.xlsx", "--user", staff.username)
    with pytest.raises(CommandError, match="không có người dùng này"):
        call_command("import_responses", "r2021", "x.xlsx", "--user", "nobody")
    with pytest.raises(CommandError, match="không tìm thấy tệp"):
        call_command(
            "import_responses", "r2021", str(tmp_path / "x.xlsx"), "--user", staff.username
        )


def test_a_user_without_the_unit_in_scope(round_, surveyor, tmp_path):
    path = write(tmp_path, fill_template(round_, [household_row(unit="04522")], member_rows()))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_responses", "r2021", str(path), "--user", surveyor.username, stderr=err
        )
    assert "Bạn không được nhập số liệu cho Xã Cường Thịnh (04522)" in err.getvalue()
    assert HouseholdResponse.objects.count() == 0
