"""The criteria workbook: every problem with its exact place, refusals, round trips."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from criteria.spec import Label, Question
from criteria.validation import CriteriaImportError, Problem
from criteria.workbook import read_workbook, write_workbook
from criteria.xlsx_safety import MAX_FILE_BYTES
from tests.criteria.conftest import build_citizen_spec, build_household_spec, problems_of

CITIZEN = "citizen"
HOUSEHOLD = "household"
SPECS = {CITIZEN: build_citizen_spec, HOUSEHOLD: build_household_spec}

# Each case edits cells of the exported fixture workbook (sheet, cell, value) and lists
# the problems the import must report, in order. Layout of the citizen workbook: survey
# rows 2-7 are the repeat and profile, questions from row 8 (intro) to 17
# (digital_skills), "end repeat" on 18; scoring rows 2-7 are CD01, CD02, CD03, CD04
# (yes_no), CD04 (reviewer_score), CD05. The household workbook has has_bookshelf on
# survey row 2, the repeat on 3-12 and books_count on 13; scoring rows 2-6.

CASES = [
    pytest.param(
        CITIZEN,
        [["settings", "B2", None]],
        [
            Problem(
                "settings",
                2,
                "form_id",
                "Thiếu mã bộ tiêu chí",
                "The set code is missing",
            ),
        ],
        id="set_code_missing",
    ),
    pytest.param(
        CITIZEN,
        [["settings", "B2", "TEST CD"]],
        [
            Problem(
                "settings",
                2,
                "form_id",
                "Mã bộ tiêu chí “TEST CD” không hợp lệ: chỉ dùng chữ không dấu, số, “_”, “-”, "
                "“.”, bắt đầu bằng chữ",
                "The set code “TEST CD” is not valid: use only unaccented letters, digits, "
                "“_”, “-”, “.”, starting with a letter",
            ),
        ],
        id="set_code_bad",
    ),
    pytest.param(
        CITIZEN,
        [["settings", "C2", "ba"]],
        [
            Problem(
                "settings",
                2,
                "version",
                "“ba” không phải là số",
                "“ba” is not a number",
            ),
        ],
        id="version_text",
    ),
    pytest.param(
        CITIZEN,
        [["settings", "C2", 0]],
        [
            Problem(
                "settings",
                2,
                "version",
                "Phiên bản phải là số nguyên từ 1 trở lên",
                "The version must be a whole number from 1 up",
            ),
        ],
        id="version_zero",
    ),
    pytest.param(
        CITIZEN,
        [["settings", "C2", 2.5]],
        [
            Problem(
                "settings",
                2,
                "version",
                "“2.5” không phải là số nguyên",
                "“2.5” is not a whole number",
            ),
        ],
        id="version_fraction",
    ),
    pytest.param(
        CITIZEN,
        [["settings", "F2", "people"]],
        [
            Problem(
                "settings",
                2,
                "subject",
                "Đối tượng “people” không hợp lệ; dùng một trong: citizen, household",
                "Unknown subject “people”; use one of: citizen, household",
            ),
        ],
        id="subject_unknown",
    ),
    pytest.param(
        CITIZEN,
        [["settings", "F2", None]],
        [
            Problem(
                "settings",
                2,
                "subject",
                "Thiếu đối tượng của bộ tiêu chí (citizen, household)",
                "The subject of the set is missing (citizen, household)",
            ),
        ],
        id="subject_missing",
    ),
    pytest.param(
        CITIZEN,
        [["settings", "G2", "final"]],
        [
            Problem(
                "settings",
                2,
                "status",
                "Trạng thái “final” không hợp lệ; dùng một trong: draft, published, retired",
                "Unknown status “final”; use one of: draft, published, retired",
            ),
        ],
        id="status_unknown",
    ),
    pytest.param(
        CITIZEN,
        [["settings", "A2", None]],
        [
            Problem(
                "settings",
                2,
                "form_title",
                "Thiếu tên bộ tiêu chí (tiếng Việt)",
                "The set title (Vietnamese) is missing",
            ),
        ],
        id="title_missing",
    ),
    pytest.param(
        CITIZEN,
        [["settings", "H2", "=20+30"]],
        [
            Problem(
                "settings",
                2,
                "total_points",
                "“=20+30” là công thức; công thức không được tính, hãy gõ thẳng con số",
                "“=20+30” is a formula; formulas are not calculated, type the number itself",
            ),
        ],
        id="total_formula",
    ),
    pytest.param(
        CITIZEN,
        [["settings", "H2", 0]],
        [
            Problem(
                "settings",
                2,
                "total_points",
                "Tổng điểm phải lớn hơn 0",
                "The total must be above 0",
            ),
        ],
        id="total_zero",
    ),
    pytest.param(
        CITIZEN,
        [["settings", "J2", "mùa xuân"]],
        [
            Problem(
                "settings",
                2,
                "valid_from",
                "“mùa xuân” không phải là ngày; viết dạng 2023-10-25 hoặc 25/10/2023",
                "“mùa xuân” is not a date; write it as 2023-10-25 or 25/10/2023",
            ),
        ],
        id="date_bad",
    ),
    pytest.param(
        CITIZEN,
        [["settings", "K2", "01/01/2023"]],
        [
            Problem(
                "settings",
                2,
                "valid_to",
                "Ngày hết hiệu lực 01/01/2023 trước ngày bắt đầu 01/01/2024",
                "The end date 2023-01-01 is before the start date 2024-01-01",
            ),
        ],
        id="dates_reversed",
    ),
    pytest.param(
        CITIZEN,
        [["target_groups", "A3", "nong_dan"]],
        [
            Problem(
                "target_groups",
                3,
                "code",
                "Mã nhóm đối tượng “nong_dan” bị trùng (dòng 2)",
                "Duplicate target group code “nong_dan” (row 2)",
            ),
        ],
        id="group_dup",
    ),
    pytest.param(
        CITIZEN,
        [["target_groups", "D3", 30]],
        [
            Problem(
                "target_groups",
                3,
                "max_age",
                "Tuổi tối đa 24 nhỏ hơn tuổi tối thiểu 30",
                "The maximum age 24 is below the minimum age 30",
            ),
        ],
        id="group_ages",
    ),
    pytest.param(
        CITIZEN,
        [["target_groups", "D3", -1]],
        [
            Problem(
                "target_groups",
                3,
                "min_age",
                "Tuổi không được âm",
                "An age cannot be negative",
            ),
        ],
        id="group_age_negative",
    ),
    pytest.param(
        CITIZEN,
        [["target_groups", "D3", "sáu"]],
        [
            Problem(
                "target_groups",
                3,
                "min_age",
                "“sáu” không phải là số",
                "“sáu” is not a number",
            ),
        ],
        id="group_age_text",
    ),
    pytest.param(
        CITIZEN,
        [["target_groups", "B2", None]],
        [
            Problem(
                "target_groups",
                2,
                "label::Tiếng Việt (vi)",
                "Thiếu nhãn tiếng Việt",
                "The Vietnamese label is missing",
            ),
        ],
        id="group_label_missing",
    ),
    pytest.param(
        CITIZEN,
        [["criteria", "A4", "II"]],
        [
            Problem(
                "criteria",
                4,
                "code",
                "Mã tiêu chí “II” bị trùng (dòng 3)",
                "Duplicate criterion code “II” (row 3)",
            ),
            Problem(
                "indicators",
                6,
                "criterion",
                "Không có tiêu chí “III” trong sheet criteria",
                "There is no criterion “III” in the criteria sheet",
            ),
        ],
        id="criterion_dup",
    ),
    pytest.param(
        CITIZEN,
        [["criteria", "D4", 15]],
        [
            Problem(
                "settings",
                2,
                "total_points",
                "Điểm tối đa các tiêu chí cộng lại là 55, khác tổng điểm 50 của bộ tiêu chí",
                "The criteria add up to 55 points, not the set total 50",
            ),
            Problem(
                "criteria",
                4,
                "max_points",
                "Điểm tối đa các chỉ số của tiêu chí “III” cộng lại là 10, khác điểm tối đa "
                "15 của tiêu chí",
                "The indicators of criterion “III” add up to 10 points, not its maximum 15",
            ),
        ],
        id="criterion_sum",
    ),
    pytest.param(
        CITIZEN,
        [["criteria", "D4", None]],
        [
            Problem(
                "criteria",
                4,
                "max_points",
                "Ô trống; cần một số",
                "The cell is empty; a number is needed",
            ),
        ],
        id="criterion_empty_max",
    ),
    pytest.param(
        CITIZEN,
        [["criteria", "A2", "I I"], ["indicators", "B2", "I I"], ["indicators", "B3", "I I"]],
        [
            Problem(
                "criteria",
                2,
                "code",
                "Mã tiêu chí “I I” không được chứa dấu cách hay các ký tự [ ] ' \" #",
                "The criterion code “I I” must not contain spaces or [ ] ' \" #",
            ),
        ],
        id="criterion_code_space",
    ),
    pytest.param(
        CITIZEN,
        [["choices", "B11", "yes"]],
        [
            Problem(
                "choices",
                11,
                "name",
                "Mã lựa chọn “yes” bị trùng (dòng 10)",
                "Duplicate choice code “yes” (row 10)",
            ),
        ],
        id="choice_dup",
    ),
    pytest.param(
        CITIZEN,
        [["choices", "B3", "t v"]],
        [
            Problem(
                "choices",
                3,
                "name",
                "Mã lựa chọn “t v” không được chứa dấu cách hay các ký tự [ ] ' \" #",
                "The choice code “t v” must not contain spaces or [ ] ' \" #",
            ),
        ],
        id="choice_space",
    ),
    pytest.param(
        CITIZEN,
        [
            ["choices", "A12", "kỹ_năng"],
            ["choices", "A13", "kỹ_năng"],
            ["choices", "A14", "kỹ_năng"],
            ["survey", "A17", "select_multiple kỹ_năng"],
        ],
        [
            Problem(
                "choices",
                12,
                "list_name",
                "Tên danh sách lựa chọn “kỹ_năng” không hợp lệ: chỉ dùng chữ không dấu, số, "
                "“_”, “-”, “.”, bắt đầu bằng chữ hoặc “_”",
                "The choice list name “kỹ_năng” is not valid: use only unaccented letters, "
                "digits, “_”, “-”, “.”, starting with a letter or “_”",
            ),
        ],
        id="list_name_bad",
    ),
    pytest.param(
        CITIZEN,
        [["choices", "A5", None]],
        [
            Problem(
                "choices",
                5,
                "list_name",
                "Thiếu tên danh sách",
                "The list name is missing",
            ),
        ],
        id="choice_list_name_missing",
    ),
    pytest.param(
        CITIZEN,
        [["choices", "C6", None]],
        [
            Problem(
                "choices",
                6,
                "label::Tiếng Việt (vi)",
                "Thiếu nhãn tiếng Việt",
                "The Vietnamese label is missing",
            ),
        ],
        id="choice_label_missing",
    ),
    pytest.param(
        CITIZEN,
        [["survey", "B13", "sessions"]],
        [
            Problem(
                "survey",
                13,
                "name",
                "Mã câu hỏi “sessions” bị trùng (dòng 12)",
                "Duplicate question code “sessions” (row 12)",
            ),
        ],
        id="question_dup",
    ),
    pytest.param(
        CITIZEN,
        [["survey", "B15", "address"]],
        [
            Problem(
                "survey",
                15,
                "name",
                "Tên câu hỏi “address” được dành cho thông tin thành viên, hộ; hãy đặt tên khác",
                "The question name “address” is reserved for member or household details; "
                "choose another name",
            ),
        ],
        id="question_reserved",
    ),
    pytest.param(
        CITIZEN,
        [["survey", "B15", "tên chứng chỉ"]],
        [
            Problem(
                "survey",
                15,
                "name",
                "Tên câu hỏi “tên chứng chỉ” không hợp lệ: chỉ dùng chữ không dấu, số, “_”, "
                "“-”, “.”, bắt đầu bằng chữ hoặc “_”",
                "The question name “tên chứng chỉ” is not valid: use only unaccented letters, "
                "digits, “_”, “-”, “.”, starting with a letter or “_”",
            ),
        ],
        id="question_bad_name",
    ),
    pytest.param(
        CITIZEN,
        [["survey", "A13", "decimals"]],
        [
            Problem(
                "survey",
                13,
                "type",
                "Loại câu hỏi “decimals” không được hỗ trợ; dùng một trong: integer, decimal, "
                "select_one, select_multiple, text, date, note",
                "Question type “decimals” is not supported; use one of: integer, decimal, "
                "select_one, select_multiple, text, date, note",
            ),
        ],
        id="question_type_unknown",
    ),
    pytest.param(
        CITIZEN,
        [["survey", "A13", None]],
        [
            Problem(
                "survey",
                13,
                "type",
                "Thiếu loại câu hỏi",
                "The question type is missing",
            ),
        ],
        id="question_type_missing",
    ),
    pytest.param(
        CITIZEN,
        [["survey", "A14", "select_one"]],
        [
            Problem(
                "survey",
                14,
                "type",
                "Câu hỏi lựa chọn cần tên danh sách lựa chọn (ví dụ “select_one co_khong”)",
                "A select question needs a choice list name (e.g. “select_one yes_no”)",
            ),
        ],
        id="select_no_list",
    ),
    pytest.param(
        CITIZEN,
        [["survey", "A14", "select_one co_khong"]],
        [
            Problem(
                "survey",
                14,
                "type",
                "Không có danh sách lựa chọn “co_khong” trong sheet choices",
                "There is no choice list “co_khong” in the choices sheet",
            ),
        ],
        id="select_unknown_list",
    ),
    pytest.param(
        CITIZEN,
        [["survey", "H17", "${age} >= 15 and"]],
        [
            Problem(
                "survey",
                17,
                "relevant",
                "Biểu thức “relevant” không đọc được: biểu thức kết thúc giữa chừng (ký tự 17)",
                "The “relevant” expression cannot be read: expression ends too early "
                "(character 17)",
            ),
        ],
        id="relevant_syntax",
    ),
    pytest.param(
        CITIZEN,
        [["survey", "H15", "${has_cert} = 'yes'"]],
        [
            Problem(
                "survey",
                15,
                "relevant",
                "“${has_cert}” không phải là câu hỏi nào của bộ tiêu chí",
                "“${has_cert}” is not a question of this set",
            ),
        ],
        id="relevant_unknown",
    ),
    pytest.param(
        CITIZEN,
        [["survey", "H11", "${sessions} > 0"]],
        [
            Problem(
                "survey",
                11,
                "relevant",
                "“${sessions}” là câu hỏi đứng sau; chỉ được dùng câu hỏi đứng trước",
                "“${sessions}” comes later in the form; only earlier questions can be used",
            ),
        ],
        id="relevant_later",
    ),
    pytest.param(
        CITIZEN,
        [["survey", "H15", "${certificate_name} != ''"]],
        [
            Problem(
                "survey",
                15,
                "relevant",
                "“${certificate_name}” là chính câu hỏi này",
                "“${certificate_name}” is this question itself",
            ),
        ],
        id="relevant_self",
    ),
    pytest.param(
        CITIZEN,
        [["survey", "H15", "${total} > 10"]],
        [
            Problem(
                "survey",
                15,
                "relevant",
                "“${total}” chỉ có sau khi chấm điểm; chỉ dùng trong quy tắc theo thành viên",
                "“${total}” only exists after scoring; use it in member rules only",
            ),
        ],
        id="relevant_score_builtin",
    ),
    pytest.param(
        CITIZEN,
        [["survey", "I12", "${hours_per_week} >= 0"]],
        [
            Problem(
                "survey",
                12,
                "constraint",
                "Điều kiện ràng buộc phải dùng “.” để chỉ câu trả lời đang kiểm tra (ví dụ “. "
                ">= 0”)",
                "A constraint must use “.” for the answer being checked (e.g. “. >= 0”)",
            ),
            Problem(
                "survey",
                12,
                "constraint",
                "“${hours_per_week}” là câu hỏi đứng sau; chỉ được dùng câu hỏi đứng trước",
                "“${hours_per_week}” comes later in the form; only earlier questions can be used",
            ),
        ],
        id="constraint_no_dot",
    ),
    pytest.param(
        HOUSEHOLD,
        [["survey", "H13", "${reads_weekly} = 'yes' and ${age} > 3"]],
        [
            Problem(
                "survey",
                13,
                "relevant",
                "Câu hỏi cấp hộ không dùng trực tiếp được câu trả lời của thành viên "
                "“${reads_weekly}”",
                "A household question cannot use the member answer “${reads_weekly}” directly",
            ),
            Problem(
                "survey",
                13,
                "relevant",
                "Câu hỏi cấp hộ không dùng được thông tin thành viên “${age}”",
                "A household question cannot use the member detail “${age}”",
            ),
        ],
        id="household_refs_member",
    ),
    pytest.param(
        CITIZEN,
        [["survey", "G9", "maybe"]],
        [
            Problem(
                "survey",
                9,
                "required",
                "“maybe” không phải là có/không; dùng yes hoặc no",
                "“maybe” is not yes/no; use yes or no",
            ),
        ],
        id="required_bad",
    ),
    pytest.param(
        CITIZEN,
        [["survey", "C12", None]],
        [
            Problem(
                "survey",
                12,
                "label::Tiếng Việt (vi)",
                "Thiếu nhãn tiếng Việt",
                "The Vietnamese label is missing",
            ),
        ],
        id="label_missing",
    ),
    pytest.param(
        CITIZEN,
        [["indicators", "A3", "CD01"]],
        [
            Problem(
                "indicators",
                3,
                "code",
                "Mã chỉ số “CD01” bị trùng (dòng 2)",
                "Duplicate indicator code “CD01” (row 2)",
            ),
            Problem(
                "scoring",
                3,
                "indicator",
                "Không có chỉ số “CD02” trong sheet indicators",
                "There is no indicator “CD02” in the indicators sheet",
            ),
        ],
        id="indicator_dup",
    ),
    pytest.param(
        CITIZEN,
        [["indicators", "B6", "IV"]],
        [
            Problem(
                "criteria",
                4,
                "max_points",
                "Điểm tối đa các chỉ số của tiêu chí “III” cộng lại là 0, khác điểm tối đa 10 "
                "của tiêu chí",
                "The indicators of criterion “III” add up to 0 points, not its maximum 10",
            ),
            Problem(
                "indicators",
                6,
                "criterion",
                "Không có tiêu chí “IV” trong sheet criteria",
                "There is no criterion “IV” in the criteria sheet",
            ),
        ],
        id="indicator_unknown_criterion",
    ),
    pytest.param(
        CITIZEN,
        [["indicators", "F6", "nong_dan cong_nhan"]],
        [
            Problem(
                "indicators",
                6,
                "target_groups",
                "Không có nhóm đối tượng “cong_nhan” trong sheet target_groups",
                "There is no target group “cong_nhan” in the target_groups sheet",
            ),
        ],
        id="indicator_unknown_group",
    ),
    pytest.param(
        CITIZEN,
        [["indicators", "G6", "zero"]],
        [
            Problem(
                "indicators",
                6,
                "when_not_applicable",
                "Cách tính khi không áp dụng “zero” không hợp lệ; dùng “full” (cho đủ điểm) "
                "hoặc “rescale” (bỏ ra và quy đổi điểm)",
                "Unknown not-applicable policy “zero”; use “full” (full points) or “rescale” "
                "(leave out and rescale)",
            ),
        ],
        id="indicator_policy",
    ),
    pytest.param(
        CITIZEN,
        [
            ["scoring", "A7", None],
            ["scoring", "B7", None],
            ["scoring", "C7", None],
            ["scoring", "D7", None],
            ["scoring", "F7", None],
        ],
        [
            Problem(
                "indicators",
                6,
                "code",
                "Chỉ số “CD05” chưa có quy tắc chấm điểm nào (sheet scoring)",
                "Indicator “CD05” has no scoring rule (scoring sheet)",
            ),
        ],
        id="indicator_no_rules",
    ),
    pytest.param(
        CITIZEN,
        [["scoring", "E4", "0-0:0; 1-2:5; 3-5:8; 6-:12"]],
        [
            Problem(
                "indicators",
                4,
                "max_points",
                "Các quy tắc có thể cho tới 12 điểm, vượt điểm tối đa 10 của chỉ số",
                "The rules can give up to 12 points, above the indicator's maximum 10",
            ),
        ],
        id="indicator_ceiling",
    ),
    pytest.param(
        CITIZEN,
        [["scoring", "A3", "CD09"]],
        [
            Problem(
                "indicators",
                3,
                "code",
                "Chỉ số “CD02” chưa có quy tắc chấm điểm nào (sheet scoring)",
                "Indicator “CD02” has no scoring rule (scoring sheet)",
            ),
            Problem(
                "scoring",
                3,
                "indicator",
                "Không có chỉ số “CD09” trong sheet indicators",
                "There is no indicator “CD09” in the indicators sheet",
            ),
        ],
        id="rule_unknown_indicator",
    ),
    pytest.param(
        CITIZEN,
        [["scoring", "B6", "reviewer"]],
        [
            Problem(
                "scoring",
                6,
                "rule_type",
                "Loại quy tắc “reviewer” không có; dùng một trong: choice_points, checklist, "
                "bands, yes_no, reviewer_score, direct, members_all, members_any, members_count, "
                "members_share",
                "Unknown rule type “reviewer”; use one of: choice_points, checklist, bands, "
                "yes_no, reviewer_score, direct, members_all, members_any, members_count, "
                "members_share",
            ),
        ],
        id="rule_unknown_type",
    ),
    pytest.param(
        CITIZEN,
        [["scoring", "C4", None]],
        [
            Problem(
                "scoring",
                4,
                "question",
                "Quy tắc “bands” cần một câu hỏi",
                "Rule type “bands” needs a question",
            ),
        ],
        id="rule_no_question",
    ),
    pytest.param(
        CITIZEN,
        [["scoring", "C4", "session"]],
        [
            Problem(
                "scoring",
                4,
                "question",
                "Không có câu hỏi “session” trong sheet survey",
                "There is no question “session” in the survey sheet",
            ),
        ],
        id="rule_unknown_question",
    ),
    pytest.param(
        CITIZEN,
        [["scoring", "C4", "learning_plan"]],
        [
            Problem(
                "scoring",
                4,
                "question",
                "Quy tắc “bands” dùng cho câu hỏi loại integer, decimal; “learning_plan” là "
                "câu hỏi loại select_one",
                "Rule type “bands” works on integer, decimal questions; “learning_plan” is a "
                "select_one question",
            ),
        ],
        id="rule_wrong_question_type",
    ),
    pytest.param(
        CITIZEN,
        [["scoring", "C2", "learning_plan"]],
        [
            Problem(
                "scoring",
                2,
                "question",
                "Quy tắc “checklist” dùng cho câu hỏi loại select_multiple; “learning_plan” "
                "là câu hỏi loại select_one",
                "Rule type “checklist” works on select_multiple questions; “learning_plan” is "
                "a select_one question",
            ),
        ],
        id="rule_type_mismatch",
    ),
    pytest.param(
        CITIZEN,
        [
            ["scoring", "B6", "members_all"],
            ["scoring", "C6", None],
            ["scoring", "D6", 6],
            ["scoring", "L6", "${sessions} > 0"],
            ["scoring", "J6", None],
        ],
        [
            Problem(
                "scoring",
                6,
                "rule_type",
                "Quy tắc “members_all” tính từ các thành viên, chỉ dùng cho bộ tiêu chí hộ "
                "gia đình",
                "Rule type “members_all” is computed from the members and is for household "
                "sets only",
            ),
        ],
        id="member_rule_on_citizen",
    ),
    pytest.param(
        HOUSEHOLD,
        [["scoring", "C2", "attends_school"]],
        [
            Problem(
                "scoring",
                2,
                "question",
                "Quy tắc “members_all” tính từ các thành viên, không gắn với câu hỏi; để "
                "trống ô này",
                "Rule type “members_all” is computed from the members and takes no question; "
                "leave this empty",
            ),
        ],
        id="member_rule_with_question",
    ),
    pytest.param(
        HOUSEHOLD,
        [["scoring", "L2", "${has_bookshelf} = 'yes'"]],
        [
            Problem(
                "scoring",
                2,
                "test",
                "“${has_bookshelf}” là câu hỏi cấp hộ; điều kiện theo thành viên chỉ dùng câu "
                "hỏi thành viên và age, target_group, sex, recognised, total",
                "“${has_bookshelf}” is a household question; member conditions use member "
                "questions and age, target_group, sex, recognised, total only",
            ),
        ],
        id="member_rule_household_ref",
    ),
    pytest.param(
        HOUSEHOLD,
        [["scoring", "K3", "${tuoi} >= 6"]],
        [
            Problem(
                "scoring",
                3,
                "condition",
                "“${tuoi}” không phải là câu hỏi thành viên hay thông tin thành viên (age, "
                "target_group, sex, recognised, total)",
                "“${tuoi}” is neither a member question nor a member detail (age, "
                "target_group, sex, recognised, total)",
            ),
        ],
        id="member_rule_unknown_ref",
    ),
    pytest.param(
        HOUSEHOLD,
        [["scoring", "L2", "${attends_school} = = 'yes'"]],
        [
            Problem(
                "scoring",
                2,
                "test",
                "Không mong đợi “=” (ký tự 21)",
                "Unexpected “=” (character 21)",
            ),
        ],
        id="member_rule_test_syntax",
    ),
    pytest.param(
        HOUSEHOLD,
        [["scoring", "B6", "yes_no"], ["scoring", "C6", "reads_weekly"]],
        [
            Problem(
                "scoring",
                6,
                "question",
                "Bộ tiêu chí hộ chấm câu hỏi thành viên qua quy tắc members_*; “reads_weekly” "
                "là câu hỏi cấp thành viên",
                "A household set scores member questions through members_* rules; "
                "“reads_weekly” is a member question",
            ),
        ],
        id="household_rule_on_member_question",
    ),
    pytest.param(
        CITIZEN,
        [["scoring", "D3", "none=0; informal=4; written=7"]],
        [
            Problem(
                "scoring",
                3,
                "points",
                "Chưa cho điểm lựa chọn “followed”",
                "Choice “followed” has no points",
            ),
        ],
        id="params_points_missing_choice",
    ),
    pytest.param(
        CITIZEN,
        [["scoring", "D3", "none=0; informal=4; written=7; followed=10; done=10"]],
        [
            Problem(
                "scoring",
                3,
                "points",
                "Lựa chọn “done” không có trong danh sách “plan”",
                "Choice “done” is not in list “plan”",
            ),
        ],
        id="params_points_unknown_choice",
    ),
    pytest.param(
        CITIZEN,
        [["scoring", "D3", "none 0; informal=4"]],
        [
            Problem(
                "scoring",
                3,
                "points",
                "Không đọc được “none 0”; viết dạng lựa_chọn=điểm, cách nhau bằng “;”, ví dụ "
                "“never=0; sometimes=5; often=10”",
                "Cannot read “none 0”; write choice=points separated by “;”, e.g. “never=0; "
                "sometimes=5; often=10”",
            ),
        ],
        id="params_points_unreadable",
    ),
    pytest.param(
        CITIZEN,
        [["scoring", "D3", "none=0; none=4; written=7; followed=10"]],
        [
            Problem(
                "scoring",
                3,
                "points",
                "Lựa chọn “none” được cho điểm hai lần",
                "Choice “none” is given points twice",
            ),
        ],
        id="params_points_twice",
    ),
    pytest.param(
        CITIZEN,
        [["scoring", "E4", "0 to 0:0"]],
        [
            Problem(
                "scoring",
                4,
                "bands",
                "Không đọc được khoảng “0 to 0:0”; viết dạng từ-đến:điểm, cách nhau bằng “;”, "
                "ví dụ “0-0:0; 1-2:5; 3-5:8; 6-:10” (“6-” là từ 6 trở lên)",
                "Cannot read the band “0 to 0:0”; write from-to:points separated by “;”, e.g. "
                "“0-0:0; 1-2:5; 3-5:8; 6-:10” (“6-” means 6 and more)",
            ),
        ],
        id="params_bands_unreadable",
    ),
    pytest.param(
        CITIZEN,
        [["scoring", "E4", "0-0:0; 1-3:5; 3-5:8; 6-:10"]],
        [
            Problem(
                "scoring",
                4,
                "bands",
                "Khoảng chồng lên khoảng trước (đến 3)",
                "Band overlaps the previous one (up to 3)",
            ),
        ],
        id="params_bands_overlap",
    ),
    pytest.param(
        CITIZEN,
        [["scoring", "E4", "0-0:0; 1-:5; 3-5:8"]],
        [
            Problem(
                "scoring",
                4,
                "bands",
                "Chỉ khoảng cuối cùng được để trống cận trên",
                "Only the last band may have no upper bound",
            ),
        ],
        id="params_bands_open_middle",
    ),
    pytest.param(
        CITIZEN,
        [["scoring", "F2", None]],
        [
            Problem(
                "scoring",
                2,
                "cap",
                "Thiếu “cap”",
                "“cap” is missing",
            ),
        ],
        id="params_cap_missing",
    ),
    pytest.param(
        CITIZEN,
        [["scoring", "I5", -1]],
        [
            Problem(
                "scoring",
                5,
                "no_points",
                "Điểm không được âm",
                "Points cannot be negative",
            ),
        ],
        id="params_negative",
    ),
    pytest.param(
        CITIZEN,
        [["scoring", "H5", "co"]],
        [
            Problem(
                "scoring",
                5,
                "yes",
                "Lựa chọn “co” không có trong danh sách “yes_no”",
                "Choice “co” is not in list “yes_no”",
            ),
        ],
        id="params_yes_unknown",
    ),
    pytest.param(
        CITIZEN,
        [["survey", "M16", None]],
        [
            Problem(
                "scoring",
                6,
                "question",
                "Câu hỏi “evidence_score” phải là câu do người kiểm tra chấm (reviewer_only)",
                "Question “evidence_score” must be marked reviewer_only",
            ),
        ],
        id="params_reviewer_not_marked",
    ),
    pytest.param(
        CITIZEN,
        [["scoring", "J6", "sáu"]],
        [
            Problem(
                "scoring",
                6,
                "max",
                "“sáu” không phải là số",
                "“sáu” is not a number",
            ),
        ],
        id="params_number_text",
    ),
    pytest.param(
        CITIZEN,
        [["recognition", "D2", 60]],
        [
            Problem(
                "recognition",
                2,
                "min_total",
                "Ngưỡng 60 điểm vượt tổng điểm 50 của bộ tiêu chí",
                "The threshold 60 is above the set total 50",
            ),
            Problem(
                "recognition",
                3,
                "min_total",
                "Mức “tieu_bieu” có ngưỡng 45 thấp hơn ngưỡng công nhận 60",
                "Level “tieu_bieu” has a threshold 45 below the recognition threshold 60",
            ),
        ],
        id="recognition_above_total",
    ),
    pytest.param(
        CITIZEN,
        [["recognition", "E2", 11]],
        [
            Problem(
                "recognition",
                2,
                "min_indicator",
                "Mức tối thiểu mỗi chỉ số 11 vượt điểm tối đa 10 của chỉ số “CD01”",
                "The minimum per indicator 11 is above the maximum 10 of indicator “CD01”",
            ),
        ],
        id="recognition_min_indicator_above",
    ),
    pytest.param(
        CITIZEN,
        [["recognition", "F2", 50]],
        [
            Problem(
                "recognition",
                2,
                "min_criterion_share",
                "Tỷ lệ tối thiểu mỗi tiêu chí phải từ 0 đến 1 (ví dụ 0,5 là một nửa điểm tối đa)",
                "The minimum share of each criterion must be between 0 and 1 (e.g. 0.5 for half)",
            ),
        ],
        id="recognition_share",
    ),
    pytest.param(
        CITIZEN,
        [["recognition", "F3", 0.5]],
        [
            Problem(
                "recognition",
                3,
                "min_criterion_share",
                "Chỉ dòng đầu (điều kiện công nhận) có min_criterion_share; các mức cao hơn "
                "không có",
                "Only the first row (the recognition rule) takes min_criterion_share; higher "
                "levels do not",
            ),
        ],
        id="recognition_level_share",
    ),
    pytest.param(
        CITIZEN,
        [["recognition", "A4", "tieu_bieu"], ["recognition", "B4", "x"], ["recognition", "D4", 46]],
        [
            Problem(
                "recognition",
                4,
                "code",
                "Mã mức công nhận “tieu_bieu” bị trùng (dòng 3)",
                "Duplicate recognition level code “tieu_bieu” (row 3)",
            ),
        ],
        id="recognition_level_dup",
    ),
    pytest.param(
        CITIZEN,
        [["recognition", "B3", None]],
        [
            Problem(
                "recognition",
                3,
                "label::Tiếng Việt (vi)",
                "Thiếu nhãn tiếng Việt",
                "The Vietnamese label is missing",
            ),
        ],
        id="recognition_level_label",
    ),
    pytest.param(
        CITIZEN,
        [["recognition", "G3", "maybe"]],
        [
            Problem(
                "recognition",
                3,
                "local",
                "“maybe” không phải là có/không; dùng yes hoặc no",
                "“maybe” is not yes/no; use yes or no",
            ),
        ],
        id="recognition_local_bad",
    ),
    pytest.param(
        CITIZEN,
        [
            ["recognition", "A2", None],
            ["recognition", "A3", None],
            ["recognition", "B2", None],
            ["recognition", "B3", None],
            ["recognition", "C2", None],
            ["recognition", "C3", None],
            ["recognition", "D2", None],
            ["recognition", "D3", None],
            ["recognition", "E2", None],
            ["recognition", "E3", None],
            ["recognition", "F2", None],
            ["recognition", "F3", None],
            ["recognition", "G2", None],
            ["recognition", "G3", None],
        ],
        [
            Problem(
                "recognition",
                2,
                None,
                "Cần ít nhất một dòng: điều kiện công nhận",
                "At least one row is needed: the recognition rule",
            ),
        ],
        id="recognition_no_rows",
    ),
    pytest.param(
        CITIZEN,
        [["indicators", "E1", None]],
        [
            Problem(
                "indicators",
                1,
                "max_points",
                "Thiếu cột “max_points”",
                "The column “max_points” is missing",
            ),
        ],
        id="missing_column",
    ),
    pytest.param(
        CITIZEN,
        [["survey", "A18", None]],
        [
            Problem(
                "survey",
                2,
                "type",
                "“begin repeat” chưa có “end repeat”",
                "“begin repeat” has no “end repeat”",
            ),
        ],
        id="repeat_unclosed",
    ),
    pytest.param(
        CITIZEN,
        [["survey", "A8", "begin repeat"]],
        [
            Problem(
                "survey",
                8,
                "type",
                "Không dùng được nhóm lặp (repeat) lồng trong nhóm lặp",
                "A repeat inside a repeat is not supported",
            ),
        ],
        id="repeat_nested",
    ),
    pytest.param(
        CITIZEN,
        [["survey", "A19", "end repeat"]],
        [
            Problem(
                "survey",
                19,
                "type",
                "“end repeat” không có “begin repeat” tương ứng",
                "“end repeat” has no matching “begin repeat”",
            ),
        ],
        id="end_without_begin",
    ),
    pytest.param(
        CITIZEN,
        [["survey", "A8", "begin group"], ["survey", "B8", "g1"]],
        [
            Problem(
                "survey",
                8,
                "type",
                "“begin group” chưa có “end group”",
                "“begin group” has no “end group”",
            ),
        ],
        id="group_unclosed",
    ),
    # Criteria facts: the digital-skills indicator and the groups' cadre and same_as.
    pytest.param(
        CITIZEN,
        [["settings", "O2", "CD99"]],
        [
            Problem(
                "settings",
                2,
                "digital_indicator",
                "Chỉ số kỹ năng số “CD99” không có trong bộ tiêu chí",
                "The digital-skills indicator “CD99” is not an indicator of the set",
            ),
        ],
        id="digital_indicator_unknown",
    ),
    pytest.param(
        CITIZEN,
        [["settings", "O2", None]],
        [
            Problem(
                "settings",
                2,
                "digital_indicator",
                "Đã có digital_min_points nhưng thiếu digital_indicator (mã chỉ số kỹ năng số)",
                "digital_min_points is given but digital_indicator (the digital-skills "
                "indicator code) is missing",
            ),
        ],
        id="digital_indicator_missing",
    ),
    pytest.param(
        CITIZEN,
        [["settings", "P2", None]],
        [
            Problem(
                "settings",
                2,
                "digital_min_points",
                "Đã có digital_indicator nhưng thiếu digital_min_points (điểm kỹ năng số tối "
                "thiểu)",
                "digital_indicator is given but digital_min_points (the points that count as "
                "digital skills) is missing",
            ),
        ],
        id="digital_min_points_missing",
    ),
    pytest.param(
        CITIZEN,
        [["settings", "P2", 12]],
        [
            Problem(
                "settings",
                2,
                "digital_min_points",
                "Điểm kỹ năng số tối thiểu 12 phải từ 0 đến 10 (điểm tối đa của chỉ số “CD05”)",
                "The digital-skills minimum 12 must be between 0 and 10 (the maximum of "
                "indicator “CD05”)",
            ),
        ],
        id="digital_min_points_above_max",
    ),
    pytest.param(
        CITIZEN,
        [["settings", "P2", "-0,5"]],
        [
            Problem(
                "settings",
                2,
                "digital_min_points",
                "Điểm kỹ năng số tối thiểu -0,5 phải từ 0 đến 10 (điểm tối đa của chỉ số “CD05”)",
                "The digital-skills minimum -0.5 must be between 0 and 10 (the maximum of "
                "indicator “CD05”)",
            ),
        ],
        id="digital_min_points_negative",
    ),
    pytest.param(
        CITIZEN,
        [["settings", "P2", "tám"]],
        [
            Problem(
                "settings",
                2,
                "digital_min_points",
                "“tám” không phải là số",
                "“tám” is not a number",
            ),
        ],
        id="digital_min_points_not_a_number",
    ),
    pytest.param(
        CITIZEN,
        [["target_groups", "G2", "cu_dan, hoc_sinh"]],
        [
            Problem(
                "target_groups",
                2,
                "same_as",
                "“hoc_sinh” là nhóm của chính bộ tiêu chí này; same_as chỉ ghi nhóm của bộ "
                "tiêu chí khác",
                "“hoc_sinh” is a group of this same set; same_as lists groups of other sets only",
            ),
        ],
        id="same_as_own_group",
    ),
    pytest.param(
        CITIZEN,
        [["target_groups", "G3", "cu_dan cu_dan"]],
        [
            Problem(
                "target_groups",
                3,
                "same_as",
                "Mã nhóm “cu_dan” được ghi hai lần trong same_as",
                "The group code “cu_dan” is given twice in same_as",
            ),
        ],
        id="same_as_twice",
    ),
    pytest.param(
        CITIZEN,
        [["target_groups", "G2", "cu'dan"]],
        [
            Problem(
                "target_groups",
                2,
                "same_as",
                "Mã nhóm “cu'dan” trong same_as không được trống, chứa dấu cách hay các ký tự "
                "[ ] ' \" #",
                "The group code “cu'dan” in same_as must not be empty or contain spaces or "
                "[ ] ' \" #",
            ),
        ],
        id="same_as_malformed",
    ),
    pytest.param(
        CITIZEN,
        [["target_groups", "F3", "maybe"]],
        [
            Problem(
                "target_groups",
                3,
                "cadre",
                "“maybe” không phải là có/không; dùng yes hoặc no",
                "“maybe” is not yes/no; use yes or no",
            ),
        ],
        id="cadre_not_yes_no",
    ),
]


@pytest.mark.parametrize(("spec_name", "edits", "expected"), CASES)
def test_each_problem_is_reported_at_its_cell(spec_name, edits, expected, make_book):
    path = make_book(SPECS[spec_name](), [tuple(edit) for edit in edits])
    assert problems_of(path) == expected


@pytest.mark.parametrize(("spec_name", "edits", "expected"), CASES)
def test_every_problem_has_an_english_message(spec_name, edits, expected):
    for problem in expected:
        assert problem.en and problem.en != problem.vi
        assert problem.message("en") == problem.en
        assert problem.message("vi") == problem.vi
        assert problem.location("en").startswith("sheet '")
        assert problem.location("vi").startswith("Sheet '")


# A workbook with ten mistakes of different kinds, structural and semantic.
BROKEN_EDITS = [
    ("indicators", "E3", "mười"),  # CD02 max_points is not a number
    ("scoring", "E4", "0-0:0; 1-2:5; 3-5:12; 6-:10"),  # CD03 can now give 12 > 10
    ("survey", "H11", "${sessions} > 0"),  # plan_date refers to a later question
    ("survey", "A13", "decimals"),  # unknown question type
    ("scoring", "B6", "reviewer"),  # unknown rule type
    ("target_groups", "D3", 30),  # hoc_sinh: min_age 30 > max_age 24
    ("criteria", "D4", 15),  # criterion III: 15, its indicators give 10
    ("recognition", "D2", 60),  # threshold 60 above the total 50
    ("choices", "B11", "yes"),  # duplicate choice in yes_no
    ("survey", "H17", "${age} >= 15 and"),  # unfinished expression
]


# What the import says about it, in reading order (sheet by sheet, row by row).
BROKEN_PROBLEMS = [
    Problem(
        "survey",
        11,
        "relevant",
        "“${sessions}” là câu hỏi đứng sau; chỉ được dùng câu hỏi đứng trước",
        "“${sessions}” comes later in the form; only earlier questions can be used",
    ),
    Problem(
        "survey",
        13,
        "type",
        "Loại câu hỏi “decimals” không được hỗ trợ; dùng một trong: integer, decimal, "
        "select_one, select_multiple, text, date, note",
        "Question type “decimals” is not supported; use one of: integer, decimal, select_one, "
        "select_multiple, text, date, note",
    ),
    Problem(
        "survey",
        17,
        "relevant",
        "Biểu thức “relevant” không đọc được: biểu thức kết thúc giữa chừng (ký tự 17)",
        "The “relevant” expression cannot be read: expression ends too early (character 17)",
    ),
    Problem(
        "choices",
        11,
        "name",
        "Mã lựa chọn “yes” bị trùng (dòng 10)",
        "Duplicate choice code “yes” (row 10)",
    ),
    Problem(
        "settings",
        2,
        "total_points",
        "Điểm tối đa các tiêu chí cộng lại là 55, khác tổng điểm 50 của bộ tiêu chí",
        "The criteria add up to 55 points, not the set total 50",
    ),
    Problem(
        "target_groups",
        3,
        "max_age",
        "Tuổi tối đa 24 nhỏ hơn tuổi tối thiểu 30",
        "The maximum age 24 is below the minimum age 30",
    ),
    Problem(
        "criteria",
        4,
        "max_points",
        "Điểm tối đa các chỉ số của tiêu chí “III” cộng lại là 10, khác điểm tối đa 15 của "
        "tiêu chí",
        "The indicators of criterion “III” add up to 10 points, not its maximum 15",
    ),
    Problem(
        "indicators",
        3,
        "max_points",
        "“mười” không phải là số",
        "“mười” is not a number",
    ),
    Problem(
        "indicators",
        4,
        "max_points",
        "Các quy tắc có thể cho tới 12 điểm, vượt điểm tối đa 10 của chỉ số",
        "The rules can give up to 12 points, above the indicator's maximum 10",
    ),
    Problem(
        "scoring",
        6,
        "rule_type",
        "Loại quy tắc “reviewer” không có; dùng một trong: choice_points, checklist, bands, "
        "yes_no, reviewer_score, direct, members_all, members_any, members_count, members_share",
        "Unknown rule type “reviewer”; use one of: choice_points, checklist, bands, yes_no, "
        "reviewer_score, direct, members_all, members_any, members_count, members_share",
    ),
    Problem(
        "recognition",
        2,
        "min_total",
        "Ngưỡng 60 điểm vượt tổng điểm 50 của bộ tiêu chí",
        "The threshold 60 is above the set total 50",
    ),
    Problem(
        "recognition",
        3,
        "min_total",
        "Mức “tieu_bieu” có ngưỡng 45 thấp hơn ngưỡng công nhận 60",
        "Level “tieu_bieu” has a threshold 45 below the recognition threshold 60",
    ),
]


def test_a_broken_workbook_reports_all_its_problems_at_once(make_book):
    path = make_book(build_citizen_spec(), BROKEN_EDITS)
    assert problems_of(path) == BROKEN_PROBLEMS


def test_problem_locations_read_as_excel_shows_them():
    problem = Problem("indicators", 7, "max_points", "Ô trống", "Empty")
    assert problem.location("vi") == "Sheet 'indicators', dòng 7, cột 'max_points'"
    assert problem.location("en") == "sheet 'indicators', row 7, column 'max_points'"
    assert str(problem) == "Sheet 'indicators', dòng 7, cột 'max_points': Ô trống"


def test_the_import_error_holds_every_problem(make_book):
    path = make_book(build_citizen_spec(), BROKEN_EDITS)
    with pytest.raises(CriteriaImportError) as caught:
        read_workbook(path)
    assert len(caught.value.problems) == len(BROKEN_PROBLEMS) == 12
    assert "12 problem(s)" in str(caught.value)


def test_a_missing_sheet_is_reported_and_nothing_else(tmp_path):
    path = tmp_path / "book.xlsx"
    write_workbook(build_citizen_spec(), path)
    workbook = openpyxl.load_workbook(path)
    del workbook["scoring"]
    workbook["indicators"]["E2"] = "x"  # not reported: the semantic check needs every sheet
    workbook.save(path)
    assert problems_of(path) == [
        Problem("indicators", 2, "max_points", "“x” không phải là số", "“x” is not a number"),
        Problem("scoring", None, None, "Thiếu sheet “scoring”", "The sheet “scoring” is missing"),
    ]


# Round trips ----------------------------------------------------------------------------


@pytest.mark.parametrize("build", [build_citizen_spec, build_household_spec])
def test_export_then_import_gives_the_same_spec(build, tmp_path):
    spec = build()
    path = tmp_path / "set.xlsx"
    write_workbook(spec, path)
    assert read_workbook(path) == spec
    buffer = io.BytesIO()
    write_workbook(spec, buffer)
    buffer.seek(0)
    assert read_workbook(buffer, filename="set.xlsx") == spec


def test_the_criteria_facts_are_cells_people_can_type(make_book):
    spec = build_citizen_spec()
    path = make_book(
        spec,
        [
            ("settings", "P2", "7,5"),
            ("target_groups", "F2", "có"),
            ("target_groups", "G2", "cu_dan;dan_cu"),
            ("target_groups", "F3", None),
        ],
    )
    groups = read_workbook(path).target_groups
    assert [(g.code, g.cadre, g.same_as) for g in groups] == [
        ("nong_dan", True, ("cu_dan", "dan_cu")),
        ("hoc_sinh", False, ()),
    ]
    assert read_workbook(path).digital_min_points == 7.5
    sheet = openpyxl.load_workbook(make_book(spec, name="plain.xlsx"))["target_groups"]
    assert [c.value for c in sheet[2]][5:] == [None, "cu_dan dan_cu"]
    assert [c.value for c in sheet[3]][5:] == ["yes", None]


def test_household_questions_between_member_questions_move_before_the_repeat(tmp_path):
    spec = build_household_spec()
    # has_bookshelf, attends_school, books_count, reads_weekly, learning_contents
    shuffled = (spec.questions[0], spec.questions[1], spec.questions[4], *spec.questions[2:4])
    path = tmp_path / "set.xlsx"
    write_workbook(spec.__class__(**{**vars_of(spec), "questions": shuffled}), path)
    read = read_workbook(path)
    assert [q.code for q in read.questions] == [
        "has_bookshelf",
        "books_count",
        "attends_school",
        "reads_weekly",
        "learning_contents",
    ]


def vars_of(spec):
    return {name: getattr(spec, name) for name in spec.__dataclass_fields__}


def test_the_export_is_made_for_people_who_edit_it(tmp_path):
    path = tmp_path / "set.xlsx"
    write_workbook(build_citizen_spec(), path)
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == [
        "survey",
        "choices",
        "settings",
        "target_groups",
        "criteria",
        "indicators",
        "scoring",
        "recognition",
    ]
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in sheet[1])
    scoring = workbook["scoring"]
    rule_types = [
        dv for dv in scoring.data_validations.dataValidation if "reviewer_score" in dv.formula1
    ]
    assert rule_types and str(rule_types[0].sqref) == "B2:B1000"
    assert scoring["D1"].comment is not None  # the "points" header explains its syntax
    assert scoring.column_dimensions["D"].width > 20
    assert workbook["scoring"]["E4"].value == "0-0:0; 1-2:5; 3-5:8; 6-:10"
    assert workbook["scoring"]["D7"].value == "email=4; banking=3.5; public_services=2.5"


# What an officer may type -----------------------------------------------------------------


def test_cells_are_read_the_way_people_type_them(make_book):
    path = make_book(
        build_citizen_spec(),
        [
            ("scoring", "E4", "0:0\n1-2:5\n3-5:8\n6+:10"),  # single values, "+", new lines
            ("scoring", "D7", "email=4; banking=3,5; public_services=2,5"),  # decimal commas
            ("scoring", "F2", "10"),  # a number typed as text
            ("criteria", "D2", "20"),
            ("settings", "J2", "01/01/2024"),  # a Vietnamese date as text
            ("survey", "G9", "TRUE"),
            ("indicators", "F6", "nong_dan,"),
            ("settings", "F2", " citizen "),
        ],
    )
    assert read_workbook(path) == build_citizen_spec()


def test_a_formula_is_kept_as_its_text_and_never_calculated(make_book):
    path = make_book(build_citizen_spec(), [("survey", "C9", '=CONCAT("Nguồn", " tin")')])
    spec = read_workbook(path)
    assert spec.question("info_sources").label.vi == '=CONCAT("Nguồn", " tin")'


def test_text_starting_with_an_equals_sign_survives_a_round_trip(tmp_path):
    spec = build_citizen_spec()
    questions = (
        Question("intro", "member", "note", Label("=== Phần tự học ===", "=== Part 1 ===")),
        *spec.questions[1:],
    )
    spec = spec.__class__(**{**vars_of(spec), "questions": questions})
    path = tmp_path / "set.xlsx"
    write_workbook(spec, path)
    assert read_workbook(path) == spec


def test_other_sheets_columns_and_header_spellings_are_accepted(make_book):
    path = make_book(
        build_citizen_spec(),
        [
            ("indicators", "C1", "label::Vietnamese (vi)"),
            ("criteria", "B1", "Label::Tiếng Việt (vi)"),
            ("criteria", "F1", "ghi chú"),  # a column of the editor's own
            ("criteria", "F2", "xem lại"),
            ("scoring", "M2", "kiểm tra lại"),  # the note column is not a parameter
        ],
    )
    workbook = openpyxl.load_workbook(path)
    notes = workbook.create_sheet("README")
    notes["A1"] = "Ghi chú của người soạn"
    workbook["survey"].title = "renamed"  # (openpyxl refuses a rename that differs by case only)
    workbook["renamed"].title = "Survey"
    workbook.save(path)
    spec = read_workbook(path)
    assert spec == build_citizen_spec()


def test_an_unknown_parameter_column_reaches_the_rule(make_book):
    path = make_book(build_citizen_spec(), [("scoring", "N1", "bonus"), ("scoring", "N2", 2)])
    spec = read_workbook(path)
    assert spec.indicators[0].rules[0].params == {"per_item": 3, "cap": 10, "bonus": 2}


# Refused files ------------------------------------------------------------------------------


def refused(data: bytes, *, filename: str = "set.xlsx") -> Problem:
    with pytest.raises(CriteriaImportError) as caught:
        read_workbook(io.BytesIO(data), filename=filename)
    (problem,) = caught.value.problems
    assert problem.location("en") == "whole file"
    return problem


def valid_bytes() -> bytes:
    buffer = io.BytesIO()
    write_workbook(build_citizen_spec(), buffer)
    return buffer.getvalue()


def rezip(data: bytes, *, replace: dict[str, bytes] = {}, add: dict[str, bytes] = {}) -> bytes:  # noqa: B006
    source = zipfile.ZipFile(io.BytesIO(data))
    target_buffer = io.BytesIO()
    with zipfile.ZipFile(target_buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info)))
        for name, content in add.items():
            target.writestr(name, content)
    return target_buffer.getvalue()


def test_a_text_file_named_xlsx_is_refused():
    problem = refused(b"code: CDHT\nversion: 1\n", filename="bo-tieu-chi.xlsx")
    assert problem.vi == "Tệp không phải là bảng tính Excel (.xlsx) dù có tên “bo-tieu-chi.xlsx”"
    assert problem.en == (
        "The file is not an Excel workbook (.xlsx), although it is named “bo-tieu-chi.xlsx”"
    )


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photo.txt", "not a workbook")
    problem = refused(buffer.getvalue())
    assert problem.en == "This zip archive is not an Excel workbook (.xlsx)"
    assert problem.vi == "Tệp nén này không phải là bảng tính Excel (.xlsx)"


def test_a_truncated_workbook_is_refused():
    data = valid_bytes()
    problem = refused(data[: len(data) // 2])
    assert problem.en == (
        "The Excel file is damaged or incomplete (the upload may have been cut off); save it "
        "again and upload it once more"
    )
    assert problem.vi.startswith("Tệp Excel bị hỏng hoặc không đầy đủ")


def test_a_workbook_with_a_damaged_part_is_refused():
    data = valid_bytes()
    broken = rezip(data, replace={"xl/workbook.xml": b"<workbook><sheets><sheet"})
    problem = refused(broken)
    assert problem.en.startswith("The workbook cannot be read: the file is damaged")


def test_an_old_xls_or_password_protected_file_is_refused():
    problem = refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    assert problem.en.startswith("This is an old Excel file (.xls) or a password-protected one")


def test_an_empty_file_is_refused():
    assert refused(b"").en == "The file is empty"


def test_a_file_over_ten_megabytes_is_refused(tmp_path):
    data = b"PK\x03\x04" + b"\0" * MAX_FILE_BYTES
    problem = refused(data)
    assert problem.en == "The file is too large (over 10 MB); the limit is 10 MB"
    assert problem.vi == "Tệp quá lớn (trên 10 MB); tối đa 10 MB"
    path = tmp_path / "big.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\0" * (11 * 1024 * 1024))
    with pytest.raises(CriteriaImportError) as caught:
        read_workbook(path)
    assert caught.value.problems[0].en == "The file is too large (11.0 MB); the limit is 10 MB"


def test_a_decompression_bomb_is_refused_before_parsing():
    bomb = rezip(valid_bytes(), add={"xl/media/padding.xml": b" " * (20 * 1024 * 1024)})
    assert len(bomb) < 200 * 1024
    problem = refused(bomb)
    assert problem.en.startswith("File refused: part “xl/media/padding.xml” unpacks to 20.0 MB")
    assert problem.en.endswith("the mark of a decompression bomb")
    assert "bom nén" in problem.vi


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData>
</worksheet>"""


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_xml_entity_declarations_are_refused(encoding):
    data = BILLION_LAUGHS.decode().replace('"1.0"?', f'"1.0" encoding="{encoding}"?')
    bomb = rezip(valid_bytes(), replace={"xl/worksheets/sheet1.xml": data.encode(encoding)})
    problem = refused(bomb)
    assert problem.en == (
        "File refused: part “xl/worksheets/sheet1.xml” has an XML DOCTYPE/ENTITY declaration "
        "(an entity-expansion attack); real Excel workbooks have none"
    )


