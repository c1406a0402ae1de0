"""The registry of scoring rule types.

An indicator's points come from its rules; each rule names a type code from
this registry, like Django's password validators name a validator class. A rule
type is three small pure functions:

* ``score(params, value, context)`` turns an answer (or, for household items
  derived from members, the members) into points, or ``None`` when the rule
  does not apply (for example no school-age child in the household);
* ``check(params, question, choices)`` lists what is wrong with the params;
* ``ceiling(params)`` is the most points the rule can give, so a workbook whose
  rules can exceed an indicator's maximum is refused.

To add a kind of rule, write its ``score`` function and register it with
``@rule_type(...)``; nothing else in the product changes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from criteria.expressions import ExpressionError, parse
from criteria.spec import ChoiceList, Label, Question

YES_VALUES = {"yes", "co", "có", "1", "true"}


@dataclass(frozen=True)
class ParamProblem:
    """What is wrong with one parameter of a rule (``param`` names it, e.g. ``bands[2].min``)."""

    param: str
    vi: str
    en: str

    def message(self, language: str = "vi") -> str:
        return self.en if language.startswith("en") else self.vi


Score = Callable[[Mapping[str, Any], Any, Mapping[str, Any]], float | None]
Check = Callable[[Mapping[str, Any], Question | None, ChoiceList | None], list[ParamProblem]]
Ceiling = Callable[[Mapping[str, Any]], float]


@dataclass(frozen=True)
class RuleType:
    code: str
    label: Label
    question_types: tuple[str, ...]  # () for household items computed from the members
    score: Score
    check: Check
    ceiling: Ceiling

    @property
    def needs_question(self) -> bool:
        return bool(self.question_types)


RULE_TYPES: dict[str, RuleType] = {}


def rule_type(
    code: str,
    *,
    label: Label,
    question_types: tuple[str, ...],
    check: Check,
    ceiling: Ceiling,
) -> Callable[[Score], Score]:
    """Register the decorated ``score`` function as rule type ``code``."""

    def register(score: Score) -> Score:
        RULE_TYPES[code] = RuleType(code, label, question_types, score, check, ceiling)
        return score

    return register


def get_rule_type(code: str) -> RuleType | None:
    return RULE_TYPES.get(code)


# Shared checks -----------------------------------------------------------------


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _check_number(params: Mapping[str, Any], name: str, *, required: bool = True) -> list:
    value = params.get(name)
    if value in (None, ""):
        if required:
            return [ParamProblem(name, f"thiếu “{name}”", f"“{name}” is missing")]
        return []
    number = _number(value)
    if number is None:
        return [ParamProblem(name, f"“{value}” không phải là số", f"“{value}” is not a number")]
    if number < 0:
        return [ParamProblem(name, "điểm không được âm", "points cannot be negative")]
    return []


def _check_points_map(
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
        problems += [ParamProblem(where, p.vi, p.en) for p in _check_number({"v": value}, "v")]
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


def _points_values(params: Mapping[str, Any]) -> list[float]:
    points = params.get("points")
    if not isinstance(points, Mapping):
        return [0.0]
    return [_number(v) or 0.0 for v in points.values()] or [0.0]


def _check_bands(params: Mapping[str, Any]) -> list[ParamProblem]:
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
        low, high = _number(band.get("min")), _number(band.get("max"))
        if low is None:
            problems.append(
                ParamProblem(f"{where}.min", "thiếu cận dưới", "the lower bound is missing")
            )
            continue
        problems += [
            ParamProblem(f"{where}.points", p.vi, p.en) for p in _check_number(band, "points")
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


def _band_points(bands: Sequence[Mapping[str, Any]], value: float) -> float:
    for band in bands:
        low = float(band["min"])
        high = _number(band.get("max"))
        if value >= low and (high is None or value <= high):
            return float(band["points"])
    return 0.0


def _bands_ceiling(params: Mapping[str, Any]) -> float:
    bands = params.get("bands") or []
    values = [_number(b.get("points")) or 0.0 for b in bands if isinstance(b, Mapping)]
    return max(values, default=0.0)


def _check_expression(params: Mapping[str, Any], name: str, *, required: bool) -> list:
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


# Rule types --------------------------------------------------------------------


def _check_choice_points(params, question, choices):
    return _check_points_map(params, choices, every_choice=True)


@rule_type(
    "choice_points",
    label=Label("Điểm theo lựa chọn", "Points per chosen option"),
    question_types=("select_one",),
    check=_check_choice_points,
    ceiling=lambda params: max(_points_values(params)),
)
def choice_points(params, value, context):
    """Give the points listed for the chosen option (an unlisted option gives 0)."""
    return float(_number(params["points"].get(str(value))) or 0.0)


def _check_checklist(params, question, choices):
    problems = _check_number(params, "cap")
    if "points" in params:
        problems += _check_points_map(params, choices, every_choice=False)
    else:
        problems += _check_number(params, "per_item")
    return problems


def _checklist_ceiling(params) -> float:
    cap = _number(params.get("cap")) or 0.0
    return cap


@rule_type(
    "checklist",
    label=Label("Điểm theo mục đã đánh dấu, có mức trần", "Points per ticked item, capped"),
    question_types=("select_multiple",),
    check=_check_checklist,
    ceiling=_checklist_ceiling,
)
def checklist(params, value, context):
    """Add ``per_item`` (or the item's own points) for each ticked item, up to ``cap``."""
    items = value if isinstance(value, (list, tuple, set)) else str(value or "").split()
    if "points" in params:
        # Each ticked item counts once, as with per_item (a repeated item is not ticked twice).
        unique = dict.fromkeys(str(item) for item in items)
        total = sum(_number(params["points"].get(item)) or 0.0 for item in unique)
    else:
        total = len(set(items)) * float(params["per_item"])
    return min(total, float(params["cap"]))


@rule_type(
    "bands",
    label=Label("Điểm theo khoảng số", "Numeric bands"),
    question_types=("integer", "decimal"),
    check=lambda params, question, choices: _check_bands(params),
    ceiling=_bands_ceiling,
)
def bands(params, value, context):
    """Give the points of the band (inclusive bounds) that holds the number; none gives 0."""
    number = _number(value)
    return 0.0 if number is None else _band_points(params["bands"], number)


def _check_yes_no(params, question, choices):
    problems = _check_number(params, "points")
    problems += _check_number(params, "no_points", required=False)
    yes = str(params.get("yes", "yes"))
    if choices is not None and yes not in {c.name for c in choices.choices}:
        problems.append(
            ParamProblem(
                "yes",
                f"lựa chọn “{yes}” không có trong danh sách “{choices.name}”",
                f"choice “{yes}” is not in list “{choices.name}”",
            )
        )
    return problems


@rule_type(
    "yes_no",
    label=Label("Có/không", "Yes/no"),
    question_types=("select_one",),
    check=_check_yes_no,
    ceiling=lambda params: max(
        _number(params.get("points")) or 0.0, _number(params.get("no_points")) or 0.0
    ),
)
def yes_no(params, value, context):
    """Give ``points`` for the ``yes`` choice (default "yes"), else ``no_points`` (default 0)."""
    if str(value) == str(params.get("yes", "yes")):
        return float(params["points"])
    return float(_number(params.get("no_points")) or 0.0)


def _check_reviewer(params, question, choices):
    problems = _check_number(params, "max")
    if question is not None and not question.reviewer_only:
        problems.append(
            ParamProblem(
                "question",
                f"câu hỏi “{question.code}” phải là câu do người kiểm tra chấm (reviewer_only)",
                f"question “{question.code}” must be marked reviewer_only",
            )
        )
    return problems


@rule_type(
    "reviewer_score",
    label=Label(
        "Điểm trực tiếp do người kiểm tra chấm theo minh chứng",
        "Direct score entered by the reviewer from evidence",
    ),
    question_types=("integer", "decimal"),
    check=_check_reviewer,
    ceiling=lambda params: _number(params.get("max")) or 0.0,
)
def reviewer_score(params, value, context):
    """Take the reviewer's score as it is, kept within 0 and ``max``."""
    number = _number(value) or 0.0
    return min(max(number, 0.0), float(params["max"]))


# Household items computed from the members --------------------------------------


def _check_members(params, question, choices, *, test_required: bool, scored_by: str):
    problems = _check_expression(params, "condition", required=False)
    problems += _check_expression(params, "test", required=test_required)
    if scored_by == "bands":
        problems += _check_bands(params)
    else:
        problems += _check_number(params, "points")
    return problems


def _matching(params, context) -> list[Mapping[str, Any]]:
    members = context.get("members") or []
    condition = params.get("condition")
    if not condition:
        return list(members)
    expression = parse(str(condition))
    return [m for m in members if expression.holds(m)]


def _passing(params, members) -> list[Mapping[str, Any]]:
    test = params.get("test")
    if not test:
        return list(members)
    expression = parse(str(test))
    return [m for m in members if expression.holds(m)]


@rule_type(
    "members_all",
    label=Label("Mọi thành viên thoả điều kiện", "Every matching member passes"),
    question_types=(),
    check=lambda p, q, c: _check_members(p, q, c, test_required=True, scored_by="points"),
    ceiling=lambda params: _number(params.get("points")) or 0.0,
)
def members_all(params, value, context):
    """Give ``points`` when every member matching ``condition`` passes ``test``."""
    matching = _matching(params, context)
    if not matching:
        return None
    return float(params["points"]) if len(_passing(params, matching)) == len(matching) else 0.0


@rule_type(
    "members_any",
    label=Label("Có ít nhất một thành viên thoả", "At least one matching member passes"),
    question_types=(),
    check=lambda p, q, c: _check_members(p, q, c, test_required=True, scored_by="points"),
    ceiling=lambda params: _number(params.get("points")) or 0.0,
)
def members_any(params, value, context):
    """Give ``points`` when at least one member matching ``condition`` passes ``test``."""
    matching = _matching(params, context)
    if not matching:
        return None
    return float(params["points"]) if _passing(params, matching) else 0.0


@rule_type(
    "members_count",
    label=Label("Số thành viên thoả điều kiện", "Count of members passing"),
    question_types=(),
    check=lambda p, q, c: _check_members(p, q, c, test_required=False, scored_by="bands"),
    ceiling=_bands_ceiling,
)
def members_count(params, value, context):
    """Give the points of the band that holds the number of matching members passing."""
    return _band_points(params["bands"], len(_passing(params, _matching(params, context))))


@rule_type(
    "members_share",
    label=Label("Tỷ lệ thành viên thoả điều kiện", "Share of members passing"),
    question_types=(),
    check=lambda p, q, c: _check_members(p, q, c, test_required=True, scored_by="points"),
    ceiling=lambda params: _number(params.get("points")) or 0.0,
)
def members_share(params, value, context):
    """Give ``points`` times the share of matching members who pass ``test``."""
    matching = _matching(params, context)
    if not matching:
        return None
    return float(params["points"]) * len(_passing(params, matching)) / len(matching)
