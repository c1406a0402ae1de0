"""Score the responses an import creates, as ``record_response_scores`` scores each one.

A few households go through ``scoring.services.record_response_scores`` itself,
one by one, as the web form's submit does. A large file would take minutes that
way (the service updates the per-unit aggregates cell by cell for every
response), so past ``ONE_BY_ONE`` new responses the same steps run once for all
of them, built from the scoring module's own parts: every current run of the
round (``current_runs``), the same engine call (``score_response``) and row
builders (``member_score_fields``, ``household_score_fields``), the same
aggregate arithmetic (``add_rows``, ``add_household_marker``, ``apply_deltas``),
and rows inserted with ``scoring.bulk.insert_rows``, as the rescore does.

A new response has no score rows yet, so there is nothing to subtract: the
result equals calling ``record_response_scores`` on each response, row for row
and cell for cell. ``tests/imports/test_scores.py`` checks exactly that against
the live service, so a change there that this does not follow fails the tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter

from criteria.selectors import spec_of
from scoring.aggregates import add_household_marker, add_rows, apply_deltas, run_params
from scoring.bulk import insert_rows
from scoring.compute import score_response
from scoring.models import HouseholdScore, MemberScore, ScoredResponse
from scoring.services import (
    HOUSEHOLD_SCORE_FIELDS,
    MEMBER_SCORE_FIELDS,
    SCORED_RESPONSE_FIELDS,
    current_runs,
    group_mapping,
    household_score_fields,
    member_inputs,
    member_score_fields,
    record_response_scores,
)
from survey.models import HouseholdResponse, MemberResponse, Round

ONE_BY_ONE = 50  # up to this many new responses, the service itself scores each one

Created = Sequence[tuple[HouseholdResponse, list[MemberResponse]]]


def score_created(*, round_: Round, created: Created, bulk: bool | None = None) -> None:
    """Score newly created responses (no score rows yet); call inside their transaction."""
    if bulk is None:
        bulk = len(created) > ONE_BY_ONE
    if not bulk:
        for response, _members in created:
            record_response_scores(response=response)
        return
    own = spec_of(criteria_set=round_.citizen_set)
    member_values = itemgetter(*MEMBER_SCORE_FIELDS)  # a row's values in the columns' order
    household_values = itemgetter(*HOUSEHOLD_SCORE_FIELDS)
    for citizen_run, household_run in current_runs(round_=round_):
        citizen = spec_of(criteria_set=citizen_run.criteria_set)
        household = spec_of(criteria_set=household_run.criteria_set) if household_run else None
        groups = group_mapping(source=own, target=citizen)
        citizen_params = run_params(run=citizen_run)
        household_params = run_params(run=household_run) if household_run else None
        member_rows: list[tuple] = []
        household_rows: list[tuple] = []
        scored_rows: list[tuple] = []
        citizen_deltas: dict[tuple, list[int]] = {}
        household_deltas: dict[tuple, list[int]] = {}
        for response, members in created:
            inputs = member_inputs(members=members, groups=groups)
            result = score_response(
                citizen=citizen,
                household=household,
                members=inputs,
                household_answers=response.answers,
            )
            rows = [
                member_score_fields(
                    run_id=citizen_run.pk,
                    round_id=response.round_id,
                    response_id=response.pk,
                    unit_id=response.unit_id,
                    status=response.status,
                    member_id=member.pk,
                    target_group=scored_as.profile.target_group,
                    sex=member.sex,
                    age=member.age,
                    ethnicity=member.ethnicity,
                    result=member_result,
                )
                for member, scored_as, member_result in zip(
                    members, inputs, result.members, strict=True
                )
                if member_result is not None
            ]
            member_rows += map(member_values, rows)
            scored_rows.append(
                (
                    citizen_run.pk,
                    response.pk,
                    response.unit_id,
                    response.status,
                    response.revision,
                    len(rows),
                )
            )
            add_rows(citizen_deltas, rows, citizen_params, 1)
            add_household_marker(citizen_deltas, response.unit_id, response.status, 1)
            if household_run is not None and result.household is not None:
                row = household_score_fields(
                    run_id=household_run.pk,
                    round_id=response.round_id,
                    response_id=response.pk,
                    unit_id=response.unit_id,
                    status=response.status,
                    result=result.household,
                )
                household_rows.append(household_values(row))
                add_rows(household_deltas, [row], household_params, 1)
        insert_rows(model=MemberScore, fields=MEMBER_SCORE_FIELDS, rows=member_rows)
        insert_rows(model=ScoredResponse, fields=SCORED_RESPONSE_FIELDS, rows=scored_rows)
        apply_deltas(run_id=citizen_run.pk, deltas=citizen_deltas)
        if household_run is not None:
            insert_rows(model=HouseholdScore, fields=HOUSEHOLD_SCORE_FIELDS, rows=household_rows)
            apply_deltas(run_id=household_run.pk, deltas=household_deltas)
