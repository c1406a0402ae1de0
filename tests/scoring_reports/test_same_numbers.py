"""The page, the command and the aggregation give the same numbers (one code path)."""

from __future__ import annotations

import csv
import json
import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from accounts.roles import PROVINCE_STAFF
from exports.options import ExportOptions
from exports.services import export_round
from scoring.aggregation import summarise_round
from tests.scoring_reports.conftest import area_values

COLUMNS = ["planned", "households", "coverage", "members", "undetermined", "recognised"]
COLUMNS += ["rate", "mean_total", "adults_rate", "cadres_rate", "digital_rate", "household_rate"]


def _number(text: str) -> float | None:
    return None if text in ("", "None") else float(text)


@pytest.mark.parametrize("level", ["commune", "district"])
def test_page_command_and_aggregation_agree(client, signed_in, report_round, level):
    signed_in(PROVINCE_STAFF)
    page = area_values(client.get(f"/reports/r-bc/?level={level}"))
    out = StringIO()
    call_command("round_summary", "r-bc", "--level", level, "--format", "csv", stdout=out)
    command = {row["area_key"]: row for row in csv.DictReader(StringIO(out.getvalue()))}
    frame = summarise_round(round_=report_round, level=level).frame()
    aggregation = {row["area_key"]: row for row in frame.to_dict("records")}
    assert set(page) == set(command) == set(aggregation)
    assert len(page) == (4 if level == "commune" else 3)  # areas and the total
    for key, values in aggregation.items():
        for column in COLUMNS:
            expected = values[column]
            expected = None if expected is None or expected != expected else float(expected)
            assert _number(page[key][column]) == expected, (key, column)
            assert _number(command[key][column]) == expected, (key, column)


def test_json_and_table_formats(report_round):
    out = StringIO()
    call_command("round_summary", "r-bc", "--format", "json", "--breakdown", "sex", stdout=out)
    payload = json.loads(out.getvalue())
    frame = summarise_round(round_=report_round).frame()
    assert [a["area_key"] for a in payload["areas"]] == list(frame["area_key"])
    assert payload["areas"][-1]["rate"] == frame.iloc[-1]["rate"]
    assert {row["group"] for row in payload["breakdown"]} == {"male", "female"}
    table = StringIO()
    call_command("round_summary", "r-bc", "--level", "province", stdout=table)
    lines = table.getvalue().splitlines()
    assert lines[1].split()[0] == "Area"
    assert lines[3].startswith("Tỉnh Yên Bái")
    assert lines[4].startswith("Tổng cộng")


# page column -> (workbook header, command header); the interval is two cells in both
SHOWN = {
    "planned": ("Số hộ dự kiến", "Planned"),
    "households": ("Số hộ đã khảo sát", "Households"),
    "coverage": ("Tỷ lệ bao phủ", "Coverage"),
    "members": ("Số người được đánh giá", "Members"),
    "undetermined": ("Chưa xác định", "Undet."),
    "recognised": ("Số người đạt", "Recog."),
    "rate": ("Tỷ lệ đạt", "Rate"),
    "mean_total": ("Điểm trung bình", "Mean"),
    "adults_rate": ("Người từ 15 tuổi đạt", "Adults"),
    "cadres_rate": ("CB, CC, VC đạt", "Cadres"),
    "digital_rate": ("Có kỹ năng số", "Digital"),
    "household_rate": ("Hộ đạt Gia đình học tập", "HH rate"),
}
CI = (("Khoảng tin cậy 95% – thấp", "CI low"), ("Khoảng tin cậy 95% – cao", "CI high"))


