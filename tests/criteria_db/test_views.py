"""The criteria pages through Django's test client: who sees what, preview, paper form,
exports, the upload with its preview before saving, and the versioning buttons."""

from __future__ import annotations

import html
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from pyxform.xls2xform import convert

from accounts.roles import ADMINISTRATOR, COMMITTEE, SURVEYOR
from criteria import models as m
from criteria.files import MAX_BYTES
from criteria.services import create_draft_version, load_spec, save_spec
from criteria.workbook import read_workbook, write_workbook
from criteria.yaml_io import dump_yaml, read_yaml
from tests.criteria.conftest import build_citizen_spec
from tests.criteria_db.conftest import counts, shipped_spec, snapshot

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UPLOAD = "/criteria/upload/"
SESSION_KEY = "criteria_upload"
LOCKED_CDHT_1 = (
    "Bộ tiêu chí CDHT phiên bản 1 đã ban hành, không thể sửa. Hãy tạo phiên bản nháp mới."
)

# CDHT v1 as each group is asked it (member questions, in order).
CDHT_1_COMMON_START = [
    "info_sources",
    "learning_plan",
    "community_sessions_12m",
    "community_venues",
    "encourages_learning",
    "encouragement_evidence",
    "digital_skills",
]
CDHT_1_COMMON_END = [
    "checks_before_sharing",
    "weighs_options",
    "friendly_relations",
    "conflict_response",
    "community_activities_12m",
    "community_activity_kinds",
]
CDHT_1_ASKED = {
    "nong_dan": [
        *CDHT_1_COMMON_START,
        "numeracy",
        "work_improvement",
        "farming_improvements",
        *CDHT_1_COMMON_END,
    ],
    "cong_nhan": [
        *CDHT_1_COMMON_START,
        "numeracy",
        "work_improvement",
        "workplace_improvements",
        *CDHT_1_COMMON_END,
    ],
    "can_bo": [
        *CDHT_1_COMMON_START,
        "foreign_language_level",
        "foreign_languages",
        "foreign_language_certificate",
        "numeracy",
        "work_improvement",
        "workplace_improvements",
        *CDHT_1_COMMON_END,
    ],
}

# Five mistakes in the citizen test workbook: (sheet, cell, value).
BROKEN_EDITS = [
    ("survey", "A13", "decimals"),  # unknown question type
    ("choices", "B11", "yes"),  # a choice code twice in yes_no
    ("target_groups", "D3", 30),  # hoc_sinh: min_age 30 > max_age 24
    ("scoring", "B6", "reviewer"),  # unknown rule type
    ("recognition", "D2", 60),  # threshold above the total (and above the higher level)
]
BROKEN_VI = [
    (
        "Sheet 'survey', dòng 13, cột 'type'",
        "Loại câu hỏi “decimals” không được hỗ trợ; dùng một trong: integer, decimal, "
        "select_one, select_multiple, text, date, note",
    ),
    ("Sheet 'choices', dòng 11, cột 'name'", "Mã lựa chọn “yes” bị trùng (dòng 10)"),
    ("Sheet 'target_groups', dòng 3, cột 'max_age'", "Tuổi tối đa 24 nhỏ hơn tuổi tối thiểu 30"),
    (
        "Sheet 'scoring', dòng 6, cột 'rule_type'",
        "Loại quy tắc “reviewer” không có; dùng một trong: choice_points, checklist, bands, "
        "yes_no, reviewer_score, direct, members_all, members_any, members_count, members_share",
    ),
    (
        "Sheet 'recognition', dòng 2, cột 'min_total'",
        "Ngưỡng 60 điểm vượt tổng điểm 50 của bộ tiêu chí",
    ),
    (
        "Sheet 'recognition', dòng 3, cột 'min_total'",
        "Mức “tieu_bieu” có ngưỡng 45 thấp hơn ngưỡng công nhận 60",
    ),
]
BROKEN_EN = [
    (
        "sheet 'survey', row 13, column 'type'",
        "Question type “decimals” is not supported; use one of: integer, decimal, select_one, "
        "select_multiple, text, date, note",
    ),
    ("sheet 'choices', row 11, column 'name'", "Duplicate choice code “yes” (row 10)"),
    (
        "sheet 'target_groups', row 3, column 'max_age'",
        "The maximum age 24 is below the minimum age 30",
    ),
    (
        "sheet 'scoring', row 6, column 'rule_type'",
        "Unknown rule type “reviewer”; use one of: choice_points, checklist, bands, yes_no, "
        "reviewer_score, direct, members_all, members_any, members_count, members_share",
    ),
    (
        "sheet 'recognition', row 2, column 'min_total'",
        "The threshold 60 is above the set total 50",
    ),
    (
        "sheet 'recognition', row 3, column 'min_total'",
        "Level “tieu_bieu” has a threshold 45 below the recognition threshold 60",
    ),
]


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


