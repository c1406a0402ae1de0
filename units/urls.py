from django.urls import path

from units import views

app_name = "units"
urlpatterns = [
    path("", views.unit_tree, name="tree"),
    path("<str:key>/", views.unit_detail, name="detail"),
]
