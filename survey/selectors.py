"""Read-only questions about rounds, households and drafts, always within the user's scope."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.models import User
from django.db.models import Count, Q, QuerySet

from accounts.selectors import changeable_units, roles_of, visible_units
from criteria.selectors import spec_of
from survey.models import (
    Draft,
    HouseholdResponse,
    ResponseStatus,
    Round,
    RoundSurveyor,
    RoundUnit,
    UnitLock,
    UnitLockEvent,
)
from survey.steps import plan_steps
from units.models import AdminUnit
from units.selectors import by_name
from units.text import name_key, plain_key

ENTER = "accounts.enter_survey_data"


def may_enter(*, user: User) -> bool:
    """Whether one of the user's roles enters survey data (surveyors, commune staff).

    A role, not ``has_perm``: provincial staff and administrators review, approve and
    manage but do not fill forms, whatever else their accounts may do.
    """
    return any(ENTER in role.permissions for role in roles_of(user=user))


def bound_by_assignment(*, user: User) -> bool:
    """Whether a round's surveyor assignments bind ``user``: surveyors yes, reviewing staff no."""
    return not user.has_perm("accounts.review_survey_data")


def _entry_filter(*, user: User, round_: Round) -> Q:
    """Communes of ``round_`` open to ``user``: all for staff; assigned or unassigned otherwise."""
    in_round = Q(key__in=round_.round_units.values_list("unit_id", flat=True))
    if not bound_by_assignment(user=user):
        return in_round
    assigned = RoundSurveyor.objects.filter(round=round_)
    mine = assigned.filter(user=user).values_list("unit_id", flat=True)
    return in_round & (Q(key__in=mine) | ~Q(key__in=assigned.values_list("unit_id", flat=True)))


def entry_units(*, user: User, round_: Round) -> list[AdminUnit]:
    """Return the communes where ``user`` may enter data in ``round_`` (open rounds only)."""
    if round_.status != Round.Status.OPEN or not may_enter(user=user):
        return []
    return by_name(changeable_units(user=user).filter(_entry_filter(user=user, round_=round_)))


def rounds_for_entry(*, user: User) -> list[Round]:
    """Return the open rounds in which ``user`` has at least one commune to survey."""
    if not may_enter(user=user):
        return []
    units = changeable_units(user=user).values_list("key", flat=True)
    rounds = (
        Round.objects.filter(status=Round.Status.OPEN, round_units__unit__in=units)
        .distinct()
        .order_by("-starts_on")
    )
    if not bound_by_assignment(user=user):
        return list(rounds)
    return [
        r
        for r in rounds
        if changeable_units(user=user).filter(_entry_filter(user=user, round_=r)).exists()
    ]


def rounds_for_work(*, user: User) -> list[Round]:
    """Return the open rounds where ``user`` enters data or, as staff, reviews it."""
    if may_enter(user=user) and bound_by_assignment(user=user):  # a surveyor
        return rounds_for_entry(user=user)
    units = visible_units(user=user).values_list("key", flat=True)
    rounds = Round.objects.filter(status=Round.Status.OPEN, round_units__unit__in=units)
    return list(rounds.distinct().order_by("-starts_on"))


def round_is_visible(*, user: User, round_: Round) -> bool:
    """Whether ``user`` sees at least one commune of ``round_``."""
    return RoundUnit.objects.filter(round=round_, unit__in=visible_units(user=user)).exists()


def visible_responses(*, user: User) -> QuerySet[HouseholdResponse]:
    return HouseholdResponse.objects.filter(unit__in=visible_units(user=user))


def own_drafts(*, user: User) -> QuerySet[Draft]:
    return Draft.objects.filter(owner=user).select_related("round", "response")


def draft_steps(*, drafts: Iterable[Draft], language: str = "vi") -> dict:
    """Return, per draft id, the title of the step it reached ("" before the first save)."""
    titles: dict[int, dict[str, str]] = {}
    reached = {}
    for draft in drafts:
        round_ = draft.round
        if round_.pk not in titles:
            household_set = round_.household_set
            steps = plan_steps(
                citizen=spec_of(criteria_set=round_.citizen_set),
                household=spec_of(criteria_set=household_set) if household_set else None,
            )
            titles[round_.pk] = {
                step.name: (step.title.en if language == "en" and step.title.en else step.title.vi)
                for step in steps
            }
        reached[draft.pk] = titles[round_.pk].get(draft.current_step, "")
    return reached


def find_duplicates(
    *, round_: Round, unit_key: str, village: str, head_name: str, address: str
) -> list[HouseholdResponse]:
    """Return responses of the round with the same head and address in the same village.

    Names compare after NFC with either tone-mark placement; accents are never
    ignored here (Minh Quân and Minh Quán are different people).
    """
    # search_text opens with the head's name in plain letters: the database narrows the
    # commune's responses to that name, the exact comparison below decides.
    candidates = HouseholdResponse.objects.filter(
        round=round_, unit_id=unit_key, search_text__startswith=f"| {plain_key(head_name)} |"
    ).select_related("household")
    wanted = (name_key(village), name_key(head_name), name_key(address))
    return [
        r
        for r in candidates
        if (name_key(r.village), name_key(r.head_name), name_key(r.address)) == wanted
    ]


