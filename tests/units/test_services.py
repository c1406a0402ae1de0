"""The unit CSV reader, its integrity checks and the shipped fixture built from it."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from units.models import AdminUnit, UnitChange
from units.services import UnitDataError, build_unit_fixture, read_unit_csvs

# The domain reference lies beside the checkout; CI's clean clone may be elsewhere.
DOMAIN_DIR = Path(
    os.environ.get("CDHT_DOMAIN_DIR") or settings.BASE_DIR.parent / "shared" / "domain"
)
FIXTURE = settings.BASE_DIR / "fixtures" / "admin_units.json"

UNITS_HEADER = "key,code,name,level,type,parent,valid_from,valid_to"
CHANGES_HEADER = "from_key,to_key,effective,kind,legal_basis"

# A small valid data set: a province, a district, two communes, one merge.
GOOD_UNITS = [
    "15@2020-02-01,15,Tỉnh Yên Bái,province,Tỉnh,,2020-02-01,2025-06-30",
    "138@2020-02-01,138,Huyện Trấn Yên,district,Huyện,15@2020-02-01,2020-02-01,2025-06-30",
    "04528@2020-02-01,04528,Xã Nga Quán,commune,Xã,138@2020-02-01,2020-02-01,2024-11-30",
    "04522@2020-02-01,04522,Xã Cường Thịnh,commune,Xã,138@2020-02-01,2020-02-01,2025-06-30",
]
GOOD_CHANGES = [
    "04528@2020-02-01,04522@2020-02-01,2024-12-01,merge,NQ 1246/NQ-UBTVQH15",
]


def write_csvs(tmp_path: Path, units: list[str], changes: list[str]) -> tuple[Path, Path]:
    units_path = tmp_path / "admin_units.csv"
    changes_path = tmp_path / "admin_unit_changes.csv"
    units_path.write_text("\n".join([UNITS_HEADER, *units]) + "\n", encoding="utf-8")
    changes_path.write_text("\n".join([CHANGES_HEADER, *changes]) + "\n", encoding="utf-8")
    return units_path, changes_path


def read_problems(tmp_path: Path, units: list[str], changes: list[str]) -> list[str]:
    units_path, changes_path = write_csvs(tmp_path, units, changes)
    with pytest.raises(UnitDataError) as caught:
        read_unit_csvs(units_path=units_path, changes_path=changes_path)
    assert str(caught.value) == "\n".join(caught.value.problems)
    return caught.value.problems


def count_data_rows(path: Path) -> int:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


@pytest.fixture
def domain_csvs() -> tuple[Path, Path]:
    if not DOMAIN_DIR.is_dir():
        pytest.skip(f"{DOMAIN_DIR} is absent")
    return DOMAIN_DIR / "admin_units.csv", DOMAIN_DIR / "admin_unit_changes.csv"


# The shipped data ------------------------------------------------------------


def test_shipped_fixture_is_built_from_the_domain_csvs(domain_csvs):
    units_path, changes_path = domain_csvs
    units, changes = read_unit_csvs(units_path=units_path, changes_path=changes_path)

    assert json.loads(FIXTURE.read_text("utf-8")) == build_unit_fixture(
        units=units, changes=changes
    )


def test_domain_csvs_hold_51_units_and_39_changes(domain_csvs):
    units_path, changes_path = domain_csvs
    units, changes = read_unit_csvs(units_path=units_path, changes_path=changes_path)

    assert count_data_rows(units_path) == 51
    assert count_data_rows(changes_path) == 39
    assert len(units) == 51
    assert len(changes) == 39
    assert len({u.key for u in units}) == 51


def test_fixture_puts_parents_before_children_and_numbers_changes_in_file_order(domain_csvs):
    units_path, changes_path = domain_csvs
    units, changes = read_unit_csvs(units_path=units_path, changes_path=changes_path)
    objects = build_unit_fixture(units=units, changes=changes)

    unit_objects = [o for o in objects if o["model"] == "units.adminunit"]
    change_objects = [o for o in objects if o["model"] == "units.unitchange"]
    assert [o["model"] for o in objects] == ["units.adminunit"] * 51 + ["units.unitchange"] * 39
    seen: set[str] = set()
    for obj in unit_objects:
        assert obj["fields"]["parent"] is None or obj["fields"]["parent"] in seen, obj["pk"]
        seen.add(obj["pk"])
    assert [o["pk"] for o in change_objects] == list(range(1, 40))
    assert change_objects[0]["fields"] == {
        "from_unit": "04264@2020-02-01",
        "to_unit": "04264@2024-12-01",
        "effective": "2024-12-01",
        "kind": "merge",
        "legal_basis": "NQ 1246/NQ-UBTVQH15",
    }
    assert change_objects[-1]["fields"]["from_unit"] == "15@2020-02-01"
    assert change_objects[-1]["fields"]["to_unit"] == "15@2025-07-01"


def test_loaddata_is_idempotent(db):
    call_command("loaddata", "admin_units", verbosity=0)
    assert (AdminUnit.objects.count(), UnitChange.objects.count()) == (51, 39)
    first = list(AdminUnit.objects.values_list("key", "name", "parent_id", "valid_to"))

    call_command("loaddata", "admin_units", verbosity=0)

    assert (AdminUnit.objects.count(), UnitChange.objects.count()) == (51, 39)
    assert list(AdminUnit.objects.values_list("key", "name", "parent_id", "valid_to")) == first


# Error reporting ---------------------------------------------------------------


def test_a_valid_small_set_reads_cleanly(tmp_path):
    units_path, changes_path = write_csvs(tmp_path, GOOD_UNITS, GOOD_CHANGES)

    units, changes = read_unit_csvs(units_path=units_path, changes_path=changes_path)

    assert [u.key for u in units] == [
        "15@2020-02-01",
        "138@2020-02-01",
        "04528@2020-02-01",
        "04522@2020-02-01",
    ]
    assert [(c.from_key, c.to_key, c.effective.isoformat()) for c in changes] == [
        ("04528@2020-02-01", "04522@2020-02-01", "2024-12-01")
    ]


def test_overlapping_validity_of_one_code_is_reported(tmp_path):
    reused = (
        "04528@2024-11-01,04528,Xã Nga Quán Mới,commune,Xã,138@2020-02-01,2024-11-01,2025-06-30"
    )

    problems = read_problems(tmp_path, [*GOOD_UNITS, reused], GOOD_CHANGES)

    assert problems == [
        "code 04528: 04528@2020-02-01 and 04528@2024-11-01 have overlapping validity"
    ]


def test_code_reused_after_the_first_validity_ends_is_accepted(tmp_path):
    reused = "04528@2024-12-01,04528,Xã Mới,commune,Xã,138@2020-02-01,2024-12-01,2025-06-30"
    units_path, changes_path = write_csvs(tmp_path, [*GOOD_UNITS, reused], GOOD_CHANGES)

    units, _ = read_unit_csvs(units_path=units_path, changes_path=changes_path)

    assert [u.key for u in units if u.code == "04528"] == ["04528@2020-02-01", "04528@2024-12-01"]


def test_parent_not_valid_whenever_the_child_is_is_reported(tmp_path):
    # The district ends on 2025-06-30; this commune runs on without end date.
    outliving = "04531@2020-02-01,04531,Xã Y Can,commune,Xã,138@2020-02-01,2020-02-01,"
    # And this one starts before its district does.
    early = "04519@2019-01-01,04519,Xã Quy Mông,commune,Xã,138@2020-02-01,2019-01-01,2021-01-01"

    problems = read_problems(tmp_path, [*GOOD_UNITS, outliving, early], GOOD_CHANGES)

    assert problems == [
        "04531@2020-02-01: parent 138@2020-02-01 is not valid whenever the unit is",
        "04519@2019-01-01: parent 138@2020-02-01 is not valid whenever the unit is",
    ]


def test_unknown_parent_is_reported(tmp_path):
    orphan = "04783@2020-02-01,04783,Xã Phú Thịnh,commune,Xã,139@2020-02-01,2020-02-01,2025-06-30"

    problems = read_problems(tmp_path, [*GOOD_UNITS, orphan], GOOD_CHANGES)

    assert problems == ["04783@2020-02-01: parent 139@2020-02-01 does not exist"]


def test_bad_dates_are_reported_with_row_and_column(tmp_path):
    bad_from = "04531@2020-02-31,04531,Xã Y Can,commune,Xã,138@2020-02-01,2020-02-31,2025-06-30"
    bad_to = "16@2020-02-01,16,Tỉnh Thử,province,Tỉnh,,2020-02-01,30/06/2025"
    bad_change = "04528@2020-02-01,04522@2020-02-01,2024-12,merge,NQ 1246/NQ-UBTVQH15"

    problems = read_problems(tmp_path, [*GOOD_UNITS, bad_from, bad_to], [bad_change])

    assert problems == [
        "admin_units.csv row 6 column valid_from: '2020-02-31' is not a date (YYYY-MM-DD)",
        "admin_units.csv row 7 column valid_to: '30/06/2025' is not a date (YYYY-MM-DD)",
        "admin_unit_changes.csv row 2 column effective: '2024-12' is not a date (YYYY-MM-DD)",
    ]


def test_unknown_level_is_reported(tmp_path):
    ward = "04531@2020-02-01,04531,Xã Y Can,ward,Xã,138@2020-02-01,2020-02-01,2025-06-30"

    problems = read_problems(tmp_path, [*GOOD_UNITS, ward], GOOD_CHANGES)

    assert problems == ["admin_units.csv row 6 column level: unknown level 'ward'"]


def test_every_problem_is_listed_not_only_the_first(tmp_path):
    ward = "04531@2020-02-01,04531,Xã Y Can,ward,Xã,138@2020-02-01,2020-02-01,2025-06-30"
    orphan = "04783@2020-02-01,04783,Xã Phú Thịnh,commune,Xã,139@2020-02-01,2020-02-01,2025-06-30"
    dangling = "04531@2020-02-01,04999@2025-07-01,2025-07-01,merge,NQ 202/2025/QH15"

    problems = read_problems(tmp_path, [*GOOD_UNITS, ward, orphan], [*GOOD_CHANGES, dangling])

    assert problems == [
        "admin_units.csv row 6 column level: unknown level 'ward'",
        "04783@2020-02-01: parent 139@2020-02-01 does not exist",
        "change 04531@2020-02-01 -> 04999@2025-07-01: no unit 04999@2025-07-01",
    ]


def test_build_command_rejects_bad_csvs_and_writes_no_fixture(tmp_path, db):
    orphan = "04783@2020-02-01,04783,Xã Phú Thịnh,commune,Xã,139@2020-02-01,2020-02-01,2025-06-30"
    units_path, changes_path = write_csvs(tmp_path, [*GOOD_UNITS, orphan], GOOD_CHANGES)
    output = tmp_path / "out.json"

    with pytest.raises(CommandError) as caught:
        call_command("build_unit_fixture", units=units_path, changes=changes_path, output=output)

    assert str(caught.value) == "04783@2020-02-01: parent 139@2020-02-01 does not exist"
    assert not output.exists()
    assert AdminUnit.objects.count() == 0


def test_build_command_writes_the_fixture_of_good_csvs(tmp_path):
    units_path, changes_path = write_csvs(tmp_path, GOOD_UNITS, GOOD_CHANGES)
    output = tmp_path / "out.json"

    stdout = io.StringIO()

    call_command(
        "build_unit_fixture", units=units_path, changes=changes_path, output=output, stdout=stdout
    )

    objects = json.loads(output.read_text("utf-8"))
    assert [(o["model"], o["pk"]) for o in objects] == [
        ("units.adminunit", "15@2020-02-01"),
        ("units.adminunit", "138@2020-02-01"),
        ("units.adminunit", "04522@2020-02-01"),
        ("units.adminunit", "04528@2020-02-01"),
        ("units.unitchange", 1),
    ]
    assert stdout.getvalue() == f"{output}: 4 units, 1 changes\n"
