"""The wizard's step plan as a JSON document, for the offline app.

The offline form is built from this document and the wizard from ``survey.steps``; both
come from ``plan_steps`` over the same published criteria versions, so their steps,
questions, conditions and choices cannot drift. What ``is_asked`` decides from the
criteria set (the groups a question is asked of, the groups the set assesses) is spelt
out per question. Pure: criteria specs in, plain data out.
"""

from __future__ import annotations

from typing import Any

from criteria.spec import CriteriaSpec, Label, Question
from survey.reference import EDUCATION_LEVELS, ETHNIC_GROUPS, RELATIONSHIPS, SEXES
from survey.shape import MAX_MEMBERS, OLDEST_AGE
from survey.steps import groups_scoring, plan_steps

VERSION = 1  # of this document's shape


def _label(label: Label) -> dict[str, str]:
    return {"vi": label.vi, "en": label.en or label.vi}


def _pairs(pairs) -> list[dict[str, str]]:
    return [{"name": code, "label": str(label)} for code, label in pairs]


def _question(question: Question, spec: CriteriaSpec, source: str) -> dict[str, Any]:
    groups = groups_scoring(spec=spec, question=question.code) if source == "citizen" else None
    return {
        "code": question.code,
        "type": question.type,
        "label": _label(question.label),
        "hint": _label(question.hint),
        "choice_list": question.choice_list,
        "required": question.required,
        "relevant": question.relevant,
        "constraint": question.constraint,
        "constraint_message": _label(question.constraint_message),
        "reviewer_only": question.reviewer_only,
        # None: every assessed member; else only members of these target groups.
        "groups": None if groups is None else sorted(groups),
    }


def plan_document(*, citizen: CriteriaSpec, household: CriteriaSpec | None) -> dict[str, Any]:
    """Return the steps, questions, choice lists and member fields of the household form."""
    specs = {"citizen": citizen, "household": household}
    steps = []
    for step in plan_steps(citizen=citizen, household=household):
        spec = specs.get(step.source)
        steps.append(
            {
                "name": step.name,
                "kind": step.kind,
                "title": _label(step.title),
                "source": step.source,
                "questions": [_question(q, spec, step.source) for q in step.questions]
                if spec is not None
                else [],
            }
        )
    choice_lists: dict[str, list[dict[str, Any]]] = {}
    for spec in (s for s in (citizen, household) if s is not None):
        for choice_list in spec.choice_lists:
            choice_lists.setdefault(
                choice_list.name,
                [{"name": c.name, "label": _label(c.label)} for c in choice_list.choices],
            )
    return {
        "version": VERSION,
        "criteria": {
            "citizen": f"{citizen.code} v{citizen.version}",
            "household": f"{household.code} v{household.version}" if household else None,
        },
        "steps": steps,
        "choice_lists": choice_lists,
        "target_groups": [
            {
                "code": g.code,
                "label": _label(g.label),
                "min_age": g.min_age,
                "max_age": g.max_age,
            }
            for g in citizen.target_groups
        ],
        "member_fields": {
            "sex": _pairs(SEXES),
            "ethnicity": _pairs(ETHNIC_GROUPS),
            "education": _pairs(EDUCATION_LEVELS),
            "relationship": _pairs(RELATIONSHIPS),
        },
        "max_members": MAX_MEMBERS,
        "oldest_age": OLDEST_AGE,  # birth years from max(1900, survey year - this)
        # The sets themselves, for the provisional score offline (static/js/scoring.js).
        "scoring": {
            "citizen": citizen.to_dict(),
            "household": household.to_dict() if household else None,
        },
    }
