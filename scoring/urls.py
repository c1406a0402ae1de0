from django.urls import path

from scoring import views

app_name = "scoring"
urlpatterns = [
    path("", views.index, name="index"),
    path("compare/", views.compare, name="compare"),
    path("<slug:round_code>/", views.overview, name="overview"),
    path("<slug:round_code>/indicators/", views.indicators_report, name="indicators"),
    path("<slug:round_code>/changes/", views.changes_report, name="changes"),
    path("<slug:round_code>/units/<str:key>/", views.unit_report, name="unit"),
    path("<slug:round_code>/households/<int:pk>/", views.household_report, name="household"),
    path("<slug:round_code>/members/<int:pk>/", views.member_report, name="member"),
]
