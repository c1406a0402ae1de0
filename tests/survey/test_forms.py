"""Forms of the household wizard, built from the shipped criteria sets (no database)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django import forms

from config.widgets import DayFirstDateInput
from criteria.spec import QUESTION_TYPES, Choice, ChoiceList, Label, Question
from criteria.yaml_io import read_yaml
from survey.forms import (
    FIELD_BUILDERS,
    HouseholdForm,
    HouseholdQuestionsForm,
    MemberFormSet,
    MemberQuestionsForm,
    build_question_field,
    profile_of,
)
from survey.steps import Step, plan_steps
from tests.factories import MINH_QUAN_ACUTE, NGA_QUAN
from tests.survey.conftest import CADRE, CHILD, ELDER, FARMER, TOP_ADULT

SETS = Path(__file__).resolve().parents[2] / "fixtures" / "criteria"
CITIZEN = read_yaml(SETS / "cdht-2020.yaml")
FAMILY = read_yaml(SETS / "gdht-2015.yaml")
STEPS = {s.name: s for s in plan_steps(citizen=CITIZEN, household=FAMILY)}
MEMBERS = [FARMER, CADRE, CHILD, ELDER]
REQUIRED = "Câu này bắt buộc trả lời."
NONE_WITH_OTHERS = '"Không có" không chọn cùng mục khác.'


def question_form(step: str, data: dict[str, Any] | None, *, members=MEMBERS, **kwargs):
    plan_step = STEPS[step]
    spec = CITIZEN if plan_step.source == "citizen" else FAMILY
    profiles = [profile_of(m, survey_year=2021) for m in members]
    return MemberQuestionsForm(
        data,
        step=plan_step,
        spec=spec,
        members=members,
        profiles=profiles,
        prior_answers=kwargs.pop("prior", [{} for _ in members]),
        language=kwargs.pop("language", "vi"),
        **kwargs,
    )


def c1_of(answers: dict[str, Any]) -> dict[str, Any]:
    codes = ("info_sources", "learning_plan", "community_sessions_12m", "community_venues")
    return {k: v for k, v in answers.items() if k in (*codes, "encourages_learning")}


def posted(answers: dict[int, dict[str, Any]]) -> dict[str, Any]:
    return {
        f"m{i}-{code}": value for i, values in answers.items() for code, value in values.items()
    }


# The field registry --------------------------------------------------------------------


def test_every_question_type_but_notes_has_a_field_builder():
    assert set(FIELD_BUILDERS) == set(QUESTION_TYPES) - {"note"}


YES_NO = ChoiceList(
    "yes_no", (Choice("yes", Label("Có", "Yes")), Choice("no", Label("Không", "No")))
)


@pytest.mark.parametrize(
    ("qtype", "field_class", "widget_class", "attrs"),
    [
        (
            "integer",
            forms.IntegerField,
            forms.NumberInput,
            {"inputmode": "numeric", "pattern": "-?[0-9]*", "min": -(10**9), "max": 10**9},
        ),
        ("decimal", forms.DecimalField, forms.NumberInput, {"inputmode": "decimal", "step": "any"}),
        ("select_one", forms.ChoiceField, forms.RadioSelect, {}),
        ("select_multiple", forms.MultipleChoiceField, forms.CheckboxSelectMultiple, {}),
        ("text", forms.CharField, forms.TextInput, {"maxlength": "500"}),
        (
            "date",
            forms.DateField,
            DayFirstDateInput,
            {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "size": 10},
        ),
    ],
)
def test_the_field_of_each_question_type(qtype, field_class, widget_class, attrs):
    question = Question(
        "q",
        "member",
        qtype,
        Label("Câu hỏi?", "Question?"),
        choice_list="yes_no" if qtype.startswith("select") else None,
        hint=Label("Gợi ý", "Hint"),
        relevant="${age} >= 15",
    )
    spec = replace(CITIZEN, questions=(question,), choice_lists=(YES_NO,))

    field = build_question_field(question=question, spec=spec, language="vi")

    assert type(field) is field_class
    assert type(field.widget) is widget_class
    assert field.required is False  # "required" is judged with relevance, in clean()
    assert field.label == "Câu hỏi?"
    assert field.help_text == "Gợi ý"
    assert field.widget.attrs == {**attrs, "data-question": "q", "data-relevant": "${age} >= 15"}
    if qtype.startswith("select"):
        assert field.choices == [("yes", "Có"), ("no", "Không")]
    if qtype == "date":
        # Typed day first whatever the device's locale; a browser date picker would follow it.
        assert field.widget.input_type == "text"
        assert field.clean("01/06/2021") == date(2021, 6, 1)


def test_an_integer_question_renders_with_the_numeric_keypad():
    field = build_question_field(
        question=CITIZEN.question("community_sessions_12m"), spec=CITIZEN, language="vi"
    )

    html = field.widget.render("c1-m0-community_sessions_12m", None)

    assert 'type="number"' in html
    assert 'inputmode="numeric"' in html
    assert 'max="1000000000"' in html


def test_labels_follow_the_language():
    question = CITIZEN.question("learning_plan")

    vi = build_question_field(question=question, spec=CITIZEN, language="vi")
    en = build_question_field(question=question, spec=CITIZEN, language="en")

    assert vi.label == question.label.vi
    assert en.label == question.label.en
    assert en.choices[0] == ("none", "No plan")
    assert vi.choices[0] == ("none", "Chưa có kế hoạch")


# MemberQuestionsForm -------------------------------------------------------------------


def test_each_assessed_member_gets_the_steps_questions_and_the_child_none():
    form = question_form("c1", None)

    assert [(index, names) for index, _member, names in form.blocks] == [
        (
            i,
            [
                f"m{i}-info_sources",
                f"m{i}-learning_plan",
                f"m{i}-community_sessions_12m",
                f"m{i}-community_venues",
                f"m{i}-encourages_learning",
            ],
        )
        for i in (0, 1, 3)
    ]


def test_only_the_cadre_gets_the_foreign_language_questions():
    form = question_form("c2", None)

    language = {
        name for name in form.fields if name.split("-", 1)[1].startswith("foreign_language")
    }
    assert language == {
        "m1-foreign_language_level",
        "m1-foreign_languages",
        "m1-foreign_language_certificate",
    }


def test_the_family_questions_go_by_age():
    form = question_form("family", None)

    assert [(index, names) for index, _member, names in form.blocks] == [
        (0, ["m0-literacy", "m0-learning_contents_12m", "m0-applies_learning"]),
        (1, ["m1-literacy", "m1-learning_contents_12m", "m1-applies_learning"]),
        (
            2,
            ["m2-attends_school", "m2-school_result", "m2-conduct", "m2-child_polite_active"],
        ),
    ]  # the 68-year-old is asked nothing


def test_complete_answers_are_valid_and_stored_as_json_values():
    form = question_form(
        "c1",
        posted({0: c1_of(TOP_ADULT), 1: c1_of(TOP_ADULT)})
        | posted(
            {3: {**c1_of(TOP_ADULT), "community_sessions_12m": "0", "community_venues": ["club"]}}
        ),
    )

    assert form.is_valid(), form.errors
    assert form.member_answers() == {
        0: {
            "info_sources": ["books", "newspapers", "tv_radio", "phone", "internet"],
            "learning_plan": "written_followed",
            "community_sessions_12m": 8,
            "community_venues": ["learning_centre"],
            "encourages_learning": "always",
        },
        1: {
            "info_sources": ["books", "newspapers", "tv_radio", "phone", "internet"],
            "learning_plan": "written_followed",
            "community_sessions_12m": 8,
            "community_venues": ["learning_centre"],
            "encourages_learning": "always",
        },
        # No sessions: the venues question was not asked, its answer is dropped.
        3: {
            "info_sources": ["books", "newspapers", "tv_radio", "phone", "internet"],
            "learning_plan": "written_followed",
            "community_sessions_12m": 0,
            "encourages_learning": "always",
        },
    }


def test_missing_required_answers_are_reported_beside_each_field():
    form = question_form("c1", posted({0: c1_of(TOP_ADULT), 1: c1_of(TOP_ADULT)}))

    assert not form.is_valid()
    assert form.errors == {
        "m3-info_sources": [REQUIRED],
        "m3-learning_plan": [REQUIRED],
        "m3-community_sessions_12m": [REQUIRED],
        "m3-encourages_learning": [REQUIRED],
    }


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        ("info_sources", ["none", "books"], NONE_WITH_OTHERS),
        ("community_sessions_12m", "366", "Số buổi phải từ 0 đến 365."),
        ("community_sessions_12m", "-1", "Số buổi phải từ 0 đến 365."),
        (
            "community_sessions_12m",
            "10000000000000",
            "Đảm bảo giá trị này là nhỏ hơn hoặc bằng với 1000000000 .",
        ),
        (
            "community_sessions_12m",
            "-99999999999",
            "Đảm bảo giá trị này lớn hơn hoặc bằng với -1000000000 .",
        ),
        ("community_sessions_12m", "8.5", "Nhập một số tổng thể."),
        (
            "learning_plan",
            "every_day",
            "Hãy chọn một lựa chọn hợp lệ. every_day không phải là một trong các lựa chọn khả thi.",
        ),
    ],
)
def test_a_refused_answer_has_one_message_beside_its_field(code, value, message):
    answers = {0: {**c1_of(TOP_ADULT), code: value}, 1: c1_of(TOP_ADULT), 3: c1_of(TOP_ADULT)}

    form = question_form("c1", posted(answers))

    assert not form.is_valid()
    assert form.errors == {f"m0-{code}": [message]}
    assert 0 not in form.member_answers() or code not in form.member_answers()[0]


def test_a_follow_up_is_checked_only_once_its_trigger_is_answered():
    cadre = {
        "digital_skills": ["email"],
        "foreign_language_level": "basic",
        "numeracy": "plans",
        "work_improvement": "applied",
        "checks_before_sharing": "often",
        "weighs_options": "often",
    }
    farmer = {k: v for k, v in cadre.items() if not k.startswith("foreign")}

    form = question_form("c2", posted({0: farmer, 1: cadre, 3: farmer}))

    # The level "basic" makes the certificate required; the farmer is never asked it.
    assert not form.is_valid()
    assert form.errors == {"m1-foreign_language_certificate": [REQUIRED]}


def test_an_answer_to_a_question_not_asked_is_dropped():
    cadre = {
        "digital_skills": ["email"],
        "foreign_language_level": "none",
        "foreign_language_certificate": "yes",  # not asked: no use of a foreign language
        "foreign_languages": ["english"],  # not asked either
        "numeracy": "plans",
        "work_improvement": "none",
        "workplace_improvements": ["tools"],  # not asked: no improvement
        "farming_improvements": ["cultivation"],  # not asked of a cadre
        "checks_before_sharing": "often",
        "weighs_options": "often",
    }
    farmer = {
        **{k: v for k, v in cadre.items() if not k.startswith("foreign")},
        "foreign_language_level": "fluent",  # no such field for a farmer
        "work_improvement": "tried",
        "farming_improvements": ["cultivation"],
    }

    form = question_form("c2", posted({0: farmer, 1: cadre, 3: farmer}))

    assert form.is_valid(), form.errors
    assert form.member_answers()[1] == {
        "digital_skills": ["email"],
        "foreign_language_level": "none",
        "numeracy": "plans",
        "work_improvement": "none",
        "checks_before_sharing": "often",
        "weighs_options": "often",
    }
    assert form.member_answers()[0] == {
        "digital_skills": ["email"],
        "numeracy": "plans",
        "work_improvement": "tried",
        "farming_improvements": ["cultivation"],
        "checks_before_sharing": "often",
        "weighs_options": "often",
    }


def test_an_unreadable_answer_to_a_question_not_asked_is_dropped_without_message():
    # The certificate is hidden (no use of a foreign language): whatever it holds is dropped.
    cadre = {
        "digital_skills": ["email"],
        "foreign_language_level": "none",
        "foreign_language_certificate": "maybe",
        "numeracy": "plans",
        "work_improvement": "none",
        "checks_before_sharing": "often",
        "weighs_options": "often",
    }
    farmer = {k: v for k, v in cadre.items() if not k.startswith("foreign")}

    form = question_form("c2", posted({0: farmer, 1: cadre, 3: farmer}))

    assert form.is_valid(), form.errors
    assert "foreign_language_certificate" not in form.member_answers()[1]


def test_a_child_not_in_a_target_group_has_no_citizen_answers_even_if_posted():
    form = question_form(
        "c1",
        posted(
            {0: c1_of(TOP_ADULT), 1: c1_of(TOP_ADULT), 2: c1_of(TOP_ADULT), 3: c1_of(TOP_ADULT)}
        ),
    )

    assert form.is_valid(), form.errors
    assert sorted(form.member_answers()) == [0, 1, 3]
    assert not any(name.startswith("m2-") for name in form.fields)


def test_earlier_steps_answers_decide_relevance():
    # applies_learning depends on learning_contents_12m of the same step; school_result on
    # attends_school.
    family = {
        0: {"literacy": "level2", "learning_contents_12m": "0", "applies_learning": "yes"},
        1: {"literacy": "level1", "learning_contents_12m": "1"},
        2: {"attends_school": "no", "school_result": "good", "child_polite_active": "yes"},
    }

    form = question_form("family", posted(family))

    assert not form.is_valid()
    assert form.errors == {"m1-applies_learning": [REQUIRED]}
    assert form.member_answers() == {
        0: {"literacy": "level2", "learning_contents_12m": 0},
        1: {"literacy": "level1", "learning_contents_12m": 1},
        2: {"attends_school": "no", "child_polite_active": "yes"},
    }


def test_reviewer_only_questions_are_hidden_from_surveyors_and_their_answers_ignored():
    data = posted({i: {**c1_of(TOP_ADULT), "encouragement_evidence": "2"} for i in (0, 1, 3)})

    surveyor = question_form("c1", data)
    reviewer = question_form("c1", data, reviewer=True)

    assert "m0-encouragement_evidence" not in surveyor.fields
    assert surveyor.is_valid(), surveyor.errors
    assert "encouragement_evidence" not in surveyor.member_answers()[0]
    assert "m0-encouragement_evidence" in reviewer.fields
    assert reviewer.is_valid(), reviewer.errors
    assert reviewer.member_answers()[0]["encouragement_evidence"] == 2


def test_a_reviewer_score_out_of_range_is_refused_with_the_sets_message():
    data = posted({i: {**c1_of(TOP_ADULT), "encouragement_evidence": "3"} for i in (0, 1, 3)})

    form = question_form("c1", data, reviewer=True)

    assert not form.is_valid()
    assert form.errors == {f"m{i}-encouragement_evidence": ["Điểm từ 0 đến 2."] for i in (0, 1, 3)}


def test_member_question_messages_in_english_when_the_user_reads_english():
    answers = {0: {**c1_of(TOP_ADULT), "community_sessions_12m": "400"}}
    answers |= {1: c1_of(TOP_ADULT), 3: c1_of(TOP_ADULT)}

    form = question_form("c1", posted(answers), language="en")

    assert form.errors == {
        "m0-community_sessions_12m": ["The number of sessions must be between 0 and 365."]
    }


# Dates and decimals (no shipped set asks them: a set with one of each) ------------------------


def _typed_form(data: dict[str, Any]):
    questions = (
        Question("trained_on", "member", "date", Label("Ngày được tập huấn"), required=True),
        Question("hours", "member", "decimal", Label("Số giờ tự học mỗi tuần"), required=True),
    )
    spec = replace(CITIZEN, questions=questions)
    step = Step("c9", "member_questions", Label("Thử"), "household", questions)
    profile = {"age": 40, "target_group": "nong_dan", "sex": "male"}
    return MemberQuestionsForm(
        data,
        step=step,
        spec=spec,
        members=[FARMER],
        profiles=[profile],
        prior_answers=[{}],
        language="vi",
    )


def test_a_plausible_date_and_decimal_are_kept():
    form = _typed_form({"m0-trained_on": "2020-11-03", "m0-hours": "2.5"})

    assert form.is_valid(), form.errors
    assert form.member_answers() == {0: {"trained_on": "2020-11-03", "hours": 2.5}}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0001-01-01", "Ngày phải từ 01/01/1900 đến 31/12/2100."),
        ("1899-12-31", "Ngày phải từ 01/01/1900 đến 31/12/2100."),
        ("2101-01-01", "Ngày phải từ 01/01/1900 đến 31/12/2100."),
        ("9999-12-31", "Ngày phải từ 01/01/1900 đến 31/12/2100."),
        ("20211-01-01", "Nhập một ngày hợp lệ."),
        ("2021-02-30", "Nhập một ngày hợp lệ."),
    ],
)
def test_a_far_past_or_far_future_date_is_refused(value, message):
    form = _typed_form({"m0-trained_on": value, "m0-hours": "2"})

    assert not form.is_valid()
    assert form.errors == {"m0-trained_on": [message]}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1e400", "Đảm bảo rằng tối đa không có nhiều hơn 14 số."),
        ("123456789012345", "Đảm bảo rằng tối đa không có nhiều hơn 14 số."),
        ("NaN", "Nhập một số."),
        ("abc", "Nhập một số."),
    ],
)
def test_a_huge_or_unreadable_decimal_is_refused(value, message):
    form = _typed_form({"m0-trained_on": "2020-11-03", "m0-hours": value})

    assert not form.is_valid()
    assert form.errors == {"m0-hours": [message]}


# HouseholdQuestionsForm -----------------------------------------------------------------

HOUSEHOLD = {
    "reading_materials": ["books", "newspapers"],
    "internet_access": "yes",
    "learning_devices": ["smartphone", "tv"],
    "study_place": "yes",
    "life_improved": "clear",
}


def household_form(data, step=None):
    return HouseholdQuestionsForm(
        data, step=step or STEPS["household_questions"], spec=FAMILY, language="vi"
    )


def test_household_answers_are_kept_as_json_values():
    form = household_form(HOUSEHOLD)

    assert form.is_valid(), form.errors
    assert form.answers() == HOUSEHOLD


def test_household_questions_report_missing_and_refused_answers_beside_the_field():
    form = household_form({**HOUSEHOLD, "reading_materials": ["none", "books"], "study_place": ""})

    assert not form.is_valid()
    assert form.errors == {"reading_materials": [NONE_WITH_OTHERS], "study_place": [REQUIRED]}


def test_a_household_answer_to_a_question_not_asked_is_dropped():
    questions = tuple(
        replace(q, relevant="${internet_access} = 'yes'") if q.code == "learning_devices" else q
        for q in STEPS["household_questions"].questions
    )
    step = replace(STEPS["household_questions"], questions=questions)

    form = household_form({**HOUSEHOLD, "internet_access": "no"}, step=step)

    assert form.is_valid(), form.errors
    assert form.answers() == {
        "reading_materials": ["books", "newspapers"],
        "internet_access": "no",
        "study_place": "yes",
        "life_improved": "clear",
    }


def test_an_unknown_household_choice_has_a_single_message():
    form = household_form({**HOUSEHOLD, "internet_access": "maybe"})

    assert not form.is_valid()
    assert form.errors == {
        "internet_access": [
            "Hãy chọn một lựa chọn hợp lệ. maybe không phải là một trong các lựa chọn khả thi."
        ]
    }


# Household details --------------------------------------------------------------------------

PERIOD = (date(2021, 6, 1), date(2021, 12, 31))
UNITS = [(NGA_QUAN, "Xã Nga Quán"), (MINH_QUAN_ACUTE, "Xã Minh Quán")]
DETAILS = {
    "unit": NGA_QUAN,
    "village": "  Thôn   3 ",
    "address": "Số 12",
    "head_name": " Nguye\u0302\u0303n  Va\u0306n An ",  # combining marks, extra spaces
    "survey_date": "2021-07-15",
}


def test_household_details_are_cleaned_to_single_spaces_and_nfc():
    form = HouseholdForm(DETAILS, units=UNITS, period=PERIOD)

    assert form.is_valid(), form.errors
    assert form.cleaned_data == {
        "unit": NGA_QUAN,
        "village": "Thôn 3",
        "address": "Số 12",
        "head_name": "Nguyễn Văn An",
        "survey_date": date(2021, 7, 15),
    }


@pytest.mark.parametrize(
    "day", ["0001-01-01", "1900-01-01", "2021-05-31", "2022-01-01", "9999-12-31"]
)
def test_a_survey_date_outside_the_round_is_refused(day):
    form = HouseholdForm({**DETAILS, "survey_date": day}, units=UNITS, period=PERIOD)

    assert not form.is_valid()
    assert form.errors == {
        "survey_date": ["Ngày khảo sát phải trong thời gian của đợt (01/06/2021 – 31/12/2021)."]
    }


def test_a_unit_not_offered_is_refused():
    other = "04522@2020-02-01"

    form = HouseholdForm({**DETAILS, "unit": other}, units=UNITS, period=PERIOD)

    assert not form.is_valid()
    assert form.errors == {
        "unit": [
            f"Hãy chọn một lựa chọn hợp lệ. {other} không phải là một trong các lựa chọn khả thi."
        ]
    }


# Members -------------------------------------------------------------------------------------

GROUPS = [("nong_dan", "Nông dân"), ("cong_nhan", "Công nhân"), ("can_bo", "Cán bộ")]
GROUP_AGES = {"nong_dan": (15, None), "cong_nhan": (15, None), "can_bo": (15, None)}


def member_formset(members: list[dict[str, str]], survey_year: int = 2021):
    data = {
        "members-TOTAL_FORMS": str(len(members)),
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "1",
        "members-MAX_NUM_FORMS": "30",
    }
    for index, member in enumerate(members):
        data.update({f"members-{index}-{k}": v for k, v in member.items()})
    return MemberFormSet(
        data,
        prefix="members",
        form_kwargs={"groups": GROUPS, "survey_year": survey_year},
        group_ages=GROUP_AGES,
    )


def test_four_members_are_valid_and_kept_in_order():
    formset = member_formset(MEMBERS)

    assert formset.is_valid(), formset.errors
    assert [(m["full_name"], m["birth_year"], m["target_group"]) for m in formset.members()] == [
        ("Nguyễn Văn An", 1981, "nong_dan"),
        ("Trần Thị Bình", 1986, "can_bo"),
        ("Nguyễn Minh Châu", 2011, ""),
        ("Nguyễn Văn Dũng", 1953, "nong_dan"),
    ]


@pytest.mark.parametrize(
    ("birth_year", "group", "message"),
    [
        ("2011", "nong_dan", "Tuổi 10 không thuộc nhóm này (từ 15 tuổi trở lên)."),
        ("2007", "can_bo", "Tuổi 14 không thuộc nhóm này (từ 15 tuổi trở lên)."),
    ],
)
def test_a_member_too_young_for_the_target_group_is_refused(birth_year, group, message):
    formset = member_formset([FARMER, {**CHILD, "birth_year": birth_year, "target_group": group}])

    assert not formset.is_valid()
    assert formset.errors == [{}, {"target_group": [message]}]


def test_a_member_of_exactly_the_groups_minimum_age_is_accepted():
    formset = member_formset([FARMER, {**CHILD, "birth_year": "2006", "target_group": "cong_nhan"}])

    assert formset.is_valid(), formset.errors


def test_the_age_message_names_both_limits_when_the_group_has_a_maximum():
    formset = member_formset([FARMER, {**CHILD, "birth_year": "1990", "target_group": "nong_dan"}])
    formset.forms[1].group_ages = {"nong_dan": (6, 24)}

    assert not formset.is_valid()
    assert formset.errors[1] == {"target_group": ["Tuổi 31 không thuộc nhóm này (6–24 tuổi)."]}


def test_the_age_message_names_the_maximum_of_a_group_without_minimum():
    formset = member_formset([FARMER, {**CHILD, "birth_year": "1990", "target_group": "nong_dan"}])
    formset.forms[1].group_ages = {"nong_dan": (None, 24)}

    assert not formset.is_valid()
    assert formset.errors[1] == {"target_group": ["Tuổi 31 không thuộc nhóm này (đến 24 tuổi)."]}


def test_a_household_has_one_head_only():
    formset = member_formset([FARMER, {**CADRE, "relationship": "head"}])

    assert not formset.is_valid()
    assert formset.non_form_errors() == ["Một hộ chỉ có một chủ hộ."]


def test_a_deleted_member_does_not_count_as_a_second_head():
    formset = member_formset([FARMER, {**CADRE, "relationship": "head", "DELETE": "on"}])

    assert formset.is_valid(), formset.errors
    assert [m["full_name"] for m in formset.members()] == ["Nguyễn Văn An"]


def test_a_household_needs_at_least_one_member():
    formset = member_formset([])

    assert not formset.is_valid()
    assert formset.non_form_errors() == ["Hộ phải có ít nhất 1 thành viên."]


def test_a_household_of_everyone_deleted_is_refused_in_vietnamese():
    formset = member_formset([{**FARMER, "DELETE": "on"}])

    assert not formset.is_valid()
    assert formset.non_form_errors() == ["Hộ phải có ít nhất 1 thành viên."]


def test_at_most_thirty_members_in_one_form():
    formset = member_formset([{**FARMER, "relationship": "other"}] * 31)

    assert not formset.is_valid()
    assert formset.non_form_errors() == ["Một phiếu nhập được tối đa 30 thành viên."]


@pytest.mark.parametrize(
    ("birth_year", "survey_year", "message"),
    [
        ("2022", 2021, "Năm sinh phải từ 1900 đến năm khảo sát (2021)."),
        ("99999", 2021, "Năm sinh phải từ 1900 đến năm khảo sát (2021)."),
        ("-5", 2021, "Năm sinh phải từ 1900 đến năm khảo sát (2021)."),
        ("1899", 2021, "Năm sinh phải từ 1900 đến năm khảo sát (2021)."),
        # Nobody is surveyed older than 130 (the database refuses it).
        ("1901", 2035, "Năm sinh phải từ 1905 đến năm khảo sát (2035)."),
        ("19x1", 2021, "Năm sinh phải là một số, ví dụ 1985."),
    ],
)
def test_an_impossible_birth_year_is_refused_with_one_message(birth_year, survey_year, message):
    formset = member_formset([{**ELDER, "birth_year": birth_year, "target_group": ""}], survey_year)

    assert not formset.is_valid()
    assert formset.errors == [{"birth_year": [message]}]


def test_a_member_of_130_is_accepted():
    formset = member_formset([{**ELDER, "birth_year": "1905", "target_group": ""}], 2035)

    assert formset.is_valid(), formset.errors


def test_member_names_are_cleaned_and_required_fields_reported():
    formset = member_formset(
        [
            {**FARMER, "full_name": "  Nguye\u0302\u0303n   Va\u0306n   An "},
            {**CADRE, "full_name": "", "ethnicity": "99", "sex": ""},
        ]
    )

    assert not formset.is_valid()
    assert formset.forms[0].cleaned_data["full_name"] == "Nguyễn Văn An"
    assert formset.errors[1] == {
        "full_name": ["Trường này là bắt buộc."],
        "sex": ["Trường này là bắt buộc."],
        "ethnicity": [
            "Hãy chọn một lựa chọn hợp lệ. 99 không phải là một trong các lựa chọn khả thi."
        ],
    }


def test_profile_of_computes_the_age_in_the_survey_year():
    assert profile_of(FARMER, survey_year=2021) == {
        "age": 40,
        "target_group": "nong_dan",
        "sex": "male",
    }
    assert profile_of(CHILD, survey_year=2021)["age"] == 10
    assert profile_of(ELDER, survey_year=2021)["age"] == 68
