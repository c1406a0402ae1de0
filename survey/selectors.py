"""Read-only questions about rounds, households and drafts, always within the user's scope."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

from accounts.selectors import changeable_units, visible_units
from survey.models import Draft, HouseholdResponse, Round, RoundUnit
from units.models import AdminUnit
from units.selectors import by_name
from units.text import name_key, plain_key


def entry_units(*, user: User, round_: Round) -> list[AdminUnit]:
    """Return the communes where ``user`` may enter data in ``round_`` (open rounds only)."""
    if round_.status != Round.Status.OPEN:
        return []
    allowed = changeable_units(user=user).filter(
        key__in=round_.round_units.values_list("unit_id", flat=True)
    )
    return by_name(allowed)


def rounds_for_entry(*, user: User) -> list[Round]:
    """Return the open rounds in which ``user`` has at least one commune to survey."""
    units = changeable_units(user=user).values_list("key", flat=True)
    return list(
        Round.objects.filter(status=Round.Status.OPEN, round_units__unit__in=units)
        .distinct()
        .order_by("-starts_on")
    )


def round_is_visible(*, user: User, round_: Round) -> bool:
    """Whether ``user`` sees at least one commune of ``round_``."""
    return RoundUnit.objects.filter(round=round_, unit__in=visible_units(user=user)).exists()


def visible_responses(*, user: User) -> QuerySet[HouseholdResponse]:
    return HouseholdResponse.objects.filter(unit__in=visible_units(user=user))


def own_drafts(*, user: User) -> QuerySet[Draft]:
    return Draft.objects.filter(owner=user).select_related("round", "response")


def find_duplicates(
    *, round_: Round, unit_key: str, village: str, head_name: str, address: str
) -> list[HouseholdResponse]:
    """Return responses of the round with the same head and address in the same village.

    Names compare after NFC with either tone-mark placement; accents are never
    ignored here (Minh Quân and Minh Quán are different people).
    """
    candidates = HouseholdResponse.objects.filter(round=round_, unit_id=unit_key).select_related(
        "household"
    )
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
