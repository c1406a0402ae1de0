"""Reading the survey sheet: the repeat of members, groups, and each question."""

from __future__ import annotations

import re

from criteria.spec import QUESTION_TYPES, Question
from criteria.validation import PROFILE_QUESTIONS
from criteria.workbook.layout import PROFILE
from criteria.workbook.sheets import Sheet, SheetReader
from criteria.xlsform import MEMBERS


def read_survey(reader: SheetReader) -> list[Question]:
    sheet = reader.sheet("survey")
    places = reader.at.items.setdefault("questions", [])
    if sheet is None:
        return []
    before: list[tuple[Question, int]] = []
    inside: list[tuple[Question, int]] = []
    after: list[tuple[Question, int]] = []
    repeat_row: int | None = None
    repeats_seen = 0
    groups: list[int] = []
    for number, values in sheet.rows:
        kind = " ".join(reader.text(sheet, values, "type").split())
        structure = re.fullmatch(r"(begin|end)[ _](repeat|group)", kind.lower())
        if structure:
            action, what = structure.groups()
            if what == "group":
                if action == "begin":
                    groups.append(number)
                elif groups:
                    groups.pop()
                else:
                    reader.report(
                        sheet,
                        number,
                        "type",
                        "“end group” không có “begin group” tương ứng",
                        "“end group” has no matching “begin group”",
                    )
            elif action == "begin":
                if repeat_row is not None:
                    reader.report(
                        sheet,
                        number,
                        "type",
                        "Không dùng được nhóm lặp (repeat) lồng trong nhóm lặp",
                        "A repeat inside a repeat is not supported",
                    )
                elif repeats_seen:
                    reader.report(
                        sheet,
                        number,
                        "type",
                        f"Chỉ dùng một nhóm lặp “{MEMBERS}” cho các thành viên",
                        f"Use a single repeat “{MEMBERS}” for the members",
                    )
                else:
                    repeat_row = number
                    repeats_seen += 1
            elif repeat_row is None:
                reader.report(
                    sheet,
                    number,
                    "type",
                    "“end repeat” không có “begin repeat” tương ứng",
                    "“end repeat” has no matching “begin repeat”",
                )
            else:
                repeat_row = None
            continue
        name = reader.code(sheet, values, "name")
        role = reader.code(sheet, values, "role").lower()
        if role == PROFILE or (
            "role" not in sheet.columns and repeat_row is not None and name in PROFILE_QUESTIONS
        ):
            continue
        question = read_question(reader, sheet, number, values, kind, member=repeat_row is not None)
        target = inside if repeat_row is not None else (after if repeats_seen else before)
        target.append((question, number))
    if repeat_row is not None:
        reader.report(
            sheet,
            repeat_row,
            "type",
            "“begin repeat” chưa có “end repeat”",
            "“begin repeat” has no “end repeat”",
        )
    for number in groups:
        reader.report(
            sheet,
            number,
            "type",
            "“begin group” chưa có “end group”",
            "“begin group” has no “end group”",
        )
    ordered = before + inside + after
    places += [(q.code, number) for q, number in ordered]
    return [q for q, _ in ordered]


def read_question(
    reader: SheetReader, sheet: Sheet, number: int, values: tuple, kind: str, *, member: bool
) -> Question:
    select = re.fullmatch(r"(select[ _]one|select[ _]multiple)(?:\s+(\S+))?", kind, re.I)
    if select:
        question_type = select.group(1).lower().replace(" ", "_")
        choice_list = select.group(2)
    else:
        question_type = kind.lower() if kind.lower() in QUESTION_TYPES else kind
        choice_list = None
    return Question(
        code=reader.code(sheet, values, "name"),
        level="member" if member else "household",
        type=question_type,
        label=reader.label(sheet, values),
        choice_list=choice_list,
        hint=reader.label(sheet, values, "hint"),
        required=reader.boolean(sheet, number, values, "required", default=False),
        relevant=reader.text(sheet, values, "relevant"),
        constraint=reader.text(sheet, values, "constraint"),
        constraint_message=reader.label(sheet, values, "constraint_message"),
        reviewer_only=reader.boolean(sheet, number, values, "reviewer_only", default=False),
    )
