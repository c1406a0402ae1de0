"""Revisiting households: a later round surveys again a household of an earlier one.

The household keeps its stable code and its members their person ids; its unit is
followed through the unit change records to the unit valid when the new round
starts (a 2021 household of Xã Nga Quán lives in Phường Nam Cường in 2025). A
revisit draft starts with the household's details and members, never with the
earlier answers; submitting it (``flows.responses.record_response``) adds the new
round's response to the same household, at most one per round.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from criteria.groups import group_mapping
from criteria.selectors import spec_of
from survey.forms import members_management_data
from survey.models import Draft, Household, HouseholdResponse, MemberResponse, Round
from survey.selectors import entry_units, visible_responses
from survey.services import AlreadySurveyed, SurveyError, already_surveyed_message
from survey.shape import MEMBER_FIELDS, PERSON_ID
from survey.steps import HOUSEHOLD, MEMBERS
from units.models import AdminUnit
from units.selectors import predecessor_keys, successors_of
from units.text import name_key, plain_key

# Where a revisit draft keeps the household step's starting values (formtools' extra data):
# the step itself stays empty until the surveyor confirms it with the new survey date.
HOUSEHOLD_INITIAL = "revisit_household"


# Selectors ------------------------------------------------------------------------------


def earlier_responses(*, round_: Round) -> QuerySet[HouseholdResponse]:
    """Return each household's latest response in a round that started before ``round_``."""
    latest = (
        HouseholdResponse.objects.filter(
            household=OuterRef("household"), round__starts_on__lt=round_.starts_on
        )
        .order_by("-round__starts_on", "-survey_date", "-pk")
        .values("pk")[:1]
    )
    return HouseholdResponse.objects.filter(
        round__starts_on__lt=round_.starts_on, pk=Subquery(latest)
    )


def revisit_candidates(*, user: User, round_: Round) -> QuerySet[HouseholdResponse]:
    """Return the latest earlier responses of households ``user`` may revisit in ``round_``.

    A household qualifies when its unit then leads, through the unit change records, to
    one of the user's communes of the round. ``in_round`` tells whether the household
    already has a response in ``round_`` (``in_round_id`` names it).
    """
    communes = {u.key for u in entry_units(user=user, round_=round_)}
    if not communes:
        return HouseholdResponse.objects.none()
    sources = predecessor_keys(keys=communes, day=round_.starts_on)
    this_round = HouseholdResponse.objects.filter(household=OuterRef("household"), round=round_)
    return (
        earlier_responses(round_=round_)
        .filter(unit__in=sources)
        .annotate(
            in_round=Exists(this_round),
            in_round_id=Subquery(this_round.values("pk")[:1]),
            n_members=Count("members"),
        )
        .select_related("household", "round", "unit")
    )


def earlier_duplicates(
    *, round_: Round, unit_key: str, village: str, head_name: str, address: str
) -> list[HouseholdResponse]:
    """Return households of earlier rounds with the same head and address in the same village
    of a unit that became ``unit_key``, not yet surveyed in ``round_``: a new form for one of
    them should be a revisit, so the household keeps its code.

    Names compare as in ``survey.selectors.find_duplicates`` (accents matter).
    """
    sources = predecessor_keys(keys=[unit_key], day=round_.starts_on)
    this_round = HouseholdResponse.objects.filter(household=OuterRef("household"), round=round_)
    candidates = (
        earlier_responses(round_=round_)
        .filter(unit__in=sources, search_text__startswith=f"| {plain_key(head_name)} |")
        .exclude(Exists(this_round))
        .select_related("household", "round")
    )
    wanted = (name_key(village), name_key(head_name), name_key(address))
    return [
        r
        for r in candidates
        if (name_key(r.village), name_key(r.head_name), name_key(r.address)) == wanted
    ]


def household_history(*, response: HouseholdResponse, user: User) -> list[dict[str, Any]]:
    """Return the household's responses in every round, oldest round first.

    Each row says whether ``user`` may open that response (its unit in their scope): a
    revisit crosses reorganisations, so an earlier round may lie outside today's scope.
    """
    responses = list(
        HouseholdResponse.objects.filter(household_id=response.household_id)
        .select_related("round", "unit")
        .annotate(n_members=Count("members"))
        .order_by("round__starts_on", "pk")
    )
    visible = set(
        visible_responses(user=user)
        .filter(pk__in=[r.pk for r in responses])
        .values_list("pk", flat=True)
    )
    return [
        {"response": r, "visible": r.pk in visible, "current": r.pk == response.pk}
        for r in responses
    ]


