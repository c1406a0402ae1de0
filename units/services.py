"""Build the unit fixture from the domain CSV files and check the unit data's integrity."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from units.models import UnitChange, UnitLevel

UNIT_COLUMNS = ["key", "code", "name", "level", "type", "parent", "valid_from", "valid_to"]
CHANGE_COLUMNS = ["from_key", "to_key", "effective", "kind", "legal_basis"]


class UnitDataError(ValueError):
    """The unit CSV files are not valid; ``problems`` lists every problem with its place."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class UnitRow:
    key: str
    code: str
    name: str
    level: str
    type: str
    parent: str | None
    valid_from: date
    valid_to: date | None

    def overlaps(self, other: UnitRow) -> bool:
        self_end = self.valid_to or date.max
        other_end = other.valid_to or date.max
        return self.valid_from <= other_end and other.valid_from <= self_end


@dataclass(frozen=True)
class ChangeRow:
    from_key: str
    to_key: str
    effective: date
    kind: str
    legal_basis: str


def _read_csv(path: Path, columns: list[str], problems: list[str]) -> list[tuple[int, dict]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            problems.append(f"{path.name}: missing column(s) {', '.join(missing)}")
            return []
        return list(enumerate(reader, start=2))


def _date(value: str, where: str, problems: list[str]) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.append(f"{where}: {value!r} is not a date (YYYY-MM-DD)")
        return None


def read_unit_csvs(
    *, units_path: Path, changes_path: Path
) -> tuple[list[UnitRow], list[ChangeRow]]:
    """Read and check both CSV files; raise UnitDataError listing every problem."""
    problems: list[str] = []
    units: list[UnitRow] = []
    for line, row in _read_csv(units_path, UNIT_COLUMNS, problems):
        where = f"{units_path.name} row {line}"
        valid_from = _date(row["valid_from"], f"{where} column valid_from", problems)
        valid_to = (
            _date(row["valid_to"], f"{where} column valid_to", problems)
            if row["valid_to"]
            else None
        )
        if row["level"] not in UnitLevel.values:
            problems.append(f"{where} column level: unknown level {row['level']!r}")
        expected_key = f"{row['code']}@{row['valid_from']}"
        if row["key"] != expected_key:
            problems.append(f"{where} column key: {row['key']!r} should be {expected_key!r}")
        if valid_from:
            units.append(
                UnitRow(
                    key=row["key"],
                    code=row["code"],
                    name=row["name"].strip(),
                    level=row["level"],
                    type=row["type"].strip(),
                    parent=row["parent"] or None,
                    valid_from=valid_from,
                    valid_to=valid_to,
                )
            )
    changes: list[ChangeRow] = []
    for line, row in _read_csv(changes_path, CHANGE_COLUMNS, problems):
        where = f"{changes_path.name} row {line}"
        effective = _date(row["effective"], f"{where} column effective", problems)
        if row["kind"] not in UnitChange.Kind.values:
            problems.append(f"{where} column kind: unknown kind {row['kind']!r}")
        if effective:
            changes.append(
                ChangeRow(
                    from_key=row["from_key"],
                    to_key=row["to_key"],
                    effective=effective,
                    kind=row["kind"],
                    legal_basis=row["legal_basis"].strip(),
                )
            )
    problems += find_integrity_problems(units=units, changes=changes)
    if problems:
        raise UnitDataError(problems)
    return units, changes


def find_integrity_problems(*, units: list[UnitRow], changes: list[ChangeRow]) -> list[str]:
    """Return every breach of the unit rules: overlaps, parents, dangling change records."""
    problems = []
    by_key = {u.key: u for u in units}
    if len(by_key) != len(units):
        problems.append("duplicate unit keys")
    by_code: dict[str, list[UnitRow]] = {}
    for unit in units:
        by_code.setdefault(unit.code, []).append(unit)
    for code, versions in by_code.items():
        for i, first in enumerate(versions):
            for second in versions[i + 1 :]:
                if first.overlaps(second):
                    problems.append(
                        f"code {code}: {first.key} and {second.key} have overlapping validity"
                    )
    for unit in units:
        if unit.parent is None:
            continue
        parent = by_key.get(unit.parent)
        if parent is None:
            problems.append(f"{unit.key}: parent {unit.parent} does not exist")
            continue
        starts_late = parent.valid_from > unit.valid_from
        ends_early = parent.valid_to is not None and (
            unit.valid_to is None or parent.valid_to < unit.valid_to
        )
        if starts_late or ends_early:
            problems.append(f"{unit.key}: parent {parent.key} is not valid whenever the unit is")
    for change in changes:
        for key in (change.from_key, change.to_key):
            if key not in by_key:
                problems.append(f"change {change.from_key} -> {change.to_key}: no unit {key}")
    return problems


def build_unit_fixture(*, units: list[UnitRow], changes: list[ChangeRow]) -> list[dict]:
    """Return Django fixture objects; change records get stable primary keys in file order."""
    objects: list[dict] = []
    # Parents first, so loaddata never meets a dangling foreign key mid-way.
    depth = {"province": 0, "district": 1, "commune": 2}
    for unit in sorted(units, key=lambda u: (depth[u.level], u.code, u.valid_from)):
        objects.append(
            {
                "model": "units.adminunit",
                "pk": unit.key,
                "fields": {
                    "code": unit.code,
                    "name": unit.name,
                    "level": unit.level,
                    "type": unit.type,
                    "parent": unit.parent,
                    "valid_from": unit.valid_from.isoformat(),
                    "valid_to": unit.valid_to.isoformat() if unit.valid_to else None,
                },
            }
        )
    for pk, change in enumerate(changes, start=1):
        objects.append(
            {
                "model": "units.unitchange",
                "pk": pk,
                "fields": {
                    "from_unit": change.from_key,
                    "to_unit": change.to_key,
                    "effective": change.effective.isoformat(),
                    "kind": change.kind,
                    "legal_basis": change.legal_basis,
                },
            }
        )
    return objects
