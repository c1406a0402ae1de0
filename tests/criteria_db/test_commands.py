"""The command line provincial IT staff script: import_criteria, export_criteria,
list_criteria (install_criteria_sets is in test_services)."""

from __future__ import annotations

from dataclasses import replace
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command, execute_from_command_line
from django.db import connections
from pyxform.xls2xform import convert

from criteria import models as m
from criteria.services import create_draft_version, load_spec, retire
from criteria.workbook import read_workbook, write_workbook
from criteria.yaml_io import read_yaml, write_yaml
from tests.criteria.conftest import build_citizen_spec, build_household_spec
from tests.criteria_db.conftest import SHIPPED_DIR, TABLES, counts, shipped_spec, snapshot

EMPTY = dict.fromkeys(TABLES, 0)

# The same five mistakes as in test_views, as the command prints them.
BROKEN_EDITS = [
    ("survey", "A13", "decimals"),
    ("choices", "B11", "yes"),
    ("target_groups", "D3", 30),
    ("scoring", "B6", "reviewer"),
    ("recognition", "D2", 60),
]
BROKEN_VI = [
    "Sheet 'survey', dòng 13, cột 'type': Loại câu hỏi “decimals” không được hỗ trợ; dùng một "
    "trong: integer, decimal, select_one, select_multiple, text, date, note",
    "Sheet 'choices', dòng 11, cột 'name': Mã lựa chọn “yes” bị trùng (dòng 10)",
    "Sheet 'target_groups', dòng 3, cột 'max_age': Tuổi tối đa 24 nhỏ hơn tuổi tối thiểu 30",
    "Sheet 'scoring', dòng 6, cột 'rule_type': Loại quy tắc “reviewer” không có; dùng một trong: "
    "choice_points, checklist, bands, yes_no, reviewer_score, direct, members_all, members_any, "
    "members_count, members_share",
    "Sheet 'recognition', dòng 2, cột 'min_total': Ngưỡng 60 điểm vượt tổng điểm 50 của bộ tiêu "
    "chí",
    "Sheet 'recognition', dòng 3, cột 'min_total': Mức “tieu_bieu” có ngưỡng 45 thấp hơn ngưỡng "
    "công nhận 60",
]
BROKEN_EN = [
    "sheet 'survey', row 13, column 'type': Question type “decimals” is not supported; use one "
    "of: integer, decimal, select_one, select_multiple, text, date, note",
    "sheet 'choices', row 11, column 'name': Duplicate choice code “yes” (row 10)",
    "sheet 'target_groups', row 3, column 'max_age': The maximum age 24 is below the minimum "
    "age 30",
    "sheet 'scoring', row 6, column 'rule_type': Unknown rule type “reviewer”; use one of: "
    "choice_points, checklist, bands, yes_no, reviewer_score, direct, members_all, members_any, "
    "members_count, members_share",
    "sheet 'recognition', row 2, column 'min_total': The threshold 60 is above the set total 50",
    "sheet 'recognition', row 3, column 'min_total': Level “tieu_bieu” has a threshold 45 below "
    "the recognition threshold 60",
]
SHIPPED_LINES = [
    "CDHT\t1\tpublished\tCông dân học tập (thí điểm Yên Bái 2020–2021)",
    "CDHT\t2\tpublished\tCông dân học tập (bộ tiêu chí quốc gia, bốn nhóm đối tượng)",
    "GDHT\t1\tpublished\tGia đình học tập (QĐ 448/QĐ-KHVN, 2015)",
]


def run(*args: str) -> tuple[str, str]:
    """Run a command; return what it printed (stdout, stderr)."""
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def broken_book(tmp_path: Path) -> Path:
    path = tmp_path / "hong.xlsx"
    write_workbook(build_citizen_spec(), path)
    book = openpyxl.load_workbook(path)
    for sheet, cell, value in BROKEN_EDITS:
        book[sheet][cell] = value
    book.save(path)
    return path


# import_criteria -------------------------------------------------------------------------


def test_importing_a_workbook_stores_it_as_a_draft(db, tmp_path):
    path = tmp_path / "bo.xlsx"
    write_workbook(build_citizen_spec(), path)
    out, err = run("import_criteria", str(path))
    assert out == "TEST-CD v3 draft: Công dân học tập (thử)\n"
    assert err == ""
    stored = m.CriteriaSet.objects.get(code="TEST-CD", version=3)
    assert load_spec(criteria_set=stored) == build_citizen_spec()


