"""The numpy benchmark floor computes the same indicator points as the engine."""

from __future__ import annotations

import numpy as np

from bench import vectorized
from scoring.engine import MISSING, NOT_APPLICABLE, SCORED, compile_spec, score_member_with
from tests.scoring.conftest import random_members

STATUS = {SCORED: vectorized.SCORED, NOT_APPLICABLE: vectorized.NOT_APPLICABLE}
STATUS[MISSING] = vectorized.MISSING


def test_supported_indicators_leave_out_relevance(citizen_spec):
    # CD02 and CD10 read questions with a `relevant` condition: out of scope.
    assert vectorized.supported_indicators(citizen_spec) == (
        "CD01",
        "CD03",
        "CD04",
        "CD05",
        "CD06",
        "CD07",
        "CD08",
        "CD09",
    )


def test_numpy_points_agree_with_the_engine_on_2000_random_members(citizen_spec):
    members = random_members(citizen_spec, 2000, seed=2025)
    plan = compile_spec(citizen_spec)
    results = [score_member_with(plan, profile, answers) for profile, answers in members]
    columns = vectorized.encode(
        citizen_spec, [p.target_group for p, _ in members], [a for _, a in members]
    )
    computed = vectorized.indicator_points(citizen_spec, columns)

    assert set(computed) == set(vectorized.supported_indicators(citizen_spec))
    seen = set()
    for code, arrays in computed.items():
        engine = [r.indicator(code) for r in results]
        expected_status = np.array([STATUS[i.status] for i in engine], dtype=np.int8)
        expected_points = np.array(
            [np.nan if i.points is None else i.points for i in engine], dtype=float
        )
        np.testing.assert_array_equal(arrays.status, expected_status, err_msg=code)
        np.testing.assert_allclose(arrays.points, expected_points, rtol=0, atol=1e-9)
        seen |= set(expected_status.tolist())
    # the sample exercises all three outcomes
    assert seen == {vectorized.SCORED, vectorized.NOT_APPLICABLE, vectorized.MISSING}
