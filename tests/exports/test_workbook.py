"""The workbook's cells equal summarise_round's figures exactly (read back with calamine)."""

from __future__ import annotations

import zipfile

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from exports.content import DIMENSIONS
from exports.options import ExportOptions
from exports.services import export_round
from scoring.aggregation import summarise_round
from tests.exports.helpers import formula_cells, read_sheets, rows_by_name
from tests.factories import MINH_QUAN_ACUTE, NGA_QUAN
from tests.scoring_agg.conftest import YEN_NINH

pytestmark = pytest.mark.django_db


@pytest.fixture
def summary_export(report_round, tmp_path):
    path = tmp_path / "round.xlsx"
    export_round(round_=report_round, options=ExportOptions(), user=None, target=path)
    return path


def _summary(round_, level: str, **kwargs):
    return summarise_round(
        round_=round_,
        level=level,
        breakdown=DIMENSIONS,
        unit_keys={NGA_QUAN, MINH_QUAN_ACUTE, YEN_NINH},
        **kwargs,
    )


def _target(figures, indicator):
    return next(t for t in figures.targets if t.indicator == indicator)


def test_summary_sheet_equals_summarise_round(report_round, summary_export):
    sheets = read_sheets(summary_export)
    assert list(sheets)[:3] == ["Thông tin", "Tổng hợp", "Biểu đồ"]
    rows = sheets["Tổng hợp"]
    header = rows[0]
    col = {name: header.index(name) for name in header if header.count(name) == 1}
    by_name = rows_by_name(rows)
    communes = _summary(report_round, "commune")
    districts = _summary(report_round, "district")
    # communes, each district's subtotal after its communes, the total last
    assert [(r[0], r[2]) for r in rows[1:]] == [
        ("Xã/phường", "Xã Minh Quán"),
        ("Xã/phường", "Xã Nga Quán"),
        ("Huyện/thành phố", "Huyện Trấn Yên"),
        ("Xã/phường", "Phường Yên Ninh"),
        ("Huyện/thành phố", "Thành phố Yên Bái"),
        ("Tổng cộng", "Tổng cộng"),
    ]
    for figures in (*communes.areas, *districts.areas, communes.total):
        row = by_name[figures.area.name]
        assert row[col["Số hộ dự kiến"]] == figures.planned
        assert row[col["Số hộ đã khảo sát"]] == figures.households
        assert row[col["Tỷ lệ bao phủ"]] == figures.coverage
        assert row[col["Số người được đánh giá"]] == figures.members
        assert row[col["Chưa xác định"]] == figures.undetermined
        assert row[col["Đã xác định"]] == figures.rate.n
        assert row[col["Số người đạt"]] == figures.rate.count
        assert row[col["Tỷ lệ đạt"]] == figures.rate.rate
        assert row[col["Khoảng tin cậy 95% – thấp"]] == figures.rate.low
        assert row[col["Khoảng tin cậy 95% – cao"]] == figures.rate.high
        assert row[col["Điểm trung bình"]] == figures.mean_total
        adults = _target(figures, "adults_recognised")
        at = col["Người từ 15 tuổi đạt"]
        assert row[at] == adults.value.rate
        assert row[at + 1] == adults.target_2025 / 100
        assert row[at + 2] == adults.target_2030 / 100
        households = _target(figures, "households_recognised")
        at = col["Hộ đạt Gia đình học tập"]
        assert row[at] == households.value.rate
        assert row[col["Số hộ được đánh giá"]] == figures.households_assessed
        assert row[col["Số hộ đã xác định"]] == figures.household_rate.n
        assert row[col["Số hộ đạt"]] == figures.household_rate.count
    assert formula_cells(summary_export) == []


