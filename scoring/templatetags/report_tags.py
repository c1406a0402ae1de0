"""Number formats of the report pages (Vietnamese: decimal comma, grouped thousands).

Every figure is rounded half up by ``scoring.formatting`` (the rounding of the workbook
and of ``round_summary``); Django's own number formatting cuts digits off instead.
"""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from scoring.formatting import format_number, format_percent, format_points

register = template.Library()


def _blank(value) -> bool:
    return value is None or value != value  # None or NaN


@register.filter
def num(value, decimals: int = 0) -> str:
    """A number with thousands grouped by three (11.740 in Vietnamese, 11,740 in English)
    and ``decimals`` decimals; "—" when absent."""
    if _blank(value):
        return "—"
    return format_number(value=value, digits=int(decimals), language=get_language())


@register.filter
def pct(value, decimals: int = 1) -> str:
    """A share (0–1) as a percentage: 0.7464 → "74,6%"."""
    if _blank(value):
        return "—"
    return format_percent(value=value, digits=int(decimals), language=get_language())


@register.filter
def points(value, decimals: int = 1) -> str:
    """Percentage points (a difference of two shares): 0.052 → "+5,2"."""
    if _blank(value):
        return "—"
    return format_points(value=value, digits=int(decimals), language=get_language())


@register.filter
def interval(proportion) -> str:
    """The 95% interval of a Proportion: "73,3–76,0%"."""
    if proportion is None or proportion.low is None:
        return "—"
    language = get_language()
    low = format_percent(value=proportion.low, digits=1, language=language)
    high = format_percent(value=proportion.high, digits=1, language=language)
    return f"{low.removesuffix('%')}–{high}"


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
    return format_number(value=value, digits=3, language=get_language())
