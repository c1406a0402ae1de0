"""Survey operations: drafts, submitting, correcting. Each is one transaction.

Submitting is idempotent: a response remembers the draft it came from, so a
second submit of the same draft (double tap, resend after a time-out, Back then
submit) returns the first response instead of creating another. A correction
carries the revision it started from and is refused if someone saved since.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import record_event
from survey.errors import AlreadySurveyed, EditConflict, SurveyError
from survey.models import (
    Draft,
    Household,
    HouseholdResponse,
    MemberResponse,
    ResponseStatus,
    Round,
)
from survey.review import AFTER_CORRECTION, ensure_unlocked, record_transition
from survey.selectors import entry_units
from survey.snapshots import differences, record_revision, snapshot_of
from units.text import plain_key


@dataclass(frozen=True)
class Submission:
    """Everything a household form collects, as plain data."""

    unit: str
    village: str
    address: str
    head_name: str
    survey_date: date
    members: Sequence[Mapping[str, Any]]  # MEMBER_FIELDS + "answers" (+ "person_id")
    household_answers: Mapping[str, Any] = field(default_factory=dict)
    # Answers the submitter was not shown (a reviewer's scores): a correction keeps them.
    kept_answers: frozenset[str] = frozenset()


def start_draft(*, user: User, round_: Round, response: HouseholdResponse | None = None) -> Draft:
    """Start a new household form, or a correction of ``response``, as a server-side draft."""
    if not entry_units(user=user, round_=round_):
        raise SurveyError(_("Bạn không có xã nào để khảo sát trong đợt này."))
    if response is not None:
        ensure_unlocked(round_=round_, unit_key=response.unit_id)
        if response.status == ResponseStatus.APPROVED:
            raise SurveyError(_("Phiếu đã được phê duyệt, không thể sửa."))
        return Draft.objects.create(
            owner=user,
            round=round_,
            response=response,
            base_revision=response.revision,
            label=response.head_name,
        )
    return Draft.objects.create(owner=user, round=round_)


def save_draft_state(*, draft_id: uuid.UUID, data: dict, current_step: str, label: str) -> None:
    """Persist the wizard's state; a draft already submitted (deleted) is left alone."""
    Draft.objects.filter(pk=draft_id).update(data=data, current_step=current_step, label=label)


def _search_text(head_name: str, members: Sequence[Mapping[str, Any]]) -> str:
    names = [head_name, *(m["full_name"] for m in members)]
    return "| " + " | ".join(plain_key(n) for n in names) + " |"


def _person_ids(members: Sequence[Mapping[str, Any]], known: set[uuid.UUID]) -> list[uuid.UUID]:
    """Keep a member's person id only if it is one of ``known`` (the corrected response's
    members) and not used twice; anyone else gets a new one (ids in POST data are not trusted).
    """
    ids: list[uuid.UUID] = []
    for member in members:
        try:
            person = uuid.UUID(str(member.get("person_id")))
        except ValueError:
            person = None
        if person not in known or person in ids:
            person = uuid.uuid4()
        ids.append(person)
    return ids


def _member_rows(
    response: HouseholdResponse, submission: Submission, known: set[uuid.UUID] = frozenset()
) -> list[MemberResponse]:
    year = submission.survey_date.year
    persons = _person_ids(submission.members, known)
    return [
        MemberResponse(
            response=response,
            person_id=persons[position - 1],
            position=position,
            full_name=member["full_name"],
            sex=member["sex"],
            birth_year=member["birth_year"],
            age=year - int(member["birth_year"]),
            ethnicity=member["ethnicity"],
            education=member["education"],
            target_group=member.get("target_group") or "",
            relationship=member["relationship"],
            answers=dict(member.get("answers") or {}),
        )
        for position, member in enumerate(submission.members, start=1)
    ]


