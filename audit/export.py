"""The audit trail as CSV for spreadsheets: UTF-8 with BOM, formula-looking cells defused."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from django.utils import timezone

from audit.models import AuditEntry

# A cell starting with one of these is read as a formula by Excel/LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER = (
    "thoi_gian",
    "nguoi_dung",
    "hanh_dong",
    "don_vi",
    "dot",
    "doi_tuong",
    "ma_doi_tuong",
    "tom_tat",
    "chi_tiet",
    "request_id",
)


def safe_cell(value: object) -> str:
    """Return ``value`` as text that a spreadsheet shows and never evaluates."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def entries_csv(*, entries: Iterable[AuditEntry]) -> bytes:
    """Write the entries as CSV bytes (UTF-8 with BOM, so Excel reads the diacritics)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for entry in entries:
        writer.writerow(
            safe_cell(value)
            for value in (
                timezone.localtime(entry.at).isoformat(timespec="seconds"),
                entry.username,
                entry.action,
                entry.unit_id or "",
                entry.round_code,
                entry.object_type,
                entry.object_id,
                entry.summary,
                json.dumps(entry.details, ensure_ascii=False, sort_keys=True),
                entry.request_id,
            )
        )
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")
