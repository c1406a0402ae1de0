from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views as account_views
from config import views as config_views

admin.site.site_header = "Công dân học tập – Quản trị"

handler500 = "config.views.server_error"

urlpatterns = [
    path("healthz", config_views.health, name="health"),
    path("", account_views.home, name="home"),
    path(
        "accounts/login/",
        account_views.LoginView.as_view(),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        account_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/setlang/", account_views.choose_language, name="set_language"),
    path("units/", include("accounts.unit_urls")),
    path("criteria/", include("criteria.urls")),
    path("survey/", include("flows.web.urls")),
    path("people/", include("flows.web.people_urls")),
    path("reports/", include("scoring.urls")),
    path("exports/", include("exports.urls")),
    path("audit/", include("audit.urls")),
    path("api/v1/", include("flows.api.urls")),
    path("admin/", admin.site.urls),
]
