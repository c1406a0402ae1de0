"""Fixtures for the aggregation and report tests: the shipped sets, targets, rounds."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command

from criteria.selectors import find_version
from scoring.services import install_default_targets
from survey.models import Round
from survey.rounds import create_round
from tests.factories import MINH_QUAN_ACUTE, NGA_QUAN

YEN_NINH = "04252@2020-02-01"  # Phường Yên Ninh, thành phố Yên Bái
CITY = "132@2020-02-01"
TRAN_YEN = "138@2020-02-01"
PROVINCE = "15@2020-02-01"
NAM_CUONG_2025 = "04273@2025-07-01"  # Nga Quán → Cường Thịnh (2024) → Nam Cường (2025)
TRAN_YEN_2025 = "04498@2025-07-01"  # Xã Trấn Yên, successor of Xã Minh Quán
YEN_BAI_WARD_2025 = "04252@2025-07-01"  # Phường Yên Bái, successor of Phường Yên Ninh
LAO_CAI = "15@2025-07-01"


@pytest.fixture
def pilot_sets(units) -> None:
    call_command("install_criteria_sets", verbosity=0)
    install_default_targets()


@pytest.fixture
def small_round(pilot_sets) -> Round:
    """A closed 2021 round on CDHT v1 and GDHT v1 over three communes of both districts."""
    return create_round(
        code="r-nho",
        name="Đợt nhỏ",
        citizen_set=find_version(code="CDHT", version=1),
        household_set=find_version(code="GDHT", version=1),
        starts_on=date(2021, 6, 1),
        ends_on=date(2021, 11, 30),
        planned={NGA_QUAN: 4, MINH_QUAN_ACUTE: 2, YEN_NINH: 3},
        status=Round.Status.CLOSED,
    )
