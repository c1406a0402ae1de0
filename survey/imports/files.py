"""Read an uploaded file into plain sheets of text, refusing anything unsafe first.

Accepted, by content (never by name):

* an ``.xlsx`` workbook (the paper data-entry template, or a KoboToolbox XLSX
  export), checked by ``criteria.xlsx_safety`` (size, signature, damaged or
  truncated zip, decompression bombs, XML DOCTYPE/ENTITY) and then read with
  python-calamine;
* a ``.zip`` of UTF-8 CSV files (the ODK Central "CSV zip" export), checked the
  same way for size, damage and bombs.

Cells are taken as text (``sheets``); a workbook is read by ``workbooks``, which
finds its formula cells and never evaluates them.
"""

from __future__ import annotations

import csv
import hashlib
import io
import threading
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from criteria import xlsx_safety
from criteria.validation import CriteriaImportError
from survey.imports.problems import ImportRefused, damaged_file, file_problem
from survey.imports.sheets import Sheet, iter_data_rows
from survey.imports.workbooks import cell_text, read_workbook

# Sheet, iter_data_rows and cell_text stay importable from here, where they were.
__all__ = [
    "CSV_ZIP",
    "DEFAULT_LIMITS",
    "MAX_FILE_BYTES",
    "XLSX",
    "Limits",
    "Sheet",
    "Upload",
    "cell_text",
    "iter_data_rows",
    "read_upload",
]

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
    return Upload(XLSX, read_workbook(data), digest, len(data))


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
        raise damaged_file() from exc


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
