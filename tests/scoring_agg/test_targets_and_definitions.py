"""Targets are data (national defaults, provinces' own first); definitions are settings."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from demo.services import generate_round
from scoring.aggregation import summarise_round
from scoring.models import ScoringRun, Target
from scoring.services import install_default_targets
from tests.factories import NGA_QUAN, YEN_BAI_PROVINCE


def test_default_targets_are_installed_once_and_edits_kept(pilot_sets):
    assert install_default_targets() == 0  # the fixture installed them
    national = Target.objects.filter(province__isnull=True)
    assert sorted(national.values_list("indicator", "year", "value")) == [
        ("adults_recognised", 2025, 40),
        ("adults_recognised", 2030, 60),
        ("cadres_recognised", 2025, 60),
        ("cadres_recognised", 2030, 80),
        ("digital_online", 2025, 60),
        ("digital_online", 2030, 80),
        ("digital_skills", 2025, 70),
        ("digital_skills", 2030, 90),
        ("households_recognised", 2025, 70),
    ]
    national.filter(indicator="adults_recognised", year=2025).update(value=45)
    out = StringIO()
    call_command("install_targets", stdout=out)
    assert out.getvalue().strip() == "Targets: 0 created."
    assert national.get(indicator="adults_recognised", year=2025).value == 45


def test_a_province_target_comes_before_the_national_one(pilot_sets):
    round_ = generate_round(code="chi-tieu", households=5, seed=1, unit_keys=[NGA_QUAN]).round
    Target.objects.create(
        province_id=YEN_BAI_PROVINCE, indicator="adults_recognised", year=2025, value=50
    )
    targets = {t.indicator: t for t in summarise_round(round_=round_).total.targets}
    assert (targets["adults_recognised"].target_2025, targets["adults_recognised"].target_2030) == (
        50.0,
        60.0,
    )
    # On the 2025 units the province is Lào Cai, which has no target of its own.
    regrouped = summarise_round(round_=round_, hierarchy="2025").total.targets
    assert {t.indicator: t.target_2025 for t in regrouped}["adults_recognised"] == 40.0


def test_other_digital_definitions_are_computed_from_the_rows(pilot_sets, settings):
    round_ = generate_round(code="so-hoa", households=30, seed=4, unit_keys=[NGA_QUAN]).round
    stored = summarise_round(round_=round_)
    assert stored.source == "aggregates"
    settings.SCORING_TARGET_DEFINITIONS = {"digital_min_points": 10}
    strict = summarise_round(round_=round_)
    assert strict.source == "rows"
    assert strict.total.digital.n == stored.total.digital.n
    assert strict.total.digital.count < stored.total.digital.count
    call_command("rebuild_aggregates", "so-hoa", stdout=StringIO())
    run = ScoringRun.objects.get(round=round_, kind="primary", based_on__isnull=True)
    assert run.aggregate_params == {"digital_indicator": "CD05", "digital_min_points": 10.0}
    rebuilt = summarise_round(round_=round_)
    assert rebuilt.source == "aggregates"
    assert rebuilt.frame().equals(strict.frame())