def search_responses(
    *,
    responses: QuerySet[HouseholdResponse],
    text: str = "",
    village: str = "",
    status: str = "",
    surveyor: int | None = None,
) -> QuerySet[HouseholdResponse]:
    """Filter a list; ``text`` matches head or member names with or without diacritics."""
    if text.strip():
        # search_text holds "| name | name |" in plain letters, so a phrase stays in one name.
        responses = responses.filter(search_text__contains=plain_key(text))
    if village.strip():
        responses = responses.filter(Q(village__iexact=village.strip()))
    if status:
        responses = responses.filter(status=status)
    if surveyor:
        responses = responses.filter(surveyor_id=surveyor)
    return responses


# Review and locks -------------------------------------------------------------------------


def locked_units(*, round_: Round, unit_keys: Iterable[str] | None = None) -> dict[str, UnitLock]:
    """Return the current locks of the round by commune key."""
    locks = UnitLock.objects.filter(round=round_).select_related("locked_by")
    if unit_keys is not None:
        locks = locks.filter(unit_id__in=list(unit_keys))
    return {lock.unit_id: lock for lock in locks}


def lock_history(
    *,
    round_: Round,
    unit_keys: Iterable[str] | None = None,
    since: datetime | None = None,
    kind: str | None = None,
) -> QuerySet[UnitLockEvent]:
    """Return the round's locks and unlocks, oldest first.

    ``kind="unlock"`` and ``since`` give "unlocks since" (an export's cover sheet
    lists them); ``unit_keys`` keeps only those communes (None: all).
    """
    events = UnitLockEvent.objects.filter(round=round_)
    if kind is not None:
        events = events.filter(kind=kind)
    if since is not None:
        events = events.filter(at__gt=since)
    if unit_keys is not None:
        events = events.filter(unit_id__in=list(unit_keys))
    return events.select_related("unit", "by").order_by("at", "pk")


def last_return(*, response: HouseholdResponse):
    """Return the transition that returned ``response`` (None unless it is returned now)."""
    if response.status != ResponseStatus.RETURNED:
        return None
    return (
        response.transitions.filter(to_status=ResponseStatus.RETURNED)
        .select_related("by")
        .order_by("-at", "-pk")
        .first()
    )


@dataclass
class UnitProgress:
    unit: AdminUnit
    planned: int
    counts: dict[str, int] = field(default_factory=dict)
    lock: UnitLock | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def returned(self) -> int:
        return self.counts.get(ResponseStatus.RETURNED, 0)

    @property
    def lockable(self) -> bool:
        pending = self.counts.get(ResponseStatus.SUBMITTED, 0) + self.returned
        return self.lock is None and self.total > 0 and pending == 0


@dataclass
class SurveyorProgress:
    surveyor: User
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class ReviewDashboard:
    units: list[UnitProgress]
    surveyors: list[SurveyorProgress]
    totals: dict[str, int]
    planned: int

    @property
    def total(self) -> int:
        return sum(self.totals.values())


def review_dashboard(*, user: User, round_: Round) -> ReviewDashboard:
    """Counts by status per commune and per surveyor, against the planned households."""
    units = visible_units(user=user).filter(
        key__in=round_.round_units.values_list("unit_id", flat=True)
    )
    planned = dict(
        RoundUnit.objects.filter(round=round_, unit__in=units).values_list(
            "unit_id", "planned_households"
        )
    )
    rows = {u.key: UnitProgress(unit=u, planned=planned.get(u.key, 0)) for u in by_name(units)}
    responses = HouseholdResponse.objects.filter(round=round_, unit__in=units)
    totals: dict[str, int] = {s: 0 for s in ResponseStatus.values}
    for row in responses.values("unit_id", "status").annotate(n=Count("pk")):
        rows[row["unit_id"]].counts[row["status"]] = row["n"]
        totals[row["status"]] += row["n"]
    for key, lock in locked_units(round_=round_, unit_keys=rows).items():
        rows[key].lock = lock
    by_surveyor: dict[int, dict[str, int]] = {}
    for row in responses.values("surveyor_id", "status").annotate(n=Count("pk")):
        by_surveyor.setdefault(row["surveyor_id"], {})[row["status"]] = row["n"]
    people = User.objects.in_bulk(list(by_surveyor))
    surveyors = sorted(
        (SurveyorProgress(surveyor=people[pk], counts=c) for pk, c in by_surveyor.items()),
        key=lambda p: p.surveyor.get_full_name() or p.surveyor.username,
    )
    return ReviewDashboard(
        units=list(rows.values()),
        surveyors=surveyors,
        totals=totals,
        planned=sum(planned.values()),
    )
