"""A plain XLSForm for ODK Collect / KoboCollect, built from one or more criteria sets.

The form asks the household details, the household questions of every set,
then one repeat ``members`` with the member profile (name, sex, year of birth,
target group, age) and the member questions of every set. Each set's questions
sit in a group of their own; a citizen set that defines target groups is only
asked of members in one of its groups. Relevance and constraints are kept as
they are (the criteria expression subset is XLSForm syntax). Questions a
reviewer scores from evidence are shown read-only.

Question and choice list names are unique in an XLSForm: a name that two sets
use for different things is prefixed with the set code in the second set (and
its expressions follow); identical questions and lists are written once.

The profile rows and the XLSForm column names are shared with the criteria
workbook (``criteria.workbook``), which is itself a valid XLSForm.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.styles import Font

from criteria.spec import Choice, CriteriaSpec, Label, Question, TargetGroup
from criteria.validation import HOUSEHOLD_DETAILS, PROFILE_QUESTIONS

LANGUAGES = {"vi": "Tiếng Việt (vi)", "en": "English (en)"}
DEFAULT_LANGUAGE = LANGUAGES["vi"]
MEMBERS = "members"
PROFILE_SEX_LIST = "profile_sex"
PROFILE_GROUP_LIST = "profile_target_group"
NO_GROUP = "none"
# ODK's own calculation of the age in whole years from the year of birth.
AGE_CALCULATION = "if(${birth_year} != '', format-date(today(), '%Y') - ${birth_year}, '')"
REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}")


def header(base: str, language: str) -> str:
    """Return an XLSForm translated column name, e.g. ``label::English (en)``."""
    return f"{base}::{LANGUAGES[language]}"


def translated_headers(base: str) -> list[str]:
    return [header(base, "vi"), header(base, "en")]


SURVEY_HEADERS = [
    "type",
    "name",
    *translated_headers("label"),
    *translated_headers("hint"),
    "required",
    "relevant",
    "constraint",
    *translated_headers("constraint_message"),
    "calculation",
]
CHOICES_HEADERS = ["list_name", "name", *translated_headers("label")]


def row(
    *,
    kind: str,
    name: str = "",
    label: Label | None = None,
    hint: Label | None = None,
    required: bool = False,
    relevant: str = "",
    constraint: str = "",
    constraint_message: Label | None = None,
    calculation: str = "",
    **extra: Any,
) -> dict[str, Any]:
    """Return one survey row as a mapping of XLSForm column names to cell values."""
    cells: dict[str, Any] = {"type": kind, "name": name or None}
    for base, value in (
        ("label", label),
        ("hint", hint),
        ("constraint_message", constraint_message),
    ):
        value = value or Label("")
        cells[header(base, "vi")] = value.vi or None
        cells[header(base, "en")] = value.en or None
    cells["required"] = "yes" if required else None
    cells["relevant"] = relevant or None
    cells["constraint"] = constraint or None
    cells["calculation"] = calculation or None
    cells.update(extra)
    return cells


def type_text(question: Question) -> str:
    """Return the XLSForm type cell of a question, e.g. ``select_one yes_no``."""
    if question.type in ("select_one", "select_multiple") and question.choice_list:
        return f"{question.type} {question.choice_list}"
    return question.type


def question_row(question: Question, **extra: Any) -> dict[str, Any]:
    return row(
        kind=type_text(question),
        name=question.code,
        label=question.label,
        hint=question.hint,
        required=question.required and question.type != "note",
        relevant=question.relevant,
        constraint=question.constraint,
        constraint_message=question.constraint_message,
        **extra,
    )


def build_profile_rows(*, has_groups: bool, **extra: Any) -> list[dict[str, Any]]:
    """Return the member profile rows every repeat starts with (``extra`` adds columns)."""
    group_type = f"select_one {PROFILE_GROUP_LIST}" if has_groups else "text"
    return [
        row(
            kind="text",
            name="full_name",
            label=Label("Họ và tên", "Full name"),
            required=True,
            **extra,
        ),
        row(
            kind=f"select_one {PROFILE_SEX_LIST}",
            name="sex",
            label=Label("Giới tính", "Sex"),
            required=True,
            **extra,
        ),
        row(
            kind="integer",
            name="birth_year",
            label=Label("Năm sinh", "Year of birth"),
            required=True,
            constraint=". >= 1900 and . <= 2100",
            constraint_message=Label(
                "Năm sinh phải từ 1900 đến 2100", "The year of birth must be 1900 to 2100"
            ),
            **extra,
        ),
        row(
            kind=group_type,
            name="target_group",
            label=Label("Nhóm đối tượng", "Target group"),
            hint=Label(
                "Nhóm theo bộ tiêu chí; bỏ trống nếu không thuộc nhóm nào",
                "The group of the criteria set; leave empty if none applies",
            ),
            **extra,
        ),
        row(kind="calculate", name="age", calculation=AGE_CALCULATION, **extra),
    ]


def build_profile_choices(
    *, groups: Sequence[TargetGroup], with_none: bool = False
) -> list[tuple[str, Choice]]:
    """Return ``(list_name, choice)`` pairs of the profile lists (sex, target groups)."""
    pairs = [
        (PROFILE_SEX_LIST, Choice("male", Label("Nam", "Male"))),
        (PROFILE_SEX_LIST, Choice("female", Label("Nữ", "Female"))),
    ]
    pairs += [(PROFILE_GROUP_LIST, Choice(g.code, g.label)) for g in groups]
    if with_none and groups:
        pairs.append((PROFILE_GROUP_LIST, Choice(NO_GROUP, Label("Không thuộc nhóm nào", "None"))))
    return pairs


def choice_cells(list_name: str, choice: Choice) -> dict[str, Any]:
    return {
        "list_name": list_name,
        "name": choice.name,
        header("label", "vi"): choice.label.vi or None,
        header("label", "en"): choice.label.en or None,
    }


def slug(text: str) -> str:
    """Turn a set code into a valid XLSForm name fragment."""
    cleaned = re.sub(r"[^A-Za-z0-9_]+", "_", text).strip("_").lower()
    return cleaned if cleaned[:1].isalpha() else f"set_{cleaned}"


def rename_refs(*, text: str, names: Mapping[str, str]) -> str:
    """Rewrite ``${old}`` references to ``${new}`` in an expression."""
    if not text or not names:
        return text
    return REF.sub(lambda m: "${" + names.get(m.group(1), m.group(1)) + "}", text)


def write_xlsform(specs: Sequence[CriteriaSpec], target: str | Path | BinaryIO) -> None:
    """Write one plain XLSForm asking the questions of ``specs`` (e.g. citizen + household)."""
    if not specs:
        raise ValueError("write_xlsform needs at least one criteria set")
    taken_names = {*HOUSEHOLD_DETAILS, *PROFILE_QUESTIONS, MEMBERS, "household"}
    taken_lists = {PROFILE_SEX_LIST, PROFILE_GROUP_LIST}
    written_questions: dict[str, tuple[Question, str]] = {}
    written_lists: dict[str, tuple[Choice, ...]] = {}
    list_rows: list[dict[str, Any]] = []
    household_rows: list[dict[str, Any]] = []
    member_rows: list[dict[str, Any]] = []
    groups: list[TargetGroup] = []
    gated = False

    for spec in specs:
        prefix = f"{slug(spec.code)}_v{spec.version}"
        list_names = _merge_lists(
            spec=spec,
            prefix=prefix,
            taken=taken_lists,
            written=written_lists,
            out=list_rows,
        )
        names: dict[str, str] = {}
        kept: list[Question] = []
        for question in spec.questions:
            new = question.code
            list_name = list_names.get(question.choice_list or "", "")
            existing = written_questions.get(new)
            if existing and _same_question(first=existing, second=question, list_name=list_name):
                names[question.code] = new
                continue  # shared with an earlier set: ask it once
            if new in taken_names:
                new = _free_name(f"{prefix}_{question.code}", taken_names)
            taken_names.add(new)
            names[question.code] = new
            kept.append(question)
            written_questions[new] = (question, list_name)
        for group in spec.target_groups:
            if all(g.code != group.code for g in groups):
                groups.append(group)
        relevant = ""
        if spec.subject == "citizen" and spec.target_groups:
            gated = True
            relevant = " or ".join(f"${{target_group}} = '{g.code}'" for g in spec.target_groups)
        for level, out in (("household", household_rows), ("member", member_rows)):
            questions = [q for q in kept if q.level == level]
            if not questions:
                continue
            group_name = _free_name(f"set_{prefix}_{level}", taken_names)
            taken_names.add(group_name)
            out.append(
                row(
                    kind="begin group",
                    name=group_name,
                    label=spec.title,
                    relevant=relevant if level == "member" else "",
                )
            )
            for question in questions:
                out.append(_field_row(question=question, names=names, lists=list_names))
            out.append(row(kind="end group"))

    survey = [
        row(
            kind="begin group",
            name="household",
            label=Label("Thông tin hộ gia đình", "Household details"),
        ),
        row(
            kind="text",
            name="commune_code",
            label=Label("Mã xã/phường (mã thống kê 5 số)", "Commune code (5-digit GSO code)"),
            required=True,
            constraint="regex(., '^[0-9]{5}$')",
            constraint_message=Label("Mã gồm đúng 5 chữ số", "The code has exactly 5 digits"),
        ),
        row(kind="text", name="village", label=Label("Thôn, tổ dân phố", "Village")),
        row(kind="text", name="address", label=Label("Địa chỉ", "Address")),
        row(
            kind="text",
            name="head_name",
            label=Label("Họ tên chủ hộ", "Head of household"),
            required=True,
        ),
        row(kind="end group"),
        *household_rows,
        row(
            kind="begin repeat",
            name=MEMBERS,
            label=Label("Thành viên hộ gia đình", "Household members"),
        ),
        *build_profile_rows(has_groups=bool(groups)),
        *member_rows,
        row(kind="end repeat"),
    ]
    choices = [choice_cells(n, c) for n, c in build_profile_choices(groups=groups, with_none=gated)]
    choices += list_rows
    settings = {
        "form_title": " + ".join(spec.title.vi for spec in specs),
        "form_id": "_".join(f"{slug(s.code)}_v{s.version}" for s in specs),
        "version": ".".join(str(s.version) for s in specs),
        "default_language": DEFAULT_LANGUAGE,
        "instance_name": "concat(${commune_code}, ' - ', ${head_name})",
    }
    workbook = Workbook()
    write_sheet(
        workbook.active, title="survey", headers=[*SURVEY_HEADERS, "read_only"], rows=survey
    )
    write_sheet(workbook.create_sheet(), title="choices", headers=CHOICES_HEADERS, rows=choices)
    write_sheet(workbook.create_sheet(), title="settings", headers=list(settings), rows=[settings])
    workbook.save(target)


def _same_question(*, first: tuple[Question, str], second: Question, list_name: str) -> bool:
    """Tell whether a later set's question is the one already written (lists as written)."""
    question, written_list = first
    return (
        replace(question, choice_list=None) == replace(second, choice_list=None)
        and written_list == list_name
    )


