from django.urls import path

from scoring.views import (
    changes,
    compare,
    households,
    indicators,
    overview,
    round_list,
    trace,
    unit,
)

app_name = "scoring"
urlpatterns = [
    path("", round_list.index, name="index"),
    path("compare/", compare.compare, name="compare"),
    path("<slug:round_code>/", overview.overview, name="overview"),
    path("<slug:round_code>/indicators/", indicators.indicators_report, name="indicators"),
    path("<slug:round_code>/changes/", changes.changes_report, name="changes"),
    path("<slug:round_code>/units/<str:key>/", unit.unit_report, name="unit"),
    path("<slug:round_code>/households/<int:pk>/", households.household_report, name="household"),
    path("<slug:round_code>/members/<int:pk>/", trace.member_report, name="member"),
]
