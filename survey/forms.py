"""Forms of the household wizard, built from the round's criteria versions.

Question fields come from a registry keyed by XLSForm type, as rule types do in
``criteria.rules``; conditions are checked with the pure predicates of
``survey.steps`` and ``criteria.expressions``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from config.widgets import DayFirstDateInput
from criteria.expressions import holds
from criteria.spec import ChoiceList, CriteriaSpec, Question
from survey.reference import EDUCATION_LEVELS, ETHNIC_GROUPS, RELATIONSHIPS, SEXES
from survey.shape import MAX_MEMBERS, OLDEST_AGE
from survey.steps import Step, could_be_asked, is_asked, member_values
from units.text import nfc

REQUIRED_MESSAGE = _("Câu này bắt buộc trả lời.")
LARGEST_NUMBER = 1_000_000_000
# Answers to date questions outside these years are typing mistakes (0202, 20211...).
EARLIEST_DATE, LATEST_DATE = date(1900, 1, 1), date(2100, 12, 31)
DATE_RANGE_MESSAGE = _("Ngày phải từ 01/01/1900 đến 31/12/2100.")


def _label(text: Any, language: str) -> str:
    return text.get(language)


def _integer(question: Question, choices: ChoiceList | None, language: str) -> forms.Field:
    # inputmode gives phones the numeric keypad; type=number alone shows a full keyboard on some.
    return forms.IntegerField(
        required=False,
        min_value=-LARGEST_NUMBER,
        max_value=LARGEST_NUMBER,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "pattern": "-?[0-9]*"}),
    )


def _decimal(question: Question, choices: ChoiceList | None, language: str) -> forms.Field:
    return forms.DecimalField(
        required=False,
        max_digits=14,
        decimal_places=4,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
    )


def _choice_pairs(choices: ChoiceList | None, language: str) -> list[tuple[str, str]]:
    return [(c.name, c.label.get(language)) for c in (choices.choices if choices else ())]


def _select_one(question: Question, choices: ChoiceList | None, language: str) -> forms.Field:
    return forms.ChoiceField(
        required=False, choices=_choice_pairs(choices, language), widget=forms.RadioSelect
    )


def _select_multiple(question: Question, choices: ChoiceList | None, language: str) -> forms.Field:
    return forms.MultipleChoiceField(
        required=False,
        choices=_choice_pairs(choices, language),
        widget=forms.CheckboxSelectMultiple,
    )


def _text(question: Question, choices: ChoiceList | None, language: str) -> forms.Field:
    return forms.CharField(required=False, max_length=500)


def _date(question: Question, choices: ChoiceList | None, language: str) -> forms.Field:
    return forms.DateField(
        required=False,
        widget=DayFirstDateInput(),
        validators=[
            MinValueValidator(EARLIEST_DATE, message=DATE_RANGE_MESSAGE),
            MaxValueValidator(LATEST_DATE, message=DATE_RANGE_MESSAGE),
        ],
    )


FIELD_BUILDERS: dict[str, Callable[[Question, ChoiceList | None, str], forms.Field]] = {
    "integer": _integer,
    "decimal": _decimal,
    "select_one": _select_one,
    "select_multiple": _select_multiple,
    "text": _text,
    "date": _date,
}


def to_json(value: Any) -> Any:
    """Return an answer as stored in the answers document (JSON types only)."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return nfc(value.strip())
    return value


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def build_question_field(*, question: Question, spec: CriteriaSpec, language: str) -> forms.Field:
    lists = {cl.name: cl for cl in spec.choice_lists}
    field = FIELD_BUILDERS[question.type](question, lists.get(question.choice_list or ""), language)
    field.label = question.label.get(language)
    field.help_text = question.hint.get(language) if question.hint.vi else ""
    field.widget.attrs["data-question"] = question.code
    if question.relevant:
        field.widget.attrs["data-relevant"] = question.relevant
    return field


