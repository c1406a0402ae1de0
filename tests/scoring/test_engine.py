"""The engine's properties: purity, determinism, caching, errors and its fast paths."""

from __future__ import annotations

import dataclasses
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from criteria import rules
from criteria.expressions import holds
from criteria.spec import CriteriaSpec, Criterion, Label, Recognition, Rule
from scoring.engine import (
    MISSING,
    NOT_APPLICABLE,
    SCORED,
    MemberProfile,
    MemberResult,
    compile_condition,
    compile_spec,
    round_half_up,
    score_member,
    score_member_with,
)
from scoring.engine.results import _make_result
from tests.scoring.conftest import (
    build_citizen_spec,
    build_household_spec,
    choices,
    indicator,
    question,
    random_members,
)

ROOT = Path(__file__).resolve().parents[2]


def test_engine_imports_no_django():
    code = (
        "import sys; import scoring.engine; "
        "assert not any(m.startswith('django') for m in sys.modules), "
        "sorted(m for m in sys.modules if m.startswith('django'))"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_engine_module_imports_only_criteria_and_the_standard_library():
    import ast

    names = {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for path in (ROOT / "scoring" / "engine").glob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    }
    # The package's own modules import each other; anything else counts.
    modules = {n.split(".")[0] for n in names if n.split(".")[:2] != ["scoring", "engine"]}
    assert modules - set(sys.stdlib_module_names) == {"criteria"}


# Determinism ---------------------------------------------------------------------

DIGEST_SCRIPT = """
import hashlib, json
from scoring.engine import compile_spec, score_member_with
from tests.scoring.conftest import build_citizen_spec, random_members
spec = build_citizen_spec()
plan = compile_spec(spec)
digest = hashlib.sha256()
for profile, answers in random_members(spec, 500, seed=7):
    result = score_member_with(plan, profile, answers)
    digest.update(json.dumps(result.to_dict(), sort_keys=True, ensure_ascii=False).encode())
print(digest.hexdigest())
"""


def test_results_do_not_depend_on_hash_seed_or_process():
    digests = set()
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        done = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
            [sys.executable, "-c", DIGEST_SCRIPT],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        digests.add(done.stdout.strip())
    assert len(digests) == 1


def test_results_do_not_depend_on_answer_order_or_repetition(citizen_spec):
    plan = compile_spec(citizen_spec)
    for profile, answers in random_members(citizen_spec, 300, seed=11):
        first = score_member_with(plan, profile, answers).to_dict()
        shuffled = list(answers.items())
        random.Random(3).shuffle(shuffled)
        assert score_member_with(plan, profile, dict(shuffled)).to_dict() == first
        assert score_member(spec=citizen_spec, profile=profile, answers=answers).to_dict() == first


def test_scoring_does_not_change_the_answers(citizen_spec):
    answers = {"q_plan": "yes", "q_plan_done": "yes", "q_groups": ["youth"]}
    before = json.dumps(answers)
    score_member(spec=citizen_spec, profile=MemberProfile("pupil", 10), answers=answers)
    assert json.dumps(answers) == before


# Plans -------------------------------------------------------------------------------


def test_plans_are_cached_by_identity_and_by_content():
    spec = build_citizen_spec()
    plan = compile_spec(spec)
    assert compile_spec(spec) is plan
    assert compile_spec(build_citizen_spec()) is plan  # equal content, same plan
    other = dataclasses.replace(spec, version=2)
    assert compile_spec(other) is not plan
    assert compile_spec(other).fingerprint != plan.fingerprint
    assert compile_spec(build_household_spec()).subject == "household"


def bad_spec(*rules_: Rule, questions=None, subject="citizen", policy="rescale") -> CriteriaSpec:
    return CriteriaSpec(
        code="BAD",
        version=1,
        subject=subject,
        title=Label("x"),
        total_points=10,
        recognition=Recognition(min_total=5),
        target_groups=(),
        criteria=(Criterion("C", Label("C"), 10),),
        indicators=(indicator("I1", "C", *rules_, when_not_applicable=policy),),
        questions=questions if questions is not None else (question("q", "select_one", "yn"),),
        choice_lists=(choices("yn", "yes", "no"),),
    )


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (bad_spec(Rule("no_such_rule", "q", {})), "unknown rule type"),
        (bad_spec(Rule("yes_no", "nope", {"points": 1})), "unknown question"),
        (
            bad_spec(Rule("members_any", None, {"test": "${age} > 1", "points": 1})),
            "only fits a household set",
        ),
        (
            bad_spec(
                Rule("yes_no", "age", {"points": 1}),
                questions=(question("age", "select_one", "yn"),),
            ),
            "built-in values",
        ),
        (bad_spec(Rule("yes_no", "q", {"points": 1}), policy="half"), "when_not_applicable"),
        (
            bad_spec(
                Rule("yes_no", "q", {"points": 1}),
                questions=(question("q", "select_one", "yn", level="member"),),
                subject="household",
            ),
            "use a members_\\* rule",
        ),
    ],
)
def test_sets_that_cannot_be_scored_are_refused(spec, message):
    with pytest.raises(ValueError, match=message):
        compile_spec(spec)


