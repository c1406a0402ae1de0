"""Search the audit trail."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from audit.models import AuditEntry
from units.selectors import descendant_keys


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def search_entries(
    *,
    username: str = "",
    unit_key: str = "",
    since: date | None = None,
    until: date | None = None,
    action: str = "",
) -> QuerySet[AuditEntry]:
    """Return the entries matching every filter given, newest first.

    ``unit_key`` matches the unit and everything under it; ``until`` is inclusive.
    """
    entries = AuditEntry.objects.select_related("unit")
    if username:
        entries = entries.filter(username__iexact=username)
    if unit_key:
        entries = entries.filter(unit_id__in={unit_key} | set(descendant_keys(roots=[unit_key])))
    if since is not None:
        entries = entries.filter(at__gte=_start_of(since))
    if until is not None:
        entries = entries.filter(at__lt=_start_of(until + timedelta(days=1)))
    if action:
        entries = entries.filter(action=action)
    return entries.order_by("-at", "-id")
