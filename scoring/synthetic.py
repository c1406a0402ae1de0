"""Synthetic survey rounds with realistic distributions, for demos and benchmarks.

Everything is drawn from ``random.Random`` seeded by the seed and the commune key,
so the same seed gives the same households, members, answers and scores (only
database ids and timestamps differ). Figures come from the domain reference
(``shared/domain/README.md``, section 6); where it gives none the choice is ours
**[assumption]** and is marked so below.

* Household size: about 3.3 in wards and towns (Phường, Thị trấn), 4.0 in rural
  communes (Xã): head, usually a spouse, children, sometimes a parent or
  grandchildren.
* Ethnicity per area: thành phố Yên Bái mostly Kinh **[assumption: 88% Kinh,
  6% Tày, 2% Dao, a few Mường, Thái, Nùng, Mông]**; huyện Trấn Yên Kinh 74%,
  Tày 16%, Dao 6%, others 4%. A spouse is of another group 10% of the time.
* Target groups by area **[assumption]**: rural members 15+ are 72% farmers,
  18% workers, 10% cadres; urban 20% / 50% / 30%. Pupils form a group only in
  sets that have one (CDHT v2); under the pilot set children are not assessed.
* Pass rates by group (pilot results in Quảng Nam, 2021): farmers ≈ 70%,
  workers ≈ 83%, cadres ≈ 92%; pupils ≈ 80% **[assumption]**. Each member gets
  a wanted outcome with that probability; answers are drawn from a "quality"
  level and redrawn (up to 8 times) until the engine agrees, so the realised
  rates are close to the wanted ones and every answer is a plausible one.
* About 2% of members lack the reviewer's score (submitted, not yet
  reviewed): they are undetermined, as real submitted forms can be.
"""

from __future__ import annotations

import math
import random
import re
import time
import uuid
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from criteria.models import CriteriaSet
from criteria.selectors import find_version, spec_of
from criteria.spec import CriteriaSpec, Question
from scoring.aggregates import rebuild_run_aggregates
from scoring.engine import MemberProfile, compile_condition, compile_spec, score_member_with
from scoring.models import ScoringRun
from scoring.rows import RunPair, insert_score_rows, score_rows
from scoring.runs import run_pairs
from survey.models import (
    Household,
    HouseholdResponse,
    MemberResponse,
    ResponseStatus,
    Round,
    RoundUnit,
)
from units.models import AdminUnit
from units.selectors import children_of
from units.text import plain_key

PILOT_DISTRICTS = ("132@2020-02-01", "138@2020-02-01")
PILOT_DAY = date(2021, 6, 1)
ROUND_START, ROUND_END = date(2021, 6, 1), date(2021, 11, 30)
GENERATOR_USERNAME = "du-lieu-mo-phong"
CHUNK = 1000

SIZES_URBAN = {1: 0.08, 2: 0.20, 3: 0.27, 4: 0.27, 5: 0.12, 6: 0.04, 7: 0.02}  # mean 3.35
SIZES_RURAL = {1: 0.05, 2: 0.13, 3: 0.19, 4: 0.28, 5: 0.19, 6: 0.10, 7: 0.06}  # mean 3.97
# GSO ethnic codes: 01 Kinh, 02 Tày, 03 Thái, 06 Mường, 07 Nùng, 08 Mông, 09 Dao.
ETHNIC_MIX = {
    "132": {"01": 0.88, "02": 0.06, "09": 0.02, "06": 0.015, "03": 0.01, "07": 0.01, "08": 0.005},
    "138": {"01": 0.74, "02": 0.16, "09": 0.06, "08": 0.015, "06": 0.01, "03": 0.01, "07": 0.005},
}
ROLE_MIX = {
    "urban": {"farmer": 0.20, "worker": 0.50, "cadre": 0.30},
    "rural": {"farmer": 0.72, "worker": 0.18, "cadre": 0.10},
}
PASS_RATES = {"farmer": 0.70, "worker": 0.83, "cadre": 0.92, "pupil": 0.80}
ROLE_CODES = {
    "farmer": ("nong_dan", "cu_dan"),
    "worker": ("cong_nhan", "nguoi_lao_dong"),
    "cadre": ("can_bo", "can_bo_dn"),
    "pupil": ("hoc_sinh",),
}
REVIEWER_MISSING = 0.02

