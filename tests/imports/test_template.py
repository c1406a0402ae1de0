"""The blank data-entry workbook: structure (read back with python-calamine) and drop-downs."""

from __future__ import annotations

import io

from django.core.management import call_command
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from survey.imports.layout import header_code
from survey.imports.service import build_entry_template

SHEETS = ["Hướng dẫn", "Hộ gia đình", "Thành viên", "Đơn vị", "Danh mục", "_cdht"]
HOUSEHOLD_CODES = [
    "household_key",
    "unit",
    "village",
    "address",
    "head_name",
    "survey_date",
    "reading_materials",
    "internet_access",
    "learning_devices",
    "study_place",
    "life_improved",
]
MEMBER_PROFILE = [
    "household_key",
    "full_name",
    "sex",
    "birth_year",
    "ethnicity",
    "education",
    "target_group",
    "relationship",
]


def sheets(data: bytes) -> dict[str, list[list]]:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {name: workbook.get_sheet_by_name(name).to_python() for name in workbook.sheet_names}


def test_the_template_has_its_sheets_and_headers_with_codes(round_):
    name, data = build_entry_template(round_=round_)
    read = sheets(data)

    assert name == "mau-nhap-r2021.xlsx"
    assert list(read) == SHEETS
    households = read["Hộ gia đình"]
    assert [header_code(h) for h in households[0]] == HOUSEHOLD_CODES
    assert households[0][:6] == [
        "Mã hộ [household_key]",
        "Xã/phường/thị trấn [unit]",
        "Thôn, bản, tổ dân phố [village]",
        "Địa chỉ [address]",
        "Họ và tên chủ hộ [head_name]",
        "Ngày khảo sát [survey_date]",
    ]
    assert len(households) == 1  # blank: headers only
    members = read["Thành viên"][0]
    codes = [header_code(h) for h in members]
    assert codes[:8] == MEMBER_PROFILE
    # One column per member question of both sets, in the web form's order.
    assert codes[8:11] == ["info_sources", "learning_plan", "community_sessions_12m"]
    assert codes[-7:] == [
        "attends_school",
        "school_result",
        "conduct",
        "child_polite_active",
        "literacy",
        "learning_contents_12m",
        "applies_learning",
    ]
    assert "encouragement_evidence" in codes  # reviewer-only: present, for reviewers
    assert read["_cdht"][:4] == [
        ["format", "cdht-entry/1"],
        ["round", "r2021"],
        ["citizen_set", "CDHT v1"],
        ["household_set", "GDHT v1"],
    ]


def test_the_units_sheet_lists_the_rounds_units(round_):
    _name, data = build_entry_template(round_=round_)
    units = sheets(data)["Đơn vị"]

    assert units[0] == ["Mã", "Tên đơn vị", "Trực thuộc", "Giá trị chọn ở cột Xã/phường"]
    assert units[1:] == [
        ["04516", "Xã Minh Quán", "Huyện Trấn Yên", "04516 - Xã Minh Quán"],
        ["04522", "Xã Cường Thịnh", "Huyện Trấn Yên", "04522 - Xã Cường Thịnh"],
        ["04528", "Xã Nga Quán", "Huyện Trấn Yên", "04528 - Xã Nga Quán"],
    ]


def test_a_user_gets_the_units_they_may_enter(round_, staff):
    _name, data = build_entry_template(round_=round_, user=staff)
    units = sheets(data)["Đơn vị"]

    assert [row[0] for row in units[1:]] == ["04528"]


def test_every_single_choice_column_has_a_drop_down_of_its_labels(round_):
    _name, data = build_entry_template(round_=round_)
    workbook = load_workbook(io.BytesIO(data))
    lists = workbook["Danh mục"]

    for sheet_name in ("Hộ gia đình", "Thành viên"):
        sheet = workbook[sheet_name]
        headers = {c.column_letter: header_code(c.value) for c in sheet[1]}
        validations = {}
        for validation in sheet.data_validations.dataValidation:
            for cell_range in validation.sqref.ranges:
                letter = cell_range.coord.split(":")[0].rstrip("0123456789")
                validations[headers[letter]] = validation
                assert cell_range.coord.endswith("1048576")  # the whole column
        expected_lists = {
            "Hộ gia đình": {"unit", "internet_access", "study_place", "life_improved"},
            "Thành viên": {
                "sex",
                "ethnicity",
                "education",
                "target_group",
                "relationship",
                "learning_plan",
                "encourages_learning",
                "foreign_language_level",
                "numeracy",
                "attends_school",
                "literacy",
            },
        }[sheet_name]
        lists_here = {code for code, v in validations.items() if v.type == "list"}
        assert expected_lists <= lists_here
        # Multiple choices have no drop-down: codes are typed, separated by spaces.
        assert "info_sources" not in validations
        assert "reading_materials" not in validations

    members = workbook["Thành viên"]
    headers = {header_code(c.value): c.column_letter for c in members[1]}
    sex = next(
        v
        for v in members.data_validations.dataValidation
        if str(v.sqref).startswith(headers["sex"] + "2")
    )
    sheet_ref, cells = sex.formula1.split("!")
    assert sheet_ref == "'Danh mục'"
    first, last = cells.replace("$", "").split(":")
    values = [c.value for row in lists[f"{first}:{last}"] for c in row]
    assert values == ["Nam", "Nữ"]
    year = next(
        v
        for v in members.data_validations.dataValidation
        if str(v.sqref).startswith(headers["birth_year"] + "2")
    )
    assert (year.type, year.formula1, year.formula2) == ("whole", "1900", "2021")
    sessions = next(
        v
        for v in members.data_validations.dataValidation
        if str(v.sqref).startswith(headers["community_sessions_12m"] + "2")
    )
    assert (sessions.type, sessions.formula1, sessions.formula2) == ("whole", "0", "365")


def test_headers_are_frozen_noted_and_sized(round_):
    _name, data = build_entry_template(round_=round_)
    workbook = load_workbook(io.BytesIO(data))
    households, members = workbook["Hộ gia đình"], workbook["Thành viên"]

    assert households.freeze_panes == "B2"
    assert members.freeze_panes == "C2"
    assert workbook["_cdht"].sheet_state == "hidden"
    info = next(c for c in members[1] if header_code(c.value) == "info_sources")
    assert "ghi mã cách nhau bởi dấu cách" in info.comment.text
    assert "books = Sách" in info.comment.text
    venues = next(c for c in members[1] if header_code(c.value) == "community_venues")
    assert "Chỉ hỏi khi: ${community_sessions_12m} > 0" in venues.comment.text
    assert all(members.column_dimensions[c.column_letter].width >= 12 for c in members[1])
    assert members.column_dimensions["A"].number_format == "@"  # keys stay text


def test_the_template_holds_no_formula(round_):
    _name, data = build_entry_template(round_=round_)
    workbook = load_workbook(io.BytesIO(data))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)


def test_the_command_writes_the_template(round_, tmp_path):
    target = tmp_path / "mau.xlsx"
    out = io.StringIO()
    call_command("entry_template", "r2021", "-o", str(target), stdout=out)

    assert target.exists()
    assert list(sheets(target.read_bytes())) == SHEETS
    assert str(target) in out.getvalue()