DOCX = _docx()


# Helpers ---------------------------------------------------------------------------------


def text(response) -> str:
    return html.unescape(response.content.decode())


def downloaded(response) -> bytes:
    return b"".join(response.streaming_content)


def messages_of(response) -> list[str]:
    """Return the messages a redirect carries, and mark them shown (as the next page would)."""
    storage = get_messages(response.wsgi_request)
    shown = [str(message) for message in storage]
    response.client.cookies.pop("messages", None)
    return shown


def listed_sets(response) -> list[tuple[str, int, str]]:
    """Return (code, version, status) of each row of the criteria list."""
    table = re.search(r'data-testid="criteria-list".*?<tbody>(.*?)</tbody>', text(response), re.S)
    return [
        (code, int(version), status)
        for code, version, status in re.findall(
            r"<tr><td><a [^>]*>([^<]*)</a></td><td>(\d+)</td>.*?status-(\w+)", table.group(1)
        )
    ]


def question_codes(response) -> list[str]:
    return re.findall(r'<div class="question [^"]*" data-code="([^"]+)"', text(response))


def problem_rows(response) -> list[tuple[str, str]]:
    found = re.search(r'data-testid="problems".*?<tbody>(.*?)</tbody>', text(response), re.S)
    assert found is not None, "no problem table on the page"
    return re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td></tr>", found.group(1))


def workbook_bytes(spec, edits=()) -> bytes:
    buffer = io.BytesIO()
    write_workbook(spec, buffer)
    if not edits:
        return buffer.getvalue()
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    for sheet, cell, value in edits:
        book[sheet][cell] = value
    edited = io.BytesIO()
    book.save(edited)
    return edited.getvalue()


def upload(client, data: bytes, name: str = "bo-tieu-chi.xlsx"):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, data)})


def confirm(client):
    token = client.session[SESSION_KEY]["token"]
    return client.post(UPLOAD, {"confirm": "1", "token": token})


@pytest.fixture
def login(client, make_user):
    """Return a helper that signs the test client in with a new user of ``role``."""

    def as_role(role: str):
        client.force_login(make_user(role))
        return client

    return as_role


@pytest.fixture
def draft(shipped) -> m.CriteriaSet:
    """A draft CDHT v3 made from the published v2."""
    return create_draft_version(criteria_set=shipped["CDHT", 2])


