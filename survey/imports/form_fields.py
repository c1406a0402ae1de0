"""The field form's data fields, and where a tool's export puts each of them.

The fields are read back from the XLSForm users download (``criteria.xlsform``), so a
question renamed to keep XLSForm names unique is found under its new name. A field's
column is any suffix of its group path, joined by any separator a tool may use.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from python_calamine import CalamineWorkbook

from criteria.spec import CriteriaSpec
from criteria.xlsform import MEMBERS, slug, write_xlsform
from survey.imports.sheets import Sheet
from survey.steps import plan_steps

SEPARATORS = ("/", "-", ".", ":", "_")
HOUSEHOLD_DETAILS = {
    "commune_code": "unit",
    "village": "village",
    "address": "address",
    "head_name": "head_name",
}


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


def column_map(sheet: Sheet, fields: Sequence[FormField]) -> tuple[dict[str, int], dict[str, int]]:
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


def find_column(index_of: dict[str, int], names: Sequence[str]) -> tuple[str, int] | None:
    """Return (header, column) of the first of ``names`` the sheet has, or None."""
    for name in names:
        if name in index_of:
            return name, index_of[name]
    return None


def last_segment_map(index_of: dict[str, int], names: Sequence[str]) -> dict[str, int]:
    """Return name -> column for headers whose last path segment is one of ``names``."""
    found: dict[str, int] = {}
    for header, index in index_of.items():
        for separator in SEPARATORS[:-1]:
            header = header.rsplit(separator, 1)[-1]
        if header in names:
            found.setdefault(header, index)
    return found