def _shown_by_excel(value, number_format: str, *, rounding=ROUND_HALF_UP) -> str:
    """What Excel shows for a cell in Vietnamese: its 15 significant digits, rounded half
    up (away from zero) to the format's decimals; written here apart from the app's code."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    exact = Decimal(f"{value:.15g}")
    if number_format.endswith("%"):
        exact, suffix = exact * 100, "%"
    else:
        suffix = ""
    # "[$-42A]" names the Vietnamese locale; the digits follow it.
    decimals = len(number_format.rstrip("%").partition(".")[2])
    text = f"{exact.quantize(Decimal(1).scaleb(-decimals), rounding=rounding):f}"
    whole, _, fraction = text.partition(".")
    if "," in number_format:  # #,##0: thousands grouped (a dot in Vietnamese)
        whole = f"{int(whole):,}".replace(",", ".")
    return whole + ("," + fraction if fraction else "") + suffix


def _page_shown(response) -> dict[str, dict[str, str]]:
    """area name -> page column -> the text the areas table shows (flags left out)."""
    shown = {}
    html = response.content.decode()
    for body in re.findall(r'<tr data-area="[^"]+"[^>]*>(.*?)</tr>', html, re.S):
        name = re.sub(r"<[^>]+>", "", re.search(r"<th[^>]*>(.*?)</th>", body, re.S).group(1))
        cells = re.findall(r'<td[^>]*data-col="([a-z_]+)"[^>]*>([^<]*)', body)
        shown[name.replace("một phần", "").strip()] = {col: text.strip() for col, text in cells}
    return shown


def _command_shown(text: str) -> dict[str, dict[str, str]]:
    """area name -> command header -> the cell, with Vietnamese separators (. and , swapped)."""
    lines = text.splitlines()
    headers = re.split(r" {2,}", lines[1].strip())
    rows = {}
    for line in lines[3:]:
        cells = re.split(r" {2,}", line.strip())
        swapped = [c.translate(str.maketrans(".,", ",.")) for c in cells]
        rows[cells[0]] = dict(zip(headers, swapped, strict=True))
    return rows


def _workbook_shown(path) -> tuple[dict[str, dict[str, str]], list[tuple[float, str]]]:
    """area name -> header -> what Excel shows; and every percent cell (value, format)."""
    sheet = load_workbook(path)["Tổng hợp"]
    headers = [c.value for c in sheet[1]]
    rows, percents = {}, []
    for cells in sheet.iter_rows(min_row=2):
        rows[cells[2].value] = {
            header: _shown_by_excel(cell.value, cell.number_format)
            for header, cell in zip(headers, cells, strict=True)
            if header is not None and headers.count(header) == 1
        }
        percents += [(c.value, c.number_format) for c in cells if c.number_format == "[$-42A]0.0%"]
    return rows, percents


def test_page_workbook_and_command_show_the_same_rounded_digits(
    client, signed_in, report_round, tmp_path
):
    """The displayed strings agree digit for digit, and truncating would change some."""
    signed_in(PROVINCE_STAFF)
    page = _page_shown(client.get("/reports/r-bc/?level=commune"))
    out = StringIO()
    call_command("round_summary", "r-bc", "--level", "commune", stdout=out)
    command = _command_shown(out.getvalue())
    path = tmp_path / "round.xlsx"
    export_round(round_=report_round, options=ExportOptions(), user=None, target=path)
    workbook, percents = _workbook_shown(path)
    assert len(page) == 4 and set(page) == set(command) <= set(workbook)
    for name, cells in page.items():
        for column, (book_header, command_header) in SHOWN.items():
            shown = cells[column]
            assert shown == workbook[name][book_header], (name, column, "workbook")
            assert shown == command[name][command_header], (name, column, "command")
        book_low, book_high = (workbook[name][book] for book, _ in CI)
        command_low, command_high = (command[name][cmd] for _, cmd in CI)
        assert cells["ci"] == f"{book_low[:-1]}–{book_high}", (name, "workbook")
        assert cells["ci"] == f"{command_low[:-1]}–{command_high}", (name, "command")
    # The round has cells where cutting digits off shows another number than rounding.
    cut = [
        (v, f)
        for v, f in percents
        if v is not None
        if _shown_by_excel(v, f) != _shown_by_excel(v, f, rounding=ROUND_DOWN)
    ]
    assert len(cut) >= 5


def test_indicator_matrix_rounds_whole_percents_half_up(client, signed_in, report_round):
    """The matrix shows each share of members at the minimum as a whole percent, rounded."""
    signed_in(PROVINCE_STAFF)
    response = client.get("/reports/r-bc/indicators/")
    summary = response.context["summary"]
    html = response.content.decode()
    matrix = re.search(r'<table data-testid="indicator-matrix".*?</table>', html, re.S).group(0)
    rows = re.findall(r"<tr[^>]*>\s*<th scope=\"row\">(.*?)</th>(.*?)</tr>", matrix, re.S)
    shown = {
        re.sub(r"<[^>]+>|một phần", "", name).strip(): re.findall(
            r'<td class="num[^"]*"(?: data-indicator="[^"]+")?>([^<]*)<br>', body
        )
        for name, body in rows
    }
    cut_differs = 0
    for figures in (*summary.areas, summary.total):
        expected = []
        for i in figures.indicators:
            if i.at_min:
                whole = Decimal(f"{i.at_min.rate:.15g}") * 100
                expected.append(f"{whole.quantize(Decimal(1), rounding=ROUND_HALF_UP)}%")
                cut_differs += whole.quantize(Decimal(1), rounding=ROUND_DOWN) != whole.quantize(
                    Decimal(1), rounding=ROUND_HALF_UP
                )
        assert shown[figures.area.name] == expected, figures.area.name
    assert cut_differs >= 3
