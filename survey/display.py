"""Answers as people read them: choice labels instead of codes."""

from __future__ import annotations

from typing import Any

from criteria.spec import CriteriaSpec, Question


def display_answer(
    *, specs: list[CriteriaSpec], question: Question | None, value: Any, language: str
) -> str:
    """Return the answer with choice codes replaced by their labels."""
    if question is None or not question.choice_list:
        return "" if value is None else str(value)
    labels: dict[str, str] = {}
    for spec in specs:
        for choice_list in spec.choice_lists:
            if choice_list.name == question.choice_list:
                labels = {c.name: c.label.get(language) for c in choice_list.choices}
    values = value if isinstance(value, list) else [value]
    return "; ".join(labels.get(str(v), str(v)) for v in values)