def test_importing_a_yaml_file_keeps_its_status(db, tmp_path):
    path = tmp_path / "gd.yaml"
    write_yaml(build_household_spec(), path)
    out, _ = run("import_criteria", str(path))
    assert out == "TEST-GD v1 published: Gia đình học tập (thử)\n"
    stored = m.CriteriaSet.objects.get(code="TEST-GD")
    assert load_spec(criteria_set=stored) == build_household_spec()


def test_the_format_comes_from_the_content_not_the_name(db, tmp_path):
    path = tmp_path / "bo.txt"
    write_yaml(build_citizen_spec(), path)
    out, _ = run("import_criteria", str(path))
    assert out == "TEST-CD v3 draft: Công dân học tập (thử)\n"


def test_import_with_publish_publishes_the_draft(db, tmp_path):
    path = tmp_path / "bo.xlsx"
    write_workbook(build_citizen_spec(), path)
    out, _ = run("import_criteria", str(path), "--publish")
    assert out == "TEST-CD v3 published: Công dân học tập (thử)\n"
    stored = m.CriteriaSet.objects.get(code="TEST-CD", version=3)
    assert stored.published_at is not None
    assert load_spec(criteria_set=stored) == replace(build_citizen_spec(), status="published")


def test_an_invalid_workbook_prints_every_problem_and_saves_nothing(db, tmp_path):
    path = broken_book(tmp_path)
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_criteria", str(path), stdout=out, stderr=err)
    assert str(caught.value) == "hong.xlsx: 6 lỗi, không có gì được lưu"
    assert caught.value.returncode == 1
    assert err.getvalue().splitlines() == BROKEN_VI
    assert out.getvalue() == ""
    assert counts() == EMPTY


def test_the_problems_can_be_printed_in_english(db, tmp_path):
    path = broken_book(tmp_path)
    err = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_criteria", str(path), "--language", "en", stderr=err)
    assert str(caught.value) == "hong.xlsx: 6 problem(s), nothing was saved"
    assert err.getvalue().splitlines() == BROKEN_EN
    assert counts() == EMPTY


def test_from_the_shell_an_invalid_file_exits_with_status_1(db, tmp_path, capsys, monkeypatch):
    # run_from_argv closes every connection when it ends; the test's transaction must survive.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    path = broken_book(tmp_path)
    with pytest.raises(SystemExit) as caught:
        execute_from_command_line(["manage.py", "import_criteria", str(path)])
    assert caught.value.code == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        *BROKEN_VI,
        "CommandError: hong.xlsx: 6 lỗi, không có gì được lưu",
    ]
    assert counts() == EMPTY


def test_a_threshold_finer_than_cents_is_refused_with_its_cell(db, tmp_path):
    path = tmp_path / "bo.xlsx"
    write_workbook(build_citizen_spec(), path)
    book = openpyxl.load_workbook(path)
    book["recognition"]["D2"] = 40.125
    book.save(path)
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_criteria", str(path), stderr=err)
    assert err.getvalue().splitlines() == [
        "Sheet 'recognition', dòng 2, cột 'min_total': Số 40,125 có quá 2 chữ số thập phân"
    ]
    assert counts() == EMPTY


def test_an_invalid_yaml_file_names_its_lines(db, tmp_path):
    path = tmp_path / "bo.yaml"
    path.write_text(
        (SHIPPED_DIR / "gdht-2015.yaml")
        .read_text(encoding="utf-8")
        .replace("total_points: 100", "total_points: một trăm", 1),
        encoding="utf-8",
    )
    err = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_criteria", str(path), stderr=err)
    assert str(caught.value) == "bo.yaml: 1 lỗi, không có gì được lưu"
    assert err.getvalue().splitlines() == [
        "Dòng 64, mục 'total_points': Cần một số (đang là “một trăm”)"
    ]
    assert counts() == EMPTY


def test_importing_over_a_published_version_is_refused(shipped, tmp_path):
    before = snapshot()
    path = tmp_path / "cdht.yaml"
    write_yaml(replace(shipped_spec("cdht-2020.yaml"), status="draft"), path)
    with pytest.raises(CommandError) as caught:
        run("import_criteria", str(path))
    assert str(caught.value) == (
        "Bộ tiêu chí CDHT phiên bản 1 đã ban hành, không thể sửa. Hãy tạo phiên bản nháp mới."
    )
    assert snapshot() == before


def test_a_missing_file_is_reported(db, tmp_path):
    with pytest.raises(CommandError) as caught:
        run("import_criteria", str(tmp_path / "khong-co.xlsx"))
    assert str(caught.value) == f"{tmp_path / 'khong-co.xlsx'}: không tìm thấy tệp / file not found"


