"""Read a household sent as JSON (the sync API) under the web form's own rules.

The household becomes a one-row sheet and its members a sheet of rows, named by the
fields the file checks read, so exactly the checks of a file import run (``checks``):
the details through ``HouseholdForm`` and ``MemberForm`` fields, every answer through
the field the form builds for it, relevance, required answers and constraints in the
order of the form's steps. Each problem is then named by its place in the JSON
(``members[1].birth_year``, ``members[0].answers.learning_plan``). Pure: nothing here
reads or writes the database.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from survey.imports.checks import Checker
from survey.imports.context import ImportContext
from survey.imports.rows import RawHousehold, Record
from survey.imports.sheets import Sheet
from survey.services import Submission
from survey.shape import HOUSEHOLD_FIELDS, MAX_MEMBERS, MEMBER_FIELDS
from survey.steps import plan_steps

HOUSEHOLD_SHEET = "household"
MEMBERS_SHEET = "members"


@dataclass(frozen=True)
class FieldProblem:
    """A problem with one field of the JSON household, in both languages."""

    field: str
    vi: str
    en: str
    # Not a household of this form at all (its shape, or questions the form lacks).
    structural: bool = False

    def message(self, language: str = "vi") -> str:
        return self.en if language.startswith("en") and self.en else self.vi


def _text(value: Any) -> str:
    """A JSON value as the text of a cell: a multiple choice is its codes joined by spaces."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (list, tuple)):
        return " ".join(_text(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _sheet(name: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> Sheet:
    return Sheet(name=name, rows=[list(header), *map(list, rows)], letters=False)


def _plan_codes(context: ImportContext) -> tuple[list[str], list[str]]:
    """The member and the household question codes of the form, in the form's order.

    Every one gets a column, answered or not, so a required answer left out is reported.
    """
    member: list[str] = []
    household: list[str] = []
    for step in plan_steps(citizen=context.citizen, household=context.household):
        target = {"member_questions": member, "household_questions": household}.get(step.kind)
        if target is not None:
            target.extend(q.code for q in step.questions if q.code not in target)
    return member, household


def _unknown(answers: Mapping[str, Any], known: Sequence[str], where: str) -> list[FieldProblem]:
    return [
        FieldProblem(
            f"{where}.{code}",
            f"Không có câu hỏi “{code}” trong biểu mẫu của đợt này.",
            f"There is no question “{code}” in this round's form.",
            structural=True,
        )
        for code in answers
        if code not in known
    ]


def _unit_code(value: Any) -> str:
    # A client may send the unit's key ("04528@2020-02-01"); the checks read its code.
    return _text(value).split("@")[0]


def read_payload(
    *, payload: Mapping[str, Any], client_id: uuid.UUID, context: ImportContext
) -> tuple[Submission | None, list[FieldProblem]]:
    """Return the household as a submission, or None and every problem by JSON field."""
    shape = _shape_problems(payload)
    if shape:
        return None, shape
    household = payload["household"]
    members = payload["members"]
    member_codes, household_codes = _plan_codes(context)
    unknown = _unknown(payload.get("answers") or {}, household_codes, "answers")
    for n, member in enumerate(members):
        unknown += _unknown(member.get("answers") or {}, member_codes, f"members[{n}].answers")
    if unknown:
        return None, unknown
    head = [*HOUSEHOLD_FIELDS, *(f"answers.{c}" for c in household_codes)]
    row = [
        _unit_code(household.get("unit")),
        *(_text(household.get(name)) for name in HOUSEHOLD_FIELDS[1:]),
        *(_text((payload.get("answers") or {}).get(c)) for c in household_codes),
    ]
    main = _sheet(HOUSEHOLD_SHEET, head, [row])
    member_head = [*MEMBER_FIELDS, *(f"answers.{c}" for c in member_codes)]
    member_rows = [
        [
            *(_text(m.get(name)) for name in MEMBER_FIELDS),
            *(_text((m.get("answers") or {}).get(c)) for c in member_codes),
        ]
        for m in members
    ]
    repeat = _sheet(MEMBERS_SHEET, member_head, member_rows)
    main_fields = {name: i for i, name in enumerate(HOUSEHOLD_FIELDS)}
    main_fields.update({f"q:{c}": len(HOUSEHOLD_FIELDS) + i for i, c in enumerate(household_codes)})
    member_fields = {name: i for i, name in enumerate(MEMBER_FIELDS)}
    member_fields.update({f"q:{c}": len(MEMBER_FIELDS) + i for i, c in enumerate(member_codes)})
    raw = RawHousehold(
        record=Record(main, 2, row, main_fields),
        key=str(client_id),
        key_field="unit",
        source=client_id,
        members=[
            Record(repeat, n, values, member_fields) for n, values in enumerate(member_rows, 2)
        ],
    )
    checker = Checker(context=context)
    parsed = checker.household(raw)
    problems = [_located(p) for p in checker.problems]
    if parsed is None or problems:
        return None, problems
    return parsed.submission, []


def _located(problem) -> FieldProblem:
    column = problem.column or ""
    if problem.sheet == MEMBERS_SHEET and problem.row is not None:
        field = f"members[{problem.row - 2}]" + (f".{column}" if column else "")
    else:
        field = column or "household"
    if field.split(".")[0] in HOUSEHOLD_FIELDS:
        field = f"household.{field}"
    return FieldProblem(field, problem.vi, problem.en)


def _shape_problems(payload: Mapping[str, Any]) -> list[FieldProblem]:
    """Refuse what is not a household at all, before any field is read."""
    problems = []
    if not isinstance(payload.get("household"), Mapping):
        problems.append(
            _shape("household", "Thiếu thông tin hộ.", "The household details are missing.")
        )
    members = payload.get("members")
    if not isinstance(members, list) or not all(isinstance(m, Mapping) for m in members):
        problems.append(
            _shape("members", "Thiếu danh sách thành viên.", "The members are missing.")
        )
    elif not members or len(members) > MAX_MEMBERS:
        problems.append(
            _shape(
                "members",
                f"Hộ phải có từ 1 đến {MAX_MEMBERS} thành viên.",
                f"A household has 1 to {MAX_MEMBERS} members.",
            )
        )
    answers = payload.get("answers", {})
    if answers is not None and not isinstance(answers, Mapping):
        problems.append(_shape("answers", "Câu trả lời của hộ không hợp lệ.", "Invalid answers."))
    for n, member in enumerate(members if isinstance(members, list) else []):
        if isinstance(member, Mapping) and not isinstance(member.get("answers") or {}, Mapping):
            problems.append(
                _shape(
                    f"members[{n}].answers",
                    "Câu trả lời của thành viên không hợp lệ.",
                    "Invalid answers.",
                )
            )
    return problems


def _shape(field: str, vi: str, en: str) -> FieldProblem:
    return FieldProblem(field, vi, en, structural=True)
