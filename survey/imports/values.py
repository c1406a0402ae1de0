"""Cell text to values: days, choices and answers, through the web form's own fields.

Pure, and memoised on the raw text of a cell: a large file repeats the same few
values in every column.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from django import forms
from django.utils import translation

from criteria.spec import CriteriaSpec, Label, Question
from survey.forms import build_question_field, is_empty, to_json
from units.text import name_key

AMBIGUOUS = object()
ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
DMY_DAY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
SEPARATORS = re.compile(r"[\s,;]+")


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


def not_a_day(text: str) -> tuple[str, str]:
    """The problem with text that ``parse_day`` cannot read."""
    return (
        f"“{text}” không phải là ngày hợp lệ (ghi ngày/tháng/năm, ví dụ 15/07/2021)",
        f"“{text}” is not a valid date (write day/month/year, e.g. 15/07/2021)",
    )


def frozen(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def field_result(field_: forms.Field, value: Any) -> tuple[Any, tuple[str, str] | None]:
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
            return field_result(self.field, code)
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
            return field_result(self.field, codes)
        if kind == "decimal" and "," in text and "." not in text:
            text = text.replace(",", ".")  # a decimal comma, as Vietnamese writes numbers
        if kind == "date":
            day = parse_day(text)
            if day is None:
                return None, not_a_day(text)
            text = day.isoformat()
        return field_result(self.field, text)


def clean_char(field_: forms.CharField, text: str) -> tuple[Any, tuple[str, str] | None]:
    """Clean text with a CharField; the common valid case without building an exception."""
    if text and len(text) <= (field_.max_length or len(text)) and "\x00" not in text:
        return text, None  # exactly what the field returns: stripped, not empty, short enough
    return field_result(field_, text)
