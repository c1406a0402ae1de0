"""Settings driven by the environment: configuration errors, deploy checks, SQLite pragmas."""

from __future__ import annotations

import os
import secrets
import string
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

# Variables the settings read; each subprocess starts without any of them.
SETTINGS_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "HTTPS",
    "SQLITE_TEST_NAME",
    "STATIC_ROOT",
    "MEDIA_ROOT",
    "LOG_LEVEL",
    "DJANGO_SETTINGS_MODULE",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    return subprocess.run(  # noqa: S603 - fixed argv, our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def random_secret_key() -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(50))


def test_unknown_database_scheme_is_a_one_line_configuration_error(tmp_path):
    result = manage("check", DEBUG="1", DATABASE_URL="mysql://user:pw@db.example.org/hoctap")

    assert result.returncode != 0
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "Configuration error: DATABASE_URL scheme 'mysql' is not supported. "
        "Use sqlite:///PATH or postgres://USER@HOST:PORT/NAME."
    ]


def test_production_without_secret_key_is_a_one_line_configuration_error(tmp_path):
    result = manage("check", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "Configuration error: SECRET_KEY is not set. Set SECRET_KEY to a long random string "
        "in production (or DEBUG=1 for a development run)."
    ]


def test_production_without_allowed_hosts_is_a_one_line_configuration_error(tmp_path):
    result = manage(
        "check",
        DEBUG="0",
        SECRET_KEY=random_secret_key(),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "Configuration error: ALLOWED_HOSTS is not set. "
        "Set ALLOWED_HOSTS to the comma-separated host names served."
    ]


def test_unreadable_debug_value_is_a_one_line_configuration_error(tmp_path):
    result = manage("check", DEBUG="maybe")

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "Configuration error: DEBUG must be 1/0, true/false, yes/no or on/off, not 'maybe'."
    ]


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = manage(
        "check",
        "--deploy",
        DEBUG="0",
        SECRET_KEY=random_secret_key(),
        ALLOWED_HOSTS="example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."
    assert "WARNING" not in result.stderr


def test_unreachable_postgres_is_a_one_line_database_error():
    result = manage("migrate", DEBUG="1", DATABASE_URL="postgres://postgres@127.0.0.1:1/x")

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Database error: ")
    assert lines[0].endswith(". Check DATABASE_URL and that the database server runs.")
    assert "port 1 failed: Connection refused" in lines[0]


def test_sqlite_connections_use_wal_journal_and_foreign_keys(db, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip(f"the database is {connection.vendor}, not SQLite")
    # The test database lives in memory, where WAL is impossible: open the configured
    # connection settings on a file instead.
    from django.db.backends.sqlite3.base import DatabaseWrapper

    probe = DatabaseWrapper({**connection.settings_dict, "NAME": str(tmp_path / "probe.sqlite3")})
    try:
        with probe.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            journal_mode = cursor.fetchone()[0]
            cursor.execute("PRAGMA synchronous")
            synchronous = cursor.fetchone()[0]
            cursor.execute("PRAGMA foreign_keys")
            foreign_keys = cursor.fetchone()[0]
    finally:
        probe.close()

    assert journal_mode == "wal"
    assert synchronous == 1  # NORMAL
    assert foreign_keys == 1
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_sqlite_database_of_a_real_run_is_in_wal_mode(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip(f"the database is {connection.vendor}, not SQLite")
    database = tmp_path / "run.sqlite3"
    code = (
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('PRAGMA journal_mode')\n"
        "    print(c.fetchone()[0])\n"
    )

    result = manage("shell", "-c", code, DEBUG="1", DATABASE_URL=f"sqlite:///{database}")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "wal"
