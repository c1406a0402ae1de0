"""Rule parameters in their cell form: how each parameter column is read."""

from __future__ import annotations

import re
from typing import Any

from criteria import rules
from criteria.workbook.cells import NUMBER, CellReader, cell_text, parse_number
from criteria.workbook.sheets import Sheet

BAND = re.compile(
    rf"^(?P<min>{NUMBER})\s*(?:(?P<dash>-)\s*(?P<max>{NUMBER})?|(?P<plus>\+))?\s*:\s*(?P<points>{NUMBER})$"
)


def read_param(
    reader: CellReader, sheet: Sheet, number: int, values: tuple, key: str, rule_type: str
) -> Any:
    """Read one rule parameter cell by the kind its rule type declares; None when empty."""
    value = sheet.get(values, key)
    kind = rules.param_kind(rule_type=rule_type, name=key)
    if kind == rules.TEXT:
        return cell_text(value).strip() or None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value) if isinstance(value, float) and value.is_integer() else value
    text = cell_text(value).strip()
    if not text:
        return None
    if kind == rules.NUMBER or (kind == rules.NUMBER_OR_POINTS and "=" not in text):
        parsed = parse_number(text)
        if parsed is None:
            reader.not_a_number(sheet, number, key, text)
        return parsed
    if kind in (rules.POINTS, rules.NUMBER_OR_POINTS):
        return read_points_map(reader, sheet, number, key, text)
    if kind == rules.BANDS:
        return read_bands(reader, sheet, number, key, text)
    # A parameter no rule type declares: best guess.
    parsed = parse_number(text)
    if parsed is not None:
        return parsed
    parts = [p.strip() for p in re.split(r"[;\n]", text) if p.strip()]
    if parts and all(re.fullmatch(rf"[^=]+=\s*{NUMBER}", p) for p in parts):
        return read_points_map(reader, sheet, number, key, text)
    if parts and all(BAND.match(p) for p in parts):
        return read_bands(reader, sheet, number, key, text)
    return cell_text(value)


def read_points_map(
    reader: CellReader, sheet: Sheet, number: int, key: str, text: str
) -> dict[str, Any] | None:
    points: dict[str, Any] = {}
    for part in (p.strip() for p in re.split(r"[;\n]", text)):
        if not part:
            continue
        name, _, amount = part.partition("=")
        parsed = parse_number(amount)
        if not name.strip() or parsed is None:
            reader.report(
                sheet,
                number,
                key,
                f"Không đọc được “{part}”; viết dạng lựa_chọn=điểm, cách nhau bằng “;”, "
                "ví dụ “never=0; sometimes=5; often=10”",
                f"Cannot read “{part}”; write choice=points separated by “;”, "
                "e.g. “never=0; sometimes=5; often=10”",
            )
            return None
        if name.strip() in points:
            reader.report(
                sheet,
                number,
                key,
                f"Lựa chọn “{name.strip()}” được cho điểm hai lần",
                f"Choice “{name.strip()}” is given points twice",
            )
            return None
        points[name.strip()] = parsed
    return points


def read_bands(
    reader: CellReader, sheet: Sheet, number: int, key: str, text: str
) -> list[dict] | None:
    bands: list[dict[str, Any]] = []
    for part in (p.strip() for p in re.split(r"[;\n]", text)):
        if not part:
            continue
        match = BAND.match(part)
        if match is None:
            reader.report(
                sheet,
                number,
                key,
                f"Không đọc được khoảng “{part}”; viết dạng từ-đến:điểm, cách nhau bằng “;”, "
                "ví dụ “0-0:0; 1-2:5; 3-5:8; 6-:10” (“6-” là từ 6 trở lên)",
                f"Cannot read the band “{part}”; write from-to:points separated by “;”, "
                "e.g. “0-0:0; 1-2:5; 3-5:8; 6-:10” (“6-” means 6 and more)",
            )
            return None
        low = parse_number(match.group("min"))
        band: dict[str, Any] = {"min": low}
        if match.group("max") is not None:
            band["max"] = parse_number(match.group("max"))
        elif not (match.group("dash") or match.group("plus")):
            band["max"] = low  # "3:8" is the single value 3
        band["points"] = parse_number(match.group("points"))
        bands.append(band)
    return bands