FAMILY_NAMES = {
    "01": ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương"),
    "02": ("Hoàng", "Nông", "Hà", "Lương", "Đinh", "Ma"),
    "03": ("Lò", "Cầm", "Lường", "Điêu"),
    "06": ("Đinh", "Bùi", "Quách", "Hà"),
    "07": ("Nông", "Hoàng", "Lục", "Vi"),
    "08": ("Giàng", "Sùng", "Vàng", "Hờ", "Lù"),
    "09": ("Triệu", "Bàn", "Lý", "Đặng", "Phùng"),
}
MIDDLE = {"male": ("Văn", "Đức", "Minh", "Quang", "Hữu"), "female": ("Thị", "Thu", "Ngọc", "Minh")}
GIVEN = {
    "male": ("An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khánh", "Long", "Nam", "Phúc",
             "Quân", "Sơn", "Thắng", "Tuấn", "Việt"),
    "female": ("Anh", "Châu", "Dung", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai",
               "Nga", "Phương", "Thảo", "Trang", "Yến"),
}  # fmt: skip

_GOOD_EQUALS = re.compile(r"\$\{(\w+)\}\s*=\s*'([^']*)'")
_GOOD_AT_LEAST = re.compile(r"\$\{(\w+)\}\s*>=\s*(\d+)")


@dataclass(frozen=True)
class GenerationResult:
    round: Round
    created: bool
    households: int
    members: int
    seconds: float
    timings: Mapping[str, float]


# Answer plans ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Ask:
    """How to draw one question's answer from a quality level in [0, 1]."""

    code: str
    type: str
    relevant: Callable[[Mapping[str, Any]], bool]
    choices: tuple[str, ...]  # by worth, lowest first (select questions)
    good: frozenset[str]  # answers a members_* test counts as passing
    none_choice: str | None
    bands: tuple[tuple[float, float | None], ...]  # (min, max) of each band, by points
    at_least: int | None  # an integer a test wants at least
    reviewer_max: float | None
    reviewer_only: bool


def _worth(spec: CriteriaSpec, question: Question) -> dict[str, float]:
    """Points each choice is worth in the rules that read the question."""
    worth: dict[str, float] = {}
    for indicator in spec.indicators:
        for rule in indicator.rules:
            if rule.question != question.code:
                continue
            if rule.type in ("choice_points", "checklist") and "points" in rule.params:
                for name, points in rule.params["points"].items():
                    worth[str(name)] = worth.get(str(name), 0.0) + float(points or 0)
            elif rule.type == "yes_no":
                worth[str(rule.params.get("yes", "yes"))] = float(rule.params["points"])
    return worth


def _member_tests(spec: CriteriaSpec) -> tuple[dict[str, set[str]], dict[str, int]]:
    good: dict[str, set[str]] = {}
    at_least: dict[str, int] = {}
    for indicator in spec.indicators:
        for rule in indicator.rules:
            test = str(rule.params.get("test") or "")
            for name, value in _GOOD_EQUALS.findall(test):
                good.setdefault(name, set()).add(value)
            for name, value in _GOOD_AT_LEAST.findall(test):
                at_least[name] = int(value)
    return good, at_least


