"""The registry of scoring rule types.

An indicator's points come from its rules; each rule names a type code from this
registry, like Django's password validators name a validator class. A rule type is one
class (``criteria.rules.base.RuleType``) that holds all the product knows about it:
its parameters and how they are written in the workbook and YAML, the checks of those
parameters, the most points it can give, its description in words, how it scores an
answer (``score``, the reference, and ``compile``, an equal scorer with the params read
once), an optional numpy version (``vectorise``, with which ``scoring.vector`` scores
whole rounds), and hints for demo answers.

To add a kind of rule, write a ``RuleType`` subclass and decorate it with ``@register``;
nothing else in the product changes (``tests/criteria/test_toy_rule_type.py`` shows it).
"""

from __future__ import annotations

# isort: off
# Imported in the order the types are listed to users.
from criteria.rules import answers, scores, members  # noqa: F401 - they register the types

# isort: on
from criteria.rules.base import (
    BANDS,
    NUMBER,
    NUMBER_OR_POINTS,
    POINTS,
    RULE_TYPES,
    TEXT,
    AnswerHints,
    MemberTests,
    Param,
    ParamProblem,
    RuleType,
    Score,
    get_rule_type,
    register,
)


def param_kind(*, rule_type: str, name: str) -> str | None:
    """How a parameter cell is read: as the rule type declares, else as any type does."""
    declared = RULE_TYPES.get(rule_type)
    kind = declared.param_kind(name) if declared else None
    if kind is None:
        kind = next((t.param_kind(name) for t in RULE_TYPES.values() if t.param_kind(name)), None)
    return kind


__all__ = [
    "BANDS",
    "NUMBER",
    "NUMBER_OR_POINTS",
    "POINTS",
    "RULE_TYPES",
    "TEXT",
    "AnswerHints",
    "MemberTests",
    "Param",
    "ParamProblem",
    "RuleType",
    "Score",
    "get_rule_type",
    "param_kind",
    "register",
]
