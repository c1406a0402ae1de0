"""Reading the settings, groups, choices, criteria, indicators, scoring and recognition."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from criteria.spec import (
    Choice,
    ChoiceList,
    Criterion,
    Indicator,
    Label,
    Level,
    Recognition,
    Rule,
    TargetGroup,
)
from criteria.workbook.cells import split_codes
from criteria.workbook.layout import PARAM_NAME, PROFILE, SCORING_FIXED
from criteria.workbook.params import read_param
from criteria.workbook.sheets import SheetReader
from criteria.xlsform import PROFILE_GROUP_LIST, PROFILE_SEX_LIST


def read_settings(reader: SheetReader) -> dict[str, Any]:
    sheet = reader.sheet("settings")
    empty: dict[str, Any] = {
        "code": "",
        "version": 1,
        "subject": "citizen",
        "title": Label(""),
        "total_points": math.nan,
    }
    if sheet is None:
        return empty
    number, values = sheet.rows[0] if sheet.rows else (2, ())
    reader.at.settings_row = number
    version = reader.integer(sheet, number, values, "version", required=True)
    local = reader.text(sheet, values, "local_choices")
    return {
        "code": reader.code(sheet, values, "form_id"),
        "version": version if version is not None else -1,
        "subject": reader.code(sheet, values, "subject"),
        "title": Label(
            reader.text(sheet, values, "form_title"), reader.text(sheet, values, "title_en")
        ),
        "total_points": reader.number(sheet, number, values, "total_points", required=True),
        "status": reader.code(sheet, values, "status") or "draft",
        "legal_basis": reader.text(sheet, values, "legal_basis"),
        "valid_from": reader.day(sheet, number, values, "valid_from"),
        "valid_to": reader.day(sheet, number, values, "valid_to"),
        "description": Label(
            reader.text(sheet, values, "description_vi"),
            reader.text(sheet, values, "description_en"),
        ),
        "local_choices": tuple(line.strip() for line in local.splitlines() if line.strip()),
        "digital_indicator": reader.code(sheet, values, "digital_indicator") or None,
        "digital_min_points": reader.number(
            sheet, number, values, "digital_min_points", required=False
        ),
    }


def read_target_groups(reader: SheetReader) -> list[TargetGroup]:
    sheet = reader.sheet("target_groups")
    groups: list[TargetGroup] = []
    places = reader.at.items.setdefault("target_groups", [])
    for number, values in sheet.rows if sheet else ():
        code = reader.code(sheet, values, "code")
        places.append((code, number))
        groups.append(
            TargetGroup(
                code=code,
                label=reader.label(sheet, values),
                min_age=reader.integer(sheet, number, values, "min_age", required=False),
                max_age=reader.integer(sheet, number, values, "max_age", required=False),
                cadre=reader.boolean(sheet, number, values, "cadre", default=False),
                same_as=split_codes(reader.text(sheet, values, "same_as")),
            )
        )
    return groups


def read_choices(reader: SheetReader) -> list[ChoiceList]:
    sheet = reader.sheet("choices")
    lists: dict[str, list[Choice]] = {}
    rows: dict[str, list[tuple[str, int]]] = {}
    for number, values in sheet.rows if sheet else ():
        list_name = reader.code(sheet, values, "list_name")
        role = reader.code(sheet, values, "role").lower()
        if role == PROFILE or (
            "role" not in sheet.columns and list_name in (PROFILE_SEX_LIST, PROFILE_GROUP_LIST)
        ):
            continue
        if not list_name:
            reader.report(
                sheet, number, "list_name", "Thiếu tên danh sách", "The list name is missing"
            )
            continue
        name = reader.code(sheet, values, "name")
        lists.setdefault(list_name, []).append(Choice(name, reader.label(sheet, values)))
        rows.setdefault(list_name, []).append((name, number))
    reader.at.items["choice_lists"] = [(name, rows[name][0][1]) for name in lists]
    reader.at.choice_rows = [rows[name] for name in lists]
    return [ChoiceList(name, tuple(choices)) for name, choices in lists.items()]


def read_criteria(reader: SheetReader) -> list[Criterion]:
    sheet = reader.sheet("criteria")
    criteria: list[Criterion] = []
    places = reader.at.items.setdefault("criteria", [])
    for number, values in sheet.rows if sheet else ():
        code = reader.code(sheet, values, "code")
        places.append((code, number))
        criteria.append(
            Criterion(
                code=code,
                label=reader.label(sheet, values),
                max_points=reader.number(sheet, number, values, "max_points", required=True),
            )
        )
    return criteria


def read_indicators(reader: SheetReader) -> list[Indicator]:
    sheet = reader.sheet("indicators")
    indicators: list[Indicator] = []
    places = reader.at.items.setdefault("indicators", [])
    for number, values in sheet.rows if sheet else ():
        code = reader.code(sheet, values, "code")
        places.append((code, number))
        indicators.append(
            Indicator(
                code=code,
                criterion=reader.code(sheet, values, "criterion"),
                label=reader.label(sheet, values),
                max_points=reader.number(sheet, number, values, "max_points", required=True),
                rules=(),
                target_groups=split_codes(reader.text(sheet, values, "target_groups")),
                when_not_applicable=reader.code(sheet, values, "when_not_applicable") or "rescale",
            )
        )
    return indicators


def read_scoring(reader: SheetReader, indicators: Sequence[Indicator]) -> dict[int, list[Rule]]:
    sheet = reader.sheet("scoring")
    rules: dict[int, list[Rule]] = {}
    if sheet is None or "indicators" in reader.unusable:
        return rules  # rules cannot be matched to indicators that could not be read
    index_of: dict[str, int] = {}
    for index, indicator in enumerate(indicators):
        index_of.setdefault(indicator.code, index)
    params = [k for k in sheet.columns if k not in SCORING_FIXED and PARAM_NAME.match(k)]
    for number, values in sheet.rows:
        code = reader.code(sheet, values, "indicator")
        if not code:
            reader.report(sheet, number, "indicator", "Thiếu mã chỉ số", "The indicator is missing")
            continue
        if code not in index_of:
            reader.report(
                sheet,
                number,
                "indicator",
                f"Không có chỉ số “{code}” trong sheet indicators",
                f"There is no indicator “{code}” in the indicators sheet",
            )
            continue
        values_of = {}
        type_code = reader.code(sheet, values, "rule_type")
        for key in params:
            value = read_param(reader, sheet, number, values, key, type_code)
            if value is not None:
                values_of[key] = value
        rule = Rule(
            type=type_code,
            question=reader.code(sheet, values, "question") or None,
            params=values_of,
        )
        rules.setdefault(index_of[code], []).append(rule)
        reader.at.rule_rows.setdefault(index_of[code], []).append(number)
    return rules


def read_recognition(reader: SheetReader) -> Recognition:
    sheet = reader.sheet("recognition")
    if sheet is None:
        return Recognition(min_total=math.nan)
    if not sheet.rows:
        reader.report(
            sheet,
            2,
            None,
            "Cần ít nhất một dòng: điều kiện công nhận",
            "At least one row is needed: the recognition rule",
        )
        return Recognition(min_total=math.nan)
    (number, values), *others = sheet.rows
    reader.at.recognition_row = number
    label = reader.label(sheet, values)
    recognition = {
        "min_total": reader.number(sheet, number, values, "min_total", required=True),
        "min_indicator": reader.number(sheet, number, values, "min_indicator", required=False),
        "min_criterion_share": reader.number(
            sheet, number, values, "min_criterion_share", required=False
        ),
        "label": label,
    }
    levels: list[Level] = []
    for number, values in others:
        code = reader.code(sheet, values, "code")
        reader.at.level_rows.append((code, number))
        if reader.text(sheet, values, "min_criterion_share").strip():
            reader.report(
                sheet,
                number,
                "min_criterion_share",
                "Chỉ dòng đầu (điều kiện công nhận) có min_criterion_share; các mức cao hơn "
                "không có",
                "Only the first row (the recognition rule) takes min_criterion_share; higher "
                "levels do not",
            )
        levels.append(
            Level(
                code=code,
                label=reader.label(sheet, values),
                min_total=reader.number(sheet, number, values, "min_total", required=True),
                min_indicator=reader.number(sheet, number, values, "min_indicator", required=False),
                local=reader.boolean(sheet, number, values, "local", default=True),
            )
        )
    return Recognition(**recognition, levels=tuple(levels))
