from django.contrib import admin

from survey.models import Round, RoundUnit


class RoundUnitInline(admin.TabularInline):
    model = RoundUnit
    raw_id_fields = ["unit"]
    extra = 0


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "status", "starts_on", "ends_on", "citizen_set"]
    list_filter = ["status"]
    inlines = [RoundUnitInline]

    def get_readonly_fields(self, request, obj=None):
        # A round's criteria versions are fixed from the moment it opens.
        fixed = (
            ["citizen_set", "household_set"] if obj and obj.status != Round.Status.PLANNED else []
        )
        return [*super().get_readonly_fields(request, obj), *fixed]