def _revisit_units(*, user: User, round_: Round, previous: HouseholdResponse) -> list[str]:
    """Return the user's communes of ``round_`` that the household's earlier unit became."""
    communes = {u.key for u in entry_units(user=user, round_=round_)}
    return units_now(unit=previous.unit, round_=round_, communes=communes)


def units_now(*, unit: AdminUnit, round_: Round, communes: set[str]) -> list[str]:
    """Return the units of ``communes`` that ``unit`` became when ``round_`` starts."""
    return [u.key for u in successors_of(unit=unit, day=round_.starts_on) if u.key in communes]


def revisit_member(
    *, member: MemberResponse, groups: Mapping[str, str], known_groups: set[str]
) -> dict[str, Any]:
    """A member as a revisit starts from it: fields and person id, no answers, the target
    group read under the new round's set (``groups``) or left to choose if it has none."""
    group = groups.get(member.target_group, member.target_group)
    return {
        **{name: getattr(member, name) for name in (*MEMBER_FIELDS, PERSON_ID)},
        "target_group": group if group in known_groups else "",
    }


# The revisit draft ----------------------------------------------------------------------------


def revisit_state(
    *, previous: HouseholdResponse, round_: Round, unit_keys: list[str]
) -> dict[str, Any]:
    """Return formtools storage data that starts a revisit of ``previous``'s household.

    The household step gets starting values (on the unit valid now, when there is one;
    the survey date is left to the surveyor); the members step gets the members with
    their person ids and their target groups read under the new round's citizen set. No
    answer is carried: the household is asked everything again.
    """
    groups = group_mapping(
        source=spec_of(criteria_set=previous.round.citizen_set),
        target=spec_of(criteria_set=round_.citizen_set),
    )
    known_groups = {g.code for g in spec_of(criteria_set=round_.citizen_set).target_groups}
    members = list(previous.members.order_by("position"))
    data: dict[str, list[str]] = members_management_data(len(members))
    for index, member in enumerate(members):
        values = revisit_member(member=member, groups=groups, known_groups=known_groups)
        for name, value in values.items():
            data[f"members-{index}-{name}"] = [str(value)]
    household = {
        "unit": unit_keys[0] if len(unit_keys) == 1 else "",
        "village": previous.village,
        "address": previous.address,
        "head_name": previous.head_name,
    }
    return {
        "step": HOUSEHOLD,
        "step_data": {MEMBERS: data},
        "step_files": {},
        "extra_data": {HOUSEHOLD_INITIAL: household},
    }


def check_revisit(
    *, user: User, round_: Round, household: Household
) -> tuple[HouseholdResponse, list[str]]:
    """Return the household's latest earlier response and the user's communes it is in now.

    Refused outside the user's communes of the round, for a household never surveyed
    before the round, and for one that already has a response in it (``AlreadySurveyed``).
    """
    previous = (
        earlier_responses(round_=round_)
        .filter(household=household)
        .select_related("round", "round__citizen_set", "unit")
        .first()
    )
    if previous is None:
        raise SurveyError(_("Hộ này chưa được khảo sát trong đợt nào trước đợt này."))
    unit_keys = _revisit_units(user=user, round_=round_, previous=previous)
    if not unit_keys:
        raise SurveyError(_("Hộ này không thuộc xã nào bạn được khảo sát trong đợt này."))
    existing = (
        HouseholdResponse.objects.filter(round=round_, household=household)
        .select_related("household")
        .first()
    )
    if existing is not None:
        raise AlreadySurveyed(already_surveyed_message(existing), response=existing)
    return previous, unit_keys


@transaction.atomic
def start_revisit(*, user: User, round_: Round, household: Household) -> Draft:
    """Start a draft that surveys ``household`` again in ``round_``, or return the user's own.

    Refused outside the user's communes of the round, for a household never surveyed
    before the round, and for one that already has a response in it (``AlreadySurveyed``).
    """
    previous, unit_keys = check_revisit(user=user, round_=round_, household=household)
    own = Draft.objects.filter(owner=user, round=round_, household=household).first()
    if own is not None:
        return own  # a second tap on "revisit" resumes the first draft
    return Draft.objects.create(
        owner=user,
        round=round_,
        household=household,
        data=revisit_state(previous=previous, round_=round_, unit_keys=unit_keys),
        current_step=HOUSEHOLD,
        label=previous.head_name,
    )