def _check_unit(*, user: User, round_: Round, unit_key: str) -> None:
    if unit_key not in {u.key for u in entry_units(user=user, round_=round_)}:
        raise SurveyError(_("Bạn không được nhập số liệu cho đơn vị này trong đợt này."))


@dataclass(frozen=True)
class Saved:
    """A response as a submit left it; ``written`` is False when the draft was already in."""

    response: HouseholdResponse
    written: bool


@transaction.atomic
def save_submission(*, draft_id: uuid.UUID, user: User, submission: Submission) -> Saved:
    """Turn a draft into a submitted (or corrected) response, at most once; no scores.

    Channels call ``flows.responses.record_response``, which scores what this writes in
    the same transaction.
    """
    existing = HouseholdResponse.objects.filter(source_draft=draft_id).first()
    if existing is not None:
        return Saved(existing, written=False)
    draft = Draft.objects.select_for_update().filter(pk=draft_id, owner=user).first()
    if draft is None:
        # A concurrent submit of this draft may have committed while we waited for its lock.
        existing = HouseholdResponse.objects.filter(source_draft=draft_id).first()
        if existing is not None:
            return Saved(existing, written=False)
        raise SurveyError(_("Không tìm thấy bản nháp này."))
    round_ = draft.round
    _check_unit(user=user, round_=round_, unit_key=submission.unit)
    ensure_unlocked(round_=round_, unit_key=submission.unit)
    if draft.response_id:
        response = _apply_correction(draft=draft, user=user, submission=submission)
    else:
        response = _create_response(draft=draft, user=user, submission=submission)
        record_event(
            action=Action.CREATE,
            user=user,
            summary=f"{response.household.code}: {response.head_name}",
            unit_id=response.unit_id,
            round_code=round_.code,
            object_type="household_response",
            object_id=response.pk,
            details={"new": snapshot_of(response)},
        )
    draft.delete()
    return Saved(response, written=True)


# Where a draft made from a device's household keeps that copy's digest (flows.sync).
DEVICE_DIGEST = "device_digest"


def device_digest(*, draft: Draft) -> str:
    """The digest of the device copy a draft was made from; empty for other drafts."""
    return str(((draft.data or {}).get("extra_data") or {}).get(DEVICE_DIGEST) or "")


def new_household_code(unit_key: str) -> str:
    """Return a fresh stable household code: the commune code and ten random hex digits."""
    return f"{unit_key.split('@')[0]}-{uuid.uuid4().hex[:10].upper()}"


def _new_household(submission: Submission) -> Household:
    """Return the (unsaved) household a new response starts, with a fresh stable code."""
    return Household(
        code=new_household_code(submission.unit),
        unit_id=submission.unit,
        village=submission.village,
        address=submission.address,
        head_name=submission.head_name,
    )


def _new_response(
    *,
    round_: Round,
    household: Household,
    user: User,
    submission: Submission,
    source: uuid.UUID | None,
    digest: str = "",
) -> HouseholdResponse:
    """Return the (unsaved) submitted response of ``submission``; ``source`` is its origin."""
    return HouseholdResponse(
        round=round_,
        household=household,
        unit_id=submission.unit,
        village=submission.village,
        address=submission.address,
        head_name=submission.head_name,
        search_text=_search_text(submission.head_name, submission.members),
        survey_date=submission.survey_date,
        status=ResponseStatus.SUBMITTED,
        answers=dict(submission.household_answers),
        surveyor=user,
        updated_by=user,
        source_draft=source,
        source_digest=digest,
    )


def already_surveyed_message(response: HouseholdResponse) -> str:
    return _("Hộ %(head)s (mã %(code)s) đã có phiếu trong đợt này, nhập ngày %(day)s.") % {
        "head": response.head_name,
        "code": response.household.code,
        "day": response.survey_date.strftime("%d/%m/%Y"),
    }


