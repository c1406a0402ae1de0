"""Make exports: write the file and record it in the audit trail.

``export_round`` is the one path of the web (through a queued ``ExportJob``) and of
``manage.py export_round``, so both give the same cells. A file is written under a
temporary name and renamed when complete: a failed export never leaves half a file.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable
from pathlib import Path

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import record_event
from exports.content import RoundExport, gather_round_export
from exports.csv_export import write_csv
from exports.options import ExportError, ExportOptions
from exports.workbook import EXCEL_MAX_ROWS, write_workbook
from survey.models import Round

logger = logging.getLogger(__name__)
FORMATS = ("xlsx", "csv")


def export_round(
    *,
    round_: Round,
    options: ExportOptions,
    user: User | AnonymousUser | None,
    target: Path,
    file_format: str = "xlsx",
    max_rows: int = EXCEL_MAX_ROWS,
    progress: Callable[[int], None] | None = None,
) -> RoundExport:
    """Write the round's export to ``target`` and record it; raise ExportError if refused."""
    if file_format not in FORMATS:
        raise ExportError(_("Định dạng tệp không hợp lệ."))
    export = gather_round_export(round_=round_, options=options, user=user, progress=progress)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{uuid.uuid4().hex}.part")
    try:
        if file_format == "xlsx":
            write_workbook(export=export, target=partial, max_rows=max_rows, progress=progress)
        else:
            write_csv(export=export, target=partial, progress=progress)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    _audit(round_=round_, options=options, user=user, export=export, file_format=file_format)
    return export


def _audit(
    *,
    round_: Round,
    options: ExportOptions,
    user: User | AnonymousUser | None,
    export: RoundExport,
    file_format: str,
) -> None:
    details = {
        "format": file_format,
        "filters": options.to_json(),
        "statuses": list(options.statuses),
        "areas": len(export.rows),
        "detail_rows": {t.key: t.count for t in export.details},
    }
    with transaction.atomic():
        record_event(
            action=Action.EXPORT,
            user=user,
            summary=f"Xuất số liệu đợt {round_.code} ({file_format})",
            round_code=round_.code,
            object_type="round",
            object_id=round_.code,
            details=details,
        )
        if options.detail:
            record_event(
                action=Action.VIEW_PERSONAL,
                user=user,
                summary=f"Xuất danh sách hộ và thành viên đợt {round_.code}",
                round_code=round_.code,
                object_type="round",
                object_id=round_.code,
                details=details,
            )