# Method details ----------------------------------------------------------------------


def helper_spec() -> CriteriaSpec:
    """``q`` is asked only when the helper question ``h`` (which scores nothing) is 'yes'."""
    return bad_spec(
        Rule("yes_no", "q", {"points": 10}),
        questions=(
            question("h", "select_one", "yn"),
            question("q", "select_one", "yn", relevant="${h} = 'yes'"),
        ),
    )


def test_relevance_that_depends_on_a_missing_answer_makes_the_indicator_missing():
    spec = helper_spec()
    unknown = score_member(spec=spec, profile=MemberProfile("x", 30), answers={"q": "yes"})
    assert unknown.indicators[0].status == MISSING
    assert unknown.reasons_en == ("I1: answer missing for h",)
    assert unknown.recognised is None

    surely_not = score_member(spec=spec, profile=MemberProfile("x", 30), answers={"h": "no"})
    assert surely_not.indicators[0].status == NOT_APPLICABLE
    # the only indicator is left out: nothing is left to judge
    assert (surely_not.total, surely_not.recognised) == (0, False)
    assert surely_not.reasons_vi == ("Không có chỉ số nào áp dụng",)
    assert surely_not.reasons_en == ("No indicator applies",)

    asked = score_member(
        spec=spec, profile=MemberProfile("x", 30), answers={"h": "yes", "q": "yes"}
    )
    assert (asked.indicators[0].status, asked.total, asked.recognised) == (SCORED, 10, True)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (80.125, 80.13),
        (80.135, 80.14),
        (2.675, 2.68),
        (0.1 + 0.2, 0.3),
        (78.88888888888889, 78.89),
        (80.12499999999999, 80.13),  # binary noise of 80.125 is removed first
        (80.1249, 80.12),
        (86.66666666666667, 86.67),
        (100.0, 100.0),
        (-0.0, 0.0),
        (0.005, 0.01),
    ],
)
def test_round_half_up(value, expected):
    assert round_half_up(value) == expected


def test_to_dict_is_plain_json(citizen_spec):
    profile, answers = random_members(citizen_spec, 1, seed=5)[0]
    result = score_member(spec=citizen_spec, profile=profile, answers=answers)
    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert set(data) == {f.name for f in dataclasses.fields(MemberResult)}
    assert [i["code"] for i in data["indicators"]] == [f"CD{n:02d}" for n in range(1, 11)]
    assert set(data["indicators"][0]) == {
        "code",
        "criterion",
        "status",
        "points",
        "counted_points",
        "max_points",
        "reasons",
    }


