"""Problems found in a criteria set: where they are and what they are, in vi and en."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

Location = tuple[str | None, int | None, str | None]
Locate = Callable[[str], Location]

TOLERANCE = 1e-6


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an imported set, where it is and what it is, in both languages."""

    sheet: str | None
    row: int | None
    column: str | None
    vi: str
    en: str

    def message(self, language: str = "vi") -> str:
        """Return the message in ``language`` (Vietnamese unless it starts with "en")."""
        return (self.en if language.startswith("en") else self.vi) or self.vi

    def location(self, language: str = "vi") -> str:
        """Return where the problem is, e.g. "Sheet 'indicators', dòng 7, cột 'max_points'"."""
        en = language.startswith("en")
        parts = []
        if self.sheet is not None:
            parts.append(f"sheet '{self.sheet}'" if en else f"Sheet '{self.sheet}'")
        if self.row is not None:
            # A row of a sheet, or a line of a text (YAML) file.
            word = ("row" if self.sheet is not None else "line") if en else "dòng"
            parts.append(f"{word} {self.row}")
        if self.column is not None:
            if self.sheet is not None:
                parts.append(f"column '{self.column}'" if en else f"cột '{self.column}'")
            else:
                parts.append(f"at '{self.column}'" if en else f"mục '{self.column}'")
        if not parts:
            return "whole file" if en else "Toàn bộ tệp"
        text = ", ".join(parts)
        return text[0].upper() + text[1:] if not en else text

    def __str__(self) -> str:
        return f"{self.location('vi')}: {self.message('vi')}"


class CriteriaImportError(Exception):
    """A criteria file cannot be imported; ``problems`` lists every problem found, in order."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems: list[Problem] = list(problems)
        super().__init__(f"{len(self.problems)} problem(s): " + "; ".join(map(str, self.problems)))


# Numbers in messages ----------------------------------------------------------


def format_number(*, value: float, language: str) -> str:
    """Write a number without trailing zeros, with a decimal comma in Vietnamese."""
    text = f"{value:g}"
    return text.replace(".", ",") if not language.startswith("en") else text


def finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


# Collecting -----------------------------------------------------------------------


class Collector:
    """Gather problems raised at logical paths, placed by the caller's ``locate``."""

    def __init__(self, locate: Locate):
        self.locate = locate
        self.problems: list[Problem] = []

    def add(self, path: str, vi: str, en: str) -> None:
        sheet, row, column = self.locate(path)
        self.problems.append(Problem(sheet, row, column, vi, en))

    def where(self, path: str) -> tuple[str, str]:
        """Return " (dòng N)" / " (row N)" for a path, to point at the other half of a pair."""
        sheet, row, _ = self.locate(path)
        if row is None:
            return "", ""
        return f" (dòng {row})", f" ({'row' if sheet is not None else 'line'} {row})"
