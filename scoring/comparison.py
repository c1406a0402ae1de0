"""Areas and rounds side by side: what a user may compare, and the rows of the comparison,
each item against the first one."""

from __future__ import annotations

from collections.abc import Collection

from django.utils.translation import gettext as _

from criteria.groups import group_mapping
from criteria.models import CriteriaSet
from criteria.selectors import spec_of
from scoring.areas import area_map
from scoring.stats import compare_proportions
from scoring.summary import AggregationError
from survey.models import Round, RoundUnit


def _areas_of(communes: set[str], level: str, hierarchy: str) -> list[tuple[str, str]]:
    mapping = area_map(communes=communes, level=level, hierarchy=hierarchy)
    found = {key: name for key, name, _level in mapping.values()}
    return sorted(found.items(), key=lambda kv: kv[1])


def list_area_options(*, rounds: list[Round], unit_keys: set[str] | None) -> list[tuple[str, list]]:
    """Per round, the areas of ``unit_keys`` (None: every commune) one may compare:
    province, districts, communes, 2025 units."""
    groups = []
    for round_ in rounds:
        communes = set(RoundUnit.objects.filter(round=round_).values_list("unit_id", flat=True))
        if unit_keys is not None:
            communes &= unit_keys
        options = []
        seen = set()
        for hierarchy, levels in (
            ("round", ("province", "district", "commune")),
            ("2025", ("province", "commune")),
        ):
            for level in levels:
                try:
                    summary_areas = _areas_of(communes, level, hierarchy)
                except AggregationError:
                    continue
                for key, name in summary_areas:
                    if key in seen or (
                        unit_keys is not None and not set(key.split("+")) <= unit_keys
                    ):
                        continue
                    seen.add(key)
                    suffix = _(" (từ 01/07/2025)") if hierarchy == "2025" else ""
                    options.append((f"{round_.code}:{key}", f"{name}{suffix}"))
        groups.append((f"{round_.code} – {round_.name}", options))
    return groups


def find_newest_version(*, criteria_set_ids: Collection[int]) -> CriteriaSet | None:
    """The newest of the versions (by validity, then number)."""
    return (
        CriteriaSet.objects.filter(pk__in=criteria_set_ids)
        .order_by("-valid_from", "-version")
        .first()
    )


def map_groups_to_newest(*, items: list[dict]) -> list[dict[str, str]]:
    """Per item, how its target groups read under the newest of the items' criteria sets
    (through the sets' ``same_as`` data), so that groups of different versions line up."""
    sets = [
        item["summary"].run.criteria_set if item["summary"].run else item["round"].citizen_set
        for item in items
    ]
    ids = {s.pk for s in sets}
    if len(ids) < 2:
        return [{} for _item in items]
    newest = find_newest_version(criteria_set_ids=ids)
    target = spec_of(criteria_set=newest)
    return [
        {} if s.pk == newest.pk else group_mapping(source=spec_of(criteria_set=s), target=target)
        for s in sets
    ]


def compare_items(*, items: list[dict]) -> dict:
    """Side-by-side figures: overall, per target group, per indicator, each against item 1.

    An item holds its ``round`` and the ``summary`` of its one area.
    """
    figures = [i["summary"].areas[0] for i in items]
    labels = [
        f"{i['summary'].areas[0].area.name} – {i['round'].code}"
        + (f" ({i['summary'].run.criteria_set.code} v{i['summary'].run.criteria_set.version})"
           if i["summary"].run else "")
        for i in items
    ]  # fmt: skip
    reference = figures[0]
    overall = []
    for label, f in zip(labels, figures, strict=True):
        overall.append(
            {
                "label": label,
                "figures": f,
                "diff": compare_proportions(reference.rate, f.rate),
                "household_diff": (
                    compare_proportions(reference.household_rate, f.household_rate)
                    if reference.household_rate and f.household_rate
                    else None
                ),
            }
        )
    groups: dict[str, dict[int, object]] = {}
    group_labels: dict[str, str] = {}
    mappings = map_groups_to_newest(items=items)
    for n, f in enumerate(figures):
        for g in f.breakdown:
            code = mappings[n].get(g.value, g.value)
            groups.setdefault(code, {})[n] = g
            group_labels.setdefault(code, g.label)
    group_rows = []
    for code, by_item in groups.items():
        cells = []
        ref = by_item.get(0)
        for n in range(len(figures)):
            g = by_item.get(n)
            cells.append(
                {
                    "group": g,
                    "diff": compare_proportions(ref.rate, g.rate) if ref and g and n else None,
                }
            )
        group_rows.append({"label": group_labels[code], "cells": cells})
    codes = []
    for f in figures:
        for i in f.indicators:
            if i.code not in codes:
                codes.append(i.code)
    indicator_rows = []
    for code in codes:
        cells = []
        ref = next((i for i in reference.indicators if i.code == code), None)
        for n, f in enumerate(figures):
            i = next((x for x in f.indicators if x.code == code), None)
            diff = None
            if n and ref and i and ref.at_min is not None and i.at_min is not None:
                diff = compare_proportions(ref.at_min, i.at_min)
            cells.append({"indicator": i, "diff": diff})
        label = next((i.label for f in figures for i in f.indicators if i.code == code), code)
        indicator_rows.append({"code": code, "label": label, "cells": cells})
    return {
        "labels": labels,
        "overall": overall,
        "groups": group_rows,
        "indicators": indicator_rows,
    }
