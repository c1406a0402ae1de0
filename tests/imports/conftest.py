"""A round on the shipped pilot sets, users, and builders of the files an import reads.

The ODK Central and KoboToolbox files are built from the field names of our own
XLSForm export (``criteria.xlsform.write_xlsform``), read back here with openpyxl
(independently of the importer's own reading), laid out as those tools document
their exports: Kobo's XLSX with a main sheet and a ``members`` sheet linked by
``_index``/``_parent_index``; Central's CSV zip with ``<form_id>.csv`` and
``<form_id>-members.csv`` linked by ``KEY``/``PARENT_KEY``.
"""

from __future__ import annotations

import csv
import io
import uuid
import zipfile
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import pytest
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from accounts.roles import COMMUNE_STAFF, SURVEYOR
from criteria.selectors import find_version, spec_of
from criteria.xlsform import write_xlsform
from scoring.models import HouseholdScore, MemberScore
from survey.imports.layout import header_code
from survey.imports.service import build_entry_template
from survey.models import Household, HouseholdResponse, MemberResponse, ResponseChange, Round
from survey.rounds import create_round
from tests.factories import MINH_QUAN_ACUTE, NGA_QUAN

CUONG_THINH = "04522@2020-02-01"


@pytest.fixture
def pilot_sets(units) -> None:
    call_command("install_criteria_sets", verbosity=0)


@pytest.fixture
def round_(pilot_sets) -> Round:
    return create_round(
        code="r2021",
        name="Thí điểm 2021",
        citizen_set=find_version(code="CDHT", version=1),
        household_set=find_version(code="GDHT", version=1),
        starts_on=date(2021, 6, 1),
        ends_on=date(2021, 12, 31),
        planned={NGA_QUAN: 20, MINH_QUAN_ACUTE: 20, CUONG_THINH: 20},
        status=Round.Status.OPEN,
    )


@pytest.fixture
def staff(make_user):
    """Commune staff of Xã Nga Quán: enters and reviews (may fill reviewer-only answers)."""
    return make_user(COMMUNE_STAFF, username="canbo_ngaquan")


@pytest.fixture
def surveyor(make_user):
    """A surveyor of Xã Nga Quán and Xã Minh Quán (not Xã Cường Thịnh)."""
    return make_user(SURVEYOR, username="dieutra")


def counts() -> dict[str, int]:
    """The rows an import may write; compared before and after to prove nothing was."""
    return {
        "households": Household.objects.count(),
        "responses": HouseholdResponse.objects.count(),
        "members": MemberResponse.objects.count(),
        "member_scores": MemberScore.objects.count(),
        "household_scores": HouseholdScore.objects.count(),
        "changes": ResponseChange.objects.count(),
    }


# Answers --------------------------------------------------------------------------------

HOUSEHOLD_ANSWERS = {
    "reading_materials": "books newspapers",
    "internet_access": "yes",
    "learning_devices": "smartphone tv",
    "study_place": "yes",
    "life_improved": "clear",
}
TOP_ADULT = {
    "info_sources": "books newspapers tv_radio phone internet",
    "learning_plan": "written_followed",
    "community_sessions_12m": "8",
    "community_venues": "learning_centre",
    "encourages_learning": "always",
    "digital_skills": "calls_messages social_chat internet_search e_payment email",
    "numeracy": "plans",
    "work_improvement": "recognised",
    "checks_before_sharing": "always",
    "weighs_options": "always",
    "friendly_relations": "yes",
    "conflict_response": "mediates",
    "community_activities_12m": "7",
    "community_activity_kinds": "learning_promotion charity",
    "literacy": "level2",
    "learning_contents_12m": "3",
    "applies_learning": "yes",
}
WEAK_ADULT = {
    "info_sources": "tv_radio",
    "learning_plan": "none",
    "community_sessions_12m": "0",
    "encourages_learning": "sometimes",
    "digital_skills": "calls_messages",
    "numeracy": "simple",
    "work_improvement": "none",
    "checks_before_sharing": "sometimes",
    "weighs_options": "never",
    "friendly_relations": "yes",
    "conflict_response": "talks",
    "community_activities_12m": "1",
    "community_activity_kinds": "environment",
    "literacy": "level2",
    "learning_contents_12m": "0",
}
CHILD_ANSWERS = {
    "attends_school": "yes",
    "school_result": "good",
    "conduct": "good",
    "child_polite_active": "yes",
}


def household_row(key: str = "1", **changes: Any) -> dict[str, Any]:
    row = {
        "household_key": key,
        "unit": "04528 - Xã Nga Quán",
        "village": "Thôn 3",
        "address": "Số 12, đường Nga Quán",
        "head_name": "Nguyễn Văn An",
        "survey_date": "15/07/2021",
        **HOUSEHOLD_ANSWERS,
    }
    row.update(changes)
    return row


