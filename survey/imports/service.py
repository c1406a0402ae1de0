"""The one service that imports a file into a round, and the one that makes its template.

``import_responses`` reads and checks the whole file first (pure, nothing
written, no lock held), then, in one transaction, finds the households that
already exist, creates the new ones (``writer``), scores them (``scores``) and
corrects the existing ones through the web form's correction path. Any problem
anywhere raises ``ImportRefused`` listing every problem; nothing is written then.
Each import (accepted or refused) is logged with the file's name, SHA-256 and row
counts.
"""

from __future__ import annotations

import gc
import io
import logging
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from audit.models import Action
from audit.services import record_event
from criteria.selectors import spec_of
from survey.imports.checks import (
    Checked,
    ImportContext,
    ParsedHousehold,
    UnitDirectory,
    UnitInfo,
    check_households,
)
from survey.imports.files import CSV_ZIP, DEFAULT_LIMITS, Limits, Upload, read_upload
from survey.imports.paper import is_paper_workbook, read_paper
from survey.imports.problems import ImportRefused, Problem, file_problem, in_reading_order
from survey.imports.scores import score_corrected, score_created
from survey.imports.submissions import KOBO, ODK, read_submissions
from survey.imports.template import TemplateRound, TemplateUnit, write_entry_template
from survey.imports.writer import create_responses
from survey.models import HouseholdResponse, ResponseStatus, Round, UnitLock
from survey.selectors import entry_units
from survey.services import (
    MEMBER_FIELDS,
    Submission,
    SurveyError,
    save_submission,
    start_draft,
)
from units.models import AdminUnit, UnitLevel
from units.selectors import find_units_by_name
from units.text import name_key

PAPER = "paper"
PROFILE_DEFAULTS = ("ethnicity", "education", "relationship")
SOURCES = (PAPER, KOBO, ODK)
log = logging.getLogger("survey.imports")


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


# Context ------------------------------------------------------------------------------


def build_context(*, round_: Round, user: User) -> ImportContext:
    """Gather what checking a file needs: the round's versions, units and the user's scope."""
    round_units = [
        UnitInfo(u.key, u.code, u.name)
        for u in AdminUnit.objects.filter(
            key__in=round_.round_units.values_list("unit_id", flat=True)
        )
    ]
    cache: dict[tuple[str, bool], list[UnitInfo]] = {}

    def find_by_name(name: str, accents: bool) -> list[UnitInfo]:
        key = (name, accents)
        if key not in cache:
            cache[key] = [
                UnitInfo(u.key, u.code, u.name)
                for u in find_units_by_name(
                    name=name, day=round_.starts_on, level=UnitLevel.COMMUNE, accents=accents
                )
            ]
        return cache[key]

    return ImportContext(
        round_code=round_.code,
        period=(round_.starts_on, round_.ends_on),
        citizen=spec_of(criteria_set=round_.citizen_set),
        household=spec_of(criteria_set=round_.household_set) if round_.household_set else None,
        units=UnitDirectory(
            round_units=round_units,
            allowed={u.key for u in entry_units(user=user, round_=round_)},
            find_by_name=find_by_name,
        ),
        reviewer=user.has_perm("accounts.review_survey_data"),
        zone=settings.TIME_ZONE,
    )


def detect_source(upload: Upload) -> str:
    if upload.kind == CSV_ZIP:
        return ODK
    return PAPER if is_paper_workbook(upload) else KOBO


# Import -------------------------------------------------------------------------------


