"""Semantic validation of a criteria set, shared by the workbook and YAML readers.

``validate_spec`` returns every problem of a ``CriteriaSpec`` at once. It knows
nothing about files: each problem is raised at a *logical path* and the caller's
``locate`` callback turns the path into a concrete place (a sheet, row and
column of the workbook, a line of the YAML file, or just the path itself).

Path syntax
-----------

A path is a dot-separated chain of segments; a segment may carry a key in
square brackets::

    code | version | subject | status | title | total_points | valid_from | valid_to
    digital_indicator | digital_min_points
    target_groups[<code>].<field>
    criteria[<code>].<field>
    indicators[<code>].<field>
    indicators[<code>].rules[<n>].type | .question
    indicators[<code>].rules[<n>].params.<param path>
    questions[<code>].<field>
    choice_lists[<name>].<field>
    choice_lists[<name>].choices[<name>].<field>
    recognition.<field>
    recognition.levels[<code>].<field>

* Items of a named collection (target groups, criteria, indicators, questions,
  choice lists, choices, recognition levels) are keyed by their code or name,
  which means the first item with that code. An item that cannot be named that
  way (an empty or unusable code, or the second item with a duplicate code) is
  keyed by its 1-based position with a ``#``: ``indicators[#7].code``.
* Rules have no code: ``rules[<n>]`` is the rule's 1-based position within its
  indicator, as the scoring sheet lists them.
* ``<param path>`` is the path ``criteria.rules`` reports for a parameter:
  ``cap``, ``points.often`` (a key of a mapping), ``bands[2].min`` (1-based
  position in a list).
* ``<field>`` is the ``CriteriaSpec`` field name (``max_points``, ``relevant``,
  ``choice_list`` ...); ``rules`` names an indicator's rules as a whole.

Examples: ``indicators[CD03].max_points``, ``questions[q_sessions].relevant``,
``indicators[CD03].rules[1].params.bands[2].min``, ``choice_lists[#4].name``.

Messages come in Vietnamese and English (pure code has no active language).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from criteria.expressions import Expression, ExpressionError, parse
from criteria.rules import RULE_TYPES, get_rule_type
from criteria.spec import (
    LEVELS,
    MEMBER_BUILTINS,
    NOT_APPLICABLE_POLICIES,
    QUESTION_TYPES,
    STATUSES,
    SUBJECTS,
    ChoiceList,
    CriteriaSpec,
    Question,
    Rule,
)

Location = tuple[str | None, int | None, str | None]
Locate = Callable[[str], Location]

# The member details every survey collects before the criteria questions; a
# question may not take these names (they are the profile rows of the repeat).
PROFILE_QUESTIONS = ("full_name", "sex", "birth_year", "target_group", "age")
# Household details the field form (criteria.xlsform) adds before the questions.
HOUSEHOLD_DETAILS = ("commune_code", "village", "address", "head_name")
RESERVED_NAMES = frozenset((*PROFILE_QUESTIONS, *MEMBER_BUILTINS, *HOUSEHOLD_DETAILS, "members"))
# Builtins that only exist once the members have been scored.
SCORE_BUILTINS = ("recognised", "total")

# XLSForm names: what ${...} can refer to and what ODK accepts as an element name.
XLSFORM_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
# Other codes end up in paths, expressions ('code') and XLSForm choice names.
PLAIN_CODE = re.compile(r"^[^\s\[\]'\"#]+$")
SELECT_TYPES = ("select_one", "select_multiple")
TOLERANCE = 1e-6


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an imported set, where it is and what it is, in both languages."""

    sheet: str | None
    row: int | None
    column: str | None
    vi: str
    en: str

    def message(self, language: str = "vi") -> str:
        """Return the message in ``language`` (Vietnamese unless it starts with "en")."""
        return (self.en if language.startswith("en") else self.vi) or self.vi

    def location(self, language: str = "vi") -> str:
        """Return where the problem is, e.g. "Sheet 'indicators', dòng 7, cột 'max_points'"."""
        en = language.startswith("en")
        parts = []
        if self.sheet is not None:
            parts.append(f"sheet '{self.sheet}'" if en else f"Sheet '{self.sheet}'")
        if self.row is not None:
            # A row of a sheet, or a line of a text (YAML) file.
            word = ("row" if self.sheet is not None else "line") if en else "dòng"
            parts.append(f"{word} {self.row}")
        if self.column is not None:
            if self.sheet is not None:
                parts.append(f"column '{self.column}'" if en else f"cột '{self.column}'")
            else:
                parts.append(f"at '{self.column}'" if en else f"mục '{self.column}'")
        if not parts:
            return "whole file" if en else "Toàn bộ tệp"
        text = ", ".join(parts)
        return text[0].upper() + text[1:] if not en else text

    def __str__(self) -> str:
        return f"{self.location('vi')}: {self.message('vi')}"


