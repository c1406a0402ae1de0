"""Golden cases for citizens: every expected number below was computed by hand.

The set is ``build_citizen_spec`` (tests/scoring/conftest.py): ten indicators of
10 points, recognised at 80 with no indicator below 5, levels "tot" (85) and
"tieu_bieu" (90, every indicator at least 8). ``NA`` and ``MISSING`` stand for
an indicator that is not applicable or missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from scoring.engine import MISSING as MISSING_STATUS
from scoring.engine import NOT_APPLICABLE, SCORED, MemberProfile, score_member

NA = "N/A"
MISSING = "missing"

# Every indicator at its maximum (10 each): sources 12 → cap 10, digital skills
# 3+3+2+4+2 = 14 → cap 10, groups 3 × 2 = 6 → cap 4 (+ volunteering 6 = 10).
FULL = {
    "q_sources": ["books", "press", "tv", "radio", "phone", "internet"],
    "q_plan": "yes",
    "q_plan_done": "yes",
    "q_sessions": 7,
    "q_encourage": "often",
    "q_digital": ["email", "online_service", "video_call", "office", "ewallet"],
    "q_language": "fluent",
    "q_initiatives": 3,
    "q_review_cd08": 10,
    "q_reconcile": "yes",
    "q_volunteer": "regular",
    "q_groups": ["union", "women", "youth"],
}


def full(**changes: Any) -> dict[str, Any]:
    """FULL with some answers changed; a change to ``DROP`` removes the answer."""
    answers = dict(FULL)
    for key, value in changes.items():
        if value is DROP:
            answers.pop(key)
        else:
            answers[key] = value
    return answers


DROP = object()

# A farmer's answers for the worked example of the module docstring:
# CD01 8, CD02 10, CD03 8, CD04 10, CD05 7, CD06 N/A, CD07 10, CD08 7, CD09 10, CD10 8.
FARMER = {
    "q_sources": ["books", "press", "tv", "radio"],
    "q_plan": "yes",
    "q_plan_done": "yes",
    "q_sessions": 3,
    "q_encourage": "often",
    "q_digital": ["online_service", "video_call", "ewallet"],
    "q_initiatives": 2,
    "q_review_cd08": 7,
    "q_reconcile": "yes",
    "q_volunteer": "regular",
    "q_groups": ["farmers_assoc"],
}

WORKER = {
    "q_sources": ["books", "tv", "phone"],  # 6
    "q_plan": "yes",
    "q_plan_done": "no",  # 6 + 0
    "q_sessions": 4,  # 8
    "q_encourage": "sometimes",  # 5
    "q_digital": ["email", "video_call"],  # 3 + 2
    "q_language": "working",  # 7
    "q_initiatives": 1,  # 6
    "q_review_cd08": 7.5,
    "q_reconcile": "yes",  # 10
    "q_volunteer": "some",
    "q_groups": ["union"],  # 4 + 2
}


@dataclass(frozen=True)
class Golden:
    name: str
    profile: MemberProfile
    answers: dict[str, Any]
    points: tuple  # CD01..CD10: points, NA or MISSING
    criteria: tuple[float, float, float]  # NL1, NL2, NL3 (rounded)
    raw_total: float
    total: float
    rescaled: bool
    recognised: bool | None
    level: str | None = None
    reasons_vi: tuple[str, ...] = ()
    reasons_en: tuple[str, ...] = field(default=())


GOLDEN = [
    Golden(
        "M01 cadre, every indicator at its maximum (caps reached), highest level",
        MemberProfile("cadre", 40, "f"),
        FULL,
        (10, 10, 10, 10, 10, 10, 10, 10, 10, 10),
        (40, 40, 20),
        raw_total=100,
        total=100,
        rescaled=False,
        recognised=True,
        level="tieu_bieu",
    ),
    Golden(
        "M02 worker, total below 80",
        MemberProfile("worker", 35, "m"),
        WORKER,
        (6, 6, 8, 5, 5, 7, 6, 7.5, 10, 6),
        (25, 25.5, 16),
        raw_total=66.5,
        total=66.5,
        rescaled=False,
        recognised=False,
        reasons_vi=("Tổng điểm 66,5 < 80",),
        reasons_en=("Total 66.5 < 80",),
    ),
    Golden(
        "M03 farmer, CD06 rescaled out: 78 × 100 / 90 = 86.67, level tot",
        MemberProfile("farmer", 50, "m"),
        FARMER,
        (8, 10, 8, 10, 7, NA, 10, 7, 10, 8),
        (36, 24, 18),
        raw_total=78,
        total=86.67,
        rescaled=True,
        recognised=True,
        level="tot",
    ),
    Golden(
        "M04 farmer, 72 × 100 / 90 = 80 exactly: recognised (at least 80)",
        MemberProfile("farmer", 45, "f"),
        {
            **FARMER,
            "q_sources": ["books", "press", "tv"],
            "q_sessions": 2,
            "q_review_cd08": 6,
        },
        (6, 10, 5, 10, 7, NA, 10, 6, 10, 8),
        (31, 23, 18),
        raw_total=72,
        total=80,
        rescaled=True,
        recognised=True,
    ),
    Golden(
        "M05 farmer, 71 × 100 / 90 = 78.89: not recognised",
        MemberProfile("farmer", 45, "f"),
        {
            **FARMER,
            "q_sources": ["books", "press", "tv"],
            "q_sessions": 2,
            "q_review_cd08": 5,
        },
        (6, 10, 5, 10, 7, NA, 10, 5, 10, 8),
        (31, 22, 18),
        raw_total=71,
        total=78.89,
        rescaled=True,
        recognised=False,
        reasons_vi=("Tổng điểm 78,89 < 80",),
        reasons_en=("Total 78.89 < 80",),
    ),
    Golden(
        "M06 cadre, total 93 but CD06 3 < 5",
        MemberProfile("cadre", 41),
        full(q_language="basic"),
        (10, 10, 10, 10, 10, 3, 10, 10, 10, 10),
        (40, 33, 20),
        raw_total=93,
        total=93,
        rescaled=False,
        recognised=False,
        reasons_vi=("CD06: 3 < 5",),
        reasons_en=("CD06: 3 < 5",),
    ),
    Golden(
        "M07 pupil aged 17: CD07 not applicable, policy full (counts 10), no rescaling",
        MemberProfile("pupil", 17, "f"),
        {
            "q_sources": ["phone", "internet", "books"],
            "q_plan": "yes",
            "q_plan_done": "yes",
            "q_sessions": 6,
            "q_encourage": "sometimes",
            "q_digital": ["email", "office", "video_call"],
            "q_language": "working",
            "q_review_cd08": 8,
            "q_reconcile": "yes",
            "q_volunteer": "some",
            "q_groups": ["youth"],
        },
        (6, 10, 10, 5, 9, 7, NA, 8, 10, 6),
        (31, 34, 16),
        raw_total=81,
        total=81,
        rescaled=False,
        recognised=True,
    ),
    Golden(
        "M08 child pupil aged 12: plan questions (from 15) and groups (from 16) do not "
        "apply, stale answers ignored; CD02 rescaled out, CD07 full",
        MemberProfile("pupil", 12, "m"),
        {
            "q_sources": ["books", "tv", "internet"],
            "q_plan": "yes",  # stale: not asked under 15
            "q_plan_done": "yes",  # stale: its condition reads q_plan
            "q_sessions": 5,
            "q_encourage": "often",
            "q_digital": ["video_call", "office"],
            "q_language": "working",
            "q_review_cd08": 9.5,
            "q_reconcile": "yes",
            "q_volunteer": "regular",
            "q_groups": ["youth"],  # stale: not asked under 16
        },
        (6, NA, 8, 10, 6, 7, NA, 9.5, 10, 6),
        (24, 32.5, 16),
        raw_total=72.5,
        total=80.56,  # 72.5 × 100 / 90 = 80.5555…
        rescaled=True,
        recognised=True,
    ),
    Golden(
        "M09 half-up rounding: 80.125 → 80.13 (Python's round would give 80.12)",
        MemberProfile("cadre", 30),
        full(
            q_sources=["books", "press", "tv", "radio"],
            q_plan_done="no",
            q_sessions=4,
            q_digital=["email", "online_service", "video_call"],
            q_language="working",
            q_initiatives=2,
            q_review_cd08=5.125,
            q_volunteer="some",
            q_groups=["union", "women"],
        ),
        (8, 6, 8, 10, 8, 7, 10, 5.125, 10, 8),
        (32, 30.13, 18),
        raw_total=80.13,
        total=80.13,
        rescaled=False,
        recognised=True,
    ),
    Golden(
        "M10 missing answer: total 90 over what is known, undetermined",
        MemberProfile("cadre", 40),
        full(q_sessions=DROP),
        (10, 10, MISSING, 10, 10, 10, 10, 10, 10, 10),
        (30, 40, 20),
        raw_total=90,
        total=90,
        rescaled=False,
        recognised=None,
        reasons_vi=("CD03: thiếu câu trả lời q_sessions",),
        reasons_en=("CD03: answer missing for q_sessions",),
    ),
    Golden(
        "M11 reviewer score not yet entered, and CD06 already below 5",
        MemberProfile("cadre", 40),
        full(q_review_cd08=None, q_language="basic"),
        (10, 10, 10, 10, 10, 3, 10, MISSING, 10, 10),
        (40, 23, 20),
        raw_total=83,
        total=83,
        rescaled=False,
        recognised=None,
        reasons_vi=("CD08: chưa có điểm của người kiểm tra (q_review_cd08)", "CD06: 3 < 5"),
        reasons_en=("CD08: reviewer score not yet entered (q_review_cd08)", "CD06: 3 < 5"),
    ),
    Golden(
        "M12 farmer, empty list and empty text are unanswered; known total still rescaled",
        MemberProfile("farmer", 50),
        {**FARMER, "q_sources": [], "q_digital": ""},
        (MISSING, 10, 8, 10, MISSING, NA, 10, 7, 10, 8),
        (28, 17, 18),
        raw_total=63,
        total=70,  # 63 × 100 / 90
        rescaled=True,
        recognised=None,
        reasons_vi=("CD01: thiếu câu trả lời q_sources", "CD05: thiếu câu trả lời q_digital"),
        reasons_en=("CD01: answer missing for q_sources", "CD05: answer missing for q_digital"),
    ),
    Golden(
        "M13 no plan: the stale 'plan carried out' answer does not count; CD02 0 < 5",
        MemberProfile("worker", 30),
        full(q_plan="no", q_plan_done="yes"),
        (10, 0, 10, 10, 10, 10, 10, 10, 10, 10),
        (30, 40, 20),
        raw_total=90,
        total=90,
        rescaled=False,
        recognised=False,
        reasons_vi=("CD02: 0 < 5",),
        reasons_en=("CD02: 0 < 5",),
    ),
    Golden(
        "M14 total 97 but CD06 7 < 8: level tot, not tieu_bieu",
        MemberProfile("cadre", 52),
        full(q_language="working"),
        (10, 10, 10, 10, 10, 7, 10, 10, 10, 10),
        (40, 37, 20),
        raw_total=97,
        total=97,
        rescaled=False,
        recognised=True,
        level="tot",
    ),
    Golden(
        "M15 total exactly 90 with every indicator at least 8: tieu_bieu",
        MemberProfile("cadre", 33),
        full(
            q_sources=["books", "press", "tv", "radio"],
            q_sessions=4,
            q_digital=["email", "online_service", "video_call"],
            q_initiatives=2,
            q_review_cd08=8,
            q_groups=["union"],
        ),
        (8, 10, 8, 10, 8, 10, 10, 8, 10, 8),
        (36, 36, 18),
        raw_total=90,
        total=90,
        rescaled=False,
        recognised=True,
        level="tieu_bieu",
    ),
    Golden(
        "M16 several reasons: total, then the indicator",
        MemberProfile("worker", 35),
        {**WORKER, "q_reconcile": "no"},
        (6, 6, 8, 5, 5, 7, 6, 7.5, 4, 6),
        (25, 25.5, 10),
        raw_total=60.5,
        total=60.5,
        rescaled=False,
        recognised=False,
        reasons_vi=("Tổng điểm 60,5 < 80", "CD09: 4 < 5"),
        reasons_en=("Total 60.5 < 80", "CD09: 4 < 5"),
    ),
    Golden(
        "M17 an option not in the list gives 0; a reviewer score of 0 is an answer",
        MemberProfile("worker", 28),
        full(q_encourage="weekly", q_review_cd08=0),
        (10, 10, 10, 0, 10, 10, 10, 0, 10, 10),
        (30, 30, 20),
        raw_total=80,
        total=80,
        rescaled=False,
        recognised=False,
        reasons_vi=("CD04: 0 < 5", "CD08: 0 < 5"),
        reasons_en=("CD04: 0 < 5", "CD08: 0 < 5"),
    ),
    Golden(
        "M18 unknown age: whether the age-gated questions apply is unknown, so CD02 and "
        "CD10 are missing (never quietly not applicable)",
        MemberProfile("worker", None),
        FULL,
        (10, MISSING, 10, 10, 10, 10, 10, 10, 10, MISSING),
        (30, 40, 10),
        raw_total=80,
        total=80,
        rescaled=False,
        recognised=None,
        reasons_vi=("CD02: chưa biết age", "CD10: chưa biết age"),
        reasons_en=("CD02: age unknown", "CD10: age unknown"),
    ),
]


@pytest.mark.parametrize("case", GOLDEN, ids=[g.name.split()[0] for g in GOLDEN])
def test_golden_member(citizen_spec, case: Golden):
    result = score_member(spec=citizen_spec, profile=case.profile, answers=case.answers)

    got = tuple(
        NA if i.status == NOT_APPLICABLE else MISSING if i.status == MISSING_STATUS else i.points
        for i in result.indicators
    )
    assert got == case.points
    assert tuple(c.points for c in result.criteria) == case.criteria
    assert result.raw_total == case.raw_total
    assert result.total == case.total
    assert result.rescaled is case.rescaled
    assert result.complete is (MISSING not in case.points)
    assert result.recognised is case.recognised
    assert result.level == case.level
    assert result.reasons_vi == case.reasons_vi
    assert result.reasons_en == case.reasons_en


def test_golden_cases_cover_the_ground():
    assert len(GOLDEN) >= 15
    groups = {g.profile.target_group for g in GOLDEN}
    assert groups == {"farmer", "worker", "cadre", "pupil"}
    assert any(g.level == "tot" for g in GOLDEN) and any(g.level == "tieu_bieu" for g in GOLDEN)
    assert any(g.recognised is None for g in GOLDEN)


def test_rescaled_indicator_details(citizen_spec):
    """M03: CD06 is left out; its criterion's counted maximum drops to 30."""
    result = score_member(
        spec=citizen_spec, profile=MemberProfile("farmer", 50, "m"), answers=FARMER
    )
    cd06 = result.indicator("CD06")
    assert (cd06.status, cd06.points, cd06.counted_points, cd06.max_points) == (
        NOT_APPLICABLE,
        None,
        None,
        10,
    )
    assert cd06.reasons[0].vi == (
        "CD06: không áp dụng cho nhóm đối tượng Nông dân (farmer); "
        "không tính, tổng điểm được quy đổi lại"
    )
    assert cd06.reasons[0].en == (
        "CD06: does not apply to target group Farmers (farmer); left out, the total is rescaled"
    )
    nl2 = result.criterion("NL2")
    assert (nl2.points, nl2.max_points, nl2.counted_max) == (24, 40, 30)


