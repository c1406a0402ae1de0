"""Per-unit aggregates of the score rows, kept current, and their recomputation.

Every figure of the reports is a sum over *cells*: one run × commune × status ×
target group × sex × age band × ethnicity (``ScoreAggregate``). The same cell
sums can be read two ways, with identical results:

* ``stored_cells``: from ``ScoreAggregate``, a few thousand rows even for a
  province of a million members; this is what the pages read;
* ``recomputed_cells``: a ``GROUP BY`` over the score rows themselves, used to
  build the aggregates after a bulk write (``rebuild_run_aggregates``), when
  figures are asked for under definitions the aggregates were not built with,
  and by the test that proves the two always agree.

Both are in ``scoring.cells``. ``record_response_scores`` keeps the stored cells
current: it subtracts the contribution of a response's old score rows and adds that
of the new ones (``scoring.contributions``, the Python mirror of the SQL), in the
transaction that replaces the rows. All sums are integers (totals in hundredths,
points in millionths, rounded half up the same way in Python and SQL), so
subtracting and adding never leaves floating-point residue. This module rebuilds a
run's stored cells and says whether they fit the definitions asked for.
"""

from __future__ import annotations

from typing import Any

from scoring.cells import recomputed_cells
from scoring.contributions import CELL_KEY, GROUP_KEY, run_params
from scoring.definitions import TargetDefinitions, definitions_for_run
from scoring.models import MEASURES, GroupAggregate, ScoreAggregate, ScoringRun
from survey.bulk import insert_rows


def aggregates_match(*, run: ScoringRun, definitions: TargetDefinitions) -> bool:
    """Whether the stored cells of ``run`` were built with these definitions."""
    return run.aggregate_params == definitions.aggregate_params()


def rebuild_run_aggregates(*, run: ScoringRun, definitions: TargetDefinitions | None = None) -> int:
    """Replace ``run``'s stored cells by a recomputation from its rows; return the cell count.

    ``definitions`` default to those of the run's criteria set. Used after bulk writes
    (rescore, generate_round) and after a set's facts changed. Call it inside the
    transaction that wrote the rows.
    """
    definitions = definitions or definitions_for_run(run=run)
    run.aggregate_params = definitions.aggregate_params()
    run.save(update_fields=["aggregate_params"])
    cells = recomputed_cells(run=run, params=run_params(run=run))
    grouped = (
        cells.groupby(list(GROUP_KEY), as_index=False, sort=True)[list(MEASURES)].sum()
        if len(cells)
        else cells
    )
    for model, key_names, frame in (
        (ScoreAggregate, CELL_KEY, cells),
        (GroupAggregate, GROUP_KEY, grouped),
    ):
        model.objects.filter(run=run).delete()
        insert_rows(
            model=model,
            fields=("run_id", *key_names, *MEASURES),
            rows=[
                (run.pk, *(_plain(v) for v in row))
                for row in frame[[*key_names, *MEASURES]].itertuples(index=False, name=None)
            ],
        )
    return len(cells)


def _plain(value: Any) -> Any:
    return int(value) if hasattr(value, "item") and not isinstance(value, str) else value
