"""Create the households of an imported file in bulk, as the web form creates one.

The rows are the web form's own: ``survey.services._new_household``,
``_new_response`` and ``_member_rows`` build them (the helpers of
``_create_response``); only the writing is in bulk. Households, responses and members
are inserted as plain tuples (``scoring.bulk.insert_rows``, as the rescore writes score
rows) under ids reserved first, because members refer to responses and scores to
members: ``bulk_create`` compiles SQL for every value and is several times slower.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from operator import attrgetter

from django.contrib.auth.models import User
from django.db import IntegrityError, connection, models, transaction
from django.utils.translation import gettext as _

from survey.bulk import insert_rows
from survey.models import HouseholdResponse, MemberResponse, Round
from survey.selectors import entry_units
from survey.services import (
    Submission,
    SurveyError,
    _member_rows,
    _new_household,
    _new_response,
)

BATCH = 2000


def reserve_ids(*, model: type, count: int) -> list[int] | None:
    """Reserve ``count`` primary keys of ``model``'s table; None if the database cannot.

    PostgreSQL hands them out from the table's sequence (safe under concurrency). SQLite
    has one writer at a time: inside the import's transaction (``BEGIN IMMEDIATE``) the
    next ids are past both the largest id and the table's AUTOINCREMENT counter, so an
    id of a deleted row is never reused.
    """
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        if connection.vendor != "sqlite":
            return None
        quoted = connection.ops.quote_name(table)
        cursor.execute(f"SELECT MAX(id) FROM {quoted}")  # noqa: S608 (a model's table)
        largest = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        counter = cursor.fetchone()
        first = max(largest, counter[0] if counter else 0) + 1
        return list(range(first, first + count))


def create_responses(
    *,
    round_: Round,
    user: User,
    submissions: Sequence[tuple[Submission, uuid.UUID | None]],
) -> list[tuple[HouseholdResponse, list[MemberResponse]]]:
    """Create households, responses and members; return each response with its members.

    ``source`` is the submission's instance UUID (ODK, Kobo) or None: kept as
    ``source_draft``, so the same submission is never imported twice. The responses are
    not scored here (``survey.imports.scores``). Call inside the import's transaction.
    """
    allowed = {u.key for u in entry_units(user=user, round_=round_)}
    if any(submission.unit not in allowed for submission, _source in submissions):
        raise SurveyError(_("Bạn không được nhập số liệu cho đơn vị này trong đợt này."))
    households = [_new_household(submission) for submission, _source in submissions]
    insert_objects(households)
    responses = [
        _new_response(round_=round_, household=household, user=user, submission=s, source=source)
        for household, (s, source) in zip(households, submissions, strict=True)
    ]
    try:
        with transaction.atomic():
            insert_objects(responses)
    except IntegrityError as exc:  # the same submission was imported meanwhile
        raise SurveyError(_("Phiếu này vừa được gửi.")) from exc
    members = [
        _member_rows(response, submission)
        for response, (submission, _source) in zip(responses, submissions, strict=True)
    ]
    insert_objects([member for rows in members for member in rows])
    return list(zip(responses, members, strict=True))


PLAIN_FIELDS = (models.IntegerField, models.CharField, models.TextField, models.ForeignKey)


def insert_objects(objects: Sequence[models.Model]) -> None:
    """Insert new model instances of one model, giving each its primary key.

    As ``bulk_create`` would, but without its per-value SQL compilation: every value
    goes through its field's own ``pre_save``/``get_db_prep_save`` unless it is plain
    already (numbers, text, foreign keys); JSON is encoded by ``insert_rows``.
    """
    if not objects:
        return
    model = type(objects[0])
    ids = reserve_ids(model=model, count=len(objects))
    if ids is None:
        model.objects.bulk_create(objects, batch_size=BATCH)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    names = ("id", *(f.attname for f in fields))
    prepared = [
        (n, f)
        for n, f in enumerate(fields, start=1)
        if not isinstance(f, PLAIN_FIELDS) and not isinstance(f, models.JSONField)
    ]
    stamped = [
        f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    values_of = attrgetter(*(f.attname for f in fields))
    rows = []
    for instance, pk in zip(objects, ids, strict=True):
        for field in stamped:
            field.pre_save(instance, add=True)  # sets created_at / updated_at, as on save
        instance.pk = pk
        row = [pk, *values_of(instance)]
        for n, field in prepared:
            row[n] = field.get_db_prep_save(row[n], connection)
        rows.append(row)
        instance._state.adding = False
        instance._state.db = connection.alias
    with connection.wrap_database_errors:  # COPY on PostgreSQL bypasses Django's cursor
        insert_rows(model=model, fields=names, rows=rows)
