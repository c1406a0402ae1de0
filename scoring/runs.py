"""The scoring runs of a round: the primary pair, and the rescores kept current beside it."""

from __future__ import annotations

from criteria.groups import group_mapping
from criteria.models import CriteriaSet
from criteria.selectors import spec_of
from scoring.contributions import run_params
from scoring.definitions import definitions_for
from scoring.models import ScoringRun
from scoring.rows import RunPair
from survey.models import Round


def primary_run(*, round_id: int, criteria_set: CriteriaSet) -> ScoringRun:
    run, _ = ScoringRun.objects.get_or_create(
        round_id=round_id,
        criteria_set=criteria_set,
        kind=ScoringRun.Kind.PRIMARY,
        defaults={
            "aggregate_params": definitions_for(
                spec=spec_of(criteria_set=criteria_set)
            ).aggregate_params()
        },
    )
    return run


def primary_runs(*, round_: Round) -> tuple[ScoringRun, ScoringRun | None]:
    """The primary citizen run and household run of a round (created if missing)."""
    citizen = primary_run(round_id=round_.pk, criteria_set=round_.citizen_set)
    household = None
    if round_.household_set_id:
        household = primary_run(round_id=round_.pk, criteria_set=round_.household_set)
        if household.based_on_id != citizen.pk:
            household.based_on = citizen
            household.save(update_fields=["based_on"])
    return citizen, household


def current_runs(*, round_: Round) -> list[tuple[ScoringRun, ScoringRun | None]]:
    """(citizen run, household run) pairs kept current: the primary pair, then rescores."""
    pairs = [primary_runs(round_=round_)]
    rescores = ScoringRun.objects.filter(
        round=round_, kind=ScoringRun.Kind.RESCORE, complete=True, based_on__isnull=True
    ).select_related("criteria_set")
    households = {
        run.based_on_id: run
        for run in ScoringRun.objects.filter(
            round=round_, kind=ScoringRun.Kind.RESCORE, based_on__isnull=False
        ).select_related("criteria_set")
    }
    for run in rescores:
        if run.criteria_set.subject == CriteriaSet.Subject.CITIZEN:
            pairs.append((run, households.get(run.pk)))
    return pairs


def run_pairs(*, round_: Round) -> list[RunPair]:
    """Every current run pair of the round, with the specs and parameters to score under it."""
    own = spec_of(criteria_set=round_.citizen_set)
    pairs = []
    for citizen_run, household_run in current_runs(round_=round_):
        citizen = spec_of(criteria_set=citizen_run.criteria_set)
        pairs.append(
            RunPair(
                citizen_run_id=citizen_run.pk,
                citizen=citizen,
                citizen_params=run_params(run=citizen_run, spec=citizen),
                household_run_id=household_run.pk if household_run else None,
                household=spec_of(criteria_set=household_run.criteria_set)
                if household_run
                else None,
                household_params=run_params(run=household_run) if household_run else None,
                groups=group_mapping(source=own, target=citizen),
            )
        )
    return pairs
