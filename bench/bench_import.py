"""Benchmark: importing a paper data-entry workbook vs python-calamine's raw read of it.

    .venv/bin/python bench/bench_import.py [members] [seed]

Builds a throw-away SQLite database (migrated, pilot units, shipped criteria sets,
an open round on three communes, one commune-staff user), writes a filled-in
data-entry workbook of ``members`` (default 100,000) seeded synthetic members in
about 25,600 households (3.9 per household, as Yên Bái), then times:

* ``calamine``: python-calamine reading every sheet of the same file into Python
  lists (``to_python``), best of 3: the floor any import that reads the file pays;
* ``check``: the import without writing (``check_only``): safety checks, reading,
  linking, every rule of the web form on every answer;
* ``import``: the whole import in one transaction: the same, plus creating the
  households, responses and members and scoring them as ``record_response_scores``
  does (in one pass for a large file, ``survey.imports.scores``); the phases are
  printed apart.

The ratio import / calamine is the figure the issue asks about (goal: within
3x). ``nproc`` is printed: the import runs on one core. The database is
SQLite in WAL mode with ``synchronous=NORMAL`` (the project's settings) on
local disk; to time PostgreSQL, point ``DATABASE_URL`` at an empty scratch database
(``createdb bench_import_scratch``), which the bench migrates and fills.
"""

from __future__ import annotations

import io
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from anywhere
SCRATCH = Path(tempfile.mkdtemp(prefix="bench_import_"))
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{SCRATCH / 'bench.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

# DEBUG=1 only spares the bench a production SECRET_KEY; with DEBUG on, Django would also
# format every SQL statement for its query log, which production never does.
settings.DEBUG = False

from datetime import date  # noqa: E402

from django.core.management import call_command  # noqa: E402
from openpyxl import Workbook  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402

from accounts.roles import COMMUNE_STAFF  # noqa: E402
from accounts.services import create_user, ensure_roles  # noqa: E402
from criteria.expressions import parse  # noqa: E402
from criteria.selectors import find_version, spec_of  # noqa: E402
from flows.imports import import_responses  # noqa: E402
from scoring.models import MemberScore  # noqa: E402
from survey.imports.files import Limits  # noqa: E402
from survey.imports.layout import (  # noqa: E402
    HOUSEHOLDS_SHEET,
    MEMBERS_SHEET,
    META_SHEET,
    TEMPLATE_FORMAT,
    household_columns,
    member_columns,
)
from survey.models import MemberResponse, Round  # noqa: E402
from survey.rounds import create_round  # noqa: E402

# A 100,000-member workbook is about 14 MB (over the 10 MB of web uploads): the bench
# imports it as ``manage.py import_responses --max-mb 20`` does.
LIMITS = Limits.megabytes(20)
UNITS = {"04528": "Xã Nga Quán", "04516": "Xã Minh Quán", "04522": "Xã Cường Thịnh"}
FIRST = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hà", "Lò", "Triệu"]
MIDDLE = ["Văn", "Thị", "Minh", "Đức", "Thu", "Hồng", "Quang", "Ngọc"]
LAST = ["An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Khánh", "Lan", "Mai", "Nam", "Phúc"]


def setup_database():
    call_command("migrate", verbosity=0)
    call_command("loaddata", "admin_units", verbosity=0)
    ensure_roles()
    call_command("install_criteria_sets", verbosity=0)
    round_ = create_round(
        code="bench",
        name="Benchmark",
        citizen_set=find_version(code="CDHT", version=1),
        household_set=find_version(code="GDHT", version=1),
        starts_on=date(2021, 6, 1),
        ends_on=date(2021, 12, 31),
        planned={f"{code}@2020-02-01": 10000 for code in UNITS},
        status=Round.Status.OPEN,
    )
    user = create_user(
        username="bench",
        password="bench-password-2025",  # noqa: S106 (a throw-away database)
        role=COMMUNE_STAFF,
        unit_keys=[f"{code}@2020-02-01" for code in UNITS],
        validate_password=False,
    )
    return round_, user


def answer(rng: random.Random, question, spec) -> str:
    if question.type in ("select_one", "select_multiple"):
        names = [c.name for c in spec.choice_list(question.choice_list).choices]
        if question.type == "select_one":
            return rng.choice(names)
        picked = [n for n in names if n != "none" and rng.random() < 0.4] or [names[0]]
        return " ".join(picked)
    if question.type == "integer":
        return str(rng.randint(0, 2 if "evidence" in question.code else 12))
    return "x"


def build_file(round_, members_wanted: int, seed: int) -> tuple[bytes, int, int]:
    """Write the filled workbook (write-only openpyxl); return (bytes, households, cells)."""
    rng = random.Random(seed)
    citizen = spec_of(criteria_set=round_.citizen_set)
    household_spec = spec_of(criteria_set=round_.household_set)
    h_columns = household_columns(citizen=citizen, household=household_spec)
    m_columns = member_columns(citizen=citizen, household=household_spec)
    specs = {"citizen": citizen, "household": household_spec}
    workbook = Workbook(write_only=True)
    households_sheet = workbook.create_sheet(HOUSEHOLDS_SHEET)
    members_sheet = workbook.create_sheet(MEMBERS_SHEET)
    meta = workbook.create_sheet(META_SHEET)
    meta.append(["format", TEMPLATE_FORMAT])
    meta.append(["round", round_.code])
    households_sheet.append([c.header for c in h_columns])
    members_sheet.append([c.header for c in m_columns])
    cells = len(h_columns) + len(m_columns)
    made = households = 0
    while made < members_wanted:
        households += 1
        key = str(households)
        size = min(rng.choice((3, 3, 4, 4, 4, 4, 4, 4, 4, 5)), members_wanted - made)  # 3.9
        code = rng.choice(list(UNITS))
        head = f"{rng.choice(FIRST)} {rng.choice(MIDDLE)} {rng.choice(LAST)}"
        values = {
            "household_key": key,
            "unit": f"{code} - {UNITS[code]}",
            "village": f"Thôn {rng.randint(1, 12)}",
            "address": f"Số {households}",
            "head_name": head,
            "survey_date": f"{rng.randint(1, 28):02d}/{rng.randint(6, 12):02d}/2021",
        }
        for column in h_columns:
            if column.question is not None:
                values[column.code] = answer(rng, column.question, specs[column.source])
        households_sheet.append([values.get(c.code) for c in h_columns])
        cells += len(h_columns)
        for position in range(size):
            adult = position < 2 or rng.random() < 0.6
            birth = rng.randint(1950, 2000) if adult else rng.randint(2008, 2018)
            group = rng.choice(("nong_dan", "cong_nhan", "can_bo")) if adult else ""
            person = {
                "household_key": key,
                "full_name": head
                if position == 0
                else f"{head.split()[0]} {rng.choice(MIDDLE)} {rng.choice(LAST)}",
                "sex": rng.choice(("Nam", "Nữ")),
                "birth_year": birth,
                "ethnicity": rng.choice(("Kinh", "Tày", "Dao", "Mông")),
                "education": rng.choice(("primary", "lower_secondary", "upper_secondary")),
                "target_group": group,
                "relationship": "head" if position == 0 else "child",
            }
            profile_age = 2021 - birth
            for column in m_columns:
                question = column.question
                if question is None:
                    continue
                if column.source == "citizen" and not group:
                    continue
                if question.reviewer_only or question.relevant:
                    # Follow-ups and age-bound questions: answer the ones that apply.
                    names = parse(question.relevant).names if question.relevant else set()
                    if "age" in names and not (
                        (6 <= profile_age <= 14 and "<= 14" in question.relevant)
                        or (19 <= profile_age <= 60 and "<= 60" in question.relevant)
                    ):
                        continue
                    if "can_bo" in question.relevant and group != "can_bo":
                        continue
                    if "nong_dan" in question.relevant and group != "nong_dan":
                        continue
                    if "cong_nhan" in question.relevant and group not in ("cong_nhan", "can_bo"):
                        continue
                    if question.reviewer_only:
                        continue
                person[column.code] = answer(rng, question, specs[column.source])
            if person.get("foreign_language_level") == "none":
                person.pop("foreign_languages", None)
                person.pop("foreign_language_certificate", None)
            if person.get("attends_school") == "no":
                person.pop("school_result", None)
                person.pop("conduct", None)
            members_sheet.append([person.get(c.code) for c in m_columns])
            cells += len(m_columns)
            made += 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), households, cells


