from django.urls import path

from accounts import unit_views as views

# The unit pages show what a user's scope lets them see, so they live above units.
app_name = "units"
urlpatterns = [
    path("", views.unit_tree, name="tree"),
    path("<str:key>/", views.unit_detail, name="detail"),
]
