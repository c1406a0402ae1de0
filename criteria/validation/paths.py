"""Logical paths of a criteria set (the syntax is in ``criteria.validation``)."""

from __future__ import annotations

import re
from collections.abc import Sequence

# Other codes end up in paths, expressions ('code') and XLSForm choice names.
PLAIN_CODE = re.compile(r"^[^\s\[\]'\"#]+$")

SEGMENT = re.compile(r"([^.\[]*)(?:\[([^\]]*)\])?")


def split_path(path: str) -> list[tuple[str, str | None]]:
    """Split a logical path into ``(name, key)`` segments (``key`` is None without brackets)."""
    segments: list[tuple[str, str | None]] = []
    index = 0
    while index < len(path):
        match = SEGMENT.match(path, index)
        segments.append((match.group(1), match.group(2)))  # type: ignore[union-attr]
        index = match.end()  # type: ignore[union-attr]
        if index < len(path) and path[index] != ".":
            # Text right after a closing bracket: keep it whole rather than guess.
            segments.append((path[index:], None))
            break
        index += 1
    return segments


def make_keys(codes: Sequence[str]) -> list[str]:
    """Return the path key of each item: its code if that names it unambiguously, else ``#n``."""
    seen: set[str] = set()
    keys = []
    for position, code in enumerate(codes, start=1):
        usable = bool(code) and PLAIN_CODE.match(code) and code not in seen
        keys.append(code if usable else f"#{position}")
        seen.add(code)
    return keys


def resolve_key(key: str, codes: Sequence[str]) -> int | None:
    """Return the 0-based index a path key points at among ``codes``, or None."""
    if key.startswith("#"):
        try:
            index = int(key[1:]) - 1
        except ValueError:
            return None
        return index if 0 <= index < len(codes) else None
    return next((i for i, code in enumerate(codes) if code == key), None)