def _revisited_household(*, draft: Draft, submission: Submission) -> Household:
    """Return the household a revisit draft surveys again, brought up to date, at most once
    per round (the row lock makes a concurrent revisit of it wait, then see this one)."""
    household = Household.objects.select_for_update().get(pk=draft.household_id)
    existing = HouseholdResponse.objects.filter(round=draft.round, household=household).first()
    if existing is not None:
        raise AlreadySurveyed(already_surveyed_message(existing), response=existing)
    # The household keeps its code; its details are the latest known, on the new units.
    household.unit_id = submission.unit
    household.village = submission.village
    household.address = submission.address
    household.head_name = submission.head_name
    household.save(update_fields=["unit", "village", "address", "head_name"])
    return household


def _create_response(*, draft: Draft, user: User, submission: Submission) -> HouseholdResponse:
    known: set[uuid.UUID] = set()
    if draft.household_id is not None:
        household = _revisited_household(draft=draft, submission=submission)
        # Members kept from an earlier round keep their person ids.
        known = set(
            MemberResponse.objects.filter(response__household=household).values_list(
                "person_id", flat=True
            )
        )
    else:
        household = _new_household(submission)
        household.save(force_insert=True)
    try:
        with transaction.atomic():
            response = _new_response(
                round_=draft.round,
                household=household,
                user=user,
                submission=submission,
                source=draft.pk,
                digest=device_digest(draft=draft),
            )
            response.save(force_insert=True)
    except IntegrityError as exc:  # a concurrent submit of the same draft won the race
        raise SurveyError(_("Phiếu này vừa được gửi.")) from exc
    MemberResponse.objects.bulk_create(_member_rows(response, submission, known))
    return response


def _apply_correction(*, draft: Draft, user: User, submission: Submission) -> HouseholdResponse:
    response = (
        HouseholdResponse.objects.select_for_update()
        .select_related("round", "household")
        .get(pk=draft.response_id)
    )
    # The unit it leaves counts as much as the unit it moves to.
    ensure_unlocked(round_=response.round, unit_key=response.unit_id)
    if response.revision != draft.base_revision:
        last = response.changes.order_by("-revision").select_related("changed_by").first()
        who = last.changed_by if last else response.updated_by
        when = formats.date_format(timezone.localtime(response.updated_at), "d/m/Y H:i")
        raise EditConflict(
            _(
                "%(who)s đã sửa phiếu này lúc %(when)s, sau khi bạn mở nó. "
                "Thay đổi của bạn chưa được lưu; hãy mở lại phiếu để xem bản mới."
            )
            % {"who": who.get_full_name() or who.get_username(), "when": when}
        )
    if response.status == ResponseStatus.APPROVED:
        raise SurveyError(_("Phiếu đã được phê duyệt, không thể sửa."))
    before = snapshot_of(response)
    known = set(response.members.values_list("person_id", flat=True))
    kept = {
        str(m.person_id): {k: v for k, v in m.answers.items() if k in submission.kept_answers}
        for m in response.members.all()
    }
    submission = replace(
        submission,
        members=[
            {
                **member,
                "answers": {
                    **kept.get(str(member.get("person_id")), {}),
                    **(member.get("answers") or {}),
                },
            }
            for member in submission.members
        ],
    )
    response.unit_id = submission.unit
    response.village = submission.village
    response.address = submission.address
    response.head_name = submission.head_name
    response.survey_date = submission.survey_date
    response.answers = dict(submission.household_answers)
    response.search_text = _search_text(submission.head_name, submission.members)
    response.revision += 1
    response.updated_by = user
    response.save()
    response.members.all().delete()
    MemberResponse.objects.bulk_create(_member_rows(response, submission, known))
    record_revision(
        response=response, user=user, changes=differences(before, snapshot_of(response))
    )
    after = AFTER_CORRECTION.get(response.status)
    if after is not None:
        # A correction answers a return, and undoes a verification: checked again.
        source = response.status
        response.status = after
        response.save(update_fields=["status"])
        record_transition(response=response, user=user, source=source, target=after)
    return response
