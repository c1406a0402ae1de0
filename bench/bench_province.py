"""Benchmark: a province-scale round (250,000 households, ≈ 1,000,000 members).

    .venv/bin/python bench/bench_province.py [--households N] [--seed S]
        [--database-url URL] [--reuse] [--skip-rescore]

Generates (or, with ``--reuse``, reuses) the synthetic round ``tinh-2021`` with
``manage.py generate_round``'s code on its own database (default: the SQLite file
``/tmp/cdht-bench.sqlite3``; give ``--database-url postgres://...`` for PostgreSQL —
the database is created if missing) and prints, each beside its lower bound:

(a) scoring every member of the round with the engine (``compile_spec`` +
    ``score_member_with``, answers already in memory) vs ``bench.vectorized``
    (numpy, the same indicator points only, columns laid out beforehand); then the
    whole ``rescore`` (read answers, score members and households, write the rows,
    build the aggregates), rolled back afterwards. Goal: engine within 5× of numpy is
    not expected for full results (see bench_scoring.py); rescore under 60 s.
(b) the province summary by commune (``summarise_round``, the pages' code path, from
    the kept-current aggregates) vs a hand-written SQL ``GROUP BY`` over the member
    rows (nine aggregates per commune), and the overview page's server time
    (Django test client, session and middleware included). Goal: < 300 ms.
(c) server time of a unit page (a commune, a district, the province) and of the
    comparison page (the two pilot districts). Goal: < 300 ms.

Timings are medians of several runs after one warm-up. The CPU calibration line and
``nproc`` are printed because these shared machines are noisy: compare ratios
measured in one run rather than absolute seconds.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import sys
import time
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CODE = "tinh-2021"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=250_000)
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--database-url", default="sqlite:////tmp/cdht-bench.sqlite3")
    parser.add_argument("--reuse", action="store_true", help="keep an existing round")
    parser.add_argument("--skip-rescore", action="store_true")
    parser.add_argument("--skip-scoring", action="store_true", help="skip (a) scoring")
    parser.add_argument("--repeat", type=int, default=5)
    return parser.parse_args()


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DEBUG", "1")  # a development secret key; query logging is off below
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    if url.startswith("postgres"):
        import psycopg

        base, _, name = url.rpartition("/")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')
    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False  # no query log, no template debug: production-like timings


def median_ms(function, repeat: int) -> tuple[float, float]:
    """(median wall ms, median CPU ms of this process) after a warm-up.

    The CPU time leaves out the waits for a core on a busy machine (SQLite runs in this
    process, so its work is counted); PostgreSQL's work is in the server, so compare wall
    times there."""
    function()  # warm-up
    walls, cpus = [], []
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        function()
        walls.append((time.perf_counter() - started) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    args = parse_args()
    setup_django(args.database_url)
    from django.core.management import call_command
    from django.db import connection, transaction

    from demo.services import generate_round
    from scoring.models import MemberScore, ScoreAggregate, ScoringRun
    from scoring.services import install_default_targets
    from survey.models import HouseholdResponse, MemberResponse, Round

    calibration = min(timeit.repeat("sum(range(1000))", number=2000, repeat=5)) / 2000 * 1e6
    print(f"python {platform.python_version()}, nproc {os.cpu_count()}, {connection.vendor}")
    print(f"calibration: sum(range(1000)) = {calibration:.1f} µs (≈ 8–10 µs on a recent desktop)")

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    install_default_targets()
    print(f"setup (migrate, reference data): {time.perf_counter() - started:.1f} s")

    round_ = Round.objects.filter(code=CODE).first()
    if round_ is not None and not args.reuse:
        sys.exit(f"round {CODE} exists: pass --reuse, or remove the database")
    if round_ is None:
        from scoring.console import ProgressBar

        result = generate_round(
            code=CODE,
            households=args.households,
            seed=args.seed,
            progress=ProgressBar(sys.stdout, "generate", interval=5.0),
        )
        round_ = result.round
        timings = ", ".join(f"{k} {v:.0f} s" for k, v in result.timings.items())
        print(
            f"generate_round: {result.households:,} households, {result.members:,} members "
            f"in {result.seconds:.0f} s ({timings})"
        )
    households = HouseholdResponse.objects.filter(round=round_).count()
    members = MemberResponse.objects.filter(response__round=round_).count()
    primary = ScoringRun.objects.get(round=round_, kind="primary", based_on__isnull=True)
    assessed = MemberScore.objects.filter(run=primary).count()
    cells = ScoreAggregate.objects.filter(run=primary).count()
    print(
        f"round {CODE}: {households:,} households, {members:,} members, {assessed:,} assessed "
        f"(score rows); {cells:,} aggregate cells in the citizen run"
    )

    if not args.skip_scoring:
        bench_scoring(round_, primary)
    if not args.skip_rescore:
        bench_rescore(round_, transaction, workers=0)
        bench_rescore(round_, transaction, workers=None)
    bench_summary(round_, primary, args.repeat)
    bench_pages(round_, args.repeat)


def bench_scoring(round_, primary) -> None:
    """(a) The engine over every assessed member vs the numpy lower bound."""
    from bench import vectorized
    from criteria.selectors import spec_of
    from scoring.batch import read_chunk
    from scoring.engine import MemberProfile, compile_spec, score_member_with
    from survey.models import HouseholdResponse

    spec = spec_of(criteria_set=round_.citizen_set)
    groups = {g.code for g in spec.target_groups}
    started = time.perf_counter()
    ids = list(
        HouseholdResponse.objects.filter(round=round_).order_by("id").values_list("id", flat=True)
    )
    rows = []
    for n in range(0, len(ids), 5000):  # id ranges, as the rescore reads (scoring.batch)
        chunk = read_chunk(round_.pk, ids[n], ids[min(n + 5000, len(ids)) - 1])
        rows.extend(
            (group, age, sex, json.loads(answers) if answers else {})
            for _response, _id, group, sex, age, _ethnicity, answers in chunk.members
            if group in groups
        )
    read_s = time.perf_counter() - started
    profiles = [MemberProfile(group, age, sex) for group, age, sex, _ in rows]
    answers = [row[3] for row in rows]
    del rows
    gc.collect()
    gc.freeze()
    plan = compile_spec(spec)
    started = time.perf_counter()
    recognised = 0
    for profile, record in zip(profiles, answers, strict=True):
        if score_member_with(plan, profile, record).recognised:
            recognised += 1
    engine_s = time.perf_counter() - started
    started = time.perf_counter()
    columns = vectorized.encode(spec, [p.target_group for p in profiles], answers)
    encode_s = time.perf_counter() - started
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        points = vectorized.indicator_points(spec, columns)
        best = min(best, time.perf_counter() - started)
    count = len(profiles)
    print(f"\n(a) scoring {count:,} members under {spec.code} v{spec.version}")
    print(f"    read answers (values_list by id range, JSON decoded): {read_s:6.1f} s")
    print(
        f"    engine, full results:  {engine_s:6.1f} s = {engine_s / count * 1e6:6.2f} µs/member "
        f"({recognised:,} recognised)"
    )
    print(
        f"    numpy, points of {len(points)} indicators: {best:6.2f} s = "
        f"{best / count * 1e6:6.3f} µs/member; laying out the columns apart: {encode_s:.1f} s"
    )
    print(f"    ratio engine / numpy: {engine_s / best:.0f}×")
    gc.unfreeze()
    del profiles, answers, columns
    gc.collect()


def bench_rescore(round_, transaction, workers: int | None) -> None:
    from scoring.batch import default_workers
    from scoring.services import rescore_round

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            result = rescore_round(round_=round_, note="benchmark", workers=workers)
            raise Rollback
    except Rollback:
        pass
    timings = ", ".join(f"{k} {v:.1f} s" for k, v in result.timings.items())
    count = default_workers() if workers is None else workers
    print(
        f"    rescore, {count} scoring worker(s) (whole round, new runs, rolled back after): "
        f"{result.seconds:.1f} s for "
        f"{result.households:,} households and {result.members:,} members ({timings}); "
        "goal < 60 s"
    )


def bench_summary(round_, primary, repeat: int) -> None:
    """(b) The summary by commune vs a hand-written GROUP BY over the member rows."""
    from django.db import connection

    from scoring.aggregation import summarise_round
    from scoring.models import MemberScore

    summary_ms, summary_cpu = median_ms(
        lambda: summarise_round(round_=round_, level="commune"), repeat
    )
    table = MemberScore._meta.db_table
    true = "TRUE" if connection.vendor == "postgresql" else "1"
    sql = f"""
        SELECT unit_id, COUNT(*),
          SUM(CASE WHEN recognised = {true} THEN 1 ELSE 0 END),
          SUM(CASE WHEN recognised IS NULL THEN 1 ELSE 0 END),
          AVG(total),
          AVG(p01), AVG(p05),
          SUM(CASE WHEN p05 >= 5 THEN 1 ELSE 0 END),
          SUM(CASE WHEN age >= 15 AND recognised = {true} THEN 1 ELSE 0 END),
          SUM(CASE WHEN target_group IN ('can_bo', 'can_bo_dn') THEN 1 ELSE 0 END)
        FROM {table} WHERE run_id = %s GROUP BY unit_id
    """  # noqa: S608

    def group_by() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, [primary.pk])
            cursor.fetchall()

    sql_ms, sql_cpu = median_ms(group_by, max(2, repeat // 2))
    figures = summarise_round(round_=round_, level="commune")
    print(f"\n(b) province summary by commune ({len(figures.areas)} communes)")
    print(
        f"    summarise_round (aggregates):  wall {summary_ms:7.1f} ms, CPU {summary_cpu:7.1f} ms"
    )
    print(f"    SQL GROUP BY over member rows: wall {sql_ms:7.1f} ms, CPU {sql_cpu:6.1f} ms")
    print(f"    ratio: {sql_ms / summary_ms:.0f}× faster than the bound")


def bench_pages(round_, repeat: int) -> None:
    """(b, c) Server time of the pages through Django's test client."""
    from django.test import Client

    from accounts.roles import COMMITTEE, PROVINCE_STAFF
    from accounts.services import create_user

    staff = create_user(
        username="bench-tinh",
        password="bench-mat-khau-2025",  # noqa: S106
        role=PROVINCE_STAFF,
        unit_keys=["15@2020-02-01"],
        validate_password=False,
    )
    committee = create_user(
        username="bench-bcd",
        password="bench-mat-khau-2025",  # noqa: S106
        role=COMMITTEE,
        unit_keys=["15@2020-02-01"],
        validate_password=False,
    )
    pages = [
        ("overview (communes)", staff, f"/reports/{CODE}/"),
        (
            "overview (districts, by group)",
            staff,
            f"/reports/{CODE}/?level=district&breakdown=target_group",
        ),
        ("overview (2025 units)", staff, f"/reports/{CODE}/?hierarchy=2025"),
        ("unit: commune Nga Quán", staff, f"/reports/{CODE}/units/04528@2020-02-01/"),
        ("unit: district Trấn Yên", staff, f"/reports/{CODE}/units/138@2020-02-01/"),
        ("unit: province", staff, f"/reports/{CODE}/units/15@2020-02-01/"),
        ("indicators", staff, f"/reports/{CODE}/indicators/"),
        (
            "compare: two districts",
            committee,
            f"/reports/compare/?item={CODE}:132@2020-02-01&item={CODE}:138@2020-02-01",
        ),
        (
            "compare: commune vs 2025 unit",
            committee,
            f"/reports/compare/?item={CODE}:04528@2020-02-01&item={CODE}:04273@2025-07-01",
        ),
    ]  # fmt: skip
    print("\n(b, c) page server time (test client; medians after a warm-up; goal < 300 ms)")
    for label, user, url in pages:
        client = Client()
        client.force_login(user)
        status = []

        def get(client=client, url=url, status=status) -> None:
            status.append(client.get(url).status_code)

        wall, cpu = median_ms(get, repeat)
        print(f"    {label:34s} wall {wall:7.1f} ms, CPU {cpu:7.1f} ms  [{status[-1]}]")


if __name__ == "__main__":
    main()
