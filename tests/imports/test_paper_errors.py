"""Every kind of error in a paper workbook: its exact place and message, and nothing written."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from flows.imports import import_responses
from tests.imports.conftest import (
    fill_template,
    household_row,
    member_rows,
)
from tests.imports.refusals import (
    HOUSEHOLDS,
    MEMBERS,
    column,
    one_household,
    problems_of,
    refused,
    required,
)


def test_a_choice_not_in_the_list(round_, staff):
    members = member_rows()
    members[1]["learning_plan"] = "Có lẽ"
    [problem] = problems_of(round_, staff, one_household(), members)
    assert problem[:3] == (MEMBERS, 3, column(round_, MEMBERS, "learning_plan"))
    assert problem[3] == (
        "“Có lẽ” không có trong danh sách lựa chọn (Chưa có kế hoạch (none), Có dự định nhưng "
        "chưa ghi thành kế hoạch (informal), Có kế hoạch bằng văn bản (written), Có kế hoạch "
        "bằng văn bản và đã thực hiện phần lớn (written_followed))"
    )
    assert problem[4].startswith("“Có lẽ” is not one of the choices (")


def test_a_multiple_choice_code_not_in_the_list(round_, staff):
    members = member_rows()
    members[0]["info_sources"] = "books radio"
    [problem] = problems_of(round_, staff, one_household(), members)
    assert problem[:3] == (MEMBERS, 2, column(round_, MEMBERS, "info_sources"))
    assert problem[3].startswith("“radio” không có trong danh sách lựa chọn (Sách (books), ")
    assert problem[3].endswith("; nhiều lựa chọn ghi mã, cách nhau bởi dấu cách")


def test_a_number_out_of_range_fails_the_constraint(round_, staff):
    members = member_rows()
    members[0]["community_sessions_12m"] = 400
    assert problems_of(round_, staff, one_household(), members) == [
        (
            MEMBERS,
            2,
            column(round_, MEMBERS, "community_sessions_12m"),
            "Số buổi phải từ 0 đến 365.",
            "The number of sessions must be between 0 and 365.",
        )
    ]


def test_a_constraint_across_choices(round_, staff):
    members = member_rows()
    members[0]["info_sources"] = "none books"
    assert problems_of(round_, staff, one_household(), members) == [
        (
            MEMBERS,
            2,
            column(round_, MEMBERS, "info_sources"),
            '"Không có" không chọn cùng mục khác.',
            '"None of these" cannot be ticked with another item.',
        )
    ]


def test_text_in_a_number_column(round_, staff):
    members = member_rows()
    members[0]["community_activities_12m"] = "bảy"
    assert problems_of(round_, staff, one_household(), members) == [
        (
            MEMBERS,
            2,
            column(round_, MEMBERS, "community_activities_12m"),
            "Nhập một số tổng thể.",
            "Enter a whole number.",
        )
    ]


def test_a_member_without_a_household(round_, staff):
    members = [*member_rows(), {**member_rows()[0], "household_key": "9"}]
    assert problems_of(round_, staff, one_household(), members) == [
        (
            MEMBERS,
            6,
            "A: Mã hộ [household_key]",
            "Thành viên không thuộc hộ nào: không có hộ mã “9” ở sheet “Hộ gia đình”",
            "A member without a household: there is no household “9” on the “Hộ gia đình” sheet",
        )
    ]


def test_a_household_without_members(round_, staff):
    households = [household_row("1"), household_row("2", head_name="Lò Thị Mai")]
    assert problems_of(round_, staff, households, member_rows("1")) == [
        (
            HOUSEHOLDS,
            3,
            "A: Mã hộ [household_key]",
            "Hộ “2” không có thành viên nào (mỗi hộ cần ít nhất một dòng thành viên cùng mã hộ)",
            "Household “2” has no members (each household needs at least one member row with "
            "its key)",
        )
    ]


def test_a_required_answer_missing(round_, staff):
    members = member_rows()
    members[0]["learning_plan"] = None
    members[0]["sex"] = None
    assert problems_of(round_, staff, one_household(), members) == [
        (MEMBERS, 2, "C: Giới tính [sex]", "Trường này là bắt buộc.", "This field is required."),
        (MEMBERS, 2, column(round_, MEMBERS, "learning_plan"), *required()),
    ]


def test_a_question_not_asked_is_not_required(round_, staff):
    members = member_rows()
    # A farmer is not asked the foreign-language questions (cadres only), a member with no
    # community session is not asked where, and the child no adult questions.
    for name in ("foreign_language_level", "foreign_language_certificate", "community_venues"):
        members[0].pop(name, None)
    members[0]["community_sessions_12m"] = "0"
    report = import_responses(
        round_=round_,
        user=staff,
        data=fill_template(round_, one_household(), members),
        filename="phieu.xlsx",
    )
    assert report.created == 1


def test_a_required_follow_up_of_an_earlier_answer(round_, staff):
    members = member_rows()
    members[1].pop("foreign_language_certificate")  # asked: the cadre uses a language at work
    assert problems_of(round_, staff, one_household(), members) == [
        (MEMBERS, 3, column(round_, MEMBERS, "foreign_language_certificate"), *required())
    ]


def test_a_required_household_answer_missing(round_, staff):
    assert problems_of(round_, staff, one_household(study_place=""), member_rows()) == [
        (HOUSEHOLDS, 2, column(round_, HOUSEHOLDS, "study_place"), *required())
    ]


def test_the_same_key_twice_in_the_file(round_, staff):
    households = [household_row("1"), household_row("1", head_name="Lò Thị Mai")]
    assert problems_of(round_, staff, households, member_rows("1")) == [
        (
            HOUSEHOLDS,
            3,
            "A: Mã hộ [household_key]",
            "Mã hộ “1” trùng với hộ ở dòng 2",
            "Household key “1” is the same as the household on row 2",
        )
    ]


def test_the_same_household_twice_in_the_file_under_two_keys(round_, staff):
    households = [household_row("1"), household_row("2")]
    members = [*member_rows("1"), *member_rows("2")]
    assert problems_of(round_, staff, households, members) == [
        (
            HOUSEHOLDS,
            3,
            "A: Mã hộ [household_key]",
            "Hộ Nguyễn Văn An (Thôn 3) trùng với hộ ở dòng 2: cùng xã, thôn, chủ hộ và địa chỉ",
            "Household Nguyễn Văn An (Thôn 3) is the same as the household on row 2: same "
            "commune, village, head and address",
        )
    ]


def test_a_survey_date_outside_the_round(round_, staff):
    [problem] = problems_of(round_, staff, one_household(survey_date="15/01/2022"), member_rows())
    assert problem[:4] == (
        HOUSEHOLDS,
        2,
        "F: Ngày khảo sát [survey_date]",
        "Ngày khảo sát phải trong thời gian của đợt (01/06/2021 – 31/12/2021).",
    )
    assert "01/06/2021 – 31/12/2021" in problem[4]


def test_a_survey_date_that_is_no_date(round_, staff):
    assert problems_of(round_, staff, one_household(survey_date="31/02/2021"), member_rows()) == [
        (
            HOUSEHOLDS,
            2,
            "F: Ngày khảo sát [survey_date]",
            "“31/02/2021” không phải là ngày hợp lệ (ghi ngày/tháng/năm, ví dụ 15/07/2021)",
            "“31/02/2021” is not a valid date (write day/month/year, e.g. 15/07/2021)",
        )
    ]


def test_member_details_as_the_web_form_checks_them(round_, staff):
    members = member_rows()
    # A child of 10 in a group of 15 and over (answering as an adult, so that only the age
    # check fails), a second head, a birth year after the survey, an unknown ethnic group.
    members[2].update(members[0], household_key="1", full_name="Nguyễn Minh Châu")
    members[2].update(birth_year="2011", relationship="child")
    members[3]["relationship"] = "head"  # a second head
    members[0]["birth_year"] = 2030
    members[1]["ethnicity"] = "Kinh Tày"
    problems = problems_of(round_, staff, one_household(), members)
    assert problems == [
        (
            MEMBERS,
            2,
            "D: Năm sinh [birth_year]",
            "Năm sinh phải từ 1900 đến năm khảo sát (2021).",
            "The birth year must be from 1900 to the survey year (2021).",
        ),
        (
            MEMBERS,
            3,
            "E: Dân tộc [ethnicity]",
            problems[1][3],
            problems[1][4],
        ),
        (
            MEMBERS,
            4,
            "G: Nhóm đối tượng [target_group]",
            problems[2][3],
            problems[2][4],
        ),
        (
            MEMBERS,
            5,
            "H: Quan hệ với chủ hộ [relationship]",
            "Một hộ chỉ có một chủ hộ.",
            problems[3][4],
        ),
    ]
    assert problems[1][3].startswith("“Kinh Tày” không có trong danh sách lựa chọn (Kinh (01), ")
    # The web form's own message (survey.forms.MemberForm), whatever its wording.
    assert problems[2][3].startswith("Tuổi 10 không thuộc nhóm này (")


def test_a_reviewer_only_answer_from_a_surveyor(round_, surveyor):
    members = member_rows()
    members[0]["encouragement_evidence"] = "2"
    assert problems_of(round_, surveyor, one_household(), members) == [
        (
            MEMBERS,
            2,
            column(round_, MEMBERS, "encouragement_evidence"),
            "Câu này do người kiểm tra chấm theo minh chứng; tài khoản của bạn không được điền",
            "A reviewer scores this question from evidence; your account may not fill it",
        )
    ]


def test_every_error_of_the_file_is_reported_at_once_in_reading_order(round_, staff):
    households = [household_row("1", unit="99999"), household_row("2", study_place="")]
    members = [*member_rows("1"), *member_rows("2"), {**member_rows()[0], "household_key": "7"}]
    members[5]["learning_plan"] = "?"
    problems = problems_of(round_, staff, households, members)
    assert [(p[0], p[1]) for p in problems] == [
        (HOUSEHOLDS, 2),
        (HOUSEHOLDS, 3),
        (MEMBERS, 7),
        (MEMBERS, 10),
    ]


def test_a_deleted_column_is_reported_once(round_, staff):
    data = fill_template(round_, one_household(), member_rows())
    workbook = load_workbook(io.BytesIO(data))
    workbook[MEMBERS].delete_cols(4)  # "Năm sinh [birth_year]"
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert refused(round_, staff, buffer.getvalue()) == [
        (
            MEMBERS,
            1,
            None,
            "Thiếu cột “Năm sinh [birth_year]”; đừng xoá hay đổi mã trong ngoặc vuông của tiêu "
            "đề cột (hãy tải lại mẫu của đợt này)",
            "Column “Năm sinh [birth_year]” is missing; do not delete columns or change the code "
            "in square brackets (download this round's template again)",
        )
    ]


def test_columns_may_be_moved_and_labels_edited(round_, staff):
    data = fill_template(round_, one_household(), member_rows())
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook[MEMBERS]
    sheet["B1"] = "Tên [full_name]"
    sheet.move_range("B1:B5", cols=40)
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = import_responses(
        round_=round_, user=staff, data=buffer.getvalue(), filename="phieu.xlsx"
    )
    assert report.created == 1


def test_the_template_of_another_round(round_, staff):
    data = fill_template(round_, one_household(), member_rows())
    workbook = load_workbook(io.BytesIO(data))
    workbook["_cdht"]["B2"] = "r2019"
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert refused(round_, staff, buffer.getvalue()) == [
        (
            None,
            None,
            None,
            "Tệp này là mẫu của đợt “r2019”, không phải đợt “r2021”; hãy tải mẫu của đúng đợt",
            "This file is the template of round “r2019”, not of round “r2021”; download the "
            "template of the right round",
        )
    ]
