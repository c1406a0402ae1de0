"""Create the households of an imported file in bulk, as the web form creates one.

The rows hold what the web form's own helpers put in them (``survey.services``:
``_new_household``, ``_new_response``, ``_member_rows``; a test comparing the two is
still to write), built straight as tuples: a Django model instance per row costs more than
writing it. They are inserted with ``survey.bulk.insert_rows`` (``COPY`` on
PostgreSQL) under ids reserved first in one statement, because members refer to
responses and scores to members. What was written comes back as plain data for
scoring (``Written``), so nothing is read again.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from survey.bulk import insert_rows
from survey.models import Household, HouseholdResponse, MemberResponse, ResponseStatus, Round
from survey.selectors import entry_units
from survey.services import Submission, SurveyError, _search_text, new_household_code

HOUSEHOLD_FIELDS = ("id", "code", "unit_id", "village", "address", "head_name", "created_at")
RESPONSE_FIELDS = (
    "id",
    "round_id",
    "household_id",
    "unit_id",
    "village",
    "address",
    "head_name",
    "search_text",
    "survey_date",
    "status",
    "answers",
    "surveyor_id",
    "source_draft",
    "source_digest",
    "revision",
    "created_at",
    "updated_at",
    "updated_by_id",
)
MEMBER_FIELDS = (
    "id",
    "response_id",
    "person_id",
    "position",
    "full_name",
    "sex",
    "birth_year",
    "age",
    "ethnicity",
    "education",
    "target_group",
    "relationship",
    "answers",
)


class WrittenMember(NamedTuple):
    id: int
    target_group: str
    sex: str
    age: int
    ethnicity: str
    answers: dict[str, Any]


class WrittenResponse(NamedTuple):
    """A response the import wrote, with what scoring it needs."""

    id: int
    unit_id: str
    status: str
    revision: int
    answers: dict[str, Any]
    members: list[WrittenMember]


Written = list[WrittenResponse]


def reserve_ids(*, model: type, count: int) -> list[int]:
    """Reserve ``count`` primary keys of ``model``'s table, in one statement.

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
            raise NotImplementedError(f"reserving ids on {connection.vendor}")
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
) -> Written:
    """Create households, responses and members; return each response with its members.

    ``source`` is the submission's instance UUID (ODK, Kobo) or None: kept as
    ``source_draft``, so the same submission is never imported twice. The responses are
    not scored here (the caller's ``score_written``). Call inside the import's transaction.
    """
    allowed = {u.key for u in entry_units(user=user, round_=round_)}
    if any(submission.unit not in allowed for submission, _source in submissions):
        raise SurveyError(_("Bạn không được nhập số liệu cho đơn vị này trong đợt này."))
    count = len(submissions)
    household_ids = reserve_ids(model=Household, count=count)
    response_ids = reserve_ids(model=HouseholdResponse, count=count)
    member_ids = iter(
        reserve_ids(model=MemberResponse, count=sum(len(s.members) for s, _x in submissions))
    )
    # Values as each field would prepare them: one stamp for the whole import (one
    # transaction); dates and UUIDs as this database stores them.
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    uuid_value = _uuid_value()
    submitted = ResponseStatus.SUBMITTED.value
    dumps = json.dumps
    households: list[tuple] = []
    responses: list[tuple] = []
    members: list[tuple] = []
    written: Written = []
    for (submission, source), household_id, response_id in zip(
        submissions, household_ids, response_ids, strict=True
    ):
        unit = submission.unit
        village, address, head = submission.village, submission.address, submission.head_name
        households.append(
            (
                household_id,
                new_household_code(unit),
                unit,
                village,
                address,
                head,
                now,
            )
        )
        answers = dict(submission.household_answers)
        responses.append(
            (
                response_id,
                round_.pk,
                household_id,
                unit,
                village,
                address,
                head,
                _search_text(head, submission.members),
                ops.adapt_datefield_value(submission.survey_date),
                submitted,
                dumps(answers),
                user.pk,
                None if source is None else uuid_value(source),
                "",
                1,
                now,
                now,
                user.pk,
            )
        )
        year = submission.survey_date.year
        scored: list[WrittenMember] = []
        for position, member in enumerate(submission.members, start=1):
            member_id = next(member_ids)
            age = year - int(member["birth_year"])
            group = member.get("target_group") or ""
            member_answers = dict(member.get("answers") or {})
            members.append(
                (
                    member_id,
                    response_id,
                    uuid_value(uuid.uuid4()),
                    position,
                    member["full_name"],
                    member["sex"],
                    member["birth_year"],
                    age,
                    member["ethnicity"],
                    member["education"],
                    group,
                    member["relationship"],
                    dumps(member_answers),
                )
            )
            scored.append(
                WrittenMember(
                    member_id, group, member["sex"], age, member["ethnicity"], member_answers
                )
            )
        written.append(WrittenResponse(response_id, unit, submitted, 1, answers, scored))
    _insert(model=Household, fields=HOUSEHOLD_FIELDS, rows=households)
    try:
        with transaction.atomic():
            _insert(model=HouseholdResponse, fields=RESPONSE_FIELDS, rows=responses)
    except IntegrityError as exc:  # the same submission was imported meanwhile
        raise SurveyError(_("Phiếu này vừa được gửi.")) from exc
    _insert(model=MemberResponse, fields=MEMBER_FIELDS, rows=members)
    return written


def _insert(*, model: type, fields: Sequence[str], rows: list[tuple]) -> None:
    with connection.wrap_database_errors:  # COPY on PostgreSQL bypasses Django's cursor
        insert_rows(model=model, fields=fields, rows=rows, json_encoded=True)


def _uuid_value() -> Callable[[uuid.UUID], Any]:
    """How this database stores a UUID (``UUIDField.get_db_prep_value``)."""
    if connection.features.has_native_uuid_field:
        return lambda value: value
    return lambda value: value.hex
