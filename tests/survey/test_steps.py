"""The household form's steps and who is asked what: pure functions over the shipped sets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from criteria.spec import (
    CriteriaSpec,
    Criterion,
    Indicator,
    Label,
    Question,
    Recognition,
    Rule,
    TargetGroup,
)
from criteria.yaml_io import read_yaml
from survey.steps import (
    could_be_asked,
    groups_scoring,
    is_asked,
    is_assessed,
    plan_steps,
    step_applies,
)
from tests.survey.conftest import TOP_ADULT

SETS = Path(__file__).resolve().parents[2] / "fixtures" / "criteria"
CITIZEN = read_yaml(SETS / "cdht-2020.yaml")
FAMILY = read_yaml(SETS / "gdht-2015.yaml")
STEPS = {s.name: s for s in plan_steps(citizen=CITIZEN, household=FAMILY)}


def profile(age: int, group: str = "", sex: str = "male") -> dict[str, Any]:
    return {"age": age, "target_group": group, "sex": sex}


FARMER = profile(40, "nong_dan")
WORKER = profile(33, "cong_nhan", "female")
CADRE = profile(35, "can_bo", "female")
CHILD = profile(10)
ELDER = profile(68)  # no target group
ELDER_FARMER = profile(68, "nong_dan")
TODDLER = profile(3)


# Plan ------------------------------------------------------------------------------------


def test_cdht_v1_with_gdht_v1_gives_eight_steps_with_these_questions():
    plan = plan_steps(citizen=CITIZEN, household=FAMILY)

    assert [(s.name, s.kind, s.source, [q.code for q in s.questions]) for s in plan] == [
        ("household", "household", "", []),
        ("members", "members", "", []),
        (
            "c1",
            "member_questions",
            "citizen",
            [
                "info_sources",
                "learning_plan",
                "community_sessions_12m",
                "community_venues",
                "encourages_learning",
                "encouragement_evidence",
            ],
        ),
        (
            "c2",
            "member_questions",
            "citizen",
            [
                "digital_skills",
                "foreign_language_level",
                "foreign_languages",
                "foreign_language_certificate",
                "numeracy",
                "work_improvement",
                "farming_improvements",
                "workplace_improvements",
                "checks_before_sharing",
                "weighs_options",
            ],
        ),
        (
            "c3",
            "member_questions",
            "citizen",
            [
                "friendly_relations",
                "conflict_response",
                "community_activities_12m",
                "community_activity_kinds",
            ],
        ),
        (
            "family",
            "member_questions",
            "household",
            [
                "attends_school",
                "school_result",
                "conduct",
                "child_polite_active",
                "literacy",
                "learning_contents_12m",
                "applies_learning",
            ],
        ),
        (
            "household_questions",
            "household_questions",
            "household",
            [
                "reading_materials",
                "internet_access",
                "learning_devices",
                "study_place",
                "life_improved",
            ],
        ),
        ("review", "review", "", []),
    ]


def test_the_criterion_steps_are_titled_by_the_sets_criteria():
    plan = plan_steps(citizen=CITIZEN, household=FAMILY)

    assert [s.title.vi for s in plan] == [
        "Thông tin hộ gia đình",
        "Thành viên trong hộ",
        "Năng lực tự học, học tập suốt đời",
        "Năng lực sử dụng công cụ học tập, làm việc",
        "Năng lực xây dựng và duy trì các mối quan hệ xã hội",
        "Học tập của các thành viên",
        "Câu hỏi về gia đình",
        "Xem lại và gửi",
    ]


def test_a_round_without_household_set_has_no_family_or_household_questions_step():
    plan = plan_steps(citizen=CITIZEN, household=None)

    assert [s.name for s in plan] == ["household", "members", "c1", "c2", "c3", "review"]


def test_every_member_question_of_both_sets_is_in_exactly_one_step():
    asked = [q.code for s in STEPS.values() for q in s.questions]

    assert sorted(asked) == sorted(q.code for q in CITIZEN.questions + FAMILY.questions)
    assert len(asked) == len(set(asked))


@pytest.mark.parametrize(
    ("follow_up", "step", "next_scored"),
    [
        ("community_venues", "c1", "encourages_learning"),
        ("foreign_languages", "c2", "foreign_language_certificate"),
        ("farming_improvements", "c2", "checks_before_sharing"),
        ("workplace_improvements", "c2", "checks_before_sharing"),
    ],
)
def test_an_unscored_follow_up_goes_just_before_the_next_scored_question(
    follow_up, step, next_scored
):
    codes = [q.code for q in STEPS[step].questions]
    scored = {r.question for i in CITIZEN.indicators for r in i.rules}

    assert follow_up not in scored
    following = codes[codes.index(follow_up) + 1 :]
    assert next(c for c in following if c in scored) == next_scored


def test_unscored_questions_after_the_last_scored_one_end_the_last_criterion_step():
    assert STEPS["c3"].questions[-1].code == "community_activity_kinds"


def _question(code: str, level: str = "member", **extra) -> Question:
    return Question(code=code, level=level, type="integer", label=Label(code), **extra)


def _indicator(code: str, criterion: str, question: str) -> Indicator:
    return Indicator(code, criterion, Label(code), 10.0, (Rule("bands", question, {}),))


def test_a_follow_up_at_the_end_of_a_criterion_joins_the_next_scored_question_in_a_later_step():
    # q_b follows q_a (criterion A) but the next scored question, q_c, belongs to criterion B;
    # criterion C scores nothing and gets no step.
    spec = CriteriaSpec(
        code="T",
        version=1,
        subject="citizen",
        title=Label("T"),
        total_points=20.0,
        recognition=Recognition(min_total=10.0),
        target_groups=(TargetGroup("g", Label("g")),),
        criteria=(
            Criterion("A", Label("Năng lực A"), 10.0),
            Criterion("B", Label("Năng lực B"), 10.0),
            Criterion("C", Label("Năng lực C"), 0.0),
        ),
        indicators=(_indicator("I1", "A", "q_a"), _indicator("I2", "B", "q_c")),
        questions=(
            _question("q_a"),
            _question("q_b", relevant="${q_a} > 0"),
            Question("intro", "member", "note", Label("Ghi chú")),
            _question("q_c"),
            _question("q_hh", level="household"),
        ),
        choice_lists=(),
    )

    plan = plan_steps(citizen=spec, household=None)

    assert [(s.name, s.title.vi, [q.code for q in s.questions]) for s in plan] == [
        ("household", "Thông tin hộ gia đình", []),
        ("members", "Thành viên trong hộ", []),
        ("c1", "Năng lực A", ["q_a"]),
        ("c2", "Năng lực B", ["q_b", "q_c"]),
        ("review", "Xem lại và gửi", []),
    ]


# groups_scoring and is_assessed ----------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "groups"),
    [
        ("info_sources", None),  # CD01 applies to every group
        ("encouragement_evidence", None),
        ("foreign_language_level", frozenset({"can_bo"})),  # CD06 is for cadres only
        ("foreign_language_certificate", frozenset({"can_bo"})),
        ("foreign_languages", None),  # no rule scores it
        ("community_venues", None),
    ],
)
def test_groups_scoring(question, groups):
    assert groups_scoring(spec=CITIZEN, question=question) == groups


@pytest.mark.parametrize(
    ("group", "assessed"),
    [("nong_dan", True), ("cong_nhan", True), ("can_bo", True), ("", False), ("hoc_sinh", False)],
)
def test_is_assessed_by_the_citizen_set(group, assessed):
    assert is_assessed(spec=CITIZEN, target_group=group) is assessed


# is_asked --------------------------------------------------------------------------------


def asked(spec: CriteriaSpec, source: str, code: str, who: dict, answers: dict) -> bool:
    return is_asked(
        spec=spec, source=source, question=spec.question(code), profile=who, answers=answers
    )


@pytest.mark.parametrize("who", [CHILD, ELDER, profile(40), TODDLER])
def test_a_member_without_target_group_is_asked_nothing_from_the_citizen_set(who):
    everything = {**TOP_ADULT, **{"foreign_language_level": "work", "work_improvement": "tried"}}

    assert [q.code for q in CITIZEN.questions if asked(CITIZEN, "citizen", q.code, who, {})] == []
    assert [
        q.code for q in CITIZEN.questions if asked(CITIZEN, "citizen", q.code, who, everything)
    ] == []


@pytest.mark.parametrize(
    ("code", "who", "answers", "expected"),
    [
        # CD06 is asked of cadres only.
        ("foreign_language_level", CADRE, {}, True),
        ("foreign_language_level", FARMER, {}, False),
        ("foreign_language_level", WORKER, {}, False),
        ("foreign_language_level", ELDER_FARMER, {}, False),
        # Its follow-ups appear only after the level is answered with some use.
        ("foreign_language_certificate", CADRE, {}, False),
        ("foreign_language_certificate", CADRE, {"foreign_language_level": "none"}, False),
        ("foreign_language_certificate", CADRE, {"foreign_language_level": "basic"}, True),
        ("foreign_language_certificate", FARMER, {"foreign_language_level": "basic"}, False),
        ("foreign_languages", CADRE, {}, False),
        ("foreign_languages", CADRE, {"foreign_language_level": "none"}, False),
        ("foreign_languages", CADRE, {"foreign_language_level": "fluent"}, True),
        # Venues only once some sessions were attended.
        ("community_venues", FARMER, {}, False),
        ("community_venues", FARMER, {"community_sessions_12m": 0}, False),
        ("community_venues", FARMER, {"community_sessions_12m": 3}, True),
        # Improvements: the farmer's list for farmers, the workplace list for the others.
        ("farming_improvements", FARMER, {"work_improvement": "tried"}, True),
        ("farming_improvements", FARMER, {"work_improvement": "none"}, False),
        ("farming_improvements", FARMER, {}, False),
        ("farming_improvements", CADRE, {"work_improvement": "tried"}, False),
        ("workplace_improvements", CADRE, {"work_improvement": "applied"}, True),
        ("workplace_improvements", WORKER, {"work_improvement": "recognised"}, True),
        ("workplace_improvements", FARMER, {"work_improvement": "applied"}, False),
        ("community_activity_kinds", WORKER, {"community_activities_12m": 0}, False),
        ("community_activity_kinds", WORKER, {"community_activities_12m": 2}, True),
        # Questions without condition: every assessed member, whatever the age.
        ("info_sources", ELDER_FARMER, {}, True),
        ("info_sources", profile(15, "cong_nhan"), {}, True),
        ("encouragement_evidence", FARMER, {}, True),
    ],
)
def test_is_asked_for_the_citizen_set(code, who, answers, expected):
    assert asked(CITIZEN, "citizen", code, who, answers) is expected


@pytest.mark.parametrize(
    ("code", "who", "answers", "expected"),
    [
        # Children aged 6–14, whatever their (absent) target group.
        ("attends_school", CHILD, {}, True),
        ("attends_school", profile(6), {}, True),
        ("attends_school", profile(14), {}, True),
        ("attends_school", profile(5), {}, False),
        ("attends_school", profile(15, "nong_dan"), {}, False),
        ("attends_school", ELDER, {}, False),
        ("child_polite_active", CHILD, {}, True),
        ("school_result", CHILD, {}, False),
        ("school_result", CHILD, {"attends_school": "no"}, False),
        ("school_result", CHILD, {"attends_school": "yes"}, True),
        ("conduct", CHILD, {"attends_school": "yes"}, True),
        # Adults aged 19–60, whatever their group.
        ("literacy", profile(19), {}, True),
        ("literacy", profile(18, "nong_dan"), {}, False),
        ("literacy", profile(60, "nong_dan"), {}, True),
        ("literacy", profile(61, "nong_dan"), {}, False),
        ("literacy", ELDER_FARMER, {}, False),
        ("literacy", CADRE, {}, True),
        ("learning_contents_12m", FARMER, {}, True),
        ("learning_contents_12m", CHILD, {}, False),
        ("applies_learning", FARMER, {}, False),
        ("applies_learning", FARMER, {"learning_contents_12m": 0}, False),
        ("applies_learning", FARMER, {"learning_contents_12m": 1}, True),
        ("applies_learning", ELDER, {"learning_contents_12m": 3}, False),
    ],
)
def test_is_asked_for_the_family_set_goes_by_age_and_earlier_answers(code, who, answers, expected):
    assert asked(FAMILY, "household", code, who, answers) is expected


# could_be_asked ----------------------------------------------------------------------------


def could(spec: CriteriaSpec, source: str, code: str, who: dict) -> bool:
    return could_be_asked(spec=spec, source=source, question=spec.question(code), profile=who)


@pytest.mark.parametrize(
    ("code", "who", "expected"),
    [
        ("info_sources", CHILD, False),
        ("info_sources", FARMER, True),
        ("foreign_language_level", CADRE, True),
        ("foreign_language_level", FARMER, False),
        ("foreign_language_certificate", FARMER, False),
        # Known only once the level is answered: listed for a cadre ...
        ("foreign_language_certificate", CADRE, True),
        ("foreign_languages", CADRE, True),
        # ... never for those who are not asked the level at all.
        ("foreign_languages", FARMER, False),
        ("community_venues", FARMER, True),
        ("farming_improvements", FARMER, True),
    ],
)
def test_could_be_asked_for_the_citizen_set(code, who, expected):
    assert could(CITIZEN, "citizen", code, who) is expected


@pytest.mark.parametrize(
    ("who", "codes"),
    [
        (CHILD, ["attends_school", "school_result", "conduct", "child_polite_active"]),
        (FARMER, ["literacy", "learning_contents_12m", "applies_learning"]),
        (CADRE, ["literacy", "learning_contents_12m", "applies_learning"]),
        (profile(16, "cong_nhan"), []),
        (ELDER_FARMER, []),
        (ELDER, []),
        (TODDLER, []),
    ],
)
def test_the_family_questions_a_member_could_be_asked_follow_from_age_alone(who, codes):
    member_questions = [q.code for q in FAMILY.questions if q.level == "member"]

    assert [c for c in member_questions if could(FAMILY, "household", c, who)] == codes


# step_applies ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("profiles", "applies"),
    [
        ([FARMER, CADRE, CHILD, ELDER_FARMER], {"c1", "c2", "c3", "family"}),
        ([CHILD], {"family"}),
        ([ELDER, TODDLER], set()),
        ([ELDER_FARMER], {"c1", "c2", "c3"}),
        ([profile(17, "cong_nhan")], {"c1", "c2", "c3"}),
        ([profile(17, "cong_nhan"), TODDLER, profile(12)], {"c1", "c2", "c3", "family"}),
        ([profile(40)], {"family"}),
    ],
)
def test_step_applies_when_some_member_could_be_asked_something(profiles, applies):
    spec_of_step = {"citizen": CITIZEN, "household": FAMILY}
    member_steps = {n: s for n, s in STEPS.items() if s.kind == "member_questions"}

    assert {
        name
        for name, step in member_steps.items()
        if step_applies(step=step, spec=spec_of_step[step.source], profiles=profiles)
    } == applies


def test_steps_other_than_member_questions_always_apply():
    for name in ("household", "members", "household_questions", "review"):
        assert step_applies(step=STEPS[name], spec=FAMILY, profiles=[]) is True