class CriteriaImportError(Exception):
    """A criteria file cannot be imported; ``problems`` lists every problem found, in order."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems: list[Problem] = list(problems)
        super().__init__(f"{len(self.problems)} problem(s): " + "; ".join(map(str, self.problems)))


# Paths ---------------------------------------------------------------------------


SEGMENT = re.compile(r"([^.\[]*)(?:\[([^\]]*)\])?")


def split_path(path: str) -> list[tuple[str, str | None]]:
    """Split a logical path into ``(name, key)`` segments (``key`` is None without brackets)."""
    segments: list[tuple[str, str | None]] = []
    index = 0
    while index < len(path):
        match = SEGMENT.match(path, index)
        segments.append((match.group(1), match.group(2)))  # type: ignore[union-attr]
        index = match.end()  # type: ignore[union-attr]
        if index < len(path) and path[index] != ".":
            # Text right after a closing bracket: keep it whole rather than guess.
            segments.append((path[index:], None))
            break
        index += 1
    return segments


def make_keys(codes: Sequence[str]) -> list[str]:
    """Return the path key of each item: its code if that names it unambiguously, else ``#n``."""
    seen: set[str] = set()
    keys = []
    for position, code in enumerate(codes, start=1):
        usable = bool(code) and PLAIN_CODE.match(code) and code not in seen
        keys.append(code if usable else f"#{position}")
        seen.add(code)
    return keys


def resolve_key(key: str, codes: Sequence[str]) -> int | None:
    """Return the 0-based index a path key points at among ``codes``, or None."""
    if key.startswith("#"):
        try:
            index = int(key[1:]) - 1
        except ValueError:
            return None
        return index if 0 <= index < len(codes) else None
    return next((i for i, code in enumerate(codes) if code == key), None)


# Numbers in messages ----------------------------------------------------------


def format_number(*, value: float, language: str) -> str:
    """Write a number without trailing zeros, with a decimal comma in Vietnamese."""
    text = f"{value:g}"
    return text.replace(".", ",") if not language.startswith("en") else text


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


# The validator --------------------------------------------------------------------


class _Collector:
    def __init__(self, locate: Locate):
        self.locate = locate
        self.problems: list[Problem] = []

    def add(self, path: str, vi: str, en: str) -> None:
        sheet, row, column = self.locate(path)
        self.problems.append(Problem(sheet, row, column, vi, en))

    def where(self, path: str) -> tuple[str, str]:
        """Return " (dòng N)" / " (row N)" for a path, to point at the other half of a pair."""
        sheet, row, _ = self.locate(path)
        if row is None:
            return "", ""
        return f" (dòng {row})", f" ({'row' if sheet is not None else 'line'} {row})"


def validate_spec(spec: CriteriaSpec, *, locate: Locate) -> list[Problem]:
    """Return every semantic problem of ``spec``, each placed by ``locate`` (see module doc)."""
    out = _Collector(locate)
    _check_header(spec, out)
    _check_target_groups(spec, out)
    _check_criteria(spec, out)
    _check_choice_lists(spec, out)
    _check_questions(spec, out)
    _check_indicators(spec, out)
    _check_sums(spec, out)
    _check_recognition(spec, out)
    _check_digital(spec, out)
    _check_stored_precision(spec, out)
    return out.problems


def _check_header(spec: CriteriaSpec, out: _Collector) -> None:
    if not spec.code:
        out.add("code", "Thiếu mã bộ tiêu chí", "The set code is missing")
    elif not XLSFORM_NAME.match(spec.code):
        out.add(
            "code",
            f"Mã bộ tiêu chí “{spec.code}” không hợp lệ: chỉ dùng chữ không dấu, số, “_”, “-”, "
            "“.”, bắt đầu bằng chữ",
            f"The set code “{spec.code}” is not valid: use only unaccented letters, digits, "
            "“_”, “-”, “.”, starting with a letter",
        )
    if not isinstance(spec.version, int) or spec.version < 1:
        out.add(
            "version",
            "Phiên bản phải là số nguyên từ 1 trở lên",
            "The version must be a whole number from 1 up",
        )
    if not spec.subject:
        out.add(
            "subject",
            f"Thiếu đối tượng của bộ tiêu chí ({', '.join(SUBJECTS)})",
            f"The subject of the set is missing ({', '.join(SUBJECTS)})",
        )
    elif spec.subject not in SUBJECTS:
        out.add(
            "subject",
            f"Đối tượng “{spec.subject}” không hợp lệ; dùng một trong: {', '.join(SUBJECTS)}",
            f"Unknown subject “{spec.subject}”; use one of: {', '.join(SUBJECTS)}",
        )
    if spec.status not in STATUSES:
        out.add(
            "status",
            f"Trạng thái “{spec.status}” không hợp lệ; dùng một trong: {', '.join(STATUSES)}",
            f"Unknown status “{spec.status}”; use one of: {', '.join(STATUSES)}",
        )
    if not spec.title.vi.strip():
        out.add(
            "title", "Thiếu tên bộ tiêu chí (tiếng Việt)", "The set title (Vietnamese) is missing"
        )
    if _finite(spec.total_points) and spec.total_points <= 0:
        out.add("total_points", "Tổng điểm phải lớn hơn 0", "The total must be above 0")
    if spec.valid_from and spec.valid_to and spec.valid_to < spec.valid_from:
        out.add(
            "valid_to",
            f"Ngày hết hiệu lực {spec.valid_to:%d/%m/%Y} trước ngày bắt đầu "
            f"{spec.valid_from:%d/%m/%Y}",
            f"The end date {spec.valid_to.isoformat()} is before the start date "
            f"{spec.valid_from.isoformat()}",
        )