def test_openpyxl_parses_through_defusedxml():
    import defusedxml.ElementTree
    import openpyxl.xml.functions

    assert openpyxl.DEFUSEDXML is True
    assert openpyxl.xml.functions.iterparse is defusedxml.ElementTree.iterparse
    assert openpyxl.xml.functions.fromstring is defusedxml.ElementTree.fromstring


def test_a_sheet_claiming_a_million_rows_is_refused(tmp_path):
    data = valid_bytes()
    source = zipfile.ZipFile(io.BytesIO(data))
    sheet = source.read("xl/worksheets/sheet6.xml").decode()  # indicators
    sheet = sheet.replace(
        "</sheetData>",
        '<row r="1000000"><c r="A1000000" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
    )
    path = tmp_path / "rows.xlsx"
    path.write_bytes(rezip(data, replace={"xl/worksheets/sheet6.xml": sheet.encode()}))
    (problem,) = problems_of(path)
    assert (problem.sheet, problem.row) == ("indicators", 20001)
    assert problem.en.startswith("The sheet has too many rows")


def test_file_like_and_path_sources_read_alike(tmp_path):
    data = valid_bytes()
    path = tmp_path / "set.xlsx"
    path.write_bytes(data)
    assert read_workbook(path) == read_workbook(str(path)) == read_workbook(io.BytesIO(data))


def test_a_path_that_is_not_a_file_is_an_os_error(tmp_path):
    with pytest.raises(OSError):
        read_workbook(Path(tmp_path / "missing.xlsx"))


def test_a_wrong_sheet_dimension_does_not_hide_rows(tmp_path):
    """Some tools write <dimension ref="A1"/>; read-only openpyxl would stop at row 1."""
    data = valid_bytes()
    source = zipfile.ZipFile(io.BytesIO(data))
    replaced = {}
    for name in source.namelist():
        if name.startswith("xl/worksheets/sheet"):
            text = source.read(name).decode()
            start = text.index("<dimension ref=")
            end = text.index("/>", start) + 2
            replaced[name] = (text[:start] + '<dimension ref="A1"/>' + text[end:]).encode()
    path = tmp_path / "dimension.xlsx"
    path.write_bytes(rezip(data, replace=replaced))
    assert read_workbook(path) == build_citizen_spec()
