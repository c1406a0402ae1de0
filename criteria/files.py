"""Read and write criteria files: the content decides the format; a file named .xlsx must be one."""

from __future__ import annotations

import io
from typing import BinaryIO

from criteria.spec import CriteriaSpec
from criteria.validation import CriteriaImportError, Problem
from criteria.workbook import read_workbook, write_workbook
from criteria.xlsform import write_xlsform
from criteria.xlsx_safety import OLE_MAGIC
from criteria.yaml_io import read_yaml, write_yaml

MAX_BYTES = 10 * 1024 * 1024
ZIP_MAGIC = b"PK\x03\x04"
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
FORMATS = ("xlsx", "yaml", "xlsform")


def read_criteria_file(*, data: bytes, filename: str = "") -> CriteriaSpec:
    """Parse a criteria workbook or YAML file; raise CriteriaImportError listing every problem."""
    if len(data) > MAX_BYTES:
        raise CriteriaImportError(
            [
                Problem(
                    None,
                    None,
                    None,
                    f"Tệp quá lớn ({len(data) // 1024 // 1024} MB); tối đa 10 MB.",
                    f"The file is too large ({len(data) // 1024 // 1024} MB); at most 10 MB.",
                )
            ]
        )
    # A file that looks or is named like a workbook is refused as one (an old .xls, an
    # HTML page named .xlsx), not misread as YAML.
    if data.startswith((ZIP_MAGIC, OLE_MAGIC)) or filename.lower().endswith(EXCEL_SUFFIXES):
        return read_workbook(io.BytesIO(data), filename=filename)
    return read_yaml(io.BytesIO(data), filename=filename)


def write_criteria_file(*, specs: list[CriteriaSpec], file_format: str, target: BinaryIO) -> None:
    """Write one set as xlsx or yaml, or one or more sets as a plain XLSForm."""
    if file_format == "xlsform":
        write_xlsform(specs, target)
    elif file_format == "xlsx":
        write_workbook(specs[0], target)
    elif file_format == "yaml":
        write_yaml(specs[0], target)
    else:
        raise ValueError(f"unknown format {file_format!r}")
