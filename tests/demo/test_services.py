"""The synthetic generator: the default round, determinism, realistic rates."""

from __future__ import annotations

from django.db.models import Count

from demo.pilot import pilot_communes
from demo.services import generate_round
from scoring.aggregation import summarise_round
from scoring.models import MemberScore
from survey.models import HouseholdResponse, MemberResponse, Round, RoundUnit
from tests.factories import MINH_QUAN_ACUTE, NGA_QUAN

UNITS = [NGA_QUAN, MINH_QUAN_ACUTE]
PEOPLE = ("unit_id", "target_group", "sex", "age", "ethnicity", "total", "recognised", "p05")


def people(code: str) -> list[tuple]:
    return sorted(MemberScore.objects.filter(round__code=code).values_list(*PEOPLE))


def test_same_seed_same_rounds(pilot_sets):
    generate_round(code="mot", households=40, seed=21, unit_keys=UNITS)
    generate_round(code="hai", households=40, seed=21, unit_keys=UNITS)
    generate_round(code="ba", households=40, seed=22, unit_keys=UNITS)
    assert people("mot") == people("hai")
    assert people("mot") != people("ba")
    frames = [
        summarise_round(round_=Round.objects.get(code=code)).frame() for code in ("mot", "hai")
    ]
    assert frames[0].equals(frames[1])
    answers = [
        sorted(
            MemberResponse.objects.filter(response__round__code=code).values_list(
                "full_name", "birth_year", "person_id"
            )
        )
        for code in ("mot", "hai")
    ]
    assert answers[0] == answers[1]


def test_the_default_round(pilot_sets):
    assert len(pilot_communes()) == 36
    result = generate_round(code="mac-dinh", households=72, seed=3)
    round_ = result.round
    assert (round_.citizen_set.code, round_.citizen_set.version) == ("CDHT", 1)
    assert (round_.household_set.code, round_.household_set.version) == ("GDHT", 1)
    assert (round_.starts_on.year, round_.status) == (2021, "closed")
    assert RoundUnit.objects.filter(round=round_).count() == 36
    assert set(HouseholdResponse.objects.filter(round=round_).values_list("status", flat=True)) == {
        "submitted"
    }
    assert HouseholdResponse.objects.filter(round=round_).count() == 72
    size = MemberResponse.objects.filter(response__round=round_).count() / 72
    assert 3.0 <= size <= 4.6
    assert result.members == MemberResponse.objects.filter(response__round=round_).count()


def test_a_larger_round_has_the_realistic_rates(pilot_sets):
    generate_round(code="lon", households=600, seed=11, unit_keys=UNITS)
    summary = summarise_round(round_=Round.objects.get(code="lon"), breakdown="target_group")
    rates = {g.value: g.rate.rate for g in summary.total.breakdown}
    assert 0.60 <= rates["nong_dan"] <= 0.80
    assert 0.73 <= rates["cong_nhan"] <= 0.93
    assert 0.82 <= rates["can_bo"] <= 1.0
    household = summary.total.household_rate.rate
    assert 0.45 <= household <= 0.85
    mix = dict(
        MemberResponse.objects.filter(response__round__code="lon")
        .values_list("ethnicity")
        .annotate(n=Count("id"))
    )
    total = sum(mix.values())
    assert 0.65 <= mix["01"] / total <= 0.85  # Trấn Yên: about 74% Kinh