# Who may see and do what -----------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(client, shipped, draft):
    pk = shipped["CDHT", 1].pk
    for url in (
        "/criteria/",
        UPLOAD,
        f"/criteria/{pk}/",
        f"/criteria/{pk}/preview/",
        f"/criteria/{pk}/paper/",
        f"/criteria/{pk}/export/xlsx/",
        f"/criteria/{pk}/diff/{shipped['CDHT', 2].pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"/accounts/login/?next={url}"
    before = snapshot()
    for action in ("publish", "retire", "new-version"):
        response = client.post(f"/criteria/{draft.pk}/{action}/")
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next=/criteria/{draft.pk}/{action}/"
    assert snapshot() == before


@pytest.mark.parametrize("role", [SURVEYOR, COMMITTEE])
def test_other_roles_see_published_sets_but_not_drafts(login, shipped, draft, role):
    client = login(role)
    retired = shipped["GDHT", 1]
    retired.status = "retired"
    retired.save(update_fields=["status"])
    response = client.get("/criteria/")
    assert response.status_code == 200
    assert listed_sets(response) == [
        ("CDHT", 2, "published"),
        ("CDHT", 1, "published"),
        ("GDHT", 1, "retired"),
    ]
    assert UPLOAD not in text(response)
    assert client.get(f"/criteria/{shipped['CDHT', 1].pk}/").status_code == 200
    for url in (
        f"/criteria/{draft.pk}/",
        f"/criteria/{draft.pk}/preview/",
        f"/criteria/{draft.pk}/paper/",
        f"/criteria/{draft.pk}/export/yaml/",
        f"/criteria/{shipped['CDHT', 2].pk}/diff/{draft.pk}/",
    ):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("role", [SURVEYOR, COMMITTEE])
def test_other_roles_cannot_upload_publish_retire_or_make_versions(login, shipped, draft, role):
    client = login(role)
    before = snapshot()
    assert client.get(UPLOAD).status_code == 403
    response = upload(client, workbook_bytes(build_citizen_spec()))
    assert response.status_code == 403
    assert SESSION_KEY not in client.session
    assert client.post(f"/criteria/{draft.pk}/publish/").status_code == 403
    assert client.post(f"/criteria/{shipped['CDHT', 1].pk}/retire/").status_code == 403
    assert client.post(f"/criteria/{shipped['CDHT', 1].pk}/new-version/").status_code == 403
    assert snapshot() == before


def test_a_user_without_a_role_sees_no_set(client, shipped):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert listed_sets(client.get("/criteria/")) == []
    assert client.get(f"/criteria/{shipped['CDHT', 1].pk}/").status_code == 404


def test_an_administrator_sees_drafts_and_the_management_buttons(login, shipped, draft):
    client = login(ADMINISTRATOR)
    response = client.get("/criteria/")
    assert listed_sets(response) == [
        ("CDHT", 3, "draft"),
        ("CDHT", 2, "published"),
        ("CDHT", 1, "published"),
        ("GDHT", 1, "published"),
    ]
    assert f'href="{UPLOAD}"' in text(response)
    page = text(client.get(f"/criteria/{draft.pk}/"))
    assert f'action="/criteria/{draft.pk}/publish/"' in page
    assert "/retire/" not in page
    page = text(client.get(f"/criteria/{shipped['CDHT', 1].pk}/"))
    assert f'action="/criteria/{shipped["CDHT", 1].pk}/new-version/"' in page
    assert f'action="/criteria/{shipped["CDHT", 1].pk}/retire/"' in page
    assert "/publish/" not in page
    assert client.get(UPLOAD).status_code == 200


# Detail, preview and paper form ----------------------------------------------------------


def test_the_detail_page_shows_the_recognition_rule_and_the_local_choices(login, shipped):
    client = login(SURVEYOR)
    page = text(client.get(f"/criteria/{shipped['CDHT', 1].pk}/"))
    assert "<dt>Công nhận</dt><dd>tổng điểm ≥ 80, không chỉ số nào dưới 5</dd>" in page
    assert (
        "<dt>Công dân học tập tiêu biểu</dt><dd>≥ 90, mỗi chỉ số ≥ 8 "
        '<span class="badge local">lựa chọn của địa phương</span></dd>'
    ) in page
    section = re.search(r'<section class="card local-choices">(.*?)</section>', page, re.S)
    assert "<h2>Các điểm là lựa chọn của địa phương (không phải quy định đã ban hành)</h2>" in (
        section.group(1)
    )
    assert re.findall(r"<li>(.*?)</li>", section.group(1)) == list(
        shipped_spec("cdht-2020.yaml").local_choices
    )
    # Each indicator with its rule in words.
    assert (
        "<li><code>community_sessions_12m</code>: Theo khoảng: 0 → 0; 1–2 → 5; 3–5 → 8; "
        "≥ 6 → 10</li>"
    ) in page
    # The comparison link goes from the older to the newer version.
    assert f'<a href="/criteria/{shipped["CDHT", 1].pk}/diff/{shipped["CDHT", 2].pk}/">v2</a>' in (
        page
    )


def test_the_household_set_shows_its_share_per_criterion(login, shipped):
    client = login(COMMITTEE)
    page = text(client.get(f"/criteria/{shipped['GDHT', 1].pk}/"))
    assert "<dt>Công nhận</dt><dd>tổng điểm ≥ 80, mỗi nhóm ≥ 50% điểm tối đa của nhóm</dd>" in page


@pytest.mark.parametrize("group", ["nong_dan", "cong_nhan", "can_bo"])
def test_the_preview_shows_only_the_questions_a_group_is_asked(login, shipped, group):
    client = login(SURVEYOR)
    response = client.get(f"/criteria/{shipped['CDHT', 1].pk}/preview/", {"group": group})
    assert response.status_code == 200
    assert question_codes(response) == CDHT_1_ASKED[group]


def test_the_preview_starts_with_the_first_group_and_refuses_an_unknown_one(login, shipped):
    client = login(SURVEYOR)
    url = f"/criteria/{shipped['CDHT', 1].pk}/preview/"
    response = client.get(url)
    assert question_codes(response) == CDHT_1_ASKED["nong_dan"]
    assert '<option value="nong_dan" selected>' in text(response)
    assert "foreign_language_level" not in question_codes(response)
    assert client.get(url, {"group": "hoc_sinh"}).status_code == 404


def test_the_preview_of_pupils_in_cdht_v2(login, shipped):
    client = login(SURVEYOR)
    url = f"/criteria/{shipped['CDHT', 2].pk}/preview/"
    pupils = question_codes(client.get(url, {"group": "hoc_sinh"}))
    residents = question_codes(client.get(url, {"group": "cu_dan"}))
    # Pupils are asked their school level and not about numeracy at work (CD07 is not theirs).
    assert pupils[0] == "school_level"
    assert {"numeracy", "work_improvement", "foreign_language_level"}.isdisjoint(pupils)
    assert "school_level" not in residents
    assert {"numeracy", "work_improvement", "production_improvements"} <= set(residents)
    assert "workplace_improvements" not in residents


def test_the_household_preview_lists_member_then_household_questions(login, shipped):
    client = login(SURVEYOR)
    response = client.get(f"/criteria/{shipped['GDHT', 1].pk}/preview/")
    assert response.status_code == 200
    spec = shipped_spec("gdht-2015.yaml")
    assert question_codes(response) == [
        *(q.code for q in spec.questions if q.level == "member"),
        *(q.code for q in spec.questions if q.level == "household"),
    ]


def test_the_paper_form_is_a_printable_a4_questionnaire(login, shipped):
    client = login(SURVEYOR)
    response = client.get(f"/criteria/{shipped['CDHT', 1].pk}/paper/")
    assert response.status_code == 200
    page = text(response)
    assert '<link rel="stylesheet" href="/static/css/paper.css">' in page
    # Every question is on paper, numbered in order, with an answer box or tick boxes.
    spec = shipped_spec("cdht-2020.yaml")
    assert question_codes(response) == [q.code for q in spec.questions]
    boxed = [q.code for q in spec.questions if q.type in ("integer", "decimal", "text", "date")]
    assert page.count('<div class="answer-box answer-') == len(boxed) == 3
    assert page.count('<span class="box" aria-hidden="true"></span>') == sum(
        len(spec.choice_list(q.choice_list).choices) for q in spec.questions if q.choice_list
    )
    assert page.count("<tr><td>") == 6  # six blank member rows
    stylesheet = Path(finders.find("css/paper.css")).read_text()
    assert "@page { size: A4;" in stylesheet
    assert 'content: "Trang " counter(page) " / " counter(pages)' in stylesheet


# Exports ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "filename"),
    [
        (("CDHT", 1), "cdht-2020.yaml"),
        (("CDHT", 2), "cdht-2023.yaml"),
        (("GDHT", 1), "gdht-2015.yaml"),
    ],
)
def test_the_exports_download_and_read_back_identically(login, shipped, key, filename):
    client = login(SURVEYOR)
    pk = shipped[key].pk
    spec = shipped_spec(filename)
    stem = f"{key[0]}-v{key[1]}"

    response = client.get(f"/criteria/{pk}/export/xlsx/")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == f'attachment; filename="{stem}.xlsx"'
    assert read_workbook(io.BytesIO(downloaded(response))) == spec

    response = client.get(f"/criteria/{pk}/export/yaml/")
    assert response["Content-Type"] == "application/yaml"
    assert response["Content-Disposition"] == f'attachment; filename="{stem}.yaml"'
    assert read_yaml(io.BytesIO(downloaded(response))) == spec


