"""Cells as people type them: text, numbers, yes/no, dates and lists of codes."""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from criteria.spec import Label
from criteria.validation import Problem
from criteria.workbook.layout import canonical_header

if TYPE_CHECKING:
    from criteria.workbook.sheets import Sheet

NUMBER = r"-?\d+(?:[.,]\d+)?"
TRUE_WORDS = {"yes", "true", "1", "có", "co", "x", "true()"}
FALSE_WORDS = {"no", "false", "0", "không", "khong", "false()", ""}


def cell_text(value: Any) -> str:
    """Return a cell as text: numbers without a spurious ".0", dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    text = getattr(value, "text", value)  # array formulas: their text
    return str(text)


def parse_number(text: str) -> int | float | None:
    """Read "10", "2.5" or "2,5"; None when it is not a number."""
    text = text.strip()
    if not re.fullmatch(NUMBER, text):
        return None
    text = text.replace(",", ".")
    return float(text) if "." in text else int(text)


def split_codes(text: str) -> tuple[str, ...]:
    """Read a cell of codes separated by spaces, commas or semicolons."""
    return tuple(code for code in re.split(r"[\s,;]+", text.strip()) if code)


class CellReader:
    """Reads typed cells, collecting a located problem for each cell it cannot read."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.flagged: set[tuple[str | None, int | None, str | None]] = set()

    def report(
        self, sheet: Sheet | str, number: int | None, key: str | None, vi: str, en: str
    ) -> None:
        # A sheet by name only: it is missing, so the header is the canonical one.
        title = sheet if isinstance(sheet, str) else sheet.title
        column = None
        if key is not None:
            column = canonical_header(key) if isinstance(sheet, str) else sheet.header(key)
        self.problems.append(Problem(title, number, column, vi, en))
        self.flagged.add((title, number, column))

    # Cells --------------------------------------------------------------------
    def text(self, sheet: Sheet, values: tuple, key: str) -> str:
        return cell_text(sheet.get(values, key))

    def code(self, sheet: Sheet, values: tuple, key: str) -> str:
        return self.text(sheet, values, key).strip()

    def label(self, sheet: Sheet, values: tuple, base: str = "label") -> Label:
        return Label(
            self.text(sheet, values, f"{base}::vi"), self.text(sheet, values, f"{base}::en")
        )

    def number(
        self, sheet: Sheet, number: int, values: tuple, key: str, *, required: bool
    ) -> float | None:
        """Read a number; a problem leaves NaN so later sums and checks skip it."""
        value = sheet.get(values, key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        text = cell_text(value).strip()
        if not text:
            if required:
                self.report(
                    sheet,
                    number,
                    key,
                    "Ô trống; cần một số",
                    "The cell is empty; a number is needed",
                )
                return math.nan
            return None
        parsed = parse_number(text)
        if parsed is None:
            self.not_a_number(sheet, number, key, text)
            return math.nan
        return float(parsed)

    def not_a_number(self, sheet: Sheet, number: int, key: str, text: str) -> None:
        if text.startswith("="):
            self.report(
                sheet,
                number,
                key,
                f"“{text}” là công thức; công thức không được tính, hãy gõ thẳng con số",
                f"“{text}” is a formula; formulas are not calculated, type the number itself",
            )
        else:
            self.report(
                sheet,
                number,
                key,
                f"“{text}” không phải là số",
                f"“{text}” is not a number",
            )

    def integer(
        self, sheet: Sheet, number: int, values: tuple, key: str, *, required: bool
    ) -> int | None:
        value = self.number(sheet, number, values, key, required=required)
        if value is None or math.isnan(value):
            return None if value is None else -1
        if not value.is_integer():
            self.report(
                sheet,
                number,
                key,
                f"“{cell_text(sheet.get(values, key))}” không phải là số nguyên",
                f"“{cell_text(sheet.get(values, key))}” is not a whole number",
            )
            return -1
        return int(value)

    def boolean(self, sheet: Sheet, number: int, values: tuple, key: str, *, default: bool) -> bool:
        value = sheet.get(values, key)
        if isinstance(value, bool):
            return value
        text = cell_text(value).strip().lower()
        if not text:
            return default
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        self.report(
            sheet,
            number,
            key,
            f"“{cell_text(value)}” không phải là có/không; dùng yes hoặc no",
            f"“{cell_text(value)}” is not yes/no; use yes or no",
        )
        return default

    def day(self, sheet: Sheet, number: int, values: tuple, key: str) -> date | None:
        value = sheet.get(values, key)
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = cell_text(value).strip()
        if not text:
            return None
        for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
            try:
                return datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        self.report(
            sheet,
            number,
            key,
            f"“{text}” không phải là ngày; viết dạng 2023-10-25 hoặc 25/10/2023",
            f"“{text}” is not a date; write it as 2023-10-25 or 25/10/2023",
        )
        return None
