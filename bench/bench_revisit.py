"""Benchmark: finding and starting revisits of a synthetic 2021 round in a 2025 round.

    .venv/bin/python bench/bench_revisit.py [households] [seed]

Builds a throw-away SQLite database (migrated, reference data), generates a 2021 round
of ``households`` (default 10,000) synthetic households on the 36 pilot-era communes
(``demo.services.generate_round``), opens a 2025 round on Phường Nam Cường (which
covers five of those communes after the 2024 and 2025 reorganisations) and, as one
surveyor of Nam Cường through Django's test client (the whole request: middleware,
scope, queries, template), times in milliseconds (median and p95 of ``REPEATS``):

* the revisit page (first page of 50 of every earlier household leading to Nam Cường);
* a search by name without accents, and by village;
* starting a revisit (POST) and opening its household and members steps.

Prints the number of candidate households, the queries of each request and ``nproc``.
To time PostgreSQL, point ``DATABASE_URL`` at an empty scratch database.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from anywhere
SCRATCH = Path(tempfile.mkdtemp(prefix="bench_revisit_"))
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{SCRATCH / 'bench.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

settings.DEBUG = False  # no SQL formatting for the query log, as in production
settings.ALLOWED_HOSTS = ["testserver"]

from datetime import date  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.roles import SURVEYOR  # noqa: E402
from accounts.services import create_user  # noqa: E402
from criteria.selectors import find_version  # noqa: E402
from demo.services import generate_round  # noqa: E402
from survey.models import Draft, Round  # noqa: E402
from survey.revisit import revisit_candidates  # noqa: E402
from survey.rounds import create_round  # noqa: E402
from units.text import plain_key  # noqa: E402

NAM_CUONG_2025 = "04273@2025-07-01"
REPEATS = 20


def timed(label: str, request) -> None:
    """Run ``request`` REPEATS times; print the median and p95 in ms and its queries."""
    samples = []
    for _ in range(REPEATS):
        began = time.perf_counter()
        request()
        samples.append((time.perf_counter() - began) * 1000)
    with CaptureQueriesContext(connection) as queries:
        request()
    p95 = statistics.quantiles(samples, n=20)[-1]
    print(
        f"{label:<44} p50 {statistics.median(samples):7.1f} ms  p95 {p95:7.1f} ms  "
        f"{len(queries):3d} queries"
    )


def main() -> None:
    households = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    print(f"nproc {os.cpu_count()}, database {connection.vendor}, {households:,} households")
    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    began = time.perf_counter()
    generate_round(code="r2021", households=households, seed=seed, status=Round.Status.CLOSED)
    print(f"generated the 2021 round in {time.perf_counter() - began:.1f} s")
    round_ = create_round(
        code="r2025",
        name="Đợt 2025",
        citizen_set=find_version(code="CDHT", version=2),
        household_set=find_version(code="GDHT", version=1),
        starts_on=date(2025, 8, 1),
        ends_on=date(2025, 12, 31),
        planned={NAM_CUONG_2025: 1000},
        status=Round.Status.OPEN,
    )
    user = create_user(
        username="dtv_nam_cuong",
        password="bench-only-password-1",  # noqa: S106
        role=SURVEYOR,
        unit_keys=[NAM_CUONG_2025],
        validate_password=False,
    )
    candidates = revisit_candidates(user=user, round_=round_)
    first = candidates.order_by("head_name").first()
    print(f"households of 2021 that lead to Phường Nam Cường: {candidates.count():,}")
    client = Client()
    client.force_login(user)
    url = "/survey/rounds/r2025/revisit/"

    def ok(response) -> None:
        assert response.status_code in (200, 302), response.status_code

    timed("revisit page (50 of all)", lambda: ok(client.get(url)))
    name = plain_key(first.head_name.split()[-1])
    timed(f"search by name without accents ({name!r})", lambda: ok(client.get(url, {"q": name})))
    timed("filter by village", lambda: ok(client.get(url, {"village": first.village})))

    def start() -> None:
        Draft.objects.all().delete()
        response = client.post(f"{url}{first.household_id}/")
        assert response.status_code == 302, response.status_code

    timed("start a revisit (POST)", start)
    draft = Draft.objects.get()
    base = f"/survey/drafts/{draft.pk}"
    timed("household step (GET)", lambda: ok(client.get(f"{base}/household/")))
    timed("members step (GET)", lambda: ok(client.get(f"{base}/members/")))


if __name__ == "__main__":
    try:
        main()
    finally:
        connection.close()
        shutil.rmtree(SCRATCH, ignore_errors=True)
