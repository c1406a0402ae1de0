"""One table per rule type: exact points, through the engine and through the registry.

Each row scores a one-indicator set (maximum 10) built around the rule, so the
row also shows how the engine treats the value (``MISSING`` when unanswered, the
cap at the indicator's maximum), and checks the registry's own ``score`` gives
the same points.
"""

from __future__ import annotations

from typing import Any

import pytest

from criteria.rules import RULE_TYPES
from criteria.spec import CriteriaSpec, Criterion, Label, Recognition, Rule
from scoring.engine import (
    MISSING,
    NOT_APPLICABLE,
    SCORED,
    MemberContext,
    MemberProfile,
    score_household,
    score_member,
)
from tests.scoring.conftest import choices, indicator, question

BANDS = [
    {"min": 0, "max": 0, "points": 0},
    {"min": 1, "max": 2, "points": 5},
    {"min": 3, "max": 5, "points": 8},
    {"min": 6, "points": 10},
]


def one_indicator_spec(
    rule: Rule, qtype: str | None, *, subject: str = "citizen", max_points: float = 10
) -> CriteriaSpec:
    questions = (
        (
            question(
                "q",
                qtype,
                "opts" if qtype.startswith("select") else None,
                reviewer_only=(rule.type == "reviewer_score"),
            ),
        )
        if qtype
        else (question("in_school", "select_one", "opts", relevant="${age} >= 6 and ${age} <= 17"),)
    )
    return CriteriaSpec(
        code="ONE",
        version=1,
        subject=subject,
        title=Label("Một chỉ số", "One indicator"),
        total_points=max_points,
        recognition=Recognition(min_total=0),
        target_groups=(),
        criteria=(Criterion("C", Label("C", "C"), max_points),),
        indicators=(indicator("I1", "C", rule, max_points=max_points),),
        questions=questions,
        choice_lists=(choices("opts", "a", "b", "c", "d", "e", "f", "yes", "no", "co"),),
    )


def engine_points(spec: CriteriaSpec, value: Any):
    answers = {} if value is ABSENT else {"q": value}
    result = score_member(spec=spec, profile=MemberProfile("farmer", 30), answers=answers)
    indicator = result.indicators[0]
    return indicator.points if indicator.status == SCORED else indicator.status


ABSENT = object()

QUESTION_RULES = [
    # (rule type, question type, params, value, expected engine points)
    ("choice_points", "select_one", {"points": {"a": 0, "b": 5, "c": 10}}, "a", 0),
    ("choice_points", "select_one", {"points": {"a": 0, "b": 5, "c": 10}}, "b", 5),
    ("choice_points", "select_one", {"points": {"a": 0, "b": 5, "c": 10}}, "c", 10),
    ("choice_points", "select_one", {"points": {"a": 0, "b": 5, "c": 10}}, "zzz", 0),
    ("choice_points", "select_one", {"points": {"a": 0, "b": 5, "c": 10}}, None, MISSING),
    ("choice_points", "select_one", {"points": {"a": 0, "b": 2.5}}, "b", 2.5),
    ("checklist", "select_multiple", {"per_item": 2, "cap": 10}, ["a"], 2),
    ("checklist", "select_multiple", {"per_item": 2, "cap": 10}, ["a", "b", "c"], 6),
    ("checklist", "select_multiple", {"per_item": 2, "cap": 10}, "a b c", 6),
    ("checklist", "select_multiple", {"per_item": 2, "cap": 10}, ["a", "a"], 2),
    ("checklist", "select_multiple", {"per_item": 2, "cap": 10}, list("abcdef"), 10),
    ("checklist", "select_multiple", {"per_item": 2, "cap": 10}, [], MISSING),
    ("checklist", "select_multiple", {"per_item": 2, "cap": 10}, "", MISSING),
    ("checklist", "select_multiple", {"points": {"a": 3, "b": 4}, "cap": 5}, ["a"], 3),
    ("checklist", "select_multiple", {"points": {"a": 3, "b": 4}, "cap": 5}, ["a", "b"], 5),
    ("checklist", "select_multiple", {"points": {"a": 3, "b": 4}, "cap": 5}, ["a", "a"], 3),
    ("checklist", "select_multiple", {"points": {"a": 3, "b": 4}, "cap": 5}, ["c"], 0),
    ("bands", "integer", {"bands": BANDS}, 0, 0),
    ("bands", "integer", {"bands": BANDS}, 1, 5),
    ("bands", "integer", {"bands": BANDS}, 2, 5),
    ("bands", "integer", {"bands": BANDS}, 3, 8),
    ("bands", "integer", {"bands": BANDS}, 5, 8),
    ("bands", "integer", {"bands": BANDS}, 6, 10),
    ("bands", "integer", {"bands": BANDS}, 250, 10),
    ("bands", "decimal", {"bands": BANDS}, 2.5, 0),  # between two bands
    ("bands", "integer", {"bands": BANDS}, -1, 0),
    ("bands", "integer", {"bands": BANDS}, "4", 8),
    ("bands", "integer", {"bands": BANDS}, ABSENT, MISSING),
    ("bands", "decimal", {"bands": BANDS}, float("nan"), MISSING),
    ("yes_no", "select_one", {"points": 10}, "yes", 10),
    ("yes_no", "select_one", {"points": 10}, "no", 0),
    ("yes_no", "select_one", {"points": 10, "no_points": 4}, "no", 4),
    ("yes_no", "select_one", {"points": 7, "yes": "co"}, "co", 7),
    ("yes_no", "select_one", {"points": 7, "yes": "co"}, "yes", 0),
    ("yes_no", "select_one", {"points": 10}, "", MISSING),
    ("reviewer_score", "decimal", {"max": 10}, 7.5, 7.5),
    ("reviewer_score", "decimal", {"max": 10}, 12, 10),
    ("reviewer_score", "decimal", {"max": 10}, -3, 0),
    ("reviewer_score", "integer", {"max": 10}, 0, 0),
    ("reviewer_score", "integer", {"max": 2}, "2", 2),
    ("reviewer_score", "decimal", {"max": 10}, None, MISSING),
    ("direct", "integer", {}, 7, 7),
    ("direct", "decimal", {}, 7.5, 7.5),
    ("direct", "integer", {}, 0, 0),
    ("direct", "decimal", {}, -2, 0),
    ("direct", "integer", {}, "4", 4),
    ("direct", "integer", {}, None, MISSING),
]


