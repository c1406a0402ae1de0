"""The one service that imports a file into a round.

``write_import`` reads and checks the whole file first (``reading``: pure,
nothing written, no lock held), then, in one transaction, finds the households that
already exist (``existing``), creates the new ones (``writer``), corrects the existing
ones through the web form's correction path, and has them scored by the caller's
``score_written`` (``flows.imports.import_responses`` passes scoring's).
Any problem anywhere raises ``ImportRefused`` listing every problem; nothing is
written then. Each import (accepted or refused) is logged with the file's name,
SHA-256 and row counts. The round's blank template is ``entry_template``'s; its
entry points are importable from here too.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.contrib.auth.models import User
from django.db import transaction

from audit.models import Action
from audit.services import record_event
from survey.imports.entry_template import build_entry_template, template_units
from survey.imports.existing import plan_households
from survey.imports.files import DEFAULT_LIMITS, Limits, read_upload
from survey.imports.problems import ImportRefused, Problem, file_problem, in_reading_order
from survey.imports.reading import PAPER, SOURCES, build_context, check_upload, detect_source
from survey.imports.submissions import KOBO, ODK
from survey.imports.writer import Written, create_responses
from survey.models import HouseholdResponse, Round, UnitLock
from survey.services import Submission, SurveyError, save_submission, start_draft

# Importers call these through this module; they live where their work is.
__all__ = [
    "KOBO",
    "ODK",
    "PAPER",
    "SOURCES",
    "ImportReport",
    "build_context",
    "build_entry_template",
    "detect_source",
    "template_units",
    "write_import",
]

log = logging.getLogger("survey.imports")


class ScoreWritten(Protocol):
    """Score what an import wrote, in its transaction (``flows.imports`` passes scoring's)."""

    def __call__(
        self, *, round_: Round, created: Written, corrected: Sequence[HouseholdResponse]
    ) -> None: ...


@dataclass
class ImportReport:
    filename: str
    sha256: str
    source: str
    households: int = 0  # rows read
    members: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    warnings: list[Problem] = field(default_factory=list)
    written: bool = False  # False for a check without writing
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase

    def lap(self, phase: str, since: float) -> float:
        now = time.perf_counter()
        self.timings[phase] = self.timings.get(phase, 0.0) + now - since
        return now


# Import -------------------------------------------------------------------------------


def write_import(
    *,
    round_: Round,
    user: User,
    data: bytes,
    filename: str = "",
    source: str | None = None,
    update: bool = False,
    check_only: bool = False,
    limits: Limits = DEFAULT_LIMITS,
    max_members: int | None = None,
    score_written: ScoreWritten,
) -> ImportReport:
    """Import a paper workbook, a Kobo XLSX export or an ODK Central CSV zip into ``round_``.

    All or nothing: raise ImportRefused with every problem (sheet, row, column,
    message) and write nothing, or write every household and return the counts.
    Households already in the round (same instance UUID, or same commune, village,
    head and address) are problems unless ``update``, which corrects them through
    the web form's correction path (history recorded); unchanged ones are skipped.
    """
    started = time.perf_counter()
    report = ImportReport(filename=filename, sha256="", source=source or "")
    with _without_cyclic_gc():
        return _import(
            round_=round_,
            user=user,
            data=data,
            filename=filename,
            source=source,
            update=update,
            check_only=check_only,
            limits=limits,
            max_members=max_members,
            report=report,
            started=started,
            score_written=score_written,
        )


@contextmanager
def _without_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector: a large file is millions of cells held in lists,
    which every collection would walk again (reference counting still frees what goes)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _import(
    *,
    round_: Round,
    user: User,
    data: bytes,
    filename: str,
    source: str | None,
    update: bool,
    check_only: bool,
    limits: Limits,
    max_members: int | None,
    report: ImportReport,
    started: float,
    score_written: ScoreWritten,
) -> ImportReport:
    try:
        if round_.status != Round.Status.OPEN:
            raise ImportRefused(
                [
                    file_problem(
                        f"Đợt khảo sát “{round_.name}” không mở để nhập số liệu",
                        f"Round “{round_.name}” is not open for data entry",
                    )
                ]
            )
        upload = read_upload(data=data, filename=filename, limits=limits)
        report.sha256 = upload.sha256
        report.source = source = source or detect_source(upload)
        lap = report.lap("read", started)
        context = build_context(round_=round_, user=user)
        checked, order = check_upload(
            upload=upload, context=context, source=source, max_members=max_members
        )
        lap = report.lap("check", lap)
        report.households = checked.rows
        report.members = checked.members
        report.warnings = checked.warnings
        if checked.problems:
            raise ImportRefused(in_reading_order(checked.problems, order))
        with transaction.atomic():
            new, corrections, unchanged, problems = plan_households(
                round_=round_, parsed=checked.households, update=update
            )
            lap = report.lap("existing", lap)
            if problems:
                raise ImportRefused(in_reading_order(problems, order))
            _refuse_locked(round_=round_, new=new, corrections=corrections)
            report.unchanged = unchanged
            report.created, report.updated = len(new), len(corrections)
            if not check_only:
                try:
                    _write(
                        round_=round_,
                        user=user,
                        new=new,
                        corrections=corrections,
                        report=report,
                        score_written=score_written,
                    )
                except SurveyError as exc:
                    raise ImportRefused([file_problem(str(exc), str(exc))]) from exc
                report.written = True
                record_event(
                    action=Action.IMPORT,
                    user=user,
                    summary=f"{round_.code}: {filename}"[:300],
                    round_code=round_.code,
                    object_type="import",
                    object_id=report.sha256[:64],
                    details={
                        "filename": filename,
                        "sha256": report.sha256,
                        "source": report.source,
                        "rows": report.households,
                        "members": report.members,
                        "created": report.created,
                        "updated": report.updated,
                        "unchanged": report.unchanged,
                    },
                )
    except ImportRefused as exc:
        report.seconds = time.perf_counter() - started
        log.warning(
            "import refused: round=%s user=%s file=%r sha256=%s source=%s households=%d "
            "members=%d problems=%d seconds=%.2f",
            round_.code,
            user.username,
            filename,
            report.sha256 or "-",
            report.source or "-",
            report.households,
            report.members,
            len(exc.problems),
            report.seconds,
        )
        raise
    report.seconds = time.perf_counter() - started
    log.info(
        "import %s: round=%s user=%s file=%r sha256=%s source=%s households=%d members=%d "
        "created=%d updated=%d unchanged=%d seconds=%.2f",
        "done" if report.written else "checked",
        round_.code,
        user.username,
        filename,
        report.sha256,
        report.source,
        report.households,
        report.members,
        report.created,
        report.updated,
        report.unchanged,
        report.seconds,
    )
    return report


def _refuse_locked(
    *,
    round_: Round,
    new: Sequence[tuple[Submission, Any]],
    corrections: Sequence[tuple[HouseholdResponse, Submission]],
) -> None:
    """Refuse the whole file if any of its households is in a commune locked for the round."""
    touched = {submission.unit for submission, _row in new}
    for response, submission in corrections:
        touched |= {response.unit_id, submission.unit}
    locked = sorted(
        UnitLock.objects.filter(round=round_, unit_id__in=touched).values_list(
            "unit__name", flat=True
        )
    )
    if locked:
        names = ", ".join(locked)
        raise ImportRefused(
            [
                file_problem(
                    f"Số liệu của {names} trong đợt “{round_.name}” đã được phê duyệt và khoá; "
                    "tệp không được nhập. Cán bộ tỉnh có thể mở khoá (kèm lý do) nếu cần sửa.",
                    f"The data of {names} in round “{round_.name}” is approved and locked; "
                    "the file was not imported. Provincial staff can unlock it (with a reason).",
                )
            ]
        )


def _write(
    *,
    round_: Round,
    user: User,
    new: Sequence[tuple[Submission, Any]],
    corrections: Sequence[tuple[HouseholdResponse, Submission]],
    report: ImportReport,
    score_written: ScoreWritten,
) -> None:
    """Write the new households (in bulk) and the corrections, then score them, in the
    caller's transaction. A correction goes through the web form's own path: a draft of
    the response, then ``save_submission``, which records the history."""
    lap = time.perf_counter()
    created = create_responses(round_=round_, user=user, submissions=new)
    lap = report.lap("create", lap)
    corrected = []
    for response, submission in corrections:
        draft = start_draft(user=user, round_=round_, response=response)
        saved = save_submission(draft_id=draft.pk, user=user, submission=submission)
        corrected.append(saved.response)
    lap = report.lap("correct", lap)
    score_written(round_=round_, created=created, corrected=corrected)
    report.lap("score", lap)
