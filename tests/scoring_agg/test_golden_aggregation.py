"""The aggregation against a hand-written expected table.

The score rows below are written by hand (how answers become such rows is the
engine's business, covered by tests/scoring); every expected number was counted
by hand from them. Round "r-nho", CDHT v1 (ten indicators, minimum 5 each) and
GDHT v1, planned households: Nga Quán 4, Minh Quán 2, Yên Ninh 3.

    household commune   status    members (group, sex, age, ethnicity: total, recognised)
    H1        Nga Quán  submitted m1 nong_dan M 40 Kinh: 85 yes; m2 can_bo F 35 Tày: 92 yes
    H2        Nga Quán  submitted m3 nong_dan M 62 Kinh: 70 no; m4 nong_dan F 17 Kinh: 60 unknown
    H3        Nga Quán  returned  m5 cong_nhan M 30 Kinh: 88 yes (not counted by default)
    H4        Minh Quán verified  m6 cong_nhan F 28 Dao: 81 yes; a child, not assessed
    H5        Minh Quán approved  a child only (counts as a household surveyed)
    H6        Yên Ninh  submitted m8 can_bo M 50 Kinh: 79.5 no

("unknown": undetermined.) Households (GDHT): H1 85 yes, H2 60 no, H3 90 yes, H4 82 yes,
H5 50 undetermined, H6 80 yes.
"""

from __future__ import annotations

import pandas as pd
import pytest

from scoring.aggregates import rebuild_run_aggregates
from scoring.aggregation import summarise_round
from scoring.models import POINT_COLUMNS, HouseholdScore, MemberScore, ScoredResponse
from scoring.services import primary_runs
from scoring.stats import wilson_interval
from scoring.summary import AREA_COLUMNS, AggregationError
from tests.factories import MINH_QUAN_ACUTE, NGA_QUAN
from tests.scoring_agg.conftest import (
    CITY,
    LAO_CAI,
    NAM_CUONG_2025,
    PROVINCE,
    TRAN_YEN,
    TRAN_YEN_2025,
    YEN_BAI_WARD_2025,
    YEN_NINH,
)
from tests.survey.factories import HouseholdResponseFactory, MemberResponseFactory

NA, MISS = "na", "missing"
# CD01..CD10 of each member; CD06 (foreign language) applies to cadres only.
POINTS = {
    "m1": [8, 9, 8, 10, 10, NA, 9, 8, 9, 10],
    "m2": [10, 10, 9, 9, 10, 8, 9, 9, 10, 8],
    "m3": [6, 7, 5, 7, 4, NA, 7, 6, 8, 6],
    "m4": [8, 8, 5, MISS, 8, NA, 5, 8, 8, 5],
    "m5": [9, 9, 9, 9, 9, NA, 9, 9, 9, 9],
    "m6": [8, 8, 8, 8, 6, NA, 8, 8, 8, 9],
    "m8": [8, 7, 8, 8, 7, 3, 8, 8, 8, 8],
}
MEMBERS = {  # name: (household, group, sex, age, ethnicity, total, recognised)
    "m1": ("H1", "nong_dan", "male", 40, "01", 85.0, True),
    "m2": ("H1", "can_bo", "female", 35, "02", 92.0, True),
    "m3": ("H2", "nong_dan", "male", 62, "01", 70.0, False),
    "m4": ("H2", "nong_dan", "female", 17, "01", 60.0, None),
    "m5": ("H3", "cong_nhan", "male", 30, "01", 88.0, True),
    "m6": ("H4", "cong_nhan", "female", 28, "09", 81.0, True),
    "m8": ("H6", "can_bo", "male", 50, "01", 79.5, False),
}
HOUSEHOLDS = {  # name: (commune, status, household total, recognised)
    "H1": (NGA_QUAN, "submitted", 85.0, True),
    "H2": (NGA_QUAN, "submitted", 60.0, False),
    "H3": (NGA_QUAN, "returned", 90.0, True),
    "H4": (MINH_QUAN_ACUTE, "verified", 82.0, True),
    "H5": (MINH_QUAN_ACUTE, "approved", 50.0, None),
    "H6": (YEN_NINH, "submitted", 80.0, True),
}
BANDS = {17: "15-24", 28: "25-39", 30: "25-39", 35: "25-39", 40: "40-59", 50: "40-59", 62: "60+"}


