"""Members' answers laid out as numpy columns for the vectorised scoring path.

One column per question a rule reads, with the engine's own reading of each answer:
relevance is run per member with the plan's compiled steps (``_blank_irrelevant``),
and a value counts as unanswered exactly when the engine's test says so. Each question
then has a ``state`` array: ``ANSWERED``, ``UNANSWERED``, ``IRRELEVANT`` (surely does not
apply) or ``UNKNOWN + k`` (does not apply as far as known, ``k`` naming the unanswered
names its relevance read, see ``unknowns``).

The values themselves, for the answered members: a select_one is the position of
``str(value)`` in the choices (a value not in the list gets a position past them, the
same for the same text); a select_multiple is a boolean matrix over the choices and
such extra items; a number is ``criteria.rules.checks.number(value)`` (NaN where that is
None). A member whose answer the columns cannot hold exactly (an item of a list that is
not text, a number that is not finite) is flagged ``fallback``: the scalar engine
scores that member.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from numbers import Number
from typing import Any

import numpy as np

from criteria.rules.checks import number
from scoring.engine.inputs import MemberProfile
from scoring.engine.relevance import _blank_irrelevant

ANSWERED, UNANSWERED, IRRELEVANT, UNKNOWN = 0, 1, 2, 3
ONE, MULTI, NUMBER = "one", "multi", "number"


@dataclass(frozen=True)
class QuestionColumn:
    """How one question is laid out: its code, kind and choice names."""

    code: str
    kind: str  # ONE, MULTI or NUMBER
    choices: tuple[str, ...]


@dataclass
class Columns:
    size: int
    groups: list[str]  # each member's target group
    state: dict[str, np.ndarray]  # question -> int32 states
    values: dict[str, Any]  # question -> int32 positions, float64 numbers, bool matrix
    choices: dict[str, tuple[str, ...]]  # question -> choice names and the extra values
    fallback: np.ndarray  # bool: score these members with the scalar engine


class Unknowns:
    """The tuples of unanswered names that leave a relevance unknown, numbered."""

    def __init__(self) -> None:
        self.numbers: dict[tuple[str, ...], int] = {}
        self.names: list[tuple[str, ...]] = []

    def number_of(self, names: tuple[str, ...]) -> int:
        found = self.numbers.get(names)
        if found is None:
            found = self.numbers[names] = len(self.names)
            self.names.append(names)
        return found


def _unanswered(value: Any) -> bool:
    """The engine's test in ``_score`` (a falsy non-number, or NaN)."""
    if not value:
        return not isinstance(value, Number)
    return value.__class__ is float and value != value


def encode_members(
    *,
    questions: Sequence[QuestionColumn],
    relevance: tuple,
    profiles: Sequence[MemberProfile],
    answers: Sequence[Mapping[str, Any]],
    unknowns: Unknowns,
) -> Columns:
    """Lay out the members' answers to ``questions`` as columns (see the module docstring)."""
    size = len(profiles)
    fallback = np.zeros(size, dtype=bool)
    if relevance:
        records = []
        irrelevants = []
        for profile, record in zip(profiles, answers, strict=True):
            values = dict(record)
            values["age"] = profile.age
            values["target_group"] = profile.target_group
            values["sex"] = profile.sex
            irrelevants.append(_blank_irrelevant(relevance, values))
            records.append(values)
    else:  # no condition to run: the answers as they are (no question is a built-in)
        records, irrelevants = list(answers), []
    state: dict[str, np.ndarray] = {}
    values_out: dict[str, Any] = {}
    choices_out: dict[str, tuple[str, ...]] = {}
    for question in questions:
        code = question.code
        column = [r.get(code) for r in records]
        if question.kind == NUMBER:
            states, values_out[code] = _numbers(column, fallback)
            choices_out[code] = question.choices
        else:
            lookup: dict[Any, int] = {c: n for n, c in enumerate(question.choices)}
            if question.kind == ONE:
                states, values_out[code] = _choices(column, lookup)
            else:
                states, values_out[code] = _ticks(column, lookup, fallback)
            choices_out[code] = tuple(lookup)
        state[code] = states
    for row, irrelevant in enumerate(irrelevants):
        if irrelevant:
            for code, unknown in irrelevant.items():
                states = state.get(code)
                if states is not None:
                    states[row] = UNKNOWN + unknowns.number_of(unknown) if unknown else IRRELEVANT
    return Columns(
        size=size,
        groups=[p.target_group for p in profiles],
        state=state,
        values=values_out,
        choices=choices_out,
        fallback=fallback,
    )


_UNSET = -2  # a value that is not a plain text: read one by one


def _choices(column: list, lookup: dict[Any, int]) -> tuple[np.ndarray, np.ndarray]:
    """(states, positions) of a select_one column; new texts are added to ``lookup``."""
    get = lookup.get
    codes = [get(v, _UNSET) if v.__class__ is str else _UNSET for v in column]
    for row, code in enumerate(codes):
        if code == _UNSET:
            value = column[row]
            if _unanswered(value):
                codes[row] = -1
            else:
                text = str(value)
                codes[row] = lookup.setdefault(text, len(lookup))
    positions = np.asarray(codes, dtype=np.int32)
    if "" in lookup:  # "" is unanswered, never a choice
        positions[positions == lookup[""]] = -1
    states = np.where(positions < 0, UNANSWERED, ANSWERED).astype(np.int32)
    return states, positions


def _ticks(column: list, lookup: dict[Any, int], fallback: np.ndarray) -> tuple:
    """(states, matrix) of a select_multiple column; new items are added to ``lookup``."""
    size = len(column)
    states = np.zeros(size, dtype=np.int32)
    rows: list[int] = []
    ticked: list[int] = []
    get = lookup.get
    for row, value in enumerate(column):
        if value.__class__ is list and value:
            items = value
        elif _unanswered(value):
            states[row] = UNANSWERED
            continue
        else:
            items = value if isinstance(value, (list, tuple, set)) else str(value or "").split()
        for item in items:
            if item.__class__ is not str:
                fallback[row] = True
                break
            position = get(item)
            if position is None:
                position = lookup[item] = len(lookup)
            rows.append(row)
            ticked.append(position)
    matrix = np.zeros((size, len(lookup)), dtype=bool)
    if rows:
        matrix[np.asarray(rows), np.asarray(ticked)] = True
    return states, matrix


def _numbers(column: list, fallback: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(states, numbers) of a number column: ``number(value)``, NaN where it is None."""
    size = len(column)
    states = np.zeros(size, dtype=np.int32)
    numbers = np.empty(size)
    for row, value in enumerate(column):
        kind = value.__class__
        if kind is int or kind is float:
            if value != value:
                states[row] = UNANSWERED
                continue
            numbers[row] = value
        elif _unanswered(value):
            states[row] = UNANSWERED
        else:
            found = number(value)
            numbers[row] = np.nan if found is None else found
    bad = ~np.isfinite(numbers) & (states == ANSWERED)
    if bad.any():  # an infinite answer (or a text like "nan") is left to the scalar engine
        as_read = [number(column[row]) for row in np.flatnonzero(bad).tolist()]
        fallback[np.flatnonzero(bad)[[v is not None for v in as_read]]] = True
    return states, numbers