def _plan(spec: CriteriaSpec, level: str) -> tuple[_Ask, ...]:
    good, at_least = _member_tests(spec)
    asks = []
    for question in spec.questions:
        if question.level != level or question.type in ("note", "text", "date"):
            continue
        choices: tuple[str, ...] = ()
        none_choice = None
        if question.choice_list:
            names = [c.name for c in spec.choice_list(question.choice_list).choices]
            worth = _worth(spec, question)
            if "none" in names and question.type == "select_multiple":
                none_choice = "none"
                names.remove("none")
            if worth:
                names.sort(key=lambda n: worth.get(n, 0.0))
            choices = tuple(names)
        bands: tuple = ()
        reviewer_max = None
        for indicator in spec.indicators:
            for rule in indicator.rules:
                if rule.question == question.code and rule.type == "bands":
                    bands = tuple(
                        (float(b["min"]), None if b.get("max") in (None, "") else float(b["max"]))
                        for b in sorted(rule.params["bands"], key=lambda b: float(b["points"]))
                    )
                if rule.question == question.code and rule.type == "reviewer_score":
                    reviewer_max = float(rule.params["max"])
        asks.append(
            _Ask(
                code=question.code,
                type=question.type,
                relevant=compile_condition(question.relevant),
                choices=choices,
                good=frozenset(good.get(question.code, ())),
                none_choice=none_choice,
                bands=bands,
                at_least=at_least.get(question.code),
                reviewer_max=reviewer_max,
                reviewer_only=question.reviewer_only,
            )
        )
    return tuple(asks)


def _draw(ask: _Ask, quality: float, rng: random.Random, values: Mapping[str, Any]) -> Any:
    if ask.type == "select_one":
        if "no_children" in ask.choices and "_children_at_school" in values:
            if not values["_children_at_school"]:
                return "no_children"
            choices = [c for c in ask.choices if c != "no_children"]
        else:
            choices = list(ask.choices)
        if ask.good:
            passing = [c for c in choices if c in ask.good]
            failing = [c for c in choices if c not in ask.good]
            if passing and (not failing or rng.random() < 0.55 + 0.45 * quality):
                return rng.choice(passing)
            return rng.choice(failing or passing)
        index = round(quality * (len(choices) - 1) + rng.gauss(0, 0.8))
        return choices[min(max(index, 0), len(choices) - 1)]
    if ask.type == "select_multiple":
        ticked = [c for c in ask.choices if rng.random() < 0.1 + 0.6 * quality]
        if not ticked:
            return [ask.none_choice] if ask.none_choice else [rng.choice(ask.choices)]
        return ticked
    if ask.type == "integer":
        if ask.bands:
            index = round(quality * (len(ask.bands) - 1) + rng.gauss(0, 0.7))
            low, high = ask.bands[min(max(index, 0), len(ask.bands) - 1)]
            return rng.randint(int(low), int(high if high is not None else low + 6))
        if ask.at_least is not None:
            if rng.random() < 0.5 + 0.5 * quality:
                return rng.randint(ask.at_least, ask.at_least + 4)
            return rng.randint(0, max(ask.at_least - 1, 0))
        return rng.randint(0, 5)
    if ask.type == "decimal":
        top = ask.reviewer_max if ask.reviewer_max is not None else 10.0
        return min(top, max(0.0, round((quality * top + rng.gauss(0, top / 6)) * 2) / 2))
    return None  # pragma: no cover - types without an answer were left out


def _answers(
    asks: Sequence[_Ask], quality: float, rng: random.Random, known: Mapping[str, Any]
) -> dict[str, Any]:
    """Answers in form order; a question that does not apply gets none (as the form does)."""
    values = dict(known)
    answers: dict[str, Any] = {}
    for ask in asks:
        if not ask.relevant(values):
            continue
        # Each question gets its own level around the member's: people are uneven.
        level = min(1.0, max(0.0, quality + rng.gauss(0, 0.18)))
        value = _draw(ask, level, rng, values)
        answers[ask.code] = value
        values[ask.code] = value
    return answers


# Households ----------------------------------------------------------------------------------


def _rng(seed_text: str) -> random.Random:
    """A generator seeded by text (Python seeds str deterministically, via SHA-512)."""
    return random.Random(seed_text)  # noqa: S311 - synthetic data, not security


def _pick(weights: Mapping[str, float], rng: random.Random) -> Any:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


