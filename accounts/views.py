from datetime import date

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.i18n import set_language

from accounts.forms import LoginForm
from accounts.languages import (
    preferred_language,
    remember_language,
    set_language_cookie,
    supported_language,
)
from accounts.models import ScopeAssignment
from accounts.passwords import PASSWORD_CHANGE_FLAG, must_change_password, password_changed
from accounts.selectors import roles_of, sees_everything, visible_units
from units.models import UnitLevel
from units.selectors import by_name

# A longer list (a district's or a province's communes) is a count and a link: fifty
# links are no use on a phone.
LIST_LIMIT = 12


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Show the user's role, their units and what they can do."""
    user: User = request.user
    today = timezone.localdate()
    communes = visible_units(user=user).filter(level=UnitLevel.COMMUNE)
    # Pilot-era units are valid in the past; show today's units and the historical ones apart.
    current = [u for u in communes if u.is_valid_on(today)]
    historical = [u for u in communes if not u.is_valid_on(today)]
    scope = ScopeAssignment.objects.filter(user=user).select_related("unit", "unit__parent")
    context = {
        "roles": roles_of(user=user),
        "sees_everything": sees_everything(user=user),
        "scope": [s.unit for s in scope],
        "current_communes": by_name(current),
        "historical_communes": by_name(historical),
        "today": today,
        "pilot_day": date(2021, 6, 1),
        "list_limit": LIST_LIMIT,
    }
    return render(request, "accounts/home.html", context)


class LoginView(auth_views.LoginView):
    """Django's login page; a refused login answers 400, like every refused form."""

    redirect_authenticated_user = True
    authentication_form = LoginForm

    def form_valid(self, form) -> HttpResponse:
        response = super().form_valid(form)
        if must_change_password(user=form.get_user()):
            self.request.session[PASSWORD_CHANGE_FLAG] = True
        # The account's language wins over the device's cookie from now on, even signed out.
        language = preferred_language(user=form.get_user())
        if language:
            set_language_cookie(response=response, language=language)
        return response

    def form_invalid(self, form) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response


def choose_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language; a signed-in user's choice is also kept on the account.

    Only the POST writes (a GET just redirects, as Django's view does).
    """
    response = set_language(request)
    language = supported_language(code=request.POST.get("language"))
    if request.method == "POST" and language and request.user.is_authenticated:
        remember_language(user=request.user, language=language)
    return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change page; a refused change answers 400.

    A successful change ends the obligation of a temporary password set by staff.
    """

    def form_valid(self, form) -> HttpResponse:
        response = super().form_valid(form)
        password_changed(user=form.user)
        self.request.session.pop(PASSWORD_CHANGE_FLAG, None)
        return response

    def form_invalid(self, form) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response
