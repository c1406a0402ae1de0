"""The households of earlier rounds a surveyor may revisit, as plain data for the device.

The offline app downloads them with the round's plan, so a household can be surveyed again
with no connection: its details on the unit valid now and its members with their person
ids and target groups read under the new round's set, exactly as a revisit draft starts
(``survey.revisit.revisit_state``). Only the user's own communes of the round, and only
households not yet surveyed in it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from criteria.groups import group_mapping
from criteria.selectors import spec_of
from survey.models import MemberResponse, Round
from survey.revisit import revisit_candidates, revisit_member, units_now
from survey.selectors import entry_units
from survey.shape import PERSON_ID


def revisit_documents(*, user: User, round_: Round) -> list[dict[str, Any]]:
    """Return each household the user may revisit in ``round_``, with its members."""
    previous = list(
        revisit_candidates(user=user, round_=round_)
        .filter(in_round=False)
        .select_related("round__citizen_set")
        .order_by("head_name", "household__code")
    )
    communes = {u.key for u in entry_units(user=user, round_=round_)}
    target = spec_of(criteria_set=round_.citizen_set)
    known_groups = {g.code for g in target.target_groups}
    mappings: dict[int, dict[str, str]] = {}
    now: dict[str, list[str]] = {}  # the user's communes each earlier unit became
    members: dict[int, list[MemberResponse]] = {}
    for member in MemberResponse.objects.filter(response__in=previous).order_by("position"):
        members.setdefault(member.response_id, []).append(member)
    documents = []
    for response in previous:
        source = response.round.citizen_set
        if source.pk not in mappings:
            mappings[source.pk] = group_mapping(source=spec_of(criteria_set=source), target=target)
        if response.unit_id not in now:
            now[response.unit_id] = units_now(unit=response.unit, round_=round_, communes=communes)
        unit_keys = now[response.unit_id]
        documents.append(
            {
                "code": response.household.code,
                "round": response.round.name,
                "head_name": response.head_name,
                "village": response.village,
                "address": response.address,
                "unit": unit_keys[0] if len(unit_keys) == 1 else "",
                "members": [
                    {
                        **revisit_member(
                            member=m, groups=mappings[source.pk], known_groups=known_groups
                        ),
                        PERSON_ID: str(m.person_id),
                    }
                    for m in members.get(response.pk, [])
                ],
            }
        )
    return documents