def test_full_policy_indicator_details(citizen_spec):
    """M07: CD07 does not apply to pupils and counts as its 10 points."""
    case = GOLDEN[6]
    result = score_member(spec=citizen_spec, profile=case.profile, answers=case.answers)
    cd07 = result.indicator("CD07")
    assert (cd07.status, cd07.points, cd07.counted_points) == (NOT_APPLICABLE, None, 10)
    assert cd07.reasons[0].en == (
        "CD07: does not apply to target group Pupils (pupil); counted as the full 10 points"
    )
    assert result.criterion("NL2").counted_max == 40


def test_not_applicable_because_no_rule_applies(citizen_spec):
    """M08: both CD02 questions do not apply to a 12-year-old."""
    case = GOLDEN[7]
    result = score_member(spec=citizen_spec, profile=case.profile, answers=case.answers)
    cd02 = result.indicator("CD02")
    assert cd02.status == NOT_APPLICABLE
    assert cd02.reasons[0].vi == (
        "CD02: không áp dụng (q_plan không áp dụng; q_plan_done không áp dụng); "
        "không tính, tổng điểm được quy đổi lại"
    )
    assert cd02.reasons[0].en == (
        "CD02: not applicable (q_plan does not apply; q_plan_done does not apply); "
        "left out, the total is rescaled"
    )


def test_missing_indicator_details(citizen_spec):
    result = score_member(
        spec=citizen_spec, profile=MemberProfile("cadre", 40), answers=full(q_sessions=DROP)
    )
    cd03 = result.indicator("CD03")
    assert (cd03.status, cd03.points, cd03.counted_points) == (MISSING_STATUS, None, None)
    assert result.complete is False
    assert all(i.status == SCORED for i in result.indicators if i.code != "CD03")


def test_below_minimum_indicator_carries_its_reason(citizen_spec):
    result = score_member(
        spec=citizen_spec, profile=MemberProfile("cadre", 41), answers=full(q_language="basic")
    )
    cd06 = result.indicator("CD06")
    assert cd06.status == SCORED and cd06.points == 3
    assert [(r.vi, r.en) for r in cd06.reasons] == [("CD06: 3 < 5", "CD06: 3 < 5")]