def _columns(points: list) -> dict:
    columns = {c: None for c in POINT_COLUMNS}
    na = missing = 0
    for index, value in enumerate(points):
        if value == NA:
            na |= 1 << index
        elif value == MISS:
            missing |= 1 << index
        else:
            columns[POINT_COLUMNS[index]] = float(value)
    return {**columns, "na_mask": na, "missing_mask": missing}


@pytest.fixture
def golden(small_round, make_user):
    surveyor = make_user("surveyor")
    citizen_run, household_run = primary_runs(round_=small_round)
    responses = {}
    for name, (unit, status, total, recognised) in HOUSEHOLDS.items():
        response = HouseholdResponseFactory(
            round=small_round, unit_id=unit, status=status, surveyor=surveyor
        )
        responses[name] = response
        assessed = [m for m, spec in MEMBERS.items() if spec[0] == name]
        ScoredResponse.objects.create(
            run=citizen_run,
            response=response,
            unit_id=unit,
            status=status,
            revision=1,
            members=len(assessed),
        )
        HouseholdScore.objects.create(
            run=household_run,
            round=small_round,
            response=response,
            unit_id=unit,
            status=status,
            total=total,
            recognised=recognised,
            complete=recognised is not None,
            **_columns([8] * 10),
        )
        if name in ("H4", "H5"):  # a child the pilot set does not assess
            MemberResponseFactory(response=response, position=9, target_group="", birth_year=2015)
    for position, (name, (household, group, sex, age, ethnicity, total, recognised)) in enumerate(
        MEMBERS.items(), start=1
    ):
        response = responses[household]
        member = MemberResponseFactory(
            response=response,
            position=position,
            target_group=group,
            sex=sex,
            birth_year=2021 - age,
            ethnicity=ethnicity,
        )
        MemberScore.objects.create(
            run=citizen_run,
            round=small_round,
            response=response,
            unit_id=response.unit_id,
            status=response.status,
            member=member,
            target_group=group,
            sex=sex,
            age=age,
            age_band=BANDS[age],
            ethnicity=ethnicity,
            total=total,
            recognised=recognised,
            complete=recognised is not None,
            **_columns(POINTS[name]),
        )
    rebuild_run_aggregates(run=citizen_run)
    rebuild_run_aggregates(run=household_run)
    return small_round


def _row(key, name, level, planned, households, members, undetermined, recognised, mean,
         adults, cadres, digital, hh):  # fmt: skip
    """One expected row; adults/cadres/digital/hh are (count, n) pairs (hh: +undetermined)."""
    decided = members - undetermined
    rate = recognised / decided if decided else None
    interval = wilson_interval(recognised, decided) if decided else (None, None)
    hh_count, hh_n, hh_undetermined = hh
    hh_interval = wilson_interval(hh_count, hh_n) if hh_n else (None, None)
    return {
        "area_key": key,
        "area": name,
        "level": level,
        "partial": False,
        "planned": planned,
        "households": households,
        "coverage": households / planned,
        "members": members,
        "undetermined": undetermined,
        "decided": decided,
        "recognised": recognised,
        "rate": rate,
        "ci_low": interval[0],
        "ci_high": interval[1],
        "mean_total": mean,
        "adults_decided": adults[1],
        "adults_recognised": adults[0],
        "adults_rate": adults[0] / adults[1] if adults[1] else None,
        "cadres_decided": cadres[1],
        "cadres_recognised": cadres[0],
        "cadres_rate": cadres[0] / cadres[1] if cadres[1] else None,
        "digital_base": digital[1],
        "digital_ok": digital[0],
        "digital_rate": digital[0] / digital[1] if digital[1] else None,
        "households_assessed": hh_n + hh_undetermined,
        "households_undetermined": hh_undetermined,
        "households_recognised": hh_count,
        "household_rate": hh_count / hh_n if hh_n else None,
        "household_ci_low": hh_interval[0],
        "household_ci_high": hh_interval[1],
    }