def test_the_xlsform_export_converts_with_pyxform(login, shipped, tmp_path):
    client = login(SURVEYOR)
    response = client.get(f"/criteria/{shipped['CDHT', 2].pk}/export/xlsform/")
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == 'attachment; filename="CDHT-v2-xlsform.xlsx"'
    path = tmp_path / "CDHT-v2-xlsform.xlsx"
    path.write_bytes(downloaded(response))
    warnings: list[str] = []
    xform = convert(xlsform=path, warnings=warnings).xform
    assert xform.startswith("<?xml")
    for node in ("school_level", "foreign_language_level", "community_activity_kinds"):
        assert f"<{node}/>" in xform


def test_an_unknown_export_format_is_not_found(login, shipped):
    client = login(ADMINISTRATOR)
    assert client.get(f"/criteria/{shipped['CDHT', 1].pk}/export/csv/").status_code == 404


# Upload ----------------------------------------------------------------------------------


def test_a_valid_workbook_is_previewed_and_saved_only_when_confirmed(login, db):
    client = login(ADMINISTRATOR)
    spec = build_citizen_spec()
    response = upload(client, workbook_bytes(spec), "bo-thu.xlsx")
    assert response.status_code == 200
    assert next(t.name for t in response.templates) == "criteria/upload_preview.html"
    page = text(response)
    assert "Tệp bo-thu.xlsx hợp lệ: bộ tiêu chí TEST-CD phiên bản 3." in page
    assert "Công dân học tập (thử) — 2 nhóm đối tượng, 5 chỉ số, 10 câu hỏi." in page
    assert "<li><code>sessions</code>: Theo khoảng: 0 → 0; 1–2 → 5; 3–5 → 8; ≥ 6 → 10</li>" in page
    assert counts() == dict.fromkeys(counts(), 0)  # nothing saved yet

    response = confirm(client)
    saved = m.CriteriaSet.objects.get(code="TEST-CD", version=3)
    assert response.status_code == 302
    assert response["Location"] == f"/criteria/{saved.pk}/"
    assert messages_of(response) == ["Đã lưu TEST-CD phiên bản 3."]
    assert saved.status == "draft"
    assert load_spec(criteria_set=saved) == spec
    assert SESSION_KEY not in client.session

    # The same confirmation cannot be replayed.
    before = snapshot()
    response = client.post(UPLOAD, {"confirm": "1", "token": "x"})
    assert response["Location"] == UPLOAD
    assert messages_of(response) == ["Phiên tải lên đã hết hạn; hãy tải tệp lên lại."]
    assert snapshot() == before


