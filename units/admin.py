from datetime import date

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from units.models import AdminUnit, UnitChange
from units.selectors import valid_on_q

SNAPSHOT_DATES = ["2021-06-01", "2024-12-01", "2025-08-01"]


class ValidOnFilter(admin.SimpleListFilter):
    """Show the hierarchy as it stood on a chosen date (any date via ?valid_on=YYYY-MM-DD)."""

    title = _("hiệu lực vào ngày")
    parameter_name = "valid_on"

    def lookups(self, request, model_admin):
        return [(d, d) for d in SNAPSHOT_DATES]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            day = date.fromisoformat(self.value())
        except ValueError:
            return queryset.none()
        return queryset.filter(valid_on_q(day))


@admin.register(AdminUnit)
class AdminUnitAdmin(admin.ModelAdmin):
    list_display = ["key", "name", "level", "parent", "valid_from", "valid_to"]
    list_filter = [ValidOnFilter, "level", "type"]
    search_fields = ["code", "name"]
    ordering = ["level", "parent__name", "name"]
    raw_id_fields = ["parent"]


@admin.register(UnitChange)
class UnitChangeAdmin(admin.ModelAdmin):
    list_display = ["from_unit", "to_unit", "effective", "kind", "legal_basis"]
    list_filter = ["effective", "kind"]
    search_fields = ["from_unit__name", "to_unit__name", "legal_basis"]
    raw_id_fields = ["from_unit", "to_unit"]
