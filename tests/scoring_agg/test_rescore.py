"""Rescoring writes new runs beside the original, which stays as it was."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from criteria.selectors import find_version
from demo.services import generate_round
from scoring.models import POINT_COLUMNS, HouseholdScore, MemberScore, ScoringRun
from scoring.selectors import compare_runs
from scoring.services import rescore_round
from tests.factories import MINH_QUAN_ACUTE, NGA_QUAN
from tests.scoring_agg.conftest import YEN_NINH

ROW = ("member_id", "unit_id", "status", "target_group", "total", "recognised", "level")
ROW += ("na_mask", "missing_mask", *POINT_COLUMNS)


def rows(run) -> list[tuple]:
    return sorted(MemberScore.objects.filter(run=run).values_list(*ROW))


@pytest.fixture
def generated(pilot_sets):
    return generate_round(
        code="r-cham", households=30, seed=9, unit_keys=[NGA_QUAN, MINH_QUAN_ACUTE, YEN_NINH]
    ).round


def test_rescore_under_its_own_version_gives_the_same_rows_in_a_new_run(generated):
    primary = ScoringRun.objects.get(round=generated, kind="primary", based_on__isnull=True)
    household = ScoringRun.objects.get(round=generated, kind="primary", based_on=primary)
    before = rows(primary)
    result = rescore_round(round_=generated, note="sau khi sửa quy tắc")
    assert result.citizen_run.pk not in (primary.pk, household.pk)
    assert (result.citizen_run.kind, result.citizen_run.complete) == ("rescore", True)
    assert result.household_run.based_on == result.citizen_run
    assert rows(primary) == before  # untouched
    assert [r[1:] for r in rows(result.citizen_run)] == [r[1:] for r in before]
    assert result.members == len(before)
    assert result.households == 30
    assert HouseholdScore.objects.filter(run=result.household_run).count() == 30
    assert sorted(
        HouseholdScore.objects.filter(run=result.household_run).values_list("total", "recognised")
    ) == sorted(HouseholdScore.objects.filter(run=household).values_list("total", "recognised"))


def test_rescore_under_another_version_reads_groups_under_that_version(generated):
    primary = ScoringRun.objects.get(round=generated, kind="primary", based_on__isnull=True)
    before = rows(primary)
    result = rescore_round(round_=generated, citizen_set=find_version(code="CDHT", version=2))
    assert rows(primary) == before
    groups = set(MemberScore.objects.filter(run=result.citizen_run).values_list(
        "target_group", flat=True
    ))  # fmt: skip
    assert groups <= {"cu_dan", "nguoi_lao_dong", "can_bo_dn"}
    assert MemberScore.objects.filter(run=result.citizen_run).count() == len(before)
    changes, shared = compare_runs(
        base=primary,
        other=result.citizen_run,
        unit_keys=[NGA_QUAN, MINH_QUAN_ACUTE, YEN_NINH],
        statuses=["submitted"],
    )
    assert shared == [f"CD{n:02d}" for n in range(1, 11)]
    assert sum(c.compared for c in changes) == len(before)
    for c in changes:
        assert c.gained + c.lost + c.to_undetermined + c.from_undetermined + c.unchanged == (
            c.compared
        )


def test_rescore_command_prints_progress_and_the_new_runs(generated):
    out = StringIO()
    call_command("rescore", "r-cham", "--criteria", "CDHT:2", stdout=out)
    text = out.getvalue()
    assert "rescore [" in text and "100.0%" in text
    run = ScoringRun.objects.filter(round=generated, kind="rescore", based_on__isnull=True).get()
    assert f"citizen run #{run.pk} (CDHT v2" in text
    with pytest.raises(CommandError, match="no criteria set"):
        call_command("rescore", "r-cham", "--criteria", "CDHT:9", stdout=StringIO())
    with pytest.raises(CommandError, match="Không có đợt"):
        call_command("rescore", "khong-co", stdout=StringIO())


def test_parallel_scoring_writes_the_same_rows(generated):
    serial = rescore_round(round_=generated, workers=0, chunk=7)
    parallel = rescore_round(round_=generated, workers=2, chunk=7)
    assert [r[1:] for r in rows(parallel.citizen_run)] == [r[1:] for r in rows(serial.citizen_run)]
    assert sorted(
        HouseholdScore.objects.filter(run=parallel.household_run).values_list(
            "response_id", "total", "recognised", "na_mask", "missing_mask", *POINT_COLUMNS
        )
    ) == sorted(
        HouseholdScore.objects.filter(run=serial.household_run).values_list(
            "response_id", "total", "recognised", "na_mask", "missing_mask", *POINT_COLUMNS
        )
    )
    assert (parallel.households, parallel.members) == (serial.households, serial.members)
