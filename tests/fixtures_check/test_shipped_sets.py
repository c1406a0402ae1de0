"""The criteria sets shipped in fixtures/criteria load, add up and score sensibly.

Plain checks on the YAML files and the pure spec/rule/expression code; no database.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from criteria.expressions import holds, parse
from criteria.rules import RULE_TYPES, get_rule_type
from criteria.spec import (
    LEVELS,
    MEMBER_BUILTINS,
    NOT_APPLICABLE_POLICIES,
    QUESTION_TYPES,
    CriteriaSpec,
    Question,
)

DIRECTORY = Path(__file__).resolve().parents[2] / "fixtures" / "criteria"
FILES = ("cdht-2020.yaml", "cdht-2023.yaml", "gdht-2015.yaml")
CODE = re.compile(r"^[a-z][a-z0-9_]*$")
SELECT_TYPES = ("select_one", "select_multiple")
MEMBER_RULES = {"members_all", "members_any", "members_share", "members_count"}


def load(name: str) -> tuple[dict[str, Any], CriteriaSpec]:
    data = yaml.safe_load((DIRECTORY / name).read_text(encoding="utf-8"))
    return data, CriteriaSpec.from_dict(data)


@pytest.fixture(params=FILES)
def shipped(request) -> tuple[str, dict[str, Any], CriteriaSpec]:
    data, spec = load(request.param)
    return request.param, data, spec


def scored_questions(spec: CriteriaSpec) -> dict[str, list]:
    """Question code -> the (indicator, rule) pairs that score it."""
    found: dict[str, list] = {}
    for indicator in spec.indicators:
        for rule in indicator.rules:
            if rule.question:
                found.setdefault(rule.question, []).append((indicator, rule))
    return found


def member_rule_names(spec: CriteriaSpec) -> set[str]:
    """Question codes that members_* rules read in their condition or test."""
    names: set[str] = set()
    for indicator in spec.indicators:
        for rule in indicator.rules:
            if rule.type in MEMBER_RULES:
                for key in ("condition", "test"):
                    if rule.params.get(key):
                        names |= parse(rule.params[key]).names
    return names - set(MEMBER_BUILTINS)


def ceiling(rule) -> float:
    return RULE_TYPES[rule.type].ceiling(rule.params)


# Loading and the plain layout ---------------------------------------------------------


def test_every_shipped_file_is_checked():
    assert sorted(p.name for p in DIRECTORY.glob("*.yaml")) == sorted(FILES)


def test_loads_and_round_trips(shipped):
    _, data, spec = shipped
    # The file is written in the full to_dict() layout, so it is its own round trip.
    assert spec.to_dict() == data
    assert CriteriaSpec.from_dict(spec.to_dict()) == spec


def test_yaml_scalars_keep_their_types(shipped):
    _, _, spec = shipped
    for choice_list in spec.choice_lists:
        for choice in choice_list.choices:
            assert choice.name not in {"True", "False", "None"}, (choice_list.name, choice)
    for indicator in spec.indicators:
        for rule in indicator.rules:
            points = rule.params.get("points")
            if isinstance(points, dict):
                assert all(isinstance(key, str) for key in points), (indicator.code, points)
            if "yes" in rule.params or rule.type == "yes_no":
                assert all(isinstance(key, str) for key in rule.params), rule.params


def test_set_level_fields(shipped):
    _, _, spec = shipped
    assert spec.status == "published"
    assert spec.valid_from is not None
    assert spec.title.vi and spec.title.en
    assert spec.legal_basis.strip()
    assert "[địa phương]" in spec.description.vi
    assert "[local]" in spec.description.en
    assert spec.local_choices
    for item in spec.local_choices:
        # Vietnamese first, English in parentheses, marked as an assumption in both.
        assert "[giả định]" in item and "[assumption]" in item, item
        assert item.endswith(")") and " (" in item, item
    assert 0 < spec.recognition.min_total <= spec.total_points
    for level in spec.recognition.levels:
        assert level.local
        assert level.min_total >= spec.recognition.min_total


# Points add up ---------------------------------------------------------------------


def test_maxima_add_up(shipped):
    _, _, spec = shipped
    assert sum(c.max_points for c in spec.criteria) == spec.total_points
    criterion_codes = {c.code for c in spec.criteria}
    for criterion in spec.criteria:
        indicators = spec.indicators_of(criterion.code)
        assert indicators, criterion.code
        assert sum(i.max_points for i in indicators) == criterion.max_points, criterion.code
    for indicator in spec.indicators:
        assert indicator.criterion in criterion_codes
        assert indicator.rules, indicator.code
        for rule in indicator.rules:
            assert ceiling(rule) <= indicator.max_points, (indicator.code, rule)
        # No rule is cut off by the indicator's cap: the ceilings add up to the maximum.
        assert sum(ceiling(r) for r in indicator.rules) == indicator.max_points, indicator.code


def test_recognition_is_reachable(shipped):
    _, _, spec = shipped
    minimum = spec.recognition.min_indicator or 0
    for level in spec.recognition.levels:
        minimum = max(minimum, level.min_indicator or 0)
    for indicator in spec.indicators:
        assert indicator.max_points >= minimum, indicator.code


# Codes, questions and choice lists ---------------------------------------------------


def test_codes_are_unique_and_well_formed(shipped):
    _, _, spec = shipped
    for items in (spec.criteria, spec.indicators, spec.questions, spec.target_groups):
        codes = [item.code for item in items]
        assert len(codes) == len(set(codes)), codes
    names = [c.name for c in spec.choice_lists]
    assert len(names) == len(set(names))
    for question in spec.questions:
        assert CODE.match(question.code), question.code
    for choice_list in spec.choice_lists:
        assert CODE.match(choice_list.name), choice_list.name
        choices = [c.name for c in choice_list.choices]
        assert len(choices) == len(set(choices)), choice_list.name
        assert all(CODE.match(c) for c in choices), choices
    for group in spec.target_groups:
        assert CODE.match(group.code)
        if group.min_age is not None and group.max_age is not None:
            assert group.min_age <= group.max_age


def test_questions_are_complete(shipped):
    _, _, spec = shipped
    lists = {c.name for c in spec.choice_lists}
    used_lists = set()
    scored = scored_questions(spec)
    used_by_member_rules = member_rule_names(spec)
    for question in spec.questions:
        assert question.type in QUESTION_TYPES
        assert question.level in LEVELS
        assert question.label.vi and question.label.en, question.code
        assert question.hint.vi and question.hint.en, question.code
        if question.type in SELECT_TYPES:
            assert question.choice_list in lists, question.code
            used_lists.add(question.choice_list)
        else:
            assert question.choice_list is None, question.code
        if question.constraint:
            assert question.constraint_message.vi and question.constraint_message.en
        if question.code not in scored.keys() | used_by_member_rules and question.type != "note":
            # Evidence details and profile data say so in their hint.
            assert "không tính điểm" in question.hint.vi, question.code
            assert "not scored" in question.hint.en, question.code
        if question.reviewer_only:
            assert not question.required, question.code
            assert {r.type for _, r in scored.get(question.code, [])} == {"reviewer_score"}
    assert used_lists == lists, lists - used_lists
    for choice_list in spec.choice_lists:
        for choice in choice_list.choices:
            assert choice.label.vi and choice.label.en, (choice_list.name, choice.name)


def test_scored_checklists_offer_an_exclusive_none(shipped):
    """The engine reads an empty multiple choice as missing, so "nothing" is a choice."""
    _, _, spec = shipped
    for code, pairs in scored_questions(spec).items():
        question = spec.question(code)
        if question.type != "select_multiple":
            continue
        names = [c.name for c in spec.choice_list(question.choice_list).choices]
        assert "none" in names, code
        for _, rule in pairs:
            points = rule.params.get("points")
            assert points is not None and points["none"] == 0, code
        assert question.required, code
        for answer, ok in ((["none"], True), (names[:1], True), (["none", names[0]], False)):
            assert holds(question.constraint, {}, current=answer) is ok, (code, answer)


def test_labels_are_bilingual(shipped):
    _, _, spec = shipped
    for item in (*spec.criteria, *spec.indicators, *spec.target_groups):
        assert item.label.vi and item.label.en, item.code
    assert spec.recognition.label.vi and spec.recognition.label.en


# Rules -----------------------------------------------------------------------------


def test_rules_fit_their_questions(shipped):
    _, _, spec = shipped
    questions = {q.code: q for q in spec.questions}
    lists = {c.name: c for c in spec.choice_lists}
    groups = {g.code for g in spec.target_groups}
    for indicator in spec.indicators:
        assert indicator.when_not_applicable in NOT_APPLICABLE_POLICIES
        assert set(indicator.target_groups) <= groups, indicator.code
        for rule in indicator.rules:
            kind = get_rule_type(rule.type)
            assert kind is not None, rule.type
            question = questions.get(rule.question) if rule.question else None
            if kind.needs_question:
                assert question is not None, (indicator.code, rule.question)
                assert question.type in kind.question_types, (indicator.code, question.code)
                if spec.subject == "citizen":
                    assert question.level == "member"
            else:
                assert rule.question is None, indicator.code
                assert spec.subject == "household", indicator.code
            choices = lists.get(question.choice_list) if question and question.choice_list else None
            problems = kind.check(rule.params, question, choices)
            assert problems == [], (indicator.code, [p.en for p in problems])


def known_names(spec: CriteriaSpec, question: Question, earlier: list[Question]) -> set[str]:
    same_level = {q.code for q in earlier if q.level == question.level}
    if question.level == "member":
        return same_level | set(MEMBER_BUILTINS)
    return same_level


def test_question_expressions_parse_and_refer_to_earlier_questions(shipped):
    _, _, spec = shipped
    reviewer_only = {q.code for q in spec.questions if q.reviewer_only}
    for index, question in enumerate(spec.questions):
        known = known_names(spec, question, list(spec.questions[:index]))
        if question.relevant:
            expression = parse(question.relevant)
            assert expression.names <= known, (question.code, expression.names - known)
            assert not expression.uses_current, question.code
            # The surveyor cannot see what only the reviewer answers.
            assert not expression.names & reviewer_only, question.code
        if question.constraint:
            expression = parse(question.constraint)
            assert expression.names <= known, (question.code, expression.names - known)
            assert expression.uses_current, question.code


def test_member_rule_expressions_refer_to_member_questions(shipped):
    _, _, spec = shipped
    member_questions = {q.code for q in spec.questions if q.level == "member"}
    known = member_questions | set(MEMBER_BUILTINS)
    for indicator in spec.indicators:
        for rule in indicator.rules:
            for key in ("condition", "test"):
                if rule.params.get(key):
                    names = parse(rule.params[key]).names
                    assert names <= known, (indicator.code, key, names - known)


# Best-case walk-through: every applicable indicator can reach its maximum -------------


def best_answer(spec: CriteriaSpec, question: Question) -> Any:
    """The answer giving the most points (or a plain answer for unscored questions)."""
    rules = [r for _, r in scored_questions(spec).get(question.code, [])]
    choices = (
        [c.name for c in spec.choice_list(question.choice_list).choices]
        if question.choice_list
        else []
    )
    if not rules:
        if question.type == "select_one":
            return choices[-1]
        return choices[:1] if question.type == "select_multiple" else 1
    (rule,) = rules
    params = rule.params
    if rule.type == "choice_points":
        return max(params["points"], key=lambda name: params["points"][name])
    if rule.type == "yes_no":
        return params.get("yes", "yes")
    if rule.type == "checklist":
        return [name for name in choices if name != "none"]
    if rule.type == "bands":
        return params["bands"][-1]["min"]
    if rule.type == "reviewer_score":
        return params["max"]
    raise AssertionError(rule.type)


def walk(spec: CriteriaSpec, builtins: dict[str, Any], answer=best_answer) -> dict[str, Any]:
    """Answer the member questions in order, skipping those that are not relevant."""
    values: dict[str, Any] = dict(builtins)
    for question in spec.questions:
        if question.level != "member" or not holds(question.relevant, values):
            continue
        value = answer(spec, question)
        assert holds(question.constraint, values, current=value), question.code
        values[question.code] = value
    return values


def score(spec: CriteriaSpec, indicator, values: dict[str, Any], context=None) -> float | None:
    results = [
        RULE_TYPES[r.type].score(r.params, values.get(r.question), context or {})
        for r in indicator.rules
    ]
    if all(result is None for result in results):
        return None
    return min(sum(r or 0.0 for r in results), indicator.max_points)


def applies(indicator, group: str) -> bool:
    return not indicator.target_groups or group in indicator.target_groups


def citizen_ages(group) -> list[int]:
    low = group.min_age or 15
    ages = {low, max(low, 10), max(low, 35)}
    if group.max_age is not None:
        ages = {a for a in ages if a <= group.max_age} | {group.max_age}
    return sorted(ages)


@pytest.mark.parametrize("name", ["cdht-2020.yaml", "cdht-2023.yaml"])
def test_every_group_can_reach_full_marks_on_what_applies(name):
    _, spec = load(name)
    scored = scored_questions(spec)
    for group in spec.target_groups:
        for age in citizen_ages(group):
            values = walk(spec, {"target_group": group.code, "age": age, "sex": "female"})
            for indicator in spec.indicators:
                if applies(indicator, group.code):
                    assert score(spec, indicator, values) == indicator.max_points, (
                        group.code,
                        age,
                        indicator.code,
                    )
                else:
                    # Questions of an indicator that does not apply are not even shown.
                    asked = {code for code, pairs in scored.items() if pairs[0][0] == indicator}
                    assert not asked & values.keys(), (group.code, indicator.code)


def worst_answer(spec: CriteriaSpec, question: Question) -> Any:
    """The answer giving the fewest points."""
    rules = [r for _, r in scored_questions(spec).get(question.code, [])]
    if question.type == "select_multiple":
        return ["none"] if rules else []
    if question.type != "select_one":
        return 0
    choices = [c.name for c in spec.choice_list(question.choice_list).choices]
    if rules and rules[0].type == "choice_points":
        points = rules[0].params["points"]
        return min(choices, key=points.__getitem__)
    if rules and rules[0].type == "yes_no":
        return next(c for c in choices if c != rules[0].params.get("yes", "yes"))
    return choices[0]


@pytest.mark.parametrize("name", ["cdht-2020.yaml", "cdht-2023.yaml"])
def test_worst_answers_give_zero(name):
    _, spec = load(name)
    for group in spec.target_groups:
        for age in citizen_ages(group):
            builtins = {"target_group": group.code, "age": age}
            values = walk(spec, builtins, answer=worst_answer)
            for indicator in spec.indicators:
                if applies(indicator, group.code):
                    assert score(spec, indicator, values) == 0, (group.code, indicator.code)


# Exact contents of each set ---------------------------------------------------------


def test_cdht_2020_contents():
    _, spec = load("cdht-2020.yaml")
    assert (spec.code, spec.version, spec.subject) == ("CDHT", 1, "citizen")
    assert str(spec.valid_from) == "2020-06-01"
    assert "489/QĐ-TTg" in spec.legal_basis and "Yên Bái" in spec.legal_basis
    assert [g.code for g in spec.target_groups] == ["nong_dan", "cong_nhan", "can_bo"]
    assert all(g.min_age == 15 and g.max_age is None for g in spec.target_groups)
    assert [(c.code, c.max_points) for c in spec.criteria] == [("I", 40), ("II", 40), ("III", 20)]
    assert [i.code for i in spec.indicators] == [f"CD{n:02d}" for n in range(1, 11)]
    assert [i.code for i in spec.indicators_of("I")] == ["CD01", "CD02", "CD03", "CD04"]
    assert [i.code for i in spec.indicators_of("II")] == ["CD05", "CD06", "CD07", "CD08"]
    assert [i.code for i in spec.indicators_of("III")] == ["CD09", "CD10"]
    assert all(i.max_points == 10 for i in spec.indicators)
    assert spec.total_points == 100
    rec = spec.recognition
    assert (rec.min_total, rec.min_indicator, rec.min_criterion_share) == (80, 5, None)
    (level,) = rec.levels
    assert (level.code, level.min_total, level.min_indicator, level.local) == (
        "tieu_bieu",
        90,
        8,
        True,
    )
    assert level.label.vi == "Công dân học tập tiêu biểu"
    assert all(q.level == "member" for q in spec.questions)
    assert {r.type for i in spec.indicators for r in i.rules} == {
        "checklist",
        "choice_points",
        "bands",
        "reviewer_score",
        "yes_no",
    }
    by_code = {i.code: i for i in spec.indicators}
    assert by_code["CD06"].target_groups == ("can_bo",)
    assert by_code["CD06"].when_not_applicable == "rescale"
    assert [i.code for i in spec.indicators if i.target_groups] == ["CD06"]
    assert_published_examples(spec)
    farmer = walk(spec, {"target_group": "nong_dan", "age": 40})
    worker = walk(spec, {"target_group": "cong_nhan", "age": 40})
    cadre = walk(spec, {"target_group": "can_bo", "age": 40})
    assert "farming_improvements" in farmer and "workplace_improvements" not in farmer
    assert "workplace_improvements" in worker and "farming_improvements" not in worker
    assert "workplace_improvements" in cadre
    assert "foreign_language_level" in cadre and "foreign_language_level" not in worker
    # "Which foreign language" follows the answer on use.
    assert "foreign_languages" in cadre
    no_language = walk(
        spec,
        {"target_group": "can_bo", "age": 40},
        answer=lambda s, q: "none" if q.code == "foreign_language_level" else best_answer(s, q),
    )
    assert "foreign_languages" not in no_language
    assert "foreign_language_certificate" not in no_language


def assert_published_examples(spec: CriteriaSpec) -> None:
    """The example rules of the domain reference: CD03 bands, 2 points per item for CD01/CD05."""
    by_code = {i.code: i for i in spec.indicators}
    (sessions,) = by_code["CD03"].rules
    assert sessions.type == "bands"
    assert sessions.params["bands"] == [
        {"min": 0, "max": 0, "points": 0},
        {"min": 1, "max": 2, "points": 5},
        {"min": 3, "max": 5, "points": 8},
        {"min": 6, "points": 10},
    ]
    assert spec.question(sessions.question).constraint == ". >= 0 and . <= 365"
    for code in ("CD01", "CD05"):
        # 2 points per ticked item, capped at 10; "none" (nothing applies) gives 0.
        (checklist,) = by_code[code].rules
        assert checklist.type == "checklist" and checklist.params["cap"] == 10
        choices = spec.choice_list(spec.question(checklist.question).choice_list).choices
        assert checklist.params["points"] == {
            c.name: (0 if c.name == "none" else 2) for c in choices
        }
    reviewer = [r for r in by_code["CD04"].rules if r.type == "reviewer_score"]
    assert len(reviewer) == 1 and spec.question(reviewer[0].question).reviewer_only


def test_cdht_2023_contents():
    _, spec = load("cdht-2023.yaml")
    assert (spec.code, spec.version, spec.subject) == ("CDHT", 2, "citizen")
    assert str(spec.valid_from) == "2023-10-25"
    assert "244/QĐ-KHVN" in spec.legal_basis and "324/QĐ-KHVN" in spec.legal_basis
    assert [g.code for g in spec.target_groups] == [
        "cu_dan",
        "nguoi_lao_dong",
        "can_bo_dn",
        "hoc_sinh",
    ]
    pupils = next(g for g in spec.target_groups if g.code == "hoc_sinh")
    assert (pupils.min_age, pupils.max_age) == (6, 24)
    assert [(c.code, c.max_points) for c in spec.criteria] == [("I", 40), ("II", 40), ("III", 20)]
    assert [i.code for i in spec.indicators] == [f"CD{n:02d}" for n in range(1, 11)]
    assert all(i.max_points == 10 for i in spec.indicators)
    rec = spec.recognition
    assert (rec.min_total, rec.min_indicator) == (80, 5)
    assert_published_examples(spec)
    not_for_pupils = [i.code for i in spec.indicators if not applies(i, "hoc_sinh")]
    assert not_for_pupils == ["CD06", "CD07"]
    assert all(
        i.when_not_applicable == "rescale" for i in spec.indicators if i.code in not_for_pupils
    )


def test_cdht_2023_ten_year_old_pupil_sees_a_sensible_subset():
    _, spec = load("cdht-2023.yaml")
    values = walk(spec, {"target_group": "hoc_sinh", "age": 10})
    asked = set(values) - {"target_group", "age"}
    for code in ("school_level", "info_sources", "learning_plan", "plan_made_with"):
        assert code in asked
    for code in (
        "foreign_language_level",
        "foreign_language_certificate",
        "numeracy",
        "work_improvement",
        "workplace_improvements",
        "public_services_used",
    ):
        assert code not in asked
    scored_for_pupil = [i.code for i in spec.indicators if applies(i, "hoc_sinh")]
    assert len(scored_for_pupil) == 8
    # An adult resident is not asked the pupils' questions.
    adult = walk(spec, {"target_group": "cu_dan", "age": 40})
    assert "school_level" not in adult and "plan_made_with" not in adult
    assert "public_services_used" in adult


def test_gdht_2015_contents():
    _, spec = load("gdht-2015.yaml")
    assert (spec.code, spec.version, spec.subject) == ("GDHT", 1, "household")
    assert "448/QĐ-KHVN" in spec.legal_basis
    assert [(c.code, c.max_points) for c in spec.criteria] == [
        ("H1", 30),
        ("H2", 30),
        ("H3", 20),
        ("H4", 20),
    ]
    assert len(spec.indicators) == 10
    rec = spec.recognition
    assert (rec.min_total, rec.min_indicator, rec.min_criterion_share) == (80, None, 0.5)
    assert rec.levels == ()
    by_code = {i.code: i for i in spec.indicators}
    (school,) = by_code["GD01"].rules
    assert school.type == "members_all" and school.params["points"] == 10
    assert school.params["condition"] == "${age} >= 6 and ${age} <= 14"
    assert "${attends_school}" in school.params["test"]
    assert by_code["GD01"].when_not_applicable == "full"
    attends = spec.question("attends_school")
    assert attends.level == "member"
    assert attends.relevant == "${age} >= 6 and ${age} <= 14"
    (recognised,) = by_code["GD09"].rules
    assert recognised.type == "members_share"
    assert recognised.params["test"] == "${recognised} = 1"
    for indicator in spec.indicators:
        for rule in indicator.rules:
            if rule.type not in MEMBER_RULES:
                assert spec.question(rule.question).level == "household"
    assert member_rule_names(spec) == {q.code for q in spec.questions if q.level == "member"}, (
        "every member question is used by a member rule"
    )
    assert {r.type for i in spec.indicators for r in i.rules} == {
        "members_all",
        "members_share",
        "checklist",
        "yes_no",
        "choice_points",
    }


def household_score(spec, members, answers) -> dict[str, float | None]:
    context = {"members": members}
    return {i.code: score(spec, i, answers, context) for i in spec.indicators}


def member(age: int, **answers) -> dict[str, Any]:
    return {"age": age, "sex": "female", "recognised": False, **answers}


GOOD_HOUSEHOLD = {
    "reading_materials": ["books", "newspapers", "reading_corner", "borrows"],
    "internet_access": "yes",
    "learning_devices": ["smartphone", "computer", "tv"],
    "study_place": "yes",
    "life_improved": "strong",
}


def test_gdht_2015_scores_a_model_household_in_full():
    _, spec = load("gdht-2015.yaml")
    adult = {"literacy": "level2", "learning_contents_12m": 2, "applies_learning": "yes"}
    members = [
        {**member(40, **adult), "recognised": True},
        {**member(38, **adult), "recognised": True},
        member(
            10,
            attends_school="yes",
            school_result="fair",
            conduct="good",
            child_polite_active="yes",
        ),
    ]
    scores = household_score(spec, members, GOOD_HOUSEHOLD)
    assert scores == {i.code: i.max_points for i in spec.indicators}


def test_gdht_2015_not_applicable_and_failing_items():
    _, spec = load("gdht-2015.yaml")
    adult = {"literacy": "level1", "learning_contents_12m": 0, "applies_learning": None}
    # No child aged 6–14: the H1 items are not applicable (and count in full by policy).
    scores = household_score(spec, [member(66), member(45, **adult)], GOOD_HOUSEHOLD)
    assert scores["GD01"] is None and scores["GD02"] is None and scores["GD03"] is None
    assert {i.when_not_applicable for i in spec.indicators_of("H1")} == {"full"}
    assert scores["GD04"] == 10 and scores["GD05"] == 0 and scores["GD06"] == 0
    # A compulsory-age child out of school fails GD01 and GD02.
    child = member(9, attends_school="no", child_polite_active="yes")
    scores = household_score(spec, [member(45, **adult), child], GOOD_HOUSEHOLD)
    assert (scores["GD01"], scores["GD02"], scores["GD03"]) == (0, 0, 10)
    # Only elderly members: the H2 items are left out (rescaled).
    scores = household_score(spec, [member(70), member(68)], GOOD_HOUSEHOLD)
    assert all(scores[i.code] is None for i in spec.indicators_of("H2"))
    assert {i.when_not_applicable for i in spec.indicators_of("H2")} == {"rescale"}
    # Half of the members aged 15+ hold the title: half of GD09.
    members = [{**member(40), "recognised": True}, member(17), member(12)]
    assert household_score(spec, members, GOOD_HOUSEHOLD)["GD09"] == 5


# The project's own reader, when present -----------------------------------------------


@pytest.mark.parametrize("name", FILES)
def test_project_yaml_reader_accepts_the_file(name):
    yaml_io = pytest.importorskip("criteria.yaml_io")
    pytest.importorskip("criteria.validation")
    _, spec = load(name)
    with (DIRECTORY / name).open("rb") as handle:
        assert yaml_io.read_yaml(handle, filename=name) == spec


@pytest.mark.parametrize("name", FILES)
def test_project_validation_finds_no_problem(name):
    validation = pytest.importorskip("criteria.validation")
    _, spec = load(name)
    problems = validation.validate_spec(spec, locate=lambda path: (None, None, path))
    assert [f"{p.column}: {p.message('en')}" for p in problems] == []


# The project's scoring engine, when present ------------------------------------------


@pytest.mark.parametrize("name", ["cdht-2020.yaml", "cdht-2023.yaml"])
def test_engine_scores_best_and_worst_answers(name):
    engine = pytest.importorskip("scoring.engine")
    _, spec = load(name)
    for group in spec.target_groups:
        for age in citizen_ages(group):
            profile = engine.MemberProfile(target_group=group.code, age=age, sex="female")
            builtins = {"target_group": group.code, "age": age, "sex": "female"}
            best = engine.score_member(spec=spec, profile=profile, answers=walk(spec, builtins))
            assert best.complete, (group.code, age, best.reasons("en"))
            assert (best.total, best.recognised, best.level) == (100, True, "tieu_bieu")
            not_applicable = {i.code for i in best.indicators if i.status == engine.NOT_APPLICABLE}
            assert not_applicable == {i.code for i in spec.indicators if not applies(i, group.code)}
            assert best.rescaled is bool(not_applicable)
            worst = walk(spec, builtins, answer=worst_answer)
            result = engine.score_member(spec=spec, profile=profile, answers=worst)
            assert result.complete, (group.code, age, result.reasons("en"))
            assert (result.total, result.recognised) == (0, False)


def test_engine_scores_households():
    engine = pytest.importorskip("scoring.engine")
    _, spec = load("gdht-2015.yaml")
    adult = {"literacy": "level2", "learning_contents_12m": 2, "applies_learning": "yes"}
    child = {
        "attends_school": "yes",
        "school_result": "average",
        "conduct": "fair",
        "child_polite_active": "yes",
    }
    members = [
        engine.MemberContext(answers=adult, age=42, recognised=True),
        engine.MemberContext(answers=adult, age=40, recognised=True),
        engine.MemberContext(answers=child, age=11),
    ]
    result = engine.score_household(spec=spec, answers=GOOD_HOUSEHOLD, members=members)
    assert result.complete, result.reasons("en")
    assert (result.total, result.recognised) == (100, True)
    # An elderly couple: H1 counts in full, H2 is left out and the total rescaled.
    elderly = [
        engine.MemberContext(answers={}, age=70, recognised=False),
        engine.MemberContext(answers={}, age=68, recognised=True),
    ]
    result = engine.score_household(spec=spec, answers=GOOD_HOUSEHOLD, members=elderly)
    assert result.complete, result.reasons("en")
    not_applicable = {i.code for i in result.indicators if i.status == engine.NOT_APPLICABLE}
    assert not_applicable == {"GD01", "GD02", "GD03", "GD04", "GD05", "GD06"}
    assert result.indicator("GD01").counted_points == 10
    assert result.indicator("GD09").points == 5
    assert result.rescaled
    # A compulsory-age child out of school: GD01 and GD02 fail, so H1 is below half.
    dropout = {"attends_school": "no", "child_polite_active": "yes"}
    members = [*members[:2], engine.MemberContext(answers=dropout, age=12)]
    result = engine.score_household(spec=spec, answers=GOOD_HOUSEHOLD, members=members)
    assert result.complete, result.reasons("en")
    assert result.criterion("H1").points == 10
    assert (result.total, result.recognised) == (80, False)