# (Vietnamese, English) names of each kind of coded item, for messages.
KINDS = {
    "target_groups": ("nhóm đối tượng", "target group"),
    "criteria": ("tiêu chí", "criterion"),
    "indicators": ("chỉ số", "indicator"),
    "questions": ("câu hỏi", "question"),
    "choice_lists": ("danh sách lựa chọn", "choice list"),
    "choices": ("lựa chọn", "choice"),
    "levels": ("mức công nhận", "recognition level"),
}


def _check_codes(
    *,
    out: _Collector,
    prefix: str,
    kind: str,
    codes: Sequence[str],
    field: str = "code",
    pattern: re.Pattern[str] = PLAIN_CODE,
) -> list[str]:
    """Report missing, malformed and duplicate codes; return each item's path key."""
    keys = make_keys(codes)
    vi_kind, en_kind = KINDS[kind]
    first: dict[str, str] = {}
    for key, code in zip(keys, codes, strict=True):
        path = f"{prefix}[{key}].{field}"
        if not code:
            out.add(path, f"Thiếu mã {vi_kind}", f"The {en_kind} code is missing")
            continue
        if code in first:
            vi_at, en_at = out.where(first[code])
            out.add(
                path,
                f"Mã {vi_kind} “{code}” bị trùng{vi_at}",
                f"Duplicate {en_kind} code “{code}”{en_at}",
            )
            continue
        first[code] = path
        if not pattern.match(code):
            if pattern is XLSFORM_NAME:
                out.add(
                    path,
                    f"Tên {vi_kind} “{code}” không hợp lệ: chỉ dùng chữ không dấu, số, “_”, “-”, "
                    "“.”, bắt đầu bằng chữ hoặc “_”",
                    f"The {en_kind} name “{code}” is not valid: use only unaccented letters, "
                    "digits, “_”, “-”, “.”, starting with a letter or “_”",
                )
            else:
                out.add(
                    path,
                    f"Mã {vi_kind} “{code}” không được chứa dấu cách hay các ký tự [ ] ' \" #",
                    f"The {en_kind} code “{code}” must not contain spaces or [ ] ' \" #",
                )
    return keys


def _check_label(*, out: _Collector, path: str, vi: str) -> None:
    if not vi.strip():
        out.add(path, "Thiếu nhãn tiếng Việt", "The Vietnamese label is missing")


def _check_target_groups(spec: CriteriaSpec, out: _Collector) -> None:
    groups = spec.target_groups
    own = {g.code for g in groups}
    keys = _check_codes(
        out=out, prefix="target_groups", kind="target_groups", codes=[g.code for g in groups]
    )
    for key, group in zip(keys, groups, strict=True):
        path = f"target_groups[{key}]"
        _check_label(out=out, path=f"{path}.label", vi=group.label.vi)
        for field in ("min_age", "max_age"):
            age = getattr(group, field)
            if age is not None and age < 0:
                out.add(f"{path}.{field}", "Tuổi không được âm", "An age cannot be negative")
        low, high = group.min_age, group.max_age
        if low is not None and high is not None and low >= 0 and low > high:
            out.add(
                f"{path}.max_age",
                f"Tuổi tối đa {high} nhỏ hơn tuổi tối thiểu {low}",
                f"The maximum age {high} is below the minimum age {low}",
            )
        _check_same_as(out=out, path=f"{path}.same_as", same_as=group.same_as, own=own)


def _check_same_as(*, out: _Collector, path: str, same_as: Sequence[str], own: set[str]) -> None:
    """Each code names a group of another set: well formed, given once, not one of ours."""
    seen: set[str] = set()
    for code in same_as:
        if not code or not PLAIN_CODE.match(code):
            out.add(
                path,
                f"Mã nhóm “{code}” trong same_as không được trống, chứa dấu cách hay các ký tự "
                "[ ] ' \" #",
                f"The group code “{code}” in same_as must not be empty or contain spaces or "
                "[ ] ' \" #",
            )
        elif code in own:
            out.add(
                path,
                f"“{code}” là nhóm của chính bộ tiêu chí này; same_as chỉ ghi nhóm của bộ "
                "tiêu chí khác",
                f"“{code}” is a group of this same set; same_as lists groups of other sets only",
            )
        elif code in seen:
            out.add(
                path,
                f"Mã nhóm “{code}” được ghi hai lần trong same_as",
                f"The group code “{code}” is given twice in same_as",
            )
        seen.add(code)


