"""Interval estimates and tests against published reference values."""

from __future__ import annotations

import pytest

from scoring.stats import (
    Z95,
    compare_proportions,
    difference_interval,
    proportion,
    two_proportion_z_test,
    wilson_interval,
)


# Newcombe (1998), "Two-sided confidence intervals for the single proportion: comparison of
# seven methods", Statistics in Medicine 17: 857-872, Table I, method 3 (score method
# without continuity correction), to four decimals.
@pytest.mark.parametrize(
    ("count", "n", "low", "high"),
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
        (29, 29, 0.8830, 1.0000),
    ],
)
def test_wilson_interval_matches_newcombe(count, n, low, high):
    interval = wilson_interval(count, n)
    assert (round(interval[0], 4), round(interval[1], 4)) == (low, high)


def test_wilson_interval_edges():
    assert wilson_interval(0, 0) is None
    assert wilson_interval(0, 20)[0] == 0.0
    assert wilson_interval(29, 29)[1] == 1.0
    with pytest.raises(ValueError):
        wilson_interval(5, 4)


# Newcombe (1998), "Interval estimation for the difference between independent proportions:
# comparison of eleven methods", Statistics in Medicine 17: 873-890, Table II, method 10
# (hybrid score interval), for x1/n1 − x2/n2.
@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2", "low", "high"),
    [
        (56, 70, 48, 80, 0.0524, 0.3339),
        (9, 10, 3, 10, 0.1705, 0.8090),
        (6, 7, 2, 7, 0.0582, 0.8062),
        (5, 56, 0, 29, -0.0381, 0.1926),
        (0, 10, 0, 20, -0.1611, 0.2775),
        (10, 10, 0, 20, 0.6791, 1.0000),
    ],
)
def test_difference_interval_matches_newcombe(x1, n1, x2, n2, low, high):
    interval = difference_interval(x1, n1, x2, n2)
    assert (round(interval[0], 4), round(interval[1], 4)) == (low, high)


def test_z_test_squared_is_pearsons_chi_square():
    # 56/70 vs 48/80: Pearson's chi-square without continuity correction on the 2×2 table
    # [[56, 14], [48, 32]], computed from expected counts (row total × column total / n).
    table = [[56, 14], [48, 32]]
    n = 150
    rows = [sum(r) for r in table]
    columns = [table[0][j] + table[1][j] for j in range(2)]
    chi_square = sum(
        (table[i][j] - rows[i] * columns[j] / n) ** 2 / (rows[i] * columns[j] / n)
        for i in range(2)
        for j in range(2)
    )
    z, p = two_proportion_z_test(48, 80, 56, 70)
    assert z**2 == pytest.approx(chi_square, rel=1e-12)
    assert z == pytest.approx(2.6502, abs=1e-4)
    assert p == pytest.approx(0.008045, abs=1e-6)


def test_the_two_sided_p_value_at_the_975_percent_quantile_is_5_percent():
    from math import erfc, sqrt

    assert erfc(Z95 / sqrt(2)) == pytest.approx(0.05, abs=1e-12)


def test_no_test_without_variation_or_data():
    assert two_proportion_z_test(0, 10, 0, 20) is None
    assert two_proportion_z_test(0, 0, 3, 20) is None


def test_compare_proportions_is_b_minus_a():
    a, b = proportion(48, 80), proportion(56, 70)
    diff = compare_proportions(a, b)
    assert diff.difference == pytest.approx(0.2)
    assert (round(diff.low, 4), round(diff.high, 4)) == (0.0524, 0.3339)
    assert diff.significant is True
    assert diff.small is False
    small = compare_proportions(proportion(5, 10), proportion(6, 12))
    assert small.small is True
    assert small.significant is False


def test_proportion_flags_small_samples():
    assert proportion(10, 29).small is True
    assert proportion(10, 30).small is False
    assert proportion(0, 0).rate is None
