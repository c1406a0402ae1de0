"""Answer every request in the language its user chose (see accounts.languages)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from accounts.languages import chosen_language


class ChosenLanguageMiddleware:
    """Replace LocaleMiddleware: account preference > cookie > LANGUAGE_CODE, never Accept-Language.

    It comes after AuthenticationMiddleware, since the account's preference needs the user.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = chosen_language(request=request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        # The page depends on the cookies (session and language), not on Accept-Language.
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response
