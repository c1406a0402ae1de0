"""The pilot-era area and dates of the default synthetic round."""

from __future__ import annotations

from datetime import date

from units.models import AdminUnit
from units.selectors import children_of

PILOT_DISTRICTS = ("132@2020-02-01", "138@2020-02-01")
PILOT_DAY = date(2021, 6, 1)
ROUND_START, ROUND_END = date(2021, 6, 1), date(2021, 11, 30)


def pilot_communes() -> list[AdminUnit]:
    """The 36 pilot-era communes of thành phố Yên Bái and huyện Trấn Yên."""
    communes: list[AdminUnit] = []
    for district in AdminUnit.objects.filter(key__in=PILOT_DISTRICTS).order_by("key"):
        communes.extend(children_of(unit=district, day=PILOT_DAY))
    return communes
