"""What scoring returns: statuses, result objects, rounding and the reasons' wording.

Rounding is step 7 of the method, the wording step 11 (docs/scoring-method.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

SCORED = "scored"
NOT_APPLICABLE = "not_applicable"
MISSING = "missing"

FULL = "full"
RESCALE = "rescale"


# Results ---------------------------------------------------------------------------

REVIEWER_PENDING = "reviewer_pending"


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason, in both languages (pure code has no active language).

    ``kind`` marks reasons a page words differently: REVIEWER_PENDING is a missing score
    that only a reviewer enters (the household waits for staff, not for the surveyor).
    """

    vi: str
    en: str
    kind: str = ""

    def get(self, language: str) -> str:
        return self.en if language.startswith("en") else self.vi

    def to_dict(self) -> dict[str, str]:
        return {"vi": self.vi, "en": self.en}


@dataclass(frozen=True, slots=True)
class IndicatorResult:
    """One indicator for one member or household.

    ``points``: the scored points (None unless scored). ``counted_points``: what
    the indicator adds to the total (points if scored, the maximum if N/A with
    policy "full", None if N/A with "rescale" or missing).
    """

    code: str
    criterion: str
    status: str  # SCORED, NOT_APPLICABLE or MISSING
    points: float | None
    counted_points: float | None
    max_points: float
    reasons: tuple[Reason, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "criterion": self.criterion,
            "status": self.status,
            "points": self.points,
            "counted_points": self.counted_points,
            "max_points": self.max_points,
            "reasons": [r.to_dict() for r in self.reasons],
        }


@dataclass(frozen=True, slots=True)
class CriterionResult:
    """A criterion's rounded points; ``counted_max`` leaves out its rescaled-out indicators."""

    code: str
    points: float
    max_points: float
    counted_max: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "points": self.points,
            "max_points": self.max_points,
            "counted_max": self.counted_max,
        }


@dataclass(frozen=True)
class ScoreResult:
    indicators: tuple[IndicatorResult, ...]
    criteria: tuple[CriterionResult, ...]
    total: float
    raw_total: float
    rescaled: bool
    complete: bool
    recognised: bool | None  # None: undetermined, some answers are missing
    level: str | None
    reasons_vi: tuple[str, ...]
    reasons_en: tuple[str, ...]

    def indicator(self, code: str) -> IndicatorResult:
        return next(i for i in self.indicators if i.code == code)

    def criterion(self, code: str) -> CriterionResult:
        return next(c for c in self.criteria if c.code == code)

    def reasons(self, language: str = "vi") -> tuple[str, ...]:
        return self.reasons_en if language.startswith("en") else self.reasons_vi

    def to_dict(self) -> dict[str, Any]:
        """The plain form for storage (JSON friendly)."""
        return {
            "indicators": [i.to_dict() for i in self.indicators],
            "criteria": [c.to_dict() for c in self.criteria],
            "total": self.total,
            "raw_total": self.raw_total,
            "rescaled": self.rescaled,
            "complete": self.complete,
            "recognised": self.recognised,
            "level": self.level,
            "reasons_vi": list(self.reasons_vi),
            "reasons_en": list(self.reasons_en),
        }


@dataclass(frozen=True)
class MemberResult(ScoreResult):
    """A citizen's result."""


@dataclass(frozen=True)
class HouseholdResult(ScoreResult):
    """A household's result."""


_new_object = object.__new__
_set_attribute = object.__setattr__


def _make_result(
    cls: type,
    indicators: tuple,
    criteria: tuple,
    total: float,
    raw_total: float,
    rescaled: bool,
    complete: bool,
    recognised: bool | None,
    level: str | None,
    reasons_vi: tuple,
    reasons_en: tuple,
) -> Any:
    """Build a result without the generated ``__init__`` (its one ``object.__setattr__``
    call per field dominated the cost of scoring a member); the instance is identical."""
    result = _new_object(cls)
    _set_attribute(
        result,
        "__dict__",
        {
            "indicators": indicators,
            "criteria": criteria,
            "total": total,
            "raw_total": raw_total,
            "rescaled": rescaled,
            "complete": complete,
            "recognised": recognised,
            "level": level,
            "reasons_vi": reasons_vi,
            "reasons_en": reasons_en,
        },
    )
    return result


# Rounding and wording ----------------------------------------------------------------

_CENT = Decimal("0.01")
_ROUNDED: dict[float, float] = {}
_MEMO_LIMIT = 100_000


def round_half_up(value: float) -> float:
    """Round to 2 decimals, half up, through ``decimal`` (see step 7 of the method)."""
    value = float(value)
    if value.is_integer():
        return value + 0.0  # also turns -0.0 into 0.0
    rounded = _ROUNDED.get(value)
    if rounded is None:
        rounded = float(Decimal(repr(round(value, 9))).quantize(_CENT, rounding=ROUND_HALF_UP))
        if len(_ROUNDED) >= _MEMO_LIMIT:
            _ROUNDED.clear()
        _ROUNDED[value] = rounded
    return rounded


def _fmt(value: float, language: str) -> str:
    """A number as a reason shows it: rounded, no trailing zeros, comma decimals in vi."""
    text = f"{round_half_up(value):.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if language == "vi" else text


def _both(vi: str, en: str) -> Reason:
    return Reason(vi, en)


def _below(code: str, points: float, minimum: float) -> Reason:
    return Reason(
        f"{code}: {_fmt(points, 'vi')} < {_fmt(minimum, 'vi')}",
        f"{code}: {_fmt(points, 'en')} < {_fmt(minimum, 'en')}",
    )


def _policy_words(policy: str, max_points: float) -> tuple[str, str]:
    if policy == FULL:
        return (
            f"tính đủ {_fmt(max_points, 'vi')} điểm",
            f"counted as the full {_fmt(max_points, 'en')} points",
        )
    return ("không tính, tổng điểm được quy đổi lại", "left out, the total is rescaled")
