"""What checking a file needs to know, as plain data, and the units a file may name.

Built by the service from the database; read by the pure checks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date

from criteria.spec import CriteriaSpec

CODE_AND_NAME = re.compile(r"^(\d{1,5})(?:\s*[-–—:.]\s*(.*))?$")


@dataclass(frozen=True)
class UnitInfo:
    key: str
    code: str
    name: str


@dataclass(frozen=True)
class ImportContext:
    """What checking a file needs to know, as plain data (built by the service)."""

    round_code: str
    period: tuple[date, date]
    citizen: CriteriaSpec
    household: CriteriaSpec | None
    units: UnitDirectory
    reviewer: bool  # may answer reviewer-only questions (as on the web form)
    zone: str = "Asia/Ho_Chi_Minh"  # where submission times become survey dates


class UnitDirectory:
    """Resolve what a file says about a unit (code, "code - name", or name) to a round unit.

    ``find_by_name(name, accents)`` answers a name look-up among the communes valid
    when the round starts (``units.selectors.find_units_by_name``); an accent-insensitive
    look-up that finds several units is reported with every candidate, never guessed.
    """

    def __init__(
        self,
        *,
        round_units: Sequence[UnitInfo],
        allowed: Collection[str],
        find_by_name: Callable[[str, bool], Sequence[UnitInfo]],
    ):
        self.by_code = {u.code: u for u in round_units}
        self.in_round = {u.key for u in round_units}
        self.allowed = frozenset(allowed)
        self.find_by_name = find_by_name
        self.memo: dict[str, tuple[str | None, tuple[str, str] | None]] = {}

    def resolve(self, text: str) -> tuple[str | None, tuple[str, str] | None]:
        """Return (unit key, None) or (None, (vi, en) problem)."""
        hit = self.memo.get(text)
        if hit is None:
            hit = self.memo[text] = self._resolve(text)
        return hit

    def _resolve(self, text: str) -> tuple[str | None, tuple[str, str] | None]:
        match = CODE_AND_NAME.match(text)
        if match:
            code, name = match.group(1).zfill(5), (match.group(2) or "").strip()
            unit = self.by_code.get(code)
            if unit is None:
                return None, (
                    f"Không có xã/phường mã “{code}” trong đợt khảo sát này",
                    f"There is no commune with code “{code}” in this round",
                )
            if name and not self._same_name(name, unit):
                return None, (
                    f"Mã “{code}” là {unit.name}, không phải “{name}”",
                    f"Code “{code}” is {unit.name}, not “{name}”",
                )
            return self._allowed(unit)
        found = list(self.find_by_name(text, True)) or list(self.find_by_name(text, False))
        if len(found) > 1:
            names = ", ".join(f"{u.name} ({u.code})" for u in found)
            return None, (
                f"“{text}” khớp với nhiều đơn vị: {names}; hãy ghi mã, hoặc tên có đủ dấu",
                f"“{text}” matches several units: {names}; write the code, or the name with "
                "all its accents",
            )
        if not found:
            return None, (
                f"Không tìm thấy xã/phường “{text}” trong đợt khảo sát này",
                f"No commune named “{text}” in this round",
            )
        unit = found[0]
        if unit.key not in self.in_round:
            return None, (
                f"{unit.name} ({unit.code}) không thuộc đợt khảo sát này",
                f"{unit.name} ({unit.code}) is not in this round",
            )
        return self._allowed(unit)

    def _same_name(self, name: str, unit: UnitInfo) -> bool:
        return any(u.key == unit.key for u in self.find_by_name(name, True))

    def _allowed(self, unit: UnitInfo) -> tuple[str | None, tuple[str, str] | None]:
        if unit.key not in self.allowed:
            return None, (
                f"Bạn không được nhập số liệu cho {unit.name} ({unit.code}) trong đợt này",
                f"You may not enter data for {unit.name} ({unit.code}) in this round",
            )
        return unit.key, None
