"""The columns of the paper data-entry workbook, shared by its writer and its reader.

One households sheet (one row per household) and one members sheet (one row per
member, linked to its household by the household key). Every header is the
Vietnamese label followed by the column's code in brackets, ``Năm sinh
[birth_year]``: the reader finds columns by that code, so columns may be moved,
and the label may be edited, but the code must stay.

The question columns follow the household form's steps (``survey.steps.plan_steps``)
so the paper form asks exactly what the web form asks, in the same order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from criteria.spec import CriteriaSpec, Label, Question
from survey.imports.problems import bilingual
from survey.reference import EDUCATION_LEVELS, ETHNIC_GROUPS, RELATIONSHIPS, SEXES
from survey.shape import MEMBER_FIELDS
from survey.steps import plan_steps

INSTRUCTIONS_SHEET = "Hướng dẫn"
HOUSEHOLDS_SHEET = "Hộ gia đình"
MEMBERS_SHEET = "Thành viên"
UNITS_SHEET = "Đơn vị"
LISTS_SHEET = "Danh mục"
META_SHEET = "_cdht"  # hidden: the round and versions the template was made for
TEMPLATE_FORMAT = "cdht-entry/1"

# "Label [code]": the code is the last bracketed word of the header.
HEADER_CODE = re.compile(r"\[\s*([A-Za-z_][A-Za-z0-9_.:-]*)\s*\]\s*$")

KEY = "household_key"
UNIT = "unit"
HOUSEHOLD_FIXED = (KEY, UNIT, "village", "address", "head_name", "survey_date")
MEMBER_FIXED = (KEY, *MEMBER_FIELDS)


@dataclass(frozen=True)
class Column:
    """One column: ``code`` is what the header carries; ``field`` what it fills.

    ``field`` is a fixed field name (``village``, ``sex``...) or ``q:<question code>``.
    """

    code: str
    field: str
    label: Label
    kind: str  # key, unit, text, date, year, select_one, select_multiple, integer, decimal
    required: bool = False
    hint: Label = field(default_factory=lambda: Label(""))
    choices: tuple[tuple[str, Label], ...] = ()
    question: Question | None = None
    source: str = ""  # the set that asks a question: "citizen" or "household"
    list_name: str = ""  # the choice list a select column draws from (the lists sheet)

    @property
    def header(self) -> str:
        return f"{self.label.vi} [{self.code}]"


def header_code(text: str) -> str | None:
    """Return the code of a header ("Năm sinh [birth_year]" -> "birth_year"), or None."""
    match = HEADER_CODE.search(text or "")
    return match.group(1) if match else None


def _pairs(choices: Sequence[tuple[str, object]]) -> tuple[tuple[str, Label], ...]:
    return tuple((code, Label(*bilingual(label))) for code, label in choices)


def sex_choices() -> tuple[tuple[str, Label], ...]:
    return _pairs(SEXES)


def ethnic_choices() -> tuple[tuple[str, Label], ...]:
    return tuple((code, Label(name, name)) for code, name in ETHNIC_GROUPS)


def education_choices() -> tuple[tuple[str, Label], ...]:
    return _pairs(EDUCATION_LEVELS)


def relationship_choices() -> tuple[tuple[str, Label], ...]:
    return _pairs(RELATIONSHIPS)


def group_choices(citizen: CriteriaSpec) -> tuple[tuple[str, Label], ...]:
    return tuple((g.code, g.label) for g in citizen.target_groups)


def household_columns(*, citizen: CriteriaSpec, household: CriteriaSpec | None) -> list[Column]:
    columns = [
        Column(
            KEY,
            KEY,
            Label("Mã hộ", "Household key"),
            "key",
            required=True,
            hint=Label(
                "Số hoặc mã tự đặt, mỗi hộ một mã khác nhau trong tệp; các thành viên của hộ "
                "ghi cùng mã này ở sheet “Thành viên”",
                "A number or code of your own, different for each household in the file; the "
                "household's members carry the same key on the members sheet",
            ),
        ),
        Column(
            UNIT,
            UNIT,
            Label("Xã/phường/thị trấn", "Commune"),
            "unit",
            required=True,
            hint=Label(
                "Chọn trong danh sách (mã - tên); có thể ghi mã 5 số hoặc tên đơn vị",
                "Pick from the list (code - name); the 5-digit code or the name also work",
            ),
        ),
        Column(
            "village", "village", Label("Thôn, bản, tổ dân phố", "Village"), "text", required=True
        ),
        Column("address", "address", Label("Địa chỉ", "Address"), "text"),
        Column(
            "head_name",
            "head_name",
            Label("Họ và tên chủ hộ", "Head of household"),
            "text",
            required=True,
        ),
        Column(
            "survey_date",
            "survey_date",
            Label("Ngày khảo sát", "Survey date"),
            "date",
            required=True,
            hint=Label("Ngày/tháng/năm, ví dụ 15/07/2021", "Day/month/year, e.g. 15/07/2021"),
        ),
    ]
    return columns + _question_columns(
        citizen=citizen, household=household, kind="household_questions", taken=HOUSEHOLD_FIXED
    )


def member_columns(*, citizen: CriteriaSpec, household: CriteriaSpec | None) -> list[Column]:
    columns = [
        Column(
            KEY,
            KEY,
            Label("Mã hộ", "Household key"),
            "key",
            required=True,
            hint=Label(
                "Mã hộ như ở sheet “Hộ gia đình”", "The household key of the households sheet"
            ),
        ),
        Column("full_name", "full_name", Label("Họ và tên", "Full name"), "text", required=True),
        Column(
            "sex",
            "sex",
            Label("Giới tính", "Sex"),
            "select_one",
            required=True,
            choices=sex_choices(),
            list_name="sex",
        ),
        Column(
            "birth_year",
            "birth_year",
            Label("Năm sinh", "Year of birth"),
            "year",
            required=True,
            hint=Label("Bốn chữ số, ví dụ 1981", "Four digits, e.g. 1981"),
        ),
        Column(
            "ethnicity",
            "ethnicity",
            Label("Dân tộc", "Ethnic group"),
            "select_one",
            required=True,
            choices=ethnic_choices(),
            list_name="ethnicity",
        ),
        Column(
            "education",
            "education",
            Label("Trình độ học vấn", "Education"),
            "select_one",
            required=True,
            choices=education_choices(),
            list_name="education",
        ),
        Column(
            "target_group",
            "target_group",
            Label("Nhóm đối tượng", "Target group"),
            "select_one",
            choices=group_choices(citizen),
            list_name="target_group",
            hint=Label(
                "Để trống nếu không thuộc nhóm đánh giá (trẻ nhỏ, người cao tuổi...)",
                "Leave empty for someone in no assessed group (young children, older people...)",
            ),
        ),
        Column(
            "relationship",
            "relationship",
            Label("Quan hệ với chủ hộ", "Relationship to the head"),
            "select_one",
            required=True,
            choices=relationship_choices(),
            list_name="relationship",
        ),
    ]
    return columns + _question_columns(
        citizen=citizen, household=household, kind="member_questions", taken=MEMBER_FIXED
    )


def _question_columns(
    *,
    citizen: CriteriaSpec,
    household: CriteriaSpec | None,
    kind: str,
    taken: Sequence[str],
) -> list[Column]:
    columns: list[Column] = []
    seen: set[str] = set()
    specs = {"citizen": citizen, "household": household}
    for step in plan_steps(citizen=citizen, household=household):
        if step.kind != kind:
            continue
        spec = specs[step.source]
        assert spec is not None  # a step of a set only exists when the round has the set
        for question in step.questions:
            if question.code in seen:
                continue  # asked in two sets: one column, checked under both
            seen.add(question.code)
            choices: tuple[tuple[str, Label], ...] = ()
            list_name = ""
            if question.choice_list:
                choices = tuple(
                    (c.name, c.label) for c in spec.choice_list(question.choice_list).choices
                )
                list_name = f"{step.source}:{question.choice_list}"
            code = question.code if question.code not in taken else f"q.{question.code}"
            columns.append(
                Column(
                    code,
                    f"q:{question.code}",
                    question.label,
                    question.type,
                    required=question.required,
                    hint=question.hint,
                    choices=choices,
                    question=question,
                    source=step.source,
                    list_name=list_name,
                )
            )
    return columns