@dataclass
class _Person:
    sex: str
    age: int
    ethnicity: str
    relationship: str
    role: str  # farmer / worker / cadre / pupil / child


def _people(urban: bool, district: str, rng: random.Random) -> list[_Person]:
    size = _pick(SIZES_URBAN if urban else SIZES_RURAL, rng)
    mix = ETHNIC_MIX.get(district, ETHNIC_MIX["138"])
    ethnicity = _pick(mix, rng)
    head_age = min(85, max(22, round(rng.triangular(24, 80, 44))))
    head_sex = "male" if rng.random() < 0.78 else "female"
    people = [_Person(head_sex, head_age, ethnicity, "head", "")]
    if size >= 2 and rng.random() < 0.9:
        spouse_age = min(90, max(20, head_age + rng.randint(-6, 4)))
        spouse_ethnicity = ethnicity if rng.random() < 0.9 else _pick(mix, rng)
        other = "female" if head_sex == "male" else "male"
        people.append(_Person(other, spouse_age, spouse_ethnicity, "spouse", ""))
    if len(people) < size and size >= 4 and head_age < 58 and rng.random() < 0.25:
        people.append(
            _Person(
                rng.choice(("male", "female")),
                min(95, head_age + rng.randint(22, 32)),
                ethnicity,
                "parent",
                "",
            )
        )
    while len(people) < size:
        if head_age > 58 and rng.random() < 0.5:
            age, relationship = rng.randint(0, 16), "grandchild"
        else:
            age, relationship = max(0, head_age - rng.randint(20, 38)), "child"
        people.append(_Person(rng.choice(("male", "female")), age, ethnicity, relationship, ""))
    return people


def _education(person: _Person, rng: random.Random) -> str:
    age, role = person.age, person.role
    if age < 6:
        return "none"
    if age <= 10:
        return "primary"
    if age <= 14:
        return "lower_secondary"
    if age <= 17:
        return "upper_secondary"
    if role == "cadre":
        return rng.choice(("college", "university", "university", "postgraduate"))
    if role == "worker":
        return rng.choice(("lower_secondary", "upper_secondary", "vocational", "vocational"))
    return rng.choice(("primary", "lower_secondary", "lower_secondary", "upper_secondary"))


def _name(person: _Person, family: str, rng: random.Random) -> str:
    return f"{family} {rng.choice(MIDDLE[person.sex])} {rng.choice(GIVEN[person.sex])}"


class _Groups:
    """The citizen set's target group for each role (and the ages it covers)."""

    def __init__(self, spec: CriteriaSpec):
        groups = list(spec.target_groups)
        self.ranges = {g.code: (g.min_age or 0, g.max_age or 200) for g in groups}
        self.code: dict[str, str | None] = {}
        for n, role in enumerate(("farmer", "worker", "cadre", "pupil")):
            known = next((g.code for g in groups if g.code in ROLE_CODES[role]), None)
            if known is None and role != "pupil" and n < len(groups):
                known = groups[n].code
            self.code[role] = known

    def assign(self, person: _Person, urban: bool, rng: random.Random) -> str:
        pupil = self.code["pupil"]
        at_school = person.age <= 17 or (person.age <= 22 and rng.random() < 0.35)
        if pupil and at_school and self._covers(pupil, person.age):
            person.role = "pupil"
            return pupil
        if person.age < 15:
            person.role = "child"
            return ""
        role = _pick(ROLE_MIX["urban" if urban else "rural"], rng)
        if person.age >= 60 and role == "cadre" and rng.random() < 0.7:
            role = "farmer"  # retired
        code = self.code[role]
        if code is None or not self._covers(code, person.age):
            person.role = "child"
            return ""
        person.role = role
        return code

    def _covers(self, code: str, age: int) -> bool:
        low, high = self.ranges.get(code, (0, 200))
        return low <= age <= high


