"""Read-only questions about administrative units, always asked for a date."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from datetime import date

from django.db.models import F, Q, QuerySet

from units.models import AdminUnit, UnitChange, UnitLevel
from units.text import name_key, nfc, plain_key, vi_sort_key

# Type prefixes as they open unit names, longest first so "Thành phố" wins over shorter ones.
TYPE_PREFIXES = ("Thành phố", "Thị trấn", "Thị xã", "Phường", "Huyện", "Quận", "Tỉnh", "Xã")


def valid_on_q(day: date, prefix: str = "") -> Q:
    """Return a filter for units valid on ``day`` (``prefix`` reaches a related unit)."""
    return Q(**{f"{prefix}valid_from__lte": day}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})
    )


def units_valid_on(*, day: date) -> QuerySet[AdminUnit]:
    return AdminUnit.objects.filter(valid_on_q(day))


def by_name(units: Iterable[AdminUnit]) -> list[AdminUnit]:
    """Sort units in Vietnamese alphabetical order (databases' collations differ)."""
    return sorted(units, key=lambda u: (vi_sort_key(u.name), u.key))


def children_of(*, unit: AdminUnit, day: date) -> list[AdminUnit]:
    return by_name(AdminUnit.objects.filter(valid_on_q(day), parent=unit))


def descendant_keys(*, roots: Iterable[str], day: date | None = None) -> set[str]:
    """Return the keys of the roots' descendants (not the roots), valid on ``day`` if given."""
    found: set[str] = set()
    frontier = set(roots)
    while frontier:
        children = AdminUnit.objects.filter(parent__in=frontier).exclude(key__in=found)
        frontier = set(children.values_list("key", flat=True)) - found
        found |= frontier
    if day is not None and found:
        found = set(units_valid_on(day=day).filter(key__in=found).values_list("key", flat=True))
    return found


def continuation_keys(*, roots: Iterable[str]) -> set[str]:
    """Return the keys of the units newly formed from the roots, over all change records.

    Only units created by the change are followed: a unit that absorbs a root but existed
    before (Xã Cường Thịnh absorbing Xã Nga Quán in 2024) keeps its own, older data.
    """
    found: set[str] = set()
    frontier = set(roots)
    while frontier:
        following = UnitChange.objects.filter(
            from_unit__in=frontier, to_unit__valid_from=F("effective")
        ).values_list("to_unit_id", flat=True)
        frontier = set(following) - found - set(roots)
        found |= frontier
    return found


def descendants_of(*, unit: AdminUnit, day: date) -> QuerySet[AdminUnit]:
    return AdminUnit.objects.filter(key__in=descendant_keys(roots=[unit.key], day=day))


def successors_of(*, unit: AdminUnit, day: date) -> list[AdminUnit]:
    """Return the unit(s) that cover ``unit``'s territory on a later ``day``.

    Change records are followed over as many hops as it takes (2021 commune ->
    2024 merge -> 2025 unit). A unit still valid on ``day`` is its own successor.
    """
    changes: dict[str, list[UnitChange]] = {}
    for change in UnitChange.objects.select_related("to_unit").filter(effective__lte=day):
        changes.setdefault(change.from_unit_id, []).append(change)
    result: dict[str, AdminUnit] = {}
    seen = {unit.key}
    queue = deque([unit])
    while queue:
        current = queue.popleft()
        if current.is_valid_on(day):
            result[current.key] = current
            continue
        for change in changes.get(current.key, []):
            if change.to_unit_id not in seen:
                seen.add(change.to_unit_id)
                queue.append(change.to_unit)
    return by_name(result.values())


def predecessors_of(*, unit: AdminUnit) -> list[AdminUnit]:
    """Return the units whose change records lead directly into ``unit``."""
    return [
        change.from_unit
        for change in UnitChange.objects.select_related("from_unit").filter(to_unit=unit)
    ]


def split_type_prefix(name: str) -> tuple[str | None, str]:
    """Split "Xã Nga Quán" into ("Xã", "Nga Quán"); names without a prefix give (None, name)."""
    stripped = " ".join(nfc(name).split())
    for prefix in TYPE_PREFIXES:
        if name_key(stripped).startswith(name_key(prefix) + " "):
            return prefix, stripped[len(prefix) :].strip()
    return None, stripped


def find_units_by_name(
    *, name: str, day: date, level: str | None = None, accents: bool = True
) -> list[AdminUnit]:
    """Return the units valid on ``day`` whose name matches ``name``.

    The type prefix is optional ("Nga Quán" finds "Xã Nga Quán"); when given it
    must agree. With ``accents=False`` the comparison ignores diacritics, which
    can match several units (Minh Quân / Minh Quán): callers must report more
    than one match as ambiguous, never choose.
    """
    key = name_key if accents else plain_key
    # Compare the whole input with the unit's name with and without its type prefix, so an
    # unaccented prefix ("xa nga quan") works too; both sides are keyed word by word.
    wanted = key(name)
    candidates = units_valid_on(day=day)
    if level:
        candidates = candidates.filter(level=level)
    matches = []
    for unit in candidates:
        unit_type, unit_name = split_type_prefix(unit.name)
        if wanted in (key(unit_name), key(f"{unit_type or unit.type} {unit_name}")):
            matches.append(unit)
    return sorted(matches, key=lambda u: u.key)


def tree_on(*, day: date, root_keys: Iterable[str] | None = None) -> list[tuple[AdminUnit, int]]:
    """Return (unit, depth) pairs of the hierarchy on ``day``, depth-first, by name."""
    units = list(units_valid_on(day=day))
    by_parent: dict[str | None, list[AdminUnit]] = {}
    for unit in units:
        by_parent.setdefault(unit.parent_id, []).append(unit)
    valid_keys = {u.key for u in units}
    if root_keys is None:
        roots = [u for u in units if u.parent_id is None or u.parent_id not in valid_keys]
    else:
        wanted = set(root_keys)
        roots = [u for u in units if u.key in wanted]
        # A root inside another root would be listed twice.
        roots = [u for u in roots if not _has_ancestor_in(u, wanted, units)]
    result: list[tuple[AdminUnit, int]] = []

    def walk(unit: AdminUnit, depth: int) -> None:
        result.append((unit, depth))
        for child in by_name(by_parent.get(unit.key, [])):
            walk(child, depth + 1)

    level_order = {UnitLevel.PROVINCE: 0, UnitLevel.DISTRICT: 1, UnitLevel.COMMUNE: 2}
    for root in sorted(roots, key=lambda u: (level_order.get(u.level, 9), vi_sort_key(u.name))):
        walk(root, 0)
    return result


def _has_ancestor_in(unit: AdminUnit, keys: set[str], units: list[AdminUnit]) -> bool:
    parents = {u.key: u.parent_id for u in units}
    current = parents.get(unit.key)
    while current:
        if current in keys:
            return True
        current = parents.get(current)
    return False


def predecessor_keys(*, keys: Iterable[str], day: date) -> set[str]:
    """Return the keys of the units whose successors on ``day`` include one of ``keys``.

    The inverse of ``successors_of``: change records are followed backwards over as
    many hops as it takes (Phường Nam Cường on 2025-07-01 <- Xã Cường Thịnh <- Xã Nga
    Quán). A unit still valid on ``day`` is its own successor, so the walk stops there.
    The keys themselves are included.
    """
    into: dict[str, set[str]] = {}
    for source, target in UnitChange.objects.filter(effective__lte=day).values_list(
        "from_unit_id", "to_unit_id"
    ):
        into.setdefault(target, set()).add(source)
    found = set(keys)
    frontier = set(found)
    while frontier:
        earlier = set().union(*(into.get(key, set()) for key in frontier)) - found
        still_valid = set(
            units_valid_on(day=day).filter(key__in=earlier).values_list("key", flat=True)
        )
        frontier = earlier - still_valid
        found |= frontier
    return found
