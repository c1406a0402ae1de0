"""Read ODK Central and KoboToolbox exports of the field form (``criteria.xlsform``).

The field form asks the household details (group ``household``), each set's
household questions (group ``set_<set>_v<n>_household``), then a repeat
``members`` with the member profile and each set's member questions. Column
names come from the form itself, generated here exactly as users download it,
so a question renamed to keep XLSForm names unique is found under its new name.

* **KoboToolbox XLSX export**: a main sheet of households and a sheet per repeat
  (``members``), linked by ``_index`` / ``_parent_index``; headers are the field
  names, with their group path when "include groups in headers" is chosen
  (separated by ``/`` by default, or the separator picked in the export
  settings); ``_uuid`` identifies the submission. Export with "XML values and
  headers" (labels work for single choices but not for multiple ones).
* **ODK Central CSV zip**: ``<form_id>.csv`` and ``<form_id>-members.csv``;
  groups are joined with ``-`` in headers (the repeat's own columns are relative
  to it); ``KEY`` / ``PARENT_KEY`` link the rows, ``meta-instanceID`` identifies
  the submission.

Multiple choices are space-separated codes in both. The submission's instance
UUID is kept as the response's ``source_draft``: importing a submission again
finds it. The survey date is the form's ``today``/``end``/``start`` when it has
them, else the submission time, in the round's time zone. Ethnicity, education and
relationship are not on the field form: a column of that name is read when an
extended form has it, otherwise they stay empty (a warning says so).
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from python_calamine import CalamineWorkbook

from criteria.spec import CriteriaSpec
from criteria.xlsform import MEMBERS, slug, write_xlsform
from survey.imports.context import ImportContext
from survey.imports.files import Sheet, Upload, iter_data_rows
from survey.imports.problems import Problem, file_problem
from survey.imports.rows import RawHousehold, Record
from survey.steps import plan_steps

KOBO = "kobo"
ODK = "odk"
SEPARATORS = ("/", "-", ".", ":", "_")
HOUSEHOLD_DETAILS = {
    "commune_code": "unit",
    "village": "village",
    "address": "address",
    "head_name": "head_name",
}
PROFILE = ("full_name", "sex", "birth_year", "target_group")
EXTRA_PROFILE = ("ethnicity", "education", "relationship")
DATE_COLUMNS = ("today", "end", "start")
UTC_COLUMNS = ("_submission_time", "SubmissionDate")
ID_COLUMNS = {
    KOBO: ("_uuid", "meta/instanceID", "instanceID", "meta-instanceID"),
    ODK: ("meta-instanceID", "instanceID", "meta/instanceID", "KEY"),
}
LINKS = {KOBO: ("_index", "_parent_index"), ODK: ("KEY", "PARENT_KEY")}
UUID_NAMESPACE = uuid.UUID("5b1d7c52-8a9e-4c55-9f1e-2c7d1c0e6a10")


@dataclass(frozen=True)
class FormField:
    """One field of the generated field form and what it fills in a submission."""

    name: str
    path: tuple[str, ...]  # groups from the form root, the repeat included
    in_repeat: bool
    target: str  # checker field: "unit", "full_name", "q:<question code>"...
    optional: bool = False  # a missing column is not a problem (reviewer-only questions)


def form_fields(*, citizen: CriteriaSpec, household: CriteriaSpec | None) -> list[FormField]:
    """Return the field form's data fields, read back from the XLSForm users download."""
    specs = [s for s in (citizen, household) if s is not None]
    buffer = io.BytesIO()
    write_xlsform(specs, buffer)
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(buffer.getvalue()))
    rows = workbook.get_sheet_by_name("survey").to_python()
    headers = [str(h) for h in rows[0]]
    type_at, name_at = headers.index("type"), headers.index("name")
    by_prefix = {f"{slug(s.code)}_v{s.version}": s for s in specs}
    asked = _asked_codes(citizen=citizen, household=household)
    fields: list[FormField] = []
    stack: list[str] = []
    spec_of_group: dict[str, CriteriaSpec] = {}
    for row in rows[1:]:
        kind, name = str(row[type_at]).strip(), str(row[name_at]).strip()
        if kind in ("begin group", "begin repeat"):
            stack.append(name)
            for prefix, spec in by_prefix.items():
                if name.startswith(f"set_{prefix}_"):
                    spec_of_group[name] = spec
            continue
        if kind in ("end group", "end repeat"):
            stack.pop()
            continue
        if not name or kind in ("note", "calculate"):
            continue
        path = (*stack, name)
        in_repeat = MEMBERS in stack
        group_spec = next((spec_of_group[g] for g in stack if g in spec_of_group), None)
        if group_spec is None:
            target = HOUSEHOLD_DETAILS.get(name, name) if not in_repeat else name
            fields.append(FormField(name, path, in_repeat, target))
            continue
        code = _question_code(name=name, spec=group_spec, by_prefix=by_prefix)
        if code is None or code not in asked:
            continue  # e.g. a citizen set's household question: the web form never asks it
        question = group_spec.question(code)
        fields.append(
            FormField(name, path, in_repeat, f"q:{code}", optional=question.reviewer_only)
        )
    return fields


