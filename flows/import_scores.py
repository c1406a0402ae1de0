"""Score the responses an import wrote, all at once per run pair, from what it wrote.

Equal, row for row and cell for cell, to ``scoring.services.record_response_scores``
on each response (``tests/imports/test_scores.py``), but nothing is read back: the
writer hands over each response's members and answers as plain data, each run pair's
specs are compiled once, the members of the whole import are scored at once
(``scoring.vectorised.score_people``, as a rescore chunk is), and the rows go in with
``scoring.rows.insert_score_rows`` and ``apply_score_deltas``.
"""

from __future__ import annotations

from django.db import connection, transaction

from scoring.contributions import add_household_marker, add_rows
from scoring.engine import MemberProfile, compile_spec, score_household_with
from scoring.rows import (
    RunPair,
    ScoreRows,
    apply_score_deltas,
    as_household_cells,
    as_member_cells,
    household_row,
    insert_score_rows,
    values_row,
)
from scoring.runs import run_pairs
from scoring.vectorised import member_context, score_people
from survey.imports.writer import Written
from survey.models import Round


@transaction.atomic
def record_imported_scores(*, round_: Round, created: Written) -> None:
    """Score the responses an import just wrote under every current run pair of ``round_``."""
    if not created:
        return
    for pair in run_pairs(round_=round_):
        rows = score_written(pair=pair, round_id=round_.pk, created=created)
        with connection.wrap_database_errors:  # COPY on PostgreSQL bypasses Django's cursor
            insert_score_rows(rows=rows)
        apply_score_deltas(pair=pair, rows=rows)


def score_written(*, pair: RunPair, round_id: int, created: Written) -> ScoreRows:
    """Score each written response under ``pair``: the rows of ``scoring.rows.score_rows``."""
    out = ScoreRows()
    household_plan = compile_spec(pair.household) if pair.household is not None else None
    groups = pair.groups
    citizen_run, household_run = pair.citizen_run_id, pair.household_run_id
    citizen_deltas, household_deltas = out.citizen_deltas, out.household_deltas
    people = [
        (
            MemberProfile(
                target_group=groups.get(m.target_group, m.target_group), age=m.age, sex=m.sex
            ),
            m.answers,
        )
        for response in created
        for m in response.members
    ]
    scored = iter(
        score_people(
            plan=compile_spec(pair.citizen),
            assessed=frozenset(g.code for g in pair.citizen.target_groups),
            people=people,
        )
    )
    person = iter(people)
    for response in created:
        response_id, unit_id, status = response.id, response.unit_id, response.status
        contexts = []
        rows = []
        for member in response.members:
            profile, answers = next(person)
            values = next(scored)
            if values is not None:
                rows.append(
                    values_row(
                        run_id=citizen_run,
                        round_id=round_id,
                        response_id=response_id,
                        unit_id=unit_id,
                        status=status,
                        member_id=member.id,
                        target_group=profile.target_group,
                        sex=member.sex,
                        age=member.age,
                        ethnicity=member.ethnicity,
                        values=values,
                    )
                )
            if household_plan is not None:
                contexts.append(member_context(profile, answers, values))
        out.members += rows
        out.scored.append((citizen_run, response_id, unit_id, status, response.revision, len(rows)))
        add_rows(citizen_deltas, map(as_member_cells, rows), pair.citizen_params, 1)
        add_household_marker(citizen_deltas, unit_id, status, 1)
        if household_run is not None and household_plan is not None:
            outcome = score_household_with(household_plan, response.answers, contexts)
            row = household_row(
                run_id=household_run,
                round_id=round_id,
                response_id=response_id,
                unit_id=unit_id,
                status=status,
                result=outcome,
            )
            out.households.append(row)
            add_rows(household_deltas, [as_household_cells(row)], pair.household_params, 1)
    return out
