"""Differences between two versions of a criteria set, as plain data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from criteria.spec import CriteriaSpec

# What is compared, section by section: (section, list attribute, key attribute).
SECTIONS = (
    ("target_groups", "code"),
    ("criteria", "code"),
    ("indicators", "code"),
    ("questions", "code"),
    ("choice_lists", "name"),
)
HEADER_FIELDS = (
    "title",
    "total_points",
    "legal_basis",
    "valid_from",
    "valid_to",
    "subject",
    "description",
    "local_choices",
    "digital_indicator",
    "digital_min_points",
)


@dataclass(frozen=True)
class Difference:
    section: str  # "set", "recognition", or a SECTIONS name
    key: str  # the item's code ("" for the set itself)
    change: str  # "added", "removed" or "changed"
    field: str = ""  # for "changed": the field that differs
    old: Any = None
    new: Any = None


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Flatten nested dicts/lists into dotted paths so a change names its exact field."""
    if isinstance(value, dict):
        items: dict[str, Any] = {}
        for key, sub in value.items():
            items.update(_flatten(sub, f"{prefix}.{key}" if prefix else str(key)))
        return items
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        items = {}
        for index, sub in enumerate(value):
            items.update(_flatten(sub, f"{prefix}[{index}]"))
        return items
    return {prefix: value}


def _compare_fields(section: str, key: str, old: dict, new: dict) -> list[Difference]:
    old_flat, new_flat = _flatten(old), _flatten(new)
    return [
        Difference(section, key, "changed", path, old_flat.get(path), new_flat.get(path))
        for path in sorted(set(old_flat) | set(new_flat))
        if old_flat.get(path) != new_flat.get(path)
    ]


def diff_specs(*, old: CriteriaSpec, new: CriteriaSpec) -> list[Difference]:
    """List what changed from ``old`` to ``new``: header, recognition, then each section."""
    a, b = old.to_dict(), new.to_dict()
    diffs: list[Difference] = []
    for name in HEADER_FIELDS:
        if a[name] != b[name]:
            diffs += _compare_fields("set", "", {name: a[name]}, {name: b[name]})
    diffs += _compare_fields("recognition", "", a["recognition"], b["recognition"])
    for section, key_field in SECTIONS:
        old_items = {item[key_field]: item for item in a[section]}
        new_items = {item[key_field]: item for item in b[section]}
        for key in old_items.keys() - new_items.keys():
            diffs.append(Difference(section, key, "removed", old=old_items[key]))
        for key in new_items.keys() - old_items.keys():
            diffs.append(Difference(section, key, "added", new=new_items[key]))
        for key in old_items.keys() & new_items.keys():
            diffs += _compare_fields(section, key, old_items[key], new_items[key])
    order = {name: i for i, name in enumerate(["set", "recognition", *(s for s, _ in SECTIONS)])}
    return sorted(diffs, key=lambda d: (order[d.section], d.key, d.change, d.field))