# Digital skills: recognised members with CD05 ≥ 8 — m1 (10) and m2 (10) yes, m6 (6) no.
TOTAL = ("*", "Tổng cộng", "total", 9, 5, 6, 1, 3, (85 + 92 + 70 + 81 + 79.5) / 5,
         (3, 5), (1, 2), (2, 3), (3, 4, 1))  # fmt: skip
COMMUNES = [
    # Vietnamese order: Phường Yên Ninh, Xã Minh Quán, Xã Nga Quán.
    (YEN_NINH, "Phường Yên Ninh", "commune", 3, 1, 1, 0, 0, 79.5, (0, 1), (0, 1), (0, 0),
     (1, 1, 0)),
    (MINH_QUAN_ACUTE, "Xã Minh Quán", "commune", 2, 2, 1, 0, 1, 81.0, (1, 1), (0, 0), (0, 1),
     (1, 1, 1)),
    (NGA_QUAN, "Xã Nga Quán", "commune", 4, 2, 4, 1, 2, (85 + 92 + 70) / 3, (2, 3), (1, 1),
     (2, 2), (1, 2, 0)),
]  # fmt: skip
DISTRICTS = [
    (TRAN_YEN, "Huyện Trấn Yên", "district", 6, 4, 5, 1, 3, (85 + 92 + 70 + 81) / 4, (3, 4),
     (1, 1), (2, 3), (2, 3, 1)),
    (CITY, "Thành phố Yên Bái", "district", 3, 1, 1, 0, 0, 79.5, (0, 1), (0, 1), (0, 0),
     (1, 1, 0)),
]  # fmt: skip


def _expected(rows) -> pd.DataFrame:
    return pd.DataFrame([_row(*r) for r in [*rows, TOTAL]], columns=AREA_COLUMNS)


@pytest.mark.parametrize(("level", "rows"), [("commune", COMMUNES), ("district", DISTRICTS)])
def test_summary_by_level_equals_the_hand_counted_table(golden, level, rows):
    summary = summarise_round(round_=golden, level=level)
    pd.testing.assert_frame_equal(summary.frame(), _expected(rows), check_dtype=False)


def test_the_same_table_from_the_score_rows_and_from_the_aggregates(golden):
    from_rows = summarise_round(round_=golden, level="commune", source="rows")
    from_aggregates = summarise_round(round_=golden, level="commune", source="aggregates")
    assert (from_rows.source, from_aggregates.source) == ("rows", "aggregates")
    pd.testing.assert_frame_equal(from_rows.frame(), _expected(COMMUNES), check_dtype=False)
    pd.testing.assert_frame_equal(from_aggregates.frame(), _expected(COMMUNES), check_dtype=False)


def test_province_level_is_the_total(golden):
    frame = summarise_round(round_=golden, level="province").frame()
    assert list(frame["area_key"]) == [PROVINCE, "*"]
    assert (
        frame.iloc[0]
        .drop(["area_key", "area", "level"])
        .equals(frame.iloc[1].drop(["area_key", "area", "level"]))
    )
    assert frame.iloc[0]["area"] == "Tỉnh Yên Bái"


def test_regrouped_onto_the_2025_units_over_several_hops(golden):
    summary = summarise_round(round_=golden, level="commune", hierarchy="2025")
    areas = {f.area.key: f for f in summary.areas}
    assert set(areas) == {NAM_CUONG_2025, TRAN_YEN_2025, YEN_BAI_WARD_2025}
    # Xã Nga Quán went into Xã Cường Thịnh in 2024, which went into Phường Nam Cường in 2025.
    assert (areas[NAM_CUONG_2025].area.name, areas[NAM_CUONG_2025].members) == (
        "Phường Nam Cường",
        4,
    )
    assert (areas[TRAN_YEN_2025].area.name, areas[TRAN_YEN_2025].households) == ("Xã Trấn Yên", 2)
    assert areas[YEN_BAI_WARD_2025].rate.count == 0
    province = summarise_round(round_=golden, level="province", hierarchy="2025")
    assert [(f.area.key, f.area.name, f.members) for f in province.areas] == [
        (LAO_CAI, "Tỉnh Lào Cai", 6)
    ]


def test_no_district_level_on_the_2025_hierarchy(golden):
    with pytest.raises(AggregationError, match="không có cấp huyện"):
        summarise_round(round_=golden, level="district", hierarchy="2025")


