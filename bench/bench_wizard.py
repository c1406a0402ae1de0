"""Benchmark: 20 surveyors entering households through the wizard, against gunicorn.

    .venv/bin/python bench/bench_wizard.py [households] [surveyors] [workers]

Sets up a throw-away SQLite database in a temporary directory (``migrate``,
``collectstatic``, ``setup_demo``: the pilot units, the shipped criteria sets and
the open demo round), creates ``surveyors`` (default 20) surveyor accounts, each
scoped to one commune of the demo round, and starts
``gunicorn config.wsgi -w WORKERS -b 127.0.0.1:PORT`` (default 2 workers) with
production settings (DEBUG=0, HTTPS=0, a random SECRET_KEY).

Then ``surveyors`` threads, each with its own cookie jar (urllib, no third-party
client), log in through the login form and enter ``households`` households in
all (default 100), as a browser would: for each step, GET the page and POST the
form with the CSRF token, follow the redirect to the next step, and finally open
the ``done`` URL, which submits the household. Each household has four members
(a farmer, a civil servant, a child of 10, a person of 68), so every one of the
8 steps is shown. There is no think time: this is the server saturated by 20
people pressing "Next" as fast as it answers.

Reported, per request kind: count, p50 and p95 latency in ms; households submitted
per second over the entry phase; and, in the same run against the same server,
the same figures for a trivial view (GET of the login page): one sample
per household from an anonymous client while the entry runs, then a phase of
the same 20 threads doing only that GET. ``nproc`` is printed.

Only 127.0.0.1 is contacted; every request has a 60 s time-out and the whole run
a deadline, after which the server is stopped and the directory removed.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
ROUND = "thi-diem-2021"  # created by setup_demo
PASSWORD = secrets.token_urlsafe(16)  # of the throw-away accounts
TIMEOUT = 60
DEADLINE = 30 * 60  # seconds for the whole run

MEMBERS = [
    ("Nguyễn Văn An", "male", "1981", "01", "lower_secondary", "nong_dan", "head"),
    ("Trần Thị Bình", "female", "1986", "02", "university", "can_bo", "spouse"),
    ("Nguyễn Minh Châu", "female", "2011", "01", "primary", "", "child"),
    ("Nguyễn Văn Dũng", "male", "1953", "01", "primary", "nong_dan", "parent"),
]
MEMBER_FIELDS = ("full_name", "sex", "birth_year", "ethnicity", "education", "target_group")
MEMBER_FIELDS += ("relationship",)
ADULT = {
    "c1": {
        "info_sources": ["books", "newspapers", "tv_radio", "phone", "internet"],
        "learning_plan": "written_followed",
        "community_sessions_12m": "8",
        "community_venues": ["learning_centre"],
        "encourages_learning": "always",
    },
    "c2": {
        "digital_skills": ["calls_messages", "social_chat", "internet_search", "e_payment"],
        "numeracy": "plans",
        "work_improvement": "recognised",
        "checks_before_sharing": "always",
        "weighs_options": "always",
    },
    "c3": {
        "friendly_relations": "yes",
        "conflict_response": "mediates",
        "community_activities_12m": "7",
        "community_activity_kinds": ["learning_promotion", "charity"],
    },
}
CADRE_C2 = {"foreign_language_level": "work", "foreign_language_certificate": "yes"}
FAMILY = {
    0: {"literacy": "level2", "learning_contents_12m": "3", "applies_learning": "yes"},
    1: {"literacy": "level2", "learning_contents_12m": "2", "applies_learning": "yes"},
    2: {"attends_school": "yes", "school_result": "good", "conduct": "good"},
}
FAMILY[2]["child_polite_active"] = "yes"
HOUSEHOLD_QUESTIONS = {
    "reading_materials": ["books", "newspapers"],
    "internet_access": "yes",
    "learning_devices": ["smartphone", "tv"],
    "study_place": "yes",
    "life_improved": "clear",
}
STEPS = ("household", "members", "c1", "c2", "c3", "family", "household_questions", "review")


def step_data(step: str, *, unit: str, number: int) -> dict[str, object]:
    """The POST body of one step of household ``number``."""
    data: dict[str, object] = {"wizard-current_step": step}
    if step == "household":
        data.update(
            {
                "household-unit": unit,
                "household-village": f"Thôn {number % 9 + 1}",
                "household-address": f"Số {number}",
                "household-head_name": f"Nguyễn Văn An {number}",
                "household-survey_date": "2021-07-15",
            }
        )
    elif step == "members":
        data.update(
            {
                "members-TOTAL_FORMS": str(len(MEMBERS)),
                "members-INITIAL_FORMS": "0",
                "members-MIN_NUM_FORMS": "1",
                "members-MAX_NUM_FORMS": "30",
            }
        )
        for index, member in enumerate(MEMBERS):
            data.update(
                {f"members-{index}-{k}": v for k, v in zip(MEMBER_FIELDS, member, strict=True)}
            )
    elif step in ADULT:
        for index in (0, 1, 3):
            answers = dict(ADULT[step])
            if step == "c2" and index == 1:
                answers.update(CADRE_C2)
            data.update({f"{step}-m{index}-{k}": v for k, v in answers.items()})
    elif step == "family":
        for index, answers in FAMILY.items():
            data.update({f"family-m{index}-{k}": v for k, v in answers.items()})
    elif step == "household_questions":
        data.update({f"household_questions-{k}": v for k, v in HOUSEHOLD_QUESTIONS.items()})
    return data


# The server ---------------------------------------------------------------------------------


def run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [str(PYTHON), "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


CREATE_SURVEYORS = """
import json
from accounts.roles import SURVEYOR
from accounts.services import create_user
from survey.models import Round
communes = sorted(Round.objects.get(code={round!r}).round_units.values_list("unit_id", flat=True))
accounts = []
for i in range({count}):
    unit = communes[i % len(communes)]
    create_user(username=f"bench{{i:02d}}", password={password!r}, role=SURVEYOR,
                unit_keys=[unit], validate_password=False)
    accounts.append([f"bench{{i:02d}}", unit])
