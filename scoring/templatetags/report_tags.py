"""Number formats of the report pages (Vietnamese: decimal comma, grouped thousands)."""

from __future__ import annotations

from django import template
from django.utils import numberformat
from django.utils.formats import get_format, number_format

register = template.Library()


def _blank(value) -> bool:
    return value is None or value != value  # None or NaN


@register.filter
def num(value, decimals: int = 0) -> str:
    """A number with thousands grouped by three (11.740 in Vietnamese, 11,740 in English)
    and ``decimals`` decimals; "—" when absent."""
    if _blank(value):
        return "—"
    return numberformat.format(
        value,
        get_format("DECIMAL_SEPARATOR"),
        decimal_pos=int(decimals),
        grouping=3,
        thousand_sep=get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )


@register.filter
def pct(value, decimals: int = 1) -> str:
    """A share (0–1) as a percentage: 0.7464 → "74,6%"."""
    if _blank(value):
        return "—"
    return f"{number_format(value * 100, decimal_pos=int(decimals), use_l10n=True)}%"


@register.filter
def points(value, decimals: int = 1) -> str:
    """Percentage points (a difference of two shares): 0.052 → "+5,2"."""
    if _blank(value):
        return "—"
    sign = "+" if value > 0 else ""
    return f"{sign}{number_format(value * 100, decimal_pos=int(decimals), use_l10n=True)}"


@register.filter
def interval(proportion) -> str:
    """The 95% interval of a Proportion: "73,3–76,0%"."""
    if proportion is None or proportion.low is None:
        return "—"
    low = number_format(proportion.low * 100, decimal_pos=1, use_l10n=True)
    high = number_format(proportion.high * 100, decimal_pos=1, use_l10n=True)
    return f"{low}–{high}%"


@register.filter
def raw(value) -> str:
    """The unformatted value for a data attribute (tests and scrapers read it)."""
    if _blank(value):
        return ""
    return repr(value) if isinstance(value, float) else str(value)


@register.filter
def pvalue(value) -> str:
    if _blank(value):
        return "—"
    if value < 0.001:
        return "< 0,001"
    return number_format(value, decimal_pos=3, use_l10n=True)
