"""Reading a criteria workbook into a CriteriaSpec, with every problem located."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

from criteria.spec import CriteriaSpec
from criteria.validation import CriteriaImportError, Problem, validate_spec
from criteria.workbook.layout import COLUMNS, SHEETS, column_key
from criteria.workbook.locate import Locator
from criteria.workbook.read_sheets import (
    read_choices,
    read_criteria,
    read_indicators,
    read_recognition,
    read_scoring,
    read_settings,
    read_target_groups,
)
from criteria.workbook.read_survey import read_survey
from criteria.workbook.sheets import SheetReader, load_sheets
from criteria.xlsx_safety import check_archive, read_limited


def read_spec(reader: SheetReader) -> CriteriaSpec:
    """Turn the sheets into a CriteriaSpec; the reader collects what it cannot read."""
    settings = read_settings(reader)
    groups = read_target_groups(reader)
    choice_lists = read_choices(reader)
    questions = read_survey(reader)
    criteria = read_criteria(reader)
    indicators = read_indicators(reader)
    rules = read_scoring(reader, indicators)
    recognition = read_recognition(reader)
    indicators = [
        replace(indicator, rules=tuple(rules.get(index, ())))
        for index, indicator in enumerate(indicators)
    ]
    return CriteriaSpec(
        **settings,
        recognition=recognition,
        target_groups=tuple(groups),
        criteria=tuple(criteria),
        indicators=tuple(indicators),
        questions=tuple(questions),
        choice_lists=tuple(choice_lists),
    )


def read_workbook(source: str | Path | BinaryIO, *, filename: str = "") -> CriteriaSpec:
    """Read a criteria workbook; raise CriteriaImportError listing every problem found."""
    data = read_limited(source)
    check_archive(data=data, filename=filename)
    reader = SheetReader(load_sheets(data))
    spec = read_spec(reader)
    problems = list(reader.problems)
    if reader.complete:
        for problem in validate_spec(spec, locate=Locator(reader.sheets, reader.at).locate):
            # One problem per cell: a cell that could not be read is not judged again.
            if (problem.sheet, problem.row, problem.column) not in reader.flagged:
                problems.append(problem)
    if problems:
        raise CriteriaImportError(sorted(problems, key=_reading_order))
    return spec


def _reading_order(problem: Problem) -> tuple[int, int, int]:
    """Sort problems as a person reads the workbook: sheet by sheet, row by row, left to right."""
    name = (problem.sheet or "").strip().lower()
    sheet = SHEETS.index(name) if name in SHEETS else -1
    keys = [k for k, _ in COLUMNS.get(name, [])]
    column = column_key(problem.column) if problem.column else ""
    return sheet, problem.row or 0, keys.index(column) if column in keys else len(keys)
