"""Two small criteria sets that between them use every question type and every rule type.

``citizen_spec`` (subject citizen) has target groups (a cadre group, groups of other
sets they stand for), a digital-skills indicator, a higher level, dates and
every per-question rule type; ``household_spec`` (subject household) has the
member-derived rule types and household questions before and after the members.
Both are valid: ``validate_spec`` finds nothing in them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from criteria.spec import (
    Choice,
    ChoiceList,
    CriteriaSpec,
    Criterion,
    Indicator,
    Label,
    Level,
    Question,
    Recognition,
    Rule,
    TargetGroup,
)
from criteria.validation import CriteriaImportError, Problem
from criteria.workbook import read_workbook, write_workbook

YES_NO = ChoiceList(
    "yes_no", (Choice("yes", Label("Có", "Yes")), Choice("no", Label("Không", "No")))
)


def build_citizen_spec() -> CriteriaSpec:
    return CriteriaSpec(
        code="TEST-CD",
        version=3,
        subject="citizen",
        title=Label("Công dân học tập (thử)", "Learning Citizen (test)"),
        total_points=50.0,
        status="draft",
        legal_basis="QĐ 244/QĐ-KHVN",
        valid_from=date(2024, 1, 1),
        valid_to=date(2026, 12, 31),
        description=Label("Bộ tiêu chí để thử.\nDòng thứ hai.", "A set for tests."),
        local_choices=("CD03: khoảng điểm [địa phương]", "Mức tiêu biểu [địa phương]"),
        digital_indicator="CD05",
        digital_min_points=7.5,
        recognition=Recognition(
            min_total=40.0,
            min_indicator=5.0,
            label=Label("Đạt", "Recognised"),
            levels=(Level("tieu_bieu", Label("Tiêu biểu", "Outstanding"), 45.0, 8.0, True),),
        ),
        target_groups=(
            TargetGroup(
                "nong_dan", Label("Nông dân", "Farmers"), 15, None, same_as=("cu_dan", "dan_cu")
            ),
            TargetGroup("hoc_sinh", Label("Học sinh", "Pupils"), 6, 24, cadre=True),
        ),
        criteria=(
            Criterion("I", Label("Tự học", "Self-learning"), 20.0),
            Criterion("II", Label("Công cụ", "Tools"), 20.0),
            Criterion("III", Label("Kỹ năng số", "Digital skills"), 10.0),
        ),
        indicators=(
            Indicator(
                "CD01",
                "I",
                Label("Đọc thông tin", "Reads information"),
                10.0,
                (Rule("checklist", "info_sources", {"per_item": 3, "cap": 10}),),
            ),
            Indicator(
                "CD02",
                "I",
                Label("Kế hoạch học tập", "Learning plan"),
                10.0,
                (
                    Rule(
                        "choice_points",
                        "learning_plan",
                        {"points": {"none": 0, "informal": 4, "written": 7, "followed": 10}},
                    ),
                ),
            ),
            Indicator(
                "CD03",
                "II",
                Label("Học tập cộng đồng", "Community learning"),
                10.0,
                (
                    Rule(
                        "bands",
                        "sessions",
                        {
                            "bands": [
                                {"min": 0, "max": 0, "points": 0},
                                {"min": 1, "max": 2, "points": 5},
                                {"min": 3, "max": 5, "points": 8},
                                {"min": 6, "points": 10},
                            ]
                        },
                    ),
                ),
            ),
            Indicator(
                "CD04",
                "II",
                Label("Chứng chỉ", "Certificate"),
                10.0,
                (
                    Rule("yes_no", "has_certificate", {"points": 4, "yes": "yes", "no_points": 0}),
                    Rule("reviewer_score", "evidence_score", {"max": 6}),
                ),
            ),
            Indicator(
                "CD05",
                "III",
                Label("Dùng công nghệ", "Uses technology"),
                10.0,
                (
                    Rule(
                        "checklist",
                        "digital_skills",
                        {"points": {"email": 4, "banking": 3.5, "public_services": 2.5}, "cap": 10},
                    ),
                ),
                target_groups=("nong_dan",),
                when_not_applicable="full",
            ),
        ),
        questions=(
            Question("intro", "member", "note", Label("Phần tự học", "Self-learning")),
            Question(
                "info_sources",
                "member",
                "select_multiple",
                Label("Nguồn thông tin", "Information sources"),
                choice_list="sources",
                hint=Label("Chọn mọi nguồn", "Tick every source"),
                required=True,
            ),
            Question(
                "learning_plan",
                "member",
                "select_one",
                Label("Kế hoạch học tập", "Learning plan"),
                choice_list="plan",
                required=True,
            ),
            Question(
                "plan_date",
                "member",
                "date",
                Label("Ngày lập kế hoạch", "Date of the plan"),
                relevant="${learning_plan} = 'written' or ${learning_plan} = 'followed'",
            ),
            Question(
                "sessions",
                "member",
                "integer",
                Label("Số buổi học", "Sessions attended"),
                required=True,
                constraint=". >= 0 and . <= 365",
                constraint_message=Label("Từ 0 đến 365", "From 0 to 365"),
            ),
            Question(
                "hours_per_week",
                "member",
                "decimal",
                Label("Số giờ tự học mỗi tuần", "Self-study hours a week"),
                constraint=". >= 0",
            ),
            Question(
                "has_certificate",
                "member",
                "select_one",
                Label("Có chứng chỉ", "Has a certificate"),
                choice_list="yes_no",
            ),
            Question(
                "certificate_name",
                "member",
                "text",
                Label("Tên chứng chỉ", "Certificate name"),
                relevant="${has_certificate} = 'yes'",
            ),
            Question(
                "evidence_score",
                "member",
                "decimal",
                Label("Điểm minh chứng", "Evidence score"),
                constraint=". >= 0 and . <= 6",
                reviewer_only=True,
            ),
            Question(
                "digital_skills",
                "member",
                "select_multiple",
                Label("Kỹ năng số", "Digital skills"),
                choice_list="skills",
                relevant="${age} >= 15 and ${target_group} = 'nong_dan'",
            ),
        ),
        choice_lists=(
            ChoiceList(
                "sources",
                (
                    Choice("books", Label("Sách", "Books")),
                    Choice("tv", Label("Truyền hình", "TV")),
                    Choice("internet", Label("Internet", "")),
                    Choice("1", Label("Khác", "Other")),
                ),
            ),
            ChoiceList(
                "plan",
                (
                    Choice("none", Label("Chưa có", "None")),
                    Choice("informal", Label("Có dự định", "Informal")),
                    Choice("written", Label("Bằng văn bản", "Written")),
                    Choice("followed", Label("Đã thực hiện", "Followed")),
                ),
            ),
            YES_NO,
            ChoiceList(
                "skills",
                (
                    Choice("email", Label("Thư điện tử", "E-mail")),
                    Choice("banking", Label("Ngân hàng số", "Mobile banking")),
                    Choice("public_services", Label("Dịch vụ công", "Public services")),
                ),
            ),
        ),
    )


def build_household_spec() -> CriteriaSpec:
    return CriteriaSpec(
        code="TEST-GD",
        version=1,
        subject="household",
        title=Label("Gia đình học tập (thử)", "Learning Family (test)"),
        total_points=30.0,
        status="published",
        recognition=Recognition(min_total=24.0, min_criterion_share=0.5),
        target_groups=(),
        criteria=(
            Criterion("H1", Label("Trẻ em", "Children"), 20.0),
            Criterion("H2", Label("Người lớn", "Adults"), 10.0),
        ),
        indicators=(
            Indicator(
                "GD01",
                "H1",
                Label("Trẻ đi học", "Children at school"),
                10.0,
                (
                    Rule(
                        "members_all",
                        None,
                        {
                            "condition": "${age} >= 6 and ${age} <= 14",
                            "test": "${attends_school} = 'yes'",
                            "points": 10,
                        },
                    ),
                ),
                when_not_applicable="full",
            ),
            Indicator(
                "GD02",
                "H1",
                Label("Đọc sách", "Reading"),
                10.0,
                (
                    Rule("members_any", None, {"test": "${recognised} = 1", "points": 4}),
                    Rule(
                        "members_count",
                        None,
                        {
                            "condition": "${age} >= 6",
                            "test": "${reads_weekly} = 'yes'",
                            "bands": [
                                {"min": 0, "max": 0, "points": 0},
                                {"min": 1, "max": 1, "points": 3},
                                {"min": 2, "points": 6},
                            ],
                        },
                    ),
                ),
            ),
            Indicator(
                "GD03",
                "H2",
                Label("Người lớn học tập", "Adults learn"),
                10.0,
                (
                    Rule(
                        "members_share",
                        None,
                        {
                            "condition": "${age} >= 19 and ${age} <= 60",
                            "test": "${learning_contents} >= 1",
                            "points": 5,
                        },
                    ),
                    Rule("yes_no", "has_bookshelf", {"points": 5}),
                ),
            ),
        ),
        questions=(
            Question(
                "has_bookshelf",
                "household",
                "select_one",
                Label("Có tủ sách", "Has a bookshelf"),
                choice_list="yes_no",
            ),
            Question(
                "attends_school",
                "member",
                "select_one",
                Label("Đang đi học", "Attends school"),
                choice_list="yes_no",
                relevant="${age} >= 6 and ${age} <= 14",
            ),
            Question(
                "reads_weekly",
                "member",
                "select_one",
                Label("Đọc hằng tuần", "Reads weekly"),
                choice_list="yes_no",
            ),
            Question(
                "learning_contents",
                "member",
                "integer",
                Label("Số nội dung đã học", "Learning contents"),
                constraint=". >= 0",
            ),
            Question(
                "books_count",
                "household",
                "integer",
                Label("Số đầu sách", "Number of books"),
                relevant="${has_bookshelf} = 'yes'",
            ),
        ),
        choice_lists=(YES_NO,),
    )


@pytest.fixture
def citizen_spec() -> CriteriaSpec:
    return build_citizen_spec()


@pytest.fixture
def household_spec() -> CriteriaSpec:
    return build_household_spec()


Edit = tuple[str, str, Any]  # (sheet, cell such as "E7", new value)


@pytest.fixture
def make_book(tmp_path: Path) -> Callable[..., Path]:
    """Return a maker: write a spec as a workbook, then apply cell edits with openpyxl."""

    def make(spec: CriteriaSpec, edits: Iterable[Edit] = (), *, name: str = "book.xlsx") -> Path:
        path = tmp_path / name
        write_workbook(spec, path)
        edits = list(edits)
        if edits:
            workbook = openpyxl.load_workbook(path)
            for sheet, cell, value in edits:
                workbook[sheet][cell] = value
            workbook.save(path)
        return path

    return make


def problems_of(path: Path) -> list[Problem]:
    """Import a workbook that must fail; return its problems."""
    with pytest.raises(CriteriaImportError) as caught:
        read_workbook(path)
    return caught.value.problems
