"""Rule types that look an answer up: a chosen option, ticked items, a band, yes or no."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from criteria.rules.base import (
    BANDS,
    NUMBER,
    NUMBER_OR_POINTS,
    TEXT,
    AnswerHints,
    MemberTests,
    Param,
    ParamProblem,
    RuleType,
    Score,
    register,
)
from criteria.rules.checks import (
    band_points,
    bands_ceiling,
    check_bands,
    check_number,
    check_points_map,
    number,
    points_values,
)
from criteria.rules.words import bands_text, number_text
from criteria.spec import Label


def _items(value: Any) -> Any:
    return value if isinstance(value, (list, tuple, set)) else str(value or "").split()


def _points_table(params: Mapping[str, Any]) -> dict[Any, float]:
    # Keys stay as written: an answer is looked up as text, as ``score`` does.
    return {k: float(number(v) or 0.0) for k, v in params["points"].items()}


def _hint_worth(params: Mapping[str, Any]) -> dict[str, float]:
    return {str(k): float(v or 0) for k, v in params["points"].items()}


def _describe_points(params, choice_label, en: bool) -> str:
    return "; ".join(
        f"{choice_label(k)} → {number_text(v, en)}" for k, v in params["points"].items()
    )


@register
class ChoicePoints(RuleType):
    code = "choice_points"
    label = Label("Điểm theo lựa chọn", "Points per chosen option")
    question_types = ("select_one",)
    params = (Param("points", NUMBER_OR_POINTS),)

    def check(self, params, question, choices):
        return check_points_map(params, choices, every_choice=True)

    def ceiling(self, params):
        return max(points_values(params))

    def score(self, params, value, context):
        """Give the points listed for the chosen option (an unlisted option gives 0)."""
        return float(number(params["points"].get(str(value))) or 0.0)

    def compile(self, params, *, members: MemberTests | None = None) -> Score:
        table = _points_table(params)
        return lambda p, value, c: table.get(str(value), 0.0)

    def describe(self, params, *, choice_label, language):
        en = language.startswith("en")
        items = _describe_points(params, choice_label, en)
        return ("Points per option: " if en else "Điểm theo lựa chọn: ") + items

    def answer_hints(self, params):
        return AnswerHints(worth=_hint_worth(params))

    def vectorise(self, params, column, *, choices: Sequence[str]):
        import numpy as np

        table = [float(number(params["points"].get(n)) or 0.0) for n in choices] + [0.0]
        missing = column < 0
        return np.asarray(table)[np.where(missing, len(choices), column)], missing


@register
class Checklist(RuleType):
    code = "checklist"
    label = Label("Điểm theo mục đã đánh dấu, có mức trần", "Points per ticked item, capped")
    question_types = ("select_multiple",)
    params = (Param("cap", NUMBER), Param("per_item", NUMBER), Param("points", NUMBER_OR_POINTS))

    def check(self, params, question, choices):
        problems = check_number(params, "cap")
        if "points" in params:
            problems += check_points_map(params, choices, every_choice=False)
        else:
            problems += check_number(params, "per_item")
        return problems

    def ceiling(self, params):
        return number(params.get("cap")) or 0.0

    def score(self, params, value, context):
        """Add ``per_item`` (or the item's own points) for each ticked item, up to ``cap``."""
        items = _items(value)
        if "points" in params:
            # Each ticked item counts once, as with per_item (a repeated item is not ticked twice).
            unique = dict.fromkeys(str(item) for item in items)
            total = sum(number(params["points"].get(item)) or 0.0 for item in unique)
        else:
            total = len(set(items)) * float(params["per_item"])
        return min(total, float(params["cap"]))

    def compile(self, params, *, members: MemberTests | None = None) -> Score:
        cap = float(params["cap"])
        if "points" in params:
            table = _points_table(params)

            def listed(p, value, c):
                total = 0.0
                for item in dict.fromkeys(map(str, _items(value))):
                    total += table.get(item, 0.0)
                return total if total < cap else cap

            return listed
        per_item = float(params["per_item"])

        def counted(p, value, c):
            total = len(set(_items(value))) * per_item
            return total if total < cap else cap

        return counted

    def describe(self, params, *, choice_label, language):
        en = language.startswith("en")
        if "points" in params:
            each = _describe_points(params, choice_label, en)
        else:
            each = f"{number_text(params['per_item'], en)} " + (
                "per ticked item" if en else "điểm mỗi mục"
            )
        cap = number_text(params["cap"], en)
        return f"{each}, " + (f"at most {cap}" if en else f"tối đa {cap}")

    def answer_hints(self, params):
        return AnswerHints(worth=_hint_worth(params) if "points" in params else {})

    def vectorise(self, params, column, *, choices: Sequence[str]):
        import numpy as np

        matrix, extra = column
        missing = ~matrix.any(axis=1) & (extra == 0)
        if "points" in params:
            weights = np.asarray([float(number(params["points"].get(n)) or 0.0) for n in choices])
            # ``score`` adds the items in the order ticked, a matrix product in list order:
            # equal sums only while every partial sum is exact (multiples of 1/1024).
            if not np.all(np.isfinite(weights) & (weights * 1024 % 1 == 0)) or np.any(
                np.abs(weights) > 2**30
            ):
                return None
            total = matrix @ weights
        else:
            total = (matrix.sum(axis=1) + extra) * float(params["per_item"])
        return np.minimum(total, float(params["cap"])), missing


def _compiled_bands(params: Mapping[str, Any]) -> tuple:
    return tuple(
        (float(b["min"]), number(b.get("max")), float(b["points"])) for b in params["bands"]
    )


def band_ranges(params: Mapping[str, Any]) -> tuple[tuple[float, float | None], ...]:
    """The (min, max) of each band, from the fewest points to the most."""
    return tuple(
        (float(b["min"]), None if b.get("max") in (None, "") else float(b["max"]))
        for b in sorted(params["bands"], key=lambda b: float(b["points"]))
    )


@register
class Bands(RuleType):
    code = "bands"
    label = Label("Điểm theo khoảng số", "Numeric bands")
    question_types = ("integer", "decimal")
    params = (Param("bands", BANDS),)

    def check(self, params, question, choices):
        return check_bands(params)

    def ceiling(self, params):
        return bands_ceiling(params)

    def score(self, params, value, context):
        """Give the points of the band (inclusive bounds) that holds the number; none gives 0."""
        value = number(value)
        return 0.0 if value is None else band_points(params["bands"], value)

    def compile(self, params, *, members: MemberTests | None = None) -> Score:
        bands = _compiled_bands(params)

        def banded(p, value, c):
            value = number(value)
            if value is None:
                return 0.0
            for low, high, points in bands:
                if value >= low and (high is None or value <= high):
                    return points
            return 0.0

        return banded

    def describe(self, params, *, choice_label, language):
        en = language.startswith("en")
        return ("Bands: " if en else "Theo khoảng: ") + bands_text(params["bands"], en)

    def answer_hints(self, params):
        return AnswerHints(ranges=band_ranges(params))

    def vectorise(self, params, column, *, choices: Sequence[str]):
        import numpy as np

        missing = np.isnan(column)
        points = np.zeros(column.shape)
        taken = np.zeros(column.shape, dtype=bool)
        with np.errstate(invalid="ignore"):
            for band in params["bands"]:
                inside = column >= float(band["min"])
                high = number(band.get("max"))
                if high is not None:
                    inside &= column <= high
                inside &= ~taken
                points[inside] = float(band["points"])
                taken |= inside
        return points, missing


@register
class YesNo(RuleType):
    code = "yes_no"
    label = Label("Có/không", "Yes/no")
    question_types = ("select_one",)
    params = (Param("points", NUMBER_OR_POINTS), Param("no_points", NUMBER), Param("yes", TEXT))

    def check(self, params, question, choices):
        problems = check_number(params, "points")
        problems += check_number(params, "no_points", required=False)
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

    def ceiling(self, params):
        return max(number(params.get("points")) or 0.0, number(params.get("no_points")) or 0.0)

    def score(self, params, value, context):
        """Give ``points`` for the ``yes`` choice (default "yes"), else ``no_points`` (or 0)."""
        if str(value) == str(params.get("yes", "yes")):
            return float(params["points"])
        return float(number(params.get("no_points")) or 0.0)

    def compile(self, params, *, members: MemberTests | None = None) -> Score:
        yes = str(params.get("yes", "yes"))
        points = float(params["points"])
        no_points = float(number(params.get("no_points")) or 0.0)
        return lambda p, value, c: points if str(value) == yes else no_points

    def describe(self, params, *, choice_label, language):
        en = language.startswith("en")
        yes = number_text(params["points"], en)
        no = number_text(params.get("no_points") or 0, en)
        choice = choice_label(str(params.get("yes", "yes")))
        return f"{choice} → {yes}, " + (f"otherwise {no}" if en else f"khác → {no}")

    def answer_hints(self, params):
        return AnswerHints(worth={str(params.get("yes", "yes")): float(params["points"])})

    def vectorise(self, params, column, *, choices: Sequence[str]):
        import numpy as np

        yes = str(params.get("yes", "yes"))
        no_points = float(number(params.get("no_points")) or 0.0)
        table = [float(params["points"]) if n == yes else no_points for n in choices]
        table.append(no_points)
        missing = column < 0
        return np.asarray(table)[np.where(missing, len(choices), column)], missing