def check_answer(
    *, question: Question, value: Any, values: Mapping[str, Any], language: str
) -> str | None:
    """Return the problem with one relevant answer (required, constraint), or None."""
    if is_empty(value):
        return str(REQUIRED_MESSAGE) if question.required else None
    if question.constraint and not holds(question.constraint, values, current=to_json(value)):
        return question.constraint_message.get(language) or str(
            _("Câu trả lời không hợp lệ (điều kiện: %(rule)s).") % {"rule": question.constraint}
        )
    return None


# Household and members ---------------------------------------------------------------


def text_field(label, max_length: int, *, required: bool = True) -> forms.CharField:
    """A text box that says when the text is too long instead of cutting it off as typed."""
    field = forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        error_messages={
            "max_length": _(
                "Dài quá %(limit_value)d ký tự (hiện có %(show_value)d); hãy viết gọn lại."
            )
        },
    )
    # The browser's maxlength would cut a pasted name silently: the server says it instead.
    field.widget.attrs.pop("maxlength", None)
    return field


class HouseholdForm(forms.Form):
    unit = forms.ChoiceField(label=_("Xã/phường/thị trấn"))
    village = text_field(_("Thôn, bản, tổ dân phố"), 120)
    address = text_field(_("Địa chỉ"), 250, required=False)
    head_name = text_field(_("Họ và tên chủ hộ"), 120)
    survey_date = forms.DateField(label=_("Ngày khảo sát"), widget=DayFirstDateInput())

    def __init__(self, *args, units: Sequence[tuple[str, str]], period: tuple[date, date], **kw):
        super().__init__(*args, **kw)
        self.fields["unit"].choices = [("", "—"), *units]
        self.period = period

    def clean_survey_date(self) -> date:
        day = self.cleaned_data["survey_date"]
        start, end = self.period
        if not start <= day <= end:
            raise forms.ValidationError(
                _("Ngày khảo sát phải trong thời gian của đợt (%(start)s – %(end)s).")
                % {"start": start.strftime("%d/%m/%Y"), "end": end.strftime("%d/%m/%Y")}
            )
        return day

    def clean_head_name(self) -> str:
        return nfc(" ".join(self.cleaned_data["head_name"].split()))

    def clean_village(self) -> str:
        return nfc(" ".join(self.cleaned_data["village"].split()))


@dataclass(frozen=True)
class BirthYearRange:
    """Refuse a birth year outside [earliest, survey year], saying so in the user's language."""

    earliest: int
    survey_year: int

    def __call__(self, value: int) -> None:
        if not self.earliest <= value <= self.survey_year:
            # Lazy text with params: the import shows it in both languages.
            raise forms.ValidationError(
                _("Năm sinh phải từ %(earliest)d đến năm khảo sát (%(year)d)."),
                code="birth_year",
                params={"earliest": self.earliest, "year": self.survey_year},
            )


