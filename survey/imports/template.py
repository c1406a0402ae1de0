"""The blank data-entry workbook of a round, for communes that survey on paper.

Sheets: ``Hướng dẫn`` (instructions, in Vietnamese with a short English note),
``Hộ gia đình`` (one row per household), ``Thành viên`` (one row per member,
with the household key), ``Đơn vị`` (the round's units), ``Danh mục`` (every
choice list: code and label) and a hidden ``_cdht`` sheet naming the round and
the criteria versions the columns were made from.

Single choices have drop-down lists of their Vietnamese labels (data
validation on the ``Danh mục`` sheet; the import also accepts the codes);
multiple choices are typed as codes separated by spaces (the header's note lists
them). Headers are "Label [code]"; the reader finds columns by the code. The
workbook contains no formula: the import refuses formula cells.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from criteria.spec import CriteriaSpec, Label
from criteria.xlsform import put
from survey.imports.layout import (
    HOUSEHOLDS_SHEET,
    INSTRUCTIONS_SHEET,
    LISTS_SHEET,
    MEMBERS_SHEET,
    META_SHEET,
    TEMPLATE_FORMAT,
    UNITS_SHEET,
    Column,
    household_columns,
    member_columns,
)
from units.text import name_key

LAST_ROW = 1_048_576  # validations cover the whole column: any number of households
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
TITLE_FONT = Font(bold=True, size=14)
BOLD = Font(bold=True)
BOUND = re.compile(r"\.\s*(>=|<=)\s*(-?\d+(?:\.\d+)?)")


@dataclass(frozen=True)
class TemplateRound:
    code: str
    name: str
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class TemplateUnit:
    code: str
    name: str
    parent: str = ""

    @property
    def choice(self) -> str:
        """The drop-down value of the unit column, e.g. "04528 - Xã Nga Quán"."""
        return f"{self.code} - {self.name}"


def write_entry_template(
    *,
    round_: TemplateRound,
    citizen: CriteriaSpec,
    household: CriteriaSpec | None,
    units: Sequence[TemplateUnit],
    target: BinaryIO,
    generated_at: datetime | None = None,
) -> None:
    """Write the round's blank data-entry workbook to ``target``."""
    households = household_columns(citizen=citizen, household=household)
    members = member_columns(citizen=citizen, household=household)
    workbook = Workbook()
    _instructions(workbook.active, round_=round_, citizen=citizen, household=household)
    household_sheet = workbook.create_sheet(HOUSEHOLDS_SHEET)
    member_sheet = workbook.create_sheet(MEMBERS_SHEET)
    units_sheet = workbook.create_sheet(UNITS_SHEET)
    lists_sheet = workbook.create_sheet(LISTS_SHEET)
    unit_range = _units(units_sheet, units)
    list_ranges = _lists(lists_sheet, [*households, *members])
    _data_sheet(
        household_sheet,
        households,
        round_=round_,
        unit_range=unit_range,
        list_ranges=list_ranges,
        freeze="B2",
    )
    _data_sheet(
        member_sheet,
        members,
        round_=round_,
        unit_range=unit_range,
        list_ranges=list_ranges,
        freeze="C2",
    )
    meta = workbook.create_sheet(META_SHEET)
    for row in (
        ("format", TEMPLATE_FORMAT),
        ("round", round_.code),
        ("citizen_set", f"{citizen.code} v{citizen.version}"),
        ("household_set", f"{household.code} v{household.version}" if household else ""),
        ("generated_at", (generated_at or datetime.now()).isoformat(timespec="seconds")),
    ):
        meta.append(row)
    meta.sheet_state = "hidden"
    workbook.active = 0
    workbook.save(target)


