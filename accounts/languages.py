"""Which language a request is answered in: the user's choice, never the browser's.

Vietnamese unless chosen: the account's preference comes first, then the language
cookie Django's set_language view writes, then settings.LANGUAGE_CODE. The
Accept-Language header is never read, so a phone set to English still gets
Vietnamese until its user picks English.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest, HttpResponse

from accounts.models import Preference


def supported_language(*, code: str | None) -> str | None:
    """Return ``code`` if it is one of settings.LANGUAGES, else None."""
    return code if code in dict(settings.LANGUAGES) else None


def preferred_language(*, user: AbstractBaseUser | AnonymousUser) -> str | None:
    """Return the language a signed-in user chose, or None."""
    if not user.is_authenticated:
        return None
    # The auth backend joins the preference to the user: no query of its own here.
    try:
        preference = user.preference
    except Preference.DoesNotExist:
        return None
    return supported_language(code=preference.language) if preference else None


def chosen_language(*, request: HttpRequest) -> str:
    """Return the account's language, else the cookie's, else settings.LANGUAGE_CODE."""
    return (
        preferred_language(user=request.user)
        or supported_language(code=request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
        or settings.LANGUAGE_CODE
    )


def remember_language(*, user: AbstractBaseUser, language: str) -> None:
    """Store ``language`` as the signed-in user's choice."""
    Preference.objects.update_or_create(user=user, defaults={"language": language})


def set_language_cookie(*, response: HttpResponse, language: str) -> None:
    """Set the language cookie the way Django's set_language view does."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