def test_indicators_count_not_applicable_and_missing_apart(golden):
    indicators = {i.code: i for i in summarise_round(round_=golden).total.indicators}
    # (scored, mean, at or above 5, n for the share, not applicable, missing)
    expected = {
        "CD01": (6, 48 / 6, 6, 0, 0),
        "CD02": (6, 49 / 6, 6, 0, 0),
        "CD03": (6, 43 / 6, 6, 0, 0),
        "CD04": (5, 42 / 5, 5, 0, 1),
        "CD05": (6, 45 / 6, 5, 0, 0),
        "CD06": (2, 11 / 2, 1, 4, 0),
        "CD07": (6, 46 / 6, 6, 0, 0),
        "CD08": (6, 47 / 6, 6, 0, 0),
        "CD09": (6, 51 / 6, 6, 0, 0),
        "CD10": (6, 46 / 6, 6, 0, 0),
    }
    for code, (scored, mean, at_min, na, missing) in expected.items():
        figure = indicators[code]
        assert (figure.scored, figure.at_min.count, figure.at_min.n) == (scored, at_min, scored)
        assert figure.mean == pytest.approx(mean, abs=1e-12)
        assert (figure.not_applicable, figure.missing) == (na, missing)


def test_breakdown_by_target_group(golden):
    summary = summarise_round(round_=golden, breakdown="target_group")
    rows = [
        (g.value, g.members, g.undetermined, g.rate.count, g.rate.n, g.mean_total)
        for g in summary.total.breakdown
    ]
    assert rows == [
        ("nong_dan", 3, 1, 1, 2, 77.5),
        ("cong_nhan", 1, 0, 1, 1, 81.0),
        ("can_bo", 2, 0, 1, 2, 85.75),
    ]
    labels = [g.label for g in summary.total.breakdown]
    assert labels[0] == "Nông dân và người lao động ở nông thôn"


def test_breakdowns_by_sex_age_band_and_ethnicity(golden):
    summary = summarise_round(round_=golden, breakdown=("sex", "age_band", "ethnicity"))
    by = {
        dimension: [(g.value, g.members, g.rate.count) for g in groups]
        for dimension, groups in summary.total.breakdowns.items()
    }
    assert by == {
        "sex": [("female", 3, 2), ("male", 3, 1)],
        "age_band": [("15-24", 1, 0), ("25-39", 2, 2), ("40-59", 2, 1), ("60+", 1, 0)],
        "ethnicity": [("01", 4, 1), ("02", 1, 1), ("09", 1, 1)],
    }


def test_returned_responses_count_only_when_asked(golden):
    summary = summarise_round(
        round_=golden, statuses=("submitted", "verified", "approved", "returned")
    )
    total = summary.total
    assert (total.households, total.members, total.rate.count, total.rate.n) == (6, 7, 4, 6)
    assert (total.household_rate.count, total.household_rate.n) == (4, 5)


def test_filters_apply_to_members_only(golden):
    summary = summarise_round(round_=golden, filters={"sex": ["female"]})
    total = summary.total
    assert (total.members, total.undetermined, total.rate.count, total.rate.n) == (3, 1, 2, 2)
    # Households surveyed and the household figures are not filtered by member attributes.
    assert (total.households, total.household_rate.count) == (5, 3)


def test_a_scope_keeps_its_communes_and_flags_partial_areas(golden):
    summary = summarise_round(round_=golden, level="district", unit_keys={NGA_QUAN})
    assert [(f.area.key, f.area.partial, f.members, f.planned) for f in summary.areas] == [
        (TRAN_YEN, True, 4, 4)
    ]
    assert summary.total.area.partial is True


def test_targets_beside_the_measures(golden):
    targets = {t.indicator: t for t in summarise_round(round_=golden).total.targets}
    adults = targets["adults_recognised"]
    assert (adults.value.count, adults.value.n, adults.target_2025, adults.target_2030) == (
        3,
        5,
        40.0,
        60.0,
    )
    assert (targets["cadres_recognised"].target_2025, targets["digital_skills"].target_2030) == (
        60.0,
        90.0,
    )
    households = targets["households_recognised"]
    assert (households.value.count, households.value.n, households.target_2025) == (3, 4, 70.0)
    assert households.target_2030 is None
