"""Load benchmark: 50 surveyors submitting households through the wizard at once, with
province reports read meanwhile, against gunicorn and PostgreSQL.

    .venv/bin/python bench/bench_load.py [--households 100] [--surveyors 50]
        [--workers 2] [--threads 4] [--port 8765] [--reports 20] [--background 2000]
        [--think 0]
        [--database postgres://postgres@127.0.0.1:5432/h_security_load]

Bounded: only 127.0.0.1 is contacted, the number of requests is fixed (each of the
``households`` households is 19 requests: new, GET and POST of 8 steps, done), every
request has a 60 s time-out and the run a 30-minute deadline, after which the server is
stopped. The database named in ``--database`` is DROPPED and created again (it must be
a throw-away database of yours), then ``migrate``, ``collectstatic``, ``setup_demo``
(the demo round ``thi-diem-2021``) and ``generate_round`` (``--background`` synthetic
households in that round, so the reports have something to add up).

``surveyors`` threads (urllib, one cookie jar each; the code of bench/bench_wizard.py)
log in and enter the households as a browser would: without think time by default (the
server saturated: latency is then mostly queueing), or with ``--think S``, a random pause
of mean S seconds before each form is posted, as people reading and typing. With
``--reports N`` (default 20), one more thread logs in as province staff and, while the
entry runs, reads N times the round's province overview and its indicators page (the
``summarise_round`` code path of every figure): a stand-in for the provincial export.

Reported: households per second and requests per second over the entry, p50/p95 of
each kind of request and of all wizard requests, errors, and the check that every
household submitted is in the database exactly once (rows by the bench surveyors vs
submits answered with the response's page; no head name twice). ``nproc`` is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_wizard as wizard

ROOT = wizard.ROOT
ROUND = wizard.ROUND
DEADLINE = 30 * 60

CREATE_PROVINCE_STAFF = """
from accounts.roles import PROVINCE_STAFF
from accounts.services import create_user
create_user(username="benchtinh", password={password!r}, role=PROVINCE_STAFF,
            unit_keys=["15@2020-02-01"], validate_password=False)
"""

COUNT = """
import json
from django.db.models import Count
from survey.models import HouseholdResponse
mine = HouseholdResponse.objects.filter(
    round__code={round!r}, surveyor__username__startswith="bench"
)
names = mine.values("head_name").annotate(n=Count("id"))
print(json.dumps({{
    "rows": mine.count(),
    "distinct_names": names.count(),
    "repeated_names": sorted(r["head_name"] for r in names if r["n"] > 1)[:10],
    "members": sum(r.members.count() for r in mine),
}}))
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=100)
    parser.add_argument("--surveyors", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (gthread)")
    parser.add_argument("--port", type=int, default=8765, help="first port tried (8765+)")
    parser.add_argument("--reports", type=int, default=20, help="report reads (0: none)")
    parser.add_argument("--background", type=int, default=2000, help="synthetic households")
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean seconds a surveyor spends on a page before posting it (0: none)",
    )
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/h_security_load")
    args = parser.parse_args()
    if not args.database.startswith(("postgres://", "postgresql://")):
        parser.error("--database must be a postgres:// URL of a throw-away database")
    return args


def recreate_database(url: str) -> None:
    """Drop and create the (throw-away) database of ``url``."""
    import psycopg

    parts = urllib.parse.urlparse(url)
    name = parts.path.lstrip("/")
    if not name or name in {"postgres", "template0", "template1", "test"}:
        sys.exit(f"refusing to drop the database {name!r}")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def port_from(first: int) -> int:
    for port in range(first, first + 50):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    sys.exit(f"no free port in {first}..{first + 49}")


def reader(base: str, password: str, count: int, results, done: threading.Event, stop: float):
    """Province staff reading the overview and the indicators page while the entry runs."""
    browser = wizard.Browser(base)
    try:
        status, _, _, _ = browser.request("/accounts/login/")
        wizard.expect(status, "", 200, "login page")
        status, location, text, _ = browser.request(
            "/accounts/login/", {"username": "benchtinh", "password": password}
        )
        wizard.expect(status, location, 302, "login benchtinh", text)
        for number in range(count):
            if time.monotonic() > stop:
                raise RuntimeError("deadline reached")
            for kind, path in (
                ("report overview GET", f"/reports/{ROUND}/?level=commune"),
                ("report indicators GET", f"/reports/{ROUND}/indicators/"),
            ):
                status, _, text, seconds = browser.request(path)
                wizard.expect(status, "", 200, kind, text)
                results.add(kind, seconds)
            if done.is_set() and number >= 1:
                break  # the entry is over: no more load to overlap with
    except Exception as exc:
        results.fail(f"reports: {exc}")


def with_think_time(mean: float) -> None:
    """Make every simulated person pause before each POST (not counted in its latency)."""
    answer = wizard.Browser.request
    draw = random.Random(8)

    def request(self, path: str, data: dict | None = None):
        if data is not None:
            time.sleep(draw.expovariate(1 / mean))
        return answer(self, path, data)

    wizard.Browser.request = request