def member_rows(key: str = "1") -> list[dict[str, Any]]:
    """A farmer (head), a cadre who speaks a foreign language, a child, an older farmer."""
    return [
        {
            "household_key": key,
            "full_name": "Nguyễn Văn An",
            "sex": "male",
            "birth_year": "1981",
            "ethnicity": "01",
            "education": "lower_secondary",
            "target_group": "nong_dan",
            "relationship": "head",
            **TOP_ADULT,
            "farming_improvements": "new_varieties vietgap_organic",
        },
        {
            "household_key": key,
            "full_name": "Trần Thị Bình",
            "sex": "female",
            "birth_year": "1986",
            "ethnicity": "02",
            "education": "university",
            "target_group": "can_bo",
            "relationship": "spouse",
            **TOP_ADULT,
            "foreign_language_level": "work",
            "foreign_languages": "english",
            "foreign_language_certificate": "yes",
            "workplace_improvements": "digital",
        },
        {
            "household_key": key,
            "full_name": "Nguyễn Minh Châu",
            "sex": "female",
            "birth_year": "2011",
            "ethnicity": "01",
            "education": "primary",
            "target_group": "",
            "relationship": "child",
            **CHILD_ANSWERS,
        },
        {
            "household_key": key,
            "full_name": "Nguyễn Văn Dũng",
            "sex": "male",
            "birth_year": "1953",
            "ethnicity": "01",
            "education": "primary",
            "target_group": "nong_dan",
            "relationship": "parent",
            **WEAK_ADULT,
        },
    ]


# The paper template ---------------------------------------------------------------------

_TEMPLATES: dict[tuple, bytes] = {}


def template_for(round_: Round) -> bytes:
    """The round's template (all its units), built once per round definition."""
    key = (
        round_.code,
        round_.citizen_set.code,
        round_.citizen_set.version,
        round_.household_set.code if round_.household_set else "",
        tuple(sorted(round_.round_units.values_list("unit_id", flat=True))),
    )
    if key not in _TEMPLATES:
        _TEMPLATES[key] = build_entry_template(round_=round_)[1]
    return _TEMPLATES[key]


