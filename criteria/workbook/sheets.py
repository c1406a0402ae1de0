"""Sheets read into memory from the file, and the reader that knows which can be used."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from openpyxl import load_workbook

from criteria.validation import CriteriaImportError, Problem
from criteria.workbook.cells import CellReader
from criteria.workbook.layout import (
    COLUMNS,
    MAX_COLUMNS,
    MAX_ROW_NUMBER,
    MAX_ROWS,
    OPTIONAL_SHEETS,
    canonical_header,
    column_key,
)
from criteria.xlsx_safety import file_problem


@dataclass
class Sheet:
    """A sheet read into memory: its header keys and its non-blank data rows."""

    title: str
    name: str
    columns: dict[str, int] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    rows: list[tuple[int, tuple[Any, ...]]] = field(default_factory=list)

    def get(self, values: tuple[Any, ...], key: str) -> Any:
        index = self.columns.get(key)
        return values[index] if index is not None and index < len(values) else None

    def header(self, key: str) -> str:
        return self.headers.get(key) or canonical_header(key)


def load_sheets(data: bytes) -> dict[str, Sheet]:
    try:
        workbook = load_workbook(
            io.BytesIO(data), read_only=True, data_only=False, keep_links=False
        )
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise _unreadable(exc) from exc
    sheets: dict[str, Sheet] = {}
    try:
        for worksheet in workbook.worksheets:
            name = worksheet.title.strip().lower()
            if name not in COLUMNS or name in sheets:
                continue  # notes, README and other sheets are the editor's own
            sheets[name] = read_sheet(worksheet, name)
    except CriteriaImportError:
        raise
    except Exception as exc:
        raise _unreadable(exc) from exc
    finally:
        workbook.close()
    return sheets


def _unreadable(exc: Exception) -> CriteriaImportError:
    return file_problem(
        f"Không đọc được bảng tính: tệp bị hỏng hoặc không đúng định dạng .xlsx "
        f"({type(exc).__name__})",
        f"The workbook cannot be read: the file is damaged or not a proper .xlsx "
        f"({type(exc).__name__})",
    )


def read_sheet(worksheet: Any, name: str) -> Sheet:
    sheet = Sheet(title=worksheet.title, name=name)
    # The declared <dimension> may be wrong (some tools write "A1"): read what is there.
    worksheet.reset_dimensions()
    rows = worksheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
    for number, values in enumerate(rows, start=1):
        if number > MAX_ROW_NUMBER:
            raise too_many_rows(sheet, number)
        if number == 1:
            for index, text in enumerate(values):
                key = column_key(text)
                if key and key not in sheet.columns:
                    sheet.columns[key] = index
                    sheet.headers[key] = " ".join(str(text).split())
            continue
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        if len(sheet.rows) >= MAX_ROWS:
            raise too_many_rows(sheet, number)
        sheet.rows.append((number, tuple(values)))
    return sheet


def too_many_rows(sheet: Sheet, number: int) -> CriteriaImportError:
    return CriteriaImportError(
        [
            Problem(
                sheet.title,
                number,
                None,
                f"Sheet có quá nhiều dòng (tối đa {MAX_ROWS} dòng có dữ liệu, đến dòng "
                f"{MAX_ROW_NUMBER})",
                f"The sheet has too many rows (at most {MAX_ROWS} filled rows, up to row "
                f"{MAX_ROW_NUMBER})",
            )
        ]
    )


@dataclass
class Places:
    """Where things are, for locating problems: codes and rows in spec order."""

    items: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    choice_rows: list[list[tuple[str, int]]] = field(default_factory=list)
    rule_rows: dict[int, list[int]] = field(default_factory=dict)
    level_rows: list[tuple[str, int]] = field(default_factory=list)
    recognition_row: int = 2
    settings_row: int = 2


class SheetReader(CellReader):
    """Reads cells of the loaded sheets and tells which sheets can be used."""

    def __init__(self, sheets: dict[str, Sheet]):
        super().__init__()
        self.sheets = sheets
        self.complete = True  # False: a sheet or column is missing, skip the semantic check
        self.unusable: set[str] = set()  # sheets missing or missing a required column
        self.at = Places()

    def sheet(self, name: str) -> Sheet | None:
        """Return a sheet, reporting it (or its required columns) when missing."""
        sheet = self.sheets.get(name)
        if sheet is None:
            self.unusable.add(name)
            if name not in OPTIONAL_SHEETS:
                self.complete = False
                self.report(
                    name,
                    None,
                    None,
                    f"Thiếu sheet “{name}”",
                    f"The sheet “{name}” is missing",
                )
            return None
        missing = [k for k, required in COLUMNS[name] if required and k not in sheet.columns]
        for key in missing:
            self.complete = False
            self.report(
                sheet,
                1,
                key,
                f"Thiếu cột “{canonical_header(key)}”",
                f"The column “{canonical_header(key)}” is missing",
            )
        if missing:
            self.unusable.add(name)
            return None
        return sheet
