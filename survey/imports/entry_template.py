"""The round's blank data-entry workbook, with the units a user may enter data for.

``template`` writes the workbook; this gathers what it needs from the database.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone

from criteria.selectors import spec_of
from survey.imports.template import TemplateRound, TemplateUnit, write_entry_template
from survey.models import Round
from survey.selectors import entry_units
from units.models import AdminUnit


def template_units(*, round_: Round, user: User | None = None) -> list[TemplateUnit]:
    """The round's units for the template; a user gets the units they may enter data for."""
    if user is not None:
        units: Sequence[AdminUnit] = entry_units(user=user, round_=round_)
    else:
        units = list(
            AdminUnit.objects.filter(
                key__in=round_.round_units.values_list("unit_id", flat=True)
            ).select_related("parent")
        )
    parents = {
        u.key: u.name
        for u in AdminUnit.objects.filter(key__in={u.parent_id for u in units if u.parent_id})
    }
    return sorted(
        (TemplateUnit(u.code, u.name, parents.get(u.parent_id or "", "")) for u in units),
        key=lambda u: u.code,
    )


def build_entry_template(*, round_: Round, user: User | None = None) -> tuple[str, bytes]:
    """Return (file name, bytes) of the round's blank data-entry workbook."""
    buffer = io.BytesIO()
    write_entry_template(
        round_=TemplateRound(round_.code, round_.name, round_.starts_on, round_.ends_on),
        citizen=spec_of(criteria_set=round_.citizen_set),
        household=spec_of(criteria_set=round_.household_set) if round_.household_set else None,
        units=template_units(round_=round_, user=user),
        target=buffer,
        generated_at=timezone.localtime() if settings.USE_TZ else datetime.now(),
    )
    return f"mau-nhap-{round_.code}.xlsx", buffer.getvalue()
