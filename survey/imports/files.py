"""Read an uploaded file into plain sheets of text, refusing anything unsafe first.

Accepted, by content (never by name):

* an ``.xlsx`` workbook (the paper data-entry template, or a KoboToolbox XLSX
  export), checked by ``criteria.xlsx_safety`` (size, signature, damaged or
  truncated zip, decompression bombs, XML DOCTYPE/ENTITY) and then read with
  python-calamine;
* a ``.zip`` of UTF-8 CSV files (the ODK Central "CSV zip" export), checked the
  same way for size, damage and bombs.

Cells are taken as text. python-calamine never evaluates a formula (it returns
the value cached in the file); the formula cells themselves are found in the
sheet XML and reported with their text, so a formula is never taken for data.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import threading
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from defusedxml import ElementTree
from openpyxl.utils import get_column_letter
from python_calamine import CalamineError, CalamineWorkbook

from criteria import xlsx_safety
from criteria.validation import CriteriaImportError
from survey.imports.problems import ImportRefused, file_problem

XLSX = "xlsx"
CSV_ZIP = "csv-zip"
MAX_FILE_BYTES = xlsx_safety.MAX_FILE_BYTES
MB = 1024 * 1024
_LIMITS_LOCK = threading.Lock()


@dataclass(frozen=True)
class Limits:
    """How large a file (and its unpacked parts) may be; the defaults are the shared ones.

    Uploads on the web always get the defaults of ``criteria.xlsx_safety`` (10 MB, 100 MB
    unpacked: about 75,000 members). ``manage.py import_responses --max-mb`` raises them
    for a large file on the server; everything else is checked the same way.
    """

    file_bytes: int = xlsx_safety.MAX_FILE_BYTES
    unpacked_bytes: int = xlsx_safety.MAX_UNCOMPRESSED_BYTES

    @classmethod
    def megabytes(cls, size: int) -> Limits:
        scale = xlsx_safety.MAX_UNCOMPRESSED_BYTES / xlsx_safety.MAX_FILE_BYTES
        return cls(size * MB, max(xlsx_safety.MAX_UNCOMPRESSED_BYTES, int(size * MB * scale * 2)))


DEFAULT_LIMITS = Limits()


@contextmanager
def _shared_checks_with(limits: Limits) -> Iterator[None]:
    """Run ``criteria.xlsx_safety``'s checks under raised limits (the command line only).

    ``check_archive`` reads its limits from module constants; a caller that raised the
    limits (one command, one thread) sets them for the duration of the check. Web
    requests never raise them, so they never reach this branch.
    """
    if limits == DEFAULT_LIMITS:
        yield
        return
    with _LIMITS_LOCK:
        saved = xlsx_safety.MAX_UNCOMPRESSED_BYTES
        xlsx_safety.MAX_UNCOMPRESSED_BYTES = limits.unpacked_bytes
        try:
            yield
        finally:
            xlsx_safety.MAX_UNCOMPRESSED_BYTES = saved


# A formula tag in sheet XML, with or without a namespace prefix: <f>, <f t="shared" .../>.
FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
FORMULA_TEXT = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?f\b[^>]*?(?:/>|>(.*?)</(?:[A-Za-z_][\w.-]*:)?f>)", re.S
)
CELL_REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]+)"')
RELS_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


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


@dataclass
class Upload:
    kind: str  # XLSX or CSV_ZIP
    sheets: list[Sheet]
    sha256: str
    size: int

    def sheet(self, name: str) -> Sheet | None:
        return next((s for s in self.sheets if s.name == name), None)


def read_upload(*, data: bytes, filename: str = "", limits: Limits = DEFAULT_LIMITS) -> Upload:
    """Check and read an upload; raise ImportRefused with a clear message when it is unsafe."""
    if len(data) > limits.file_bytes:
        raise ImportRefused(
            [
                file_problem(
                    f"Tệp quá lớn ({len(data) / MB:.1f} MB); tối đa {limits.file_bytes // MB} MB",
                    f"The file is too large ({len(data) / MB:.1f} MB); the limit is "
                    f"{limits.file_bytes // MB} MB",
                )
            ]
        )
    digest = hashlib.sha256(data).hexdigest()
    if data.startswith(xlsx_safety.ZIP_MAGIC) and not _is_workbook_zip(data):
        return Upload(CSV_ZIP, _read_csv_zip(data, limits), digest, len(data))
    binary = data.startswith((xlsx_safety.ZIP_MAGIC, xlsx_safety.OLE_MAGIC))
    if data and not binary and _looks_like_csv(data):
        raise ImportRefused(
            [
                file_problem(
                    "Tệp CSV đơn lẻ không đủ để nhập: hãy tải lên tệp .zip mà ODK Central "
                    "xuất ra (gồm tệp hộ và tệp thành viên), hoặc tệp Excel (.xlsx)",
                    "A single CSV file is not enough to import: upload the .zip that ODK "
                    "Central exports (it holds the households file and the members file), "
                    "or an Excel workbook (.xlsx)",
                )
            ]
        )
    try:
        with _shared_checks_with(limits):
            xlsx_safety.check_archive(data=data, filename=filename)
    except CriteriaImportError as exc:
        raise ImportRefused(exc.problems) from exc
    return Upload(XLSX, _read_workbook(data), digest, len(data))


def _is_workbook_zip(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError):
        return True  # let the workbook checks explain the damage
    return "xl/workbook.xml" in names or "[Content_Types].xml" in names


def _looks_like_csv(data: bytes) -> bool:
    """Tell a text table (a lone CSV export) from other text, such as XML or HTML."""
    sample = data[:4096]
    if b"\x00" in sample:
        return False
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start <= len(sample) - 4:  # not a character cut at the end of the sample
            return False
        text = sample[: exc.start].decode("utf-8")
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    return "<" not in first and any(sep in first for sep in (",", ";", "\t"))


def _damaged() -> ImportRefused:
    return ImportRefused(
        [
            file_problem(
                "Tệp bị hỏng hoặc không đầy đủ (có thể việc tải lên bị gián đoạn); hãy lưu lại "
                "và tải lên lần nữa",
                "The file is damaged or incomplete (the upload may have been cut off); save it "
                "again and upload it once more",
            )
        ]
    )


# Workbooks ------------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """Return a cell as text: whole numbers without ".0", dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _read_workbook(data: bytes) -> list[Sheet]:
    formulas = _formula_cells(data)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for name in workbook.sheet_names:
            raw = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            rows = [[v if type(v) is str else cell_text(v) for v in row] for row in raw]
            sheets.append(Sheet(name, rows, True, formulas.get(name, {})))
        workbook.close()
    except (CalamineError, ValueError, OSError, UnicodeDecodeError) as exc:
        raise _damaged() from exc  # python-calamine's errors are CalamineErrors
    return sheets


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Return sheet name -> worksheet part name, from the workbook and its relationships."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    try:
        relationships = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except KeyError:
        return {}
    targets = {}
    for rel in relationships:
        target = rel.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        targets[rel.get("Id")] = part
    parts = {}
    for element in workbook.iter():
        if element.tag.endswith("}sheet") or element.tag == "sheet":
            rel_id = element.get(f"{RELS_NS}id")
            if rel_id in targets:
                parts[element.get("name", "")] = targets[rel_id]
    return parts


