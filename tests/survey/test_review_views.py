"""The review pages: buttons on a response, bulk moves with confirmation, the dashboard, locks."""

from __future__ import annotations

import re
from html import unescape

import pytest

from accounts.roles import COMMITTEE, COMMUNE_STAFF, PROVINCE_STAFF, SURVEYOR
from flows.review import verify_response
from survey.models import HouseholdResponse, ResponseStatus, ResponseTransition, UnitLock
from tests.factories import MINH_QUAN_ACUTE, NGA_QUAN
from tests.survey.test_services import submit

pytestmark = pytest.mark.django_db
S = ResponseStatus


@pytest.fixture
def surveyor(make_user):
    return make_user(SURVEYOR, username="dieutravien", full_name="Lò Thị Hoa")


@pytest.fixture
def officer(make_user):
    return make_user(COMMUNE_STAFF, username="canboxa", full_name="Hà Văn Minh")


@pytest.fixture
def province(make_user):
    return make_user(PROVINCE_STAFF, username="canbotinh", full_name="Đinh Thị Lan")


def text(response) -> str:
    return unescape(response.content.decode())


def buttons(response) -> list[str]:
    return re.findall(r'data-testid="(verify|return|approve)"', response.content.decode())


def test_each_role_sees_the_buttons_it_may_use(client, surveyor, officer, province, round_):
    response = submit(surveyor, round_)
    url = f"/survey/responses/{response.pk}/"

    client.force_login(surveyor)
    assert buttons(client.get(url)) == []
    client.force_login(officer)
    assert buttons(client.get(url)) == ["verify", "return"]
    client.force_login(province)
    assert buttons(client.get(url)) == ["verify", "return"]
    verify_response(user=officer, response=response)
    assert buttons(client.get(url)) == ["approve", "return"]


def test_return_shows_the_reason_to_the_surveyor_beside_the_form(client, surveyor, officer, round_):
    response = submit(surveyor, round_)
    client.force_login(officer)

    posted = client.post(
        f"/survey/responses/{response.pk}/review/",
        {"action": "return", "reason": "Năm sinh của cháu Châu chưa đúng"},
    )

    assert posted.status_code == 302
    assert HouseholdResponse.objects.get(pk=response.pk).status == S.RETURNED
    client.force_login(surveyor)
    page = text(client.get(f"/survey/responses/{response.pk}/"))
    assert "Phiếu bị trả lại để sửa" in page
    assert "Năm sinh của cháu Châu chưa đúng" in page
    edit = client.post(f"/survey/responses/{response.pk}/edit/")
    wizard = text(client.get(edit.url))
    assert "Phiếu bị trả lại để sửa. Lý do:" in wizard
    assert "Năm sinh của cháu Châu chưa đúng" in wizard


def test_return_without_reason_is_refused_with_a_message(client, surveyor, officer, round_):
    response = submit(surveyor, round_)
    client.force_login(officer)

    posted = client.post(
        f"/survey/responses/{response.pk}/review/", {"action": "return", "reason": ""}, follow=True
    )

    assert "Hãy ghi lý do trả lại phiếu" in text(posted)
    assert HouseholdResponse.objects.get(pk=response.pk).status == S.SUBMITTED
    assert not ResponseTransition.objects.exists()


def test_a_surveyor_cannot_post_a_review_and_outsiders_get_404(client, surveyor, round_, make_user):
    response = submit(surveyor, round_)
    client.force_login(surveyor)
    assert (
        client.post(f"/survey/responses/{response.pk}/review/", {"action": "verify"}).status_code
        == 403
    )
    outsider = make_user(COMMUNE_STAFF, username="canbo-mq", unit_keys=[MINH_QUAN_ACUTE])
    client.force_login(outsider)
    assert (
        client.post(f"/survey/responses/{response.pk}/review/", {"action": "verify"}).status_code
        == 404
    )
    assert HouseholdResponse.objects.get(pk=response.pk).status == S.SUBMITTED


def test_bulk_verify_confirms_how_many_then_moves_them(client, surveyor, officer, round_):
    first = submit(surveyor, round_, village="Thôn 1")
    second = submit(surveyor, round_, village="Thôn 1", head_name="Lê Văn Bình")
    other = submit(surveyor, round_, village="Thôn 2", head_name="Trần Văn Cường")
    client.force_login(officer)

    confirm = client.get("/survey/rounds/r2021/bulk/verify/?village=Thôn 1")

    assert confirm.status_code == 200
    assert "2 phiếu trong danh sách đang lọc sẽ được chuyển sang “Đã kiểm tra”." in text(confirm)
    done = client.post("/survey/rounds/r2021/bulk/verify/", {"village": "Thôn 1", "expected": "2"})
    assert done.status_code == 302
    statuses = dict(HouseholdResponse.objects.values_list("pk", "status"))
    assert statuses == {first.pk: S.VERIFIED, second.pk: S.VERIFIED, other.pk: S.SUBMITTED}


