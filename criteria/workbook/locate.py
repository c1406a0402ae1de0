"""Placing a problem's logical path at its sheet, row and column."""

from __future__ import annotations

from criteria.validation import Location, resolve_key, split_path
from criteria.workbook.layout import COLLECTION_SHEETS, FIELD_COLUMNS, SET_FIELDS, canonical_header
from criteria.workbook.sheets import Places, Sheet


class Locator:
    """Maps logical paths (criteria.validation) to where the reader found each item."""

    def __init__(self, sheets: dict[str, Sheet], at: Places):
        self.sheets = sheets
        self.at = at

    def locate(self, path: str) -> Location:
        """Map a logical path (criteria.validation) to (sheet, row, column header)."""
        segments = split_path(path)
        name, key = segments[0]
        rest = [s for s, _ in segments[1:]]
        if key is None and name in SET_FIELDS:
            return self._place("settings", self.at.settings_row, SET_FIELDS[name])
        if name == "recognition":
            if rest and rest[0] == "levels":
                index = resolve_key(segments[1][1] or "", [c for c, _ in self.at.level_rows])
                if index is None:
                    return None, None, path
                field_name = rest[1] if len(rest) > 1 else "code"
                return self._field(
                    "recognition", self.at.level_rows[index][1], "recognition", field_name
                )
            return self._field(
                "recognition",
                self.at.recognition_row,
                "recognition",
                rest[0] if rest else "min_total",
            )
        places = self.at.items.get(name)
        if places is None or key is None:
            return None, None, path
        index = resolve_key(key, [code for code, _ in places])
        if index is None:
            return None, None, path
        number = places[index][1]
        if name == "indicators" and len(segments) > 2 and rest[0] == "rules":
            return self._rule(index, segments[1][1], rest[1:], path)
        if name == "choice_lists" and len(segments) > 2 and rest[0] == "choices":
            rows = self.at.choice_rows[index]
            choice = resolve_key(segments[1][1] or "", [c for c, _ in rows])
            if choice is None:
                return None, None, path
            return self._field(
                "choices", rows[choice][1], "choices", rest[1] if len(rest) > 1 else "name"
            )
        return self._field(COLLECTION_SHEETS[name], number, name, rest[0] if rest else "code")

    def _rule(self, indicator: int, key: str | None, rest: list[str], path: str) -> Location:
        rows = self.at.rule_rows.get(indicator, [])
        try:
            number = rows[int(key or "") - 1]
        except (ValueError, IndexError):
            return None, None, path
        field_name = rest[0] if rest else "rule_type"
        if field_name == "params":
            return self._place("scoring", number, rest[1] if len(rest) > 1 else "rule_type")
        return self._place("scoring", number, "rule_type" if field_name == "type" else field_name)

    def _field(self, sheet: str, number: int, collection: str, field_name: str) -> Location:
        return self._place(
            sheet, number, FIELD_COLUMNS.get(collection, {}).get(field_name, field_name)
        )

    def _place(self, name: str, number: int, key: str) -> Location:
        sheet = self.sheets.get(name)
        if sheet is None:
            return name, number, canonical_header(key)
        return sheet.title, number, sheet.header(key)