def _asked_codes(*, citizen: CriteriaSpec, household: CriteriaSpec | None) -> set[str]:
    return {
        q.code
        for step in plan_steps(citizen=citizen, household=household)
        if step.kind in ("member_questions", "household_questions")
        for q in step.questions
    }


def _question_code(
    *, name: str, spec: CriteriaSpec, by_prefix: dict[str, CriteriaSpec]
) -> str | None:
    codes = {q.code for q in spec.questions}
    if name in codes:
        return name
    prefix = f"{slug(spec.code)}_v{spec.version}_"
    if name.startswith(prefix):
        rest = name[len(prefix) :]
        if rest in codes:
            return rest
        base, _, counter = rest.rpartition("_")
        if counter.isdigit() and base in codes:
            return base
    return None


def _candidates(path: tuple[str, ...]) -> list[str]:
    """Every header a tool may write for a field: any path suffix, any group separator."""
    names = []
    for start in range(len(path)):
        suffix = path[start:]
        for separator in SEPARATORS:
            names.append(separator.join(suffix))
    return names


def _column_map(sheet: Sheet, fields: Sequence[FormField]) -> tuple[dict[str, int], dict[str, int]]:
    """Return (checker field -> column, header -> column) for one sheet."""
    headers = sheet.headers
    index_of: dict[str, int] = {}
    for index, header in enumerate(headers):
        index_of.setdefault(header, index)
    mapped: dict[str, int] = {}
    for form_field in fields:
        for candidate in _candidates(form_field.path):
            if candidate in index_of:
                mapped[form_field.target] = index_of[candidate]
                break
    return mapped, index_of


def _find(index_of: dict[str, int], names: Sequence[str]) -> tuple[str, int] | None:
    for name in names:
        if name in index_of:
            return name, index_of[name]
    return None