def _free_name(name: str, taken: set[str]) -> str:
    candidate, counter = name, 2
    while candidate in taken:
        candidate, counter = f"{name}_{counter}", counter + 1
    return candidate


def _merge_lists(
    *,
    spec: CriteriaSpec,
    prefix: str,
    taken: set[str],
    written: dict[str, tuple[Choice, ...]],
    out: list[dict[str, Any]],
) -> dict[str, str]:
    """Add the set's choice lists; return how each list name is written in the form."""
    names: dict[str, str] = {}
    for choice_list in spec.choice_lists:
        if written.get(choice_list.name) == choice_list.choices:
            names[choice_list.name] = choice_list.name
            continue
        new = choice_list.name
        if new in taken:
            new = _free_name(f"{prefix}_{choice_list.name}", taken)
        taken.add(new)
        written[new] = choice_list.choices
        names[choice_list.name] = new
        out += [choice_cells(new, choice) for choice in choice_list.choices]
    return names


def _field_row(
    *, question: Question, names: Mapping[str, str], lists: Mapping[str, str]
) -> dict[str, Any]:
    hint = question.hint
    if question.reviewer_only:
        hint = Label(
            f"{hint.vi} (Người kiểm tra chấm theo minh chứng)".strip(),
            f"{hint.en} (Scored by the reviewer from evidence)".strip(),
        )
    return question_row(
        Question(
            code=names.get(question.code, question.code),
            level=question.level,
            type=question.type,
            label=question.label,
            choice_list=lists.get(question.choice_list or "", question.choice_list),
            hint=hint,
            required=question.required and not question.reviewer_only,
            relevant=rename_refs(text=question.relevant, names=names),
            constraint=rename_refs(text=question.constraint, names=names),
            constraint_message=question.constraint_message,
        ),
        read_only="yes" if question.reviewer_only else None,
    )


def write_sheet(
    sheet: Any, *, title: str, headers: Sequence[str], rows: Sequence[Mapping[str, Any]]
) -> None:
    """Fill a worksheet: bold header row, then one row per mapping (missing keys stay empty)."""
    sheet.title = title
    for column, text in enumerate(headers, start=1):
        sheet.cell(row=1, column=column, value=text).font = Font(bold=True)
    for number, values in enumerate(rows, start=2):
        for column, key in enumerate(headers, start=1):
            put(sheet, row=number, column=column, value=values.get(key))
    sheet.freeze_panes = "A2"


def put(sheet: Any, *, row: int, column: int, value: Any) -> Any:
    """Write a cell; text is always stored as text, even when it starts with "="."""
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # otherwise openpyxl would store a formula
    return cell
