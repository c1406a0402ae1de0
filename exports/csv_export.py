"""Write an export as CSV: UTF-8 with a byte order mark, so Excel shows Vietnamese correctly.

One table per file: the summary by unit, or with detail the members with their points.
Rates are percentages rounded to one decimal (as the workbook shows them); every text
value goes through the same guard as the workbook (``exports.cells.safe_value``).
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import IO

from exports.cells import safe_value
from exports.columns import summary_columns
from exports.content import RoundExport
from scoring.formatting import round_percent

BOM = "\ufeff"


def _percent(value: float | None) -> float | None:
    """A share as a percentage rounded half up to one decimal, as the workbook shows it."""
    return None if value is None else float(round_percent(value=value, digits=1))


def write_csv(
    *,
    export: RoundExport,
    target: str | Path | IO[str],
    progress: Callable[[int], None] | None = None,
) -> None:
    """Write the export's table to ``target`` (a path, or a text stream opened with newline="")."""
    if isinstance(target, (str, Path)):
        with open(target, "w", encoding="utf-8", newline="") as stream:
            _write(export, stream, progress)
    else:
        _write(export, target, progress)


def _write(export: RoundExport, stream: IO[str], progress) -> None:
    stream.write(BOM)
    writer = csv.writer(stream)
    members = next((t for t in export.details if t.key == "members"), None)
    if members is not None:
        writer.writerow([safe_value(h) for h in members.headers])
        for n, row in enumerate(members.rows, start=1):
            writer.writerow([safe_value(v) for v in row])
            if progress and n % 20000 == 0:
                progress(10 + int(85 * n / max(members.count, 1)))
    else:
        columns = summary_columns()
        writer.writerow(
            [safe_value(c.header + (" (%)" if c.kind == "pct" else "")) for c in columns]
        )
        for row in export.rows:
            values = [c.get(row) for c in columns]
            writer.writerow(
                [
                    _percent(v) if c.kind == "pct" else safe_value(v)
                    for c, v in zip(columns, values, strict=True)
                ]
            )
    if progress:
        progress(100)
