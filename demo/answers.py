"""Synthetic answers: per question, drawn from a quality level, and per member, steered
to a wanted citizen outcome.

* Pass rates by group (pilot results in Quảng Nam, 2021): farmers ≈ 70%,
  workers ≈ 83%, cadres ≈ 92%; pupils ≈ 80% **[assumption]**. Each member gets
  a wanted outcome with that probability; answers are drawn from a "quality"
  level and redrawn (up to 8 times) until the engine agrees, so the realised
  rates are close to the wanted ones and every answer is a plausible one.
* About 2% of members lack the reviewer's score (submitted, not yet
  reviewed): they are undetermined, as real submitted forms can be.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from criteria.rules import RULE_TYPES
from criteria.spec import CriteriaSpec, Rule
from demo.households import Person, TargetGroups
from scoring.engine import MemberProfile, compile_condition, compile_spec, score_member_with

PASS_RATES = {"farmer": 0.70, "worker": 0.83, "cadre": 0.92, "pupil": 0.80}
REVIEWER_MISSING = 0.02

_GOOD_EQUALS = re.compile(r"\$\{(\w+)\}\s*=\s*'([^']*)'")
_GOOD_AT_LEAST = re.compile(r"\$\{(\w+)\}\s*>=\s*(\d+)")


@dataclass(frozen=True)
class Ask:
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


@dataclass
class RuleHints:
    """What the rules that read one question say about drawing its answer."""

    worth: dict[str, float] = field(default_factory=dict)  # points each choice is worth
    bands: tuple[tuple[float, float | None], ...] = ()  # (min, max) of each band, by points
    reviewer_max: float | None = None


def read_rule_hints(*, rule: Rule, hints: RuleHints) -> None:
    """Add what one rule on the question says about its answer to ``hints`` (its type's)."""
    rule_type = RULE_TYPES.get(rule.type)
    if rule_type is None:
        return
    given = rule_type.answer_hints(rule.params)
    for name, points in given.worth.items():
        hints.worth[name] = hints.worth.get(name, 0.0) + points
    if given.ranges:
        hints.bands = given.ranges
    if given.top is not None:
        hints.reviewer_max = given.top


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


def plan_asks(*, spec: CriteriaSpec, level: str) -> tuple[Ask, ...]:
    """How to answer each question of the level ("member" or "household"), in form order."""
    good, at_least = _member_tests(spec)
    asks = []
    for question in spec.questions:
        if question.level != level or question.type in ("note", "text", "date"):
            continue
        hints = RuleHints()
        for indicator in spec.indicators:
            for rule in indicator.rules:
                if rule.question == question.code:
                    read_rule_hints(rule=rule, hints=hints)
        choices: tuple[str, ...] = ()
        none_choice = None
        if question.choice_list:
            names = [c.name for c in spec.choice_list(question.choice_list).choices]
            worth = hints.worth
            if "none" in names and question.type == "select_multiple":
                none_choice = "none"
                names.remove("none")
            if worth:
                names.sort(key=lambda n: worth.get(n, 0.0))
            choices = tuple(names)
        asks.append(
            Ask(
                code=question.code,
                type=question.type,
                relevant=compile_condition(question.relevant),
                choices=choices,
                good=frozenset(good.get(question.code, ())),
                none_choice=none_choice,
                bands=hints.bands,
                at_least=at_least.get(question.code),
                reviewer_max=hints.reviewer_max,
                reviewer_only=question.reviewer_only,
            )
        )
    return tuple(asks)


def _draw(ask: Ask, quality: float, rng: random.Random, values: Mapping[str, Any]) -> Any:
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


def draw_answers(
    *, asks: Sequence[Ask], quality: float, rng: random.Random, known: Mapping[str, Any]
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


class AnswerMaker:
    """Draws one household's answers (the citizen outcome is steered)."""

    def __init__(self, citizen: CriteriaSpec, household: CriteriaSpec | None, year: int):
        self.citizen = citizen
        self.household = household
        self.year = year
        self.citizen_plan = compile_spec(citizen)
        self.citizen_asks = plan_asks(spec=citizen, level="member")
        self.member_asks = plan_asks(spec=household, level="member") if household else ()
        self.household_asks = plan_asks(spec=household, level="household") if household else ()
        self.groups = TargetGroups(citizen)
        self.reviewer = tuple(a.code for a in self.citizen_asks if a.reviewer_only)

    def member_answers(self, person: Person, group: str, rng: random.Random) -> tuple:
        """(answers, quality) for a member; assessed members are steered to an outcome."""
        known = {"age": person.age, "target_group": group, "sex": person.sex}
        if person.role in PASS_RATES and group:
            wanted = rng.random() < PASS_RATES[person.role]
            profile = MemberProfile(target_group=group, age=person.age, sex=person.sex)
            quality = rng.uniform(0.78, 1.0) if wanted else rng.uniform(0.25, 0.85)
            for _attempt in range(8):
                answers = draw_answers(
                    asks=self.citizen_asks, quality=quality, rng=rng, known=known
                )
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
            answers.update(
                draw_answers(
                    asks=self.member_asks, quality=min(1.0, quality + 0.1), rng=rng, known=known
                )
            )
        return answers, quality

    def household_answers(
        self, quality: float, children_at_school: bool, rng: random.Random
    ) -> dict[str, Any]:
        """The household form's answers (a school question knows if children go to school)."""
        known = {"_children_at_school": children_at_school}
        return draw_answers(asks=self.household_asks, quality=quality, rng=rng, known=known)