def _check_digital(spec: CriteriaSpec, out: _Collector) -> None:
    """The digital-skills indicator and its threshold come together, within its points."""
    code, points = spec.digital_indicator, spec.digital_min_points
    if code is None and points is None:
        return
    if code is None:
        out.add(
            "digital_indicator",
            "Đã có digital_min_points nhưng thiếu digital_indicator (mã chỉ số kỹ năng số)",
            "digital_min_points is given but digital_indicator (the digital-skills indicator "
            "code) is missing",
        )
        return
    indicator = next((i for i in spec.indicators if i.code == code), None)
    if indicator is None:
        out.add(
            "digital_indicator",
            f"Chỉ số kỹ năng số “{code}” không có trong bộ tiêu chí",
            f"The digital-skills indicator “{code}” is not an indicator of the set",
        )
    if points is None:
        out.add(
            "digital_min_points",
            "Đã có digital_indicator nhưng thiếu digital_min_points (điểm kỹ năng số tối thiểu)",
            "digital_indicator is given but digital_min_points (the points that count as "
            "digital skills) is missing",
        )
        return
    if indicator is None or not _finite(points) or not _finite(indicator.max_points):
        return
    if not 0 <= points <= indicator.max_points + TOLERANCE:
        high_vi = format_number(value=indicator.max_points, language="vi")
        high_en = format_number(value=indicator.max_points, language="en")
        out.add(
            "digital_min_points",
            f"Điểm kỹ năng số tối thiểu {format_number(value=points, language='vi')} phải từ 0 "
            f"đến {high_vi} (điểm tối đa của chỉ số “{code}”)",
            f"The digital-skills minimum {format_number(value=points, language='en')} must be "
            f"between 0 and {high_en} (the maximum of indicator “{code}”)",
        )


def _check_criteria(spec: CriteriaSpec, out: _Collector) -> None:
    keys = _check_codes(
        out=out, prefix="criteria", kind="criteria", codes=[c.code for c in spec.criteria]
    )
    for key, criterion in zip(keys, spec.criteria, strict=True):
        _check_label(out=out, path=f"criteria[{key}].label", vi=criterion.label.vi)
        _check_points(out=out, path=f"criteria[{key}].max_points", value=criterion.max_points)


def _check_points(*, out: _Collector, path: str, value: float) -> None:
    if _finite(value) and value < 0:
        out.add(path, "Điểm tối đa không được âm", "A maximum cannot be negative")


def _check_choice_lists(spec: CriteriaSpec, out: _Collector) -> None:
    lists = spec.choice_lists
    keys = _check_codes(
        out=out,
        prefix="choice_lists",
        kind="choice_lists",
        codes=[cl.name for cl in lists],
        field="name",
        pattern=XLSFORM_NAME,
    )
    for key, choice_list in zip(keys, lists, strict=True):
        path = f"choice_lists[{key}]"
        if not choice_list.choices:
            out.add(
                f"{path}.choices",
                f"Danh sách lựa chọn “{choice_list.name}” không có lựa chọn nào",
                f"Choice list “{choice_list.name}” has no choices",
            )
        choice_keys = _check_codes(
            out=out,
            prefix=f"{path}.choices",
            kind="choices",
            codes=[c.name for c in choice_list.choices],
            field="name",
        )
        for choice_key, choice in zip(choice_keys, choice_list.choices, strict=True):
            _check_label(out=out, path=f"{path}.choices[{choice_key}].label", vi=choice.label.vi)


def _ordered(expression: Expression) -> list[str]:
    """Return the ``${names}`` of an expression in the order they are written."""
    return sorted(expression.names, key=lambda name: expression.source.find("${" + name + "}"))


def _parse(*, out: _Collector, path: str, field: str, text: str) -> Expression | None:
    try:
        return parse(text)
    except ExpressionError as exc:
        out.add(
            path,
            f"Biểu thức “{field}” không đọc được: {exc.message('vi')}",
            f"The “{field}” expression cannot be read: {exc.message('en')}",
        )
        return None


def _check_questions(spec: CriteriaSpec, out: _Collector) -> None:
    questions = spec.questions
    keys = _check_codes(
        out=out,
        prefix="questions",
        kind="questions",
        codes=[q.code for q in questions],
        pattern=XLSFORM_NAME,
    )
    position: dict[str, int] = {}
    for index, question in enumerate(questions):
        position.setdefault(question.code, index)
    lists = {cl.name for cl in spec.choice_lists}
    for index, (key, question) in enumerate(zip(keys, questions, strict=True)):
        path = f"questions[{key}]"
        if question.code in RESERVED_NAMES:
            out.add(
                f"{path}.code",
                f"Tên câu hỏi “{question.code}” được dành cho thông tin thành viên, hộ; "
                "hãy đặt tên khác",
                f"The question name “{question.code}” is reserved for member or household "
                "details; choose another name",
            )
        if question.level not in LEVELS:
            out.add(
                f"{path}.level",
                f"Cấp câu hỏi “{question.level}” không hợp lệ; dùng member hoặc household",
                f"Unknown question level “{question.level}”; use member or household",
            )
        _check_question_type(out=out, path=path, question=question, lists=lists)
        _check_label(out=out, path=f"{path}.label", vi=question.label.vi)
        for field in ("relevant", "constraint"):
            text = getattr(question, field)
            if not text.strip():
                continue
            expression = _parse(out=out, path=f"{path}.{field}", field=field, text=text)
            if expression is None:
                continue
            if field == "constraint" and not expression.uses_current:
                out.add(
                    f"{path}.constraint",
                    "Điều kiện ràng buộc phải dùng “.” để chỉ câu trả lời đang kiểm tra "
                    "(ví dụ “. >= 0”)",
                    "A constraint must use “.” for the answer being checked (e.g. “. >= 0”)",
                )
            _check_references(
                out=out,
                path=f"{path}.{field}",
                field=field,
                expression=expression,
                question=question,
                index=index,
                position=position,
                questions=questions,
            )


