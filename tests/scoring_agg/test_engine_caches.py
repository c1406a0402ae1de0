"""The engine's household shortcuts give the registry's results (scoring/engine/member_rules.py).

The ``members_*`` rule types compile to closures over the engine's compiled conditions
(``_MembersRule``), and ``_member_condition`` remembers conditions on
built-in values per member: both must give exactly what the registry and the
interpreter give, for any members.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from criteria.expressions import holds
from criteria.rules import RULE_TYPES
from criteria.yaml_io import read_yaml
from scoring.engine import MemberContext
from scoring.engine.member_rules import (
    _MEMO_KEY,
    _member_condition,
    _MembersRule,
)
from tests.scoring.conftest import build_household_spec

SETS = Path(__file__).resolve().parents[2] / "fixtures" / "criteria"


def _member_rules():
    gdht = read_yaml(SETS / "gdht-2015.yaml")
    for spec in (gdht, build_household_spec()):
        member_questions = frozenset(q.code for q in spec.questions if q.level == "member")
        for indicator in spec.indicators:
            for rule in indicator.rules:
                if rule.type.startswith("members_"):
                    yield indicator.code, rule, member_questions


RULES = list(_member_rules())


def _random_members(rng: random.Random) -> list[dict]:
    members = []
    for _ in range(rng.randint(0, 7)):
        answers = {}
        for code, options in {
            "attends_school": ["yes", "no", None],
            "school_result": ["good", "fair", "average", "weak", None],
            "conduct": ["good", "fair", "average", "weak"],
            "child_polite_active": ["yes", "no"],
            "literacy": ["level1", "level2", "illiterate", None],
            "learning_contents_12m": [0, 1, 3, "2", None],
            "applies_learning": ["yes", "no"],
            "in_school": ["yes", "no"],
            "results": ["good", "average", "weak"],
            "literate": ["yes", "no"],
            "applies": ["yes", "no"],
            "course": ["yes", "no"],
        }.items():
            value = rng.choice(options)
            if value is not None:
                answers[code] = value
        context = MemberContext(
            answers=answers,
            age=rng.choice([None, *range(0, 90)]),
            target_group="",
            sex=rng.choice(["male", "female"]),
            recognised=rng.choice([None, True, False]),
            total=rng.choice([None, 55.0, 85.0]),
        )
        members.append(context.values())
    return members


@pytest.mark.parametrize(("code", "rule", "checked"), RULES, ids=[r[0] for r in RULES])
def test_members_scorers_match_the_registry(code, rule, checked):
    registered = RULE_TYPES[rule.type].score
    compiled = RULE_TYPES[rule.type].compile(
        rule.params, members=_MembersRule(rule.params, checked)
    )
    assert compiled != registered
    rng = random.Random(f"members:{code}")
    for _ in range(300):
        members = _random_members(rng)
        context = {"members": members}
        expected = registered(rule.params, None, {"members": [dict(m) for m in members]})
        assert compiled(rule.params, None, context) == expected
        # A second call reads the remembered conditions: the same answer.
        assert compiled(rule.params, None, context) == expected


@pytest.mark.parametrize(
    "text",
    ["${age} >= 6 and ${age} <= 14", "${age} >= 15", "${recognised} = 1", "${total} >= 80"],
)
def test_remembered_conditions_on_built_in_values(text):
    condition = _member_condition(text)
    rng = random.Random(text)
    for _ in range(200):
        values = _random_members(rng) or [{"age": None, "recognised": None, "total": None}]
        for member in values:
            expected = holds(text, member)
            assert condition(member) == expected
            assert member[_MEMO_KEY][text] == expected
            assert condition(member) == expected


def test_conditions_on_answers_are_not_remembered():
    condition = _member_condition("${attends_school} = 'yes'")
    values = {"attends_school": "yes"}
    assert condition(values) is True
    values["attends_school"] = None  # a relevance check blanks an answer
    assert condition(values) is False
    assert _MEMO_KEY not in values