def main() -> None:
    args = parse_args()
    stop = time.monotonic() + DEADLINE
    wizard.PASSWORD = password = secrets.token_urlsafe(16)
    if args.think:
        with_think_time(args.think)
    scratch = Path(tempfile.mkdtemp(prefix="bench_load_"))
    port = port_from(args.port)
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "HTTPS": "0",
        "DATABASE_URL": args.database,
        "STATIC_ROOT": str(scratch / "static"),
        "MEDIA_ROOT": str(scratch / "media"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "LOG_LEVEL": "WARNING",
    }
    server = None
    log = (scratch / "gunicorn.log").open("w")
    try:
        print(f"Setting up {args.database.rsplit('/', 1)[-1]} and {scratch} ...", flush=True)
        recreate_database(args.database)
        wizard.run(env, "migrate", "--noinput", "-v", "0")
        wizard.run(env, "collectstatic", "--noinput", "-v", "0")
        wizard.run(env, "setup_demo")
        if args.background:
            wizard.run(
                env, "generate_round", ROUND, "--households", str(args.background), "--seed", "8"
            )
        accounts = json.loads(
            wizard.run(
                env,
                "shell",
                "-v",
                "0",
                "-c",
                wizard.CREATE_SURVEYORS.format(
                    round=ROUND, count=args.surveyors, password=password
                ),
            )
            .strip()
            .splitlines()[-1]
        )
        wizard.run(env, "shell", "-c", CREATE_PROVINCE_STAFF.format(password=password))
        server = subprocess.Popen(
            [
                str(wizard.GUNICORN),
                "config.wsgi",
                "-w",
                str(args.workers),
                "--threads",
                str(args.threads),
                "-b",
                f"127.0.0.1:{port}",
                "--timeout",
                "120",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wizard.wait_healthy(base, server)

        results = wizard.Results()
        entry_over = threading.Event()
        numbers = [list(range(i, args.households, args.surveyors)) for i in range(args.surveyors)]
        threads = [
            threading.Thread(
                target=wizard.surveyor,
                args=(base, name, unit, numbers[i], results, stop),
                daemon=True,
            )
            for i, (name, unit) in enumerate(accounts)
        ]
        report_thread = None
        if args.reports:
            report_thread = threading.Thread(
                target=reader,
                args=(base, password, args.reports, results, entry_over, stop),
                daemon=True,
            )
        started = time.perf_counter()
        if report_thread is not None:
            report_thread.start()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(max(1.0, stop - time.monotonic()))
        entry_seconds = time.perf_counter() - started
        entry_over.set()
        if report_thread is not None:
            report_thread.join(max(1.0, stop - time.monotonic()))
        submitted = len(results.samples["done GET (submit)"])
        stored = json.loads(
            wizard.run(env, "shell", "-v", "0", "-c", COUNT.format(round=ROUND))
            .strip()
            .splitlines()[-1]
        )

        kinds = [
            "login POST",
            "new POST",
            *(f"{s} {m}" for s in wizard.STEPS for m in ("GET", "POST")),
            "done GET (submit)",
            "login page GET (during entry)",
            "report overview GET",
            "report indicators GET",
        ]
        print()
        print(
            f"nproc={os.cpu_count()} (shared with other work)  gunicorn workers={args.workers} "
            f"x {args.threads} threads  surveyors={args.surveyors}  "
            f"households={args.households}  background households={args.background}  "
            f"report reads={args.reports}  think time={args.think:g} s  database=PostgreSQL  "
            f"python={sys.version.split()[0]}"
        )
        print()
        wizard.report(results, kinds)
        steps = [
            v
            for k, vs in results.samples.items()
            if k.split()[0] in (*wizard.STEPS, "new", "done")
            for v in vs
        ]
        everything = [v for vs in results.samples.values() for v in vs]
        print()
        if steps:
            print(
                f"all wizard requests: n={len(steps)}  "
                f"p50={wizard.percentile(steps, 0.5) * 1000:.1f} ms  "
                f"p95={wizard.percentile(steps, 0.95) * 1000:.1f} ms"
            )
        print(
            f"all requests: n={len(everything)} in {entry_seconds:.1f} s = "
            f"{len(everything) / entry_seconds:.1f} requests/s"
        )
        print(
            f"households submitted: {submitted} of {args.households} in {entry_seconds:.1f} s "
            f"= {submitted / entry_seconds:.2f} households/s"
        )
        lost = submitted - stored["rows"]
        duplicated = stored["rows"] - stored["distinct_names"]
        print(
            f"in the database: {stored['rows']} households by the bench surveyors, "
            f"{stored['members']} members; lost={max(lost, 0)} extra={max(-lost, 0)} "
            f"duplicated={duplicated} {stored['repeated_names'] or ''}"
        )
        print(f"errors: {len(results.errors)}")
        for error in results.errors[:5]:
            print(f"  {error}")
        if results.errors or lost or duplicated or submitted != args.households:
            sys.exit(1)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        log.close()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
