"""Households sent by a device that collected them offline: recorded exactly once.

Each household carries the UUID the device gave it. It becomes the id of the server
draft, and so the response's ``source_draft``: sending the household again, after a
time-out or from a second tab, finds the response and writes nothing. The household is
checked by the rules of the web form (``survey.imports.payload``) and recorded by the
one use case every channel calls (``flows.responses``). A refusal says why, by field
for invalid answers, and leaves nothing written: the device keeps the household.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from flows.responses import submit_response
from survey.errors import SurveyError
from survey.imports.payload import FieldProblem, read_payload
from survey.imports.reading import build_context
from survey.models import Draft, HouseholdResponse, Round
from survey.review import ensure_unlocked
from survey.selectors import entry_units

INVALID, LOCKED, CLOSED, NOT_YOURS = "invalid", "locked", "closed", "not_yours"


class SyncRefused(Exception):
    """The household was not recorded; ``kind`` says why, ``problems`` where."""

    def __init__(self, kind: str, problems: list[FieldProblem]):
        self.kind, self.problems = kind, problems
        super().__init__("; ".join(f"{p.field}: {p.vi}" for p in problems))


@dataclass(frozen=True)
class Synced:
    response: HouseholdResponse
    created: bool  # False: the household had already arrived
    warnings: list[str] = field(default_factory=list)


def _refused(kind: str, message: str, where: str = "household") -> SyncRefused:
    return SyncRefused(kind, [FieldProblem(where, message, "")])


def find_synced(*, user: User, client_id: uuid.UUID) -> HouseholdResponse | None:
    """Return the response a household of this user's device became, if it arrived."""
    return (
        HouseholdResponse.objects.filter(source_draft=client_id, surveyor=user)
        .select_related("round", "household", "unit")
        .first()
    )


def _already(*, user: User, client_id: uuid.UUID) -> HouseholdResponse | None:
    response = HouseholdResponse.objects.filter(source_draft=client_id).first()
    if response is not None and response.surveyor_id != user.pk:
        # Another account's UUID: refuse without saying whose.
        raise _refused(NOT_YOURS, _("Mã phiếu này đã được dùng."), "id")
    return response


def sync_household(
    *, user: User, round_: Round, client_id: uuid.UUID, payload: Mapping[str, Any]
) -> Synced:
    """Record the household once; raise ``SyncRefused`` with every problem otherwise."""
    existing = _already(user=user, client_id=client_id)
    if existing is not None:
        return Synced(existing, created=False)
    if round_.status != Round.Status.OPEN:
        raise _refused(CLOSED, _("Đợt khảo sát “%(name)s” không mở.") % {"name": round_.name})
    if not entry_units(user=user, round_=round_):
        raise _refused(NOT_YOURS, _("Bạn không có xã nào để khảo sát trong đợt này."))
    context = build_context(round_=round_, user=user)
    submission, problems = read_payload(payload=payload, client_id=client_id, context=context)
    if submission is None:
        raise SyncRefused(INVALID, problems)
    try:
        ensure_unlocked(round_=round_, unit_key=submission.unit)
    except SurveyError as exc:
        raise _refused(LOCKED, str(exc), "household.unit") from exc
    with transaction.atomic():
        if _draft_for(user=user, round_=round_, client_id=client_id) is None:
            # A second tab sent it meanwhile, and its household is in: that is the answer.
            return Synced(_already(user=user, client_id=client_id), created=False)
        try:
            saved = submit_response(draft_id=client_id, user=user, submission=submission)
        except SurveyError as exc:
            raise _refused(INVALID, str(exc)) from exc
        if not saved.written:
            # Made after a concurrent send committed the household: no longer of use.
            Draft.objects.filter(pk=client_id, owner=user).delete()
    return Synced(saved.response, created=saved.written)


def _draft_for(*, user: User, round_: Round, client_id: uuid.UUID) -> Draft | None:
    """The server draft named by the device's UUID; None if a concurrent send of the same
    household made it, became the response and deleted it while this one waited."""
    try:
        with transaction.atomic():
            draft, _made = Draft.objects.get_or_create(
                pk=client_id, defaults={"owner": user, "round": round_}
            )
    except IntegrityError:
        draft = Draft.objects.filter(pk=client_id).first()
        if draft is None:
            return None
    if draft.owner_id != user.pk or draft.round_id != round_.pk:
        raise _refused(NOT_YOURS, _("Mã phiếu này đã được dùng."), "id")
    return draft
