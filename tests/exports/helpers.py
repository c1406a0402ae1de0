"""Read exported files back with python-calamine, an independent reader."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from python_calamine import CalamineWorkbook


def read_sheets(source: Path | bytes) -> dict[str, list[list]]:
    """Every sheet's rows (calamine pads short rows with "")."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {name: workbook.get_sheet_by_name(name).to_python() for name in workbook.sheet_names}


def formula_cells(source: Path | bytes) -> list[str]:
    """Names of the sheet parts that hold a formula (<f> element)."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [
            name
            for name in archive.namelist()
            if name.startswith("xl/worksheets/") and b"<f>" in archive.read(name)
        ]


def rows_by_name(rows: list[list], *, name_col: int = 2) -> dict[str, list]:
    return {row[name_col]: row for row in rows[1:]}
