"""Reads for the round pages: the rounds a manager sees and the communes they may pick."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import User
from django.db.models import Count, QuerySet, Sum

from accounts.selectors import sees_everything, visible_units
from survey.models import Round, RoundUnit
from units.models import UnitLevel
from units.selectors import by_name
from units.text import plain_key, vi_sort_key


def managed_rounds(*, user: User) -> QuerySet[Round]:
    """Return the rounds with a commune in the user's scope, with their counts."""
    rounds = Round.objects.all()
    if not sees_everything(user=user):
        rounds = rounds.filter(
            pk__in=RoundUnit.objects.filter(unit__in=visible_units(user=user)).values("round")
        )
    return rounds.select_related("citizen_set", "household_set").annotate(
        commune_count=Count("round_units", distinct=True),
        planned_total=Sum("round_units__planned_households"),
    )


def managed_round(*, user: User, code: str) -> Round | None:
    return managed_rounds(user=user).filter(code=code).first()


def submitted_counts(*, round_: Round) -> dict[str, int]:
    """Return the number of households entered per commune of the round."""
    rows = round_.responses.values("unit_id").annotate(n=Count("pk"))
    return {row["unit_id"]: row["n"] for row in rows}


@dataclass(frozen=True)
class CommuneChoice:
    key: str
    name: str
    code: str
    valid_from: date
    valid_to: date | None
    search: str


@dataclass(frozen=True)
class CommuneGroup:
    """The communes of one district (before 2025-07-01) or of one province (after)."""

    name: str
    communes: tuple[CommuneChoice, ...]


def commune_groups(*, user: User) -> list[CommuneGroup]:
    """Return the communes of every era in the user's scope, grouped by their parent."""
    communes = visible_units(user=user).filter(level=UnitLevel.COMMUNE).select_related("parent")
    grouped: dict[str, list] = defaultdict(list)
    parents: dict[str, str] = {}
    for unit in communes:
        parent = unit.parent
        parent_key = parent.key if parent else ""
        parents[parent_key] = parent.name if parent else ""
        grouped[parent_key].append(unit)
    groups = []
    for parent_key, units in grouped.items():
        parent_name = parents[parent_key]
        choices = tuple(
            CommuneChoice(
                key=unit.key,
                name=unit.name,
                code=unit.code,
                valid_from=unit.valid_from,
                valid_to=unit.valid_to,
                search=plain_key(f"{unit.name} {parent_name} {unit.code}"),
            )
            for unit in by_name(units)
        )
        groups.append(CommuneGroup(name=parent_name, communes=choices))
    return sorted(groups, key=lambda group: vi_sort_key(group.name))
