"""Checks and readings shared by the rule types (numbers, choice maps, bands, conditions)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from criteria.expressions import ExpressionError, parse
from criteria.rules.base import ParamProblem
from criteria.spec import ChoiceList


def number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def check_number(params: Mapping[str, Any], name: str, *, required: bool = True) -> list:
    value = params.get(name)
    if value in (None, ""):
        if required:
            return [ParamProblem(name, f"thiếu “{name}”", f"“{name}” is missing")]
        return []
    parsed = number(value)
    if parsed is None:
        return [ParamProblem(name, f"“{value}” không phải là số", f"“{value}” is not a number")]
    if parsed < 0:
        return [ParamProblem(name, "điểm không được âm", "points cannot be negative")]
    return []


def check_points_map(
    params: Mapping[str, Any], choices: ChoiceList | None, *, every_choice: bool
) -> list[ParamProblem]:
    points = params.get("points")
    if not isinstance(points, Mapping) or not points:
        return [
            ParamProblem(
                "points",
                "cần điểm cho từng lựa chọn",
                "points are needed for each choice",
            )
        ]
    problems: list[ParamProblem] = []
    names = {c.name for c in choices.choices} if choices else set()
    for choice, value in points.items():
        where = f"points.{choice}"
        if choices is not None and str(choice) not in names:
            problems.append(
                ParamProblem(
                    where,
                    f"lựa chọn “{choice}” không có trong danh sách “{choices.name}”",
                    f"choice “{choice}” is not in list “{choices.name}”",
                )
            )
        problems += [ParamProblem(where, p.vi, p.en) for p in check_number({"v": value}, "v")]
    if every_choice and choices is not None:
        for name in sorted(names - {str(c) for c in points}):
            problems.append(
                ParamProblem(
                    f"points.{name}",
                    f"chưa cho điểm lựa chọn “{name}”",
                    f"choice “{name}” has no points",
                )
            )
    return problems


def points_values(params: Mapping[str, Any]) -> list[float]:
    points = params.get("points")
    if not isinstance(points, Mapping):
        return [0.0]
    return [number(v) or 0.0 for v in points.values()] or [0.0]


def check_bands(params: Mapping[str, Any]) -> list[ParamProblem]:
    bands = params.get("bands")
    if not isinstance(bands, Sequence) or isinstance(bands, str) or not bands:
        return [ParamProblem("bands", "cần ít nhất một khoảng", "at least one band is needed")]
    problems: list[ParamProblem] = []
    previous_max: float | None = None
    previous_min: float | None = None
    for index, band in enumerate(bands, start=1):
        where = f"bands[{index}]"
        if not isinstance(band, Mapping):
            problems.append(ParamProblem(where, "khoảng không hợp lệ", "invalid band"))
            continue
        low, high = number(band.get("min")), number(band.get("max"))
        if low is None:
            problems.append(
                ParamProblem(f"{where}.min", "thiếu cận dưới", "the lower bound is missing")
            )
            continue
        problems += [
            ParamProblem(f"{where}.points", p.vi, p.en) for p in check_number(band, "points")
        ]
        if high is not None and high < low:
            problems.append(
                ParamProblem(
                    f"{where}.max",
                    f"cận trên {high:g} nhỏ hơn cận dưới {low:g}",
                    f"upper bound {high:g} is below lower bound {low:g}",
                )
            )
        if previous_min is not None and low <= previous_min:
            problems.append(
                ParamProblem(
                    f"{where}.min",
                    "các khoảng phải tăng dần",
                    "bands must be in increasing order",
                )
            )
        elif previous_max is not None and previous_max != float("inf") and low <= previous_max:
            problems.append(
                ParamProblem(
                    f"{where}.min",
                    f"khoảng chồng lên khoảng trước (đến {previous_max:g})",
                    f"band overlaps the previous one (up to {previous_max:g})",
                )
            )
        if index < len(bands) and high is None:
            problems.append(
                ParamProblem(
                    f"{where}.max",
                    "chỉ khoảng cuối cùng được để trống cận trên",
                    "only the last band may have no upper bound",
                )
            )
        previous_min, previous_max = low, high if high is not None else float("inf")
    return problems


def band_points(bands: Sequence[Mapping[str, Any]], value: float) -> float:
    for band in bands:
        low = float(band["min"])
        high = number(band.get("max"))
        if value >= low and (high is None or value <= high):
            return float(band["points"])
    return 0.0


def bands_ceiling(params: Mapping[str, Any]) -> float:
    bands = params.get("bands") or []
    values = [number(b.get("points")) or 0.0 for b in bands if isinstance(b, Mapping)]
    return max(values, default=0.0)


def check_expression(params: Mapping[str, Any], name: str, *, required: bool) -> list:
    text = params.get(name)
    if not text:
        if required:
            return [ParamProblem(name, f"thiếu điều kiện “{name}”", f"“{name}” is missing")]
        return []
    try:
        parse(str(text))
    except ExpressionError as exc:
        return [ParamProblem(name, exc.message("vi"), exc.message("en"))]
    return []