def _formula_cells(data: bytes) -> dict[str, dict[tuple[int, int], str]]:
    """Return the formula cells of each sheet: (row, 0-based column) -> "=formula"."""
    found: dict[str, dict[tuple[int, int], str]] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name, part in _sheet_parts(archive).items():
                try:
                    xml = archive.read(part)
                except KeyError:
                    continue
                if (b"<f" not in xml and b":f" not in xml) or not FORMULA_TAG.search(xml):
                    continue  # the plain search is fast; the pattern confirms a formula tag
                cells = {}
                for tag in FORMULA_TAG.finditer(xml):
                    # The cell that holds this formula opens just before it: <c r="B5" ...>.
                    before = tag.start()
                    opening = max(xml.rfind(b"<c ", 0, before), xml.rfind(b":c ", 0, before))
                    ref = CELL_REF.search(xml, opening, xml.find(b">", opening))
                    formula = FORMULA_TEXT.match(xml, tag.start())
                    if opening < 0 or ref is None or formula is None:
                        continue
                    row = int(ref.group(2))
                    column = _column_index(ref.group(1).decode())
                    text = _xml_text(formula.group(1) or b"")
                    cells[(row, column)] = f"={text}" if text else "=…"
                found[name] = cells
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        raise _damaged() from exc
    except ElementTree.ParseError as exc:
        raise _damaged() from exc
    return found


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _xml_text(raw: bytes) -> str:
    text = raw.decode("utf-8", errors="replace")
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'")):
        text = text.replace(entity, char)
    return text.replace("&amp;", "&")


