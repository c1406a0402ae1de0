"""Numbers and bands written as people read them, for the rule descriptions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def number_text(value: Any, en: bool = False) -> str:
    """Write a number as people read it: 3,5 in Vietnamese, 3.5 in English."""
    text = f"{float(value):g}"
    return text if en else text.replace(".", ",")


def bands_text(bands: Sequence[Mapping[str, Any]], en: bool) -> str:
    parts = []
    for band in bands:
        low, high = band.get("min"), band.get("max")
        if high is None or high == "":
            span = f"≥ {number_text(low, en)}"
        elif float(high) == float(low):
            span = number_text(low, en)
        else:
            span = f"{number_text(low, en)}–{number_text(high, en)}"
        parts.append(f"{span} → {number_text(band['points'], en)}")
    return "; ".join(parts)
