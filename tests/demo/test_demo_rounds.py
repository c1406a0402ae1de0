"""The first start shows figures: two closed demo rounds of generated households."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from scoring.models import ScoreAggregate
from survey.models import HouseholdResponse, Round

pytestmark = pytest.mark.django_db


def test_the_demo_rounds_are_created_once_closed_on_the_communes_of_their_era(pilot_sets):
    call_command("create_demo_rounds", "--households", "40")
    call_command("create_demo_rounds", "--households", "40")  # idempotent

    rounds = {r.code: r for r in Round.objects.filter(code__startswith="demo-")}
    assert sorted(rounds) == ["demo-2021", "demo-2025"]
    old, new = rounds["demo-2021"], rounds["demo-2025"]
    assert (old.status, new.status) == ("closed", "closed")
    assert old.name == "Dữ liệu thử: khảo sát 2021 (đã kết thúc)"
    assert (old.citizen_set.code, old.citizen_set.version) == ("CDHT", 1)
    assert (new.citizen_set.code, new.citizen_set.version) == ("CDHT", 2)
    assert old.round_units.count() == 36
    communes = set(new.round_units.values_list("unit_id", flat=True))
    assert len(communes) == 9 and all(key.endswith("@2025-07-01") for key in communes)
    for round_ in (old, new):
        responses = HouseholdResponse.objects.filter(round=round_)
        assert responses.count() == 40
        days = responses.values_list("survey_date", flat=True)
        assert all(round_.starts_on <= day <= round_.ends_on for day in days)
        assert ScoreAggregate.objects.filter(run__round=round_).exists()
