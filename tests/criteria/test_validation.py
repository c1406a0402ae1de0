"""validate_spec on its own: logical paths, and checks the workbook cannot express."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from criteria.spec import ChoiceList, Label, Question, Rule
from criteria.validation import (
    CriteriaImportError,
    Problem,
    make_keys,
    resolve_key,
    split_path,
    validate_spec,
)
from tests.criteria.conftest import build_citizen_spec, build_household_spec


def by_path(path: str) -> tuple[None, None, str]:
    return None, None, path


def problems(spec) -> list[tuple[str, str]]:
    """Return (path, English message) of every problem, with paths as locations."""
    found = validate_spec(spec, locate=by_path)
    for problem in found:
        assert problem.sheet is None and problem.row is None
        assert problem.vi and problem.en and problem.vi != problem.en
    return [(p.column, p.en) for p in found]


def with_indicator(spec, index: int, **changes):
    indicators = list(spec.indicators)
    indicators[index] = replace(indicators[index], **changes)
    return replace(spec, indicators=tuple(indicators))


def with_question(spec, index: int, **changes):
    questions = list(spec.questions)
    questions[index] = replace(questions[index], **changes)
    return replace(spec, questions=tuple(questions))


@pytest.mark.parametrize("build", [build_citizen_spec, build_household_spec])
def test_the_fixture_sets_are_valid(build):
    assert validate_spec(build(), locate=by_path) == []


def test_paths_name_items_by_code_and_rules_by_position():
    spec = build_citizen_spec()
    bands = spec.indicators[2].rules[0].params["bands"]
    broken = [*bands[:2], {"min": 2, "max": 5, "points": 8}, bands[3]]
    spec = with_indicator(spec, 2, rules=(Rule("bands", "sessions", {"bands": broken}),))
    assert problems(spec) == [
        (
            "indicators[CD03].rules[1].params.bands[3].min",
            "Band overlaps the previous one (up to 2)",
        )
    ]


def test_a_later_duplicate_is_keyed_by_position():
    spec = build_citizen_spec()
    spec = with_indicator(spec, 3, code="CD02")
    assert problems(spec) == [("indicators[#4].code", "Duplicate indicator code “CD02”")]


def test_an_item_without_a_code_is_keyed_by_position():
    spec = with_question(build_citizen_spec(), 5, code="")
    assert problems(spec) == [("questions[#6].code", "The question code is missing")]


def test_checks_only_yaml_can_trip():
    spec = build_citizen_spec()
    spec = with_question(spec, 0, level="village", choice_list="plan")
    spec = replace(
        spec,
        choice_lists=(*spec.choice_lists, ChoiceList("empty", ())),
        status="final",
        title=Label(" "),
        version=0,
    )
    spec = with_indicator(spec, 0, rules=(Rule("checklist", "info_sources", ["cap", 10]),))
    assert problems(spec) == [
        ("version", "The version must be a whole number from 1 up"),
        ("status", "Unknown status “final”; use one of: draft, published, retired"),
        ("title", "The set title (Vietnamese) is missing"),
        ("choice_lists[empty].choices", "Choice list “empty” has no choices"),
        ("questions[intro].level", "Unknown question level “village”; use member or household"),
        (
            "questions[intro].choice_list",
            "Only select_one and select_multiple questions take a choice list (“plan”)",
        ),
        (
            "indicators[CD01].rules[1].params",
            "A rule's params must be a mapping of names to values",
        ),
    ]


def test_a_number_that_could_not_be_read_is_not_summed():
    spec = with_indicator(build_citizen_spec(), 0, max_points=math.nan)
    assert problems(spec) == []


def test_member_rules_read_member_answers_only():
    spec = build_household_spec()
    rule = Rule(
        "members_any", None, {"condition": "${books_count} > 1", "test": "${x} = 1", "points": 4}
    )
    spec = with_indicator(spec, 1, rules=(rule, spec.indicators[1].rules[1]))
    assert problems(spec) == [
        (
            "indicators[GD02].rules[1].params.condition",
            "“${books_count}” is a household question; member conditions use member questions "
            "and age, target_group, sex, recognised, total only",
        ),
        (
            "indicators[GD02].rules[1].params.test",
            "“${x}” is neither a member question nor a member detail "
            "(age, target_group, sex, recognised, total)",
        ),
    ]


def test_member_questions_may_use_earlier_household_answers_and_member_details():
    spec = with_question(
        build_household_spec(), 3, relevant="${has_bookshelf} = 'yes' and ${sex} = 'female'"
    )
    assert problems(spec) == []


def test_questions_of_a_set_have_reserved_names():
    spec = build_citizen_spec()
    spec = replace(
        spec,
        questions=(
            *spec.questions,
            Question("full_name", "member", "text", Label("Tên")),
            Question("recognised", "member", "integer", Label("Đạt")),
        ),
    )
    assert [path for path, _ in problems(spec)] == [
        "questions[full_name].code",
        "questions[recognised].code",
    ]


def test_problem_locations_for_paths_and_whole_files():
    path = Problem(None, None, "indicators[CD03].max_points", "a", "b")
    assert path.location("vi") == "Mục 'indicators[CD03].max_points'"
    assert path.location("en") == "at 'indicators[CD03].max_points'"
    line = Problem(None, 12, "code", "a", "b")
    assert line.location("en") == "line 12, at 'code'"
    assert line.location("vi") == "Dòng 12, mục 'code'"
    assert Problem(None, None, None, "a", "b").location("en") == "whole file"
    assert Problem(None, None, None, "a", "b").location("vi") == "Toàn bộ tệp"
    assert Problem(None, None, None, "chỉ tiếng Việt", "").message("en") == "chỉ tiếng Việt"


def test_the_import_error_keeps_the_whole_list():
    listed = [Problem("a", 1, "b", "một", "one"), Problem("a", 2, "b", "hai", "two")]
    error = CriteriaImportError(listed)
    assert error.problems == listed
    assert error.problems is not listed
    assert str(error).startswith("2 problem(s): Sheet 'a', dòng 1, cột 'b': một; ")


def test_paths_split_into_segments():
    assert split_path("indicators[H1.1].rules[2].params.points.often") == [
        ("indicators", "H1.1"),
        ("rules", "2"),
        ("params", None),
        ("points", None),
        ("often", None),
    ]
    assert split_path("recognition.levels[#2].min_total") == [
        ("recognition", None),
        ("levels", "#2"),
        ("min_total", None),
    ]


def test_keys_and_their_resolution():
    codes = ["CD01", "", "CD01", "a b", "CD02"]
    keys = make_keys(codes)
    assert keys == ["CD01", "#2", "#3", "#4", "CD02"]
    assert [resolve_key(key, codes) for key in keys] == [0, 1, 2, 3, 4]
    assert resolve_key("#9", codes) is None
    assert resolve_key("CD09", codes) is None


def test_a_choice_list_defined_twice_is_reported():
    spec = build_citizen_spec()
    spec = replace(spec, choice_lists=(*spec.choice_lists, spec.choice_lists[2]))
    assert problems(spec) == [("choice_lists[#5].name", "Duplicate choice list code “yes_no”")]
