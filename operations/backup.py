"""Consistent, portable backups: every table of the app as JSON, inside one snapshot.

A backup is a zip holding ``manifest.json`` (format, time, database vendor, the
row count of every model) and ``data.json`` (Django's serialisation with natural
keys, so it restores into any empty migrated database, SQLite or PostgreSQL).
The dump runs in one transaction (REPEATABLE READ on PostgreSQL; a read
transaction on SQLite), so it is consistent while surveyors keep writing.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import json
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.db import connection, transaction
from django.utils import timezone

FORMAT = "cdht-backup/1"
# Rebuilt by migrate, or holding sessions and throttling state that must not travel.
EXCLUDED = {
    "contenttypes.contenttype",
    "auth.permission",
    "sessions.session",
    "admin.logentry",
    "axes.accessattempt",
    "axes.accessfailurelog",
    "axes.accesslog",
}


class BackupError(Exception):
    pass


def backed_up_models() -> list:
    models = [
        model
        for model in apps.get_models()
        if model._meta.label_lower not in EXCLUDED and not model._meta.proxy and model._meta.managed
    ]
    return serializers.sort_dependencies([(None, models)], allow_cycles=True)


def _plain(value):
    """Encode what JSON lacks: datetimes in full ISO form, decimals and UUIDs as text."""
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    raise TypeError(f"cannot back up a {type(value).__name__}")


def count_rows() -> dict[str, int]:
    return {m._meta.label_lower: m._default_manager.count() for m in backed_up_models()}


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    rows: dict[str, int]
    sha256: str


def create_backup(*, path: Path) -> BackupSummary:
    """Write a consistent backup of every table to ``path`` (a zip)."""
    # Inside an outer transaction (a test, a caller's atomic block) that one is the snapshot.
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        rows = count_rows()
        objects = (
            obj for model in backed_up_models() for obj in model._default_manager.order_by("pk")
        )
        records = serializers.serialize(
            "python", objects, use_natural_foreign_keys=True, use_natural_primary_keys=False
        )
    # Django's JSON encoder cuts datetimes to milliseconds; a backup keeps every digit.
    data = json.dumps(records, default=_plain, ensure_ascii=False).encode()
    manifest = {
        "format": FORMAT,
        "created": timezone.now().isoformat(),
        "vendor": connection.vendor,
        "rows": rows,
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, indent=1))
        archive.writestr("data.json", data)
    return BackupSummary(path=path, rows=rows, sha256=manifest["sha256"])


def is_empty() -> bool:
    """Return whether no table that a backup restores holds a row (groups aside)."""
    return all(count == 0 for label, count in count_rows().items() if label not in {"auth.group"})


def restore_backup(*, path: Path, force: bool = False) -> dict[str, int]:
    """Load a backup into this database, all or nothing; refuse a non-empty one unless forced."""
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = json.loads(archive.read("manifest.json"))
            data = archive.read("data.json")
    except (zipfile.BadZipFile, KeyError, json.JSONDecodeError) as exc:
        raise BackupError(f"{path.name}: not a backup made by 'manage.py backup' ({exc})") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path.name}: unknown backup format {manifest.get('format')!r}")
    if hashlib.sha256(data).hexdigest() != manifest["sha256"]:
        raise BackupError(f"{path.name}: the data does not match its checksum (damaged file)")
    with transaction.atomic():
        if not is_empty():
            if not force:
                raise BackupError(
                    "The database is not empty; restore refuses to overwrite it "
                    "(use --force to replace its content)."
                )
            _empty_tables()
        records = json.loads(data)
        for deserialized in serializers.deserialize(
            "python", records, handle_forward_references=True
        ):
            deserialized.save()
        rows = count_rows()
        if rows != manifest["rows"]:
            raise BackupError(f"{path.name}: row counts after restore differ from the backup")
        _reset_sequences()
    return rows


def _empty_tables() -> None:
    """Delete every row the backup will restore, in one statement per table."""
    from django.core.management.color import no_style

    tables = set()
    for model in backed_up_models():
        tables.add(model._meta.db_table)
        tables |= {
            field.remote_field.through._meta.db_table for field in model._meta.local_many_to_many
        }
    connection.ops.execute_sql_flush(
        connection.ops.sql_flush(no_style(), sorted(tables), allow_cascade=True)
    )


def _reset_sequences() -> None:
    """Move PostgreSQL id sequences past the restored ids (SQLite needs nothing)."""
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), backed_up_models())
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