def test_rates_are_numbers_shown_as_percentages_and_below_target_is_marked(summary_export):
    workbook = load_workbook(summary_export)
    sheet = workbook["Tổng hợp"]
    headers = [c.value for c in sheet[1]]
    rate = sheet.cell(row=2, column=headers.index("Tỷ lệ đạt") + 1)
    # A number with the Vietnamese locale on its format (shown 68,8% in LibreOffice).
    assert isinstance(rate.value, float) and rate.number_format == "[$-42A]0.0%"
    assert sheet.freeze_panes == "D2"  # level, code and unit stay in view
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(row=1, column=len(headers)).column_letter}7"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    assert (sheet.page_setup.scale, sheet.page_setup.fitToWidth) == (80, None)
    assert (
        not sheet.sheet_properties.pageSetUpPr or not sheet.sheet_properties.pageSetUpPr.fitToPage
    )
    assert (sheet.print_title_rows, sheet.print_title_cols) == ("$1:$1", "$A:$C")
    assert (
        sheet.oddHeader.left.text == "r-bc – Đợt khảo sát mô phỏng r-bc (dữ liệu tổng hợp, seed 13)"
    )
    assert (sheet.oddHeader.right.text, sheet.oddFooter.center.text) == ("&A", "Trang &P/&N")
    rules = {str(cf.sqref): [r.formula for r in cf.rules] for cf in sheet.conditional_formatting}
    assert rules["O2:O7"] == [["AND(ISNUMBER(O2),ISNUMBER(P2),O2<P2)"]]
    assert len(rules) == 4  # one per QĐ 677/387 rate
    with zipfile.ZipFile(summary_export) as archive:
        assert any(n.startswith("xl/charts/chart") for n in archive.namelist())
        chart = archive.read("xl/charts/chart1.xml").decode()
    assert "<barChart>" in chart and "<lineChart>" in chart
    assert "'Biểu đồ'!$B$2:$B$4" in chart and "'Biểu đồ'!$C$2:$C$4" in chart


def test_indicator_and_breakdown_sheets(report_round, summary_export):
    sheets = read_sheets(summary_export)
    communes = _summary(report_round, "commune")
    nga = next(f for f in communes.areas if f.area.key == NGA_QUAN)
    cd01 = next(i for i in nga.indicators if i.code == "CD01")
    rows = sheets["CD01"]
    assert rows[0][0].startswith("CD01 – ")
    header = rows[1]
    row = next(r for r in rows[2:] if r[2] == "Xã Nga Quán")
    assert row[header.index("Số người được chấm")] == cd01.scored
    assert row[header.index("Điểm trung bình")] == cd01.mean
    assert row[header.index("Không áp dụng")] == cd01.not_applicable
    assert row[header.index("Thiếu dữ liệu")] == cd01.missing
    household = sheets["Hộ GD01"]
    assert "Số hộ được chấm" in household[1] and "Số người được chấm" not in household[1]
    gd01 = next(i for i in nga.household_indicators if i.code == "GD01")
    row = next(r for r in household[2:] if r[2] == "Xã Nga Quán")
    assert row[household[1].index("Số hộ được chấm")] == gd01.scored
    groups = sheets["Theo nhóm"]
    header = groups[0]
    total_by_sex = [r for r in groups[1:] if r[0] == "Giới tính" and r[1] == "Tổng cộng"]
    expected = communes.total.breakdowns["sex"]
    assert [r[header.index("Nhóm")] for r in total_by_sex] == [g.label for g in expected]
    assert [r[header.index("Số người")] for r in total_by_sex] == [g.members for g in expected]
    assert [r[header.index("Tỷ lệ đạt")] for r in total_by_sex] == [g.rate.rate for g in expected]
    dimensions = {r[0] for r in groups[1:]}
    assert dimensions == {"Nhóm đối tượng", "Giới tính", "Nhóm tuổi", "Dân tộc"}


