from django.contrib import admin

from survey.models import Round, RoundUnit


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rounds change only through their pages, whose services check and audit every change."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class RoundUnitInline(admin.TabularInline):
    model = RoundUnit
    extra = 0

    has_add_permission = ReadOnlyAdmin.has_add_permission
    has_change_permission = ReadOnlyAdmin.has_change_permission
    has_delete_permission = ReadOnlyAdmin.has_delete_permission


@admin.register(Round)
class RoundAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "status", "starts_on", "ends_on", "citizen_set"]
    list_filter = ["status"]
    inlines = [RoundUnitInline]
