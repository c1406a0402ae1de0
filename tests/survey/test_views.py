"""Survey pages through the Django client: the wizard, drafts, lists, access and query counts."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.contrib import admin
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.roles import ADMINISTRATOR, COMMITTEE, COMMUNE_STAFF, SURVEYOR
from criteria.selectors import spec_of
from scoring.compute import MemberInput, score_response
from scoring.engine import MemberProfile
from scoring.models import HouseholdScore, MemberScore, ScoreAggregate, ScoredResponse
from survey.models import Draft, HouseholdResponse, MemberResponse, ResponseChange, Round
from tests.factories import MINH_QUAN_ACUTE, MINH_QUAN_CIRCUMFLEX, NGA_QUAN
from tests.survey.conftest import (
    CADRE,
    CHILD,
    CUONG_THINH,
    ELDER,
    FARMER,
    FOUR_MEMBERS,
    HOUSEHOLD_ANSWERS,
    age_of,
    citizen_answers,
    family_answers,
    household_post,
    members_post,
    questions_post,
    start,
    submit_all,
    walk,
    walk_posts,
)
from tests.survey.factories import HouseholdResponseFactory
from tests.survey.html import Node, form_data, page

STEP_TITLES = [
    ("household", "Bước 1/8: Thông tin hộ gia đình"),
    ("members", "Bước 2/8: Thành viên trong hộ"),
    ("c1", "Bước 3/8: Năng lực tự học, học tập suốt đời"),
    ("c2", "Bước 4/8: Năng lực sử dụng công cụ học tập, làm việc"),
    ("c3", "Bước 5/8: Năng lực xây dựng và duy trì các mối quan hệ xã hội"),
    ("family", "Bước 6/8: Học tập của các thành viên"),
    ("household_questions", "Bước 7/8: Câu hỏi về gia đình"),
    ("review", "Bước 8/8: Xem lại và gửi"),
]
REQUIRED = "Câu này bắt buộc trả lời."


@pytest.fixture
def surveyor(make_user):
    return make_user(SURVEYOR, username="dieutravien", full_name="Lò Thị Hoa")


@pytest.fixture
def surveyor_client(client, surveyor, round_):
    client.force_login(surveyor)
    return client


def client_of(user) -> Client:
    other = Client()
    other.force_login(user)
    return other


def progress(doc: Node) -> str:
    return doc.find(lambda n: n.attrs.get("data-testid") == "progress").text()


def wizard_form(doc: Node) -> Node:
    return doc.find(lambda n: n.tag == "form" and "wizard" in n.classes)


def control(doc: Node, name: str, value: str | None = None) -> Node:
    found = doc.find_all(
        lambda n: n.attrs.get("name") == name and (value is None or n.attrs.get("value") == value)
    )
    assert found, name
    return found[0]


def errors_beside(doc: Node, name: str) -> list[str]:
    """The error messages in the field box that holds the control ``name``."""
    box = control(doc, name).ancestor(lambda n: n.tag == "div" and "field" in n.classes)
    return [p.text() for p in box.select("p", class_="error")]


def checked(doc: Node, name: str) -> list[str]:
    return [
        n.attrs["value"]
        for n in doc.find_all(lambda n: n.attrs.get("name") == name and "checked" in n.attrs)
    ]


def messages_of(doc: Node) -> list[Node]:
    return doc.find_all(lambda n: n.tag == "li" and n.parent and "messages" in n.parent.classes)


def household_rows(response) -> list[list[str]]:
    table = page(response).find(lambda n: n.attrs.get("data-testid") == "households")
    return [[td.text() for td in tr.select("td")] for tr in table.select("tbody")[0].select("tr")]


def vi_number(value: float) -> str:
    """A score as the pages show it in Vietnamese (floatformat, decimal comma)."""
    return f"{value:g}".replace(".", ",")


def expected_result(members, household_answers=HOUSEHOLD_ANSWERS, round_=None):
    numbers = {"community_sessions_12m", "community_activities_12m", "learning_contents_12m"}
    inputs = [
        MemberInput(
            MemberProfile(m["target_group"], age_of(m), m["sex"]),
            {
                k: int(v) if k in numbers else v
                for k, v in {**citizen_answers(m), **family_answers(m)}.items()
            },
        )
        for m in members
    ]
    return score_response(
        citizen=spec_of(criteria_set=round_.citizen_set),
        household=spec_of(criteria_set=round_.household_set),
        members=inputs,
        household_answers=household_answers,
    )


# The whole walk ---------------------------------------------------------------------------


def test_the_complete_wizard_shows_its_progress_and_submits_once(surveyor_client, round_):
    base = start(surveyor_client, round_)
    posts = walk_posts(FOUR_MEMBERS)
    assert [step for step, _ in posts] == [step for step, _ in STEP_TITLES]

    for index, ((step, data), (_, title)) in enumerate(zip(posts, STEP_TITLES, strict=True)):
        shown = surveyor_client.get(f"{base}/{step}/")
        assert shown.status_code == 200
        assert progress(page(shown)) == title
        if index + 1 == len(posts):
            break
        moved = surveyor_client.post(f"{base}/{step}/", data)
        following = posts[index + 1][0]
        assert moved.url == f"{base}/{following}/"
        assert Draft.objects.get().current_step == following  # saved on the server

    assert HouseholdResponse.objects.count() == 0
    final = surveyor_client.post(f"{base}/{step}/", data)  # the last step's POST submits
    saved = HouseholdResponse.objects.get()
    assert final.url == f"/survey/responses/{saved.pk}/"
    assert [m.full_name for m in saved.members.all()] == [m["full_name"] for m in FOUR_MEMBERS]
    assert not Draft.objects.exists()
    detail = page(surveyor_client.get(final.url))
    assert [m.text() for m in messages_of(detail)] == ["Đã gửi phiếu của hộ Nguyễn Văn An."]
    expected = expected_result(FOUR_MEMBERS, round_=round_)
    shown_scores = [n.text() for n in detail.select("p", data_testid="member-score")]
    assert shown_scores == [
        f"Tổng điểm: {vi_number(r.total)} — chưa đủ câu trả lời" for r in expected.members if r
    ]
    assert [r.total for r in expected.members if r] == [88.89, 88.0, 88.89]


def test_the_review_page_shows_every_answer_and_the_scores_it_would_give(surveyor_client, round_):
    base = start(surveyor_client, round_)
    walk(surveyor_client, base, FOUR_MEMBERS, until="review")

    review = page(surveyor_client.get(f"{base}/review/"))

    blocks = review.select("section", data_testid="review-member")
    assert [b.select("h3")[0].text() for b in blocks] == [
        "Nguyễn Văn An (Nam, sinh năm 1981, 40 tuổi, Nông dân và người lao động ở nông thôn)",
        "Trần Thị Bình (Nữ, sinh năm 1986, 35 tuổi, Cán bộ, công chức, viên chức)",
        "Nguyễn Minh Châu (Nữ, sinh năm 2011, 10 tuổi)",
        "Nguyễn Văn Dũng (Nam, sinh năm 1953, 68 tuổi, Nông dân và người lao động ở nông thôn)",
    ]
    # Only the reviewer's score is missing: the review says so, not "missing answers".
    assert [b.select("p")[0].text() for b in blocks] == [
        "Tổng điểm: 88,89 — chờ cán bộ chấm CD04",
        "Tổng điểm: 88 — chờ cán bộ chấm CD04",
        "Không đánh giá Công dân học tập (không thuộc nhóm đối tượng của bộ tiêu chí).",
        "Tổng điểm: 88,89 — chờ cán bộ chấm CD04",
    ]
    reasons = [li.text() for li in blocks[0].select("li")]
    assert reasons[0].startswith("CD04 (")
    assert "encouragement_evidence" not in " ".join(reasons)
    commune = review.find(lambda n: n.attrs.get("data-testid") == "review-commune").text()
    assert commune == "Xã Nga Quán"
    cadre_answers = dict(
        (row.select("th")[0].text(), row.select("td")[0].text()) for row in blocks[1].select("tr")
    )
    assert cadre_answers["Anh/chị sử dụng ngoại ngữ trong công việc ở mức nào?"] == (
        "Đọc tài liệu, trao đổi thông thường trong công việc"
    )
    assert len(cadre_answers) == 19  # 14 + the 2 language answers + 3 family answers
    child_answers = [row.select("td")[0].text() for row in blocks[2].select("tr")]
    assert child_answers == ["Có", "Giỏi, Tốt, Hoàn thành xuất sắc, Hoàn thành tốt", "Tốt", "Có"]
    household = review.find(lambda n: n.attrs.get("data-testid") == "household-score").text()
    assert household == "Tổng điểm: 81 — chưa đủ câu trả lời để kết luận"
    assert HouseholdResponse.objects.count() == 0


def test_a_household_of_a_child_and_an_elder_skips_the_criterion_steps(surveyor_client, round_):
    elder = {**ELDER, "target_group": "", "relationship": "head"}
    base = start(surveyor_client, round_)
    surveyor_client.post(f"{base}/household/", household_post())

    moved = surveyor_client.post(f"{base}/members/", members_post([elder, CHILD]))

    assert moved.url == f"{base}/family/"
    family = page(surveyor_client.get(moved.url))
    assert progress(family) == "Bước 3/5: Học tập của các thành viên"
    legends = [f.select("legend")[0].text() for f in family.select("fieldset", class_="card")]
    assert legends == ["Nguyễn Minh Châu (10 tuổi)"]  # nothing to ask the elder
    saved = submit_all(surveyor_client, round_, [elder, CHILD])
    assert saved.members.count() == 2
    assert MemberScore.objects.filter(response=saved).count() == 0


def test_numeric_questions_and_birth_years_ask_for_the_numeric_keypad(surveyor_client, round_):
    base = start(surveyor_client, round_)
    walk(surveyor_client, base, FOUR_MEMBERS, until="c1")

    members = page(surveyor_client.get(f"{base}/members/"))
    c1 = page(surveyor_client.get(f"{base}/c1/"))

    year = control(members, "members-0-birth_year")
    assert (year.attrs["type"], year.attrs["inputmode"]) == ("number", "numeric")
    sessions = control(c1, "c1-m0-community_sessions_12m")
    assert (sessions.attrs["type"], sessions.attrs["inputmode"]) == ("number", "numeric")
    numbers = [n for n in c1.select("input") if n.attrs.get("type") == "number"]
    assert len(numbers) == 3  # one per assessed member
    assert all(n.attrs.get("inputmode") == "numeric" for n in numbers)


# Back, errors, duplicates ----------------------------------------------------------------------


def test_back_keeps_what_was_typed_even_when_incomplete(surveyor_client, round_):
    base = start(surveyor_client, round_)
    walk(surveyor_client, base, FOUR_MEMBERS, until="c2")
    typed = questions_post("c2", {0: {"digital_skills": ["email", "e_payment"]}})
    typed |= questions_post("c2", {1: {"foreign_language_level": "basic", "numeracy": "records"}})

    back = surveyor_client.post(f"{base}/c2/", {**typed, "wizard_goto_step": "c1"})

    assert back.url == f"{base}/c1/"
    c1 = page(surveyor_client.get(back.url))
    assert progress(c1) == "Bước 3/8: Năng lực tự học, học tập suốt đời"
    assert checked(c1, "c1-m0-learning_plan") == ["written_followed"]
    assert control(c1, "c1-m3-community_sessions_12m").attrs["value"] == "8"
    forward = surveyor_client.post(f"{base}/c1/", form_data(wizard_form(c1)))
    assert forward.url == f"{base}/c2/"
    c2 = page(surveyor_client.get(forward.url))
    assert checked(c2, "c2-m0-digital_skills") == ["e_payment", "email"]
    assert checked(c2, "c2-m1-foreign_language_level") == ["basic"]
    assert checked(c2, "c2-m1-numeracy") == ["records"]
    assert checked(c2, "c2-m3-numeracy") == []


def test_back_from_the_members_step_keeps_a_half_typed_member(surveyor_client, round_):
    base = start(surveyor_client, round_)
    walk(surveyor_client, base, FOUR_MEMBERS, until="members")
    half = {**members_post([FARMER, {"full_name": "Hà Thị Én", "birth_year": "19"}])}

    back = surveyor_client.post(f"{base}/members/", {**half, "wizard_goto_step": "household"})

    assert back.url == f"{base}/household/"
    household = page(surveyor_client.get(back.url))
    assert control(household, "household-head_name").attrs["value"] == "Nguyễn Văn An"
    members = page(surveyor_client.get(f"{base}/members/"))
    assert control(members, "members-1-full_name").attrs["value"] == "Hà Thị Én"
    assert control(members, "members-1-birth_year").attrs["value"] == "19"


def test_a_failed_members_step_opens_on_a_summary_and_keeps_what_was_typed(surveyor_client, round_):
    base = start(surveyor_client, round_)
    walk(surveyor_client, base, FOUR_MEMBERS, until="members")
    long_name = "Nguyễn " * 20  # 140 characters
    typed = members_post(
        [FARMER, {**CADRE, "birth_year": "2030"}, {**CHILD, "full_name": long_name}]
    )

    failed = surveyor_client.post(f"{base}/members/", typed)

    assert failed.status_code == 400
    html = unescape(failed.content.decode())
    summary = html[html.index('data-testid="error-summary"') :].split("</div>")[0]
    assert re.findall(r'<a href="#([\w-]+)" data-focus="[\w-]+">([^<]+)</a>', summary) == [
        (
            "id_members-1-birth_year",
            "Thành viên 2 – Năm sinh: Năm sinh phải từ 1900 đến năm khảo sát (2021).",
        ),
        (
            "id_members-2-full_name",
            "Thành viên 3 – Họ và tên: Dài quá 120 ký tự (hiện có 139); hãy viết gọn lại.",
        ),
    ]
    # The summary comes before the first member, and every typed value is still there.
    assert html.index('data-testid="error-summary"') < html.index('name="members-0-full_name"')
    members = page(failed)
    assert control(members, "members-1-birth_year").attrs["value"] == "2030"
    assert control(members, "members-2-full_name").attrs["value"] == long_name
    assert "maxlength" not in control(members, "members-0-full_name").attrs
    assert Draft.objects.get().current_step == "members"


def test_answers_stay_with_their_member_when_an_earlier_member_is_deleted(surveyor_client, round_):
    base = start(surveyor_client, round_)
    posts = dict(walk_posts(FOUR_MEMBERS))
    posts["c1"]["c1-m0-learning_plan"] = "none"  # the farmer
    posts["c1"]["c1-m1-learning_plan"] = "written"  # the civil servant
    posts["c1"]["c1-m3-learning_plan"] = "informal"  # the 68-year-old
    for step in ("household", "members", "c1", "c2"):
        assert surveyor_client.post(f"{base}/{step}/", posts[step]).status_code == 302
    without_farmer = members_post(FOUR_MEMBERS)
    without_farmer |= {"members-0-DELETE": "on", "members-1-relationship": "head"}

    moved = surveyor_client.post(f"{base}/members/", without_farmer)

    assert moved.url == f"{base}/c1/"
    c1 = page(surveyor_client.get(moved.url))
    legends = [f.select("legend")[0].text() for f in c1.select("fieldset", class_="card")]
    assert legends == ["Trần Thị Bình (35 tuổi)", "Nguyễn Văn Dũng (68 tuổi)"]
    assert checked(c1, "c1-m1-learning_plan") == ["written"]
    assert checked(c1, "c1-m3-learning_plan") == ["informal"]
    for step in ("c1", "c2"):  # Next on the pages answered before, as they are shown
        shown = form_data(wizard_form(page(surveyor_client.get(f"{base}/{step}/"))))
        assert surveyor_client.post(f"{base}/{step}/", shown).status_code == 302
    for step in ("c3", "family", "household_questions", "review"):  # rows 1–3 kept their keys
        assert surveyor_client.post(f"{base}/{step}/", posts[step]).status_code == 302
    saved = HouseholdResponse.objects.get()
    assert [
        (m.full_name, m.answers.get("learning_plan"), m.answers.get("foreign_language_level"))
        for m in saved.members.order_by("position")
    ] == [
        ("Trần Thị Bình", "written", "work"),
        ("Nguyễn Minh Châu", None, None),
        ("Nguyễn Văn Dũng", "informal", None),
    ]


def test_validation_messages_in_vietnamese_beside_each_field_and_nothing_saved(
    surveyor_client, round_
):
    base = start(surveyor_client, round_)
    walk(surveyor_client, base, FOUR_MEMBERS, until="c1")
    posted = dict(walk_posts(FOUR_MEMBERS))["c1"]
    posted["c1-m0-community_sessions_12m"] = "400"
    posted["c1-m1-info_sources"] = ["none", "books"]
    for code in ("info_sources", "learning_plan", "community_sessions_12m", "encourages_learning"):
        posted.pop(f"c1-m3-{code}")

    shown = surveyor_client.post(f"{base}/c1/", posted)

    assert shown.status_code == 400
    doc = page(shown)
    assert progress(doc) == "Bước 3/8: Năng lực tự học, học tập suốt đời"
    assert errors_beside(doc, "c1-m0-community_sessions_12m") == ["Số buổi phải từ 0 đến 365."]
    assert control(doc, "c1-m0-community_sessions_12m").attrs["value"] == "400"
    assert errors_beside(doc, "c1-m1-info_sources") == ['"Không có" không chọn cùng mục khác.']
    for code in ("info_sources", "learning_plan", "community_sessions_12m", "encourages_learning"):
        assert errors_beside(doc, f"c1-m3-{code}") == [REQUIRED]
    assert errors_beside(doc, "c1-m0-learning_plan") == []
    assert len(doc.select("p", class_="error")) == 6
    draft = Draft.objects.get()
    assert "c1" not in draft.data["step_data"]
    assert draft.current_step == "c1"


def test_a_household_already_submitted_is_offered_instead(surveyor_client, surveyor, round_):
    existing = HouseholdResponseFactory(
        round=round_,
        surveyor=surveyor,
        village="Thôn 3",
        head_name="Nguyễn Văn An",
        address="số 12,  đường Nga Quán",
    )
    base = start(surveyor_client, round_)

    moved = surveyor_client.post(f"{base}/household/", household_post())

    assert moved.url == f"{base}/members/"
    warnings = messages_of(page(surveyor_client.get(moved.url)))
    assert [w.text() for w in warnings] == [
        "Hộ Nguyễn Văn An (Thôn 3) đã có phiếu trong đợt này. "
        "Nếu là cùng một hộ, hãy mở phiếu đó thay vì nhập lại."
    ]
    assert "duplicate" in warnings[0].classes
    link = warnings[0].select("a")[0]
    assert (link.attrs["href"], link.text()) == (f"/survey/responses/{existing.pk}/", "mở phiếu đó")
    assert surveyor_client.get(link.attrs["href"]).status_code == 200


def test_the_duplicate_warning_escapes_the_typed_names(surveyor_client, surveyor, round_):
    HouseholdResponseFactory(
        round=round_, surveyor=surveyor, village="<b>Thôn 3</b>", head_name="An", address=""
    )
    base = start(surveyor_client, round_)

    surveyor_client.post(
        f"{base}/household/", household_post(village="<b>Thôn 3</b>", head_name="An", address="")
    )

    html = surveyor_client.get(f"{base}/members/").content.decode()
    assert "Hộ An (&lt;b&gt;Thôn 3&lt;/b&gt;) đã có phiếu" in html
    assert "<b>Thôn 3</b>" not in html


def test_a_similar_household_elsewhere_gives_no_warning(surveyor_client, surveyor, round_):
    HouseholdResponseFactory(
        round=round_, surveyor=surveyor, unit_id=MINH_QUAN_ACUTE, village="Thôn 3",
        head_name="Nguyễn Văn An", address="Số 12, đường Nga Quán",
    )  # fmt: skip
    HouseholdResponseFactory(
        round=round_, surveyor=surveyor, village="Thôn 3", head_name="Nguyễn Văn Ân",
        address="Số 12, đường Nga Quán",
    )  # fmt: skip
    base = start(surveyor_client, round_)

    surveyor_client.post(f"{base}/household/", household_post())

    assert messages_of(page(surveyor_client.get(f"{base}/members/"))) == []


def test_adding_a_member_row_keeps_the_rows_typed(surveyor_client, round_):
    base = start(surveyor_client, round_)
    walk(surveyor_client, base, FOUR_MEMBERS, until="members")

    shown = surveyor_client.post(f"{base}/members/", {**members_post([FARMER]), "add_member": "1"})

    doc = page(shown)
    assert control(doc, "members-TOTAL_FORMS").attrs["value"] == "2"
    assert control(doc, "members-0-full_name").attrs["value"] == "Nguyễn Văn An"
    assert control(doc, "members-1-full_name").attrs.get("value", "") == ""
    saved = Draft.objects.get().data["step_data"]["members"]
    assert saved["members-TOTAL_FORMS"] == ["2"]


# Drafts survive --------------------------------------------------------------------------------


def test_resume_after_logout_lands_on_the_saved_step_with_the_data(
    surveyor_client, surveyor, round_
):
    base = start(surveyor_client, round_)
    walk(surveyor_client, base, FOUR_MEMBERS, until="c1")
    draft = Draft.objects.get()

    surveyor_client.post("/accounts/logout/")
    assert surveyor_client.get("/survey/").status_code == 302  # logged out
    surveyor_client.force_login(surveyor)

    home = page(surveyor_client.get("/survey/"))
    drafts = home.find(lambda n: n.attrs.get("data-testid") == "drafts").select("li")
    assert len(drafts) == 1
    link = drafts[0].select("a")[0]
    assert (link.text(), link.attrs["href"]) == ("Nguyễn Văn An", f"/survey/drafts/{draft.pk}/")
    resumed = surveyor_client.get(link.attrs["href"])
    assert resumed.url == f"{base}/c1/"
    c1 = page(surveyor_client.get(resumed.url))
    assert progress(c1) == "Bước 3/8: Năng lực tự học, học tập suốt đời"
    legends = [f.select("legend")[0].text() for f in c1.select("fieldset", class_="card")]
    assert legends == [
        "Nguyễn Văn An (40 tuổi)",
        "Trần Thị Bình (35 tuổi)",
        "Nguyễn Văn Dũng (68 tuổi)",
    ]
    members = page(surveyor_client.get(f"{base}/members/"))
    assert [control(members, f"members-{i}-full_name").attrs["value"] for i in range(4)] == [
        m["full_name"] for m in FOUR_MEMBERS
    ]


def test_a_draft_survives_session_expiry_and_a_change_of_device(surveyor_client, surveyor, round_):
    base = start(surveyor_client, round_)
    walk(surveyor_client, base, FOUR_MEMBERS, until="c2")

    Session.objects.all().delete()  # every session expires
    assert surveyor_client.get(f"{base}/c2/").url.startswith("/accounts/login/")
    phone = client_of(surveyor)  # another device

    resumed = phone.get(f"{base}/")  # the draft's link on the survey home page
    assert resumed.url == f"{base}/c2/"
    shown = page(phone.get(resumed.url))
    assert progress(shown) == "Bước 4/8: Năng lực sử dụng công cụ học tập, làm việc"
    c1 = page(phone.get(f"{base}/c1/"))
    assert checked(c1, "c1-m1-encourages_learning") == ["always"]
    for step, data in walk_posts(FOUR_MEMBERS)[3:]:
        assert phone.post(f"{base}/{step}/", data).status_code == 302
    assert HouseholdResponse.objects.count() == 1
    # The first device comes back and submits again: it is sent to the same response.
    surveyor_client.force_login(surveyor)
    again = surveyor_client.post(f"{base}/review/", {"wizard-current_step": "review"})
    assert again.url == f"/survey/responses/{HouseholdResponse.objects.get().pk}/"
    assert HouseholdResponse.objects.count() == 1


def test_the_draft_list_shows_the_step_reached_and_the_last_save(surveyor_client, round_):
    base = start(surveyor_client, round_)
    fresh = surveyor_client.get("/survey/").content.decode()
    assert '<span data-testid="draft-step">chưa qua bước nào</span>' in fresh
    walk(surveyor_client, base, FOUR_MEMBERS, until="c2")

    home = surveyor_client.get("/survey/").content.decode()

    reached = 'data-testid="draft-step">đến bước “Năng lực sử dụng công cụ học tập, làm việc”'
    assert reached in unescape(home)
    saved = timezone.localtime(Draft.objects.get().updated_at).strftime("%d/%m/%Y %H:%M")
    assert f"lưu lúc {saved}" in home


def test_drafts_never_count(surveyor_client, make_user, round_):
    base = start(surveyor_client, round_)
    walk(surveyor_client, base, FOUR_MEMBERS, until="review")
    assert "Bước 8/8" in progress(page(surveyor_client.get(f"{base}/review/")))

    assert HouseholdResponse.objects.count() == 0
    assert MemberResponse.objects.count() == 0
    assert MemberScore.objects.count() == 0
    assert HouseholdScore.objects.count() == 0
    assert ScoredResponse.objects.count() == 0
    assert ScoreAggregate.objects.count() == 0
    mine = surveyor_client.get(f"/survey/rounds/{round_.code}/households/")
    assert household_rows(mine) == [["Không có hộ nào."]]
    staff = client_of(make_user(COMMUNE_STAFF))
    assert household_rows(staff.get(f"/survey/rounds/{round_.code}/households/")) == [
        ["Không có hộ nào."]
    ]


def test_submitting_twice_from_the_review_page_creates_one_response(surveyor_client, round_):
    base = start(surveyor_client, round_)
    walk(surveyor_client, base, FOUR_MEMBERS, until="review")

    # A double tap: both posts arrive before the first one is done.
    first = surveyor_client.post(f"{base}/review/", {"wizard-current_step": "review"})
    second = surveyor_client.post(f"{base}/review/", {"wizard-current_step": "review"})

    saved = HouseholdResponse.objects.get()
    assert first.url == second.url == f"/survey/responses/{saved.pk}/"
    assert MemberResponse.objects.count() == 4
    # Back, then submit again.
    assert surveyor_client.post(f"{base}/review/", {"wizard-current_step": "review"}).url == (
        f"/survey/responses/{saved.pk}/"
    )
    assert HouseholdResponse.objects.count() == 1


def test_discarding_a_draft(surveyor_client, round_):
    base = start(surveyor_client, round_)
    draft = Draft.objects.get()

    gone = surveyor_client.post(f"/survey/drafts/{draft.pk}/discard/")

    assert gone.url == "/survey/"
    assert not Draft.objects.exists()
    assert surveyor_client.get(f"{base}/household/").status_code == 404


# Corrections -------------------------------------------------------------------------------------


def correct_through_the_pages(client, response, **household) -> str:
    """Open a correction and press Next on every page as it is shown; return the last URL."""
    opened = client.post(f"/survey/responses/{response.pk}/edit/")
    url = opened.url
    while "/drafts/" in url:  # the last step's POST leads out of the wizard
        doc = page(client.get(url))
        data = form_data(wizard_form(doc))
        for name, value in household.items():
            data[f"household-{name}"] = [value]
        moved = client.post(url, data)
        assert moved.status_code == 302, url
        url = moved.url
    return url


def test_a_correction_through_the_pages_records_only_what_changed(surveyor_client, round_):
    saved = submit_all(surveyor_client, round_, FOUR_MEMBERS)
    persons = list(saved.members.values_list("person_id", flat=True))

    end = correct_through_the_pages(surveyor_client, saved, village="Thôn 4")

    assert end == f"/survey/responses/{saved.pk}/"
    assert list(ResponseChange.objects.values_list("revision", "changes")) == [
        (2, [{"field": "village", "old": "Thôn 3", "new": "Thôn 4"}])
    ]
    saved.refresh_from_db()
    assert (saved.village, saved.revision) == ("Thôn 4", 2)
    assert list(saved.members.values_list("person_id", flat=True)) == persons
    history = page(surveyor_client.get(end)).find_all(lambda n: n.tag == "details")[-1]
    assert [td.text() for td in history.select("td")] == ["Thôn/tổ", "Thôn 3", "Thôn 4"]
    assert HouseholdResponse.objects.count() == 1
    assert not Draft.objects.exists()


def test_a_correction_opens_on_the_rounds_criteria_version(surveyor_client, round_):
    saved = submit_all(surveyor_client, round_, FOUR_MEMBERS)

    opened = surveyor_client.post(f"/survey/responses/{saved.pk}/edit/")
    c2 = page(surveyor_client.get(opened.url.replace("/household/", "/c2/")))

    assert progress(c2) == "Bước 4/8: Năng lực sử dụng công cụ học tập, làm việc"
    assert checked(c2, "c2-m1-foreign_language_level") == ["work"]
    assert {n.attrs["data-question"] for n in c2.select("div", class_="question-field")} == {
        "digital_skills", "foreign_language_level", "foreign_languages",
        "foreign_language_certificate", "numeracy", "work_improvement", "farming_improvements",
        "workplace_improvements", "checks_before_sharing", "weighs_options",
    }  # fmt: skip


def test_the_second_of_two_concurrent_corrections_is_refused_and_keeps_its_draft(
    surveyor_client, make_user, round_
):
    saved = submit_all(surveyor_client, round_, FOUR_MEMBERS)
    staff = client_of(make_user(COMMUNE_STAFF, full_name="Hà Văn Minh"))
    staff_opened = staff.post(f"/survey/responses/{saved.pk}/edit/")
    staff_draft = Draft.objects.get()
    correct_through_the_pages(surveyor_client, saved, village="Thôn 4")

    end = correct_through_the_pages_from(staff, staff_opened.url, village="Thôn 5")

    assert end == f"/survey/responses/{saved.pk}/"
    saved.refresh_from_db()
    assert (saved.village, saved.revision) == ("Thôn 4", 2)
    assert ResponseChange.objects.count() == 1
    shown = [m.text() for m in messages_of(page(staff.get(end)))]
    assert len(shown) == 1
    assert shown[0].startswith("Lò Thị Hoa đã sửa phiếu này lúc ")
    assert shown[0].endswith(
        ", sau khi bạn mở nó. Thay đổi của bạn chưa được lưu; hãy mở lại phiếu để xem bản mới."
    )
    kept = Draft.objects.get(pk=staff_draft.pk)  # what the staff typed is not thrown away
    assert kept.data["step_data"]["household"]["household-village"] == ["Thôn 5"]
    assert kept.label == "Nguyễn Văn An"


def correct_through_the_pages_from(client, url: str, **household) -> str:
    while "/drafts/" in url:
        data = form_data(wizard_form(page(client.get(url))))
        for name, value in household.items():
            data[f"household-{name}"] = [value]
        url = client.post(url, data).url
    return url


# Access -----------------------------------------------------------------------------------------


@pytest.fixture
def elsewhere(round_, make_user):
    """A response in Cường Thịnh, a commune of the round outside the usual scopes."""
    other = make_user(SURVEYOR, [CUONG_THINH])
    return HouseholdResponseFactory(
        round=round_, surveyor=other, unit_id=CUONG_THINH, head_name="Bí Mật Hộ"
    )


def test_another_communes_response_ids_give_404(surveyor_client, elsewhere):
    shown = surveyor_client.get(f"/survey/responses/{elsewhere.pk}/")
    edited = surveyor_client.post(f"/survey/responses/{elsewhere.pk}/edit/")

    assert (shown.status_code, edited.status_code) == (404, 404)
    assert "Bí Mật Hộ" not in shown.content.decode()
    assert not Draft.objects.exists()


def test_commune_staff_see_only_their_communes_responses(make_user, round_, elsewhere, surveyor):
    staff = client_of(make_user(COMMUNE_STAFF))  # Nga Quán
    minh_quan = HouseholdResponseFactory(round=round_, surveyor=surveyor, unit_id=MINH_QUAN_ACUTE)
    nga_quan = HouseholdResponseFactory(round=round_, surveyor=surveyor)

    assert staff.get(f"/survey/responses/{nga_quan.pk}/").status_code == 200
    assert staff.get(f"/survey/responses/{minh_quan.pk}/").status_code == 404
    assert staff.get(f"/survey/responses/{elsewhere.pk}/").status_code == 404
    assert staff.post(f"/survey/responses/{minh_quan.pk}/edit/").status_code == 404
    assert not Draft.objects.exists()


@pytest.mark.parametrize(
    ("unit", "message"),
    [
        (CUONG_THINH, "04522@2020-02-01"),  # in the round, not in the surveyor's scope
        (MINH_QUAN_CIRCUMFLEX, "04567@2020-02-01"),  # in the scope of nobody here, not in the round
        ("04528@1900-01-01", "04528@1900-01-01"),  # no such unit
    ],
)
def test_a_unit_outside_scope_in_the_household_step_is_refused(
    surveyor_client, round_, unit, message
):
    base = start(surveyor_client, round_)

    shown = surveyor_client.post(f"{base}/household/", household_post(unit=unit))

    assert shown.status_code == 400
    assert errors_beside(page(shown), "household-unit") == [
        f"Hãy chọn một lựa chọn hợp lệ. {message} không phải là một trong các lựa chọn khả thi."
    ]
    draft = Draft.objects.get()
    assert draft.data["step_data"] == {}
    assert draft.label == ""
    assert HouseholdResponse.objects.count() == 0


def test_the_household_step_offers_only_the_surveyors_communes_of_the_round(
    surveyor_client, round_
):
    base = start(surveyor_client, round_)

    options = control(page(surveyor_client.get(f"{base}/household/")), "household-unit")

    assert [(o.attrs["value"], o.text()) for o in options.select("option")] == [
        ("", "—"),
        (MINH_QUAN_ACUTE, "Xã Minh Quán"),
        (NGA_QUAN, "Xã Nga Quán"),
    ]


def test_someone_elses_draft_gives_404_and_stays_untouched(surveyor_client, make_user, round_):
    owner = client_of(make_user(SURVEYOR))
    base = start(owner, round_)
    walk(owner, base, FOUR_MEMBERS, until="c1")
    draft = Draft.objects.get()
    before = (draft.data, draft.current_step, draft.updated_at)

    assert surveyor_client.get(f"/survey/drafts/{draft.pk}/").status_code == 404
    assert surveyor_client.get(f"{base}/household/").status_code == 404
    assert surveyor_client.get(f"{base}/review/").status_code == 404
    assert surveyor_client.post(f"{base}/household/", household_post(village="X")).status_code == (
        404
    )
    assert surveyor_client.post(f"/survey/drafts/{draft.pk}/discard/").status_code == 404

    draft.refresh_from_db()
    assert (draft.data, draft.current_step, draft.updated_at) == before
    assert "Nguyễn Văn An" not in page(surveyor_client.get("/survey/")).text()


def test_a_member_id_from_elsewhere_in_the_members_step_is_not_taken(
    surveyor_client, round_, elsewhere
):
    stranger = MemberResponse.objects.create(
        response=elsewhere, position=1, full_name="Người Lạ", sex="male", birth_year=1980,
        age=41, ethnicity="01", education="primary", target_group="nong_dan",
        relationship="head",
    )  # fmt: skip
    members = [{**FARMER, "person_id": str(stranger.person_id)}, *FOUR_MEMBERS[1:]]
    base = start(surveyor_client, round_)
    posts = dict(walk_posts(FOUR_MEMBERS))
    posts["members"] = members_post(members)
    for step, data in posts.items():
        assert surveyor_client.post(f"{base}/{step}/", data).status_code == 302

    saved = HouseholdResponse.objects.exclude(pk=elsewhere.pk).get()
    assert stranger.person_id not in set(saved.members.values_list("person_id", flat=True))


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/survey/"),
        ("get", "/survey/rounds/r2021/households/"),
        ("post", "/survey/rounds/r2021/new/"),
    ],
)
def test_a_committee_member_is_refused_the_survey_pages(make_user, round_, method, url):
    committee = client_of(make_user(COMMITTEE))

    assert getattr(committee, method)(url).status_code == 403
    assert not Draft.objects.exists()


def test_a_committee_member_cannot_open_responses_or_drafts(make_user, round_, surveyor):
    committee = client_of(make_user(COMMITTEE))  # the whole province in scope
    response = HouseholdResponseFactory(round=round_, surveyor=surveyor)
    draft = Draft.objects.create(owner=surveyor, round=round_)

    assert committee.get(f"/survey/responses/{response.pk}/").status_code == 403
    assert committee.post(f"/survey/responses/{response.pk}/edit/").status_code == 403
    assert committee.get(f"/survey/drafts/{draft.pk}/household/").status_code == 404
    assert Draft.objects.count() == 1


def test_anonymous_users_are_sent_to_the_login_page(client, round_, surveyor):
    draft = Draft.objects.create(owner=surveyor, round=round_)

    for url in ("/survey/", f"/survey/drafts/{draft.pk}/household/", f"/survey/drafts/{draft.pk}/"):
        assert client.get(url).url.startswith("/accounts/login/?next=")


def test_no_new_household_in_a_closed_round(surveyor_client, round_):
    round_.status = Round.Status.CLOSED
    round_.save()

    assert surveyor_client.post(f"/survey/rounds/{round_.code}/new/").status_code == 404
    assert not Draft.objects.exists()


def test_the_admin_shows_rounds_read_only(make_user, round_, client):
    # Rounds change only through their pages, whose services check and audit every change.
    model_admin = admin.site._registry[Round]
    request = RequestFactory().get("/")
    request.user = make_user(ADMINISTRATOR)

    assert model_admin.has_add_permission(request) is False
    assert model_admin.has_change_permission(request, round_) is False
    assert model_admin.has_delete_permission(request, round_) is False
    client.force_login(request.user)
    change = client.post(
        f"/admin/survey/round/{round_.pk}/change/", {"name": "Đổi tên", "code": "x"}
    )
    assert change.status_code in (200, 403)
    round_.refresh_from_db()
    assert round_.name != "Đổi tên"


# Lists -----------------------------------------------------------------------------------------


@pytest.fixture
def listed(round_, make_user):
    first = make_user(SURVEYOR, username="dtv1", full_name="Lò Thị Hoa")
    second = make_user(SURVEYOR, username="dtv2", full_name="Vàng A Páo")
    far = make_user(SURVEYOR, [CUONG_THINH], username="dtv3", full_name="Sùng Thị Mỷ")
    make = HouseholdResponseFactory
    make(round=round_, surveyor=first, village="Thôn 1", head_name="Nguyễn Văn An")
    make(round=round_, surveyor=second, village="Thôn 2", head_name="Trần Thị Bình",
         status="verified")  # fmt: skip
    make(round=round_, surveyor=second, village="Thôn 1", head_name="Lê Minh Quân")
    make(round=round_, surveyor=first, unit_id=MINH_QUAN_ACUTE, head_name="Nguyễn Văn Ba")
    make(round=round_, surveyor=far, unit_id=CUONG_THINH, head_name="Nguyễn Văn Xa")
    return first, second, far


def heads(response) -> list[str]:
    return [row[0] for row in household_rows(response)]


def test_a_surveyor_lists_their_own_households(round_, listed):
    first, second, _ = listed
    mine = client_of(first)
    url = f"/survey/rounds/{round_.code}/households/"

    assert household_rows(mine.get(url)) == [
        ["Nguyễn Văn Ba", "Xã Minh Quán", "Thôn 1", "0", "0/0", "—", "Đã gửi"],
        ["Nguyễn Văn An", "Xã Nga Quán", "Thôn 1", "0", "0/0", "—", "Đã gửi"],
    ]
    assert heads(mine.get(url, {"q": "nguyen van an"})) == ["Nguyễn Văn An"]
    assert heads(mine.get(url, {"surveyor": second.pk})) == ["Nguyễn Văn Ba", "Nguyễn Văn An"]
    assert page(mine.get(url)).select("select", id="id_surveyor") == []


STAFF_FILTERS = [
    ({}, ["Lê Minh Quân", "Nguyễn Văn An", "Trần Thị Bình"]),
    ({"village": "Thôn 1"}, ["Lê Minh Quân", "Nguyễn Văn An"]),
    ({"status": "verified"}, ["Trần Thị Bình"]),
    ({"status": "approved"}, []),
    ({"status": "nonsense"}, ["Lê Minh Quân", "Nguyễn Văn An", "Trần Thị Bình"]),
    ({"q": "nguyen van"}, ["Nguyễn Văn An"]),  # not Ba or Xa: other communes
    ({"q": "NGUYỄN VĂN"}, ["Nguyễn Văn An"]),
    ({"q": "quan"}, ["Lê Minh Quân"]),
    ({"q": "tran thi binh", "status": "verified"}, ["Trần Thị Bình"]),
    ({"village": "Thôn 2", "q": "nguyen"}, []),
]


def test_commune_staff_list_and_filter_their_communes_households(round_, listed, make_user):
    staff = client_of(make_user(COMMUNE_STAFF))

    shown = {
        str(query): heads(staff.get(f"/survey/rounds/{round_.code}/households/", query))
        for query, _ in STAFF_FILTERS
    }

    assert shown == {
        str(query): expected or ["Không có hộ nào."] for query, expected in STAFF_FILTERS
    }


def test_commune_staff_filter_by_surveyor_among_those_of_their_communes(round_, listed, make_user):
    first, second, far = listed
    staff = client_of(make_user(COMMUNE_STAFF))
    url = f"/survey/rounds/{round_.code}/households/"

    assert heads(staff.get(url, {"surveyor": second.pk})) == ["Lê Minh Quân", "Trần Thị Bình"]
    assert heads(staff.get(url, {"surveyor": first.pk})) == ["Nguyễn Văn An"]
    assert heads(staff.get(url, {"surveyor": far.pk})) == ["Không có hộ nào."]
    assert heads(staff.get(url, {"surveyor": "x"})) == [
        "Lê Minh Quân",
        "Nguyễn Văn An",
        "Trần Thị Bình",
    ]
    doc = page(staff.get(url))
    choices = doc.select("select", id="id_surveyor")[0].select("option")
    assert sorted(o.text() for o in choices) == ["Lò Thị Hoa", "Tất cả", "Vàng A Páo"]
    villages = doc.select("select", id="id_village")[0].select("option")
    assert [o.text() for o in villages] == ["Tất cả", "Thôn 1", "Thôn 2"]


def test_the_list_shows_the_scores_recorded_on_submit(surveyor_client, round_):
    submit_all(surveyor_client, round_, FOUR_MEMBERS)
    expected = expected_result(FOUR_MEMBERS, round_=round_)

    rows = household_rows(surveyor_client.get(f"/survey/rounds/{round_.code}/households/"))

    recognised = sum(1 for r in expected.members if r and r.recognised)
    assessed = sum(1 for r in expected.members if r)
    assert rows == [
        [
            "Nguyễn Văn An",
            "Xã Nga Quán",
            "Thôn 3",
            "4",
            f"{recognised}/{assessed}",
            f"{vi_number(expected.household.total)} ?",
            "Đã gửi",
        ]
    ]
    assert rows[0][4:6] == ["0/3", "81 ?"]


# Queries ---------------------------------------------------------------------------------------

# Queries per request of each step (GET, POST) with the round's data cached, as in a running
# server: session, user, draft, permissions, scope and the communes of the round. Posting the
# household step also looks for the same household in this round and in earlier ones. The
# review's POST submits: its queries are compared below.
STEP_QUERIES = {
    "household": (16, 20),
    "members": (15, 16),
    "c1": (15, 16),
    "c2": (15, 16),
    "c3": (15, 16),
    "family": (15, 16),
    "household_questions": (15, 16),
}
REVIEW_PAGE_QUERIES = 16  # one more than a step: the commune's name


def team(size: int) -> list[dict[str, str]]:
    others = [
        {**CADRE, "full_name": f"Thành viên {i}", "relationship": "other"} for i in range(size - 1)
    ]
    return [FARMER, *others]


def queries_of_a_walk(client, round_, members) -> tuple[dict[str, tuple[int, int]], int, list[str]]:
    """Return each step's (GET, POST) counts, the review page's and the submit's SQL."""
    base = start(client, round_)
    *steps, (last, submit) = walk_posts(members)
    counts = {}
    for step, data in steps:
        with CaptureQueriesContext(connection) as shown:
            assert client.get(f"{base}/{step}/").status_code == 200
        with CaptureQueriesContext(connection) as sent:
            assert client.post(f"{base}/{step}/", data).status_code == 302
        counts[step] = (len(shown), len(sent))
    with CaptureQueriesContext(connection) as shown:
        assert client.get(f"{base}/{last}/").status_code == 200
    with CaptureQueriesContext(connection) as done:
        assert client.post(f"{base}/{last}/", submit).status_code == 302
    return counts, len(shown), [q["sql"] for q in done.captured_queries]