def import_responses(
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
        checked, order = _check(
            upload=upload, context=context, source=source, max_members=max_members
        )
        lap = report.lap("check", lap)
        report.households = checked.rows
        report.members = checked.members
        report.warnings = checked.warnings
        if checked.problems:
            raise ImportRefused(in_reading_order(checked.problems, order))
        with transaction.atomic():
            new, corrections, unchanged, problems = _plan(
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
                        round_=round_, user=user, new=new, corrections=corrections, report=report
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
) -> None:
    """Write the new households (in bulk, then scored) and the corrections, in the caller's
    transaction. A correction goes through the web form's own path: a draft of the
    response, then ``submit_draft``, which records the history and rescores it."""
    lap = time.perf_counter()
    created = create_responses(round_=round_, user=user, submissions=new)
    lap = report.lap("create", lap)
    score_created(round_=round_, created=created)
    lap = report.lap("score", lap)
    for response, submission in corrections:
        draft = start_draft(user=user, round_=round_, response=response)
        saved = save_submission(draft_id=draft.pk, user=user, submission=submission)
        score_corrected(response=saved.response)
    report.lap("correct", lap)


def _check(
    *, upload: Upload, context: ImportContext, source: str, max_members: int | None = None
) -> tuple[Checked, list[str]]:
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}")
    if source == PAPER:
        if upload.kind == CSV_ZIP:
            raise ImportRefused(
                [
                    file_problem(
                        "Tệp .zip CSV là tệp xuất của ODK Central, không phải mẫu nhập liệu "
                        "giấy (.xlsx)",
                        "A CSV zip is an ODK Central export, not the paper data-entry "
                        "workbook (.xlsx)",
                    )
                ]
            )
        read = read_paper(upload=upload, context=context)
        uncollected: frozenset[str] = frozenset()
        warnings = read.warnings
    else:
        if (source == ODK) != (upload.kind == CSV_ZIP):
            vi = "tệp .zip CSV của ODK Central" if source == ODK else "tệp XLSX của KoboToolbox"
            en = "an ODK Central CSV zip" if source == ODK else "a KoboToolbox XLSX export"
            raise ImportRefused(
                [file_problem(f"Nguồn đã chọn cần {vi}", f"The chosen source needs {en}")]
            )
        read = read_submissions(upload=upload, context=context, flavour=source)
        uncollected = read.uncollected
        warnings = read.warnings
    if read.fatal:
        return Checked([], read.problems, warnings, 0), read.sheet_order
    members = sum(len(h.members) for h in read.households)
    if max_members is not None and members > max_members:
        raise ImportRefused(
            [
                file_problem(
                    f"Tệp có {_vi_number(members)} thành viên; nhập trên web tối đa "
                    f"{_vi_number(max_members)} thành viên mỗi tệp. Hãy tách tệp theo xã, hoặc "
                    "nhờ quản trị viên nhập bằng lệnh manage.py import_responses",
                    f"The file has {members:,} members; an import on the web takes at most "
                    f"{max_members:,} per file. Split the file by commune, or ask an "
                    "administrator to import it with manage.py import_responses",
                )
            ]
        )
    checked = check_households(households=read.households, context=context, uncollected=uncollected)
    checked.problems = read.problems + checked.problems  # every problem: rows and links
    checked.warnings = warnings + checked.warnings
    return checked, read.sheet_order


def _vi_number(value: int) -> str:
    """20000 -> "20.000", as Vietnamese writes thousands."""
    return f"{value:,}".replace(",", ".")


# Households already in the round ---------------------------------------------------------


def _identity(unit: str, village: str, head_name: str, address: str) -> tuple[str, ...]:
    """The web form's duplicate rule (survey.selectors.find_duplicates), as a key."""
    return (unit, name_key(village), name_key(head_name), name_key(address))


def _plan(
    *, round_: Round, parsed: Sequence[ParsedHousehold], update: bool
) -> tuple[
    list[tuple[Submission, Any]], list[tuple[HouseholdResponse, Submission]], int, list[Problem]
]:
    """Split the file's households into new ones and corrections; report duplicates."""
    problems: list[Problem] = []
    existing = HouseholdResponse.objects.filter(
        round=round_, unit_id__in={h.submission.unit for h in parsed}
    ).only("id", "unit_id", "village", "head_name", "address", "source_draft", "status")
    by_identity: dict[tuple[str, ...], list[HouseholdResponse]] = {}
    by_source = {}
    for response in existing:
        identity = _identity(
            response.unit_id, response.village, response.head_name, response.address
        )
        by_identity.setdefault(identity, []).append(response)
        if response.source_draft:
            by_source[response.source_draft] = response
    extra_sources = [h.source for h in parsed if h.source and h.source not in by_source]
    if extra_sources:  # the same submission imported into a unit the file now names differently
        for response in HouseholdResponse.objects.filter(source_draft__in=extra_sources):
            by_source[response.source_draft] = response
    new: list[tuple[Submission, Any]] = []
    matched: list[tuple[ParsedHousehold, HouseholdResponse]] = []
    seen: dict[tuple[str, ...], ParsedHousehold] = {}
    for household in parsed:
        submission = household.submission
        identity = _identity(
            submission.unit, submission.village, submission.head_name, submission.address
        )
        first = seen.get(identity)
        if first is not None:
            problems.append(
                _problem(
                    household,
                    f"Hộ {submission.head_name} ({submission.village}) trùng với hộ ở dòng "
                    f"{first.row}: cùng xã, thôn, chủ hộ và địa chỉ",
                    f"Household {submission.head_name} ({submission.village}) is the same as "
                    f"the household on row {first.row}: same commune, village, head and address",
                )
            )
            continue
        seen[identity] = household
        found = by_source.get(household.source) if household.source else None
        if found is not None and found.round_id != round_.pk:
            problems.append(
                _problem(
                    household,
                    "Phiếu này đã được nhập vào một đợt khảo sát khác",
                    "This submission was already imported into another round",
                )
            )
            continue
        candidates = [found] if found else by_identity.get(identity, [])
        if not candidates:
            new.append((submission, household.source))
            continue
        if not update:
            problems.append(
                _problem(
                    household,
                    f"Hộ {submission.head_name} ({submission.village}) đã có trong đợt khảo "
                    "sát này (cùng xã, thôn, chủ hộ và địa chỉ, hoặc cùng phiếu); không nhập "
                    "lại. Để cập nhật hộ đã có, hãy chọn “Cập nhật hộ đã có” (--update)",
                    f"Household {submission.head_name} ({submission.village}) already exists "
                    "in this round (same commune, village, head and address, or the same "
                    "submission); it is not imported again. To update existing households, "
                    "choose “Update existing households” (--update)",
                )
            )
            continue
        if len(candidates) > 1:
            problems.append(
                _problem(
                    household,
                    f"Có {len(candidates)} phiếu của hộ {submission.head_name} trong đợt này; "
                    "không biết cập nhật phiếu nào, hãy sửa trên web",
                    f"There are {len(candidates)} responses for household "
                    f"{submission.head_name} in this round; which to update is unclear, "
                    "correct it on the web",
                )
            )
            continue
        if candidates[0].status == ResponseStatus.APPROVED:
            problems.append(
                _problem(
                    household,
                    "Phiếu đã được phê duyệt, không thể sửa.",
                    "The response is approved and cannot be changed.",
                )
            )
            continue
        matched.append((household, candidates[0]))
    corrections, unchanged = _corrections(matched)
    return new, corrections, unchanged, problems


