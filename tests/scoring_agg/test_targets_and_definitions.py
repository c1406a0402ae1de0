"""Targets are data (national defaults, provinces' own first); definitions are facts of the set."""

from __future__ import annotations

from dataclasses import replace
from io import StringIO

from django.core.management import call_command
from django.template.loader import render_to_string

from criteria import selectors
from criteria.models import CriteriaSet
from criteria.selectors import find_version, spec_of
from criteria.services import save_spec
from demo.services import generate_round
from exports.columns import summary_columns
from exports.content import gather_round_export
from exports.options import ExportOptions
from scoring.aggregation import summarise_round
from scoring.definitions import (
    TargetDefinitions,
    definitions_for,
    definitions_for_round,
    definitions_for_run,
)
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


def _variant(*, version: int, **changes) -> CriteriaSet:
    """A published copy of CDHT v1 under another version number, with ``changes``."""
    spec = spec_of(criteria_set=find_version(code="CDHT", version=1))
    return save_spec(spec=replace(spec, version=version, status="published", **changes))


def test_other_digital_definitions_are_computed_from_the_rows(pilot_sets):
    round_ = generate_round(code="so-hoa", households=30, seed=4, unit_keys=[NGA_QUAN]).round
    stored = summarise_round(round_=round_)
    assert stored.source == "aggregates"
    # The set's threshold changes after the aggregates were built (an amended set, as a
    # restarted server reads it: published specs are cached per process).
    CriteriaSet.objects.filter(pk=round_.citizen_set_id).update(digital_min_points=10)
    selectors._published_specs.clear()
    strict = summarise_round(round_=round_)
    assert strict.source == "rows"
    assert strict.definitions.digital_min_points == 10.0
    assert strict.total.digital.n == stored.total.digital.n
    assert strict.total.digital.count < stored.total.digital.count
    call_command("rebuild_aggregates", "so-hoa", stdout=StringIO())
    run = ScoringRun.objects.get(round=round_, kind="primary", based_on__isnull=True)
    assert run.aggregate_params == {"digital_indicator": "CD05", "digital_min_points": 10.0}
    rebuilt = summarise_round(round_=round_)
    assert rebuilt.source == "aggregates"
    assert rebuilt.frame().equals(strict.frame())


def test_a_set_without_a_digital_indicator_leaves_the_figure_not_defined(pilot_sets):
    plain = _variant(version=9, digital_indicator=None, digital_min_points=None)
    round_ = generate_round(
        code="khong-so", households=12, seed=2, unit_keys=[NGA_QUAN], citizen_set=plain
    ).round
    run = ScoringRun.objects.get(round=round_, kind="primary", based_on__isnull=True)
    assert definitions_for_run(run=run) == TargetDefinitions(
        cadre_groups=("can_bo",), digital_indicator=None, digital_min_points=None
    )
    assert run.aggregate_params == {"digital_indicator": None, "digital_min_points": None}
    summary = summarise_round(round_=round_)
    assert summary.source == "aggregates"
    assert summary.total.members > 0
    assert summary.total.digital is None
    assert [a.digital for a in summary.areas] == [None]
    digital = {t.indicator: t for t in summary.total.targets}["digital_skills"]
    assert (digital.value, digital.defined) == (None, False)
    row = summary.frame().iloc[-1]
    assert [row["digital_base"], row["digital_ok"], row["digital_rate"]] == [None, None, None]
    html = render_to_string(
        "scoring/_targets.html",
        {"figures": summary.total, "definitions": summary.definitions, "adult_age": 15},
    )
    digital_row = html[html.index('data-target="digital_skills"') :].split("</tr>")[0]
    assert "bộ tiêu chí không định nghĩa" in digital_row
    assert "%" not in digital_row.split("data-undefined")[1].split("</td>")[0]
    assert "Kỹ năng số: bộ tiêu chí không định nghĩa chỉ số kỹ năng số" in html
    export = gather_round_export(round_=round_, options=ExportOptions(), user=None)
    assert ("Kỹ năng số", "Bộ tiêu chí không định nghĩa chỉ số kỹ năng số.") in export.cover
    digital_rate = next(c for c in summary_columns() if c.key == "digital_skills_rate")
    assert [digital_rate.get(row) for row in export.rows] == [None, None, None]


def test_cadre_groups_are_the_groups_marked_cadre(pilot_sets):
    v1 = spec_of(criteria_set=find_version(code="CDHT", version=1))
    v2 = spec_of(criteria_set=find_version(code="CDHT", version=2))
    assert definitions_for(spec=v1) == TargetDefinitions(
        cadre_groups=("can_bo",), digital_indicator="CD05", digital_min_points=8.0
    )
    assert definitions_for(spec=v2) == TargetDefinitions(
        cadre_groups=("can_bo_dn",), digital_indicator="CD05", digital_min_points=8.0
    )
    wider = _variant(
        version=9,
        target_groups=tuple(
            replace(g, cadre=g.code in {"cong_nhan", "can_bo"}) for g in v1.target_groups
        ),
    )
    round_ = generate_round(
        code="can-bo", households=30, seed=3, unit_keys=[NGA_QUAN], citizen_set=wider
    ).round
    assert definitions_for_round(round_=round_).cadre_groups == ("cong_nhan", "can_bo")
    summary = summarise_round(round_=round_, breakdown="target_group")
    assert summary.definitions.cadre_groups == ("cong_nhan", "can_bo")
    groups = {g.value: g.rate for g in summary.total.breakdown}
    assert set(groups) >= {"cong_nhan", "can_bo"}
    cadres = summary.total.cadres
    assert (cadres.count, cadres.n) == (
        groups["cong_nhan"].count + groups["can_bo"].count,
        groups["cong_nhan"].n + groups["can_bo"].n,
    )
    assert cadres.n > groups["can_bo"].n