class MemberForm(forms.Form):
    full_name = text_field(_("Họ và tên"), 120)
    sex = forms.ChoiceField(label=_("Giới tính"), choices=SEXES, widget=forms.RadioSelect)
    birth_year = forms.IntegerField(
        label=_("Năm sinh"),
        min_value=1900,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "pattern": "[0-9]*"}),
    )
    ethnicity = forms.ChoiceField(
        label=_("Dân tộc"), choices=[(code, f"{name}") for code, name in ETHNIC_GROUPS]
    )
    education = forms.ChoiceField(label=_("Trình độ học vấn"), choices=EDUCATION_LEVELS)
    target_group = forms.ChoiceField(label=_("Nhóm đối tượng"), required=False)
    relationship = forms.ChoiceField(label=_("Quan hệ với chủ hộ"), choices=RELATIONSHIPS)
    # Kept through corrections so a person keeps one identity across revisions and rounds.
    person_id = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, groups: Sequence[tuple[str, str]], survey_year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_group"].choices = [
            ("", _("Không thuộc nhóm đánh giá (trẻ nhỏ, người cao tuổi...)")),
            *groups,
        ]
        earliest = max(1900, survey_year - OLDEST_AGE)
        birth_year = self.fields["birth_year"]
        birth_year.validators = [
            *(v for v in birth_year.validators if not isinstance(v, MinValueValidator)),
            BirthYearRange(earliest=earliest, survey_year=survey_year),
        ]
        birth_year.error_messages["invalid"] = _("Năm sinh phải là một số, ví dụ 1985.")
        birth_year.widget.attrs.update({"min": earliest, "max": survey_year})
        self.survey_year = survey_year
        self.group_ages: dict[str, tuple[int | None, int | None]] = {}

    def clean_full_name(self) -> str:
        return nfc(" ".join(self.cleaned_data["full_name"].split()))

    def clean(self) -> dict:
        data = super().clean()
        group, year = data.get("target_group"), data.get("birth_year")
        if group and year and group in self.group_ages:
            low, high = self.group_ages[group]
            age = self.survey_year - year
            if (low is not None and age < low) or (high is not None and age > high):
                if high is None:
                    ages = _("từ %(low)s tuổi trở lên") % {"low": low}
                elif low is None:
                    ages = _("đến %(high)s tuổi") % {"high": high}
                else:
                    ages = _("%(low)s–%(high)s tuổi") % {"low": low, "high": high}
                self.add_error(
                    "target_group",
                    _("Tuổi %(age)s không thuộc nhóm này (%(ages)s).") % {"age": age, "ages": ages},
                )
        return data


