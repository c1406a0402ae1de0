"""Build docs/examples/criteria-example.xlsx, the annotated example criteria workbook.

Run from the project root:  .venv/bin/python docs/examples/make_example.py

The example is a small household set ("Gia đình học tập", made up for the
documentation) that uses every rule type: the six rules scored from one
answer on household questions, and the four rules computed from the members.
The workbook is written by ``criteria.workbook.write_workbook``, then gets a
README sheet and cell notes; timestamps are fixed so that running the script
again gives the same file.
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from openpyxl import load_workbook  # noqa: E402
from openpyxl.comments import Comment  # noqa: E402
from openpyxl.styles import Alignment, Font  # noqa: E402

from criteria.spec import (  # noqa: E402
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
from criteria.workbook import write_workbook  # noqa: E402

TARGET = Path(__file__).with_name("criteria-example.xlsx")
FIXED_TIME = (2025, 1, 1, 0, 0, 0)


def choices(name: str, *items: tuple[str, str, str]) -> ChoiceList:
    return ChoiceList(name, tuple(Choice(code, Label(vi, en)) for code, vi, en in items))


def build_example_spec() -> CriteriaSpec:
    """Return the example set: 3 criteria, 5 indicators, every rule type once or more."""
    age_6_14 = "${age} >= 6 and ${age} <= 14"
    return CriteriaSpec(
        code="VIDU-GDHT",
        version=1,
        subject="household",
        status="draft",
        title=Label("Gia đình học tập (ví dụ)", "Learning Family (example)"),
        legal_basis="Ví dụ cho tài liệu, không phải văn bản ban hành",
        description=Label(
            "Bộ tiêu chí nhỏ để minh hoạ định dạng bảng tính; các con số là giả định.",
            "A small set to show the workbook format; the numbers are made up.",
        ),
        local_choices=(
            "Toàn bộ bộ tiêu chí này là ví dụ [địa phương] (The whole set is an example [local])",
        ),
        total_points=50.0,
        recognition=Recognition(
            min_total=40.0,
            min_criterion_share=0.5,
            label=Label("Đạt Gia đình học tập", "Recognised as a Learning Family"),
            levels=(Level("tieu_bieu", Label("Tiêu biểu", "Outstanding"), 45.0, None, True),),
        ),
        target_groups=(
            TargetGroup("tre_em", Label("Trẻ em", "Children"), 6, 14),
            TargetGroup("nguoi_lon", Label("Người lớn", "Adults"), 15, None),
        ),
        criteria=(
            Criterion("H1", Label("Học tập của trẻ em", "Children's learning"), 10.0),
            Criterion("H2", Label("Học tập của người lớn", "Adults' learning"), 20.0),
            Criterion("H3", Label("Điều kiện học tập", "Learning conditions"), 20.0),
        ),
        indicators=(
            Indicator(
                "VD01",
                "H1",
                Label("Mọi trẻ 6–14 tuổi đều đi học", "Every child aged 6–14 attends school"),
                10.0,
                (
                    Rule(
                        "members_all",
                        None,
                        {"condition": age_6_14, "test": "${attends_school} = 'yes'", "points": 10},
                    ),
                ),
                when_not_applicable="full",
            ),
            Indicator(
                "VD02",
                "H2",
                Label("Người lớn học tập", "Adults learn"),
                10.0,
                (
                    Rule(
                        "members_share",
                        None,
                        {
                            "condition": "${age} >= 15",
                            "test": "${learning_contents} >= 1",
                            "points": 6,
                        },
                    ),
                    Rule(
                        "members_any",
                        None,
                        {"condition": "${age} >= 15", "test": "${recognised} = 1", "points": 4},
                    ),
                ),
            ),
            Indicator(
                "VD03",
                "H2",
                Label("Đọc sách hằng tuần", "Reads every week"),
                10.0,
                (
                    Rule(
                        "members_count",
                        None,
                        {
                            "test": "${reads_weekly} = 'yes'",
                            "bands": [
                                {"min": 0, "max": 0, "points": 0},
                                {"min": 1, "max": 1, "points": 4},
                                {"min": 2, "points": 6},
                            ],
                        },
                    ),
                    Rule("reviewer_score", "reading_evidence", {"max": 4}),
                ),
            ),
            Indicator(
                "VD04",
                "H3",
                Label("Sách báo trong nhà", "Books and newspapers at home"),
                10.0,
                (
                    Rule(
                        "checklist",
                        "reading_materials",
                        {"points": {"books": 3, "newspapers": 1, "reading_corner": 2}, "cap": 6},
                    ),
                    Rule(
                        "bands",
                        "books_count",
                        {
                            "bands": [
                                {"min": 0, "max": 0, "points": 0},
                                {"min": 1, "max": 19, "points": 2},
                                {"min": 20, "points": 4},
                            ]
                        },
                    ),
                ),
            ),
            Indicator(
                "VD05",
                "H3",
                Label("Internet, thiết bị, chỗ học", "Internet, devices, a place to study"),
                10.0,
                (
                    Rule("yes_no", "internet", {"points": 2, "yes": "yes", "no_points": 0}),
                    Rule("checklist", "devices", {"per_item": 1, "cap": 2}),
                    Rule(
                        "choice_points",
                        "study_place",
                        {"points": {"none": 0, "shared": 2, "own": 4}},
                    ),
                    Rule("direct", "study_habit", {}),
                ),
            ),
        ),
        questions=(
            Question(
                "reading_materials",
                "household",
                "select_multiple",
                Label("Gia đình có những gì để đọc?", "What does the household have to read?"),
                choice_list="reading_materials",
            ),
            Question(
                "books_count",
                "household",
                "integer",
                Label("Gia đình có khoảng bao nhiêu cuốn sách?", "About how many books?"),
                relevant="selected(${reading_materials}, 'books')",
                constraint=". >= 0 and . <= 10000",
                constraint_message=Label("Từ 0 đến 10000", "From 0 to 10000"),
            ),
            Question(
                "internet",
                "household",
                "select_one",
                Label("Nhà có Internet không?", "Is there Internet at home?"),
                choice_list="yes_no",
                required=True,
            ),
            Question(
                "devices",
                "household",
                "select_multiple",
                Label("Thiết bị dùng để học", "Devices used for learning"),
                choice_list="devices",
            ),
            Question(
                "study_place",
                "household",
                "select_one",
                Label("Trẻ có chỗ học riêng không?", "Do the children have a place to study?"),
                choice_list="study_place",
            ),
            Question(
                "study_habit",
                "household",
                "decimal",
                Label("Gia đình tự chấm nếp học ở nhà (0–2)", "Home study habit, self-rated (0–2)"),
                constraint=". >= 0 and . <= 2",
                constraint_message=Label("Từ 0 đến 2", "From 0 to 2"),
            ),
            Question(
                "attends_school",
                "member",
                "select_one",
                Label("Cháu có đang đi học không?", "Does the child attend school?"),
                choice_list="yes_no",
                relevant=age_6_14,
                required=True,
            ),
            Question(
                "learning_contents",
                "member",
                "integer",
                Label("Số nội dung đã học trong 12 tháng", "Learning contents in 12 months"),
                hint=Label("Lớp tập huấn, chuyên đề, khoá học", "Classes, talks, courses"),
                relevant="${age} >= 15",
                constraint=". >= 0",
            ),
            Question(
                "reads_weekly",
                "member",
                "select_one",
                Label("Có đọc sách báo hằng tuần không?", "Reads every week?"),
                choice_list="yes_no",
            ),
            Question(
                "reading_evidence",
                "household",
                "decimal",
                Label("Điểm minh chứng về đọc sách (0–4)", "Reading evidence score (0–4)"),
                hint=Label("Ban khuyến học xã chấm", "Scored by the commune reviewer"),
                constraint=". >= 0 and . <= 4",
                reviewer_only=True,
            ),
        ),
        choice_lists=(
            choices("yes_no", ("yes", "Có", "Yes"), ("no", "Không", "No")),
            choices(
                "reading_materials",
                ("books", "Sách", "Books"),
                ("newspapers", "Báo, tạp chí", "Newspapers"),
                ("reading_corner", "Góc học tập, tủ sách", "A reading corner"),
            ),
            choices(
                "devices",
                ("phone", "Điện thoại thông minh", "Smartphone"),
                ("computer", "Máy tính", "Computer"),
                ("tablet", "Máy tính bảng", "Tablet"),
            ),
            choices(
                "study_place",
                ("none", "Không có", "None"),
                ("shared", "Dùng chung", "Shared"),
                ("own", "Có chỗ riêng", "Their own"),
            ),
        ),
    )


README = [
    ("Sheet", "Tiếng Việt", "English"),
    (
        "(chung)",
        "Tệp này vừa là bộ tiêu chí vừa là một XLSForm hợp lệ. Sửa trong Excel rồi tải lên "
        "trang “Bộ tiêu chí”; phần mềm kiểm tra toàn bộ và liệt kê mọi lỗi với sheet, dòng, "
        "cột. Sheet README này và các ghi chú không được đọc. Xem docs/criteria-format.md.",
        "This file is both the criteria set and a valid XLSForm. Edit it in Excel, then upload "
        "it on the criteria page; every problem is listed with its sheet, row and column. This "
        "README sheet and the notes are not read. See docs/criteria-format.md.",
    ),
    (
        "survey",
        "Câu hỏi. Câu hỏi cấp hộ nằm ngoài nhóm lặp; câu hỏi cho từng thành viên nằm giữa "
        "“begin repeat members” và “end repeat”. Các dòng role = profile (họ tên, giới tính, "
        "năm sinh, nhóm đối tượng, tuổi) do phần mềm tạo, không sửa.",
        "Questions. Household questions sit outside the repeat; questions for each member sit "
        "between “begin repeat members” and “end repeat”. Rows with role = profile (name, sex, "
        "year of birth, target group, age) are generated; leave them.",
    ),
    (
        "choices",
        "Danh sách lựa chọn: list_name, name (mã, không dấu cách), nhãn.",
        "Choice lists: list_name, name (a code without spaces), labels.",
    ),
    (
        "settings",
        "Một dòng: form_title (tên), form_id (mã bộ), version, subject (citizen/household), "
        "total_points, thời hạn hiệu lực, mô tả, lựa chọn của địa phương (mỗi dòng một ý), "
        "chỉ số kỹ năng số và điểm tối thiểu của nó (digital_indicator, digital_min_points; "
        "để trống ở bộ hộ gia đình).",
        "One row: form_title, form_id (set code), version, subject (citizen/household), "
        "total_points, validity dates, description, local choices (one per line), the "
        "digital-skills indicator and its minimum (digital_indicator, digital_min_points; "
        "empty in a household set).",
    ),
    (
        "target_groups",
        "Nhóm đối tượng với độ tuổi (min_age, max_age), cadre (yes: tính là cán bộ) và "
        "same_as (mã nhóm tương ứng ở bộ tiêu chí khác).",
        "Target groups with their ages (min_age, max_age), cadre (yes: counted as cadres) and "
        "same_as (codes of the matching groups in other sets).",
    ),
    (
        "criteria",
        "Tiêu chí (nhóm chỉ số) và điểm tối đa; các tiêu chí cộng lại bằng total_points.",
        "Criteria (groups of indicators) and their maximum; they add up to total_points.",
    ),
    (
        "indicators",
        "Chỉ số: tiêu chí, điểm tối đa (cộng lại bằng điểm tiêu chí), nhóm áp dụng, cách tính "
        "khi không áp dụng (rescale: bỏ ra và quy đổi; full: cho đủ điểm).",
        "Indicators: criterion, maximum (adding up to the criterion's), groups it applies to, "
        "what happens when it does not apply (rescale or full).",
    ),
    (
        "scoring",
        "Mỗi dòng một quy tắc chấm điểm. Điểm của chỉ số = tổng điểm các quy tắc, không vượt "
        "điểm tối đa. Loại quy tắc: choice_points, checklist, bands, yes_no, reviewer_score, "
        "direct (theo một câu hỏi); members_all, members_any, members_count, members_share "
        "(tính từ các thành viên, chỉ cho bộ tiêu chí hộ).",
        "One scoring rule per row; an indicator's points are the sum of its rules, capped at "
        "its maximum. Rule types: choice_points, checklist, bands, yes_no, reviewer_score, "
        "direct (from one question); members_all, members_any, members_count, members_share "
        "(from the members, household sets only).",
    ),
    (
        "recognition",
        "Dòng đầu: điều kiện công nhận (min_total, min_indicator, min_criterion_share). Các "
        "dòng sau: mức cao hơn do địa phương đặt (local = yes).",
        "First row: the recognition rule. Further rows: higher levels set locally (local = yes).",
    ),
    (
        "biểu thức / expressions",
        "relevant, constraint, condition, test viết theo XLSForm: ${tên_câu_hỏi}, . (câu trả "
        "lời đang kiểm tra), số, 'chữ', = != < <= > >=, + - * div mod, and, or, not(), "
        "selected(), count-selected(), string-length(). Thông tin thành viên: ${age}, "
        "${sex}, ${target_group}; sau khi chấm: ${recognised}, ${total}.",
        "relevant, constraint, condition and test use XLSForm syntax: ${question_name}, . (the "
        "answer being checked), numbers, 'text', comparisons, arithmetic, and, or, not(), "
        "selected(), count-selected(), string-length(). Member details: ${age}, ${sex}, "
        "${target_group}; after scoring: ${recognised}, ${total}.",
    ),
]

# Notes on cells of the scoring sheet, one per rule row (row 2 is the first rule).
RULE_NOTES = {
    2: "members_all: 10 điểm nếu mọi trẻ 6–14 tuổi đều đi học; nhà không có trẻ 6–14 tuổi "
    "được đủ điểm vì when_not_applicable = full.",
    3: "members_share: 6 × tỷ lệ người từ 15 tuổi đã học ít nhất 1 nội dung.",
    4: "members_any: 4 điểm nếu ít nhất một người từ 15 tuổi đạt Công dân học tập.",
    5: "members_count: đếm người đọc sách hằng tuần; 0 người → 0, 1 → 4, từ 2 → 6.",
    6: "reviewer_score: người kiểm tra chấm 0–4 theo minh chứng (câu hỏi reviewer_only).",
    7: "checklist có điểm từng mục: sách 3, báo 1, góc học tập 2, tối đa 6.",
    8: "bands: 0 cuốn → 0, 1–19 → 2, từ 20 → 4 (“20-” là từ 20 trở lên).",
    9: "yes_no: có Internet → 2, không → 0.",
    10: "checklist theo số mục: mỗi thiết bị 1 điểm, tối đa 2.",
    11: "choice_points: điểm theo lựa chọn; phải cho điểm mọi lựa chọn của danh sách.",
    12: "direct: điểm bằng số trả lời (0–2), không vượt điểm tối đa của chỉ số.",
}


def annotate(path: Path) -> None:
    """Add the README sheet and the notes on the scoring rows."""
    workbook = load_workbook(path)
    sheet = workbook.create_sheet("README", 0)
    for row in README:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, width in (("A", 22), ("B", 80), ("C", 80)):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    scoring = workbook["scoring"]
    for row, note in RULE_NOTES.items():
        scoring.cell(row=row, column=2).comment = Comment(note, "criteria docs")
    workbook.active = 0
    workbook.save(path)


def normalise(data: bytes) -> bytes:
    """Fix the zip entry times and the document dates so the file is reproducible."""
    source = zipfile.ZipFile(io.BytesIO(data))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in sorted(source.infolist(), key=lambda i: i.filename):
            content = source.read(info)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*",
                    rb"\g<1>2025-01-01T00:00:00Z",
                    content,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, content)
    return target.getvalue()


def write_example(target: Path = TARGET) -> Path:
    """Write the annotated example workbook to ``target``; return the path."""
    write_workbook(build_example_spec(), target)
    annotate(target)
    target.write_bytes(normalise(target.read_bytes()))
    return target


if __name__ == "__main__":
    print(write_example())
