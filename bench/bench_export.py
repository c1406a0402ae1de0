"""Benchmark: the round workbook at province scale (250,000 households, ≈ 1,000,000 members).

    .venv/bin/python bench/bench_export.py [--households N] [--seed S]
        [--database-url URL] [--reuse] [--skip-detail]

Generates (or, with ``--reuse``, reuses) the synthetic round ``tinh-2021`` with
``manage.py generate_round``'s code on its own database (default: the SQLite file
``/tmp/cdht-bench-export.sqlite3``) and prints:

(a) the summary workbook (cover, summary by commune with district subtotals, indicator
    and breakdown sheets, chart): ``exports.services.export_round`` end to end.
    Goal: < 5 s.
(b) the full workbook with the detail sheets (households and members, ≈ 30 columns),
    in a fresh subprocess so its peak memory (``ru_maxrss``) is its own, vs the raw
    writer (openpyxl write-only, plain ``append``) writing the same cells alone: the
    detail rows are first read from the database into marshal files, then written
    from there without the guard, styles or anything else. Goal: ≤ 1.3×, peak memory
    < 300 MB.

Figures are printed, never asserted. ``nproc`` and a CPU calibration are printed
because these machines are shared: compare ratios measured in one run.
"""

from __future__ import annotations

import argparse
import marshal
import os
import platform
import resource
import subprocess
import sys
import tempfile
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
    parser.add_argument("--database-url", default="sqlite:////tmp/cdht-bench-export.sqlite3")
    parser.add_argument("--reuse", action="store_true", help="keep an existing round")
    parser.add_argument("--skip-detail", action="store_true", help="only (a)")
    parser.add_argument("--child", choices=("full", "raw"), help=argparse.SUPPRESS)
    parser.add_argument("--output", help=argparse.SUPPRESS)
    parser.add_argument("--rows", help=argparse.SUPPRESS)
    return parser.parse_args()


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DEBUG", "1")
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
    settings.DEBUG = False


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child_full(output: str) -> None:
    """Write the full workbook (detail included) and print seconds and peak memory."""
    from exports.options import ExportOptions
    from exports.services import export_round
    from survey.models import Round

    round_ = Round.objects.get(code=CODE)
    started = time.perf_counter()
    export = export_round(
        round_=round_, options=ExportOptions(detail=True), user=None, target=Path(output)
    )
    seconds = time.perf_counter() - started
    cells = sum(t.count * len(t.headers) for t in export.details)
    print(f"{seconds:.3f} {peak_mb():.1f} {cells}")


def child_raw(output: str, rows_dir: str) -> None:
    """Write the dumped detail rows with openpyxl write-only, plain append, nothing else."""
    from openpyxl import Workbook

    started = time.perf_counter()
    workbook = Workbook(write_only=True)
    for name in sorted(os.listdir(rows_dir)):
        sheet = workbook.create_sheet(name)
        with open(Path(rows_dir) / name, "rb") as stream:
            sheet.append(marshal.load(stream))  # noqa: S302 - the header this script wrote
            while True:
                try:
                    chunk = marshal.load(stream)  # noqa: S302 - written above
                except EOFError:
                    break
                for row in chunk:
                    sheet.append(row)
    workbook.save(output)
    print(f"{time.perf_counter() - started:.3f} {peak_mb():.1f} 0")


def dump_rows(rows_dir: Path) -> tuple[float, int]:
    """Read the detail rows once (as the export does) into marshal files; return s, cells."""
    from datetime import date

    from exports.content import gather_round_export
    from exports.options import ExportOptions
    from survey.models import Round

    started = time.perf_counter()
    export = gather_round_export(
        round_=Round.objects.get(code=CODE), options=ExportOptions(detail=True), user=None
    )
    cells = 0
    for n, table in enumerate(export.details):
        with open(rows_dir / f"{n}-{table.key}", "wb") as stream:
            marshal.dump(tuple(table.headers), stream)
            chunk = []
            for row in table.rows:
                # marshal has no dates: the raw writer gets the same date as an ordinal
                chunk.append(tuple(v.toordinal() if isinstance(v, date) else v for v in row))
                if len(chunk) == 5000:
                    marshal.dump(chunk, stream)
                    chunk = []
            if chunk:
                marshal.dump(chunk, stream)
        cells += table.count * len(table.headers)
    return time.perf_counter() - started, cells


def run_child(args: argparse.Namespace, *extra: str) -> tuple[float, float, int]:
    command = [
        sys.executable,
        __file__,
        "--database-url",
        args.database_url,
        *extra,
    ]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    seconds, memory, cells = out.strip().splitlines()[-1].split()
    return float(seconds), float(memory), int(cells)


def main() -> None:
    args = parse_args()
    setup_django(args.database_url)
    if args.child == "full":
        child_full(args.output)
        return
    if args.child == "raw":
        child_raw(args.output, args.rows)
        return

    from django.core.management import call_command
    from django.db import connection

    from demo.services import generate_round
    from exports.options import ExportOptions
    from exports.services import export_round
    from scoring.services import install_default_targets
    from survey.models import HouseholdResponse, MemberResponse, Round

    calibration = min(timeit.repeat("sum(range(1000))", number=2000, repeat=5)) / 2000 * 1e6
    print(f"python {platform.python_version()}, nproc {os.cpu_count()}, {connection.vendor}")
    print(f"calibration: sum(range(1000)) = {calibration:.1f} µs (≈ 8–10 µs on a recent desktop)")
    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    install_default_targets()
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
        print(f"generate_round: {result.seconds:.0f} s")
    households = HouseholdResponse.objects.filter(round=round_).count()
    members = MemberResponse.objects.filter(response__round=round_).count()
    print(f"round {CODE}: {households:,} households, {members:,} members")

    with tempfile.TemporaryDirectory(prefix="bench-export-") as folder:
        folder = Path(folder)
        times = []
        for _ in range(3):
            started = time.perf_counter()
            export = export_round(
                round_=round_, options=ExportOptions(), user=None, target=folder / "summary.xlsx"
            )
            times.append(time.perf_counter() - started)
        print(
            f"(a) summary workbook ({len(export.rows)} unit rows, "
            f"{(folder / 'summary.xlsx').stat().st_size / 1024:.0f} KB): "
            f"best {min(times):.2f} s of 3 (goal < 5 s)"
        )
        if args.skip_detail:
            return
        rows_dir = folder / "rows"
        rows_dir.mkdir()
        read_seconds, cells = dump_rows(rows_dir)
        print(f"    detail rows read from the database alone: {read_seconds:.1f} s")
        full_s, full_mb, full_cells = run_child(
            args, "--child", "full", "--output", str(folder / "full.xlsx")
        )
        raw_s, raw_mb, _ = run_child(
            args, "--child", "raw", "--output", str(folder / "raw.xlsx"), "--rows", str(rows_dir)
        )
        size = (folder / "full.xlsx").stat().st_size / 1024 / 1024
        print(
            f"(b) full workbook with detail ({full_cells:,} detail cells, {size:.0f} MB): "
            f"{full_s:.1f} s ({full_cells / full_s:,.0f} cells/s), peak memory {full_mb:.0f} MB "
            f"(goal < 300 MB)"
        )
        print(
            f"    raw openpyxl write-only, same cells: {raw_s:.1f} s "
            f"({cells / raw_s:,.0f} cells/s), peak memory {raw_mb:.0f} MB"
        )
        print(f"    ratio full / raw: {full_s / raw_s:.2f}× (goal ≤ 1.3×)")


if __name__ == "__main__":
    main()
