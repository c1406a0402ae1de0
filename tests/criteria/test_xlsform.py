"""The plain XLSForm for ODK Collect / KoboCollect converts with pyxform."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from pyxform.xls2xform import convert

from criteria.spec import Choice, ChoiceList, Label, Question
from criteria.workbook import write_workbook
from criteria.xlsform import write_xlsform
from tests.criteria.conftest import build_citizen_spec, build_household_spec


def convert_file(path: Path) -> str:
    """Convert with pyxform like `xls2xform` does; fail the test on any error."""
    warnings: list[str] = []
    result = convert(xlsform=path, warnings=warnings, pretty_print=True)
    assert result.xform.startswith("<?xml")
    return result.xform


def rows(path: Path, sheet: str) -> list[dict]:
    worksheet = openpyxl.load_workbook(path)[sheet]
    values = list(worksheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def test_citizen_and_household_sets_make_one_field_form(tmp_path):
    path = tmp_path / "form.xlsx"
    write_xlsform([build_citizen_spec(), build_household_spec()], path)
    xform = convert_file(path)
    # Household details and questions, then one repeat with the profile and member questions.
    for node in ("commune_code", "village", "address", "head_name", "has_bookshelf", "books_count"):
        assert f"<{node}/>" in xform
    assert '<members jr:template="">' in xform
    for node in (
        "full_name",
        "sex",
        "birth_year",
        "target_group",
        "age",
        "sessions",
        "reads_weekly",
    ):
        assert f"<{node}/>" in xform
    survey = rows(path, "survey")
    names = [r["name"] for r in survey]
    assert names.index("books_count") < names.index("members") < names.index("sessions")
    assert {"type": "end repeat"}.items() <= survey[-1].items()
    # Relevance and constraints are kept; a reviewer's question is shown read-only.
    by_name = {r["name"]: r for r in survey if r["name"]}
    assert by_name["plan_date"]["relevant"] == (
        "${learning_plan} = 'written' or ${learning_plan} = 'followed'"
    )
    assert by_name["sessions"]["constraint"] == ". >= 0 and . <= 365"
    assert by_name["evidence_score"]["read_only"] == "yes"
    # The citizen questions are asked of members in one of the set's target groups.
    group = by_name["set_test_cd_v3_member"]
    assert group["type"] == "begin group"
    assert group["relevant"] == "${target_group} = 'nong_dan' or ${target_group} = 'hoc_sinh'"
    # The identical yes_no list of both sets is written once.
    choices = rows(path, "choices")
    assert [c["name"] for c in choices if c["list_name"] == "yes_no"] == ["yes", "no"]
    settings = rows(path, "settings")[0]
    assert settings["form_id"] == "test_cd_v3_test_gd_v1"
    assert settings["form_title"] == "Công dân học tập (thử) + Gia đình học tập (thử)"
    assert settings["default_language"] == "Tiếng Việt (vi)"
    # A plain XLSForm: none of the criteria workbook's own columns.
    assert "role" not in survey[0] and "reviewer_only" not in survey[0]


def test_clashing_names_are_prefixed_and_expressions_follow(tmp_path):
    household = build_household_spec()
    other_yes_no = ChoiceList(
        "yes_no", (Choice("yes", Label("Có", "Yes")), Choice("no", Label("Chưa", "Not yet")))
    )
    sessions = Question("sessions", "member", "integer", Label("Số buổi sinh hoạt", "Meetings"))
    reads = replace(household.questions[2], relevant="${sessions} > 0")
    household = replace(
        household,
        choice_lists=(other_yes_no,),
        questions=(*household.questions[:2], sessions, reads, *household.questions[3:]),
    )
    path = tmp_path / "form.xlsx"
    write_xlsform([build_citizen_spec(), household], path)
    convert_file(path)
    survey = {r["name"]: r for r in rows(path, "survey") if r["name"]}
    assert survey["test_gd_v1_sessions"]["label::Tiếng Việt (vi)"] == "Số buổi sinh hoạt"
    assert survey["reads_weekly"]["relevant"] == "${test_gd_v1_sessions} > 0"
    assert survey["reads_weekly"]["type"] == "select_one test_gd_v1_yes_no"
    lists = {c["list_name"] for c in rows(path, "choices")}
    assert {"yes_no", "test_gd_v1_yes_no", "profile_sex", "profile_target_group"} <= lists


@pytest.mark.parametrize("build", [build_citizen_spec, build_household_spec])
def test_the_criteria_workbook_is_itself_a_valid_xlsform(build, tmp_path):
    path = tmp_path / "set.xlsx"
    write_workbook(build(), path)
    xform = convert_file(path)
    assert '<members jr:template="">' in xform


def test_a_single_set_makes_a_form_too(tmp_path):
    path = tmp_path / "form.xlsx"
    write_xlsform([build_household_spec()], path)
    convert_file(path)
    with pytest.raises(ValueError, match="at least one"):
        write_xlsform([], tmp_path / "none.xlsx")