def test_a_yaml_file_is_accepted_too(login, db):
    client = login(ADMINISTRATOR)
    spec = build_citizen_spec()
    response = upload(client, dump_yaml(spec).encode(), "bo-thu.yaml")
    assert response.status_code == 200
    assert "Tệp bo-thu.yaml hợp lệ: bộ tiêu chí TEST-CD phiên bản 3." in text(response)
    confirm(client)
    assert load_spec(criteria_set=m.CriteriaSet.objects.get(code="TEST-CD")) == spec


def test_uploading_a_draft_again_replaces_it(login, db):
    client = login(ADMINISTRATOR)
    first = save_spec(spec=build_citizen_spec())
    before = counts()
    response = upload(client, workbook_bytes(build_citizen_spec()))
    assert "Bản nháp cùng mã và phiên bản đã có sẽ được thay thế." in text(response)
    confirm(client)
    assert m.CriteriaSet.objects.get().pk == first.pk
    assert counts() == before


def test_an_invalid_workbook_lists_every_problem_in_vietnamese_and_saves_nothing(login, db):
    client = login(ADMINISTRATOR)
    response = upload(client, workbook_bytes(build_citizen_spec(), BROKEN_EDITS))
    assert response.status_code == 400
    assert problem_rows(response) == BROKEN_VI
    assert "Tệp có 6 lỗi; chưa lưu gì." in text(response)
    assert SESSION_KEY not in client.session
    assert counts() == dict.fromkeys(counts(), 0)


