"""Unsafe, damaged and wrong files are refused with a clear message and nothing written."""

from __future__ import annotations

import io
import zipfile

import pytest

from flows.imports import import_responses
from survey.imports.files import MAX_FILE_BYTES, cell_text, read_upload
from survey.imports.problems import ImportRefused
from tests.imports.conftest import counts, fill_template, household_row, member_rows


def refusal(round_, user, data: bytes, filename: str = "phieu.xlsx") -> tuple[str, str]:
    before = counts()
    with pytest.raises(ImportRefused) as error:
        import_responses(round_=round_, user=user, data=data, filename=filename)
    assert counts() == before
    [problem] = error.value.problems
    assert (problem.sheet, problem.row, problem.column) == (None, None, None)
    return problem.vi, problem.en


def good_workbook(round_) -> bytes:
    return fill_template(round_, [household_row()], member_rows())


def rezip(data: bytes, *, replace: dict[str, bytes] | None = None, add=None) -> bytes:
    """Copy a zip, replacing or adding parts."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = (replace or {}).get(item.filename, source.read(item))
            target.writestr(item.filename, body)
        for name, body in (add or {}).items():
            target.writestr(name, body, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


def test_a_pdf_named_xlsx_is_refused_by_its_content(round_, staff):
    vi, en = refusal(round_, staff, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    assert vi == "Tệp không phải là bảng tính Excel (.xlsx) dù có tên “phieu.xlsx”"
    assert en == "The file is not an Excel workbook (.xlsx), although it is named “phieu.xlsx”"


def test_an_empty_file(round_, staff):
    assert refusal(round_, staff, b"") == ("Tệp rỗng", "The file is empty")


def test_an_old_excel_file(round_, staff):
    vi, _en = refusal(round_, staff, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    assert vi.startswith("Đây là tệp Excel cũ (.xls) hoặc tệp có đặt mật khẩu")


def test_a_truncated_workbook(round_, staff):
    data = good_workbook(round_)
    vi, en = refusal(round_, staff, data[: len(data) // 2])
    assert vi.startswith("Tệp Excel bị hỏng hoặc không đầy đủ")
    assert en.startswith("The Excel file is damaged or incomplete")


def test_a_workbook_with_a_damaged_sheet(round_, staff):
    data = rezip(
        good_workbook(round_), replace={"xl/worksheets/sheet2.xml": b"<worksheet><sheetData>"}
    )
    vi, en = refusal(round_, staff, data)
    assert vi.startswith("Tệp bị hỏng hoặc không đầy đủ")
    assert en.startswith("The file is damaged or incomplete")


def test_a_zip_bomb_is_refused(round_, staff):
    data = rezip(good_workbook(round_), add={"xl/media/image1.bin": b"\0" * (60 * 1024 * 1024)})
    assert len(data) < MAX_FILE_BYTES
    vi, en = refusal(round_, staff, data)
    assert vi.startswith("Tệp bị từ chối: phần “xl/media/image1.bin” giải nén ra 60.0 MB từ ")
    assert vi.endswith("dấu hiệu của “bom nén”")
    assert en.endswith("the mark of a decompression bomb")


def test_an_xml_entity_declaration_is_refused(round_, staff):
    data = good_workbook(round_)
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet2.xml")
    hostile = (
        b'<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        + sheet.split(b"?>", 1)[-1]
    )
    vi, en = refusal(round_, staff, rezip(data, replace={"xl/worksheets/sheet2.xml": hostile}))
    assert vi.startswith(
        "Tệp bị từ chối: phần “xl/worksheets/sheet2.xml” có khai báo DOCTYPE/ENTITY"
    )
    assert "entity-expansion attack" in en


def test_a_file_over_the_size_limit(round_, staff):
    data = b"PK\x03\x04" + b"\0" * MAX_FILE_BYTES
    vi, en = refusal(round_, staff, data)
    assert vi == "Tệp quá lớn (10.0 MB); tối đa 10 MB"
    assert en == "The file is too large (10.0 MB); the limit is 10 MB"


def test_a_lone_csv_file(round_, staff):
    vi, _en = refusal(round_, staff, "Mã hộ,Họ tên\n1,An\n".encode(), "phieu.csv")
    assert vi.startswith("Tệp CSV đơn lẻ không đủ để nhập")


def test_a_zip_of_other_files(round_, staff):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "hello")
    vi, _en = refusal(round_, staff, out.getvalue(), "odk.zip")
    assert vi.startswith("Tệp nén không có tệp CSV nào")


def test_a_csv_zip_bomb(round_, staff):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("form.csv", "a,b\n" + "0," * (30 * 1024 * 1024))
    vi, _en = refusal(round_, staff, out.getvalue(), "odk.zip")
    assert vi.startswith("Tệp bị từ chối: phần “form.csv” giải nén ra")


def test_a_csv_that_is_not_text(round_, staff):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("form.csv", b"\x00\x01\x02binary")
    assert refusal(round_, staff, out.getvalue(), "odk.zip") == (
        "Tệp “form.csv” không phải là tệp CSV dạng văn bản UTF-8",
        "“form.csv” is not a UTF-8 text CSV file",
    )


def test_a_workbook_that_is_neither_template_nor_export(round_, staff):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["Họ tên", "Tuổi"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    before = counts()
    with pytest.raises(ImportRefused) as error:
        import_responses(round_=round_, user=staff, data=buffer.getvalue(), filename="x.xlsx")
    assert counts() == before
    assert error.value.problems[0].vi.startswith("Không nhận ra tệp xuất của KoboToolbox (XLSX)")


def test_cells_are_read_as_text():
    assert cell_text(12.0) == "12"
    assert cell_text(2.5) == "2.5"
    assert cell_text(True) == "TRUE"
    assert cell_text(None) == ""


def test_the_reader_keeps_text_as_typed(round_):
    members = member_rows()
    members[0]["full_name"] = "  Nguyễn   Văn An "
    upload = read_upload(data=fill_template(round_, [household_row("007")], members))
    households = upload.sheet("Hộ gia đình")
    assert households.rows[1][0] == "007"  # a text key keeps its zeros
    assert upload.sheet("Thành viên").rows[1][1] == "  Nguyễn   Văn An "
    assert len(upload.sha256) == 64


def test_the_command_line_may_raise_the_limits_for_one_check():
    from criteria import xlsx_safety
    from survey.imports.files import DEFAULT_LIMITS, Limits, _shared_checks_with

    raised = Limits.megabytes(20)
    assert raised.file_bytes == 20 * 1024 * 1024
    assert raised.unpacked_bytes == 400 * 1024 * 1024
    assert DEFAULT_LIMITS.unpacked_bytes == xlsx_safety.MAX_UNCOMPRESSED_BYTES
    with _shared_checks_with(raised):
        assert raised.unpacked_bytes == xlsx_safety.MAX_UNCOMPRESSED_BYTES
    assert xlsx_safety.MAX_UNCOMPRESSED_BYTES == 100 * 1024 * 1024


def test_a_raised_limit_accepts_a_larger_file(round_, staff):
    from survey.imports.files import Limits

    data = b"PK\x03\x04" + b"\0" * MAX_FILE_BYTES
    with pytest.raises(ImportRefused) as error:
        import_responses(
            round_=round_, user=staff, data=data, filename="x.xlsx", limits=Limits.megabytes(20)
        )
    # No longer too large: refused for what it is (not a workbook), not for its size.
    assert error.value.problems[0].vi.startswith("Tệp Excel bị hỏng hoặc không đầy đủ")
