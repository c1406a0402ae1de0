"""KoboToolbox XLSX and ODK Central CSV zip exports of the round's field form."""

from __future__ import annotations

import io
import uuid
import zipfile

import pytest
from openpyxl import load_workbook

from flows.imports import import_responses
from survey.imports.problems import ImportRefused
from survey.models import HouseholdResponse
from tests.imports.conftest import (
    counts,
    fill_template,
    household_row,
    kobo_export,
    member_rows,
    odk_export,
    submission,
)

INSTANCE = "uuid:6f1c1d8e-3b7a-4a53-9a57-0d1f2e3c4b5a"


def run(round_, user, data: bytes, **options):
    return import_responses(round_=round_, user=user, data=data, filename="export", **options)


def refused(round_, user, data: bytes, **options) -> list[tuple]:
    before = counts()
    with pytest.raises(ImportRefused) as error:
        run(round_, user, data, **options)
    assert counts() == before
    return [(p.sheet, p.row, p.column, p.vi, p.en) for p in error.value.problems]


@pytest.mark.parametrize("export", [kobo_export, odk_export], ids=["kobo", "odk"])
def test_an_export_imports_like_the_paper_form(round_, staff, export):
    data = export(round_, [submission(instance=INSTANCE)])

    report = run(round_, staff, data)

    assert report.source == ("kobo" if export is kobo_export else "odk")
    assert (report.created, report.households, report.members) == (1, 1, 4)
    response = HouseholdResponse.objects.get()
    assert response.source_draft == uuid.UUID(INSTANCE[5:])
    # 2021-07-15T03:12:45Z is the same day in Viet Nam (UTC+7).
    assert str(response.survey_date) == "2021-07-15"
    assert response.answers["reading_materials"] == ["books", "newspapers"]
    members = list(response.members.order_by("position"))
    assert [(m.full_name, m.target_group, m.age) for m in members] == [
        ("Nguyễn Văn An", "nong_dan", 40),
        ("Trần Thị Bình", "can_bo", 35),
        ("Nguyễn Minh Châu", "", 10),
        ("Nguyễn Văn Dũng", "nong_dan", 68),
    ]
    # Not on the field form: left empty, and the import says so.
    assert {(m.ethnicity, m.education, m.relationship) for m in members} == {("", "", "")}
    assert any("không hỏi dân tộc" in w.vi for w in report.warnings)

    # The same answers typed on the paper form give the same stored answers.
    paper = fill_template(round_, [household_row(head_name="Người khác")], member_rows())
    run(round_, staff, paper)
    twin = HouseholdResponse.objects.get(head_name="Người khác")
    assert twin.answers == response.answers
    assert [m.answers for m in twin.members.order_by("position")] == [m.answers for m in members]


def test_a_submission_is_imported_once_whatever_the_tool(round_, staff):
    run(round_, staff, kobo_export(round_, [submission(instance=INSTANCE)]))
    moved = submission(instance=INSTANCE, household={"village": "Thôn 9"})

    problems = refused(round_, staff, odk_export(round_, [moved]))

    assert [(p[0], p[1], p[2]) for p in problems] == [("cdht_v1_gdht_v1.csv", 2, "meta-instanceID")]
    assert problems[0][3].startswith("Hộ Nguyễn Văn An (Thôn 9) đã có trong đợt khảo sát này")


def test_update_corrects_the_submission_found_by_its_instance_id(round_, staff):
    run(round_, staff, kobo_export(round_, [submission(instance=INSTANCE)]))
    response = HouseholdResponse.objects.get()
    response.members.update(ethnicity="02", education="primary", relationship="other")
    moved = submission(instance=INSTANCE, household={"village": "Thôn 9"})

    report = run(round_, staff, odk_export(round_, [moved]), update=True)

    assert (report.created, report.updated) == (0, 1)
    response.refresh_from_db()
    assert (response.village, response.revision) == ("Thôn 9", 2)
    # What the field form cannot carry keeps the values completed on the web.
    assert set(response.members.values_list("ethnicity", "education", "relationship")) == {
        ("02", "primary", "other")
    }


def test_the_same_export_twice_with_update_changes_nothing(round_, staff):
    other = submission(household={"head_name": "Lò Thị Mai"})
    data = kobo_export(round_, [submission(instance=INSTANCE), other])
    run(round_, staff, data)
    before = counts()

    report = run(round_, staff, data, update=True)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert counts() == before


def test_kobo_member_without_a_household(round_, staff):
    data = kobo_export(round_, [submission()])
    workbook = load_workbook(io.BytesIO(data))
    members = workbook["members"]
    parent = next(c.column_letter for c in members[1] if c.value == "_parent_index")
    members[f"{parent}3"] = 99
    buffer = io.BytesIO()
    workbook.save(buffer)

    assert refused(round_, staff, buffer.getvalue()) == [
        (
            "members",
            3,
            f"{parent}: _parent_index",
            "Thành viên không thuộc hộ nào: không có phiếu nào có _index “99”",
            "A member without a household: no submission has _index “99”",
        )
    ]


