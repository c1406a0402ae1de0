"""The members of a household: their details through ``MemberForm``'s fields, and how many.

A member's details are cleaned by the fields of ``MemberForm``, with the form's own
group-age and one-head checks; its answers go to ``answers``. Results are memoised
on the raw text of a cell and on the survey year.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django import forms
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from survey.forms import MemberForm
from survey.imports.answers import AnswerChecker
from survey.imports.context import ImportContext
from survey.imports.layout import (
    education_choices,
    ethnic_choices,
    group_choices,
    relationship_choices,
    sex_choices,
)
from survey.imports.problems import bilingual
from survey.imports.reporting import Report
from survey.imports.rows import RawHousehold, Record
from survey.imports.values import AMBIGUOUS, ChoiceIndex, clean_char, field_result, not_in_list
from survey.shape import MAX_MEMBERS
from units.text import nfc

PROFILE_CHOICES = ("sex", "ethnicity", "education", "target_group", "relationship")
# The web form's own message (survey.forms), translated by the same catalogue.
ONE_HEAD_MESSAGE = gettext_noop("Một hộ chỉ có một chủ hộ.")


class MemberChecker:
    """Check each member row of a household, reporting into ``report``."""

    def __init__(
        self,
        *,
        context: ImportContext,
        report: Report,
        answers: AnswerChecker,
        uncollected: Collection[str] = (),
    ):
        self.context = context
        self.report = report
        self.answers = answers
        self.uncollected = frozenset(uncollected)  # profile fields the source cannot carry
        self.member_forms: dict[int, MemberForm] = {}
        citizen = context.citizen
        self.groups = {g.code: (g.min_age, g.max_age) for g in citizen.target_groups}
        self.indexes = {
            "sex": ChoiceIndex(sex_choices()),
            "ethnicity": ChoiceIndex(ethnic_choices()),
            "education": ChoiceIndex(education_choices()),
            "relationship": ChoiceIndex(relationship_choices()),
            "target_group": ChoiceIndex(group_choices(citizen)),
        }
        self.year_memo: dict[tuple[int, str], tuple[Any, tuple[str, str] | None]] = {}
        self.choice_memo: dict[tuple[str, str], tuple[Any, tuple[str, str] | None]] = {}
        self.age_memo: dict[tuple[int, str, int], tuple[str, str] | None] = {}
        self.one_head_message = bilingual(
            lambda: gettext(ONE_HEAD_MESSAGE), "A household has only one head."
        )

    def _member_form(self, year: int) -> MemberForm:
        form = self.member_forms.get(year)
        if form is None:
            groups = [(g.code, g.label.vi) for g in self.context.citizen.target_groups]
            form = self.member_forms[year] = MemberForm(groups=groups, survey_year=year)
        return form

    def member(self, record: Record, *, year: int) -> dict[str, Any] | None:
        """Return a member's details and answers (None after adding its problems)."""
        before = len(self.report.problems)
        fields = self._member_form(year).fields
        member: dict[str, Any] = {}
        text = self.report.value(record, "full_name")
        if text is not None:
            value, problem = clean_char(fields["full_name"], text)
            if problem:
                self.report.add(record, "full_name", problem)
            else:
                member["full_name"] = nfc(" ".join(value.split()))  # as clean_full_name
        for name in PROFILE_CHOICES:
            member[name] = self._profile_choice(record, name, fields[name])
        birth_year = None
        text = self.report.value(record, "birth_year")
        if text is not None:
            key = (year, text)
            hit = self.year_memo.get(key)
            if hit is None:
                hit = self.year_memo[key] = field_result(fields["birth_year"], text)
            birth_year, problem = hit
            if problem:
                self.report.add(record, "birth_year", problem)
        member["birth_year"] = birth_year
        group = member["target_group"] or ""
        age = year - birth_year if birth_year is not None else None
        if group and age is not None and group in self.groups:
            low, high = self.groups[group]
            if (low is not None and age < low) or (high is not None and age > high):
                problem = self._group_age(year=year, group=group, birth_year=birth_year)
                if problem:  # the form's own message (and its own verdict)
                    self.report.add(record, "target_group", problem)
        profile = {"age": age, "target_group": group, "sex": member["sex"]}
        member["answers"] = self.answers.member_answers(record, profile)
        if len(self.report.problems) > before:
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
        text = self.report.value(record, name)
        if text is None:
            return ""
        key = (name, text)
        hit = self.choice_memo.get(key)
        if hit is None:
            hit = self.choice_memo[key] = self._choice(name, text, field_)
        value, problem = hit
        if problem:
            self.report.add(record, name, problem)
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
        return field_result(field_, code)

    def check_count(self, raw: RawHousehold) -> None:
        """Report a household with no members, too many, or more than one head."""
        count = len(raw.members)
        if count == 0:
            self.report.add(
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
            self.report.add(
                raw.record,
                raw.key_field,
                (
                    f"Hộ “{raw.key}” có {count} thành viên; tối đa {MAX_MEMBERS}",
                    f"Household “{raw.key}” has {count} members; at most {MAX_MEMBERS}",
                ),
            )
        heads = [m for m in raw.members if self._is_head(m)]
        for extra in heads[1:]:
            self.report.add(extra, "relationship", self.one_head_message)

    def _is_head(self, record: Record) -> bool:
        index = record.fields.get("relationship")
        if index is None or index >= len(record.values):
            return False
        text = record.values[index].strip()
        return bool(text) and self.indexes["relationship"].find(text) == "head"