class _Maker:
    """Draws one household's people and answers (the citizen outcome is steered)."""

    def __init__(self, citizen: CriteriaSpec, household: CriteriaSpec | None, year: int):
        self.citizen = citizen
        self.household = household
        self.year = year
        self.citizen_plan = compile_spec(citizen)
        self.citizen_asks = _plan(citizen, "member")
        self.member_asks = _plan(household, "member") if household else ()
        self.household_asks = _plan(household, "household") if household else ()
        self.groups = _Groups(citizen)
        self.reviewer = tuple(a.code for a in self.citizen_asks if a.reviewer_only)

    def member_answers(self, person: _Person, group: str, rng: random.Random) -> tuple:
        """(answers, quality) for a member; assessed members are steered to an outcome."""
        known = {"age": person.age, "target_group": group, "sex": person.sex}
        if person.role in PASS_RATES and group:
            wanted = rng.random() < PASS_RATES[person.role]
            profile = MemberProfile(target_group=group, age=person.age, sex=person.sex)
            quality = rng.uniform(0.78, 1.0) if wanted else rng.uniform(0.25, 0.85)
            for _attempt in range(8):
                answers = _answers(self.citizen_asks, quality, rng, known)
                result = score_member_with(self.citizen_plan, profile, answers)
                if bool(result.recognised) == wanted:
                    break
                quality = min(1.0, quality + 0.06) if wanted else max(0.0, quality - 0.08)
            if self.reviewer and rng.random() < REVIEWER_MISSING:
                for code in self.reviewer:
                    answers.pop(code, None)
        else:
            quality = rng.uniform(0.3, 1.0)
            answers = {}
        if self.member_asks:
            answers.update(_answers(self.member_asks, min(1.0, quality + 0.1), rng, known))
        return answers, quality

    def household_answers(self, quality: float, children_at_school: bool, rng) -> dict:
        known = {"_children_at_school": children_at_school}
        answers = _answers(self.household_asks, quality, rng, known)
        return answers


# The round --------------------------------------------------------------------------------


def pilot_communes() -> list[AdminUnit]:
    """The 36 pilot-era communes of thành phố Yên Bái and huyện Trấn Yên."""
    communes: list[AdminUnit] = []
    for district in AdminUnit.objects.filter(key__in=PILOT_DISTRICTS).order_by("key"):
        communes.extend(children_of(unit=district, day=PILOT_DAY))
    return communes