def _check_question_type(*, out: _Collector, path: str, question: Question, lists: set) -> None:
    if not question.type:
        out.add(f"{path}.type", "Thiếu loại câu hỏi", "The question type is missing")
        return
    if question.type not in QUESTION_TYPES:
        out.add(
            f"{path}.type",
            f"Loại câu hỏi “{question.type}” không được hỗ trợ; dùng một trong: "
            f"{', '.join(QUESTION_TYPES)}",
            f"Question type “{question.type}” is not supported; use one of: "
            f"{', '.join(QUESTION_TYPES)}",
        )
        return
    if question.type in SELECT_TYPES:
        if not question.choice_list:
            out.add(
                f"{path}.choice_list",
                f"Câu hỏi lựa chọn cần tên danh sách lựa chọn (ví dụ “{question.type} co_khong”)",
                f"A select question needs a choice list name (e.g. “{question.type} yes_no”)",
            )
        elif question.choice_list not in lists:
            out.add(
                f"{path}.choice_list",
                f"Không có danh sách lựa chọn “{question.choice_list}” trong sheet choices",
                f"There is no choice list “{question.choice_list}” in the choices sheet",
            )
    elif question.choice_list:
        out.add(
            f"{path}.choice_list",
            f"Chỉ câu hỏi select_one, select_multiple mới có danh sách lựa chọn "
            f"(“{question.choice_list}”)",
            f"Only select_one and select_multiple questions take a choice list "
            f"(“{question.choice_list}”)",
        )


def _check_references(
    *,
    out: _Collector,
    path: str,
    field: str,
    expression: Expression,
    question: Question,
    index: int,
    position: Mapping[str, int],
    questions: Sequence[Question],
) -> None:
    household = question.level == "household"
    for name in _ordered(expression):
        ref = "${" + name + "}"
        if name in MEMBER_BUILTINS:
            if household:
                out.add(
                    path,
                    f"Câu hỏi cấp hộ không dùng được thông tin thành viên “{ref}”",
                    f"A household question cannot use the member detail “{ref}”",
                )
            elif name in SCORE_BUILTINS:
                out.add(
                    path,
                    f"“{ref}” chỉ có sau khi chấm điểm; chỉ dùng trong quy tắc theo thành viên",
                    f"“{ref}” only exists after scoring; use it in member rules only",
                )
            continue
        if name not in position:
            out.add(
                path,
                f"“{ref}” không phải là câu hỏi nào của bộ tiêu chí",
                f"“{ref}” is not a question of this set",
            )
        elif name == question.code:
            if field == "relevant":
                out.add(
                    path,
                    f"“{ref}” là chính câu hỏi này",
                    f"“{ref}” is this question itself",
                )
        elif position[name] > index:
            out.add(
                path,
                f"“{ref}” là câu hỏi đứng sau; chỉ được dùng câu hỏi đứng trước",
                f"“{ref}” comes later in the form; only earlier questions can be used",
            )
        elif household and questions[position[name]].level == "member":
            out.add(
                path,
                f"Câu hỏi cấp hộ không dùng trực tiếp được câu trả lời của thành viên “{ref}”",
                f"A household question cannot use the member answer “{ref}” directly",
            )


