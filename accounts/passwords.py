"""Temporary passwords: an account whose password staff set must change it at first login.

The login marks the session; ``PasswordChangeRequiredMiddleware`` then sends every page to the
password form until the change is made (no query per request: the mark is in the session)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from accounts.models import PasswordChangeRequired

PASSWORD_CHANGE_FLAG = "must_change_password"  # noqa: S105 (a session key)
# What a user with a temporary password may still open.
ALLOWED_URL_NAMES = ("password_change", "logout", "set_language", "login", "health")


def must_change_password(*, user: User) -> bool:
    return PasswordChangeRequired.objects.filter(user=user).exists()


def password_changed(*, user: User) -> None:
    PasswordChangeRequired.objects.filter(user=user).delete()


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.allowed: tuple[str, ...] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.session.get(PASSWORD_CHANGE_FLAG) and request.user.is_authenticated:
            if self.allowed is None:
                self.allowed = tuple(reverse(name) for name in ALLOWED_URL_NAMES)
            path = request.path_info
            if path not in self.allowed and not path.startswith("/static/"):
                return redirect("password_change")
        return self.get_response(request)