def fill_template(
    round_: Round,
    households: Sequence[Mapping[str, Any]],
    members: Sequence[Mapping[str, Any]],
    *,
    template: bytes | None = None,
) -> bytes:
    """Fill the round's entry template as a clerk would: by the [code] of each header."""
    if template is None:
        template = template_for(round_)
    workbook = load_workbook(io.BytesIO(template))
    for sheet_name, rows in (("Hộ gia đình", households), ("Thành viên", members)):
        sheet = workbook[sheet_name]
        columns = {header_code(c.value): c.column for c in sheet[1] if c.value}
        for number, values in enumerate(rows, start=2):
            for code, value in values.items():
                sheet.cell(row=number, column=columns[code], value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ODK and Kobo exports of our XLSForm ------------------------------------------------------


def xlsform_fields(round_: Round) -> tuple[str, list[tuple[tuple[str, ...], str]]]:
    """Return (form_id, [(group path, type)]) of the round's XLSForm, in form order."""
    specs = [spec_of(criteria_set=round_.citizen_set), spec_of(criteria_set=round_.household_set)]
    buffer = io.BytesIO()
    write_xlsform(specs, buffer)
    workbook = load_workbook(io.BytesIO(buffer.getvalue()), read_only=True)
    rows = list(workbook["survey"].iter_rows(values_only=True))
    type_at, name_at = rows[0].index("type"), rows[0].index("name")
    settings = list(workbook["settings"].iter_rows(values_only=True))
    form_id = settings[1][settings[0].index("form_id")]
    stack: list[str] = []
    fields = []
    for row in rows[1:]:
        kind, name = row[type_at], row[name_at]
        if kind in ("begin group", "begin repeat"):
            stack.append(name)
        elif kind in ("end group", "end repeat"):
            stack.pop()
        elif name and kind != "note":
            fields.append(((*stack, name), kind))
    return form_id, fields


def submission(
    unit_code: str = "04528",
    *,
    household: Mapping[str, Any] | None = None,
    members: Sequence[Mapping[str, Any]] | None = None,
    instance: str | None = None,
    submitted: str = "2021-07-15T03:12:45.123Z",
) -> dict[str, Any]:
    """One submission as the field form collects it (values by field name)."""
    details = household_row()
    values = {
        "commune_code": unit_code,
        "village": details["village"],
        "address": details["address"],
        "head_name": details["head_name"],
        **HOUSEHOLD_ANSWERS,
        **(household or {}),
    }
    people = []
    for member in members if members is not None else member_rows():
        person = {k: v for k, v in member.items() if k not in ("household_key",)}
        for name in ("ethnicity", "education", "relationship"):
            person.pop(name, None)  # not on the field form
        person["target_group"] = person.get("target_group") or "none"
        person["age"] = str(2021 - int(person["birth_year"]))
        people.append(person)
    return {
        "instance": instance or f"uuid:{uuid.uuid4()}",
        "submitted": submitted,
        "values": values,
        "members": people,
    }


def kobo_export(round_: Round, submissions: Sequence[Mapping[str, Any]]) -> bytes:
    """A KoboToolbox XLSX export ("XML values and headers", groups in headers, "/")."""
    _form_id, fields = xlsform_fields(round_)
    main_fields = [(p, k) for p, k in fields if "members" not in p]
    repeat_fields = [(p, k) for p, k in fields if "members" in p]
    workbook = Workbook()
    main = workbook.active
    main.title = spec_of(criteria_set=round_.citizen_set).title.vi[:31]
    main_headers = []
    for path, kind in main_fields:
        main_headers.append("/".join(path))
        if kind.startswith("select_multiple "):
            main_headers += [f"{'/'.join(path)}/{c}" for c in _choices(round_, kind)]
    meta = ["_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status"]
    meta += ["_submitted_by", "__version__", "_tags", "_index"]
    main.append(main_headers + meta)
    members = workbook.create_sheet("members")
    repeat_headers = []
    for path, kind in repeat_fields:
        repeat_headers.append("/".join(path))
        if kind.startswith("select_multiple "):
            repeat_headers += [f"{'/'.join(path)}/{c}" for c in _choices(round_, kind)]
    repeat_meta = ["_index", "_parent_table_name", "_parent_index", "_submission__id"]
    repeat_meta += ["_submission__uuid", "_submission__submission_time"]
    members.append(repeat_headers + repeat_meta)
    member_index = 0
    for index, item in enumerate(submissions, start=1):
        instance = item["instance"].removeprefix("uuid:")
        row = _cells(main_headers, item["values"])
        time = item["submitted"].replace("Z", "")[:19]
        main.append(
            [*row, 1000 + index, instance, time, "", "", "submitted_via_web", "", "v1", "", index]
        )
        for person in item["members"]:
            member_index += 1
            cells = _cells(repeat_headers, person)
            members.append([*cells, member_index, main.title, index, 1000 + index, instance, time])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def odk_export(round_: Round, submissions: Sequence[Mapping[str, Any]]) -> bytes:
    """An ODK Central "CSV zip" export: groups joined with "-", KEY / PARENT_KEY."""
    form_id, fields = xlsform_fields(round_)
    main_fields = [(p, k) for p, k in fields if "members" not in p]
    repeat_fields = [(p, k) for p, k in fields if "members" in p]
    main_headers = ["SubmissionDate", *("-".join(p) for p, _ in main_fields), "meta-instanceID"]
    tail = ["KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent", "AttachmentsExpected"]
    tail += ["Status", "ReviewState", "DeviceID", "Edits", "FormVersion"]
    # The repeat's columns are relative to it ("members" left out), as Central writes them.
    repeat_headers = ["-".join(p[1:]) for p, _ in repeat_fields]
    main_rows, repeat_rows = [main_headers + tail], [[*repeat_headers, "PARENT_KEY", "KEY"]]
    for item in submissions:
        key = item["instance"]
        values = {**item["values"], "meta-instanceID": key, "SubmissionDate": item["submitted"]}
        main_rows.append(
            [values.get(h.rsplit("-", 1)[-1], values.get(h, "")) for h in main_headers]
            + [key, "7", "Điều tra viên 1", "0", "0", "", "approved", "collect:abc", "0", "1.1"]
        )
        for position, person in enumerate(item["members"], start=1):
            cells = [person.get(h.rsplit("-", 1)[-1], "") for h in repeat_headers]
            repeat_rows.append([*cells, key, f"{key}/members[{position}]"])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in ((f"{form_id}.csv", main_rows), (f"{form_id}-members.csv", repeat_rows)):
            text = io.StringIO()
            csv.writer(text, lineterminator="\n").writerows(rows)
            archive.writestr(name, text.getvalue())
    return buffer.getvalue()


def _choices(round_: Round, kind: str) -> list[str]:
    list_name = kind.split(" ", 1)[1]
    for criteria_set in (round_.citizen_set, round_.household_set):
        spec = spec_of(criteria_set=criteria_set)
        for choice_list in spec.choice_lists:
            if choice_list.name == list_name:
                return [c.name for c in choice_list.choices]
    return []


def _cells(headers: Sequence[str], values: Mapping[str, Any]) -> list[Any]:
    cells = []
    for header in headers:
        parts = header.split("/")
        name = parts[-1]
        if name in values:
            cells.append(values[name])
        elif len(parts) > 1 and parts[-2] in values:  # a select_multiple option column
            cells.append(1 if name in str(values[parts[-2]]).split() else 0)
        else:
            cells.append(None)
    return cells
