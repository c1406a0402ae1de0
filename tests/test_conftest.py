"""The shared ``units`` fixture writes exactly what ``loaddata admin_units`` writes."""

from __future__ import annotations

import datetime
import json

from django.conf import settings
from django.core import serializers

from units.models import AdminUnit, UnitChange


def test_the_units_fixture_stores_every_row_of_the_shipped_file(units):
    shipped = json.loads((settings.BASE_DIR / "fixtures" / "admin_units.json").read_text())
    rows = [*AdminUnit.objects.order_by("pk"), *UnitChange.objects.order_by("pk")]
    stored = json.loads(serializers.serialize("json", rows))
    key = lambda row: (row["model"], str(row["pk"]))  # noqa: E731
    assert (len(shipped), len(stored)) == (90, 90)
    assert sorted(stored, key=key) == sorted(shipped, key=key)


def test_after_the_units_fixture_a_new_change_takes_the_next_id(units):
    province, district = AdminUnit.objects.order_by("pk")[:2]
    change = UnitChange.objects.create(
        from_unit=province, to_unit=district, effective=datetime.date(2026, 1, 1), kind="merge"
    )
    assert change.pk == 40
