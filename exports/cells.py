"""The one formula-injection guard for every text cell an export writes (xlsx and csv).

Spreadsheets run a cell whose text starts with ``=``, ``+``, ``-`` or ``@`` as a formula
(and some treat a leading tab or carriage return the same way after trimming), so a
household named ``=HYPERLINK(...)`` could act when the file is opened.

* In a workbook such text is written as a text cell with the "quote prefix" flag, the
  flag Excel and LibreOffice set when a user types an apostrophe first: the cell shows
  exactly what was typed and is never evaluated, even when edited (``exports.workbook``).
* A CSV has no cell flags, so there the text gets a leading apostrophe (``safe_text``).
"""

from __future__ import annotations

from typing import Any

DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: str) -> bool:
    """Whether a spreadsheet could take this text for a formula."""
    return value.startswith(DANGEROUS_STARTS)


def safe_text(value: str) -> str:
    """Return ``value`` so that no spreadsheet reading a CSV takes it for a formula."""
    return "'" + value if looks_like_formula(value) else value


def safe_value(value: Any) -> Any:
    """Guard text; numbers, dates, booleans and None pass unchanged."""
    return safe_text(value) if isinstance(value, str) else value
