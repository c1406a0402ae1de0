"""Figures are rounded half up, never cut off: the shared formatter and the page filters."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from scoring.formatting import format_number, format_percent, format_points, round_percent
from scoring.stats import Proportion
from scoring.templatetags.report_tags import interval, num, pct, points, pvalue

PERCENTS = [
    # share, digits, Vietnamese, English
    (0.6875, 1, "68,8%", "68.8%"),
    (0.45283, 1, "45,3%", "45.3%"),
    (0.96875, 1, "96,9%", "96.9%"),
    (0.0625, 1, "6,3%", "6.3%"),  # f"{0.0625:.1%}" gives 6.2% (half to even)
    (0.145, 1, "14,5%", "14.5%"),  # 0.145 * 100 is 14.499999999999998 in binary
    (0.6875, 0, "69%", "69%"),
    (0.125, 0, "13%", "13%"),
    (0.745, 0, "75%", "75%"),
    (1.0, 1, "100,0%", "100.0%"),
    (0.0, 1, "0,0%", "0.0%"),
]


@pytest.mark.parametrize(("share", "digits", "vi", "en"), PERCENTS)
def test_format_percent_rounds_half_up(share, digits, vi, en):
    assert format_percent(value=share, digits=digits, language="vi") == vi
    assert format_percent(value=share, digits=digits, language="en") == en


@pytest.mark.parametrize(
    ("value", "digits", "vi", "en"),
    [
        (79.3765, 2, "79,38", "79.38"),
        (79.376, 2, "79,38", "79.38"),
        (79.375, 2, "79,38", "79.38"),
        (79.374, 2, "79,37", "79.37"),
        (45.25, 1, "45,3", "45.3"),
        (2.675, 2, "2,68", "2.68"),  # round(2.675, 2) gives 2.67
        (11740, 0, "11.740", "11,740"),
        (1234567.5, 0, "1.234.568", "1,234,568"),
        (-0.004, 2, "0,00", "0.00"),
    ],
)
def test_format_number_rounds_half_up(value, digits, vi, en):
    assert format_number(value=value, digits=digits, language="vi") == vi
    assert format_number(value=value, digits=digits, language="en") == en


def test_inputs_of_every_kind_round_the_same():
    import numpy as np

    for value in (0.6875, np.float64(0.6875), Decimal("0.6875")):
        assert round_percent(value=value, digits=1) == Decimal("68.8")
    assert format_number(value=np.int64(12345), digits=0, language="vi") == "12.345"
    assert format_number(value=10**20 + 1, digits=0, language="en") == f"{10**20 + 1:,}"


def test_points_are_signed_after_rounding():
    assert format_points(value=0.052, digits=1, language="vi") == "+5,2"
    assert format_points(value=0.0525, digits=1, language="vi") == "+5,3"
    assert format_points(value=-0.0525, digits=1, language="en") == "-5.3"
    assert format_points(value=0.0004, digits=1, language="vi") == "0,0"


def test_page_filters_round_half_up_in_both_languages():
    share = Proportion(count=11, n=16, rate=0.6875, low=0.45283, high=0.96875)
    with translation.override("vi"):
        assert pct(0.6875) == "68,8%"
        assert pct(0.45283) == "45,3%"
        assert pct(0.96875) == "96,9%"
        assert pct(0.6875, 0) == "69%"
        assert num(79.3765, 2) == "79,38"
        assert num(79.376, 1) == "79,4"
        assert num(11740) == "11.740"
        assert points(0.0625) == "+6,3"
        assert pvalue(0.0125) == "0,013"
        assert pct(None) == num(float("nan")) == "—"
        assert interval(share) == "45,3–96,9%"
    with translation.override("en"):
        assert pct(0.6875) == "68.8%"
        assert pct(0.6875, 0) == "69%"
        assert num(79.3765, 2) == "79.38"
        assert num(11740) == "11,740"