def _check_indicators(spec: CriteriaSpec, out: _Collector) -> None:
    indicators = spec.indicators
    keys = _check_codes(
        out=out, prefix="indicators", kind="indicators", codes=[i.code for i in indicators]
    )
    criteria = {c.code for c in spec.criteria}
    groups = {g.code for g in spec.target_groups}
    for key, indicator in zip(keys, indicators, strict=True):
        path = f"indicators[{key}]"
        if not indicator.criterion:
            out.add(f"{path}.criterion", "Thiếu mã tiêu chí", "The criterion code is missing")
        elif indicator.criterion not in criteria:
            out.add(
                f"{path}.criterion",
                f"Không có tiêu chí “{indicator.criterion}” trong sheet criteria",
                f"There is no criterion “{indicator.criterion}” in the criteria sheet",
            )
        _check_label(out=out, path=f"{path}.label", vi=indicator.label.vi)
        _check_points(out=out, path=f"{path}.max_points", value=indicator.max_points)
        for group in indicator.target_groups:
            if group not in groups:
                out.add(
                    f"{path}.target_groups",
                    f"Không có nhóm đối tượng “{group}” trong sheet target_groups",
                    f"There is no target group “{group}” in the target_groups sheet",
                )
        if indicator.when_not_applicable not in NOT_APPLICABLE_POLICIES:
            out.add(
                f"{path}.when_not_applicable",
                f"Cách tính khi không áp dụng “{indicator.when_not_applicable}” không hợp lệ; "
                "dùng “full” (cho đủ điểm) hoặc “rescale” (bỏ ra và quy đổi điểm)",
                f"Unknown not-applicable policy “{indicator.when_not_applicable}”; use “full” "
                "(full points) or “rescale” (leave out and rescale)",
            )
        if not indicator.rules and not key.startswith("#"):
            # (A duplicate code is reported already; its rules cannot be told apart.)
            out.add(
                f"{path}.rules",
                f"Chỉ số “{indicator.code}” chưa có quy tắc chấm điểm nào (sheet scoring)",
                f"Indicator “{indicator.code}” has no scoring rule (scoring sheet)",
            )
            continue
        ceilings = [
            _check_rule(spec=spec, out=out, path=f"{path}.rules[{n}]", rule=rule)
            for n, rule in enumerate(indicator.rules, start=1)
        ]
        if all(c is not None for c in ceilings) and _finite(indicator.max_points):
            most = sum(c for c in ceilings if c is not None)
            if most > indicator.max_points + TOLERANCE:
                out.add(
                    f"{path}.max_points",
                    f"Các quy tắc có thể cho tới {format_number(value=most, language='vi')} "
                    f"điểm, vượt điểm tối đa "
                    f"{format_number(value=indicator.max_points, language='vi')} của chỉ số",
                    f"The rules can give up to {format_number(value=most, language='en')} "
                    f"points, above the indicator's maximum "
                    f"{format_number(value=indicator.max_points, language='en')}",
                )


def _check_rule(*, spec: CriteriaSpec, out: _Collector, path: str, rule: Rule) -> float | None:
    """Report what is wrong with one rule; return its ceiling, or None when it is broken."""
    rule_type = get_rule_type(rule.type)
    if rule_type is None:
        if not rule.type:
            out.add(f"{path}.type", "Thiếu loại quy tắc", "The rule type is missing")
        else:
            out.add(
                f"{path}.type",
                f"Loại quy tắc “{rule.type}” không có; dùng một trong: {', '.join(RULE_TYPES)}",
                f"Unknown rule type “{rule.type}”; use one of: {', '.join(RULE_TYPES)}",
            )
        return None
    broken = False
    question: Question | None = None
    choices: ChoiceList | None = None
    by_code = {q.code: q for q in reversed(spec.questions)}  # first occurrence wins
    if not rule_type.needs_question:
        if spec.subject != "household":
            out.add(
                f"{path}.type",
                f"Quy tắc “{rule.type}” tính từ các thành viên, chỉ dùng cho bộ tiêu chí hộ "
                "gia đình",
                f"Rule type “{rule.type}” is computed from the members and is for household "
                "sets only",
            )
            broken = True
        if rule.question:
            out.add(
                f"{path}.question",
                f"Quy tắc “{rule.type}” tính từ các thành viên, không gắn với câu hỏi; "
                "để trống ô này",
                f"Rule type “{rule.type}” is computed from the members and takes no question; "
                "leave this empty",
            )
            broken = True
    elif not rule.question:
        out.add(
            f"{path}.question",
            f"Quy tắc “{rule.type}” cần một câu hỏi",
            f"Rule type “{rule.type}” needs a question",
        )
        broken = True
    elif rule.question not in by_code:
        out.add(
            f"{path}.question",
            f"Không có câu hỏi “{rule.question}” trong sheet survey",
            f"There is no question “{rule.question}” in the survey sheet",
        )
        broken = True
    else:
        question = by_code[rule.question]
        if question.type not in QUESTION_TYPES:
            broken = True  # the question's own type is reported already
        elif question.type not in rule_type.question_types:
            allowed = ", ".join(rule_type.question_types)
            out.add(
                f"{path}.question",
                f"Quy tắc “{rule.type}” dùng cho câu hỏi loại {allowed}; “{question.code}” là "
                f"câu hỏi loại {question.type}",
                f"Rule type “{rule.type}” works on {allowed} questions; “{question.code}” is a "
                f"{question.type} question",
            )
            broken = True
        elif spec.subject == "citizen" and question.level == "household":
            out.add(
                f"{path}.question",
                f"Bộ tiêu chí công dân chỉ chấm câu hỏi cấp thành viên; “{question.code}” là câu "
                "hỏi cấp hộ",
                f"A citizen set scores member questions only; “{question.code}” is a household "
                "question",
            )
            broken = True
        elif spec.subject == "household" and question.level == "member":
            out.add(
                f"{path}.question",
                f"Bộ tiêu chí hộ chấm câu hỏi thành viên qua quy tắc members_*; “{question.code}” "
                "là câu hỏi cấp thành viên",
                f"A household set scores member questions through members_* rules; "
                f"“{question.code}” is a member question",
            )
            broken = True
        if question.type in SELECT_TYPES and question.choice_list:
            choices = next(
                (cl for cl in spec.choice_lists if cl.name == question.choice_list), None
            )
    params = rule.params
    if not isinstance(params, Mapping):
        out.add(
            f"{path}.params",
            "Tham số của quy tắc phải là bảng tên–giá trị",
            "A rule's params must be a mapping of names to values",
        )
        return None
    param_problems = rule_type.check(params, question, choices)
    for problem in param_problems:
        where = "question" if problem.param == "question" else f"params.{problem.param}"
        out.add(f"{path}.{where}", _capitalise(problem.vi), _capitalise(problem.en))
    if not rule_type.needs_question and spec.subject == "household":
        broken |= _check_member_expressions(spec=spec, out=out, path=path, params=params)
    if broken or param_problems:
        return None
    try:
        return float(rule_type.ceiling(params))
    except (TypeError, ValueError, KeyError, AttributeError):  # pragma: no cover - checked above
        return None


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _check_member_expressions(
    *, spec: CriteriaSpec, out: _Collector, path: str, params: Mapping[str, Any]
) -> bool:
    """Report condition/test names that are not member questions or member details."""
    levels = {}
    for question in spec.questions:
        levels.setdefault(question.code, question.level)
    broken = False
    for name in ("condition", "test"):
        text = params.get(name)
        if not text:
            continue
        try:
            expression = parse(str(text))
        except ExpressionError:
            continue  # the rule type's own check reports it
        for ref_name in _ordered(expression):
            ref = "${" + ref_name + "}"
            if ref_name in MEMBER_BUILTINS or levels.get(ref_name) == "member":
                continue
            broken = True
            if ref_name in levels:
                out.add(
                    f"{path}.params.{name}",
                    f"“{ref}” là câu hỏi cấp hộ; điều kiện theo thành viên chỉ dùng câu hỏi "
                    f"thành viên và {', '.join(MEMBER_BUILTINS)}",
                    f"“{ref}” is a household question; member conditions use member questions "
                    f"and {', '.join(MEMBER_BUILTINS)} only",
                )
            else:
                out.add(
                    f"{path}.params.{name}",
                    f"“{ref}” không phải là câu hỏi thành viên hay thông tin thành viên "
                    f"({', '.join(MEMBER_BUILTINS)})",
                    f"“{ref}” is neither a member question nor a member detail "
                    f"({', '.join(MEMBER_BUILTINS)})",
                )
    return broken


