"""The review step in words: indicator and question names instead of codes, and a result that
waits only for the reviewer's score said as such ("chờ cán bộ chấm CD04").

The engine's reasons stay as they are (they are stored and audited); this rewrites them for
the page only."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from criteria.spec import CriteriaSpec
from scoring.engine.results import MISSING, REVIEWER_PENDING

LEADING_CODE = re.compile(r"^([A-Z]+[0-9]+): (.*)$", re.S)
WORD = re.compile(r"\b[a-z][a-z0-9_]*\b")


@dataclass(frozen=True)
class Outcome:
    """What the review shows for one scored member or household."""

    state: str  # recognised, not_recognised, awaiting_reviewer, incomplete
    pending: tuple[str, ...]  # indicator codes waiting for the reviewer's score
    reasons: tuple[str, ...]


class ReviewWords:
    """Names of the indicators, questions and target groups of the round's criteria sets."""

    def __init__(self, *, specs: Sequence[CriteriaSpec], language: str) -> None:
        def text(label) -> str:
            return (label.en if language == "en" and label.en else label.vi) or ""

        self.language = language
        self.indicators = {i.code: text(i.label) for s in specs for i in s.indicators}
        self.questions = {q.code: text(q.label) for s in specs for q in s.questions}
        self.groups = {g.code: text(g.label) for s in specs for g in s.target_groups}

    def reason(self, reason: str) -> str:
        match = LEADING_CODE.match(reason)
        if match is None:
            return reason
        code, rest = match.groups()
        rest = WORD.sub(
            lambda m: f"“{self.questions[m[0]]}”" if m[0] in self.questions else m[0], rest
        )
        name = self.indicators.get(code)
        return f"{code} ({name}): {rest}" if name else f"{code}: {rest}"

    def outcome(self, result) -> Outcome:
        missing = [i for i in result.indicators if i.status == MISSING]
        pending = tuple(
            i.code
            for i in missing
            if i.reasons and all(r.kind == REVIEWER_PENDING for r in i.reasons)
        )
        if result.recognised is None:
            state = (
                "awaiting_reviewer" if missing and len(pending) == len(missing) else "incomplete"
            )
        else:
            state = "recognised" if result.recognised else "not_recognised"
        reasons = result.reasons_en if self.language == "en" else result.reasons_vi
        return Outcome(state=state, pending=pending, reasons=tuple(map(self.reason, reasons)))
