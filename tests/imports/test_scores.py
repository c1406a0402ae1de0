"""The bulk scoring of a large import equals ``record_response_scores``, row for row.

``scoring.services.record_new_responses_scores`` scores many new responses at once
with the rows of ``scoring.rows``. These tests recompute every response with the live
service afterwards and compare every score row and every aggregate cell, so a change
of the service that the bulk path does not follow fails here.
"""

from __future__ import annotations

from django.db.models import Model

from flows.imports import import_responses
from scoring.models import (
    GroupAggregate,
    HouseholdScore,
    MemberScore,
    ScoreAggregate,
    ScoredResponse,
    ScoringRun,
)
from scoring.services import record_response_scores, rescore_round
from survey.models import HouseholdResponse
from tests.imports.conftest import fill_template, household_row, member_rows


def snapshot() -> dict[str, list[tuple]]:
    def rows(model: type[Model], key: tuple[str, ...]) -> list[tuple]:
        names = [f.attname for f in model._meta.concrete_fields if f.attname != "id"]
        return sorted(
            (tuple(row[n] for n in key), tuple(row[n] for n in names))
            for row in model.objects.values(*names)
        )

    return {
        "members": rows(MemberScore, ("run_id", "member_id")),
        "households": rows(HouseholdScore, ("run_id", "response_id")),
        "responses": rows(ScoredResponse, ("run_id", "response_id")),
        "cells": rows(
            ScoreAggregate,
            ("run_id", "unit_id", "status", "target_group", "sex", "age_band", "ethnicity"),
        ),
        "groups": rows(GroupAggregate, ("run_id", "unit_id", "status", "target_group", "age_band")),
    }


def many_households(count: int) -> tuple[list[dict], list[dict]]:
    households, members = [], []
    for number in range(1, count + 1):
        key = str(number)
        people = member_rows(key)
        people[0]["learning_plan"] = ("none", "informal", "written", "written_followed")[number % 4]
        people[3]["community_sessions_12m"] = str(number % 9)
        if number % 9 == 0:
            people[3].pop("community_venues", None)
        households.append(household_row(key, head_name=f"Chủ hộ {number}", life_improved="little"))
        members += people
    return households, members


def test_bulk_scores_equal_the_service_one_response_at_a_time(round_, staff):
    # A rescore run kept current beside the primary one: the bulk path writes both.
    rescore_round(round_=round_)
    count = 55
    households, members = many_households(count)
    import_responses(
        round_=round_,
        user=staff,
        data=fill_template(round_, households, members),
        filename="phieu.xlsx",
    )
    assert ScoringRun.objects.filter(round=round_).count() == 4
    bulk = snapshot()
    assert len(bulk["responses"]) == 2 * count
    assert len(bulk["members"]) == 2 * 3 * count

    for response in HouseholdResponse.objects.all():
        record_response_scores(response=response)

    assert snapshot() == bulk
