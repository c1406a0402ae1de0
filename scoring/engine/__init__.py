"""The scoring engine: how a member's and a household's answers become points and a decision.

The method is described in docs/scoring-method.md. The engine is plain Python over plain
data (a ``criteria.spec.CriteriaSpec``, the rule types of ``criteria.rules`` and the
expressions of ``criteria.expressions``); it imports no Django and touches no database.

``compile_spec`` turns a set into a cached ``ScoringPlan``; ``score_member(_with)`` and
``score_household(_with)`` score with it. Modules: ``results`` (what scoring returns,
rounding, wording), ``inputs`` (member profile and household member), ``conditions``
(expressions compiled to closures), ``member_rules`` (the compiled condition and test
of member-derived rules; each rule type compiles its own scorer in ``criteria.rules``),
``relevance`` (which questions apply, which values are unknown), ``indicator_plan`` and
``plan`` (the compiled plan), ``score`` (the scoring itself).
"""

from scoring.engine.conditions import compile_condition
from scoring.engine.inputs import MemberContext, MemberProfile
from scoring.engine.plan import ScoringPlan, compile_spec, spec_fingerprint
from scoring.engine.results import (
    MISSING,
    NOT_APPLICABLE,
    SCORED,
    CriterionResult,
    HouseholdResult,
    IndicatorResult,
    MemberResult,
    Reason,
    ScoreResult,
    round_half_up,
)
from scoring.engine.score import (
    score_household,
    score_household_with,
    score_member,
    score_member_with,
)

__all__ = [
    "MISSING",
    "NOT_APPLICABLE",
    "SCORED",
    "CriterionResult",
    "HouseholdResult",
    "IndicatorResult",
    "MemberContext",
    "MemberProfile",
    "MemberResult",
    "Reason",
    "ScoreResult",
    "ScoringPlan",
    "compile_condition",
    "compile_spec",
    "round_half_up",
    "score_household",
    "score_household_with",
    "score_member",
    "score_member_with",
    "spec_fingerprint",
]
