"""Score the responses an import wrote, all at once per run pair, from what it wrote.

Equal, row for row and cell for cell, to ``scoring.services.record_response_scores``
on each response (``tests/imports/test_scores.py``), but nothing is read back: the
writer hands over each response's members and answers as plain data, each run pair's
specs are compiled once (``scoring.engine.compile_spec``), rows are tuples inserted
with ``survey.bulk.insert_rows``, and the aggregate cells move in one statement per
table (``add_cell_deltas``) instead of one ORM update per cell.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import connection, transaction

from scoring.contributions import (
    CELL_KEY,
    GROUP_KEY,
    add_household_marker,
    add_rows,
    split_deltas,
)
from scoring.engine import (
    MemberContext,
    MemberProfile,
    compile_spec,
    score_household_with,
    score_member_with,
)
from scoring.models import MEASURES, GroupAggregate, ScoreAggregate
from scoring.rows import (
    RunPair,
    ScoreRows,
    as_household_cells,
    as_member_cells,
    household_row,
    insert_score_rows,
    member_row,
)
from scoring.runs import run_pairs
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
        add_cell_deltas(run_id=pair.citizen_run_id, deltas=rows.citizen_deltas)
        if pair.household_run_id is not None:
            add_cell_deltas(run_id=pair.household_run_id, deltas=rows.household_deltas)


def score_written(*, pair: RunPair, round_id: int, created: Written) -> ScoreRows:
    """Score each written response under ``pair``: the rows of ``scoring.rows.score_rows``."""
    out = ScoreRows()
    citizen_plan = compile_spec(pair.citizen)
    household_plan = compile_spec(pair.household) if pair.household is not None else None
    assessed = frozenset(g.code for g in pair.citizen.target_groups)
    groups = pair.groups
    citizen_run, household_run = pair.citizen_run_id, pair.household_run_id
    citizen_deltas, household_deltas = out.citizen_deltas, out.household_deltas
    for response in created:
        response_id, unit_id, status = response.id, response.unit_id, response.status
        contexts = []
        rows = []
        for member in response.members:
            group = groups.get(member.target_group, member.target_group)
            profile = MemberProfile(target_group=group, age=member.age, sex=member.sex)
            result = (
                score_member_with(citizen_plan, profile, member.answers)
                if group in assessed
                else None
            )
            if result is not None:
                rows.append(
                    member_row(
                        run_id=citizen_run,
                        round_id=round_id,
                        response_id=response_id,
                        unit_id=unit_id,
                        status=status,
                        member_id=member.id,
                        target_group=group,
                        sex=member.sex,
                        age=member.age,
                        ethnicity=member.ethnicity,
                        result=result,
                    )
                )
            if household_plan is not None:
                contexts.append(MemberContext.from_result(profile, member.answers, result))
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


def add_cell_deltas(*, run_id: int, deltas: Mapping[tuple, list[int]]) -> None:
    """Add ``deltas`` (by ``CELL_KEY``) to the run's stored cells of both aggregate tables.

    What ``scoring.contributions.apply_deltas`` does, in one ``INSERT … ON CONFLICT DO
    NOTHING`` and one ``executemany`` of ``col = col + delta`` per table.
    """
    changed, grouped = split_deltas(deltas=deltas)
    if not changed:
        return
    quote = connection.ops.quote_name
    for model, key_names, cells in (
        (ScoreAggregate, CELL_KEY, changed),
        (GroupAggregate, GROUP_KEY, grouped),
    ):
        model.objects.bulk_create(
            [model(run_id=run_id, **dict(zip(key_names, key, strict=True))) for key in cells],
            ignore_conflicts=True,
        )
        meta = model._meta
        columns = [meta.get_field(name).column for name in ("run_id", *key_names)]
        measures = [quote(meta.get_field(name).column) for name in MEASURES]
        sets = ", ".join(f"{m} = {m} + %s" for m in measures)
        where = " AND ".join(f"{quote(c)} = %s" for c in columns)
        statement = f"UPDATE {quote(meta.db_table)} SET {sets} WHERE {where}"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.executemany(
                statement,
                [(*values, run_id, *key) for key, values in cells.items() if any(values)],
            )