def test_cover_sheet_says_what_was_exported(report_round, tmp_path, make_user):
    from accounts.roles import PROVINCE_STAFF

    user = make_user(PROVINCE_STAFF, full_name="Lê Thị Tỉnh")
    path = tmp_path / "approved.xlsx"
    export_round(
        round_=report_round,
        options=ExportOptions(approved_only=True, units=(NGA_QUAN,)),
        user=user,
        target=path,
    )
    cover = dict((r[0], r[1]) for r in read_sheets(path)["Thông tin"][2:] if r[0])
    assert cover["Bộ tiêu chí công dân"] == "CDHT v1"
    assert cover["Đơn vị"] == "Xã Nga Quán"
    assert cover["Phiếu được tính"] == "Chỉ phiếu đã phê duyệt"
    assert cover["Người xuất"] == "Lê Thị Tỉnh"
    assert cover["Dữ liệu cá nhân"].startswith("Không")
    summary = summarise_round(
        round_=report_round, unit_keys={NGA_QUAN}, statuses=("approved",), breakdown=DIMENSIONS
    )
    rows = rows_by_name(read_sheets(path)["Tổng hợp"])
    assert rows["Tổng cộng"][9] == summary.total.rate.count


def test_2025_hierarchy_has_no_district_rows(report_round, tmp_path):
    path = tmp_path / "2025.xlsx"
    export_round(
        round_=report_round, options=ExportOptions(hierarchy="2025"), user=None, target=path
    )
    rows = read_sheets(path)["Tổng hợp"]
    expected = summarise_round(round_=report_round, hierarchy="2025", breakdown=DIMENSIONS)
    assert [r[2] for r in rows[1:]] == [f.area.name for f in expected.areas] + ["Tổng cộng"]
    assert {r[0] for r in rows[1:-1]} == {"Xã/phường"}


def test_english_headers(report_round, tmp_path):
    from django.utils import translation

    path = tmp_path / "en.xlsx"
    with translation.override("en"):
        export_round(round_=report_round, options=ExportOptions(), user=None, target=path)
    sheets = read_sheets(path)
    assert "Summary" in sheets
    assert sheets["Summary"][0][:3] == ["Level", "Code", "Units"]
    assert sheets["Summary"][1][0] == "Commune/ward"
    assert sheets["About"][2][0] == "Survey round"


def test_cover_sheet_states_locks_pending_households_and_every_unlock(
    report_round, tmp_path, make_user
):
    from accounts.roles import PROVINCE_STAFF
    from flows.review import lock_unit, unlock_unit
    from survey.models import HouseholdResponse

    officer = make_user(PROVINCE_STAFF, full_name="Lê Thị Tỉnh")
    in_nga_quan = HouseholdResponse.objects.filter(round=report_round, unit_id=NGA_QUAN)
    in_nga_quan.update(status="verified")
    lock_unit(user=officer, round_=report_round, unit_key=NGA_QUAN)
    path = tmp_path / "locked.xlsx"
    export_round(
        round_=report_round, options=ExportOptions(units=(NGA_QUAN,)), user=officer, target=path
    )
    cover = [r for r in read_sheets(path)["Thông tin"][2:] if r[0]]
    assert ["Xã đã phê duyệt và khoá số liệu", "1/1 xã; 0 phiếu chưa phê duyệt"] in [
        r[:2] for r in cover
    ]
    assert not [r for r in cover if r[0] == "Mở khoá số liệu"]

    event = unlock_unit(
        user=officer, round_=report_round, unit_key=NGA_QUAN, reason="Sửa năm sinh hộ 12"
    )
    export_round(
        round_=report_round, options=ExportOptions(units=(NGA_QUAN,)), user=officer, target=path
    )
    cover = [r[:2] for r in read_sheets(path)["Thông tin"][2:] if r[0]]
    assert ["Xã đã phê duyệt và khoá số liệu", "0/1 xã; 0 phiếu chưa phê duyệt"] in cover
    assert [r for r in cover if r[0] == "Mở khoá số liệu"] == [
        [
            "Mở khoá số liệu",
            f"{timezone.localtime(event.at):%d/%m/%Y %H:%M} – Xã Nga Quán – Lê Thị Tỉnh: "
            "Sửa năm sinh hộ 12",
        ]
    ]