def _problem(household: ParsedHousehold, vi: str, en: str) -> Problem:
    return Problem(household.sheet, household.row, household.key_column, vi, en)


def _corrections(
    matched: Sequence[tuple[ParsedHousehold, HouseholdResponse]],
) -> tuple[list[tuple[HouseholdResponse, Submission]], int]:
    """Keep each member's identity; leave out households whose data is unchanged."""
    if not matched:
        return [], 0
    responses = {
        r.pk: r
        for r in HouseholdResponse.objects.filter(pk__in=[r.pk for _, r in matched])
        .select_related("round")
        .prefetch_related("members")
    }
    corrections = []
    unchanged = 0
    for household, stub in matched:
        response = responses[stub.pk]
        submission = _with_person_ids(household.submission, list(response.members.all()))
        if _same(response, submission):
            unchanged += 1
        else:
            corrections.append((response, submission))
    return corrections, unchanged


def _with_person_ids(submission: Submission, members: list) -> Submission:
    """Give each member the identity of the same person (name, year of birth) in the response.

    Details the file cannot carry (an ODK form without ethnicity...) arrive empty and
    keep the value the response has.
    """
    free = list(members)
    result = []
    for member in submission.members:
        match = next(
            (
                m
                for m in free
                if name_key(m.full_name) == name_key(member["full_name"])
                and m.birth_year == member["birth_year"]
            ),
            None,
        )
        if match is not None:
            free.remove(match)
            kept = {f: getattr(match, f) for f in PROFILE_DEFAULTS if not member.get(f)}
            member = {**member, **kept, "person_id": match.person_id}
        result.append(member)
    return replace(submission, members=result)


def _same(response: HouseholdResponse, submission: Submission) -> bool:
    members = list(response.members.all())
    if (
        response.unit_id,
        response.village,
        response.address,
        response.head_name,
        response.survey_date,
        response.answers,
    ) != (
        submission.unit,
        submission.village,
        submission.address,
        submission.head_name,
        submission.survey_date,
        dict(submission.household_answers),
    ) or len(members) != len(submission.members):
        return False
    for old, new in zip(members, submission.members, strict=True):
        kept = {k: v for k, v in old.answers.items() if k in submission.kept_answers}
        if old.answers != {**kept, **new["answers"]}:
            return False
        if any(getattr(old, f) != new.get(f) for f in MEMBER_FIELDS):
            return False
    return True


# Template -----------------------------------------------------------------------------


def template_units(*, round_: Round, user: User | None = None) -> list[TemplateUnit]:
    """The round's units for the template; a user gets the units they may enter data for."""
    if user is not None:
        units: Sequence[AdminUnit] = entry_units(user=user, round_=round_)
    else:
        units = list(
            AdminUnit.objects.filter(
                key__in=round_.round_units.values_list("unit_id", flat=True)
            ).select_related("parent")
        )
    parents = {
        u.key: u.name
        for u in AdminUnit.objects.filter(key__in={u.parent_id for u in units if u.parent_id})
    }
    return sorted(
        (TemplateUnit(u.code, u.name, parents.get(u.parent_id or "", "")) for u in units),
        key=lambda u: u.code,
    )


def build_entry_template(*, round_: Round, user: User | None = None) -> tuple[str, bytes]:
    """Return (file name, bytes) of the round's blank data-entry workbook."""
    buffer = io.BytesIO()
    write_entry_template(
        round_=TemplateRound(round_.code, round_.name, round_.starts_on, round_.ends_on),
        citizen=spec_of(criteria_set=round_.citizen_set),
        household=spec_of(criteria_set=round_.household_set) if round_.household_set else None,
        units=template_units(round_=round_, user=user),
        target=buffer,
        generated_at=timezone.localtime() if settings.USE_TZ else datetime.now(),
    )
    return f"mau-nhap-{round_.code}.xlsx", buffer.getvalue()
