"""``load_reference_data`` installs what the app ships; a second run changes nothing."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from criteria.models import CriteriaSet
from scoring.models import Target
from scoring.services import DEFAULT_TARGETS
from units.models import AdminUnit, UnitChange

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        "units": AdminUnit.objects.count(),
        "changes": UnitChange.objects.count(),
        "roles": Group.objects.count(),
        "criteria_sets": CriteriaSet.objects.filter(status="published").count(),
        "targets": Target.objects.filter(province=None).count(),
    }


def test_load_reference_data_installs_units_roles_criteria_sets_and_targets():
    call_command("load_reference_data", stdout=io.StringIO())

    assert counts() == {
        "units": 51,
        "changes": 39,
        "roles": 5,
        "criteria_sets": 3,
        "targets": len(DEFAULT_TARGETS),
    }
    assert (
        Target.objects.get(province=None, indicator=Target.Indicator.ADULTS, year=2025).value == 40
    )


def test_load_reference_data_twice_changes_nothing_and_keeps_edited_targets():
    call_command("load_reference_data", stdout=io.StringIO())
    Target.objects.filter(province=None, indicator=Target.Indicator.ADULTS, year=2025).update(
        value=50
    )
    before = counts()

    call_command("load_reference_data", stdout=io.StringIO())

    assert counts() == before
    assert (
        Target.objects.get(province=None, indicator=Target.Indicator.ADULTS, year=2025).value == 50
    )
