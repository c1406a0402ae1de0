"""The vectorised path stores exactly what the scalar engine stores, member for member."""

from __future__ import annotations

from pathlib import Path

import pytest

from criteria.yaml_io import read_yaml
from scoring.engine import MemberProfile, compile_spec, score_member_with
from scoring.rows import stored_values
from scoring.vector import score_members, vector_plan
from tests.scoring.conftest import build_citizen_spec, random_members

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "criteria"
EDGES = [{}, {"x": None}, {"info_sources": ""}, {"info_sources": " "}, {"info_sources": 0}]


@pytest.mark.parametrize("name", ["test", "cdht-2020.yaml", "cdht-2023.yaml"])
def test_vectorised_values_equal_the_engine_on_random_and_edge_members(name):
    spec = build_citizen_spec() if name == "test" else read_yaml(FIXTURES / name)
    members = random_members(spec, 3000, seed=15)
    members += [(MemberProfile(g.code, 30, "f"), a) for g in spec.target_groups for a in EDGES]
    vplan = vector_plan(spec)
    assert vplan is not None
    plan = compile_spec(spec)
    expected = [stored_values(score_member_with(plan, p, a)) for p, a in members]
    got = score_members(vplan, [p for p, _ in members], [a for _, a in members])
    assert sum(values is None for values in got) == 0
    assert got == expected


def test_members_the_columns_cannot_hold_are_left_to_the_engine():
    spec = build_citizen_spec()
    profile = MemberProfile(spec.target_groups[0].code, 30, "m")
    got = score_members(vector_plan(spec), [profile, profile], [{"q_sources": [1]}, {}])
    assert got[0] is None
    assert got[1] == stored_values(score_member_with(compile_spec(spec), profile, {}))
