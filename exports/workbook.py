"""Write a round workbook from a ``RoundExport``: a library function over plain data.

openpyxl in write-only mode streams every sheet to disk as it is written, so a detail
sheet of a million members costs the same memory as one of a hundred. Formula-like text
is written as quote-prefixed text cells (``exports.cells``); rates are shares with a
``0.0%`` number format (numbers, not text), frozen header rows, autofilters and widths.

Printed, every sheet is A4 landscape at a fixed 80 % (11-point text prints at 8.8
points): a table wider than a page continues on further pages with its header row and
its unit columns repeated, rather than being shrunk to one page width, which made the
40-odd summary columns print at about 3 points. Each page is headed with the round and
the sheet name and numbered "Trang n/m".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.text import RichText
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from exports.cells import looks_like_formula
from exports.columns import (
    Column,
    breakdown_columns,
    breakdown_rows,
    indicator_columns,
    indicator_rows,
    rate_of,
    summary_columns,
    target_of,
    target_value,
)
from exports.content import RoundExport, SummaryRow
from exports.details import DetailTable
from scoring.models import Target

EXCEL_MAX_ROWS = 1_048_576
ROW_KEYS = frozenset({"dimension", "level", "code", "area"})
LINE_HEIGHT = 15  # points per line of 11-point text
PRINT_SCALE = 80  # percent; the smallest that keeps 11-point text at 8 points or more
FORMATS = {"pct": "0.0%", "num": "0.00", "int": "#,##0", "text": "@"}
# The Vietnamese locale (LCID 0x042A) on number formats of a Vietnamese workbook:
# LibreOffice then shows 68,8% and 1.234 whatever the computer's language; Excel shows
# the separators of the computer's own settings, Vietnamese on a Vietnamese Windows.
VI_LOCALE = "[$-42A]"
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
SUBTOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
BELOW_FILL = PatternFill("solid", fgColor="FFC7CE")
BELOW_FONT = Font(color="9C0006")
WRAP = Alignment(wrap_text=True, vertical="top")
SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")

Progress = Callable[[int], None]


def write_workbook(
    *,
    export: RoundExport,
    target: str | Path | IO[bytes],
    max_rows: int = EXCEL_MAX_ROWS,
    progress: Progress | None = None,
) -> None:
    """Write the round workbook to ``target`` (a path or a binary stream)."""
    workbook = Workbook(write_only=True)
    _cover(workbook, export)
    _summary(workbook, export)
    _chart(workbook, export)
    for code in export.summary.indicator_codes:
        _indicator(workbook, export, code, household=False)
    for code in export.summary.household_indicator_codes:
        _indicator(workbook, export, code, household=True)
    _breakdowns(workbook, export)
    if progress:
        progress(10)
    total = sum(t.count for t in export.details) or 1
    done = 0
    for table in export.details:

        def step(rows: int, before: int = done) -> None:
            if progress:
                progress(10 + int(85 * (before + rows) / total))

        write_detail(workbook, table, max_rows=max_rows, progress=step)
        done += table.count
    # Headers and footers are written with each sheet's tail, at save.
    for sheet in workbook.worksheets:
        _print_frame(sheet, f"{export.round_code} – {export.round_name}")
    workbook.save(target)
    if progress:
        progress(100)


def sheet_title(text: str, taken: Iterable[str] = ()) -> str:
    """A valid, unique sheet name (31 characters, none of []:*?/\\, no leading quote)."""
    title = SHEET_NAME_BAD.sub("_", text).strip("'")[:31] or "_"
    used = {t.lower() for t in taken}
    base, n = title, 2
    while title.lower() in used:
        suffix = f" ({n})"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    return title


def _sheet(workbook: Workbook, title: str) -> Worksheet:
    sheet = workbook.create_sheet(sheet_title(title, workbook.sheetnames))
    setup = sheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = Worksheet.PAPERSIZE_A4
    setup.scale = PRINT_SCALE
    return sheet


def _print_frame(sheet: Worksheet, heading: str) -> None:
    """Head every printed page with the round and the sheet, and number it."""
    sheet.oddHeader.left.text = heading.replace("&", "&&")
    sheet.oddHeader.right.text = "&A"
    sheet.oddFooter.center.text = _("Trang &P/&N")


def _text_cell(sheet: Worksheet, value: str) -> WriteOnlyCell:
    """A text cell with the quote-prefix flag: shown as typed, never a formula."""
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # openpyxl would write "=..." as a formula
    cell.quotePrefix = True
    return cell


def _guarded(sheet: Worksheet, value: Any) -> Any:
    """A value for a row: formula-like text as a quote-prefixed text cell."""
    if value.__class__ is str and looks_like_formula(value):
        return _text_cell(sheet, value)
    return value


def _cell(sheet: Worksheet, value: Any, *, kind: str = "", font=None, fill=None) -> WriteOnlyCell:
    if value.__class__ is str and looks_like_formula(value):
        cell = _text_cell(sheet, value)
    else:
        cell = WriteOnlyCell(sheet, value=value)
    if kind and kind != "text":
        cell.number_format = _number_format(kind)
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    return cell


def _number_format(kind: str) -> str:
    prefix = VI_LOCALE if (get_language() or "vi").startswith("vi") else ""
    return prefix + FORMATS[kind]


def _wrapped(sheet: Worksheet, value: Any, *, font=None) -> WriteOnlyCell:
    cell = _cell(sheet, value, font=font)
    cell.alignment = WRAP
    return cell


def _header(sheet: Worksheet, headers: Sequence[str]) -> list[WriteOnlyCell]:
    cells = []
    for text in headers:
        cell = _cell(sheet, text, font=BOLD, fill=HEADER_FILL)
        cell.alignment = WRAP
        cells.append(cell)
    return cells


def _prepare_table(
    sheet: Worksheet,
    widths: Sequence[float],
    *,
    headers: Sequence[str],
    header_row: int = 1,
    key_columns: int = 1,
) -> None:
    """Widths, frozen header and printed titles: set before the first row is written.

    ``key_columns`` are the leading columns that name a row (the unit); they stay in view
    when scrolling and are printed again on every page. The header row is made high
    enough for its wrapped headers: LibreOffice does not grow it when opening the file.
    """
    for n, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(n)].width = width
    lines = max((_lines(h, w) for h, w in zip(headers, widths, strict=True)), default=1)
    sheet.row_dimensions[header_row].height = LINE_HEIGHT * lines
    sheet.freeze_panes = f"{get_column_letter(key_columns + 1)}{header_row + 1}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.print_title_cols = f"A:{get_column_letter(key_columns)}"


def _lines(text: str, width: float) -> int:
    """How many lines ``text`` wraps to in a column ``width`` characters wide."""
    lines, used = 1, 0
    for word in text.split():
        if used and used + 1 + len(word) > width - 1:
            lines, used = lines + 1, len(word)
        else:
            used += len(word) + (1 if used else 0)
    return lines


def _key_columns(columns: Sequence[Column]) -> int:
    """How many leading columns name the row (dimension, level, code, unit)."""
    keys = [c.key for c in columns]
    return next((n for n, key in enumerate(keys) if key not in ROW_KEYS), len(keys)) or 1


def _finish_table(sheet: Worksheet, columns: int, rows: int, *, header_row: int = 1) -> None:
    last = header_row + max(rows, 1)
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(columns)}{last}"


def _table(
    workbook: Workbook,
    title: str,
    columns: list[Column],
    rows: Sequence[Any],
    *,
    row_fill: Callable[[Any], PatternFill | None] = lambda r: None,
) -> Worksheet:
    sheet = _sheet(workbook, title)
    _prepare_table(
        sheet,
        [c.width for c in columns],
        headers=[c.header for c in columns],
        key_columns=_key_columns(columns),
    )
    sheet.append(_header(sheet, [c.header for c in columns]))
    for row in rows:
        fill = row_fill(row)
        font = BOLD if fill is not None else None
        sheet.append([_cell(sheet, c.get(row), kind=c.kind, font=font, fill=fill) for c in columns])
    _finish_table(sheet, len(columns), len(rows))
    return sheet


def _subtotal_fill(row: Any) -> PatternFill | None:
    """Shade district subtotals and the total (rows may be tuples holding a SummaryRow)."""
    if isinstance(row, tuple):
        row = next(x for x in row if isinstance(x, SummaryRow))
    return SUBTOTAL_FILL if row.kind in ("district", "total") else None


# Sheets ----------------------------------------------------------------------------------


COVER_WIDTHS = (34, 76)


def _cover(workbook: Workbook, export: RoundExport) -> None:
    sheet = _sheet(workbook, _("Thông tin"))
    # Both columns wrap, so a long label never runs into its value; together they fit
    # the width of a printed page. Row heights are set for the same reason as headers'.
    for letter, width in zip("AB", COVER_WIDTHS, strict=True):
        sheet.column_dimensions[letter].width = width
    note = _(
        "Tỷ lệ đạt = số người đạt ÷ số người đã xác định được kết quả; người "
        "chưa xác định (thiếu câu trả lời) được đếm riêng. Khoảng tin cậy 95% "
        "theo phương pháp Wilson. Ô tô đỏ: thấp hơn chỉ tiêu năm 2025."
    )
    lines = [*export.cover, None, (_("Ghi chú"), note)]
    sheet.append(
        [_cell(sheet, _("Kết quả khảo sát Công dân học tập"), font=Font(bold=True, size=14))]
    )
    sheet.append([])
    for row, line in enumerate(lines, start=3):
        if line is None:
            sheet.append([])
            continue
        label, value = line
        height = max(_lines(str(t), w) for t, w in zip(line, COVER_WIDTHS, strict=True))
        sheet.row_dimensions[row].height = LINE_HEIGHT * height
        sheet.append([_wrapped(sheet, label, font=BOLD), _wrapped(sheet, value)])


def _summary(workbook: Workbook, export: RoundExport) -> None:
    columns = summary_columns()
    sheet = _table(workbook, _("Tổng hợp"), columns, export.rows, row_fill=_subtotal_fill)
    letters = {c.key: get_column_letter(n) for n, c in enumerate(columns, start=1)}
    last = 1 + len(export.rows)
    for column in columns:
        if column.below is None:
            continue
        rate, target = letters[column.key], letters[column.below]
        formula = f"AND(ISNUMBER({rate}2),ISNUMBER({target}2),{rate}2<{target}2)"
        sheet.conditional_formatting.add(
            f"{rate}2:{rate}{last}",
            FormulaRule(formula=[formula], fill=BELOW_FILL, font=BELOW_FONT),
        )


def chart_rows(export: RoundExport) -> list[SummaryRow]:
    """The rows the chart shows: the areas of the chosen level (no subtotals, no total)."""
    return [r for r in export.rows if r.kind == export.summary.level]


def _chart(workbook: Workbook, export: RoundExport) -> None:
    adults = Target.Indicator.ADULTS
    rows = chart_rows(export)
    sheet = _sheet(workbook, _("Biểu đồ"))
    for letter, width in zip("ABC", (30, 14, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.append(_header(sheet, [_("Đơn vị"), _("Người từ 15 tuổi đạt"), _("Chỉ tiêu 2025")]))
    for row in rows:
        sheet.append(
            [
                _cell(sheet, row.figures.area.name),
                _cell(sheet, rate_of(target_value(row.figures, adults)), kind="pct"),
                _cell(sheet, target_of(row.figures, adults, 2025), kind="pct"),
            ]
        )
    if not rows:
        return
    last = len(rows) + 1
    bars = BarChart()
    bars.type = "col"
    bars.title = _("Tỷ lệ người từ 15 tuổi đạt danh hiệu theo đơn vị, so với chỉ tiêu 2025")
    bars.y_axis.number_format = "0%"
    bars.y_axis.scaling.min = 0
    bars.y_axis.scaling.max = 1
    bars.add_data(Reference(sheet, min_col=2, min_row=1, max_row=last), titles_from_data=True)
    categories = Reference(sheet, min_col=1, min_row=2, max_row=last)
    bars.set_categories(categories)
    line = LineChart()
    line.add_data(Reference(sheet, min_col=3, min_row=1, max_row=last), titles_from_data=True)
    line.set_categories(categories)
    bars += line
    # Axis and legend text at 11 points, as on the tables: printed at 80 % it stays above
    # 8 points (the chart's default 10 points would print at exactly 8).
    for part in (bars.x_axis, bars.y_axis, bars.legend):
        part.txPr = _chart_text(points=11)
    bars.width = max(16, 1.2 * len(rows))
    bars.height = 9
    sheet.add_chart(bars, "E2")


def _chart_text(*, points: int) -> RichText:
    size = CharacterProperties(sz=points * 100)
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=size), endParaRPr=size)])


def _indicator(workbook: Workbook, export: RoundExport, code: str, *, household: bool) -> None:
    labels = export.household_indicator_labels if household else export.indicator_labels
    prefix = _("Hộ") + " " if household else ""
    sheet_name = f"{prefix}{code}"
    columns = indicator_columns(household=household)
    rows = indicator_rows(export.rows, code, household=household)
    sheet = _sheet(workbook, sheet_name)
    _prepare_table(
        sheet,
        [c.width for c in columns],
        headers=[c.header for c in columns],
        header_row=2,
        key_columns=_key_columns(columns),
    )
    sheet.append([_cell(sheet, f"{code} – {labels.get(code, '')}", font=BOLD)])
    sheet.append(_header(sheet, [c.header for c in columns]))
    for row in rows:
        fill = _subtotal_fill(row)
        sheet.append(
            [
                _cell(sheet, c.get(row), kind=c.kind, font=BOLD if fill else None, fill=fill)
                for c in columns
            ]
        )
    _finish_table(sheet, len(columns), len(rows), header_row=2)


def _breakdowns(workbook: Workbook, export: RoundExport) -> None:
    _table(
        workbook,
        _("Theo nhóm"),
        breakdown_columns(),
        breakdown_rows(export.rows),
        row_fill=_subtotal_fill,
    )


def write_detail(
    workbook: Workbook,
    table: DetailTable,
    *,
    max_rows: int = EXCEL_MAX_ROWS,
    progress: Callable[[int], None] | None = None,
) -> list[str]:
    """Write a detail table over as many sheets as it needs; return their names.

    Rows are appended as plain values (the writer's fast path, no styled cells); only
    text goes through the guard, so numbers cost no function call.
    """
    per_sheet = max_rows - 1  # the header row
    widths = [max(10.0, min(30.0, len(h) + 2.0)) for h in table.headers]
    names: list[str] = []
    sheet = None
    written = 0
    for total, row in enumerate(table.rows, start=1):
        if sheet is None or written == per_sheet:
            if sheet is not None:
                _finish_table(sheet, len(table.headers), written)
            title = table.title if not names else f"{table.title} ({len(names) + 1})"
            sheet = _sheet(workbook, title)
            names.append(sheet.title)
            _prepare_table(sheet, widths, headers=table.headers)
            sheet.append(_header(sheet, table.headers))
            written = 0
        sheet.append([_guarded(sheet, v) if v.__class__ is str else v for v in row])
        written += 1
        if progress and total % 20000 == 0:
            progress(total)
    if sheet is None:  # no rows: one sheet with the header
        sheet = _sheet(workbook, table.title)
        names.append(sheet.title)
        _prepare_table(sheet, widths, headers=table.headers)
        sheet.append(_header(sheet, table.headers))
    _finish_table(sheet, len(table.headers), written)
    if progress:
        progress(table.count)
    return names


__all__ = ["EXCEL_MAX_ROWS", "sheet_title", "write_detail", "write_workbook"]
