"""The rows of a file as the checks read them, and what checking them gives back."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

from survey.imports.problems import Problem
from survey.imports.sheets import Sheet
from survey.services import Submission


@dataclass(slots=True)
class Record:
    """One row of a sheet; ``fields`` (shared by the sheet's rows) maps a field to a column."""

    sheet: Sheet
    row: int
    values: list[str]
    fields: Mapping[str, int]

    def column(self, name: str) -> str | None:
        index = self.fields.get(name)
        return None if index is None else self.sheet.column_name(index)


@dataclass(slots=True)
class RawHousehold:
    record: Record
    key: str  # the household key of the file, or the submission's instance ID
    key_field: str  # the field that carries the key (where duplicates are reported)
    source: uuid.UUID | None = None  # the submission's instance UUID (ODK, Kobo)
    members: list[Record] = field(default_factory=list)


@dataclass(frozen=True)
class ParsedHousehold:
    sheet: str
    row: int
    key: str
    key_column: str | None
    source: uuid.UUID | None
    submission: Submission


@dataclass
class Read:
    """The raw households a reader found in a file, and what was wrong with its rows."""

    households: list[RawHousehold]
    problems: list[Problem]
    warnings: list[Problem]
    sheet_order: list[str]
    uncollected: frozenset[str] = frozenset()  # profile fields the source cannot carry
    fatal: bool = False  # the rows cannot be read at all (a sheet or a column is missing)


@dataclass
class Checked:
    households: list[ParsedHousehold]
    problems: list[Problem]
    warnings: list[Problem]
    members: int = 0
    rows: int = 0  # households read, valid or not
