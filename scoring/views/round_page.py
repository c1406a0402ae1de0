"""What the round pages by area share: their filters, the summary and its context."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from scoring.aggregation import summarise_round
from scoring.areas import HIERARCHIES, LEVELS
from scoring.models import ScoringRun
from scoring.selectors import citizen_runs, run_label
from scoring.summary import AggregationError, RoundSummary
from scoring.views.common import (
    HIERARCHY_CHOICES,
    LEVEL_CHOICES,
    Included,
    describe_included,
    get_round_or_404,
    read_choice,
    read_run,
    report_scope,
)
from survey.models import Round


@dataclass(frozen=True)
class RoundPage:
    """A round summarised as the page's filters ask; ``error`` when it cannot be."""

    round: Round
    run: ScoringRun | None
    level: str
    hierarchy: str
    included: Included
    summary: RoundSummary | None
    error: str | None

    @property
    def status(self) -> int:
        return 400 if self.error else 200

    def context(self) -> dict[str, Any]:
        return {
            "round": self.round,
            "run": self.run,
            "runs": [(r, run_label(r)) for r in citizen_runs(round_=self.round)],
            "summary": self.summary,
            "included": self.included,
            "error": self.error,
            "level": self.level,
            "hierarchy": self.hierarchy,
            "levels": LEVEL_CHOICES,
            "hierarchies": HIERARCHY_CHOICES,
        }


def read_round_page(request: HttpRequest, *, round_code: str, breakdown: str = "none") -> RoundPage:
    """Read the round, run, level, hierarchy and included responses, and summarise."""
    round_ = get_round_or_404(request, code=round_code)
    run = read_run(request, round_=round_)
    level = read_choice(request, name="level", allowed=LEVELS, default="commune")
    hierarchy = read_choice(request, name="hierarchy", allowed=HIERARCHIES, default="round")
    included = describe_included(request, rounds=[round_])
    summary, error = None, None
    try:
        summary = summarise_round(
            round_=round_,
            run=run,
            level=level,
            hierarchy=hierarchy,
            breakdown=breakdown,
            unit_keys=report_scope(request),
            statuses=included.statuses,
        )
    except AggregationError as exc:
        error = str(exc)
    return RoundPage(round_, run, level, hierarchy, included, summary, error)
