"""The workbook printed as a user prints it: LibreOffice renders it to PDF, poppler reads it.

A4 landscape, text of at least 8 points, the header row and the unit columns on every
page of a wide table, and every page headed with the round and the sheet and numbered.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from exports.options import ExportOptions
from exports.services import export_round

pytestmark = pytest.mark.django_db
# LibreOffice's word boxes are 1.3 em high: 11-point text printed at 80 % gives boxes
# 11.44 points high. Eight points make 10.4.
BOX_PER_POINT = 1.3
A4_LANDSCAPE = (841.89, 595.30)
PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
WORD = re.compile(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</word>')
HEADING = "r-bc – Đợt khảo sát mô phỏng r-bc (dữ liệu tổng hợp, seed 13)"


def _tools() -> tuple[str, str]:
    soffice, pdftotext = shutil.which("soffice"), shutil.which("pdftotext")
    if not (soffice and pdftotext):
        if os.environ.get("REQUIRE_OFFICE") == "1":
            pytest.fail("REQUIRE_OFFICE=1 but soffice or pdftotext is not on PATH")
        pytest.skip("needs Debian's libreoffice-calc-nogui and poppler-utils")
    return soffice, pdftotext


def _pages(workbook: Path, tmp_path: Path) -> list[dict]:
    """Render the workbook to PDF; return each page's size, text as laid out, smallest text."""
    soffice, pdftotext = _tools()
    profile = (tmp_path / "lo-profile").as_uri()  # one profile per test: xdist workers
    command = [soffice, "--headless", f"-env:UserInstallation={profile}"]
    command += ["--convert-to", "pdf", "--outdir", str(tmp_path), str(workbook)]
    subprocess.run(  # noqa: S603 - our own file, tools found on PATH
        command,
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / f"{workbook.stem}.pdf"
    boxes = subprocess.run(  # noqa: S603 - the PDF just made
        [pdftotext, "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    layout = subprocess.run(  # noqa: S603 - the PDF just made
        [pdftotext, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout.split("\f")
    pages = []
    for (width, height, body), text in zip(PAGE.findall(boxes), layout, strict=False):
        heights = [float(y1) - float(y0) for y0, y1, _w in WORD.findall(body)]
        pages.append(
            {
                "size": (round(float(width), 2), round(float(height), 2)),
                "lines": [" ".join(line.split()) for line in text.splitlines() if line.strip()],
                "smallest": min(heights, default=0) / BOX_PER_POINT,
            }
        )
    return pages


@pytest.fixture
def printed(report_round, tmp_path):
    path = tmp_path / "round.xlsx"
    export_round(round_=report_round, options=ExportOptions(detail=True), user=None, target=path)
    return _pages(path, tmp_path)


def _sheet_pages(printed, sheet: str) -> list[list[str]]:
    return [p["lines"] for p in printed if p["lines"][0] == f"{HEADING} {sheet}"]


def test_the_printed_workbook_is_readable_headed_numbered_and_split_by_columns(printed):
    # One rendering for every check: LibreOffice takes about 6 s per workbook.
    total = len(printed)
    assert {page["size"] for page in printed} == {A4_LANDSCAPE}
    assert min(page["smallest"] for page in printed) >= 8.0
    for number, page in enumerate(printed, start=1):
        assert page["lines"][0].startswith(HEADING), number
        assert page["lines"][-1] == f"Trang {number}/{total}"

    summary = _sheet_pages(printed, "Tổng hợp")
    assert len(summary) >= 4  # 40-odd columns at a readable size do not fit one page
    for lines in summary:
        assert lines[1].startswith("Cấp Mã Đơn vị")  # the repeated header and unit columns
        assert any(line.startswith("Xã/phường 04516 Xã Minh Quán ") for line in lines)
        assert any(line.startswith("Tổng cộng Tổng cộng ") for line in lines)
    assert summary[0][1].startswith("Cấp Mã Đơn vị Số hộ dự Số hộ đã")
    # Vietnamese number formats whatever the computer's language: 93,3%, not 93.3%.
    assert re.search(r"Xã Minh Quán 15 14 \d+,\d% ", " ".join(summary[0]))
    assert "Số hộ đạt" in " ".join(summary[-1][1:4])

    [cover] = _sheet_pages(printed, "Thông tin")
    assert "Xã đã phê duyệt và khoá số liệu 0/3 xã; 45 phiếu chưa phê duyệt" in cover
