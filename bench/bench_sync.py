"""Benchmark: devices sending their queued households to the sync API, against gunicorn.

    .venv/bin/python bench/bench_sync.py [households] [devices] [workers] [--sqlite]

Sets up a throw-away database (PostgreSQL on 127.0.0.1:5432, a database made for the
run and dropped after it; SQLite in a temporary directory with ``--sqlite``): migrate,
``setup_demo``, then ``devices`` (default 20) surveyor accounts with API tokens, one
commune of the open demo round each. The households to send (default 200) are drawn by
the demo generator (``generate_round`` on a scratch round of the throw-away database,
read back as API payloads), so they are valid as the web form checks them. gunicorn serves with
production settings and ``workers`` (default 2) sync workers.

Each device thread sends its outbox as a phone coming back online would: one POST per
household with the UUID it gave it. One send in ten is "lost" (the answer never reached
the phone) and sent again at once; at the end every device sends its whole outbox again,
unsure of what arrived. Reported: the total time, requests per household, p50/p95 of
a household's first send, the answers by status, and the duplicates in the database
(responses with the same UUID, and responses beyond the households sent): both must be 0.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_wizard import GUNICORN, ROOT, free_port, run, wait_healthy

ROUND = "thi-diem-2021"  # the open demo round
TIMEOUT = 60
PG = "postgres://postgres@127.0.0.1:5432/"
REFUSALS: dict[int, str] = {}  # the first refusal of each status, shown in the report

SETUP = """
import json, uuid
from rest_framework.authtoken.models import Token
from accounts.roles import SURVEYOR
from accounts.services import create_user
from criteria.selectors import spec_of
from demo.services import generate_round
from survey.models import HouseholdResponse, Round
from survey.shape import MEMBER_FIELDS
target = Round.objects.get(code={round!r})
communes = sorted(target.round_units.values_list("unit_id", flat=True))
devices = []
for i in range({devices}):
    unit = communes[i % len(communes)]
    user = create_user(username=f"may{{i:02d}}", password="x", role=SURVEYOR, unit_keys=[unit],
                       validate_password=False)
    devices.append({{"token": Token.objects.create(user=user).key, "unit": unit}})
scratch = generate_round(code="bench-sync-src", households={households}, seed=11,
                         unit_keys=sorted({{d["unit"] for d in devices}})).round
# Scored by the reviewer, never sent by a surveyor's device.
sets = [s for s in (target.citizen_set, target.household_set) if s]
reviewer = {{q.code for s in sets for q in spec_of(criteria_set=s).questions if q.reviewer_only}}
payloads = []
for response in HouseholdResponse.objects.filter(round=scratch).prefetch_related("members"):
    payloads.append({{
        "unit": response.unit_id,
        "household": {{"unit": response.unit_id, "village": response.village,
                      "address": response.address, "head_name": response.head_name,
                      "survey_date": target.starts_on.isoformat()}},
        "answers": {{k: v for k, v in response.answers.items() if k not in reviewer}},
        "members": [{{**{{f: getattr(m, f) for f in MEMBER_FIELDS}},
                     "answers": {{k: v for k, v in m.answers.items() if k not in reviewer}}}}
                    for m in response.members.order_by("position")],
    }})
