"""Scoring rules in words, for the preview page, the paper form and the docs."""

from __future__ import annotations

from criteria.rules import get_rule_type
from criteria.spec import CriteriaSpec, Rule


def _choice_label(spec: CriteriaSpec, question: str | None, name: str, language: str) -> str:
    if question is None:
        return name
    q = next((q for q in spec.questions if q.code == question), None)
    if q is None or not q.choice_list:
        return name
    lists = {cl.name: cl for cl in spec.choice_lists}
    for choice in lists[q.choice_list].choices if q.choice_list in lists else ():
        if choice.name == name:
            return choice.label.get(language)
    return name


def describe_rule(*, rule: Rule, spec: CriteriaSpec, language: str = "vi") -> str:
    """Return one sentence that says how the rule turns answers into points."""
    rule_type = get_rule_type(rule.type)
    if rule_type is None:
        return rule.type
    return rule_type.describe(
        rule.params,
        choice_label=lambda name: _choice_label(spec, rule.question, name, language),
        language=language,
    )