def test_the_english_interface_lists_the_problems_in_english(login, db):
    client = login(ADMINISTRATOR)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = upload(client, workbook_bytes(build_citizen_spec(), BROKEN_EDITS))
    assert response.status_code == 400
    assert problem_rows(response) == BROKEN_EN
    assert counts() == dict.fromkeys(counts(), 0)


def test_the_language_switch_changes_the_problem_messages(login, db):
    client = login(ADMINISTRATOR)
    response = client.post("/i18n/setlang/", {"language": "en", "next": UPLOAD})
    assert response.status_code == 302
    response = upload(client, workbook_bytes(build_citizen_spec(), BROKEN_EDITS))
    assert problem_rows(response) == BROKEN_EN
    client.post("/i18n/setlang/", {"language": "vi", "next": UPLOAD})
    response = upload(client, workbook_bytes(build_citizen_spec(), BROKEN_EDITS))
    assert problem_rows(response) == BROKEN_VI


@pytest.mark.parametrize(
    ("name", "data", "rows"),
    [
        pytest.param(
            "bien-ban.pdf",
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
            [
                (
                    "Dòng 2",
                    "Tệp không phải là văn bản UTF-8 (có thể là tệp nhị phân hoặc mã hoá khác); "
                    "hãy lưu lại dạng UTF-8",
                )
            ],
            id="binary",
        ),
        pytest.param(
            "van-ban.docx",
            DOCX,
            [
                ("Toàn bộ tệp", "Tệp nén này không phải là bảng tính Excel (.xlsx)"),
            ],
            id="zip_not_xlsx",
        ),
    ],
)
def test_a_file_that_is_not_a_criteria_file_is_refused(login, db, name, data, rows):
    client = login(ADMINISTRATOR)
    response = upload(client, data, name)
    assert response.status_code == 400
    assert problem_rows(response) == rows
    assert SESSION_KEY not in client.session
    assert counts() == dict.fromkeys(counts(), 0)


def test_uploading_over_a_published_version_is_refused(login, shipped):
    client = login(ADMINISTRATOR)
    before = snapshot()
    changed = shipped_spec("cdht-2020.yaml")
    response = upload(client, dump_yaml(changed).encode(), "cdht.yaml")
    assert response.status_code == 200
    assert (
        "Phiên bản này đã ban hành và không thể thay thế. Hãy đổi số phiên bản trong tệp."
        in text(response)
    )
    response = confirm(client)
    assert response.status_code == 302
    assert response["Location"] == UPLOAD
    assert messages_of(response) == [LOCKED_CDHT_1]
    assert snapshot() == before


def test_a_file_over_10_mb_is_refused(login, db):
    client = login(ADMINISTRATOR)
    response = upload(client, b"PK\x03\x04" + b"\0" * MAX_BYTES, "lon.xlsx")
    assert response.status_code == 400
    assert '<p class="error" id="id_file_error">Tệp quá lớn; tối đa 10 MB.</p>' in text(response)
    assert SESSION_KEY not in client.session
    assert counts() == dict.fromkeys(counts(), 0)


# Versioning buttons ----------------------------------------------------------------------


def test_publish_retire_and_new_version_refuse_get(login, shipped, draft):
    client = login(ADMINISTRATOR)
    before = snapshot()
    for action, pk in (
        ("publish", draft.pk),
        ("retire", shipped["CDHT", 1].pk),
        ("new-version", shipped["CDHT", 1].pk),
    ):
        assert client.get(f"/criteria/{pk}/{action}/").status_code == 405
    assert snapshot() == before


