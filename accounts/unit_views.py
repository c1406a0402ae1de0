from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import (
    get_visible_unit_or_404,
    last_day_with_units,
    sees_everything,
    visible_units,
)
from config.widgets import parse_day_first
from units.models import UnitChange
from units.selectors import children_of, successors_of, tree_on


def _day_from(request: HttpRequest, default: date) -> tuple[date, str | None]:
    raw = request.GET.get("on", "")
    if not raw:
        return default, None
    try:
        return parse_day_first(raw), None
    except ValueError:
        message = _("Ngày “%(value)s” không hợp lệ; hãy nhập theo dạng dd/mm/yyyy.")
        return default, message % {"value": raw[:20]}


@login_required
def unit_tree(request: HttpRequest) -> HttpResponse:
    """Browse the hierarchy of the user's units as it stood on a chosen date.

    Without a date: today, or the last day the user's units existed if none exists today.
    """
    today = timezone.localdate()
    default = today
    if not sees_everything(user=request.user):
        default = last_day_with_units(user=request.user, day=today)
    day, error = _day_from(request, default)
    if sees_everything(user=request.user):
        rows = tree_on(day=day)
    else:
        visible = set(visible_units(user=request.user, day=day).values_list("key", flat=True))
        rows = tree_on(day=day, root_keys=visible)
    moved = not request.GET.get("on") and day != today
    context = {"rows": rows, "day": day, "error": error, "moved_from": today if moved else None}
    return render(request, "units/tree.html", context, status=400 if error else 200)


@login_required
def unit_detail(request: HttpRequest, key: str) -> HttpResponse:
    """Show a unit, its children on a date, its change records and today's successors."""
    unit = get_visible_unit_or_404(user=request.user, unit_key=key)
    day, error = _day_from(request, unit.valid_to or timezone.localdate())
    visible = set(visible_units(user=request.user).values_list("key", flat=True))
    changes = UnitChange.objects.select_related("from_unit", "to_unit").filter(
        from_unit=unit
    ) | UnitChange.objects.select_related("from_unit", "to_unit").filter(to_unit=unit)
    context = {
        "unit": unit,
        "day": day,
        "error": error,
        "children": [c for c in children_of(unit=unit, day=day) if c.key in visible],
        "changes": changes.order_by("effective", "from_unit__name"),
        "successors": successors_of(unit=unit, day=timezone.localdate()),
        "visible": visible,
    }
    return render(request, "units/detail.html", context, status=400 if error else 200)
