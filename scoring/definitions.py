"""What the report figures count: the definitions behind the national targets.

These are the product's reading of QĐ 677/QĐ-TTg (2022) and QĐ 387/QĐ-TTg
(2022), which name the measures but do not define them for a survey. Each is a
local choice **[assumption]** and the pages say so.

* **Adult**: a member aged 15 or over at the survey date (``ADULT_MIN_AGE``).
  It is the lowest age of the working target groups in both shipped citizen
  sets and a boundary of the age bands, so "adults" is the sum of the bands
  15-24, 25-39, 40-59 and 60+. "Adults holding the title" (QĐ 677, 40% by
  2025, 60% by 2030) = recognised adults ÷ adults with a decision.
* **Cadre**: a member of one of ``cadre_groups`` (the cadre target group of
  each shipped set: ``can_bo`` in CDHT v1, ``can_bo_dn`` in CDHT v2).
  "Cadres holding the title" (60% / 80%) = recognised cadres ÷ cadres with a
  decision.
* **Digital skills**: a recognised member whose ``digital_indicator`` (CD05,
  "uses ICT for work and daily life") has at least ``digital_min_points``
  points (8 of 10: four of the listed digital skills in the shipped sets).
  "Title holders with digital skills meeting job needs" (70% / 90%) =
  such members ÷ recognised members whose digital indicator was scored.
* **Household rate** (QĐ 387, 70% by 2025) = recognised households ÷
  households with a decision.
* **Coverage** = households surveyed (responses in the counted statuses) ÷
  households planned for the round in the same communes (``RoundUnit``).

Every rate leaves out the undetermined (a missing answer, a reviewer score not
yet entered): they are counted and shown apart, never as failures.
Override ``cadre_groups``, ``digital_indicator`` and ``digital_min_points``
with the ``SCORING_TARGET_DEFINITIONS`` setting (a dict); stored aggregates
remember the definitions they were built with, and figures asked for under
other definitions are recomputed from the score rows.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

from django.conf import settings

from scoring.compute import AGE_BANDS
from survey.models import ResponseStatus

ADULT_MIN_AGE = 15
ADULT_BANDS = tuple(label for low, _high, label in AGE_BANDS if low >= ADULT_MIN_AGE)
if not any(low == ADULT_MIN_AGE for low, _high, _label in AGE_BANDS):  # pragma: no cover
    raise RuntimeError("ADULT_MIN_AGE must start an age band (scoring.compute.AGE_BANDS)")

# Responses that count in every figure unless a caller asks otherwise. A response
# "returned" for correction does not count until it is submitted again; drafts are
# never responses, so they never count.
COUNTED_STATUSES = (
    ResponseStatus.SUBMITTED.value,
    ResponseStatus.VERIFIED.value,
    ResponseStatus.APPROVED.value,
)


@dataclass(frozen=True)
class TargetDefinitions:
    cadre_groups: tuple[str, ...] = ("can_bo", "can_bo_dn")
    digital_indicator: str = "CD05"
    digital_min_points: float = 8.0

    def aggregate_params(self) -> dict:
        """The part stored aggregates depend on (cadres are read from the breakdown)."""
        return {
            "digital_indicator": self.digital_indicator,
            "digital_min_points": float(self.digital_min_points),
        }

    def to_dict(self) -> dict:
        data = asdict(self)
        data["cadre_groups"] = list(self.cadre_groups)
        return data


def current_definitions() -> TargetDefinitions:
    """The definitions in force: the defaults, overridden by SCORING_TARGET_DEFINITIONS."""
    overrides = dict(getattr(settings, "SCORING_TARGET_DEFINITIONS", {}) or {})
    if "cadre_groups" in overrides:
        overrides["cadre_groups"] = tuple(overrides["cadre_groups"])
    if "digital_min_points" in overrides:
        overrides["digital_min_points"] = float(overrides["digital_min_points"])
    return replace(TargetDefinitions(), **overrides)