@pytest.mark.parametrize(
    ("rule_type", "qtype", "params", "value", "expected"),
    QUESTION_RULES,
    ids=[f"{r[0]}-{n}" for n, r in enumerate(QUESTION_RULES)],
)
def test_question_rule_table(rule_type, qtype, params, value, expected):
    spec = one_indicator_spec(Rule(rule_type, "q", params), qtype)
    assert engine_points(spec, value) == expected
    if expected != MISSING:
        assert RULE_TYPES[rule_type].score(params, value, {}) == expected


def test_indicator_points_are_capped_at_its_maximum():
    spec = one_indicator_spec(
        Rule("choice_points", "q", {"points": {"a": 12}}), "select_one", max_points=10
    )
    assert engine_points(spec, "a") == 10


@pytest.mark.parametrize(("value", "expected"), [(10, 10), (12, 10), (6.5, 6.5)])
def test_a_direct_score_is_bounded_by_the_indicator_maximum(value, expected):
    spec = one_indicator_spec(Rule("direct", "q", {}), "decimal", max_points=10)
    assert engine_points(spec, value) == expected


CHILD = "${age} >= 6 and ${age} <= 14"


def members(*specs: tuple[int, str | None]) -> list[MemberContext]:
    return [
        MemberContext(answers={} if v is None else {"in_school": v}, age=age) for age, v in specs
    ]


MEMBER_RULES = [
    # (rule type, params, members as (age, in_school), expected engine points)
    (
        "members_all",
        {"condition": CHILD, "test": "${in_school} = 'yes'", "points": 10},
        [(8, "yes"), (12, "yes"), (40, None)],
        10,
    ),
    (
        "members_all",
        {"condition": CHILD, "test": "${in_school} = 'yes'", "points": 10},
        [(8, "yes"), (12, "no")],
        0,
    ),
    (
        "members_all",
        {"condition": CHILD, "test": "${in_school} = 'yes'", "points": 10},
        [(3, None), (40, None)],
        NOT_APPLICABLE,
    ),
    (
        "members_all",
        {"condition": CHILD, "test": "${in_school} = 'yes'", "points": 10},
        [(8, "yes"), (12, None)],
        MISSING,
    ),
    (
        "members_any",
        {"condition": CHILD, "test": "${in_school} = 'yes'", "points": 6},
        [(8, "no"), (12, "yes")],
        6,
    ),
    (
        "members_any",
        {"condition": CHILD, "test": "${in_school} = 'yes'", "points": 6},
        [(8, "no"), (12, "no")],
        0,
    ),
    (
        "members_any",
        {"condition": CHILD, "test": "${in_school} = 'yes'", "points": 6},
        [(30, None)],
        NOT_APPLICABLE,
    ),
    (
        "members_share",
        {"condition": CHILD, "test": "${in_school} = 'yes'", "points": 10},
        [(8, "yes"), (10, "yes"), (12, "no"), (13, "no")],
        5,
    ),
    (
        "members_share",
        {"condition": CHILD, "test": "${in_school} = 'yes'", "points": 10},
        [(8, "yes"), (10, "yes"), (12, "no")],
        10 * 2 / 3,
    ),
    (
        "members_share",
        {"condition": CHILD, "test": "${in_school} = 'yes'", "points": 10},
        [(50, None)],
        NOT_APPLICABLE,
    ),
    (
        "members_count",
        {"test": "${in_school} = 'yes'", "bands": BANDS},
        [(8, "yes"), (10, "yes"), (12, "yes"), (30, None)],
        8,
    ),
    ("members_count", {"test": "${in_school} = 'yes'", "bands": BANDS}, [(30, None)], 0),
    ("members_count", {"condition": CHILD, "bands": BANDS}, [(8, None), (30, None)], 5),
    ("members_count", {"condition": CHILD, "bands": BANDS}, [], 0),
]


@pytest.mark.parametrize(
    ("rule_type", "params", "member_specs", "expected"),
    MEMBER_RULES,
    ids=[f"{r[0]}-{n}" for n, r in enumerate(MEMBER_RULES)],
)
def test_member_rule_table(rule_type, params, member_specs, expected):
    spec = one_indicator_spec(Rule(rule_type, None, params), None, subject="household")
    result = score_household(spec=spec, answers={}, members=members(*member_specs))
    indicator = result.indicators[0]
    got = indicator.points if indicator.status == SCORED else indicator.status
    assert got == expected
    if expected != MISSING:
        context = {"members": [m.values() for m in members(*member_specs)]}
        registry = RULE_TYPES[rule_type].score(params, None, context)
        assert (NOT_APPLICABLE if registry is None else registry) == expected


def test_every_registered_rule_type_has_a_table():
    covered = {r[0] for r in QUESTION_RULES} | {r[0] for r in MEMBER_RULES}
    assert covered == set(RULE_TYPES)
