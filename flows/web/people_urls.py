from django.urls import path

from flows.web import assignments
from flows.web import people as views

app_name = "people"

urlpatterns = [
    path("", views.account_list, name="list"),
    path("new/", views.account_new, name="new"),
    path("import/", views.account_import, name="import"),
    path("<int:pk>/", views.account_detail, name="detail"),
    path("<int:pk>/change/", views.account_change, name="change"),
    path("rounds/<slug:code>/", assignments.round_surveyors, name="round_surveyors"),
]