# export_criteria -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "version", "filename"),
    [("CDHT", 1, "cdht-2020.yaml"), ("CDHT", 2, "cdht-2023.yaml"), ("GDHT", 1, "gdht-2015.yaml")],
)
def test_exports_read_back_identically(shipped, tmp_path, code, version, filename):
    spec = shipped_spec(filename)
    xlsx, yaml = tmp_path / "bo.xlsx", tmp_path / "bo.yaml"
    out, _ = run(
        "export_criteria", code, "--version", str(version), "--format", "xlsx", "-o", str(xlsx)
    )
    assert out == f"{xlsx}: {code} v{version} (xlsx)\n"
    assert read_workbook(xlsx) == spec
    out, _ = run(
        "export_criteria", code, "--version", str(version), "--format", "yaml", "-o", str(yaml)
    )
    assert out == f"{yaml}: {code} v{version} (yaml)\n"
    assert read_yaml(yaml) == spec


@pytest.mark.parametrize(
    ("code", "version", "filename"),
    [("CDHT", 1, "cdht-2020.yaml"), ("CDHT", 2, "cdht-2023.yaml"), ("GDHT", 1, "gdht-2015.yaml")],
)
def test_the_xlsform_export_converts_with_pyxform(shipped, tmp_path, code, version, filename):
    path = tmp_path / "form.xlsx"
    out, _ = run(
        "export_criteria", code, "--version", str(version), "--format", "xlsform", "-o", str(path)
    )
    assert out == f"{path}: {code} v{version} (xlsform)\n"
    warnings: list[str] = []
    xform = convert(xlsform=path, warnings=warnings).xform
    assert xform.startswith("<?xml")
    # Every question of the set is a field of the form.
    for question in shipped_spec(filename).questions:
        assert f"<{question.code}/>" in xform


def test_without_a_version_the_latest_published_one_is_exported(shipped, tmp_path):
    create_draft_version(criteria_set=shipped["CDHT", 1])  # v3, a draft: not chosen
    path = tmp_path / "bo.yaml"
    out, _ = run("export_criteria", "CDHT", "--format", "yaml", "-o", str(path))
    assert out == f"{path}: CDHT v2 (yaml)\n"
    assert read_yaml(path) == shipped_spec("cdht-2023.yaml")


def test_a_draft_can_be_exported_by_its_version(shipped, tmp_path):
    create_draft_version(criteria_set=shipped["GDHT", 1])
    path = tmp_path / "bo.yaml"
    run("export_criteria", "GDHT", "--version", "2", "--format", "yaml", "-o", str(path))
    assert read_yaml(path) == replace(shipped_spec("gdht-2015.yaml"), version=2, status="draft")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["NOPE"], "Không có bộ tiêu chí NOPE / no criteria set NOPE"),
        (["CDHT", "--version", "9"], "Không có bộ tiêu chí CDHT v9 / no criteria set CDHT v9"),
    ],
)
def test_an_unknown_set_or_version_is_an_error_and_writes_no_file(shipped, tmp_path, args, message):
    path = tmp_path / "bo.xlsx"
    with pytest.raises(CommandError) as caught:
        run("export_criteria", *args, "--format", "xlsx", "-o", str(path))
    assert str(caught.value) == message
    assert not path.exists()


def test_an_unknown_format_is_refused(shipped, tmp_path):
    with pytest.raises(CommandError) as caught:
        run("export_criteria", "CDHT", "--format", "csv", "-o", str(tmp_path / "bo.csv"))
    # argparse quotes the choices in Python 3.11 and 3.12, not in later versions.
    assert str(caught.value) in {
        "Error: argument --format: invalid choice: 'csv' (choose from 'xlsx', 'yaml', 'xlsform')",
        "Error: argument --format: invalid choice: 'csv' (choose from xlsx, yaml, xlsform)",
    }
    assert not (tmp_path / "bo.csv").exists()


# list_criteria ---------------------------------------------------------------------------


def test_list_prints_one_line_per_version(shipped):
    out, _ = run("list_criteria")
    assert out.splitlines() == SHIPPED_LINES


def test_list_shows_drafts_and_retired_versions_in_order(shipped):
    create_draft_version(criteria_set=shipped["CDHT", 2])
    retire(criteria_set=shipped["GDHT", 1])
    out, _ = run("list_criteria")
    assert out.splitlines() == [
        *SHIPPED_LINES[:2],
        "CDHT\t3\tdraft\tCông dân học tập (bộ tiêu chí quốc gia, bốn nhóm đối tượng)",
        "GDHT\t1\tretired\tGia đình học tập (QĐ 448/QĐ-KHVN, 2015)",
    ]


def test_list_prints_nothing_without_sets(db):
    assert run("list_criteria") == ("", "")
