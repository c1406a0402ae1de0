"""Import a file that must be refused, and name its places as problems name them."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from flows.imports import import_responses
from survey.forms import REQUIRED_MESSAGE
from survey.imports.problems import ImportRefused, bilingual
from tests.imports.conftest import counts, fill_template, household_row, template_for

HOUSEHOLDS, MEMBERS = "Hộ gia đình", "Thành viên"


def required() -> tuple[str, str]:
    """The web form's own message, in English from the catalogue once it is translated."""
    return bilingual(REQUIRED_MESSAGE, "An answer is required.")


def problems_of(round_, user, households, members, **options: Any) -> list[tuple]:
    """Import a filled template that must be refused; return (sheet, row, column, vi, en)."""
    data = fill_template(round_, households, members)
    return refused(round_, user, data, **options)


def refused(round_, user, data: bytes, **options: Any) -> list[tuple]:
    before = counts()
    with pytest.raises(ImportRefused) as error:
        import_responses(round_=round_, user=user, data=data, filename="phieu.xlsx", **options)
    assert counts() == before, "a refused import wrote something"
    return [(p.sheet, p.row, p.column, p.vi, p.en) for p in error.value.problems]


def column(round_, sheet: str, code: str) -> str:
    """How problems name a column: its letter and header, as in the file."""
    for cell in load_workbook(io.BytesIO(template_for(round_)))[sheet][1]:
        if cell.value.endswith(f"[{code}]"):
            return f"{cell.column_letter}: {cell.value}"
    raise AssertionError(code)


def one_household(**changes: Any) -> list[dict]:
    return [household_row(**changes)]
