"""Turn the rows of a file into household submissions under the web form's own rules.

Pure: plain rows and a plain context in; ``Submission`` objects and located
problems out. Nothing here reads or writes the database.

Every rule is the web form's: each answer is cleaned by the field the form
builds for it (``survey.forms.FIELD_BUILDERS``), relevance is
``survey.steps.is_asked`` in the order of the form's steps, required answers and
constraints are ``survey.forms.check_answer``, and the household and member
details go through the fields of ``HouseholdForm`` and ``MemberForm``, with the
same group-age and one-head checks. A question that is not asked is never
required, and an answer to it is dropped, as the web form drops it.

Those rules are pure functions of a few values, so their results are memoised
on exactly the values they read (the raw text of a cell; the group and the
answers a ``relevant`` or ``constraint`` expression names): a file of 100,000
members repeats the same few values in every column.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django import forms
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from criteria.expressions import holds, parse
from criteria.spec import CriteriaSpec, Label, Question
from survey.forms import (
    REQUIRED_MESSAGE,
    HouseholdForm,
    MemberForm,
    build_question_field,
    check_answer,
    is_empty,
    to_json,
)
from survey.imports.files import Sheet
from survey.imports.layout import (
    MAX_MEMBERS,
    education_choices,
    ethnic_choices,
    group_choices,
    relationship_choices,
    sex_choices,
)
from survey.imports.problems import Problem, bilingual
from survey.services import Submission
from survey.steps import is_asked, member_values, plan_steps
from units.text import name_key, nfc

BUILTINS = ("age", "target_group", "sex")
AMBIGUOUS = object()
ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
DMY_DAY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
CODE_AND_NAME = re.compile(r"^(\d{1,5})(?:\s*[-–—:.]\s*(.*))?$")
SEPARATORS = re.compile(r"[\s,;]+")
# The web form's own messages (survey.forms), translated by the same catalogue.
PERIOD_MESSAGE = gettext_noop("Ngày khảo sát phải trong thời gian của đợt (%(start)s – %(end)s).")
ONE_HEAD_MESSAGE = gettext_noop("Một hộ chỉ có một chủ hộ.")


# Context --------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitInfo:
    key: str
    code: str
    name: str


@dataclass(frozen=True)
class ImportContext:
    """What checking a file needs to know, as plain data (built by the service)."""

    round_code: str
    period: tuple[date, date]
    citizen: CriteriaSpec
    household: CriteriaSpec | None
    units: UnitDirectory
    reviewer: bool  # may answer reviewer-only questions (as on the web form)
    zone: str = "Asia/Ho_Chi_Minh"  # where submission times become survey dates


class UnitDirectory:
    """Resolve what a file says about a unit (code, "code - name", or name) to a round unit.

    ``find_by_name(name, accents)`` answers a name look-up among the communes valid
    when the round starts (``units.selectors.find_units_by_name``); an accent-insensitive
    look-up that finds several units is reported with every candidate, never guessed.
    """

    def __init__(
        self,
        *,
        round_units: Sequence[UnitInfo],
        allowed: Collection[str],
        find_by_name: Callable[[str, bool], Sequence[UnitInfo]],
    ):
        self.by_code = {u.code: u for u in round_units}
        self.in_round = {u.key for u in round_units}
        self.allowed = frozenset(allowed)
        self.find_by_name = find_by_name
        self.memo: dict[str, tuple[str | None, tuple[str, str] | None]] = {}

    def resolve(self, text: str) -> tuple[str | None, tuple[str, str] | None]:
        """Return (unit key, None) or (None, (vi, en) problem)."""
        hit = self.memo.get(text)
        if hit is None:
            hit = self.memo[text] = self._resolve(text)
        return hit

    def _resolve(self, text: str) -> tuple[str | None, tuple[str, str] | None]:
        match = CODE_AND_NAME.match(text)
        if match:
            code, name = match.group(1).zfill(5), (match.group(2) or "").strip()
            unit = self.by_code.get(code)
            if unit is None:
                return None, (
                    f"Không có xã/phường mã “{code}” trong đợt khảo sát này",
                    f"There is no commune with code “{code}” in this round",
                )
            if name and not self._same_name(name, unit):
                return None, (
                    f"Mã “{code}” là {unit.name}, không phải “{name}”",
                    f"Code “{code}” is {unit.name}, not “{name}”",
                )
            return self._allowed(unit)
        found = list(self.find_by_name(text, True)) or list(self.find_by_name(text, False))
        if len(found) > 1:
            names = ", ".join(f"{u.name} ({u.code})" for u in found)
            return None, (
                f"“{text}” khớp với nhiều đơn vị: {names}; hãy ghi mã, hoặc tên có đủ dấu",
                f"“{text}” matches several units: {names}; write the code, or the name with "
                "all its accents",
            )
        if not found:
            return None, (
                f"Không tìm thấy xã/phường “{text}” trong đợt khảo sát này",
                f"No commune named “{text}” in this round",
            )
        unit = found[0]
        if unit.key not in self.in_round:
            return None, (
                f"{unit.name} ({unit.code}) không thuộc đợt khảo sát này",
                f"{unit.name} ({unit.code}) is not in this round",
            )
        return self._allowed(unit)

    def _same_name(self, name: str, unit: UnitInfo) -> bool:
        return any(u.key == unit.key for u in self.find_by_name(name, True))

    def _allowed(self, unit: UnitInfo) -> tuple[str | None, tuple[str, str] | None]:
        if unit.key not in self.allowed:
            return None, (
                f"Bạn không được nhập số liệu cho {unit.name} ({unit.code}) trong đợt này",
                f"You may not enter data for {unit.name} ({unit.code}) in this round",
            )
        return unit.key, None


# Rows -----------------------------------------------------------------------------------


@dataclass(slots=True)
class Record:
    """One row of a sheet; ``fields`` (shared by the sheet's rows) maps a field to a column."""

    sheet: Sheet
    row: int
    values: list[str]
    fields: Mapping[str, int]

    def column(self, name: str) -> str | None:
        index = self.fields.get(name)
        return None if index is None else self.sheet.column_name(index)


@dataclass(slots=True)
class RawHousehold:
    record: Record
    key: str  # the household key of the file, or the submission's instance ID
    key_field: str  # the field that carries the key (where duplicates are reported)
    source: uuid.UUID | None = None  # the submission's instance UUID (ODK, Kobo)
    members: list[Record] = field(default_factory=list)


@dataclass(frozen=True)
class ParsedHousehold:
    sheet: str
    row: int
    key: str
    key_column: str | None
    source: uuid.UUID | None
    submission: Submission


@dataclass
class Checked:
    households: list[ParsedHousehold]
    problems: list[Problem]
    warnings: list[Problem]
    members: int = 0
    rows: int = 0  # households read, valid or not


# Values ---------------------------------------------------------------------------------


def parse_day(text: str) -> date | None:
    """Read 2021-07-15 (a date-time's date part too) or 15/07/2021; None otherwise."""
    text = text.strip()
    match = ISO_DAY.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = DMY_DAY.match(text)
        if not match:
            return None
        day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _frozen(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _field_result(field_: forms.Field, value: Any) -> tuple[Any, tuple[str, str] | None]:
    """Clean ``value`` with a form field; on failure return its messages in both languages."""
    try:
        return field_.clean(value), None
    except forms.ValidationError:
        pass
    messages = []
    for language in ("vi", "en"):
        with translation.override(language):
            try:
                field_.clean(value)
            except forms.ValidationError as exc:
                messages.append(" ".join(str(m) for m in exc.messages))
    return None, (messages[0], messages[1])


class ChoiceIndex:
    """Find a choice by its code, or by its label in either language (NFC, tone marks)."""

    def __init__(self, choices: Sequence[tuple[str, Label]]):
        self.choices = tuple(choices)
        self.order = {code: n for n, (code, _label) in enumerate(choices)}
        self.by_key: dict[str, Any] = {}
        for code, label in choices:
            for text in {label.vi, label.en} - {""}:
                key = name_key(text)
                known = self.by_key.get(key)
                self.by_key[key] = code if known in (None, code) else AMBIGUOUS
        for code, _label in choices:
            self.by_key[name_key(code)] = code  # a code wins over a label that reads the same
        self.memo: dict[str, Any] = {}

    def find(self, text: str) -> Any:
        """Return the code, None when nothing matches, or AMBIGUOUS."""
        if text in self.order:
            return text
        if text in self.memo:
            return self.memo[text]
        found = self.by_key.get(name_key(text))
        if len(self.memo) < 10_000:
            self.memo[text] = found
        return found

    def listing(self) -> tuple[str, str]:
        vi = ", ".join(f"{label.vi} ({code})" for code, label in self.choices[:20])
        en = ", ".join(f"{label.get('en')} ({code})" for code, label in self.choices[:20])
        more = len(self.choices) > 20
        return vi + (", …" if more else ""), en + (", …" if more else "")


def not_in_list(text: str, index: ChoiceIndex) -> tuple[str, str]:
    vi, en = index.listing()
    return (
        f"“{text}” không có trong danh sách lựa chọn ({vi})",
        f"“{text}” is not one of the choices ({en})",
    )


Cleaned = tuple[Any, Any, tuple[str, str] | None]  # (value, stored JSON value, problem)


class AnswerCleaner:
    """One question's answer from text, through the field the web form builds for it."""

    def __init__(self, *, question: Question, spec: CriteriaSpec):
        self.question = question
        self.field = build_question_field(question=question, spec=spec, language="vi")
        self.index = (
            ChoiceIndex([(c.name, c.label) for c in spec.choice_list(question.choice_list).choices])
            if question.choice_list
            else None
        )
        self.memo: dict[str, Cleaned] = {}

    def clean(self, text: str) -> Cleaned:
        hit = self.memo.get(text)
        if hit is None:
            value, problem = self._clean(text)
            hit = (value, None if problem or is_empty(value) else to_json(value), problem)
            if len(self.memo) < 100_000:
                self.memo[text] = hit
        return hit

    def _clean(self, text: str) -> tuple[Any, tuple[str, str] | None]:
        kind = self.question.type
        if kind == "select_one":
            assert self.index is not None
            code = self.index.find(text)
            if code is None or code is AMBIGUOUS:
                return None, not_in_list(text, self.index)
            return _field_result(self.field, code)
        if kind == "select_multiple":
            assert self.index is not None
            codes, unknown = [], []
            for token in SEPARATORS.split(text):
                if token:
                    code = self.index.find(token)
                    if code is None or code is AMBIGUOUS:
                        unknown.append(token)
                    elif code not in codes:
                        codes.append(code)
            if unknown:
                vi, en = not_in_list(" ".join(unknown), self.index)
                hint_vi = "; nhiều lựa chọn ghi mã, cách nhau bởi dấu cách"
                hint_en = "; several choices are codes separated by spaces"
                return None, (vi + hint_vi, en + hint_en)
            # The web form's checkboxes send the choices in list order.
            codes.sort(key=self.index.order.__getitem__)
            return _field_result(self.field, codes)
        if kind == "decimal" and "," in text and "." not in text:
            text = text.replace(",", ".")  # a decimal comma, as Vietnamese writes numbers
        if kind == "date":
            day = parse_day(text)
            if day is None:
                return None, (
                    f"“{text}” không phải là ngày hợp lệ (ghi ngày/tháng/năm, ví dụ 15/07/2021)",
                    f"“{text}” is not a valid date (write day/month/year, e.g. 15/07/2021)",
                )
            text = day.isoformat()
        return _field_result(self.field, text)


def _char(field_: forms.CharField, text: str) -> tuple[Any, tuple[str, str] | None]:
    """Clean text with a CharField; the common valid case without building an exception."""
    if text and len(text) <= (field_.max_length or len(text)) and "\x00" not in text:
        return text, None  # exactly what the field returns: stripped, not empty, short enough
    return _field_result(field_, text)


# The checker ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Asked:
    source: str
    spec: CriteriaSpec
    question: Question
    cleaner: AnswerCleaner
    field: str
    relevant_names: tuple[str, ...]
    constraint_names: tuple[str, ...]
    blocked: bool  # reviewer-only and the user is no reviewer: the web form does not show it
    code: str = ""
    key: tuple[str, str] = ("", "")

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", self.question.code)
        object.__setattr__(self, "key", (self.field, self.source))


def _names(expression: str) -> tuple[str, ...]:
    return tuple(sorted(parse(expression).names)) if expression.strip() else ()


PROFILE_CHOICES = ("sex", "ethnicity", "education", "target_group", "relationship")
FORMULA_MESSAGE = (
    "Ô chứa công thức Excel “{formula}”; công thức không được tính khi nhập: hãy ghi giá trị",
    "The cell holds an Excel formula “{formula}”; formulas are not evaluated on import: type "
    "the value",
)
REVIEWER_MESSAGE = (
    "Câu này do người kiểm tra chấm theo minh chứng; tài khoản của bạn không được điền",
    "A reviewer scores this question from evidence; your account may not fill it",
)


class Checker:
    """Check households one at a time, collecting every problem; see the module docstring."""

    def __init__(self, *, context: ImportContext, uncollected: Collection[str] = ()):
        self.context = context
        self.uncollected = frozenset(uncollected)  # profile fields the source cannot carry
        self.problems: list[Problem] = []
        self.ignored: Counter[tuple[int, int]] = Counter()
        self.sheets: dict[int, Sheet] = {}
        start, end = context.period
        self.household_fields = HouseholdForm(units=[], period=context.period).fields
        self.member_forms: dict[int, MemberForm] = {}
        citizen, household = context.citizen, context.household
        self.groups = {g.code: (g.min_age, g.max_age) for g in citizen.target_groups}
        self.indexes = {
            "sex": ChoiceIndex(sex_choices()),
            "ethnicity": ChoiceIndex(ethnic_choices()),
            "education": ChoiceIndex(education_choices()),
            "relationship": ChoiceIndex(relationship_choices()),
            "target_group": ChoiceIndex(group_choices(citizen)),
        }
        specs = {"citizen": citizen, "household": household}
        cleaners: dict[tuple[str, str], AnswerCleaner] = {}
        self.member_plan: list[_Asked] = []
        self.household_plan: list[_Asked] = []
        for step in plan_steps(citizen=citizen, household=household):
            if step.kind not in ("member_questions", "household_questions"):
                continue
            spec = specs[step.source]
            assert spec is not None
            for question in step.questions:
                cleaner = cleaners.setdefault(
                    (step.source, question.code), AnswerCleaner(question=question, spec=spec)
                )
                asked = _Asked(
                    step.source,
                    spec,
                    question,
                    cleaner,
                    f"q:{question.code}",
                    _names(question.relevant),
                    _names(question.constraint),
                    blocked=step.kind == "member_questions"
                    and question.reviewer_only
                    and not context.reviewer,
                )
                plan = self.member_plan if step.kind == "member_questions" else self.household_plan
                plan.append(asked)
        self.sheet_plans: dict[tuple[int, str], list[tuple[_Asked, int]]] = {}
        self.kept = frozenset()
        if not context.reviewer:
            self.kept = frozenset(
                q.code for s in (citizen, household) if s for q in s.questions if q.reviewer_only
            )
        self.asked_memo: dict[tuple, bool] = {}
        self.check_memo: dict[tuple, tuple[str, str] | None] = {}
        self.year_memo: dict[tuple[int, str], tuple[Any, tuple[str, str] | None]] = {}
        self.choice_memo: dict[tuple[str, str], tuple[Any, tuple[str, str] | None]] = {}
        self.age_memo: dict[tuple[int, str, int], tuple[str, str] | None] = {}
        dates = {"start": start.strftime("%d/%m/%Y"), "end": end.strftime("%d/%m/%Y")}
        self.period_message = bilingual(
            lambda: gettext(PERIOD_MESSAGE) % dates,
            "The survey date must be within the round ({start} – {end}).".format(**dates),
        )
        self.required_message = bilingual(REQUIRED_MESSAGE, "An answer is required.")
        self.one_head_message = bilingual(
            lambda: gettext(ONE_HEAD_MESSAGE), "A household has only one head."
        )

    # Reporting ----------------------------------------------------------------------

    def add(self, record: Record, name: str | None, message: tuple[str, str]) -> None:
        column = record.column(name) if name else None
        self.problems.append(Problem(record.sheet.name, record.row, column, *message))

    def add_at(self, record: Record, index: int, message: tuple[str, str]) -> None:
        sheet = record.sheet
        self.problems.append(Problem(sheet.name, record.row, sheet.column_name(index), *message))

    def formula(self, record: Record, index: int) -> None:
        formula = record.sheet.formulas[(record.row, index)]
        vi, en = FORMULA_MESSAGE
        self.add_at(record, index, (vi.format(formula=formula), en.format(formula=formula)))

    def value(self, record: Record, name: str) -> str | None:
        """Return a cell's text, stripped; None when the column is absent or holds a formula."""
        index = record.fields.get(name)
        if index is None:
            return None
        if record.sheet.formulas and (record.row, index) in record.sheet.formulas:
            self.formula(record, index)
            return None
        values = record.values
        return values[index].strip() if index < len(values) else ""

    def ignore(self, record: Record, index: int) -> None:
        """Count an answer dropped because its question is not asked (a warning)."""
        sheet = record.sheet
        self.sheets[id(sheet)] = sheet
        self.ignored[(id(sheet), index)] += 1

    def warnings(self) -> list[Problem]:
        return [
            Problem(
                self.sheets[sheet].name,
                None,
                self.sheets[sheet].column_name(index),
                f"{count} câu trả lời bị bỏ qua vì câu hỏi không được hỏi với người/hộ đó "
                "(theo nhóm, tuổi hoặc câu trả lời trước), như trên biểu mẫu web",
                f"{count} answer(s) ignored because the question is not asked of that "
                "person or household (by group, age or an earlier answer), as on the web form",
            )
            for (sheet, index), count in self.ignored.items()
        ]

    def plan_for(self, record: Record, kind: str) -> list[tuple[_Asked, int]]:
        """The questions a sheet has columns for, with their column, in the form's order."""
        key = (id(record.fields), kind)
        plan = self.sheet_plans.get(key)
        if plan is None:
            questions = self.member_plan if kind == "member" else self.household_plan
            plan = self.sheet_plans[key] = [
                (asked, record.fields[asked.field])
                for asked in questions
                if asked.field in record.fields
            ]
        return plan

    # Households ---------------------------------------------------------------------

    def household(self, raw: RawHousehold) -> ParsedHousehold | None:
        """Return the household as a submission, or None after adding its problems."""
        before = len(self.problems)
        record = raw.record
        unit = self._unit(record)
        village = self._text(record, "village")
        address = self._text(record, "address")
        head_name = self._text(record, "head_name")
        day = self._day(record)
        year = (day or self.context.period[0]).year
        members = [self.member(member, year=year) for member in raw.members]
        self._member_count(raw)
        answers = self.household_answers(record)
        if len(self.problems) > before:
            return None
        return ParsedHousehold(
            sheet=record.sheet.name,
            row=record.row,
            key=raw.key,
            key_column=record.column(raw.key_field),
            source=raw.source,
            submission=Submission(
                unit=unit or "",
                village=village or "",
                address=address or "",
                head_name=head_name or "",
                survey_date=day or self.context.period[0],
                members=[m for m in members if m is not None],
                household_answers=answers,
                kept_answers=self.kept,
            ),
        )

    def _unit(self, record: Record) -> str | None:
        text = self.value(record, "unit")
        if text is None:
            return None
        if not text:
            self.add(record, "unit", self.required_message)
            return None
        key, problem = self.context.units.resolve(text)
        if problem:
            self.add(record, "unit", problem)
        return key

    def _text(self, record: Record, name: str) -> str | None:
        text = self.value(record, name)
        if text is None:
            return ""
        value, problem = _char(self.household_fields[name], text)
        if problem:
            self.add(record, name, problem)
            return None
        return nfc(" ".join(value.split()))  # as HouseholdForm.clean_<name>

    def _day(self, record: Record) -> date | None:
        text = self.value(record, "survey_date")
        if text is None:
            return None
        if not text:
            self.add(record, "survey_date", self.required_message)
            return None
        day = parse_day(text)
        if day is None:
            self.add(
                record,
                "survey_date",
                (
                    f"“{text}” không phải là ngày hợp lệ (ghi ngày/tháng/năm, ví dụ 15/07/2021)",
                    f"“{text}” is not a valid date (write day/month/year, e.g. 15/07/2021)",
                ),
            )
            return None
        start, end = self.context.period
        if not start <= day <= end:
            self.add(record, "survey_date", self.period_message)
            return None
        return day

    def _member_count(self, raw: RawHousehold) -> None:
        count = len(raw.members)
        if count == 0:
            self.add(
                raw.record,
                raw.key_field,
                (
                    f"Hộ “{raw.key}” không có thành viên nào (mỗi hộ cần ít nhất một dòng "
                    "thành viên cùng mã hộ)",
                    f"Household “{raw.key}” has no members (each household needs at least "
                    "one member row with its key)",
                ),
            )
        elif count > MAX_MEMBERS:
            self.add(
                raw.record,
                raw.key_field,
                (
                    f"Hộ “{raw.key}” có {count} thành viên; tối đa {MAX_MEMBERS}",
                    f"Household “{raw.key}” has {count} members; at most {MAX_MEMBERS}",
                ),
            )
        heads = [m for m in raw.members if self._is_head(m)]
        for extra in heads[1:]:
            self.add(extra, "relationship", self.one_head_message)

    def _is_head(self, record: Record) -> bool:
        index = record.fields.get("relationship")
        if index is None or index >= len(record.values):
            return False
        text = record.values[index].strip()
        return bool(text) and self.indexes["relationship"].find(text) == "head"

    def household_answers(self, record: Record) -> dict[str, Any]:
        """The household questions, as ``HouseholdQuestionsForm.clean`` checks them."""
        answers: dict[str, Any] = {}
        formulas = record.sheet.formulas
        values = record.values
        for asked, index in self.plan_for(record, "household"):
            if formulas and (record.row, index) in formulas:
                self.formula(record, index)
                continue
            text = values[index].strip() if index < len(values) else ""
            question = asked.question
            if not holds(question.relevant, answers):
                if text:
                    self.ignore(record, index)
                continue
            self._answer(record, index, asked, text, answers, None)
        return answers

    def _answer(
        self,
        record: Record,
        index: int,
        asked: _Asked,
        text: str,
        answers: dict[str, Any],
        profile: Mapping[str, Any] | None,
    ) -> None:
        """Clean and check one asked question's answer; store it or report its problem."""
        question = asked.question
        value = json = None
        if text:
            value, json, problem = asked.cleaner.clean(text)
            if problem:
                self.add_at(record, index, problem)
                return
        if json is None:  # empty, as the form's field returns it: only "required" applies
            if question.required:
                self.add_at(record, index, self.required_message)
            return
        if question.constraint:
            problem = self._constraint(asked, value, answers, profile)
            if problem:
                self.add_at(record, index, problem)
                return
        answers[question.code] = json

    # Members ------------------------------------------------------------------------

    def _member_form(self, year: int) -> MemberForm:
        form = self.member_forms.get(year)
        if form is None:
            groups = [(g.code, g.label.vi) for g in self.context.citizen.target_groups]
            form = self.member_forms[year] = MemberForm(groups=groups, survey_year=year)
        return form

    def member(self, record: Record, *, year: int) -> dict[str, Any] | None:
        """Return a member's details and answers (None after adding its problems)."""
        before = len(self.problems)
        fields = self._member_form(year).fields
        member: dict[str, Any] = {}
        text = self.value(record, "full_name")
        if text is not None:
            value, problem = _char(fields["full_name"], text)
            if problem:
                self.add(record, "full_name", problem)
            else:
                member["full_name"] = nfc(" ".join(value.split()))  # as clean_full_name
        for name in PROFILE_CHOICES:
            member[name] = self._profile_choice(record, name, fields[name])
        birth_year = None
        text = self.value(record, "birth_year")
        if text is not None:
            key = (year, text)
            hit = self.year_memo.get(key)
            if hit is None:
                hit = self.year_memo[key] = _field_result(fields["birth_year"], text)
            birth_year, problem = hit
            if problem:
                self.add(record, "birth_year", problem)
        member["birth_year"] = birth_year
        group = member["target_group"] or ""
        age = year - birth_year if birth_year is not None else None
        if group and age is not None and group in self.groups:
            low, high = self.groups[group]
            if (low is not None and age < low) or (high is not None and age > high):
                problem = self._group_age(year=year, group=group, birth_year=birth_year)
                if problem:  # the form's own message (and its own verdict)
                    self.add(record, "target_group", problem)
        profile = {"age": age, "target_group": group, "sex": member["sex"]}
        member["answers"] = self.member_answers(record, profile)
        if len(self.problems) > before:
            return None
        return member

    def _group_age(self, *, year: int, group: str, birth_year: int) -> tuple[str, str] | None:
        """``MemberForm.clean``'s age check of a target group, with its own message."""
        key = (year, group, birth_year)
        if key not in self.age_memo:
            groups = [(g.code, g.label.vi) for g in self.context.citizen.target_groups]
            messages = []
            for language in ("vi", "en"):
                with translation.override(language):
                    form = MemberForm(
                        data={
                            "full_name": "-",
                            "sex": "male",
                            "birth_year": str(birth_year),
                            "ethnicity": "01",
                            "education": "none",
                            "target_group": group,
                            "relationship": "other",
                        },
                        groups=groups,
                        survey_year=year,
                    )
                    form.group_ages = self.groups
                    form.is_valid()
                    messages.append(" ".join(str(e) for e in form.errors.get("target_group", [])))
            self.age_memo[key] = (messages[0], messages[1] or messages[0]) if messages[0] else None
        return self.age_memo[key]

    def _profile_choice(self, record: Record, name: str, field_: forms.Field) -> str | None:
        if name in self.uncollected:
            return ""
        text = self.value(record, name)
        if text is None:
            return ""
        key = (name, text)
        hit = self.choice_memo.get(key)
        if hit is None:
            hit = self.choice_memo[key] = self._choice(name, text, field_)
        value, problem = hit
        if problem:
            self.add(record, name, problem)
        return value

    def _choice(
        self, name: str, text: str, field_: forms.Field
    ) -> tuple[Any, tuple[str, str] | None]:
        if not text or (name == "target_group" and text == "none"):
            code: Any = ""  # ODK's "none of the groups" is the web form's empty choice
        else:
            if name == "ethnicity" and text.isdigit():
                text = text.zfill(2)
            code = self.indexes[name].find(text)
            if code is None or code is AMBIGUOUS:
                return None, not_in_list(text, self.indexes[name])
        return _field_result(field_, code)

    def member_answers(self, record: Record, profile: Mapping[str, Any]) -> dict[str, Any]:
        """The member questions, step by step, as ``MemberQuestionsForm.clean`` checks them.

        A member is asked a question when ``is_asked`` says so (group, age, earlier
        answers); its result is memoised on the group and the values its ``relevant``
        expression names, which are all it reads.
        """
        answers: dict[str, Any] = {}
        values = record.values
        size = len(values)
        formulas = record.sheet.formulas
        row = record.row
        group = profile["target_group"]
        asked_memo = self.asked_memo
        required = self.required_message
        for asked, index in self.plan_for(record, "member"):
            if formulas and (row, index) in formulas:
                self.formula(record, index)
                continue
            text = values[index] if index < size else ""
            if text:
                text = text.strip()
            if asked.blocked:
                if text:
                    self.add_at(record, index, REVIEWER_MESSAGE)
                continue
            names = asked.relevant_names
            if names:
                key: tuple = (
                    asked.key,
                    group,
                    *[profile[n] if n in BUILTINS else _frozen(answers.get(n)) for n in names],
                )
            else:
                key = (asked.key, group)
            shown = asked_memo.get(key)
            if shown is None:
                shown = asked_memo[key] = is_asked(
                    spec=asked.spec,
                    source=asked.source,
                    question=asked.question,
                    profile=profile,
                    answers=answers,
                )
            if not shown:
                if text:
                    self.ignore(record, index)
                continue
            # As _answer, inlined: this loop runs for every answer of every member.
            if text:
                hit = asked.cleaner.memo.get(text) or asked.cleaner.clean(text)
                if hit[2] is not None:
                    self.add_at(record, index, hit[2])
                    continue
                stored = hit[1]
            else:
                stored = None
            if stored is None:
                if asked.question.required:
                    self.add_at(record, index, required)
                continue
            if asked.question.constraint:
                problem = self._constraint(asked, hit[0], answers, profile)
                if problem:
                    self.add_at(record, index, problem)
                    continue
            answers[asked.code] = stored
        return answers

    def _constraint(
        self,
        asked: _Asked,
        value: Any,
        answers: Mapping[str, Any],
        profile: Mapping[str, Any] | None,
    ) -> tuple[str, str] | None:
        """``check_answer`` on a non-empty answer, memoised on exactly the values it reads."""
        key = (
            asked.field,
            asked.source,
            _frozen(value),
            *[
                _frozen(profile[n] if profile is not None and n in BUILTINS else answers.get(n))
                for n in asked.constraint_names
            ],
        )
        if key in self.check_memo:
            return self.check_memo[key]
        question = asked.question
        values = member_values(profile=profile, answers=answers) if profile else answers
        messages = []
        for language in ("vi", "en"):
            with translation.override(language):
                messages.append(
                    check_answer(question=question, value=value, values=values, language=language)
                )
        result = None if messages[0] is None else (messages[0], messages[1] or messages[0])
        self.check_memo[key] = result
        return result


def check_households(
    *, households: Sequence[RawHousehold], context: ImportContext, uncollected: Collection[str] = ()
) -> Checked:
    """Check every household of a file; return the valid ones and every problem found."""
    checker = Checker(context=context, uncollected=uncollected)
    parsed = []
    members = 0
    for raw in households:
        members += len(raw.members)
        result = checker.household(raw)
        if result is not None:
            parsed.append(result)
    return Checked(parsed, checker.problems, checker.warnings(), members, len(households))