def calamine_read(data: bytes) -> int:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    total = 0
    for name in workbook.sheet_names:
        total += sum(len(row) for row in workbook.get_sheet_by_name(name).to_python())
    return total


def best(function, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    members = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    round_, user = setup_database()
    start = time.perf_counter()
    data, households, cells = build_file(round_, members, seed)
    built = time.perf_counter() - start
    print(f"python {platform.python_version()}, nproc {os.cpu_count()}, {platform.machine()}")
    print(f"database: {os.environ['DATABASE_URL'].split('://')[0]}")
    print(
        f"file: {members:,} members in {households:,} households, {cells:,} cells, "
        f"{len(data) / 1024 / 1024:.1f} MB (built in {built:.1f} s)"
    )
    raw = best(lambda: calamine_read(data))
    rate = cells / raw / 1000
    print(f"calamine raw read (to_python, best of 3): {raw:.2f} s ({rate:.0f} k cells/s)")
    checked = best(
        lambda: import_responses(
            round_=round_,
            user=user,
            data=data,
            filename="bench.xlsx",
            check_only=True,
            limits=LIMITS,
        ),
        repeat=2,
    )
    print(
        f"check only (read + every rule, nothing written): {checked:.2f} s ({checked / raw:.1f}x)"
    )
    start = time.perf_counter()
    report = import_responses(
        round_=round_, user=user, data=data, filename="bench.xlsx", limits=LIMITS
    )
    done = time.perf_counter() - start
    assert report.created == households, report
    assert MemberResponse.objects.count() == members
    print(
        f"import (check + write + score {MemberScore.objects.count():,} member scores): "
        f"{done:.2f} s ({done / raw:.1f}x calamine; goal 3x)"
    )
    phases = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in report.timings.items())
    print(f"  phases: {phases}")


if __name__ == "__main__":
    main()