def test_odk_member_without_a_household(round_, staff):
    data = odk_export(round_, [submission(instance=INSTANCE)])
    archive = zipfile.ZipFile(io.BytesIO(data))
    text = archive.read("cdht_v1_gdht_v1-members.csv").decode()
    lines = text.splitlines()
    lines[2] = lines[2].replace(INSTANCE + ",", "uuid:lost,", 1)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        target.writestr("cdht_v1_gdht_v1.csv", archive.read("cdht_v1_gdht_v1.csv"))
        target.writestr("cdht_v1_gdht_v1-members.csv", "\n".join(lines) + "\n")

    assert refused(round_, staff, out.getvalue()) == [
        (
            "cdht_v1_gdht_v1-members.csv",
            3,
            "PARENT_KEY",
            "Thành viên không thuộc hộ nào: không có phiếu nào có KEY “uuid:lost”",
            "A member without a household: no submission has KEY “uuid:lost”",
        )
    ]


def test_errors_are_located_by_the_tools_own_headers(round_, staff):
    people = member_rows()
    people[0]["community_sessions_12m"] = "400"
    people[1]["learning_plan"] = ""
    data = kobo_export(round_, [submission(unit_code="04522", members=people)])
    workbook = load_workbook(io.BytesIO(data))

    def letter(sheet: str, header: str) -> str:
        return next(c.column_letter for c in workbook[sheet][1] if c.value == header)

    main = workbook.sheetnames[0]
    problems = refused(round_, staff, data)

    assert [p[:3] for p in problems] == [
        (main, 2, f"{letter(main, 'household/commune_code')}: household/commune_code"),
        (
            "members",
            2,
            f"{letter('members', 'members/set_cdht_v1_member/community_sessions_12m')}: "
            "members/set_cdht_v1_member/community_sessions_12m",
        ),
        (
            "members",
            3,
            f"{letter('members', 'members/set_cdht_v1_member/learning_plan')}: "
            "members/set_cdht_v1_member/learning_plan",
        ),
    ]
    assert problems[0][3] == "Bạn không được nhập số liệu cho Xã Cường Thịnh (04522) trong đợt này"
    assert problems[1][3] == "Số buổi phải từ 0 đến 365."


def test_headers_without_group_names_or_with_another_separator(round_, staff):
    data = kobo_export(round_, [submission(instance=INSTANCE)])
    workbook = load_workbook(io.BytesIO(data))
    for sheet in workbook.worksheets:
        for cell in sheet[1]:
            if cell.value and "/" in cell.value and not cell.value.startswith("_"):
                parts = cell.value.split("/")
                # Kobo's "no group names" option for the main sheet, "." elsewhere.
                cell.value = parts[-1] if sheet.title == "members" else ".".join(parts)
    buffer = io.BytesIO()
    workbook.save(buffer)

    assert run(round_, staff, buffer.getvalue()).created == 1


def test_a_missing_form_column(round_, staff):
    data = odk_export(round_, [submission()])
    archive = zipfile.ZipFile(io.BytesIO(data))
    rows = archive.read("cdht_v1_gdht_v1-members.csv").decode().splitlines()
    header = rows[0].split(",")
    drop = header.index("birth_year")
    cut = [",".join(v for i, v in enumerate(line.split(",")) if i != drop) for line in rows]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        target.writestr("cdht_v1_gdht_v1.csv", archive.read("cdht_v1_gdht_v1.csv"))
        target.writestr("cdht_v1_gdht_v1-members.csv", "\n".join(cut) + "\n")

    assert refused(round_, staff, out.getvalue()) == [
        (
            "cdht_v1_gdht_v1-members.csv",
            1,
            None,
            "Thiếu cột “members/birth_year” của biểu mẫu; hãy xuất lại tệp với tên trường XML "
            "(XML values and headers) từ biểu mẫu của đợt này",
            "The form's “members/birth_year” column is missing; export again with XML names "
            "(XML values and headers) from this round's form",
        )
    ]


def test_the_same_submission_twice_in_one_file(round_, staff):
    data = kobo_export(round_, [submission(instance=INSTANCE), submission(instance=INSTANCE)])
    problems = refused(round_, staff, data)
    assert [(p[1], p[3]) for p in problems] == [
        (3, f"Phiếu “{INSTANCE[5:]}” xuất hiện hai lần (trùng với dòng 2)")
    ]


def test_the_survey_date_is_the_submission_day_in_viet_nam(round_, staff):
    late = submission(instance=INSTANCE, submitted="2021-07-14T18:30:00.000Z")
    run(round_, staff, odk_export(round_, [late]))
    assert str(HouseholdResponse.objects.get().survey_date) == "2021-07-15"


def test_a_submission_after_the_round_is_refused(round_, staff):
    late = submission(submitted="2022-01-03T02:00:00.000Z")
    problems = refused(round_, staff, odk_export(round_, [late]))
    assert [(p[0], p[1], p[2]) for p in problems] == [("cdht_v1_gdht_v1.csv", 2, "SubmissionDate")]


def test_the_source_must_match_the_file(round_, staff):
    data = kobo_export(round_, [submission()])
    assert refused(round_, staff, data, source="odk") == [
        (
            None,
            None,
            None,
            "Nguồn đã chọn cần tệp .zip CSV của ODK Central",
            "The chosen source needs an ODK Central CSV zip",
        )
    ]


def test_an_export_with_labels_as_headers(round_, staff):
    data = kobo_export(round_, [submission()])
    workbook = load_workbook(io.BytesIO(data))
    for sheet in workbook.worksheets:
        for cell in sheet[1]:
            if cell.value and not cell.value.startswith("_"):
                cell.value = f"Câu hỏi {cell.column}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    [problem] = refused(round_, staff, buffer.getvalue())
    assert problem[:3] == (None, None, None)
    assert problem[3].startswith("Không thấy cột nào mang tên trường của biểu mẫu đợt này")
