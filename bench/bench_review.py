"""Benchmark: review of a commune (bulk verify, lock) and the approved-only figures.

    .venv/bin/python bench/bench_review.py [--households N] [--database-url URL]

On a fresh database (default: the SQLite file ``/tmp/cdht-bench-review.sqlite3``,
removed first) generates a synthetic round of N households over the 36 pilot-era
communes, then prints:

(a) bulk verify of every household of the largest commune (one transaction: a history
    row, an audit entry and the re-recorded scores per household): total and per
    household; then the lock of that commune (which approves them all);
(b) ``summarise_round`` by commune with every counted status vs approved only, and the
    pending count the report pages add.

Only figures are printed; nothing is asserted. ``nproc`` is printed because these
shared machines are noisy.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_province import setup_django  # noqa: E402

CODE = "review-bench"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default="sqlite:////tmp/cdht-bench-review.sqlite3")
    args = parser.parse_args()
    if args.database_url.startswith("sqlite:///"):
        Path(args.database_url.removeprefix("sqlite://")).unlink(missing_ok=True)
    setup_django(args.database_url)
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count

    from accounts.roles import COMMUNE_STAFF, PROVINCE_STAFF
    from accounts.services import create_user
    from audit.models import AuditEntry
    from demo.services import generate_round
    from flows.review import bulk_transition, lock_unit
    from scoring.aggregation import summarise_round
    from scoring.definitions import COUNTED_STATUSES
    from survey.models import HouseholdResponse, ResponseStatus

    print(f"nproc {os.cpu_count()}, {connection.vendor}")
    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    result = generate_round(code=CODE, households=args.households, seed=args.seed)
    round_ = result.round
    print(f"generate_round: {result.households:,} households in {result.seconds:.0f} s")

    largest = (
        HouseholdResponse.objects.filter(round=round_)
        .values("unit_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    unit_key, count = largest["unit_id"], largest["n"]
    officer = create_user(
        username="bench-xa",
        password=secrets.token_urlsafe(),
        role=COMMUNE_STAFF,
        unit_keys=[unit_key],
        validate_password=False,
    )
    province = create_user(
        username="bench-tinh",
        password=secrets.token_urlsafe(),
        role=PROVINCE_STAFF,
        unit_keys=["15@2020-02-01"],
        validate_password=False,
    )
    listed = HouseholdResponse.objects.filter(round=round_, unit_id=unit_key)
    audit_before = AuditEntry.objects.count()
    started = time.perf_counter()
    moved = bulk_transition(
        user=officer, responses=listed, target=ResponseStatus.VERIFIED, expected=count
    )
    seconds = time.perf_counter() - started
    print(
        f"(a) bulk verify of {moved} households of {unit_key}: {seconds:.2f} s "
        f"({seconds / moved * 1000:.1f} ms per household, "
        f"{AuditEntry.objects.count() - audit_before} audit entries)"
    )
    started = time.perf_counter()
    lock_unit(user=province, round_=round_, unit_key=unit_key)
    seconds = time.perf_counter() - started
    print(f"    lock (approves {count}): {seconds:.2f} s ({seconds / count * 1000:.1f} ms each)")

    def median_ms(function, repeat: int = 5) -> float:
        function()
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            function()
            times.append((time.perf_counter() - started) * 1000)
        return statistics.median(times)

    everything = median_ms(lambda: summarise_round(round_=round_))
    approved = median_ms(lambda: summarise_round(round_=round_, statuses=[ResponseStatus.APPROVED]))
    pending = median_ms(
        lambda: HouseholdResponse.objects.filter(
            round=round_, status__in=set(COUNTED_STATUSES) - {ResponseStatus.APPROVED}
        ).count()
    )
    print(
        f"(b) summarise_round by commune: all statuses {everything:.0f} ms, "
        f"approved only {approved:.0f} ms; pending count {pending:.1f} ms (medians of 5)"
    )


if __name__ == "__main__":
    main()