# ODK Central CSV zips --------------------------------------------------------------------


def _read_csv_zip(data: bytes, limits: Limits) -> list[Sheet]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            _check_zip_parts(parts, limits)
            csv_parts = [p for p in parts if p.filename.lower().endswith(".csv")]
            if not csv_parts:
                raise ImportRefused(
                    [
                        file_problem(
                            "Tệp nén không có tệp CSV nào; hãy tải lên tệp .zip mà ODK Central "
                            "xuất ra, hoặc tệp Excel (.xlsx)",
                            "The zip holds no CSV file; upload the .zip that ODK Central "
                            "exports, or an Excel workbook (.xlsx)",
                        )
                    ]
                )
            return [_read_csv(p.filename, archive.read(p)) for p in csv_parts]
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        raise _damaged() from exc


def _check_zip_parts(parts: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(parts) > xlsx_safety.MAX_PARTS:
        raise ImportRefused(
            [
                file_problem(
                    f"Tệp bị từ chối: có quá nhiều thành phần bên trong ({len(parts)})",
                    f"File refused: it holds too many parts ({len(parts)})",
                )
            ]
        )
    total = 0
    for part in parts:
        total += part.file_size
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > xlsx_safety.RATIO_FLOOR and ratio > xlsx_safety.MAX_RATIO:
            raise ImportRefused(
                [
                    file_problem(
                        f"Tệp bị từ chối: phần “{part.filename}” giải nén ra "
                        f"{part.file_size / 1024 / 1024:.1f} MB từ {part.compress_size // 1024} "
                        f"KB (gấp {ratio:.0f} lần), dấu hiệu của “bom nén”",
                        f"File refused: part “{part.filename}” unpacks to "
                        f"{part.file_size / 1024 / 1024:.1f} MB from "
                        f"{part.compress_size // 1024} KB ({ratio:.0f} times), the mark of a "
                        "decompression bomb",
                    )
                ]
            )
    if total > limits.unpacked_bytes:
        limit = limits.unpacked_bytes // MB
        raise ImportRefused(
            [
                file_problem(
                    f"Tệp bị từ chối: giải nén ra tổng cộng {total / 1024 / 1024:.1f} MB, vượt "
                    f"giới hạn {limit} MB",
                    f"File refused: it unpacks to {total / 1024 / 1024:.1f} MB in all, above "
                    f"the limit of {limit} MB",
                )
            ]
        )


def _read_csv(name: str, raw: bytes) -> Sheet:
    if b"\x00" in raw:
        raise _not_text(name)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _not_text(name) from exc
    try:
        rows = [list(row) for row in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:
        raise ImportRefused(
            [
                file_problem(
                    f"Tệp “{name}” không đọc được như CSV ({exc})",
                    f"“{name}” cannot be read as CSV ({exc})",
                )
            ]
        ) from exc
    return Sheet(name.rsplit("/", 1)[-1], rows, letters=False)


def _not_text(name: str) -> ImportRefused:
    return ImportRefused(
        [
            file_problem(
                f"Tệp “{name}” không phải là tệp CSV dạng văn bản UTF-8",
                f"“{name}” is not a UTF-8 text CSV file",
            )
        ]
    )


def iter_data_rows(sheet: Sheet) -> Iterator[tuple[int, list[str]]]:
    """Yield (row number, cells) for each non-empty row below the header."""
    for number, row in enumerate(sheet.rows[1:], start=2):
        filled = any(cell.strip() for cell in row if cell)
        if filled or (
            sheet.formulas and any((number, i) in sheet.formulas for i in range(len(row)))
        ):
            yield number, row