def _last_segment_map(index_of: dict[str, int], names: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for header, index in index_of.items():
        for separator in SEPARATORS[:-1]:
            header = header.rsplit(separator, 1)[-1]
        if header in names:
            found.setdefault(header, index)
    return found


def instance_uuid(text: str) -> uuid.UUID:
    """Return a submission's UUID from "uuid:…" (any other ID gets a stable UUID of its own)."""
    value = text.strip()
    if value.lower().startswith("uuid:"):
        value = value[5:]
    try:
        return uuid.UUID(value)
    except ValueError:
        return uuid.uuid5(UUID_NAMESPACE, text.strip())


def _local_day(text: str, *, utc: bool, zone: ZoneInfo) -> str:
    """Return the date part of an ISO date-time in ``zone``; other text is left as it is."""
    cleaned = text.strip()
    if len(cleaned) <= 10 or not cleaned[:4].isdigit():
        return cleaned
    try:
        moment = datetime.fromisoformat(cleaned.replace("Z", "+00:00"))
    except ValueError:
        return cleaned
    if moment.tzinfo is None:
        if not utc:
            return moment.date().isoformat()
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(zone).date().isoformat()


@dataclass
class Read:
    households: list[RawHousehold]
    problems: list[Problem]
    warnings: list[Problem]
    uncollected: frozenset[str]
    sheet_order: list[str]
    fatal: bool = False  # the rows cannot be read at all (a table or a column is missing)


def read_submissions(*, upload: Upload, context: ImportContext, flavour: str) -> Read:
    """Read a Kobo XLSX export or an ODK Central CSV zip into raw households and members."""
    fields = form_fields(citizen=context.citizen, household=context.household)
    main_link, parent_link = LINKS[flavour]
    main, repeat = _main_and_repeat(upload.sheets, parent_link=parent_link)
    if main is None or repeat is None:
        tool = "KoboToolbox (XLSX)" if flavour == KOBO else "ODK Central (CSV zip)"
        return Read(
            [],
            [
                file_problem(
                    f"Không nhận ra tệp xuất của {tool}: cần một bảng các hộ và một bảng "
                    f"thành viên (repeat “{MEMBERS}”) nối với nhau bằng cột “{parent_link}”",
                    f"This is not a {tool} export: it needs a table of households and a "
                    f"table of members (repeat “{MEMBERS}”) linked by a “{parent_link}” column",
                )
            ],
            [],
            frozenset(),
            [s.name for s in upload.sheets],
            fatal=True,
        )
    problems: list[Problem] = []
    warnings: list[Problem] = []
    main_fields, main_headers = _column_map(main, [f for f in fields if not f.in_repeat])
    member_fields, member_headers = _column_map(repeat, [f for f in fields if f.in_repeat])
    if not main_fields and not member_fields:
        # Not one field name: headers in labels, or the export of another form.
        return Read(
            [],
            [
                file_problem(
                    "Không thấy cột nào mang tên trường của biểu mẫu đợt này: hãy xuất lại từ "
                    "biểu mẫu của đợt với tên trường XML (“XML values and headers”), không "
                    "dùng nhãn câu hỏi làm tiêu đề",
                    "No column carries a field name of this round's form: export again from "
                    "the round's form with XML names (“XML values and headers”), not question "
                    "labels as headers",
                )
            ],
            [],
            frozenset(),
            [main.name, repeat.name],
            fatal=True,
        )
    _missing_columns(main, main_fields, [f for f in fields if not f.in_repeat], problems)
    _missing_columns(repeat, member_fields, [f for f in fields if f.in_repeat], problems)
    extra = _last_segment_map(member_headers, EXTRA_PROFILE)
    member_fields.update(extra)
    uncollected = frozenset(name for name in EXTRA_PROFILE if name not in extra)
    if uncollected:
        warnings.append(
            Problem(
                repeat.name,
                None,
                None,
                "Biểu mẫu thực địa không hỏi dân tộc, trình độ học vấn và quan hệ với chủ hộ; "
                "các thông tin này để trống, hãy bổ sung khi sửa phiếu",
                "The field form does not ask ethnicity, education or relationship to the "
                "head; they are left empty, to be completed when correcting the response",
            )
        )
    identity = _find(main_headers, ID_COLUMNS[flavour])
    link = _find(main_headers, (main_link,))
    parent = _find(member_headers, (parent_link,))
    for sheet, found, names in (
        (main, identity, ID_COLUMNS[flavour][:1]),
        (main, link, (main_link,)),
        (repeat, parent, (parent_link,)),
    ):
        if found is None:
            problems.append(
                Problem(
                    sheet.name,
                    1,
                    None,
                    f"Thiếu cột “{names[0]}” của tệp xuất",
                    f"The export's “{names[0]}” column is missing",
                )
            )
    day_column = _find(main_headers, DATE_COLUMNS) or _find(main_headers, UTC_COLUMNS)
    if day_column is None:
        problems.append(
            Problem(
                main.name,
                1,
                None,
                "Thiếu cột ngày khảo sát (today, end, start hoặc _submission_time/SubmissionDate)",
                "No survey date column (today, end, start or _submission_time/SubmissionDate)",
            )
        )
    if problems:
        return Read([], problems, warnings, uncollected, [main.name, repeat.name], fatal=True)
    assert identity and link and parent and day_column
    zone = ZoneInfo(context.zone)
    day_name, day_index = day_column
    main_fields["survey_date"] = day_index
    main_fields["_id"] = identity[1]
    member_fields["_parent"] = parent[1]
    households: list[RawHousehold] = []
    by_link: dict[str, RawHousehold] = {}
    seen: dict[uuid.UUID, int] = {}
    skipped: set[str] = set()  # links of submissions refused whole: their members go with them
    for number, row in iter_data_rows(main):
        if day_index < len(row):
            row[day_index] = _local_day(row[day_index], utc=day_name in UTC_COLUMNS, zone=zone)
        record = Record(main, number, row, main_fields)
        instance = row[identity[1]].strip() if identity[1] < len(row) else ""
        if not instance:
            problems.append(
                Problem(
                    main.name,
                    number,
                    main.column_name(identity[1]),
                    "Thiếu mã bản ghi (instanceID) của phiếu",
                    "The submission's instance ID is missing",
                )
            )
            continue
        source = instance_uuid(instance)
        if source in seen:
            problems.append(
                Problem(
                    main.name,
                    number,
                    main.column_name(identity[1]),
                    f"Phiếu “{instance}” xuất hiện hai lần (trùng với dòng {seen[source]})",
                    f"Submission “{instance}” appears twice (same as row {seen[source]})",
                )
            )
            skipped.add(row[link[1]].strip() if link[1] < len(row) else "")
            continue
        seen[source] = number
        household = RawHousehold(record, instance, "_id", source)
        households.append(household)
        link_value = row[link[1]].strip() if link[1] < len(row) else ""
        by_link[link_value] = household
    for number, row in iter_data_rows(repeat):
        value = row[parent[1]].strip() if parent[1] < len(row) else ""
        owner = by_link.get(value)
        if owner is None and value in skipped:
            continue
        if owner is None:
            problems.append(
                Problem(
                    repeat.name,
                    number,
                    repeat.column_name(parent[1]),
                    f"Thành viên không thuộc hộ nào: không có phiếu nào có {main_link} “{value}”",
                    f"A member without a household: no submission has {main_link} “{value}”",
                )
            )
            continue
        owner.members.append(Record(repeat, number, row, member_fields))
    return Read(households, problems, warnings, uncollected, [main.name, repeat.name])


def _main_and_repeat(
    sheets: Sequence[Sheet], *, parent_link: str
) -> tuple[Sheet | None, Sheet | None]:
    repeats = [s for s in sheets if parent_link in s.headers]
    mains = [s for s in sheets if s not in repeats and s.rows]
    repeat = next(
        (s for s in repeats if s.name.lower().removesuffix(".csv").endswith(MEMBERS)),
        repeats[0] if repeats else None,
    )
    main = next((s for s in mains if any(h in s.headers for h in ("_uuid", "KEY", "_index"))), None)
    return main, repeat


def _missing_columns(
    sheet: Sheet, mapped: dict[str, int], fields: Sequence[FormField], problems: list[Problem]
) -> None:
    for form_field in fields:
        if form_field.target not in mapped and not form_field.optional:
            problems.append(
                Problem(
                    sheet.name,
                    1,
                    None,
                    f"Thiếu cột “{'/'.join(form_field.path)}” của biểu mẫu; hãy xuất lại tệp với "
                    "tên trường XML (XML values and headers) từ biểu mẫu của đợt này",
                    f"The form's “{'/'.join(form_field.path)}” column is missing; export again "
                    "with XML names (XML values and headers) from this round's form",
                )
            )
