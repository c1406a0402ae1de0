"""Formula cells of a workbook: never evaluated, reported with their text; text kept as text."""

from __future__ import annotations

import io
import zipfile

from openpyxl import load_workbook

from flows.imports import import_responses
from tests.imports.conftest import fill_template, member_rows
from tests.imports.refusals import HOUSEHOLDS, MEMBERS, column, one_household, refused


def with_cached_formulas(data: bytes, sheet: str, formulas: dict[str, tuple[str, str]]) -> bytes:
    """Put formulas with a cached value (as Excel saves them) into cells of a workbook."""
    workbook = load_workbook(io.BytesIO(data))
    for cell, (formula, _cached) in formulas.items():
        workbook[sheet][cell] = formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    index = workbook.sheetnames.index(sheet) + 1
    part = f"xl/worksheets/sheet{index}.xml"
    xml = source.read(part).decode()
    for cell, (formula, cached) in formulas.items():
        opening = f'<c r="{cell}"'
        start = xml.index(opening)
        end = xml.index("</c>", start)
        body = formula[1:].replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
        xml = xml[:start] + f'<c r="{cell}"><f>{body}</f><v>{cached}</v>' + xml[end:]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, xml if item.filename == part else source.read(item))
    return out.getvalue()


def test_formulas_are_never_evaluated_and_are_reported_with_their_text(round_, staff):
    data = fill_template(round_, one_household(), member_rows())
    sessions = column(round_, MEMBERS, "community_sessions_12m").split(":")[0]
    data = with_cached_formulas(
        data,
        MEMBERS,
        {
            f"{sessions}2": ("=1+1", "2"),
            "B3": ('=HYPERLINK("http://example.org","Trần Thị Bình")', "Trần Thị Bình"),
        },
    )
    assert refused(round_, staff, data) == [
        (
            MEMBERS,
            2,
            column(round_, MEMBERS, "community_sessions_12m"),
            "Ô chứa công thức Excel “=1+1”; công thức không được tính khi nhập: hãy ghi giá trị",
            "The cell holds an Excel formula “=1+1”; formulas are not evaluated on import: type "
            "the value",
        ),
        (
            MEMBERS,
            3,
            "B: Họ và tên [full_name]",
            'Ô chứa công thức Excel “=HYPERLINK("http://example.org","Trần Thị Bình")”; '
            "công thức không được tính khi nhập: hãy ghi giá trị",
            'The cell holds an Excel formula “=HYPERLINK("http://example.org","Trần Thị '
            'Bình")”; formulas are not evaluated on import: type the value',
        ),
    ]


def test_text_that_looks_like_a_formula_is_kept_as_text(round_, staff):
    members = member_rows()
    members[3]["full_name"] = '=HYPERLINK("http://example.org")'
    data = fill_template(round_, one_household(address="+84 Tổ 5"), members)
    workbook = load_workbook(io.BytesIO(data))
    workbook[MEMBERS]["B5"].data_type = "s"  # typed as text (a leading apostrophe in Excel)
    buffer = io.BytesIO()
    workbook.save(buffer)

    import_responses(round_=round_, user=staff, data=buffer.getvalue(), filename="phieu.xlsx")

    from survey.models import HouseholdResponse

    response = HouseholdResponse.objects.get()
    assert response.address == "+84 Tổ 5"
    assert response.members.get(position=4).full_name == '=HYPERLINK("http://example.org")'


def test_a_formula_as_household_key(round_, staff):
    data = fill_template(round_, one_household(), member_rows())
    data = with_cached_formulas(data, HOUSEHOLDS, {"A2": ("=ROW()-1", "1")})
    assert [p[:3] for p in refused(round_, staff, data)] == [
        (HOUSEHOLDS, 2, "A: Mã hộ [household_key]"),
        *[(MEMBERS, n, "A: Mã hộ [household_key]") for n in range(2, 6)],
    ]
