"""The one formula-injection guard for every text cell an export writes (xlsx and csv).

Spreadsheets run a cell whose text starts with ``=``, ``+``, ``-`` or ``@`` as a formula
(and some treat a leading tab or carriage return the same way after trimming), so a
household named ``=HYPERLINK(...)`` could act when the file is opened. Such text is
written with a leading apostrophe, the convention Excel itself uses for "this is text":
the value stays readable and can never be evaluated.
"""

from __future__ import annotations

from typing import Any

DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Return ``value`` so that no spreadsheet takes it for a formula."""
    return "'" + value if value.startswith(DANGEROUS_STARTS) else value


def safe_value(value: Any) -> Any:
    """Guard text; numbers, dates, booleans and None pass unchanged."""
    return safe_text(value) if isinstance(value, str) else value
