"""Login throttling, session expiry, cookies and the security headers of every answer."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.roles import SURVEYOR
from tests.factories import PASSWORD
from tests.test_settings import manage, random_secret_key

EIGHT_HOURS = 8 * 60 * 60
CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def csp_of(response) -> dict[str, str]:
    """The policy's directives (django-csp writes them in no fixed order)."""
    parts = (d.strip().split(" ", 1) for d in response["Content-Security-Policy"].split(";"))
    return {name: value for name, value in parts}


def _login(client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


# Headers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/accounts/login/", "/healthz", "/khong-co/"])
def test_every_answer_carries_the_security_headers(client, units, url):
    response = client.get(url)
    assert csp_of(response) == CSP
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert re.fullmatch(r"[0-9a-f]{12}", response["X-Request-ID"])


def test_a_signed_in_page_carries_the_headers_too(client, make_user):
    client.force_login(make_user(SURVEYOR))
    response = client.get("/survey/")
    assert response.status_code == 200
    assert csp_of(response) == CSP
    assert response["X-Frame-Options"] == "DENY"


def test_no_template_has_inline_script_style_or_event_handlers():
    """The CSP forbids them; a template that used one would break in the browser."""
    offenders = []
    for path in sorted(Path(settings.BASE_DIR).glob("*/templates/**/*.html")) + sorted(
        Path(settings.BASE_DIR, "templates").glob("**/*.html")
    ):
        text = path.read_text(encoding="utf-8")
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"\sstyle=", r"\son[a-z]+=", r"<style"):
            if re.search(pattern, text, re.I):
                offenders.append(f"{path.relative_to(settings.BASE_DIR)}: {pattern}")
    assert offenders == []


def test_https_answers_carry_hsts_and_secure_cookies(client, make_user, settings):
    # The production values (HTTPS=1, see test_production_security_settings below).
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    user = make_user(SURVEYOR, username="an-toan")
    page = client.get("/accounts/login/", secure=True)
    assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert page.cookies["csrftoken"]["secure"] is True
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": PASSWORD}, secure=True
    )
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    assert session["max-age"] == EIGHT_HOURS


def test_production_security_settings():
    """Without DEBUG the settings demand HTTPS everywhere (and check --deploy is clean)."""
    result = manage(
        "shell",
        "-c",
        "import json; from django.conf import settings as s; print(json.dumps({k: getattr(s, k) "
        "for k in ['SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
        "'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SESSION_COOKIE_AGE', "
        "'SESSION_SAVE_EVERY_REQUEST', 'SESSION_COOKIE_HTTPONLY', 'X_FRAME_OPTIONS', "
        "'SECURE_REFERRER_POLICY', 'DATA_UPLOAD_MAX_MEMORY_SIZE']}))",
        DEBUG="0",
        SECRET_KEY=random_secret_key(),
        ALLOWED_HOSTS="example.org",
        DATABASE_URL="sqlite:///:memory:",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SESSION_COOKIE_AGE": EIGHT_HOURS,
        "SESSION_SAVE_EVERY_REQUEST": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_REFERRER_POLICY": "same-origin",
        "DATA_UPLOAD_MAX_MEMORY_SIZE": 5 * 1024 * 1024,
    }


# Sessions ---------------------------------------------------------------------------------


def test_each_request_pushes_the_expiry_eight_hours_ahead(client, make_user):
    client.force_login(make_user(SURVEYOR))
    session = Session.objects.get()
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + timedelta(minutes=1))
    before = timezone.now()
    assert client.get("/survey/").status_code == 200
    expiry = Session.objects.get(pk=session.pk).expire_date
    assert before + timedelta(seconds=EIGHT_HOURS - 5) <= expiry
    assert expiry <= timezone.now() + timedelta(seconds=EIGHT_HOURS)


def test_after_eight_idle_hours_the_session_is_over(client, make_user):
    client.force_login(make_user(SURVEYOR))
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/survey/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/survey/"


# Passwords ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("ngan9chu", "password_too_short"),
        ("12345678901", "password_entirely_numeric"),
        ("password1234", "password_too_common"),
        ("nguyenvanan2025", "password_too_similar"),
    ],
)
def test_password_validators_refuse_weak_passwords(make_user, password, code):
    user = make_user(SURVEYOR, username="nguyenvanan2025")
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    assert code in {e.code for e in refused.value.error_list}


# Throttling ---------------------------------------------------------------------------------


def test_five_failures_lock_the_account_from_that_address_only(client, make_user):
    user = make_user(SURVEYOR, username="bi-khoa")
    make_user(SURVEYOR, username="khong-bi-khoa")
    for _ in range(4):
        assert _login(client, user.username, "sai-mat-khau").status_code == 400
    assert _login(client, user.username, "sai-mat-khau").status_code == 429  # the fifth
    locked = _login(client, user.username, PASSWORD)
    assert locked.status_code == 429
    assert "Tạm khoá đăng nhập" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # Another account from the same address, and the same account from elsewhere, still work.
    assert _login(client, "khong-bi-khoa", PASSWORD).status_code == 302
    client.logout()
    assert _login(client, user.username, PASSWORD, address="10.0.0.2").status_code == 302
    assert AccessAttempt.objects.filter(username=user.username).count() == 1


def test_a_success_before_the_limit_resets_the_count(client, make_user):
    user = make_user(SURVEYOR, username="quen-mat-khau")
    for _ in range(4):
        _login(client, user.username, "sai-mat-khau")
    assert _login(client, user.username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        _login(client, user.username, "sai-mat-khau")
    assert _login(client, user.username, PASSWORD).status_code == 302