def _usable_total(spec: CriteriaSpec) -> bool:
    """Tell whether the set total can be compared with (a total of 0 is reported by itself)."""
    return _finite(spec.total_points) and spec.total_points > 0


def _sum(values: Iterable[float]) -> float | None:
    """Add maxima; None when one of them is not a number (already reported where it is)."""
    values = list(values)
    if not all(_finite(v) for v in values):
        return None
    return float(sum(values))


def _check_sums(spec: CriteriaSpec, out: _Collector) -> None:
    keys = make_keys([c.code for c in spec.criteria])
    for key, criterion in zip(keys, spec.criteria, strict=True):
        if key.startswith("#") or not _finite(criterion.max_points):
            continue  # an unnamed or duplicate criterion has no indicators of its own
        total = _sum(i.max_points for i in spec.indicators if i.criterion == criterion.code)
        if total is not None and abs(total - criterion.max_points) > TOLERANCE:
            out.add(
                f"criteria[{key}].max_points",
                f"Điểm tối đa các chỉ số của tiêu chí “{criterion.code}” cộng lại là "
                f"{format_number(value=total, language='vi')}, khác điểm tối đa "
                f"{format_number(value=criterion.max_points, language='vi')} của tiêu chí",
                f"The indicators of criterion “{criterion.code}” add up to "
                f"{format_number(value=total, language='en')} points, not its maximum "
                f"{format_number(value=criterion.max_points, language='en')}",
            )
    total = _sum(c.max_points for c in spec.criteria)
    if (
        total is not None
        and _usable_total(spec)
        and spec.criteria
        and abs(total - spec.total_points) > TOLERANCE
    ):
        out.add(
            "total_points",
            f"Điểm tối đa các tiêu chí cộng lại là {format_number(value=total, language='vi')}"
            f", khác tổng điểm {format_number(value=spec.total_points, language='vi')} "
            "của bộ tiêu chí",
            f"The criteria add up to {format_number(value=total, language='en')} points, "
            f"not the set total {format_number(value=spec.total_points, language='en')}",
        )


