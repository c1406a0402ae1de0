"""Synthetic survey rounds with realistic distributions, for demos and benchmarks.

Everything is drawn from ``random.Random`` seeded by the seed and the commune key,
so the same seed gives the same households, members, answers and scores (only
database ids and timestamps differ). Figures come from the domain reference
(``shared/domain/README.md``, section 6); where it gives none the choice is ours
**[assumption]**: the households and their members are drawn in ``demo.households``,
their answers in ``demo.answers``, and each chunk is written and scored in
``demo.chunks``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import User
from django.db import transaction

from criteria.models import CriteriaSet
from criteria.selectors import find_version, spec_of
from demo.answers import AnswerMaker
from demo.chunks import CHUNK, write_chunk
from demo.pilot import ROUND_END, ROUND_START, pilot_communes
from demo.randomness import seeded_rng
from scoring.aggregates import rebuild_run_aggregates
from scoring.models import ScoringRun
from scoring.runs import run_pairs
from survey.models import Household, Round, RoundUnit
from units.models import AdminUnit

GENERATOR_USERNAME = "du-lieu-mo-phong"


@dataclass(frozen=True)
class GenerationResult:
    round: Round
    created: bool
    households: int
    members: int
    seconds: float
    timings: Mapping[str, float]


def _allocate(*, total: int, units: Sequence[AdminUnit], seed: int) -> dict[str, int]:
    """Split ``total`` households over units (wards a bit smaller), deterministically."""
    rng = seeded_rng(f"{seed}:allocation")
    weights = {
        u.key: (0.8 if u.type in ("Phường", "Thị trấn") else 1.0) * rng.uniform(0.7, 1.3)
        for u in units
    }
    scale = total / sum(weights.values())
    exact = {k: w * scale for k, w in weights.items()}
    counts = {k: math.floor(v) for k, v in exact.items()}
    rest = total - sum(counts.values())
    for key in sorted(exact, key=lambda k: (counts[k] - exact[k], k))[:rest]:
        counts[key] += 1
    return counts


def _generator_user() -> User:
    user, created = User.objects.get_or_create(
        username=GENERATOR_USERNAME,
        defaults={"is_active": False, "first_name": "Dữ liệu", "last_name": "mô phỏng"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def generate_round(
    *,
    code: str,
    households: int,
    seed: int,
    unit_keys: Collection[str] | None = None,
    citizen_set: CriteriaSet | None = None,
    household_set: CriteriaSet | None = None,
    status: str = Round.Status.CLOSED,
    progress: Callable[[int, int], None] | None = None,
    starts_on: date = ROUND_START,
    ends_on: date = ROUND_END,
    name: str = "",
) -> GenerationResult:
    """Create the round if it does not exist and add ``households`` synthetic submitted
    households, scored under every current run of the round, with aggregates rebuilt.

    The new round (default) uses CDHT v1 and GDHT v1 on the 36 pilot-era communes,
    surveyed from June to November 2021.
    """
    from survey.rounds import create_round

    started = time.perf_counter()
    timings = {"draw": 0.0, "score": 0.0, "write": 0.0, "aggregate": 0.0}
    round_ = Round.objects.filter(code=code).first()
    created = round_ is None
    if created:
        citizen_set = citizen_set or find_version(code="CDHT", version=1)
        household_set = household_set or find_version(code="GDHT", version=1)
        if citizen_set is None:
            raise ValueError("criteria set CDHT v1 is not installed (load_reference_data)")
        units = (
            list(AdminUnit.objects.filter(key__in=unit_keys).order_by("key"))
            if unit_keys
            else pilot_communes()
        )
        allocation = _allocate(total=households, units=units, seed=seed)
        round_ = create_round(
            code=code,
            name=name or f"Đợt khảo sát mô phỏng {code} (dữ liệu tổng hợp, seed {seed})",
            citizen_set=citizen_set,
            household_set=household_set,
            starts_on=starts_on,
            ends_on=ends_on,
            planned={
                key: max(1, math.ceil(n / seeded_rng(f"{seed}:{key}:plan").uniform(0.88, 1.0)))
                for key, n in allocation.items()
            },
            status=status,
        )
    else:
        if citizen_set is not None and citizen_set.pk != round_.citizen_set_id:
            raise ValueError(f"round {code} uses {round_.citizen_set}, not {citizen_set}")
        keys = unit_keys or list(
            RoundUnit.objects.filter(round=round_).values_list("unit_id", flat=True)
        )
        units = list(AdminUnit.objects.filter(key__in=keys).order_by("key"))
        allocation = _allocate(total=households, units=units, seed=seed)
    citizen = spec_of(criteria_set=round_.citizen_set)
    household = spec_of(criteria_set=round_.household_set) if round_.household_set_id else None
    maker = AnswerMaker(citizen, household, round_.starts_on.year)
    user = _generator_user()
    pairs = run_pairs(round_=round_)
    done = members_total = 0
    for unit in units:
        wanted = allocation.get(unit.key, 0)
        offset = Household.objects.filter(code__startswith=f"{code}-{unit.code}-").count()
        rng = seeded_rng(f"{seed}:{unit.key}:{offset}")
        for start in range(0, wanted, CHUNK):
            count = min(CHUNK, wanted - start)
            members_total += write_chunk(
                round_=round_,
                unit=unit,
                first=offset + start + 1,
                count=count,
                rng=rng,
                maker=maker,
                user=user,
                pairs=pairs,
                timings=timings,
            )
            done += count
            if progress is not None:
                progress(done, households)
    aggregated = time.perf_counter()
    for run in ScoringRun.objects.filter(round=round_, complete=True):
        rebuild_run_aggregates(run=run)
    timings["aggregate"] = time.perf_counter() - aggregated
    return GenerationResult(
        round=round_,
        created=created,
        households=done,
        members=members_total,
        seconds=time.perf_counter() - started,
        timings=timings,
    )