def test_fast_result_constructor_builds_the_same_object():
    fields = ((), (), 81.0, 72.5, True, True, True, None, ("a",), ("b",))
    fast = _make_result(MemberResult, *fields)
    assert fast == MemberResult(*fields)
    assert type(fast) is MemberResult
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.total = 1


EXPRESSIONS = [
    "${age} >= 15",
    "${age} < 15 or ${target_group} = 'pupil'",
    "${q} = 'yes'",
    "${q} != 'yes'",
    "${q} = ''",
    "${q} != ''",
    "${n} = 3",
    "${n} != 3",
    "${n} = '3'",
    "3 = ${n}",
    "${n} > 2 and ${n} <= 5",
    "${n} + 1 > 3",
    "${n} div 2 = 1",
    "${n} mod 2 = 1",
    "-${n} < -1",
    "selected(${m}, 'a')",
    "not(selected(${m}, 'b'))",
    "count-selected(${m}) >= 2",
    "string-length(${q}) > 2",
    "${q}",
    "${n}",
    "not(${q})",
    "true() and not(false())",
    "${age} >= ${n}",
    "(${n} > 1 or ${q} = 'no') and ${age} < 60",
    "${m} = 'a'",
    "${m} != 'a b'",
    "${n} = '3.0'",
    "${q} = 'true'",
]


def test_compiled_conditions_agree_with_the_interpreter():
    rng = random.Random(1)
    pool = {
        "age": [None, 0, 5, 15, 16, 40, 75, "", "abc"],
        "target_group": [None, "pupil", "farmer", ""],
        "q": [None, "", "yes", "no", "3", 0, True, False, ["yes"]],
        "n": [None, "", 0, 1, 2, 3, 5, 6, 2.5, 3.0, "3", "x", True],
        "m": [None, "", [], ["a"], ["a", "b"], "a b c", ("b",)],
    }
    for _ in range(400):
        values = {name: rng.choice(options) for name, options in pool.items()}
        for text in EXPRESSIONS:
            assert compile_condition(text)(values) == holds(text, values), (text, values)


RULE_PARAMS = [
    ("choice_points", {"points": {"a": 0, "b": 5, "c": "7.5", "d": None}}),
    ("yes_no", {"points": 10, "no_points": 4}),
    ("yes_no", {"points": 3, "yes": "co"}),
    ("bands", {"bands": [{"min": 0, "max": 0, "points": 1}, {"min": 1, "points": 9}]}),
    ("reviewer_score", {"max": 10}),
    ("checklist", {"per_item": 2, "cap": 7}),
    ("checklist", {"points": {"a": 3, "b": 4, "c": 1.5}, "cap": 8}),
    ("choice_points", {"points": {1: 5, "2": 7}}),  # keys as YAML may give them
    ("checklist", {"points": {1: 5, "2": 7}, "cap": 10}),
]
RULE_VALUES = [
    "a",
    "b",
    "c",
    "d",
    "yes",
    "co",
    "no",
    "zz",
    0,
    1,
    2,
    2.5,
    -1,
    12,
    "3",
    "x",
    ["a"],
    ["a", "b", "c"],
    ["a", "a"],
    "a b",
    ["zz"],
    7.125,
    [1, 2],
    "1 2",
]


@pytest.mark.parametrize(("rule_type", "params"), RULE_PARAMS, ids=[r[0] for r in RULE_PARAMS])
def test_prepared_rule_functions_agree_with_the_registry(rule_type, params):
    registered = rules.RULE_TYPES[rule_type].score
    prepared = rules.RULE_TYPES[rule_type].compile(params)
    assert prepared != registered
    for value in RULE_VALUES:
        try:
            expected = registered(params, value, {})
        except (TypeError, ValueError):
            continue  # a value the question type cannot hold
        assert prepared(params, value, {}) == expected, value


def test_a_rule_type_without_compile_scores_with_its_score():
    class Custom(rules.RuleType):
        code = "custom"

        def score(self, params, value, context):
            return 1.0

    custom = Custom()
    assert custom.compile({}) == custom.score
