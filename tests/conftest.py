"""Shared fixtures: the pilot units, users of each role, and a real browser."""

from __future__ import annotations

import functools
import itertools
import os
import shutil
from collections.abc import Callable, Iterator

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core import serializers
from django.core.management.color import no_style
from django.db import connections

from accounts.services import ensure_roles
from tests.factories import PASSWORD, RoleUserFactory

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE_VIEWPORT = {"width": 390, "height": 844}


DATABASE_FIXTURES = frozenset(
    {"db", "transactional_db", "django_db_reset_sequences", "live_server"}
)


def pytest_addoption(parser) -> None:
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="Run only the tests that use the database (CI's second database runs these).",
    )


def uses_database(item) -> bool:
    """Whether a test reaches the database: a django_db mark or a database fixture."""
    return item.get_closest_marker("django_db") is not None or bool(
        DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
    )


def pytest_collection_modifyitems(config, items) -> None:
    if not config.getoption("--database-tests-only"):
        return
    # Tests of plain code give the same result on every database: run them once.
    kept = [item for item in items if uses_database(item)]
    config.hook.pytest_deselected(items=[item for item in items if not uses_database(item)])
    items[:] = kept


def pytest_configure(config) -> None:
    # WhiteNoise warns on every request that STATIC_ROOT was never collected; tests serve
    # static files from the app directories, so the warning is noise here.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """Hash test passwords cheaply; the production hasher costs about 0.3 s per call."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@functools.cache
def _shipped_unit_rows() -> tuple[tuple[type, dict], ...]:
    """The rows of fixtures/admin_units.json as (model, field values), read once."""
    path = settings.BASE_DIR / "fixtures" / "admin_units.json"
    return tuple(
        (type(d.object), {f.attname: getattr(d.object, f.attname) for f in d.object._meta.fields})
        for d in serializers.deserialize("json", path.read_text(encoding="utf-8"))
    )


@pytest.fixture
def units(db) -> None:
    """Load the shipped pilot units (fixtures/admin_units.json) and the role groups."""
    # What loaddata writes, inserted in bulk: loaddata costs 0.13 s a test on PostgreSQL.
    models = []
    for model, rows in itertools.groupby(_shipped_unit_rows(), key=lambda row: row[0]):
        model.objects.bulk_create([model(**fields) for _model, fields in rows])
        models.append(model)
    connection = connections["default"]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
    ensure_roles()


@pytest.fixture
def make_user(units) -> Callable[..., User]:
    """Return a maker: ``make_user(role, unit_keys=None, **fields)``.

    Without ``unit_keys`` the role gets its default scope (tests.factories.DEFAULT_SCOPES).
    The password is tests.factories.PASSWORD unless given.
    """

    def make(role: str, unit_keys: list[str] | tuple[str, ...] | None = None, **fields) -> User:
        if unit_keys is not None:
            fields["unit_keys"] = list(unit_keys)
        return RoleUserFactory(role=role, **fields)

    return make


@pytest.fixture
def browser_locale() -> str:
    """The phone's language (its Accept-Language); a test module may override this fixture."""
    return "vi-VN"


@pytest.fixture
def page(live_server, transactional_db, monkeypatch, browser_locale) -> Iterator:
    """A Playwright page in Debian's headless chromium on a phone-sized viewport."""
    executable = shutil.which("chromium")
    if not executable:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("REQUIRE_BROWSER=1 but no 'chromium' executable is on PATH")
        pytest.skip("no 'chromium' executable on PATH (install Debian's chromium)")
    # Playwright's sync API keeps an event loop running in this thread; the ORM calls the
    # tests make meanwhile are still plain synchronous calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        # A Vietnamese phone by default, as the surveyors' phones are; the site answers in
        # Vietnamese whatever the phone's language, until the user picks English.
        context = browser.new_context(viewport=PHONE_VIEWPORT, locale=browser_locale)
        context.set_default_timeout(15_000)
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()
            # While Playwright's loop runs, Django keeps this thread's connections in a
            # context variable, out of reach of pytest-django's teardown: close them here,
            # or PostgreSQL refuses to drop the test database at the end of the session.
            connections.close_all()


@pytest.fixture
def log_in(page, live_server) -> Callable[[str, str], None]:
    """Return a helper that logs in through the real login form and waits for the home page."""

    def submit(username: str, password: str = PASSWORD) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.click("main form button[type=submit]")

    return submit
