"""Refuse a file that is not a safe .xlsx before any XML parser sees it.

openpyxl parses through defusedxml when it is installed (it is a dependency), and
these checks come first: a size limit read without trusting the stream, the file
signature (not the name), the zip directory (damaged or truncated uploads, zips
that are not workbooks), each part's unpacked size and compression ratio
(decompression bombs) and any XML DOCTYPE/ENTITY declaration (entity expansion).
Each refusal is a CriteriaImportError with one whole-file Problem in both languages.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO

from criteria.validation import CriteriaImportError, Problem

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_PARTS = 1000
# Real xlsx parts compress 5-20 times; a bomb compresses thousands of times.
MAX_RATIO = 100
RATIO_FLOOR = 1024 * 1024  # small parts (styles, empty sheets) may compress as well as they like
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and password-protected .xlsx
XML_DECLARATIONS = tuple(
    word.encode(encoding)
    for word in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("ascii", "utf-16-le", "utf-16-be")
)


def file_problem(vi: str, en: str) -> CriteriaImportError:
    """Return the error for a problem with the whole file (no sheet, row or column)."""
    return CriteriaImportError([Problem(None, None, None, vi, en)])


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}"


def read_limited(source: str | Path | BinaryIO) -> bytes:
    """Return the file's bytes, refusing anything over MAX_FILE_BYTES before reading it all."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _too_large(size)
        return path.read_bytes()
    data = source.read(MAX_FILE_BYTES + 1)  # never more than the limit, whatever the stream
    if len(data) > MAX_FILE_BYTES:
        raise _too_large(None)
    return data


def _too_large(size: int | None) -> CriteriaImportError:
    """Refuse a file over the limit; ``size`` is unknown for a stream (only that it is over)."""
    vi = f"{_megabytes(size)} MB" if size is not None else "trên 10 MB"
    en = f"{_megabytes(size)} MB" if size is not None else "over 10 MB"
    return file_problem(
        f"Tệp quá lớn ({vi}); tối đa 10 MB",
        f"The file is too large ({en}); the limit is 10 MB",
    )


def check_archive(*, data: bytes, filename: str = "") -> None:
    """Refuse what is not a safe xlsx: raise CriteriaImportError saying why."""
    if not data:
        raise file_problem("Tệp rỗng", "The file is empty")
    if data.startswith(OLE_MAGIC):
        raise file_problem(
            "Đây là tệp Excel cũ (.xls) hoặc tệp có đặt mật khẩu; hãy mở bằng Excel và lưu lại "
            "dạng “Sổ làm việc Excel (.xlsx)” không mật khẩu",
            "This is an old Excel file (.xls) or a password-protected one; open it in Excel and "
            "save it as an “Excel Workbook (.xlsx)” without a password",
        )
    if not data.startswith(ZIP_MAGIC):
        named_vi = f" dù có tên “{filename}”" if filename else ""
        named_en = f", although it is named “{filename}”" if filename else ""
        raise file_problem(
            f"Tệp không phải là bảng tính Excel (.xlsx){named_vi}",
            f"The file is not an Excel workbook (.xlsx){named_en}",
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_parts(archive)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        raise _damaged() from exc


def _damaged() -> CriteriaImportError:
    return file_problem(
        "Tệp Excel bị hỏng hoặc không đầy đủ (có thể việc tải lên bị gián đoạn); hãy lưu lại "
        "và tải lên lần nữa",
        "The Excel file is damaged or incomplete (the upload may have been cut off); save it "
        "again and upload it once more",
    )


def _check_parts(archive: zipfile.ZipFile) -> None:
    parts = archive.infolist()
    if len(parts) > MAX_PARTS:
        raise file_problem(
            f"Tệp bị từ chối: có quá nhiều thành phần bên trong ({len(parts)})",
            f"File refused: it holds too many parts ({len(parts)})",
        )
    names = {p.filename for p in parts}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise file_problem(
            "Tệp nén này không phải là bảng tính Excel (.xlsx)",
            "This zip archive is not an Excel workbook (.xlsx)",
        )
    total = 0
    for part in parts:
        total += part.file_size
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise file_problem(
                f"Tệp bị từ chối: phần “{part.filename}” giải nén ra "
                f"{_megabytes(part.file_size)} MB từ {part.compress_size // 1024} KB (gấp "
                f"{ratio:.0f} lần), dấu hiệu của “bom nén”",
                f"File refused: part “{part.filename}” unpacks to "
                f"{_megabytes(part.file_size)} MB from {part.compress_size // 1024} KB "
                f"({ratio:.0f} times), the mark of a decompression bomb",
            )
    if total > MAX_UNCOMPRESSED_BYTES:
        raise file_problem(
            f"Tệp bị từ chối: giải nén ra tổng cộng {_megabytes(total)} MB, vượt giới hạn "
            f"{MAX_UNCOMPRESSED_BYTES // 1024 // 1024} MB",
            f"File refused: it unpacks to {_megabytes(total)} MB in all, above the limit of "
            f"{MAX_UNCOMPRESSED_BYTES // 1024 // 1024} MB",
        )
    for part in parts:
        if part.filename.lower().endswith((".xml", ".rels", ".vml")) and _declares_entities(
            archive, part
        ):
            raise file_problem(
                f"Tệp bị từ chối: phần “{part.filename}” có khai báo DOCTYPE/ENTITY của XML "
                "(kiểu tấn công mở rộng thực thể XML); bảng tính Excel thật không có khai báo "
                "này",
                f"File refused: part “{part.filename}” has an XML DOCTYPE/ENTITY declaration "
                "(an entity-expansion attack); real Excel workbooks have none",
            )


def _declares_entities(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> bool:
    """Scan a part for DOCTYPE/ENTITY in 8- and 16-bit encodings, chunk by chunk."""
    overlap = max(len(word) for word in XML_DECLARATIONS)
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(1024 * 1024):
            window = (tail + chunk).upper()
            if any(word in window for word in XML_DECLARATIONS):
                return True
            tail = window[-overlap:]
    return False