def test_bulk_with_a_stale_count_moves_nothing(client, surveyor, officer, round_):
    submit(surveyor, round_)
    client.force_login(officer)

    done = client.post("/survey/rounds/r2021/bulk/verify/", {"expected": "5"}, follow=True)

    assert "nay có 1 phiếu thay vì 5" in text(done)
    assert set(HouseholdResponse.objects.values_list("status", flat=True)) == {S.SUBMITTED}


def test_commune_staff_cannot_bulk_approve(client, surveyor, officer, round_):
    submit(surveyor, round_)
    client.force_login(officer)

    assert client.get("/survey/rounds/r2021/bulk/approve/").status_code == 403
    assert client.post("/survey/rounds/r2021/bulk/approve/", {"expected": "0"}).status_code == 403


def test_dashboard_counts_by_status_and_surveyor(client, surveyor, officer, round_):
    submit(surveyor, round_)
    returned = submit(surveyor, round_, head_name="Lê Văn Bình")
    client.force_login(officer)
    client.post(f"/survey/responses/{returned.pk}/review/", {"action": "return", "reason": "Thiếu"})

    page = client.get("/survey/rounds/r2021/review/")

    assert page.status_code == 200
    board = page.context["board"]
    assert [(r.unit.key, r.planned, r.total, r.counts) for r in board.units] == [
        (NGA_QUAN, 20, 2, {"submitted": 1, "returned": 1})
    ]
    assert [(p.surveyor.username, p.total) for p in board.surveyors] == [("dieutravien", 2)]
    assert [r.pk for r in page.context["returned"]] == [returned.pk]


@pytest.mark.parametrize("role", [SURVEYOR, COMMITTEE])
def test_dashboard_is_for_staff_only(client, make_user, round_, role):
    client.force_login(make_user(role))

    assert client.get("/survey/rounds/r2021/review/").status_code == 403


def test_lock_and_unlock_through_the_dashboard(client, surveyor, officer, province, round_):
    response = submit(surveyor, round_)
    verify_response(user=officer, response=response)
    client.force_login(officer)
    assert client.post(f"/survey/rounds/r2021/units/{NGA_QUAN}/lock/").status_code == 403
    client.force_login(province)

    client.post(f"/survey/rounds/r2021/units/{NGA_QUAN}/lock/")
    assert UnitLock.objects.filter(unit_id=NGA_QUAN).exists()
    assert HouseholdResponse.objects.get(pk=response.pk).status == S.APPROVED
    refused = client.post(
        f"/survey/rounds/r2021/units/{NGA_QUAN}/unlock/", {"reason": ""}, follow=True
    )
    assert "Hãy ghi lý do mở khoá." in text(refused)
    assert UnitLock.objects.exists()
    client.post(f"/survey/rounds/r2021/units/{NGA_QUAN}/unlock/", {"reason": "Sửa năm sinh"})
    assert not UnitLock.objects.exists()
    page = text(client.get("/survey/rounds/r2021/review/"))
    assert "Sửa năm sinh" in page


def test_locking_a_commune_outside_the_scope_is_404(client, province, round_, make_user):
    district = make_user(PROVINCE_STAFF, username="canbo-huyen", unit_keys=[MINH_QUAN_ACUTE])
    client.force_login(district)

    assert client.post(f"/survey/rounds/r2021/units/{NGA_QUAN}/lock/").status_code == 404
    assert not UnitLock.objects.exists()


def test_a_locked_household_shows_the_lock_and_no_edit_button(
    client, surveyor, officer, province, round_
):
    response = submit(surveyor, round_)
    verify_response(user=officer, response=response)
    client.force_login(province)
    client.post(f"/survey/rounds/r2021/units/{NGA_QUAN}/lock/")
    client.force_login(surveyor)

    page = client.get(f"/survey/responses/{response.pk}/")

    assert "đã được phê duyệt và khoá" in text(page)
    assert f"/survey/responses/{response.pk}/edit/" not in page.content.decode()
    refused = client.post(f"/survey/responses/{response.pk}/edit/", follow=True)
    assert "đã được phê duyệt và khoá" in text(refused)


def test_a_review_posted_from_a_stale_page_after_the_lock_is_refused_cleanly(
    client, surveyor, officer, province, round_
):
    response = submit(surveyor, round_)
    verify_response(user=officer, response=response)
    client.force_login(province)
    client.post(f"/survey/rounds/r2021/units/{NGA_QUAN}/lock/")

    again = client.post(f"/survey/rounds/r2021/units/{NGA_QUAN}/lock/", follow=True)
    posted = client.post(
        f"/survey/responses/{response.pk}/review/",
        {"action": "return", "reason": "Sửa lại"},
        follow=True,
    )

    assert again.status_code == posted.status_code == 200
    assert "đã được phê duyệt và khoá" in text(again)
    assert "đã được phê duyệt và khoá" in text(posted)
    assert HouseholdResponse.objects.get(pk=response.pk).status == S.APPROVED
    assert UnitLock.objects.count() == 1
