"""What the report figures count: the definitions behind the national targets.

These are the product's reading of QĐ 677/QĐ-TTg (2022) and QĐ 387/QĐ-TTg
(2022), which name the measures but do not define them for a survey. Each is a
local choice **[assumption]** and the pages say so. The cadre groups and the
digital-skills indicator are facts of each criteria set (``TargetGroup.cadre``,
``digital_indicator``, ``digital_min_points``): the figures of a run follow the
set it scores against (``definitions_for``).

* **Adult**: a member aged 15 or over at the survey date (``ADULT_MIN_AGE``).
  It is the lowest age of the working target groups in both shipped citizen
  sets and a boundary of the age bands, so "adults" is the sum of the bands
  15-24, 25-39, 40-59 and 60+. "Adults holding the title" (QĐ 677, 40% by
  2025, 60% by 2030) = recognised adults ÷ adults with a decision.
* **Cadre**: a member of one of ``cadre_groups``, the set's target groups marked
  ``cadre`` (``can_bo`` in CDHT v1, ``can_bo_dn`` in CDHT v2).
  "Cadres holding the title" (60% / 80%) = recognised cadres ÷ cadres with a
  decision.
* **Digital skills**: a recognised member whose ``digital_indicator`` (CD05,
  "uses ICT for work and daily life", in the shipped sets) has at least
  ``digital_min_points`` points (8 of 10: four of the listed digital skills).
  "Title holders with digital skills meeting job needs" (70% / 90%) =
  such members ÷ recognised members whose digital indicator was scored. A set
  that names no digital indicator leaves the figure *not defined* (never 0%).
* **Household rate** (QĐ 387, 70% by 2025) = recognised households ÷
  households with a decision.
* **Coverage** = households surveyed (responses in the counted statuses) ÷
  households planned for the round in the same communes (``RoundUnit``).

Every rate leaves out the undetermined (a missing answer, a reviewer score not
yet entered): they are counted and shown apart, never as failures.
Stored aggregates remember the definitions they were built with
(``aggregate_params``); figures asked for under other definitions (a set whose
facts changed since) are recomputed from the score rows until
``manage.py rebuild_aggregates`` rebuilds them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from criteria.selectors import spec_of
from criteria.spec import CriteriaSpec
from scoring.compute import AGE_BANDS
from scoring.models import ScoringRun
from survey.models import ResponseStatus, Round

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
    """The national-target facts of one criteria set (``definitions_for``)."""

    cadre_groups: tuple[str, ...]
    digital_indicator: str | None  # None: the set defines no digital-skills figure
    digital_min_points: float | None

    @property
    def defines_digital(self) -> bool:
        return self.digital_indicator is not None

    def aggregate_params(self) -> dict:
        """The part stored aggregates depend on (cadres are read from the breakdown)."""
        return {
            "digital_indicator": self.digital_indicator,
            "digital_min_points": (
                None if self.digital_min_points is None else float(self.digital_min_points)
            ),
        }

    def to_dict(self) -> dict:
        data = asdict(self)
        data["cadre_groups"] = list(self.cadre_groups)
        return data


def definitions_for(*, spec: CriteriaSpec) -> TargetDefinitions:
    """Read the definitions from a criteria set: its cadre groups and digital indicator."""
    digital = spec.digital_indicator or None
    return TargetDefinitions(
        cadre_groups=tuple(g.code for g in spec.target_groups if g.cadre),
        digital_indicator=digital,
        digital_min_points=(
            None
            if digital is None or spec.digital_min_points is None
            else float(spec.digital_min_points)
        ),
    )


def definitions_for_run(*, run: ScoringRun) -> TargetDefinitions:
    """Read the definitions of the set ``run`` scores against."""
    return definitions_for(spec=spec_of(criteria_set=run.criteria_set))


def definitions_for_round(*, round_: Round) -> TargetDefinitions:
    """Read the definitions of the round's own citizen set (its primary figures)."""
    return definitions_for(spec=spec_of(criteria_set=round_.citizen_set))
