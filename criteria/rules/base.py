"""What a rule type is, and the registry that names them by their type code."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from criteria.spec import ChoiceList, Label, Question

Score = Callable[[Mapping[str, Any], Any, Mapping[str, Any]], float | None]

# How a parameter is written in a workbook cell (criteria.workbook.params reads each kind).
NUMBER = "number"
TEXT = "text"
POINTS = "points"  # choice=points; choice=points
BANDS = "bands"  # from-to:points; from-:points
NUMBER_OR_POINTS = "number_or_points"  # one number, or a choice=points map


@dataclass(frozen=True)
class Param:
    """One parameter of a rule type: its name in the workbook column and YAML key, and kind."""

    name: str
    kind: str


@dataclass(frozen=True)
class ParamProblem:
    """What is wrong with one parameter of a rule (``param`` names it, e.g. ``bands[2].min``)."""

    param: str
    vi: str
    en: str

    def message(self, language: str = "vi") -> str:
        return self.en if language.startswith("en") else self.vi


@dataclass(frozen=True)
class AnswerHints:
    """What a rule tells the demo generator about good and poor answers to its question."""

    worth: Mapping[str, float] = field(default_factory=dict)  # choice -> points it gives
    ranges: tuple[tuple[float, float | None], ...] = ()  # (min, max) of bands, worst first
    top: float | None = None  # the most a number answer can score


class MemberTests(Protocol):
    """The engine's compiled ``condition`` and ``test`` of a member-derived rule."""

    def matching(self, context: Mapping[str, Any]) -> list: ...

    def passing(self, members: list) -> int: ...


class RuleType:
    """A kind of rule: how it checks, describes and scores its params, in one class.

    ``score`` is the reference; ``compile`` may return a faster equivalent with the params
    read once (tests compare the two); ``vectorise`` is its numpy version over columns
    (``scoring.vector`` scores whole rounds with it; tests compare it too).
    """

    code: ClassVar[str]
    label: ClassVar[Label]
    question_types: ClassVar[tuple[str, ...]]  # () for household items computed from members
    params: ClassVar[tuple[Param, ...]] = ()

    @property
    def needs_question(self) -> bool:
        return bool(self.question_types)

    def param_kind(self, name: str) -> str | None:
        return next((p.kind for p in self.params if p.name == name), None)

    def check(
        self, params: Mapping[str, Any], question: Question | None, choices: ChoiceList | None
    ) -> list[ParamProblem]:
        """List what is wrong with the params for this question and its choices."""
        raise NotImplementedError

    def ceiling(self, params: Mapping[str, Any]) -> float:
        """Return the most points the rule can give."""
        raise NotImplementedError

    def score(
        self, params: Mapping[str, Any], value: Any, context: Mapping[str, Any]
    ) -> float | None:
        """Turn an answer (or the members in ``context``) into points; None if it does not apply."""
        raise NotImplementedError

    def compile(self, params: Mapping[str, Any], *, members: MemberTests | None = None) -> Score:
        """Return a scorer equal to ``score`` for these params."""
        return self.score

    def describe(
        self, params: Mapping[str, Any], *, choice_label: Callable[[str], str], language: str
    ) -> str:
        """Say in one sentence how the rule turns answers into points."""
        return self.code

    def answer_hints(self, params: Mapping[str, Any]) -> AnswerHints:
        """Tell the demo generator which answers score well."""
        return AnswerHints()

    def vectorise(
        self, params: Mapping[str, Any], column: Any, *, choices: Sequence[str]
    ) -> tuple[Any, Any] | None:
        """Return numpy (points, missing) arrays over a column, or None if not supported.

        The points must equal ``score``'s for every answered row, bit for bit; return None
        for params where they could not (the engine then scores the set without numpy).
        """
        return None


RULE_TYPES: dict[str, RuleType] = {}


def register(cls: type[RuleType]) -> type[RuleType]:
    """Register the decorated class under its ``code`` (a later class replaces an earlier)."""
    RULE_TYPES[cls.code] = cls()
    return cls


def get_rule_type(code: str) -> RuleType | None:
    return RULE_TYPES.get(code)