print(json.dumps({{"devices": devices, "payloads": payloads}}))
"""

COUNT = """
from django.db.models import Count
from survey.models import HouseholdResponse
rows = HouseholdResponse.objects.filter(round__code={round!r}, source_draft__isnull=False)
doubled = rows.values("source_draft").annotate(n=Count("pk")).filter(n__gt=1).count()
print(rows.count(), doubled)
"""


def post(base: str, token: str, body: dict) -> tuple[int, float]:
    request = urllib.request.Request(
        f"{base}/api/v1/rounds/{ROUND}/households/",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        method="POST",
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
            answer.read()
            status = answer.status
    except urllib.error.HTTPError as refused:
        body = refused.read()
        status = refused.code
        REFUSALS.setdefault(status, body.decode(errors="replace")[:400])
    return status, time.perf_counter() - started


def device(base: str, token: str, outbox: list[dict], seed: int, log: dict) -> None:
    rng = random.Random(seed)
    for body in outbox:
        status, seconds = post(base, token, body)
        with log["lock"]:
            log["first"].append(seconds)
            log["statuses"][status] += 1
            log["requests"] += 1
        if rng.random() < 0.1:  # the answer was lost: send the same household again
            status, _ = post(base, token, body)
            with log["lock"]:
                log["statuses"][f"{status} (resent)"] += 1
                log["requests"] += 1
    for body in outbox:  # unsure of what arrived: the whole outbox again
        status, _ = post(base, token, body)
        with log["lock"]:
            log["statuses"][f"{status} (outbox again)"] += 1
            log["requests"] += 1


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    households = int(args[0]) if args else 200
    devices = int(args[1]) if len(args) > 1 else 20
    workers = int(args[2]) if len(args) > 2 else 2
    sqlite = "--sqlite" in sys.argv
    scratch = Path(tempfile.mkdtemp(prefix="bench_sync_"))
    database = f"bench_sync_{secrets.token_hex(4)}"
    url = f"sqlite:///{scratch / 'bench.sqlite3'}" if sqlite else PG + database
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "HTTPS": "0",
        "DATABASE_URL": url,
        "STATIC_ROOT": str(scratch / "static"),
        "MEDIA_ROOT": str(scratch / "media"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    server = None
    try:
        if not sqlite:
            subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", database], check=True)
        print(f"Setting up ({'SQLite' if sqlite else 'PostgreSQL ' + database}) ...", flush=True)
        run(env, "migrate", "--noinput", "-v", "0")
        run(env, "setup_demo")
        setup = SETUP.format(round=ROUND, devices=devices, households=households)
        made = json.loads(run(env, "shell", "-v", "0", "-c", setup).strip().splitlines()[-1])
        outboxes: list[list[dict]] = [[] for _ in made["devices"]]
        units = [d["unit"] for d in made["devices"]]
        for payload in made["payloads"]:
            owner = units.index(payload.pop("unit"))
            outboxes[owner].append({"id": str(uuid.uuid4()), **payload})
        with (scratch / "gunicorn.log").open("w") as log_file:
            server = subprocess.Popen(
                [str(GUNICORN), "config.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}"],
                cwd=ROOT,
                env=env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
            wait_healthy(base, server)
            log = {"lock": threading.Lock(), "first": [], "statuses": Counter(), "requests": 0}
            threads = [
                threading.Thread(target=device, args=(base, d["token"], outboxes[i], i, log))
                for i, d in enumerate(made["devices"])
            ]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            seconds = time.perf_counter() - started
        recorded, doubled = map(
            int, run(env, "shell", "-v", "0", "-c", COUNT.format(round=ROUND)).split()
        )
        sent = sum(len(o) for o in outboxes)
        print()
        print(
            f"nproc={os.cpu_count()}  gunicorn workers={workers} (sync)  devices={devices}  "
            f"households={sent}  database={'SQLite (WAL)' if sqlite else 'PostgreSQL'}"
        )
        print(f"total time: {seconds:.1f} s ({sent / seconds:.1f} households/s)")
        print(f"requests per household: {log['requests'] / sent:.2f}")
        first = log["first"]
        print(
            f"first send of a household: p50 {percentile(first, 0.5) * 1000:.0f} ms, "
            f"p95 {percentile(first, 0.95) * 1000:.0f} ms"
        )
        print(
            "answers: "
            + ", ".join(f"{k}: {v}" for k, v in sorted(log["statuses"].items(), key=str))
        )
        print(f"responses recorded: {recorded} of {sent} sent")
        for code, body in sorted(REFUSALS.items()):
            print(f"first {code} answer: {body}")
        print(
            f"duplicates: {doubled} UUIDs recorded twice, {max(0, recorded - sent)} extra (bound 0)"
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait(30)
        if not sqlite:
            subprocess.run(
                ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", database],
                check=False,
            )
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
