"""The national targets the report pages put beside the rates."""

from __future__ import annotations

from django.db import transaction

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