def _allocate(total: int, units: Sequence[AdminUnit], seed: int) -> dict[str, int]:
    """Split ``total`` households over units (wards a bit smaller), deterministically."""
    rng = _rng(f"{seed}:allocation")
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
) -> GenerationResult:
    """Create the round if it does not exist and add ``households`` synthetic submitted
    households, scored under every current run of the round, with aggregates rebuilt.

    The new round (default) uses CDHT v1 and GDHT v1 on the 36 pilot-era communes,
    surveyed from June to November 2021.
    """
    from survey.services import create_round

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
        allocation = _allocate(households, units, seed)
        round_ = create_round(
            code=code,
            name=f"Đợt khảo sát mô phỏng {code} (dữ liệu tổng hợp, seed {seed})",
            citizen_set=citizen_set,
            household_set=household_set,
            starts_on=ROUND_START,
            ends_on=ROUND_END,
            planned={
                key: max(1, math.ceil(n / _rng(f"{seed}:{key}:plan").uniform(0.88, 1.0)))
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
        allocation = _allocate(households, units, seed)
    citizen = spec_of(criteria_set=round_.citizen_set)
    household = spec_of(criteria_set=round_.household_set) if round_.household_set_id else None
    maker = _Maker(citizen, household, ROUND_START.year)
    user = _generator_user()
    pairs = run_pairs(round_=round_)
    done = members_total = 0
    for unit in units:
        wanted = allocation.get(unit.key, 0)
        offset = Household.objects.filter(code__startswith=f"{code}-{unit.code}-").count()
        rng = _rng(f"{seed}:{unit.key}:{offset}")
        for start in range(0, wanted, CHUNK):
            count = min(CHUNK, wanted - start)
            members_total += _make_chunk(
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


def _make_chunk(
    *,
    round_: Round,
    unit: AdminUnit,
    first: int,
    count: int,
    rng: random.Random,
    maker: _Maker,
    user: User,
    pairs: list[RunPair],
    timings: dict[str, float],
) -> int:
    began = time.perf_counter()
    urban = unit.type in ("Phường", "Thị trấn")
    district = (unit.parent_id or "").split("@")[0]
    household_rows, response_rows, people_rows = [], [], []
    for n in range(first, first + count):
        people = _people(urban, district, rng)
        family = rng.choice(FAMILY_NAMES.get(people[0].ethnicity, FAMILY_NAMES["01"]))
        members = []
        qualities = []
        for person in people:
            group = maker.groups.assign(person, urban, rng)
            answers, quality = maker.member_answers(person, group, rng)
            qualities.append(quality)
            members.append(
                {
                    "person_id": uuid.UUID(int=rng.getrandbits(128), version=4),
                    "full_name": _name(person, family, rng),
                    "sex": person.sex,
                    "age": person.age,
                    "birth_year": maker.year - person.age,
                    "ethnicity": person.ethnicity,
                    "education": _education(person, rng),
                    "target_group": group,
                    "relationship": person.relationship,
                    "answers": answers,
                }
            )
        at_school = any(
            6 <= m["age"] <= 17 and m["answers"].get("attends_school", "yes") == "yes"
            for m in members
        )
        mean_quality = sum(qualities) / len(qualities)
        household_quality = min(1.0, max(0.0, mean_quality + rng.gauss(0.1, 0.1)))
        village = f"Tổ dân phố {rng.randint(1, 15)}" if urban else f"Thôn {rng.randint(1, 12)}"
        head = members[0]["full_name"]
        household_code = f"{round_.code}-{unit.code}-{n:06d}"
        address = f"Số {rng.randint(1, 200)}, {village}"
        household_rows.append(
            Household(
                code=household_code, unit=unit, village=village, address=address, head_name=head
            )
        )
        response_rows.append(
            {
                "village": village,
                "address": address,
                "head_name": head,
                "search_text": "| " + " | ".join(plain_key(m["full_name"]) for m in members) + " |",
                "survey_date": ROUND_START + timedelta(days=rng.randint(0, 150)),
                "answers": maker.household_answers(household_quality, at_school, rng),
            }
        )
        people_rows.append(members)
    drawn = time.perf_counter()
    timings["draw"] += drawn - began

    Household.objects.bulk_create(household_rows, batch_size=CHUNK)
    responses = HouseholdResponse.objects.bulk_create(
        [
            HouseholdResponse(
                round=round_,
                household=household,
                unit=unit,
                status=ResponseStatus.SUBMITTED,
                surveyor=user,
                updated_by=user,
                **row,
            )
            for household, row in zip(household_rows, response_rows, strict=True)
        ],
        batch_size=CHUNK,
    )
    member_objects = MemberResponse.objects.bulk_create(
        [
            MemberResponse(response=response, position=position, **member)
            for response, members in zip(responses, people_rows, strict=True)
            for position, member in enumerate(members, start=1)
        ],
        batch_size=CHUNK,
    )
    written = time.perf_counter()
    timings["write"] += written - drawn

    by_response: dict[int, list[MemberResponse]] = {}
    for member in member_objects:
        by_response.setdefault(member.response_id, []).append(member)
    listed = sum(len(people) for people in people_rows)
    scored = [
        score_rows(
            pair=pair,
            round_id=round_.pk,
            responses=[(r, by_response.get(r.pk, [])) for r in responses],
            deltas=False,
        )
        for pair in pairs
    ]
    scored_at = time.perf_counter()
    timings["score"] += scored_at - written
    for rows in scored:
        insert_score_rows(rows=rows)
    timings["write"] += time.perf_counter() - scored_at
    return listed
