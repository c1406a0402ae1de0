"""Interval estimates and tests for proportions (plain Python, no Django).

* ``wilson_interval``: the 95% Wilson score interval for one proportion, without
  continuity correction (Wilson 1927; method 3 of Newcombe 1998, "Two-sided
  confidence intervals for the single proportion", Statistics in Medicine 17,
  857-872). Unlike the textbook "p ± 1.96·SE" it stays inside [0, 1] and keeps
  its coverage for small samples and rates near 0 or 1::

      centre = (p + z²/2n) / (1 + z²/n)
      half   = z / (1 + z²/n) · √(p(1 − p)/n + z²/4n²)

* ``two_proportion_z_test``: the pooled two-proportion z-test (equivalent to
  Pearson's chi-square test on the 2×2 table without continuity correction,
  z² = χ²), two-sided p-value.
* ``difference_interval``: the 95% interval for the difference of two
  independent proportions by Newcombe's hybrid score method (method 10 of
  Newcombe 1998, "Interval estimation for the difference between independent
  proportions", Statistics in Medicine 17, 873-890), built from the two
  Wilson intervals.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import erfc, sqrt

Z95 = 1.959963984540054  # the 97.5% quantile of the standard normal distribution
SMALL_SAMPLE = 30  # below this many, a rate is flagged as a small sample (shown, not hidden)


@dataclass(frozen=True)
class Proportion:
    """``count`` out of ``n``, with its rate and 95% Wilson interval (None when n = 0)."""

    count: int
    n: int
    rate: float | None
    low: float | None
    high: float | None

    @property
    def small(self) -> bool:
        return self.n < SMALL_SAMPLE

    @property
    def percent(self) -> float | None:
        return None if self.rate is None else self.rate * 100

    @property
    def low_percent(self) -> float | None:
        return None if self.low is None else self.low * 100

    @property
    def high_percent(self) -> float | None:
        return None if self.high is None else self.high * 100


def wilson_interval(count: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """Return the Wilson score interval (low, high) of count/n, or None when n is 0."""
    if n <= 0:
        return None
    if not 0 <= count <= n:
        raise ValueError(f"count {count} is not between 0 and n = {n}")
    p = count / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z / denominator * sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    # The exact limits at count = 0 or n are 0 and 1; rounding noise must not move them.
    low = 0.0 if count == 0 else max(0.0, centre - half)
    high = 1.0 if count == n else min(1.0, centre + half)
    return low, high


def proportion(count: int, n: int) -> Proportion:
    interval = wilson_interval(count, n)
    if interval is None:
        return Proportion(count, n, None, None, None)
    return Proportion(count, n, count / n, interval[0], interval[1])


@dataclass(frozen=True)
class Difference:
    """b − a for two proportions, with the z-test and Newcombe's interval."""

    a: Proportion
    b: Proportion
    difference: float | None
    low: float | None
    high: float | None
    z: float | None
    p_value: float | None

    @property
    def significant(self) -> bool:
        """Whether the z-test tells the two rates apart at the 5% level."""
        return self.p_value is not None and self.p_value < 0.05

    @property
    def small(self) -> bool:
        return self.a.small or self.b.small

    @property
    def points(self) -> float | None:
        """The difference in percentage points."""
        return None if self.difference is None else self.difference * 100

    @property
    def low_points(self) -> float | None:
        return None if self.low is None else self.low * 100

    @property
    def high_points(self) -> float | None:
        return None if self.high is None else self.high * 100


def two_proportion_z_test(x1: int, n1: int, x2: int, n2: int) -> tuple[float, float] | None:
    """Return (z, two-sided p) for x2/n2 − x1/n1 with the pooled standard error.

    None when a sample is empty or when both samples are all successes or all
    failures (no variation: the test is undefined).
    """
    if n1 <= 0 or n2 <= 0:
        return None
    pooled = (x1 + x2) / (n1 + n2)
    variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if variance <= 0:
        return None
    z = (x2 / n2 - x1 / n1) / sqrt(variance)
    return z, erfc(abs(z) / sqrt(2))


def difference_interval(x1: int, n1: int, x2: int, n2: int) -> tuple[float, float] | None:
    """Newcombe's hybrid score interval for x1/n1 − x2/n2 (the paper's order)."""
    first, second = wilson_interval(x1, n1), wilson_interval(x2, n2)
    if first is None or second is None:
        return None
    p1, p2 = x1 / n1, x2 / n2
    (l1, u1), (l2, u2) = first, second
    d = p1 - p2
    low = d - sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return max(-1.0, low), min(1.0, high)


def compare_proportions(a: Proportion, b: Proportion) -> Difference:
    """Compare ``b`` with the reference ``a``: difference b − a, interval and z-test."""
    if not a.n or not b.n:
        return Difference(a, b, None, None, None, None, None)
    interval = difference_interval(b.count, b.n, a.count, a.n)
    test = two_proportion_z_test(a.count, a.n, b.count, b.n)
    return Difference(
        a=a,
        b=b,
        difference=b.count / b.n - a.count / a.n,
        low=interval[0] if interval else None,
        high=interval[1] if interval else None,
        z=test[0] if test else None,
        p_value=test[1] if test else None,
    )