def test_each_step_makes_the_same_number_of_queries_for_one_member_or_six(surveyor_client, round_):
    queries_of_a_walk(surveyor_client, round_, team(1))  # the first request loads the sets

    one, review_one, submit_one = queries_of_a_walk(surveyor_client, round_, team(1))
    six, review_six, submit_six = queries_of_a_walk(surveyor_client, round_, team(6))

    assert one == six == STEP_QUERIES
    assert review_one == review_six == REVIEW_PAGE_QUERIES

    # Submitting writes members and scores in bulk; only the score aggregates take one
    # update per breakdown cell (group, sex, age band, ethnicity) the household touches.
    def not_cells(sql: list[str]) -> list[str]:
        return [q for q in sql if not re.match(r'UPDATE "scoring_[a-z]*aggregate" ', q)]

    assert len(not_cells(submit_one)) == len(not_cells(submit_six))


def test_provincial_staff_review_but_are_offered_no_entry(client, make_user, round_):
    from accounts.roles import PROVINCE_STAFF

    client.force_login(make_user(PROVINCE_STAFF, username="canbotinh"))

    html = client.get("/survey/").content.decode()
    assert "Nhập hộ mới" not in html and "Nhập từ tệp" not in html
    assert f'data-round="{round_.code}"' in html and "Tiến độ và kiểm tra" in html
    answer = client.post(f"/survey/rounds/{round_.code}/new/")
    assert answer.status_code == 404
    assert Draft.objects.count() == 0
