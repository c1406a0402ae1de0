"""A sheet of an upload as plain text: a worksheet of a workbook, or a CSV file of a zip."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter


@dataclass
class Sheet:
    """A worksheet (or CSV file) as text: ``rows[0]`` is the header row (row 1)."""

    name: str
    rows: list[list[str]]
    letters: bool = True  # a workbook sheet: columns are named by letter too
    # (row number, 0-based column) -> formula text, for cells holding a formula
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)

    @property
    def headers(self) -> list[str]:
        cached = self.__dict__.get("_headers")
        if cached is None:
            cached = self.__dict__["_headers"] = (
                [h.strip() for h in self.rows[0]] if self.rows else []
            )
        return cached

    def column_name(self, index: int) -> str:
        """Return how problems name a column: "F: Năm sinh [birth_year]" (CSV: the header)."""
        headers = self.headers
        header = headers[index] if index < len(headers) else ""
        if not self.letters:
            return header
        letter = get_column_letter(index + 1)
        return f"{letter}: {header}" if header else letter


def cell_at(row: list[str], index: int) -> str:
    """Return a row's cell, stripped; "" past the end of the row (a short CSV row)."""
    return row[index].strip() if index < len(row) else ""


def iter_data_rows(sheet: Sheet) -> Iterator[tuple[int, list[str]]]:
    """Yield (row number, cells) for each non-empty row below the header."""
    for number, row in enumerate(sheet.rows[1:], start=2):
        filled = any(cell.strip() for cell in row if cell)
        if filled or (
            sheet.formulas and any((number, i) in sheet.formulas for i in range(len(row)))
        ):
            yield number, row
