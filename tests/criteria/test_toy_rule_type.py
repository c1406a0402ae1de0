"""A rule type added in this test alone works everywhere a rule type is used.

The toy type ``per_session`` gives ``factor`` points per session, up to ``cap``. Only
the class below is written: the workbook reads its parameters by the kinds it declares,
validation runs its checks, the engine scores with it, the preview describes it, and
the workbook and YAML exports write it back.
"""

from __future__ import annotations

import dataclasses
import io

import openpyxl
import pytest

from criteria import rules
from criteria.describe import describe_rule
from criteria.rules.base import NUMBER, Param, ParamProblem, RuleType
from criteria.rules.checks import check_number, number
from criteria.spec import Label, Rule
from criteria.workbook import read_workbook, write_workbook
from criteria.yaml_io import dump_yaml, read_yaml
from scoring.engine import MemberProfile, score_member
from tests.criteria.conftest import problems_of
from tests.scoring.conftest import build_citizen_spec


class PerSession(RuleType):
    code = "per_session"
    label = Label("Điểm theo số buổi", "Points per session")
    question_types = ("integer",)
    params = (Param("factor", NUMBER), Param("cap", NUMBER))

    def check(self, params, question, choices):
        problems = check_number(params, "factor") + check_number(params, "cap")
        if not problems and float(params["factor"]) == 0:
            problems.append(ParamProblem("factor", "hệ số phải khác 0", "factor must not be 0"))
        return problems

    def ceiling(self, params):
        return number(params.get("cap")) or 0.0

    def score(self, params, value, context):
        return min(float(value) * float(params["factor"]), float(params["cap"]))

    def describe(self, params, *, choice_label, language):
        if language.startswith("en"):
            return f"{params['factor']} per session, at most {params['cap']}"
        return f"{params['factor']} điểm mỗi buổi, tối đa {params['cap']}"


@pytest.fixture
def per_session(monkeypatch):
    monkeypatch.setitem(rules.RULE_TYPES, "per_session", PerSession())


def toy_spec(params: dict):
    """The test citizen set with CD03 (sessions attended) scored by the toy type."""
    spec = build_citizen_spec()
    indicators = tuple(
        dataclasses.replace(i, rules=(Rule("per_session", "q_sessions", params),))
        if i.code == "CD03"
        else i
        for i in spec.indicators
    )
    return dataclasses.replace(spec, indicators=indicators)


def test_a_workbook_with_the_toy_type_validates_scores_describes_and_exports(per_session, tmp_path):
    path = tmp_path / "toy.xlsx"
    write_workbook(toy_spec({"factor": 1.5, "cap": 10}), path)
    header = [c.value for c in openpyxl.load_workbook(path)["scoring"][1]]
    assert "factor" in header

    spec = read_workbook(path)
    (rule,) = next(i for i in spec.indicators if i.code == "CD03").rules
    assert rule == Rule("per_session", "q_sessions", {"factor": 1.5, "cap": 10})

    def cd03(sessions: int) -> float:
        result = score_member(
            spec=spec, profile=MemberProfile("farmer", 30), answers={"q_sessions": sessions}
        )
        return result.indicator("CD03").points

    assert [cd03(n) for n in (0, 2, 5, 7, 9)] == [0.0, 3.0, 7.5, 10.0, 10.0]
    assert describe_rule(rule=rule, spec=spec, language="vi") == "1.5 điểm mỗi buổi, tối đa 10"
    assert describe_rule(rule=rule, spec=spec, language="en") == "1.5 per session, at most 10"
    assert read_yaml(io.StringIO(dump_yaml(spec))) == spec
    again = tmp_path / "again.xlsx"
    write_workbook(spec, again)
    assert read_workbook(again) == spec


def test_the_toy_type_checks_its_params_at_their_cell(per_session, tmp_path):
    path = tmp_path / "toy.xlsx"
    write_workbook(toy_spec({"factor": 0, "cap": 10}), path)
    problems = problems_of(path)
    assert [(p.sheet, p.column, p.en) for p in problems] == [
        ("scoring", "factor", "Factor must not be 0")
    ]


def test_without_the_toy_type_the_workbook_is_refused(tmp_path):
    path = tmp_path / "toy.xlsx"
    write_workbook(toy_spec({"factor": 1.5, "cap": 10}), path)
    (problem,) = problems_of(path)
    assert (problem.sheet, problem.column) == ("scoring", "rule_type")
    assert problem.en.startswith("Unknown rule type “per_session”")
