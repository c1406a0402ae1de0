from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.permissions import IsAuthenticated

from flows.api import views

app_name = "api"

urlpatterns = [
    path(
        "schema/",
        SpectacularAPIView.as_view(api_version="v1", permission_classes=[IsAuthenticated]),
        name="schema",
    ),
    path("auth/token/", obtain_auth_token, name="token"),
    path("rounds/", views.RoundList.as_view(), name="rounds"),
    path("rounds/<slug:code>/plan/", views.RoundPlan.as_view(), name="plan"),
    path("rounds/<slug:code>/revisits/", views.RoundRevisits.as_view(), name="revisits"),
    path("rounds/<slug:code>/households/", views.HouseholdCreate.as_view(), name="households"),
    path("households/<uuid:client_id>/", views.HouseholdStatus.as_view(), name="household"),
]