class BaseMemberFormSet(forms.BaseFormSet):
    # Django's own wording of these is not translated into Vietnamese.
    default_error_messages = {
        "too_few_forms": _("Hộ phải có ít nhất %(num)d thành viên."),
        "too_many_forms": _("Một phiếu nhập được tối đa %(num)d thành viên."),
    }

    def __init__(self, *args, group_ages=None, **kwargs):
        super().__init__(*args, **kwargs)
        for form in self.forms:
            form.group_ages = group_ages or {}

    def clean(self) -> None:
        if any(self.errors):
            return
        heads = [
            f
            for f in self.forms
            if f.cleaned_data
            and not f.cleaned_data.get("DELETE")
            and f.cleaned_data.get("relationship") == "head"
        ]
        if len(heads) > 1:
            raise forms.ValidationError(_("Một hộ chỉ có một chủ hộ."))

    def members(self) -> list[dict[str, Any]]:
        """Return the kept members' data (deleted rows left out), in order.

        ``row`` is the member's row in the formset: deleted rows stay in it (ticked), so a
        row keeps its number when another member is deleted, and answers keyed by it stay
        with their member.
        """
        return [
            {**{k: v for k, v in form.cleaned_data.items() if k != "DELETE"}, "row": row}
            for row, form in enumerate(self.forms)
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


MemberFormSet = forms.formset_factory(
    MemberForm,
    formset=BaseMemberFormSet,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=MAX_MEMBERS,
    validate_max=True,
    can_delete=True,
)


def members_management_data(count: int) -> dict[str, list[str]]:
    """The management form of ``MemberFormSet`` for ``count`` members (a prefilled step)."""
    return {
        "members-TOTAL_FORMS": [str(count)],
        "members-INITIAL_FORMS": ["0"],
        "members-MIN_NUM_FORMS": ["1"],
        "members-MAX_NUM_FORMS": [str(MAX_MEMBERS)],
    }


def profile_of(member: Mapping[str, Any], *, survey_year: int) -> dict[str, Any]:
    """Return the values a member's conditions read besides answers."""
    return {
        "age": survey_year - int(member["birth_year"]),
        "target_group": member.get("target_group") or "",
        "sex": member.get("sex"),
    }


# Questions ------------------------------------------------------------------------------


class MemberQuestionsForm(forms.Form):
    """One step's questions for every member they may apply to.

    Fields are named ``m<row>-<code>``, ``row`` being the member's row in the members step
    (its position when the member has none), so answers follow their member when an
    earlier member is deleted.
    """

    def __init__(
        self,
        *args,
        step: Step,
        spec: CriteriaSpec,
        members: Sequence[Mapping[str, Any]],
        profiles: Sequence[Mapping[str, Any]],
        prior_answers: Sequence[Mapping[str, Any]],
        language: str,
        reviewer: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.step, self.spec, self.language = step, spec, language
        self.profiles, self.prior_answers = profiles, prior_answers
        self.blocks: list[tuple[int, Mapping[str, Any], list[str]]] = []
        for index, (member, profile) in enumerate(zip(members, profiles, strict=True)):
            names = []
            for question in step.questions:
                if question.reviewer_only and not reviewer:
                    continue  # scored by the reviewer from evidence, not asked in the field
                if could_be_asked(
                    spec=spec, source=step.source, question=question, profile=profile
                ):
                    name = f"m{member.get('row', index)}-{question.code}"
                    self.fields[name] = build_question_field(
                        question=question, spec=spec, language=language
                    )
                    names.append(name)
            if names:
                self.blocks.append((index, member, names))

    def member_blocks(self):
        """Yield (member, profile, earlier answers, bound fields) for the template."""
        for index, member, names in self.blocks:
            yield (
                member,
                self.profiles[index],
                self.prior_answers[index],
                [self[name] for name in names],
            )

    def clean(self) -> dict:
        data = super().clean()
        for index, _member, names in self.blocks:
            answers = dict(self.prior_answers[index])
            for name in names:
                question = self.spec.question(name.split("-", 1)[1])
                value = data.get(name)
                asked = is_asked(
                    spec=self.spec,
                    source=self.step.source,
                    question=question,
                    profile=self.profiles[index],
                    answers=answers,
                )
                if not asked:
                    data[name] = None  # an answer to a question not asked never counts
                    self._errors.pop(name, None)
                    continue
                if self.has_error(name):
                    continue  # already refused by the field (not a number...): one message
                values = member_values(profile=self.profiles[index], answers=answers)
                problem = check_answer(
                    question=question, value=value, values=values, language=self.language
                )
                if problem:
                    self.add_error(name, problem)
                elif not is_empty(value):
                    answers[question.code] = to_json(value)
        return data

    def member_answers(self) -> dict[int, dict[str, Any]]:
        """Return this step's answers per member index (empty answers left out)."""
        result: dict[int, dict[str, Any]] = {index: {} for index, _, _ in self.blocks}
        for index, _member, names in self.blocks:
            for name in names:
                value = self.cleaned_data.get(name)
                if not is_empty(value):
                    result[index][name.split("-", 1)[1]] = to_json(value)
        return result


class HouseholdQuestionsForm(forms.Form):
    def __init__(self, *args, step: Step, spec: CriteriaSpec, language: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.step, self.spec, self.language = step, spec, language
        for question in step.questions:
            self.fields[question.code] = build_question_field(
                question=question, spec=spec, language=language
            )

    def clean(self) -> dict:
        data = super().clean()
        answers: dict[str, Any] = {}
        for question in self.step.questions:
            value = data.get(question.code)
            if not holds(question.relevant, answers):
                data[question.code] = None
                self._errors.pop(question.code, None)
                continue
            if self.has_error(question.code):
                continue
            problem = check_answer(
                question=question, value=value, values=answers, language=self.language
            )
            if problem:
                self.add_error(question.code, problem)
            elif not is_empty(value):
                answers[question.code] = to_json(value)
        return data

    def answers(self) -> dict[str, Any]:
        return {
            code: to_json(value) for code, value in self.cleaned_data.items() if not is_empty(value)
        }


class ReviewForm(forms.Form):
    """The last step: nothing to fill, the page shows every answer and the scores."""