def _check_threshold(
    *, spec: CriteriaSpec, out: _Collector, path: str, min_total: float, min_indicator: Any
) -> None:
    total = spec.total_points
    if _finite(min_total) and min_total < 0:
        out.add(f"{path}.min_total", "Ngưỡng điểm không được âm", "A threshold cannot be negative")
    elif _finite(min_total) and _usable_total(spec) and min_total > total + TOLERANCE:
        out.add(
            f"{path}.min_total",
            f"Ngưỡng {format_number(value=min_total, language='vi')} điểm vượt tổng điểm "
            f"{format_number(value=total, language='vi')} của bộ tiêu chí",
            f"The threshold {format_number(value=min_total, language='en')} is above the set "
            f"total {format_number(value=total, language='en')}",
        )
    if not _finite(min_indicator):
        return
    if min_indicator < 0:
        out.add(
            f"{path}.min_indicator", "Ngưỡng điểm không được âm", "A threshold cannot be negative"
        )
        return
    maxima = [i for i in spec.indicators if _finite(i.max_points)]
    lowest = min(maxima, key=lambda i: i.max_points, default=None)
    if lowest is not None and min_indicator > lowest.max_points + TOLERANCE:
        out.add(
            f"{path}.min_indicator",
            f"Mức tối thiểu mỗi chỉ số {format_number(value=min_indicator, language='vi')} vượt "
            f"điểm tối đa {format_number(value=lowest.max_points, language='vi')} của chỉ số "
            f"“{lowest.code}”",
            f"The minimum per indicator {format_number(value=min_indicator, language='en')} is "
            f"above the maximum {format_number(value=lowest.max_points, language='en')} of "
            f"indicator “{lowest.code}”",
        )


def _check_recognition(spec: CriteriaSpec, out: _Collector) -> None:
    recognition = spec.recognition
    _check_threshold(
        spec=spec,
        out=out,
        path="recognition",
        min_total=recognition.min_total,
        min_indicator=recognition.min_indicator,
    )
    share = recognition.min_criterion_share
    if _finite(share) and not 0 <= share <= 1:
        out.add(
            "recognition.min_criterion_share",
            "Tỷ lệ tối thiểu mỗi tiêu chí phải từ 0 đến 1 (ví dụ 0,5 là một nửa điểm tối đa)",
            "The minimum share of each criterion must be between 0 and 1 (e.g. 0.5 for half)",
        )
    levels = recognition.levels
    keys = _check_codes(
        out=out, prefix="recognition.levels", kind="levels", codes=[lv.code for lv in levels]
    )
    for key, level in zip(keys, levels, strict=True):
        path = f"recognition.levels[{key}]"
        _check_label(out=out, path=f"{path}.label", vi=level.label.vi)
        _check_threshold(
            spec=spec,
            out=out,
            path=path,
            min_total=level.min_total,
            min_indicator=level.min_indicator,
        )
        if (
            _finite(level.min_total)
            and _finite(recognition.min_total)
            and level.min_total < recognition.min_total
        ):
            out.add(
                f"{path}.min_total",
                f"Mức “{level.code}” có ngưỡng "
                f"{format_number(value=level.min_total, language='vi')} thấp hơn ngưỡng công nhận "
                f"{format_number(value=recognition.min_total, language='vi')}",
                f"Level “{level.code}” has a threshold "
                f"{format_number(value=level.min_total, language='en')} below the recognition "
                f"threshold {format_number(value=recognition.min_total, language='en')}",
            )


# Points and thresholds are stored with 2 decimals (the share with 3) and below 100 000:
# a finer number would be rounded when saved, so the stored set would differ from the file.
POINT_PLACES = 2
SHARE_PLACES = 3
POINT_LIMIT = 100_000


def _check_stored_precision(spec: CriteriaSpec, out: _Collector) -> None:
    recognition = spec.recognition
    numbers: list[tuple[str, float | None, int]] = [
        ("total_points", spec.total_points, POINT_PLACES),
        ("recognition.min_total", recognition.min_total, POINT_PLACES),
        ("recognition.min_indicator", recognition.min_indicator, POINT_PLACES),
        ("recognition.min_criterion_share", recognition.min_criterion_share, SHARE_PLACES),
        ("digital_min_points", spec.digital_min_points, POINT_PLACES),
    ]
    for key, criterion in zip(
        make_keys([c.code for c in spec.criteria]), spec.criteria, strict=True
    ):
        numbers.append((f"criteria[{key}].max_points", criterion.max_points, POINT_PLACES))
    keys = make_keys([i.code for i in spec.indicators])
    for key, indicator in zip(keys, spec.indicators, strict=True):
        numbers.append((f"indicators[{key}].max_points", indicator.max_points, POINT_PLACES))
    levels = recognition.levels
    for key, level in zip(make_keys([lv.code for lv in levels]), levels, strict=True):
        numbers.append((f"recognition.levels[{key}].min_total", level.min_total, POINT_PLACES))
        numbers.append(
            (f"recognition.levels[{key}].min_indicator", level.min_indicator, POINT_PLACES)
        )
    for path, value, places in numbers:
        if not _finite(value):
            continue  # missing or not a number: reported where it is read
        vi_value = format_number(value=value, language="vi")
        en_value = format_number(value=value, language="en")
        if abs(value) >= POINT_LIMIT:
            out.add(
                path,
                f"Số {vi_value} quá lớn; phải nhỏ hơn 100000",
                f"The number {en_value} is too large; it must be below 100000",
            )
        elif -Decimal(repr(float(value))).normalize().as_tuple().exponent > places:
            out.add(
                path,
                f"Số {vi_value} có quá {places} chữ số thập phân",
                f"The number {en_value} has more than {places} decimal places",
            )
