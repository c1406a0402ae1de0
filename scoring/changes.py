"""What would change under another version: status changes per commune between two runs
of a round, for members and for households, and their totals."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from scoring.models import ScoredResponse, ScoringRun
from scoring.selectors import StatusChanges, compare_runs, household_run_for
from survey.models import Round, RoundUnit

CHANGE_FIELDS = ("compared", "gained", "lost", "to_undetermined", "from_undetermined", "unchanged")


@dataclass(frozen=True)
class RunChanges:
    member_rows: list[StatusChanges] = field(default_factory=list)
    shared: list[str] = field(default_factory=list)  # indicator codes compared for members
    household_rows: list[StatusChanges] = field(default_factory=list)
    household_shared: list[str] = field(default_factory=list)


def list_round_communes(*, round_: Round, run: ScoringRun | None) -> set[str]:
    """The round's planned communes and those the run scored responses in."""
    communes = set(RoundUnit.objects.filter(round=round_).values_list("unit_id", flat=True))
    if run is not None:
        communes |= set(
            ScoredResponse.objects.filter(run=run).values_list("unit_id", flat=True).distinct()
        )
    return communes


def compare_run_changes(
    *, base: ScoringRun, other: ScoringRun, unit_keys: Collection[str], statuses: Collection[str]
) -> RunChanges:
    """Members' status changes between the runs, and households' between their household
    runs (when both have one)."""
    member_rows, shared = compare_runs(
        base=base, other=other, unit_keys=unit_keys, statuses=statuses
    )
    household_rows: list[StatusChanges] = []
    household_shared: list[str] = []
    base_household, other_household = household_run_for(run=base), household_run_for(run=other)
    if base_household and other_household:
        household_rows, household_shared = compare_runs(
            base=base_household,
            other=other_household,
            unit_keys=unit_keys,
            statuses=statuses,
        )
    return RunChanges(
        member_rows=member_rows,
        shared=shared,
        household_rows=household_rows,
        household_shared=household_shared,
    )


def total_changes(*, rows: Sequence[StatusChanges], codes: Sequence[str]) -> dict | None:
    """The rows' counts added up, with the changes per indicator (None: no rows)."""
    if not rows:
        return None
    totals = {f: sum(getattr(r, f) for r in rows) for f in CHANGE_FIELDS}
    totals["indicators"] = {c: sum(r.indicator_changes[c] for r in rows) for c in codes}
    return totals
