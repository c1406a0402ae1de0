"""Households sent by a device that collected them offline: recorded exactly once.

Each household carries the UUID the device gave it. It becomes the id of the server
draft, and so the response's ``source_draft``: sending the household again, after a
time-out or from a second tab, finds the response and writes nothing. The household is
checked by the rules of the web form (``survey.imports.payload``) and recorded by the
one use case every channel calls (``flows.responses``). A refusal says why, by field
for invalid answers. Nothing of a refused household is recorded and the device keeps it;
a household refused for its answers also becomes a server draft (``draft_id``), which the
surveyor may correct in the online form instead.

A copy changed on the device after the server had taken it up, as a response or as a
draft since edited online, is a conflict (``CONFLICT``): nothing is overwritten silently.
The device shows both versions; the surveyor keeps the online one, or replaces an online
draft with the device's copy (``replace_online``).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from flows.responses import submit_response
from survey.errors import SurveyError
from survey.imports.context import ImportContext
from survey.imports.payload import FieldProblem, read_payload
from survey.imports.reading import build_context
from survey.models import Draft, Household, HouseholdResponse, Round
from survey.prefill import step_data_from_payload
from survey.review import ensure_unlocked
from survey.revisit import check_revisit
from survey.selectors import entry_units
from survey.services import DEVICE_DIGEST, device_digest
from survey.shape import PERSON_ID

INVALID, LOCKED, CLOSED, NOT_YOURS = "invalid", "locked", "closed", "not_yours"
CONFLICT = "conflict"
# Where a draft made from a device copy keeps the digest of its steps as made: any step
# saved online since changes them.
MADE_STEPS = "device_steps_digest"


class SyncRefused(Exception):
    """The household was not recorded; ``kind`` says why, ``problems`` where.

    ``draft_id``: the server draft the surveyor can correct online; ``response_id``: the
    response a conflicting copy was already recorded as.
    """

    def __init__(
        self,
        kind: str,
        problems: list[FieldProblem],
        *,
        draft_id: uuid.UUID | None = None,
        response_id: int | None = None,
    ):
        self.kind, self.problems = kind, problems
        self.draft_id, self.response_id = draft_id, response_id
        super().__init__("; ".join(f"{p.field}: {p.vi}" for p in problems))


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def payload_digest(payload: Mapping[str, Any]) -> str:
    """A SHA-256 of what a device's copy says (its details, answers and members)."""
    return _digest(
        {key: payload.get(key) for key in ("household", "answers", "members", "revisit")}
    )


def _steps_digest(data: Mapping[str, Any]) -> str:
    return _digest(data.get("step_data") or {})


def _edited_online(draft: Draft) -> bool:
    made = ((draft.data or {}).get("extra_data") or {}).get(MADE_STEPS)
    return made is not None and made != _steps_digest(draft.data or {})


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
    *,
    user: User,
    round_: Round,
    client_id: uuid.UUID,
    payload: Mapping[str, Any],
    replace_online: bool = False,
) -> Synced:
    """Record the household once; raise ``SyncRefused`` with every problem otherwise.

    ``replace_online``: the surveyor chose the device's copy over an online draft of it.
    """
    digest = payload_digest(payload)
    existing = _already(user=user, client_id=client_id)
    if existing is not None:
        if existing.source_digest and existing.source_digest != digest:
            raise _conflict(
                _(
                    "Hộ này đã được ghi nhận từ một bản khác trên máy chủ. Bản trên máy không "
                    "được ghi đè lên; hãy so sánh rồi sửa phiếu trực tuyến nếu cần."
                ),
                response_id=existing.pk,
            )
        return Synced(existing, created=False)
    kept = Draft.objects.filter(pk=client_id, owner=user, round=round_).first()
    if (
        kept is not None
        and not replace_online
        and _edited_online(kept)
        and device_digest(draft=kept) != digest
    ):
        raise _conflict(
            _(
                "Hộ này đang được sửa trực tuyến và cũng đã được sửa trên máy. Không bản nào bị "
                "ghi đè: chọn giữ bản trực tuyến hoặc thay nó bằng bản trên máy."
            ),
            draft_id=kept.pk,
        )
    if round_.status != Round.Status.OPEN:
        raise _refused(CLOSED, _("Đợt khảo sát “%(name)s” không mở.") % {"name": round_.name})
    if not entry_units(user=user, round_=round_):
        raise _refused(NOT_YOURS, _("Bạn không có xã nào để khảo sát trong đợt này."))
    household = _revisited(user=user, round_=round_, code=str(payload.get("revisit") or ""))
    context = build_context(round_=round_, user=user)
    submission, problems = read_payload(payload=payload, client_id=client_id, context=context)
    if submission is None:
        draft_id = None
        if not any(p.structural for p in problems):  # else no draft can hold it
            draft_id = _keep_as_draft(
                user=user,
                round_=round_,
                client_id=client_id,
                payload=payload,
                digest=digest,
                household=household,
                context=context,
            )
        raise SyncRefused(INVALID, problems, draft_id=draft_id)
    if household is not None:
        # Person ids are only hints: the use case keeps those of the household's members.
        sent = payload["members"]
        submission = replace(
            submission,
            members=[
                {**m, PERSON_ID: sent[n].get(PERSON_ID)} for n, m in enumerate(submission.members)
            ],
        )
    try:
        ensure_unlocked(round_=round_, unit_key=submission.unit)
    except SurveyError as exc:
        raise _refused(LOCKED, str(exc), "household.unit") from exc
    with transaction.atomic():
        draft = _draft_for(
            user=user, round_=round_, client_id=client_id, household=household, digest=digest
        )
        if draft is None:
            # A second tab sent it meanwhile, and its household is in: that is the answer.
            return Synced(_already(user=user, client_id=client_id), created=False)
        _mark_device_copy(draft=draft, digest=digest)
        try:
            saved = submit_response(draft_id=client_id, user=user, submission=submission)
        except SurveyError as exc:
            raise _refused(INVALID, str(exc)) from exc
        if not saved.written:
            # Made after a concurrent send committed the household: no longer of use.
            Draft.objects.filter(pk=client_id, owner=user).delete()
    return Synced(saved.response, created=saved.written)


