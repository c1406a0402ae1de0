"""One chunk of synthetic households: drawn, written in bulk and scored through
``scoring.rows`` like every other writer of scores."""

from __future__ import annotations

import random
import time
import uuid
from datetime import timedelta

from django.contrib.auth.models import User

from demo.answers import AnswerMaker
from demo.households import draw_education, draw_family_name, draw_name, draw_people
from scoring.rows import RunPair, insert_score_rows, score_rows
from survey.models import Household, HouseholdResponse, MemberResponse, ResponseStatus, Round
from units.models import AdminUnit
from units.text import plain_key

CHUNK = 1000


def write_chunk(
    *,
    round_: Round,
    unit: AdminUnit,
    first: int,
    count: int,
    rng: random.Random,
    maker: AnswerMaker,
    user: User,
    pairs: list[RunPair],
    timings: dict[str, float],
) -> int:
    """Write ``count`` submitted households numbered from ``first`` in the unit, scored
    under every run pair; add the seconds spent to ``timings``; return the members."""
    began = time.perf_counter()
    urban = unit.type in ("Phường", "Thị trấn")
    district = (unit.parent_id or "").split("@")[0]
    household_rows, response_rows, people_rows = [], [], []
    span = min(150, (round_.ends_on - round_.starts_on).days)  # survey days into the round
    for n in range(first, first + count):
        people = draw_people(urban=urban, district=district, rng=rng)
        family = draw_family_name(ethnicity=people[0].ethnicity, rng=rng)
        members = []
        qualities = []
        for person in people:
            group = maker.groups.assign(person, urban, rng)
            answers, quality = maker.member_answers(person, group, rng)
            qualities.append(quality)
            members.append(
                {
                    "person_id": uuid.UUID(int=rng.getrandbits(128), version=4),
                    "full_name": draw_name(person=person, family=family, rng=rng),
                    "sex": person.sex,
                    "age": person.age,
                    "birth_year": maker.year - person.age,
                    "ethnicity": person.ethnicity,
                    "education": draw_education(person=person, rng=rng),
                    "target_group": group,
                    "relationship": person.relationship,
                    "answers": answers,
                }
            )
        at_school = any(
            6 <= m["age"] <= 17 and m["answers"].get("attends_school", "yes") == "yes"
            for m in members
        )
        mean_quality = sum(qualities) / len(qualities)
        household_quality = min(1.0, max(0.0, mean_quality + rng.gauss(0.1, 0.1)))
        village = f"Tổ dân phố {rng.randint(1, 15)}" if urban else f"Thôn {rng.randint(1, 12)}"
        head = members[0]["full_name"]
        household_code = f"{round_.code}-{unit.code}-{n:06d}"
        address = f"Số {rng.randint(1, 200)}, {village}"
        household_rows.append(
            Household(
                code=household_code, unit=unit, village=village, address=address, head_name=head
            )
        )
        response_rows.append(
            {
                "village": village,
                "address": address,
                "head_name": head,
                "search_text": "| " + " | ".join(plain_key(m["full_name"]) for m in members) + " |",
                "survey_date": round_.starts_on + timedelta(days=rng.randint(0, span)),
                "answers": maker.household_answers(household_quality, at_school, rng),
            }
        )
        people_rows.append(members)
    drawn = time.perf_counter()
    timings["draw"] += drawn - began

    Household.objects.bulk_create(household_rows, batch_size=CHUNK)
    responses = HouseholdResponse.objects.bulk_create(
        [
            HouseholdResponse(
                round=round_,
                household=household,
                unit=unit,
                status=ResponseStatus.SUBMITTED,
                surveyor=user,
                updated_by=user,
                **row,
            )
            for household, row in zip(household_rows, response_rows, strict=True)
        ],
        batch_size=CHUNK,
    )
    member_objects = MemberResponse.objects.bulk_create(
        [
            MemberResponse(response=response, position=position, **member)
            for response, members in zip(responses, people_rows, strict=True)
            for position, member in enumerate(members, start=1)
        ],
        batch_size=CHUNK,
    )
    written = time.perf_counter()
    timings["write"] += written - drawn

    by_response: dict[int, list[MemberResponse]] = {}
    for member in member_objects:
        by_response.setdefault(member.response_id, []).append(member)
    listed = sum(len(people) for people in people_rows)
    scored = [
        score_rows(
            pair=pair,
            round_id=round_.pk,
            responses=[(r, by_response.get(r.pk, [])) for r in responses],
            deltas=False,
        )
        for pair in pairs
    ]
    scored_at = time.perf_counter()
    timings["score"] += scored_at - written
    for rows in scored:
        insert_score_rows(rows=rows)
    timings["write"] += time.perf_counter() - scored_at
    return listed
