"""Read an ``.xlsx`` workbook (already checked safe) into sheets of text, formulas found.

python-calamine never evaluates a formula (it returns the value cached in the file);
the formula cells themselves are found in the sheet XML and kept with their text, so
a formula is never taken for data.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from datetime import date, datetime
from typing import Any

from defusedxml import ElementTree
from python_calamine import CalamineError, CalamineWorkbook

from survey.imports.problems import damaged_file
from survey.imports.sheets import Sheet

# A formula tag in sheet XML, with or without a namespace prefix: <f>, <f t="shared" .../>.
FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
FORMULA_TEXT = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?f\b[^>]*?(?:/>|>(.*?)</(?:[A-Za-z_][\w.-]*:)?f>)", re.S
)
CELL_REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]+)"')
RELS_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


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


def read_workbook(data: bytes) -> list[Sheet]:
    """Return every sheet of the workbook as text, with its formula cells."""
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
        raise damaged_file() from exc  # python-calamine's errors are CalamineErrors
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
        raise damaged_file() from exc
    except ElementTree.ParseError as exc:
        raise damaged_file() from exc
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