print(json.dumps(accounts))
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_healthy(base: str, server: subprocess.Popen, seconds: float = 60) -> None:
    limit = time.monotonic() + seconds
    while time.monotonic() < limit:
        if server.poll() is not None:
            sys.exit("gunicorn stopped before answering")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    sys.exit("gunicorn did not answer /healthz in time")


# A browser, more or less --------------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # a 302 comes back as an HTTPError we read


class Browser:
    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, str, float]:
        """Return (status, Location, body, seconds)."""
        body = None
        if data is not None:
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf()}, True)
            body = body.encode()
        request = urllib.request.Request(self.base + path, data=body)
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=TIMEOUT) as answer:
                text = answer.read().decode()
                status, location = answer.status, ""
        except urllib.error.HTTPError as answer:
            text = answer.read().decode(errors="replace")
            status, location = answer.code, answer.headers.get("Location", "")
        return status, location, text, time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Results:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.samples: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []

    def add(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.samples[kind].append(seconds)

    def fail(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)


def expect(status: int, location: str, wanted: int, what: str, text: str = "") -> None:
    if status != wanted:
        errors = re.findall(r'<p class="error"[^>]*>([^<]*)<', text)[:3]
        raise RuntimeError(f"{what}: HTTP {status} {location} {errors}")


def surveyor(
    base: str, username: str, unit: str, numbers: list[int], results: Results, stop: float
) -> None:
    browser, anonymous = Browser(base), Browser(base)
    try:
        status, _, _, seconds = browser.request("/accounts/login/")
        expect(status, "", 200, "login page")
        status, location, text, seconds = browser.request(
            "/accounts/login/", {"username": username, "password": PASSWORD}
        )
        expect(status, location, 302, f"login {username}", text)
        results.add("login POST", seconds)
        for number in numbers:
            if time.monotonic() > stop:
                raise RuntimeError("deadline reached")
            status, location, _, seconds = browser.request(f"/survey/rounds/{ROUND}/new/", {})
            expect(status, location, 302, "new household")
            results.add("new POST", seconds)
            draft = location.rsplit("/", 2)[0]
            for step in STEPS:
                status, _, text, seconds = browser.request(f"{draft}/{step}/")
                expect(status, "", 200, f"{step} GET", text)
                results.add(f"{step} GET", seconds)
                status, location, text, seconds = browser.request(
                    f"{draft}/{step}/", step_data(step, unit=unit, number=number)
                )
                expect(status, location, 302, f"{step} POST", text)
                results.add(f"{step} POST", seconds)
            status, location, _, seconds = browser.request(f"{draft}/done/")
            expect(status, location, 302, "done")
            if "/survey/responses/" not in location:
                raise RuntimeError(f"submit went to {location}")
            results.add("done GET (submit)", seconds)
            status, _, _, seconds = anonymous.request("/accounts/login/")
            expect(status, "", 200, "login page")
            results.add("login page GET (during entry)", seconds)
    except Exception as exc:  # reported at the end; the other threads go on
        results.fail(f"{username}: {exc}")


def trivial(base: str, count: int, results: Results, stop: float) -> None:
    anonymous = Browser(base)
    try:
        for _ in range(count):
            if time.monotonic() > stop:
                raise RuntimeError("deadline reached")
            status, _, _, seconds = anonymous.request("/accounts/login/")
            expect(status, "", 200, "login page")
            results.add("login page GET (alone)", seconds)
    except Exception as exc:
        results.fail(f"trivial: {exc}")


def report(results: Results, kinds: list[str]) -> None:
    print(f"{'request':34} {'n':>5} {'p50 ms':>8} {'p95 ms':>8}")
    for kind in kinds:
        values = results.samples.get(kind, [])
        if values:
            p50, p95 = percentile(values, 0.5) * 1000, percentile(values, 0.95) * 1000
            print(f"{kind:34} {len(values):5d} {p50:8.1f} {p95:8.1f}")


def main() -> None:
    households = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    surveyors = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    workers = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    stop = time.monotonic() + DEADLINE
    scratch = Path(tempfile.mkdtemp(prefix="bench_wizard_"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "HTTPS": "0",
        "DATABASE_URL": f"sqlite:///{scratch / 'bench.sqlite3'}",
        "STATIC_ROOT": str(scratch / "static"),
        "MEDIA_ROOT": str(scratch / "media"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    server = None
    log = (scratch / "gunicorn.log").open("w")
    try:
        print(f"Setting up {scratch} ...", flush=True)
        run(env, "migrate", "--noinput", "-v", "0")
        run(env, "collectstatic", "--noinput", "-v", "0")
        run(env, "setup_demo")
        accounts = json.loads(
            run(
                env,
                "shell",
                "-v",
                "0",
                "-c",
                CREATE_SURVEYORS.format(round=ROUND, count=surveyors, password=PASSWORD),
            )
            .strip()
            .splitlines()[-1]
        )
        server = subprocess.Popen(
            [str(GUNICORN), "config.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_healthy(base, server)

        results = Results()
        numbers = [list(range(i, households, surveyors)) for i in range(surveyors)]
        threads = [
            threading.Thread(
                target=surveyor, args=(base, name, unit, numbers[i], results, stop), daemon=True
            )
            for i, (name, unit) in enumerate(accounts)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(max(1.0, stop - time.monotonic()))
        entry_seconds = time.perf_counter() - started
        submitted = len(results.samples["done GET (submit)"])

        per_thread = max(1, households * 19 // surveyors)  # as many requests as the entry made
        threads = [
            threading.Thread(target=trivial, args=(base, per_thread, results, stop), daemon=True)
            for _ in range(surveyors)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(max(1.0, stop - time.monotonic()))
        trivial_seconds = time.perf_counter() - started
        trivial_count = len(results.samples["login page GET (alone)"])

        print()
        print(
            f"nproc={os.cpu_count()}  gunicorn workers={workers} (sync)  surveyors={surveyors}  "
            f"households={households}  database=SQLite (WAL)  python={sys.version.split()[0]}"
        )
        print()
        report(
            results,
            [
                "login POST",
                "new POST",
                *(f"{s} {m}" for s in STEPS for m in ("GET", "POST")),
                "done GET (submit)",
                "login page GET (during entry)",
                "login page GET (alone)",
            ],
        )
        wizard = [v for k, vs in results.samples.items() if k.split()[0] in STEPS for v in vs]
        print()
        if wizard:
            print(
                f"all wizard step requests: n={len(wizard)}  "
                f"p50={percentile(wizard, 0.5) * 1000:.1f} ms  "
                f"p95={percentile(wizard, 0.95) * 1000:.1f} ms"
            )
        print(
            f"households submitted: {submitted} in {entry_seconds:.1f} s = "
            f"{submitted / entry_seconds:.2f} households/s "
            f"({(submitted * 19) / entry_seconds:.1f} requests/s)"
        )
        print(
            f"trivial view alone: {trivial_count} GETs in {trivial_seconds:.1f} s = "
            f"{trivial_count / trivial_seconds:.1f} requests/s"
        )
        if results.errors:
            print(f"\n{len(results.errors)} errors, first ones:")
            for error in results.errors[:5]:
                print(f"  {error}")
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
