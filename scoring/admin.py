from django.contrib import admin

from scoring.models import ScoringRun, Target


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    """Targets are data: a province sets its own beside the national ones (QĐ 677, QĐ 387)."""

    list_display = ["indicator", "year", "province", "value", "source"]
    list_filter = ["indicator", "year", "province"]
    raw_id_fields = ["province"]


@admin.register(ScoringRun)
class ScoringRunAdmin(admin.ModelAdmin):
    """Runs are written by the scoring services only; the admin shows them."""

    list_display = ["pk", "round", "criteria_set", "kind", "based_on", "complete", "created_at"]
    list_filter = ["kind", "complete"]
    readonly_fields = [f.name for f in ScoringRun._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