def _instructions(
    sheet: Any, *, round_: TemplateRound, citizen: CriteriaSpec, household: CriteriaSpec | None
) -> None:
    sheet.title = INSTRUCTIONS_SHEET
    sets = f"{citizen.title.vi} ({citizen.code} phiên bản {citizen.version})"
    if household:
        sets += f"; {household.title.vi} ({household.code} phiên bản {household.version})"
    period = f"{round_.starts_on:%d/%m/%Y} – {round_.ends_on:%d/%m/%Y}"
    lines: list[tuple[str, Font | None]] = [
        ("Mẫu nhập phiếu khảo sát hộ gia đình", TITLE_FONT),
        (f"Đợt khảo sát: {round_.name} (mã {round_.code}), từ {period}", BOLD),
        (f"Bộ tiêu chí: {sets}", None),
        ("", None),
        ("Cách điền", BOLD),
        (
            "1. Sheet “Hộ gia đình”: mỗi hộ một dòng. Cột “Mã hộ” là số hoặc mã tự đặt, mỗi hộ "
            "một mã khác nhau trong tệp (ví dụ 1, 2, 3...).",
            None,
        ),
        (
            "2. Sheet “Thành viên”: mỗi người một dòng, kể cả chủ hộ; ghi đúng “Mã hộ” của hộ "
            "mình để nối với sheet “Hộ gia đình”. Mỗi hộ có ít nhất 1 và nhiều nhất 30 người, "
            "chỉ một chủ hộ.",
            None,
        ),
        (
            "3. Cột có ô tiêu đề màu cam là bắt buộc. Câu hỏi chỉ hỏi một số người (theo nhóm "
            "đối tượng, tuổi hoặc câu trả lời trước) thì để trống với người không được hỏi; "
            "ghi chú ở ô tiêu đề nói rõ khi nào hỏi.",
            None,
        ),
        (
            "4. Câu một lựa chọn: chọn trong danh sách thả xuống (hoặc ghi mã ở sheet “Danh "
            "mục”). Câu nhiều lựa chọn: ghi mã các lựa chọn, cách nhau bởi dấu cách, ví dụ "
            "“books internet” (mã ở ghi chú tiêu đề và ở sheet “Danh mục”).",
            None,
        ),
        (
            "5. Xã/phường: chọn trong danh sách (mã - tên) ở sheet “Đơn vị”; chỉ nhập được "
            "cho các đơn vị của đợt mà tài khoản của bạn được giao.",
            None,
        ),
        (
            f"6. Ngày khảo sát ghi ngày/tháng/năm (ví dụ 15/07/2021), trong thời gian của "
            f"đợt ({period}). Năm sinh ghi đủ 4 chữ số.",
            None,
        ),
        (
            "7. Chỉ ghi giá trị, không dùng công thức (ô bắt đầu bằng “=”): công thức không "
            "được tính khi nhập và bị báo lỗi.",
            None,
        ),
        (
            "8. Không đổi tên sheet, không xoá cột, không sửa mã trong ngoặc vuông ở tiêu đề "
            "cột (có thể đổi thứ tự cột). Lưu tệp dạng Excel (.xlsx), tối đa 10 MB.",
            None,
        ),
        ("", None),
        ("Khi nhập tệp", BOLD),
        (
            "Hệ thống kiểm tra toàn bộ tệp theo đúng quy tắc của phiếu trên web. Nếu có bất kỳ "
            "lỗi nào, không hộ nào được lưu; danh sách lỗi ghi rõ sheet, dòng, cột và lý do để "
            "sửa rồi nhập lại. Nhập lại cùng một tệp không tạo hộ trùng: hộ đã có (cùng xã, "
            "thôn, chủ hộ và địa chỉ) được báo là đã có, hoặc được cập nhật nếu chọn “cập "
            "nhật hộ đã có” (mỗi lần sửa được ghi lại trong lịch sử phiếu).",
            None,
        ),
        ("", None),
        ("English", BOLD),
        (
            "One row per household on “Hộ gia đình”, one row per member on “Thành viên” linked "
            "by the household key (“Mã hộ”). Orange headers are required; leave questions that "
            "are not asked of a person empty. Single choices: pick from the drop-down; multiple "
            "choices: codes separated by spaces. Dates as day/month/year. No formulas. Keep "
            "the codes in square brackets. The import is all or nothing and lists every error "
            "with its sheet, row and column.",
            None,
        ),
    ]
    for number, (text, font) in enumerate(lines, start=1):
        cell = put(sheet, row=number, column=1, value=text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if font:
            cell.font = font
    sheet.column_dimensions["A"].width = 110


def _units(sheet: Any, units: Sequence[TemplateUnit]) -> str:
    headers = ("Mã", "Tên đơn vị", "Trực thuộc", "Giá trị chọn ở cột Xã/phường")
    for column, text in enumerate(headers, start=1):
        cell = put(sheet, row=1, column=column, value=text)
        cell.font = BOLD
        cell.fill = HEADER_FILL
    for number, unit in enumerate(units, start=2):
        for column, value in enumerate((unit.code, unit.name, unit.parent, unit.choice), 1):
            put(sheet, row=number, column=column, value=value).number_format = "@"
    for letter, width in zip("ABCD", (10, 30, 30, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    last = max(len(units) + 1, 2)
    return f"{quote_sheetname(UNITS_SHEET)}!$D$2:$D${last}"


def _dropdown_values(choices: Sequence[tuple[str, Label]]) -> list[str]:
    """Labels when they tell the choices apart, codes otherwise."""
    labels = [label.vi for _code, label in choices]
    keys = [name_key(text) for text in labels]
    usable = all(labels) and len(set(keys)) == len(keys) and all(len(t) <= 250 for t in labels)
    return labels if usable else [code for code, _label in choices]


def _lists(sheet: Any, columns: Sequence[Column]) -> dict[str, str]:
    """Write each choice list once (code, label); return list name -> drop-down range."""
    ranges: dict[str, str] = {}
    first_column = 1
    for column in columns:
        if not column.choices or column.list_name in ranges:
            continue
        code_letter = get_column_letter(first_column)
        label_letter = get_column_letter(first_column + 1)
        title = put(sheet, row=1, column=first_column, value=f"{column.label.vi} ({column.code})")
        title.font = BOLD
        put(sheet, row=2, column=first_column, value="Mã").font = BOLD
        put(sheet, row=2, column=first_column + 1, value="Nhãn (chọn ở danh sách)").font = BOLD
        values = _dropdown_values(column.choices)
        for number, ((code, _label), shown) in enumerate(
            zip(column.choices, values, strict=True), start=3
        ):
            put(sheet, row=number, column=first_column, value=code).number_format = "@"
            put(sheet, row=number, column=first_column + 1, value=shown).number_format = "@"
        last = len(column.choices) + 2
        ranges[column.list_name] = (
            f"{quote_sheetname(LISTS_SHEET)}!${label_letter}$3:${label_letter}${last}"
        )
        sheet.column_dimensions[code_letter].width = 16
        sheet.column_dimensions[label_letter].width = 36
        first_column += 3
    sheet.freeze_panes = "A3"
    return ranges


def _note(column: Column) -> str:
    parts = [f"{column.label.vi} [{column.code}]"]
    if column.label.en:
        parts.append(f"({column.label.en})")
    if column.hint.vi:
        parts.append(column.hint.vi)
    parts.append("Bắt buộc." if column.required else "Không bắt buộc.")
    question = column.question
    if question is not None:
        if question.relevant:
            parts.append(f"Chỉ hỏi khi: {question.relevant}")
        if column.source == "citizen":
            parts.append("Chỉ hỏi người thuộc nhóm đối tượng mà câu hỏi áp dụng.")
        if question.constraint:
            message = question.constraint_message.vi or question.constraint
            parts.append(f"Điều kiện: {message}")
        if question.reviewer_only:
            parts.append("Người kiểm tra (cán bộ xã) chấm theo minh chứng.")
    if column.kind == "select_multiple":
        codes = "; ".join(f"{code} = {label.vi}" for code, label in column.choices)
        parts.append(f"Nhiều lựa chọn: ghi mã cách nhau bởi dấu cách. Mã: {codes}")
    elif column.kind == "select_one":
        parts.append("Chọn trong danh sách thả xuống.")
    elif column.kind in ("integer", "year"):
        parts.append("Số nguyên.")
    elif column.kind == "decimal":
        parts.append("Số (có thể có phần thập phân).")
    return "\n".join(parts)


def _bounds(constraint: str) -> tuple[float | None, float | None]:
    low = high = None
    for operator, number in BOUND.findall(constraint or ""):
        if operator == ">=":
            low = float(number)
        else:
            high = float(number)
    return low, high


def _validation(
    column: Column, *, round_: TemplateRound, unit_range: str, list_ranges: dict[str, str]
) -> DataValidation | None:
    error_title = "Giá trị không hợp lệ"
    if column.kind == "unit":
        return DataValidation(
            type="list",
            formula1=unit_range,
            allow_blank=True,
            errorTitle=error_title,
            error="Chọn xã/phường trong danh sách (sheet “Đơn vị”).",
        )
    if column.kind == "select_one" and column.list_name in list_ranges:
        return DataValidation(
            type="list",
            formula1=list_ranges[column.list_name],
            allow_blank=True,
            errorTitle=error_title,
            error="Chọn một giá trị trong danh sách (sheet “Danh mục”).",
        )
    if column.kind == "year":
        return DataValidation(
            type="whole",
            operator="between",
            formula1="1900",
            formula2=str(round_.ends_on.year),
            allow_blank=True,
            errorTitle=error_title,
            error=f"Năm sinh từ 1900 đến {round_.ends_on.year}.",
        )
    if column.kind in ("integer", "decimal"):
        low, high = _bounds(column.question.constraint if column.question else "")
        low = -1_000_000_000 if low is None else low
        high = 1_000_000_000 if high is None else high
        return DataValidation(
            type="whole" if column.kind == "integer" else "decimal",
            operator="between",
            formula1=f"{low:g}",
            formula2=f"{high:g}",
            allow_blank=True,
            errorTitle=error_title,
            error=f"Nhập số từ {low:g} đến {high:g}.",
        )
    return None


def _data_sheet(
    sheet: Any,
    columns: Sequence[Column],
    *,
    round_: TemplateRound,
    unit_range: str,
    list_ranges: dict[str, str],
    freeze: str,
) -> None:
    for number, column in enumerate(columns, start=1):
        letter = get_column_letter(number)
        cell = put(sheet, row=1, column=number, value=column.header)
        cell.font = BOLD
        cell.fill = REQUIRED_FILL if column.required else HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        note = Comment(_note(column), "Công dân học tập")
        note.width, note.height = 320, 220
        cell.comment = note
        sheet.column_dimensions[letter].width = max(12, min(40, len(column.header) * 0.9))
        if column.kind in ("key", "unit", "text", "date", "select_one", "select_multiple"):
            # Text as typed: "001" stays "001", and 05/07/2021 is never read month first.
            sheet.column_dimensions[letter].number_format = "@"
        validation = _validation(
            column, round_=round_, unit_range=unit_range, list_ranges=list_ranges
        )
        if validation is not None:
            validation.add(f"{letter}2:{letter}{LAST_ROW}")
            sheet.add_data_validation(validation)
    sheet.row_dimensions[1].height = 60
    sheet.freeze_panes = freeze
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}1"