def _revisited(*, user: User, round_: Round, code: str) -> Household | None:
    """The earlier household a copy surveys again (``revisit``), checked as the wizard does."""
    if not code.strip():
        return None
    household = Household.objects.filter(code=code.strip()).first()
    if household is None:
        raise _refused(
            INVALID, _("Không tìm thấy hộ mã %(code)s.") % {"code": code[:40]}, "revisit"
        )
    try:
        check_revisit(user=user, round_=round_, household=household)
    except SurveyError as exc:
        raise _refused(INVALID, str(exc), "revisit") from exc
    return household


def _draft_for(
    *,
    user: User,
    round_: Round,
    client_id: uuid.UUID,
    household: Household | None = None,
    digest: str = "",
) -> Draft | None:
    """The server draft named by the device's UUID; None if a concurrent send of the same
    household made it, became the response and deleted it while this one waited."""
    try:
        with transaction.atomic():
            draft, _made = Draft.objects.get_or_create(
                pk=client_id,
                defaults={
                    "owner": user,
                    "round": round_,
                    "household": household,
                    "data": {"extra_data": {DEVICE_DIGEST: digest}} if digest else {},
                },
            )
    except IntegrityError:
        draft = Draft.objects.filter(pk=client_id).first()
        if draft is None:
            return None
    if draft.owner_id != user.pk or draft.round_id != round_.pk:
        raise _refused(NOT_YOURS, _("Mã phiếu này đã được dùng."), "id")
    if draft.household_id != (household.pk if household else None):
        Draft.objects.filter(pk=draft.pk).update(household=household)
        draft.household = household
    return draft


def _conflict(message: str, **where: Any) -> SyncRefused:
    return SyncRefused(CONFLICT, [FieldProblem("household", message, "")], **where)


def _mark_device_copy(*, draft: Draft, digest: str) -> None:
    if device_digest(draft=draft) == digest:
        return  # made for this copy (the usual case): no second write
    data = dict(draft.data or {})
    data["extra_data"] = {**(data.get("extra_data") or {}), DEVICE_DIGEST: digest}
    Draft.objects.filter(pk=draft.pk).update(data=data)
    draft.data = data


def _keep_as_draft(
    *,
    user: User,
    round_: Round,
    client_id: uuid.UUID,
    payload: Mapping[str, Any],
    digest: str,
    household: Household | None,
    context: ImportContext,
) -> uuid.UUID | None:
    """Keep a refused copy (of no response yet) as a server draft the surveyor can correct
    online; an online draft already edited is left as it is (the device copy never
    overwrites it)."""
    data = step_data_from_payload(
        payload=dict(payload), citizen=context.citizen, household=context.household
    )
    data["extra_data"] = {DEVICE_DIGEST: digest, MADE_STEPS: _steps_digest(data)}
    head = str((payload.get("household") or {}).get("head_name") or "")[:200]
    with transaction.atomic():
        draft = _draft_for(user=user, round_=round_, client_id=client_id, household=household)
        if draft is None:
            return None
        if draft.data and _edited_online(draft):
            return draft.pk
        Draft.objects.filter(pk=draft.pk).update(data=data, label=head, current_step="household")
    return draft.pk
