"""Read ODK Central and KoboToolbox exports of the field form (``criteria.xlsform``).

The field form asks the household details (group ``household``), each set's
household questions (group ``set_<set>_v<n>_household``), then a repeat
``members`` with the member profile and each set's member questions. Column
names come from the form itself, generated exactly as users download it
(``form_fields``), so a question renamed to keep XLSForm names unique is found under
its new name.

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

import uuid
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from criteria.xlsform import MEMBERS
from survey.imports.context import ImportContext
from survey.imports.files import Upload
from survey.imports.form_fields import (
    FormField,
    column_map,
    find_column,
    form_fields,
    last_segment_map,
)
from survey.imports.problems import Problem, file_problem
from survey.imports.rows import RawHousehold, Read, Record
from survey.imports.sheets import Sheet, cell_at, iter_data_rows

KOBO = "kobo"
ODK = "odk"
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
            [s.name for s in upload.sheets],
            fatal=True,
        )
    problems: list[Problem] = []
    warnings: list[Problem] = []
    main_fields, main_headers = column_map(main, [f for f in fields if not f.in_repeat])
    member_fields, member_headers = column_map(repeat, [f for f in fields if f.in_repeat])
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
            [main.name, repeat.name],
            fatal=True,
        )
    _missing_columns(main, main_fields, [f for f in fields if not f.in_repeat], problems)
    _missing_columns(repeat, member_fields, [f for f in fields if f.in_repeat], problems)
    extra = last_segment_map(member_headers, EXTRA_PROFILE)
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
    identity = find_column(main_headers, ID_COLUMNS[flavour])
    link = find_column(main_headers, (main_link,))
    parent = find_column(member_headers, (parent_link,))
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
    day_column = find_column(main_headers, DATE_COLUMNS) or find_column(main_headers, UTC_COLUMNS)
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
        return Read([], problems, warnings, [main.name, repeat.name], uncollected, fatal=True)
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
        instance = cell_at(row, identity[1])
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
            skipped.add(cell_at(row, link[1]))
            continue
        seen[source] = number
        household = RawHousehold(record, instance, "_id", source)
        households.append(household)
        link_value = cell_at(row, link[1])
        by_link[link_value] = household
    for number, row in iter_data_rows(repeat):
        value = cell_at(row, parent[1])
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
    return Read(households, problems, warnings, [main.name, repeat.name], uncollected)


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
