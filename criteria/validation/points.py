"""Points add up, thresholds can be reached, numbers fit the stored precision."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from criteria.spec import CriteriaSpec
from criteria.validation.codes import check_codes, check_label
from criteria.validation.paths import make_keys
from criteria.validation.problems import TOLERANCE, Collector, finite, format_number


def _usable_total(spec: CriteriaSpec) -> bool:
    """Tell whether the set total can be compared with (a total of 0 is reported by itself)."""
    return finite(spec.total_points) and spec.total_points > 0


def _sum(values: Iterable[float]) -> float | None:
    """Add maxima; None when one of them is not a number (already reported where it is)."""
    values = list(values)
    if not all(finite(v) for v in values):
        return None
    return float(sum(values))


def check_sums(spec: CriteriaSpec, out: Collector) -> None:
    keys = make_keys([c.code for c in spec.criteria])
    for key, criterion in zip(keys, spec.criteria, strict=True):
        if key.startswith("#") or not finite(criterion.max_points):
            continue  # an unnamed or duplicate criterion has no indicators of its own
        total = _sum(i.max_points for i in spec.indicators if i.criterion == criterion.code)
        if total is not None and abs(total - criterion.max_points) > TOLERANCE:
            out.add(
                f"criteria[{key}].max_points",
                f"Điểm tối đa các chỉ số của tiêu chí “{criterion.code}” cộng lại là "
                f"{format_number(value=total, language='vi')}, khác điểm tối đa "
                f"{format_number(value=criterion.max_points, language='vi')} của tiêu chí",
                f"The indicators of criterion “{criterion.code}” add up to "
                f"{format_number(value=total, language='en')} points, not its maximum "
                f"{format_number(value=criterion.max_points, language='en')}",
            )
    total = _sum(c.max_points for c in spec.criteria)
    if (
        total is not None
        and _usable_total(spec)
        and spec.criteria
        and abs(total - spec.total_points) > TOLERANCE
    ):
        out.add(
            "total_points",
            f"Điểm tối đa các tiêu chí cộng lại là {format_number(value=total, language='vi')}"
            f", khác tổng điểm {format_number(value=spec.total_points, language='vi')} "
            "của bộ tiêu chí",
            f"The criteria add up to {format_number(value=total, language='en')} points, "
            f"not the set total {format_number(value=spec.total_points, language='en')}",
        )


def _check_threshold(
    *, spec: CriteriaSpec, out: Collector, path: str, min_total: float, min_indicator: Any
) -> None:
    total = spec.total_points
    if finite(min_total) and min_total < 0:
        out.add(f"{path}.min_total", "Ngưỡng điểm không được âm", "A threshold cannot be negative")
    elif finite(min_total) and _usable_total(spec) and min_total > total + TOLERANCE:
        out.add(
            f"{path}.min_total",
            f"Ngưỡng {format_number(value=min_total, language='vi')} điểm vượt tổng điểm "
            f"{format_number(value=total, language='vi')} của bộ tiêu chí",
            f"The threshold {format_number(value=min_total, language='en')} is above the set "
            f"total {format_number(value=total, language='en')}",
        )
    if not finite(min_indicator):
        return
    if min_indicator < 0:
        out.add(
            f"{path}.min_indicator", "Ngưỡng điểm không được âm", "A threshold cannot be negative"
        )
        return
    maxima = [i for i in spec.indicators if finite(i.max_points)]
    lowest = min(maxima, key=lambda i: i.max_points, default=None)
    if lowest is not None and min_indicator > lowest.max_points + TOLERANCE:
        out.add(
            f"{path}.min_indicator",
            f"Mức tối thiểu mỗi chỉ số {format_number(value=min_indicator, language='vi')} vượt "
            f"điểm tối đa {format_number(value=lowest.max_points, language='vi')} của chỉ số "
            f"“{lowest.code}”",
            f"The minimum per indicator {format_number(value=min_indicator, language='en')} is "
            f"above the maximum {format_number(value=lowest.max_points, language='en')} of "
            f"indicator “{lowest.code}”",
        )


def check_recognition(spec: CriteriaSpec, out: Collector) -> None:
    recognition = spec.recognition
    _check_threshold(
        spec=spec,
        out=out,
        path="recognition",
        min_total=recognition.min_total,
        min_indicator=recognition.min_indicator,
    )
    share = recognition.min_criterion_share
    if finite(share) and not 0 <= share <= 1:
        out.add(
            "recognition.min_criterion_share",
            "Tỷ lệ tối thiểu mỗi tiêu chí phải từ 0 đến 1 (ví dụ 0,5 là một nửa điểm tối đa)",
            "The minimum share of each criterion must be between 0 and 1 (e.g. 0.5 for half)",
        )
    levels = recognition.levels
    keys = check_codes(
        out=out, prefix="recognition.levels", kind="levels", codes=[lv.code for lv in levels]
    )
    for key, level in zip(keys, levels, strict=True):
        path = f"recognition.levels[{key}]"
        check_label(out=out, path=f"{path}.label", vi=level.label.vi)
        _check_threshold(
            spec=spec,
            out=out,
            path=path,
            min_total=level.min_total,
            min_indicator=level.min_indicator,
        )
        if (
            finite(level.min_total)
            and finite(recognition.min_total)
            and level.min_total < recognition.min_total
        ):
            out.add(
                f"{path}.min_total",
                f"Mức “{level.code}” có ngưỡng "
                f"{format_number(value=level.min_total, language='vi')} thấp hơn ngưỡng công nhận "
                f"{format_number(value=recognition.min_total, language='vi')}",
                f"Level “{level.code}” has a threshold "
                f"{format_number(value=level.min_total, language='en')} below the recognition "
                f"threshold {format_number(value=recognition.min_total, language='en')}",
            )


# Points and thresholds are stored with 2 decimals (the share with 3) and below 100 000:
# a finer number would be rounded when saved, so the stored set would differ from the file.
POINT_PLACES = 2
SHARE_PLACES = 3
POINT_LIMIT = 100_000


def check_stored_precision(spec: CriteriaSpec, out: Collector) -> None:
    recognition = spec.recognition
    numbers: list[tuple[str, float | None, int]] = [
        ("total_points", spec.total_points, POINT_PLACES),
        ("recognition.min_total", recognition.min_total, POINT_PLACES),
        ("recognition.min_indicator", recognition.min_indicator, POINT_PLACES),
        ("recognition.min_criterion_share", recognition.min_criterion_share, SHARE_PLACES),
        ("digital_min_points", spec.digital_min_points, POINT_PLACES),
    ]
    for key, criterion in zip(
        make_keys([c.code for c in spec.criteria]), spec.criteria, strict=True
    ):
        numbers.append((f"criteria[{key}].max_points", criterion.max_points, POINT_PLACES))
    keys = make_keys([i.code for i in spec.indicators])
    for key, indicator in zip(keys, spec.indicators, strict=True):
        numbers.append((f"indicators[{key}].max_points", indicator.max_points, POINT_PLACES))
    levels = recognition.levels
    for key, level in zip(make_keys([lv.code for lv in levels]), levels, strict=True):
        numbers.append((f"recognition.levels[{key}].min_total", level.min_total, POINT_PLACES))
        numbers.append(
            (f"recognition.levels[{key}].min_indicator", level.min_indicator, POINT_PLACES)
        )
    for path, value, places in numbers:
        if not finite(value):
            continue  # missing or not a number: reported where it is read
        vi_value = format_number(value=value, language="vi")
        en_value = format_number(value=value, language="en")
        if abs(value) >= POINT_LIMIT:
            out.add(
                path,
                f"Số {vi_value} quá lớn; phải nhỏ hơn 100000",
                f"The number {en_value} is too large; it must be below 100000",
            )
        elif -Decimal(repr(float(value))).normalize().as_tuple().exponent > places:
            out.add(
                path,
                f"Số {vi_value} có quá {places} chữ số thập phân",
                f"The number {en_value} has more than {places} decimal places",
            )
