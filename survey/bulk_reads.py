"""Reading a whole round in chunks, as plain tuples (a rescore reads a million members)."""

from __future__ import annotations

from django.db.models import TextField
from django.db.models.functions import Cast

from survey.models import HouseholdResponse, MemberResponse


def response_ids(*, round_id: int) -> list[int]:
    """The ids of the round's responses, in order."""
    return list(
        HouseholdResponse.objects.filter(round_id=round_id)
        .order_by("id")
        .values_list("id", flat=True)
    )


def read_responses(*, round_id: int, first_id: int, last_id: int) -> tuple[list, list]:
    """The responses with ids in [first_id, last_id] and their members, answers as JSON text.

    Responses: (id, unit, status, revision, answers); members, by response and position:
    (response id, id, target group, sex, age, ethnicity, answers).
    """
    raw = Cast("answers", output_field=TextField())
    responses = list(
        HouseholdResponse.objects.filter(round_id=round_id, id__gte=first_id, id__lte=last_id)
        .annotate(raw_answers=raw)
        .order_by("id")
        .values_list("id", "unit_id", "status", "revision", "raw_answers")
    )
    members = list(
        MemberResponse.objects.filter(response_id__gte=first_id, response_id__lte=last_id)
        .annotate(raw_answers=raw)
        .order_by("response_id", "position")
        .values_list("response_id", "id", "target_group", "sex", "age", "ethnicity", "raw_answers")
    )
    return responses, members