def test_publishing_a_draft(login, draft):
    client = login(ADMINISTRATOR)
    response = client.post(f"/criteria/{draft.pk}/publish/")
    assert response.status_code == 302
    assert response["Location"] == f"/criteria/{draft.pk}/"
    assert messages_of(response) == ["Đã ban hành bộ tiêu chí."]
    draft.refresh_from_db()
    assert draft.status == "published"
    # A second time it is refused, with the reason.
    response = client.post(f"/criteria/{draft.pk}/publish/")
    assert messages_of(response) == [
        "Bộ tiêu chí CDHT phiên bản 3 đã ban hành, không thể sửa. Hãy tạo phiên bản nháp mới."
    ]


def test_publishing_an_invalid_draft_lists_its_problems(login, db):
    client = login(ADMINISTRATOR)
    draft = save_spec(spec=build_citizen_spec())
    m.Question.objects.filter(criteria_set=draft, code="sessions").update(type="text")
    response = client.post(f"/criteria/{draft.pk}/publish/")
    assert response["Location"] == f"/criteria/{draft.pk}/"
    assert messages_of(response) == [
        "Mục 'indicators[CD03].rules[1].question': Quy tắc “bands” dùng cho câu hỏi loại "
        "integer, decimal; “sessions” là câu hỏi loại text"
    ]
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_making_a_new_version_and_retiring(login, shipped):
    client = login(ADMINISTRATOR)
    source = shipped["CDHT", 1]
    response = client.post(f"/criteria/{source.pk}/new-version/")
    new = m.CriteriaSet.objects.get(code="CDHT", version=3)
    assert response["Location"] == f"/criteria/{new.pk}/"
    assert messages_of(response) == ["Đã tạo bản nháp phiên bản 3."]
    assert (new.status, new.derived_from_id) == ("draft", source.pk)

    response = client.post(f"/criteria/{source.pk}/retire/")
    assert response["Location"] == f"/criteria/{source.pk}/"
    source.refresh_from_db()
    assert source.status == "retired"
    response = client.post(f"/criteria/{new.pk}/retire/")
    assert messages_of(response) == ["Chỉ bộ tiêu chí đã ban hành mới có thể ngừng sử dụng."]
    new.refresh_from_db()
    assert new.status == "draft"


# Differences -----------------------------------------------------------------------------


def diff_rows(response) -> list[tuple[str, str, str, str]]:
    table = re.search(r'data-testid="diff".*?<tbody>(.*?)</tbody>', text(response), re.S)
    return re.findall(
        r'<tr class="change-(\w+)"><td>(\w+)</td><td><code>([^<]*)</code></td><td>[^<]*</td>'
        r"<td>([^<]*)</td>",
        table.group(1),
    )


def test_the_diff_page_lists_the_differences(login, shipped):
    client = login(COMMITTEE)
    response = client.get(f"/criteria/{shipped['CDHT', 1].pk}/diff/{shipped['CDHT', 2].pk}/")
    assert response.status_code == 200
    page = text(response)
    assert "<h1>So sánh CDHT v1 và v2</h1>" in page
    rows = diff_rows(response)
    assert [r for r in rows if r[1] == "target_groups"] == [
        ("removed", "target_groups", "can_bo", ""),
        ("added", "target_groups", "can_bo_dn", ""),
        ("removed", "target_groups", "cong_nhan", ""),
        ("added", "target_groups", "cu_dan", ""),
        ("added", "target_groups", "hoc_sinh", ""),
        ("added", "target_groups", "nguoi_lao_dong", ""),
        ("removed", "target_groups", "nong_dan", ""),
    ]
    assert ("changed", "indicators", "CD06", "target_groups") in rows
    assert not [r for r in rows if r[1] == "recognition"]
    assert "<td>rules[0].params.points.safe_online</td><td>—</td><td>2</td>" in page


def test_two_identical_versions_have_no_differences(login, shipped):
    client = login(ADMINISTRATOR)
    copy = create_draft_version(criteria_set=shipped["GDHT", 1])
    response = client.get(f"/criteria/{shipped['GDHT', 1].pk}/diff/{copy.pk}/")
    assert "<p>Hai phiên bản giống nhau.</p>" in text(response)
