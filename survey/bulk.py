"""Fast inserts of many rows (score rows of a rescore or an import, demo households).

Django's ``bulk_create`` prepares every value of every row through its field
(about 50 µs a row of thirty columns here), which would dominate a rescore of a
million members. The score tables hold plain values, so rows go to the database
as tuples: ``executemany`` on SQLite, ``COPY`` on PostgreSQL. Only JSON columns
need converting. Call inside a transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models


def insert_rows(
    *,
    model: type[models.Model],
    fields: Sequence[str],
    rows: Iterable[Sequence[Any]],
    json_encoded: bool = False,
) -> None:
    """Insert ``rows`` (tuples of ``fields`` values, by attribute name) into ``model``.

    ``json_encoded``: the JSON columns already hold JSON text (see ``json_text``).
    """
    meta = model._meta
    columns = [meta.get_field(name).column for name in fields]
    json_positions = [
        n for n, name in enumerate(fields) if isinstance(meta.get_field(name), models.JSONField)
    ]
    if json_positions and not json_encoded:
        rows = (_with_json(row, json_positions) for row in rows)
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    column_list = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({column_list}) VALUES ({marks})", rows)  # noqa: S608


_JSON_TEXT: dict[tuple, str] = {}


def json_text(value: tuple) -> str:
    """The JSON text of a tuple of strings (reasons repeat a lot: remembered)."""
    text = _JSON_TEXT.get(value)
    if text is None:
        text = json.dumps(list(value))
        if len(_JSON_TEXT) > 100_000:
            _JSON_TEXT.clear()
        _JSON_TEXT[value] = text
    return text


def _with_json(row: Sequence[Any], positions: list[int]) -> list[Any]:
    values = list(row)
    for n in positions:
        values[n] = json.dumps(values[n])
    return values
