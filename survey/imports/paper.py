"""Read a filled-in paper data-entry workbook (``survey.imports.template``) into raw rows."""

from __future__ import annotations

from collections.abc import Sequence

from survey.imports.context import ImportContext
from survey.imports.files import Upload
from survey.imports.layout import (
    HOUSEHOLDS_SHEET,
    KEY,
    MEMBERS_SHEET,
    META_SHEET,
    Column,
    header_code,
    household_columns,
    member_columns,
)
from survey.imports.problems import Problem, file_problem
from survey.imports.reporting import FORMULA_MESSAGE
from survey.imports.rows import RawHousehold, Read, Record
from survey.imports.sheets import Sheet, cell_at, iter_data_rows


def is_paper_workbook(upload: Upload) -> bool:
    """Tell the data-entry workbook from other workbooks (a Kobo export)."""
    if upload.sheet(META_SHEET) or upload.sheet(HOUSEHOLDS_SHEET):
        return True
    return any(header_code(h) == KEY for s in upload.sheets for h in s.headers[:3])


def _find_sheet(upload: Upload, name: str, marker: str) -> Sheet | None:
    """Find a sheet by its name, or (renamed) by the codes its headers carry."""
    sheet = upload.sheet(name)
    if sheet is not None:
        return sheet
    for candidate in upload.sheets:
        codes = {header_code(h) for h in candidate.headers}
        if KEY in codes and marker in codes:
            return candidate
    return None


def read_meta(upload: Upload) -> dict[str, str]:
    sheet = upload.sheet(META_SHEET)
    if sheet is None:
        return {}
    return {row[0].strip(): row[1].strip() for row in sheet.rows if len(row) >= 2 and row[0]}


def _map_columns(
    sheet: Sheet, columns: Sequence[Column], problems: list[Problem]
) -> dict[str, int]:
    """Return field -> column index; report missing and repeated columns at row 1."""
    by_code = {c.code: c for c in columns}
    mapped: dict[str, int] = {}
    for index, header in enumerate(sheet.headers):
        code = header_code(header)
        column = by_code.get(code or "")
        if column is None:
            continue
        if column.field in mapped:
            problems.append(
                Problem(
                    sheet.name,
                    1,
                    sheet.column_name(index),
                    f"Cột [{code}] xuất hiện hai lần (đã có ở cột "
                    f"{sheet.column_name(mapped[column.field])})",
                    f"Column [{code}] appears twice (already at column "
                    f"{sheet.column_name(mapped[column.field])})",
                ),
            )
            continue
        mapped[column.field] = index
    for column in columns:
        optional = column.question is not None and column.question.reviewer_only
        if column.field not in mapped and not optional:
            problems.append(
                Problem(
                    sheet.name,
                    1,
                    None,
                    f"Thiếu cột “{column.header}”; đừng xoá hay đổi mã trong ngoặc vuông của "
                    "tiêu đề cột (hãy tải lại mẫu của đợt này)",
                    f"Column “{column.header}” is missing; do not delete columns or change the "
                    "code in square brackets (download this round's template again)",
                )
            )
    return mapped


def read_paper(*, upload: Upload, context: ImportContext) -> Read:
    """Read the households and members sheets; link members to households by the key."""
    problems: list[Problem] = []
    meta = read_meta(upload)
    if meta.get("round") and meta["round"] != context.round_code:
        problems.append(
            file_problem(
                f"Tệp này là mẫu của đợt “{meta['round']}”, không phải đợt “"
                f"{context.round_code}”; hãy tải mẫu của đúng đợt",
                f"This file is the template of round “{meta['round']}”, not of round “"
                f"{context.round_code}”; download the template of the right round",
            )
        )
    households_sheet = _find_sheet(upload, HOUSEHOLDS_SHEET, "head_name")
    members_sheet = _find_sheet(upload, MEMBERS_SHEET, "full_name")
    for sheet, name in ((households_sheet, HOUSEHOLDS_SHEET), (members_sheet, MEMBERS_SHEET)):
        if sheet is None:
            problems.append(
                file_problem(
                    f"Không thấy sheet “{name}” của mẫu nhập liệu; hãy dùng mẫu tải từ hệ thống",
                    f"The data-entry template's “{name}” sheet is missing; use the template "
                    "downloaded from the system",
                )
            )
    if households_sheet is None or members_sheet is None or problems:
        return Read([], problems, [], [s.name for s in upload.sheets], fatal=True)
    citizen, household = context.citizen, context.household
    household_fields = _map_columns(
        households_sheet, household_columns(citizen=citizen, household=household), problems
    )
    member_fields = _map_columns(
        members_sheet, member_columns(citizen=citizen, household=household), problems
    )
    order = [households_sheet.name, members_sheet.name]
    if problems:
        return Read([], problems, [], order, fatal=True)
    households: list[RawHousehold] = []
    by_key: dict[str, RawHousehold] = {}
    key_index = household_fields[KEY]
    for number, row in iter_data_rows(households_sheet):
        key = cell_at(row, key_index)
        record = Record(households_sheet, number, row, household_fields)
        if (number, key_index) in households_sheet.formulas:
            problems.append(_formula_problem(record, key_index))
            continue
        if not key:
            problems.append(_key_problem(record, "Thiếu mã hộ", "The household key is missing"))
            continue
        if key in by_key:
            first = by_key[key].record.row
            problems.append(
                _key_problem(
                    record,
                    f"Mã hộ “{key}” trùng với hộ ở dòng {first}",
                    f"Household key “{key}” is the same as the household on row {first}",
                )
            )
            continue
        by_key[key] = RawHousehold(record, key, KEY)
        households.append(by_key[key])
    key_index = member_fields[KEY]
    for number, row in iter_data_rows(members_sheet):
        key = cell_at(row, key_index)
        record = Record(members_sheet, number, row, member_fields)
        owner = by_key.get(key)
        if (number, key_index) in members_sheet.formulas:
            problems.append(_formula_problem(record, key_index))
        elif owner is not None:
            owner.members.append(record)
        elif not key:
            problems.append(
                _key_problem(
                    record,
                    "Thiếu mã hộ: không biết thành viên này thuộc hộ nào",
                    "The household key is missing: this member belongs to no household",
                )
            )
        else:
            problems.append(
                _key_problem(
                    record,
                    f"Thành viên không thuộc hộ nào: không có hộ mã “{key}” ở sheet "
                    f"“{households_sheet.name}”",
                    f"A member without a household: there is no household “{key}” on the "
                    f"“{households_sheet.name}” sheet",
                )
            )
    return Read(households, problems, [], order)


def _formula_problem(record: Record, index: int) -> Problem:
    formula = record.sheet.formulas[(record.row, index)]
    vi, en = FORMULA_MESSAGE
    return Problem(
        record.sheet.name,
        record.row,
        record.sheet.column_name(index),
        vi.format(formula=formula),
        en.format(formula=formula),
    )


def _key_problem(record: Record, vi: str, en: str) -> Problem:
    return Problem(record.sheet.name, record.row, record.column(KEY), vi, en)
