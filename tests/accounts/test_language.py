"""Vietnamese unless chosen: the browser's Accept-Language never picks the language."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user
from django.test import Client

from accounts.models import Preference
from accounts.roles import SURVEYOR
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

VIETNAMESE_LOGIN = ('<html lang="vi">', "<h1>Đăng nhập</h1>")
ENGLISH_LOGIN = ('<html lang="en">', "<h1>Log in</h1>")
VIETNAMESE_HOME = ('<html lang="vi">', ">Trang chủ</a>", ">Đăng xuất</button>")
ENGLISH_HOME = ('<html lang="en">', ">Home</a>", ">Log out</button>")


def page(client: Client, url: str, **headers: str) -> str:
    response = client.get(url, **headers)
    assert response.status_code == 200
    return response.content.decode()


def has_all(text: str, parts: tuple[str, ...]) -> bool:
    return all(part in text for part in parts)


def choose(client: Client, language: str, next_url: str = "/"):
    response = client.post("/i18n/setlang/", {"language": language, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == next_url
    return response


def sign_in(client: Client, username: str) -> None:
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302


def test_an_english_browser_gets_vietnamese(client, units):
    text = page(client, "/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert has_all(text, VIETNAMESE_LOGIN)
    assert not has_all(text, ENGLISH_LOGIN)


def test_an_english_browser_signed_in_gets_vietnamese(client, make_user):
    make_user(SURVEYOR, username="hoa")
    sign_in(client, "hoa")

    assert has_all(page(client, "/", HTTP_ACCEPT_LANGUAGE="en"), VIETNAMESE_HOME)


def test_the_page_varies_on_the_cookie_not_on_accept_language(client, units):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")

    assert "Accept-Language" not in response.get("Vary", "")
    assert "Cookie" in response["Vary"]
    assert response["Content-Language"] == "vi"


def test_choosing_english_sets_the_cookie_and_the_pages_are_english(client, units):
    response = choose(client, "en", "/accounts/login/")

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert has_all(page(client, "/accounts/login/", HTTP_ACCEPT_LANGUAGE="vi"), ENGLISH_LOGIN)


def test_an_anonymous_choice_is_not_stored_on_any_account(client, make_user):
    make_user(SURVEYOR, username="hoa")

    choose(client, "en", "/accounts/login/")

    assert Preference.objects.count() == 0


def test_a_signed_in_choice_is_kept_on_the_account(client, make_user):
    user = make_user(SURVEYOR, username="hoa")
    sign_in(client, "hoa")

    choose(client, "en")

    assert Preference.objects.get(user=user).language == "en"
    assert has_all(page(client, "/"), ENGLISH_HOME)


def test_the_account_choice_survives_a_new_session_without_the_cookie(make_user):
    make_user(SURVEYOR, username="hoa")
    first = Client()
    sign_in(first, "hoa")
    choose(first, "en")
    assert first.post("/accounts/logout/").status_code == 302

    fresh = Client()  # another phone: no cookie, an English-free browser
    assert has_all(page(fresh, "/accounts/login/"), VIETNAMESE_LOGIN)
    response = fresh.post("/accounts/login/", {"username": "hoa", "password": PASSWORD})

    assert response.status_code == 302
    # The login hands the account's choice to the device's cookie too.
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    del fresh.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert has_all(page(fresh, "/", HTTP_ACCEPT_LANGUAGE="vi"), ENGLISH_HOME)


def test_the_account_choice_wins_over_the_cookie(client, make_user):
    user = make_user(SURVEYOR, username="hoa")
    Preference.objects.create(user=user, language="en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    client.force_login(user)

    assert has_all(page(client, "/"), ENGLISH_HOME)


def test_choosing_vietnamese_again_works(client, make_user):
    user = make_user(SURVEYOR, username="hoa")
    sign_in(client, "hoa")
    choose(client, "en")
    assert has_all(page(client, "/"), ENGLISH_HOME)

    response = choose(client, "vi")

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "vi"
    assert Preference.objects.get(user=user).language == "vi"
    assert has_all(page(client, "/", HTTP_ACCEPT_LANGUAGE="en"), VIETNAMESE_HOME)


def test_a_get_of_the_switch_changes_nothing(client, make_user):
    user = make_user(SURVEYOR, username="hoa")
    sign_in(client, "hoa")

    response = client.get("/i18n/setlang/", {"language": "en", "next": "/"})

    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert not Preference.objects.filter(user=user).exists()
    assert has_all(page(client, "/"), VIETNAMESE_HOME)


def test_an_unknown_language_is_not_stored(client, make_user):
    user = make_user(SURVEYOR, username="hoa")
    sign_in(client, "hoa")

    choose(client, "fr")

    assert not Preference.objects.filter(user=user).exists()
    assert has_all(page(client, "/"), VIETNAMESE_HOME)


def test_the_user_and_the_preference_come_in_one_query(
    client, make_user, django_assert_num_queries
):
    user = make_user(SURVEYOR, username="hoa")
    Preference.objects.create(user=user, language="en")
    client.force_login(user)
    request = client.get("/").wsgi_request  # its session is loaded already

    with django_assert_num_queries(1):  # the user, joined to the preference
        loaded = get_user(request)
        assert loaded.preference.language == "en"
