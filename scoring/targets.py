"""The national targets the report pages put beside the rates."""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from scoring.models import Target

QD677 = "QĐ 677/QĐ-TTg ngày 03/06/2022"
QD387 = "QĐ 387/QĐ-TTg ngày 25/03/2022"
# The national targets (domain README, section 4): (indicator, year, percent, source).
DEFAULT_TARGETS: tuple[tuple[str, int, int, str], ...] = (
    (Target.Indicator.ADULTS, 2025, 40, QD677),
    (Target.Indicator.ADULTS, 2030, 60, QD677),
    (Target.Indicator.CADRES, 2025, 60, QD677),
    (Target.Indicator.CADRES, 2030, 80, QD677),
    (Target.Indicator.DIGITAL, 2025, 70, QD677),
    (Target.Indicator.DIGITAL, 2030, 90, QD677),
    (Target.Indicator.ONLINE, 2025, 60, QD677),
    (Target.Indicator.ONLINE, 2030, 80, QD677),
    (Target.Indicator.HOUSEHOLDS, 2025, 70, QD387),
)
TARGET_YEARS = (2025, 2030)
TARGET_LABELS = {
    Target.Indicator.ADULTS: "Người từ 15 tuổi đạt danh hiệu Công dân học tập",
    Target.Indicator.CADRES: "Cán bộ, công chức, viên chức đạt danh hiệu",
    Target.Indicator.DIGITAL: "Người đạt danh hiệu có kỹ năng số đáp ứng yêu cầu",
    Target.Indicator.HOUSEHOLDS: "Hộ đạt danh hiệu Gia đình học tập",
}


@transaction.atomic
def install_default_targets() -> int:
    """Create the national targets that are missing (edited values are kept); return how many."""
    created = 0
    for indicator, year, value, source in DEFAULT_TARGETS:
        _, made = Target.objects.get_or_create(
            province=None,
            indicator=indicator,
            year=year,
            defaults={"value": value, "source": source},
        )
        created += made
    return created


def targets_for(*, provinces: Collection[str]) -> dict[str, tuple[float | None, float | None, str]]:
    """indicator -> (2025, 2030, source): a province's own targets before the national ones."""
    found: dict[str, dict[int, tuple[int, Decimal, str]]] = {}
    rows = Target.objects.filter(year__in=TARGET_YEARS).filter(
        Q(province__isnull=True) | Q(province__in=list(provinces))
    )
    for target in rows:
        rank = 0 if target.province_id is None else 1
        slot = found.setdefault(target.indicator, {})
        current = slot.get(target.year)
        if current is None or rank > current[0]:
            slot[target.year] = (rank, target.value, target.source)
    result = {}
    for indicator, years in found.items():
        values = [float(years[y][1]) if y in years else None for y in TARGET_YEARS]
        source = next((years[y][2] for y in TARGET_YEARS if y in years), "")
        result[indicator] = (values[0], values[1], source)
    return result
