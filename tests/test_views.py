"""Every view for an anonymous visitor and for each role, through Django's test client."""

from __future__ import annotations

import html
import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from accounts.roles import ADMINISTRATOR, COMMITTEE, COMMUNE_STAFF, PROVINCE_STAFF, SURVEYOR
from tests.factories import (
    MINH_QUAN_ACUTE,
    MINH_QUAN_CIRCUMFLEX,
    NGA_QUAN,
    PASSWORD,
    YEN_BAI_PROVINCE,
)
from units.models import AdminUnit

ALL_ROLES = [SURVEYOR, COMMUNE_STAFF, PROVINCE_STAFF, COMMITTEE, ADMINISTRATOR]
# A unit each role (with its default scope) may open.
OWN_UNIT = {
    SURVEYOR: (NGA_QUAN, "Xã Nga Quán"),
    COMMUNE_STAFF: (NGA_QUAN, "Xã Nga Quán"),
    PROVINCE_STAFF: (YEN_BAI_PROVINCE, "Tỉnh Yên Bái"),
    COMMITTEE: (YEN_BAI_PROVINCE, "Tỉnh Yên Bái"),
    ADMINISTRATOR: ("04273@2025-07-01", "Phường Nam Cường"),
}
BAD_DATE_MESSAGE = "Ngày “not-a-date” không hợp lệ; hãy nhập theo dạng dd/mm/yyyy."
PILOT_COMMUNE_DISTRICTS = ["132@2020-02-01", "138@2020-02-01"]


def detail_url(key: str) -> str:
    return reverse("units:detail", args=[key])


def plain_text(response) -> str:
    """The page's text without tags, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())


def text(response) -> str:
    return response.content.decode()


def my_communes(response) -> list[str] | None:
    """Return the names in the home page's [data-testid=my-communes] list (None if absent)."""
    found = re.search(r'<ul [^>]*data-testid="my-communes"[^>]*>(.*?)</ul>', text(response), re.S)
    if found is None:
        return None
    return [html.unescape(n) for n in re.findall(r"<a [^>]*>([^<]*)</a>", found.group(1))]


def tree_rows(response) -> list[tuple[int, str]]:
    found = re.search(r'<ul [^>]*data-testid="unit-tree"[^>]*>(.*?)</ul>', text(response), re.S)
    if found is None:
        return []
    return [
        (int(depth), html.unescape(name))
        for depth, name in re.findall(
            r'<li class="depth-(\d+)"><a [^>]*>([^<]*)</a>', found.group(1)
        )
    ]


@pytest.fixture
def signed_in(client, make_user):
    """Return ``sign_in(role, unit_keys=None, **fields)``: a user of that role, logged in."""

    def sign_in(role: str, unit_keys=None, **fields) -> User:
        user = make_user(role, unit_keys, **fields)
        client.force_login(user)
        return user

    return sign_in


# Anonymous visitors -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "location"),
    [
        ("/", "/accounts/login/?next=/"),
        ("/units/", "/accounts/login/?next=/units/"),
        ("/units/?on=2021-06-01", "/accounts/login/?next=/units/%3Fon%3D2021-06-01"),
        ("/units/04528@2020-02-01/", "/accounts/login/?next=/units/04528%402020-02-01/"),
        ("/units/nope@2000-01-01/", "/accounts/login/?next=/units/nope%402000-01-01/"),
        ("/accounts/password/", "/accounts/login/?next=/accounts/password/"),
        ("/accounts/password/done/", "/accounts/login/?next=/accounts/password/done/"),
        ("/admin/", "/admin/login/?next=/admin/"),
    ],
)
def test_anonymous_is_sent_to_login(client, units, url, location):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == location


def test_anonymous_gets_the_login_form_in_vietnamese(client, units):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    assert '<html lang="vi">' in text(response)
    assert "<h1>Đăng nhập</h1>" in text(response)
    assert 'name="username"' in text(response)
    assert 'name="password"' in text(response)


def test_anonymous_logout_redirects_to_login(client, units):
    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"


def test_anonymous_can_choose_a_language(client, units):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert response.cookies["django_language"].value == "en"


# Logging in and out ---------------------------------------------------------------------


def test_login_form_signs_in_with_the_right_password(client, make_user):
    user = make_user(SURVEYOR, username="dieutravien")

    response = client.post("/accounts/login/", {"username": "dieutravien", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_form_refuses_a_wrong_password(client, make_user):
    make_user(SURVEYOR, username="dieutravien")

    response = client.post("/accounts/login/", {"username": "dieutravien", "password": "sai-roi"})

    assert response.status_code == 400
    assert '<div class="errorlist" role="alert">' in text(response)
    assert "_auth_user_id" not in client.session
    assert client.get("/")["Location"] == "/accounts/login/?next=/"


def test_login_form_follows_next(client, make_user):
    make_user(SURVEYOR, username="dieutravien")

    response = client.post(
        "/accounts/login/",
        {"username": "dieutravien", "password": PASSWORD, "next": "/units/"},
    )

    assert response["Location"] == "/units/"


@pytest.mark.parametrize("role", ALL_ROLES)
def test_signed_in_user_opening_login_goes_home(client, signed_in, role):
    signed_in(role)

    response = client.get("/accounts/login/")

    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize("role", ALL_ROLES)
def test_logout_ends_the_session(client, signed_in, role):
    signed_in(role)

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session
    assert client.get("/")["Location"] == "/accounts/login/?next=/"


def test_logout_by_get_is_refused_and_keeps_the_session(client, signed_in):
    user = signed_in(SURVEYOR)

    response = client.get("/accounts/logout/")

    assert response.status_code == 405
    assert client.session["_auth_user_id"] == str(user.pk)


# Password change ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ALL_ROLES)
def test_password_change_form_for_each_role(client, signed_in, role):
    signed_in(role)

    response = client.get("/accounts/password/")

    assert response.status_code == 200
    for field in ("old_password", "new_password1", "new_password2"):
        assert f'name="{field}"' in text(response)


def test_password_change_with_the_right_old_password(client, signed_in):
    user = signed_in(SURVEYOR)
    new = "Nương-chè-Trấn-Yên-42"

    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/done/"
    user.refresh_from_db()
    assert user.check_password(new) is True
    assert client.get("/accounts/password/done/").status_code == 200


@pytest.mark.parametrize(
    ("old", "new1", "new2", "field"),
    [
        ("sai-roi", "Nương-chè-Trấn-Yên-42", "Nương-chè-Trấn-Yên-42", "old_password"),
        (PASSWORD, "12345678", "12345678", "new_password2"),
        (PASSWORD, "Nương-chè-Trấn-Yên-42", "Nương-chè-Trấn-Yên-43", "new_password2"),
    ],
)
def test_password_change_refused_keeps_the_old_password(client, signed_in, old, new1, new2, field):
    user = signed_in(SURVEYOR)

    response = client.post(
        "/accounts/password/", {"old_password": old, "new_password1": new1, "new_password2": new2}
    )

    assert response.status_code == 400
    assert f'id="id_{field}_error"' in text(response)
    user.refresh_from_db()
    assert user.check_password(PASSWORD) is True


# Home ----------------------------------------------------------------------------------


def test_home_greets_in_vietnamese_by_default(client, signed_in):
    signed_in(SURVEYOR, full_name="Lò Thị Hoa")

    response = client.get("/")

    assert response.status_code == 200
    assert '<html lang="vi">' in text(response)
    assert "<h1>Xin chào, Lò Thị Hoa</h1>" in text(response)
    assert "<h2>Đơn vị của bạn</h2>" in text(response)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_language_switch_sets_the_language_cookie(client, signed_in, role):
    signed_in(role)

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies["django_language"].value == "en"


@pytest.mark.parametrize("role", ALL_ROLES)
def test_home_shows_the_role(client, signed_in, role):
    signed_in(role)

    response = client.get("/")

    assert response.status_code == 200
    assert re.findall(r'data-role="([a-z_]+)"', text(response)) == [role]


def test_home_lists_exactly_the_surveyors_two_communes(client, signed_in):
    signed_in(SURVEYOR, [NGA_QUAN, MINH_QUAN_ACUTE])

    assert my_communes(client.get("/")) == ["Xã Minh Quán", "Xã Nga Quán"]


def test_home_lists_exactly_the_commune_staffs_commune(client, signed_in):
    signed_in(COMMUNE_STAFF, [NGA_QUAN])

    assert my_communes(client.get("/")) == ["Xã Nga Quán"]


@pytest.mark.parametrize("role", [PROVINCE_STAFF, COMMITTEE])
def test_home_lists_todays_communes_and_folds_the_former_ones(client, signed_in, role):
    signed_in(role, [YEN_BAI_PROVINCE])
    former = AdminUnit.objects.filter(parent__in=PILOT_COMMUNE_DISTRICTS).values_list(
        "name", flat=True
    )
    today_units = AdminUnit.objects.filter(parent="15@2025-07-01").values_list("name", flat=True)

    response = client.get("/")

    # Today: Tỉnh Lào Cai's 9 communes of the pilot area, through the 2025 change record.
    assert sorted(my_communes(response)) == sorted(today_units)
    folded = re.search(
        r'<details data-testid="my-former-communes">\s*<summary>(.*?)</summary>(.*?)</details>',
        text(response),
        re.S,
    )
    assert folded[1] == "38 xã/phường trước các lần sắp xếp"
    names = re.findall(r'<a href="/units/[^"]+/">([^<]+)</a>', folded[2])
    assert sorted(names) == sorted(former)
    assert names.count("Phường Hồng Hà") == 2  # the 2020 ward and the 2024 merged one


def test_a_long_list_of_communes_is_a_count_and_a_link(client, signed_in, monkeypatch):
    monkeypatch.setattr("accounts.views.LIST_LIMIT", 5)
    signed_in(PROVINCE_STAFF, [YEN_BAI_PROVINCE])

    response = client.get("/")

    assert my_communes(response) is None
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert f"9 xã/phường có hiệu lực ngày {today}. Xem theo cây đơn vị" in plain_text(response)


def test_home_of_an_administrator_has_no_commune_list(client, signed_in):
    signed_in(ADMINISTRATOR)

    response = client.get("/")

    assert my_communes(response) is None
    assert "Bạn xem được tất cả các đơn vị." in text(response)


def test_home_of_a_user_without_scope_says_so(client, signed_in):
    signed_in(SURVEYOR, [])

    response = client.get("/")

    assert my_communes(response) is None
    assert "Bạn chưa được giao đơn vị nào. Hãy liên hệ quản trị viên." in text(response)


# Unit tree -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "rows"),
    [
        (SURVEYOR, 2),
        (COMMUNE_STAFF, 1),
        (PROVINCE_STAFF, 39),
        (COMMITTEE, 39),
        (ADMINISTRATOR, 39),
    ],
)
def test_tree_on_the_pilot_day_for_each_role(client, signed_in, role, rows):
    signed_in(role)

    response = client.get("/units/?on=2021-06-01")

    assert response.status_code == 200
    assert len(tree_rows(response)) == rows


def test_tree_of_the_surveyor_lists_only_their_communes(client, signed_in):
    signed_in(SURVEYOR, [NGA_QUAN, MINH_QUAN_ACUTE])

    response = client.get("/units/?on=2021-06-01")

    assert tree_rows(response) == [(0, "Xã Minh Quán"), (0, "Xã Nga Quán")]
    assert "Minh Quân" not in text(response)


def test_tree_of_province_staff_after_the_reform_is_the_new_province(client, signed_in):
    signed_in(PROVINCE_STAFF)

    response = client.get("/units/?on=2025-08-01")

    assert response.status_code == 200
    rows = tree_rows(response)
    assert rows[0] == (0, "Tỉnh Lào Cai")
    assert len(rows) == 10


def test_tree_of_a_surveyor_after_the_reform_is_empty(client, signed_in):
    signed_in(SURVEYOR, ["04528@2020-02-01"])

    response = client.get("/units/?on=2025-08-01")

    assert response.status_code == 200
    assert tree_rows(response) == []
    assert "Không có đơn vị nào của bạn có hiệu lực vào ngày này." in text(response)


def test_the_surveyors_tree_opens_on_the_last_day_their_communes_existed(client, signed_in):
    signed_in(SURVEYOR, [NGA_QUAN, MINH_QUAN_ACUTE])
    last = AdminUnit.objects.get(key=NGA_QUAN).valid_to

    response = client.get("/units/")

    assert tree_rows(response) == [(0, "Xã Minh Quán"), (0, "Xã Nga Quán")]
    assert response.context["day"] == last
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert (
        f"Các đơn vị của bạn không còn hiệu lực ngày {today} (đã được sắp xếp lại); đây là "
        f"cây đơn vị ngày {last:%d/%m/%Y}, ngày cuối chúng còn hiệu lực." in text(response)
    )


def test_staff_of_todays_province_open_the_tree_on_today(client, signed_in):
    signed_in(PROVINCE_STAFF)

    response = client.get("/units/")

    assert response.context["day"] == timezone.localdate()
    assert 'data-testid="moved-day"' not in text(response)
    assert tree_rows(response)[0] == (0, "Tỉnh Lào Cai")


def test_tree_with_a_bad_date_answers_400_in_vietnamese(client, signed_in):
    signed_in(ADMINISTRATOR)

    response = client.get("/units/?on=not-a-date")

    assert response.status_code == 400
    assert f'<p class="error" id="on_error">{BAD_DATE_MESSAGE}</p>' in text(response)
    assert 'aria-invalid="true"' in text(response)


def test_tree_escapes_the_bad_date_it_echoes(client, signed_in):
    signed_in(ADMINISTRATOR)

    response = client.get("/units/", {"on": "<script>x</script>"})

    assert response.status_code == 400
    assert "<script>x" not in text(response)
    assert "Ngày “&lt;script&gt;x&lt;/script&gt;” không hợp lệ" in text(response)


# Unit detail --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ALL_ROLES)
def test_detail_of_an_own_unit_for_each_role(client, signed_in, role):
    signed_in(role)
    key, name = OWN_UNIT[role]

    response = client.get(detail_url(key))

    assert response.status_code == 200
    assert f"<h1>{name}</h1>" in text(response)


def test_detail_of_nga_quan_shows_its_merge_and_todays_successor(client, signed_in):
    signed_in(SURVEYOR, [NGA_QUAN])

    response = client.get(detail_url(NGA_QUAN))

    body = text(response)
    assert "<dd>04528</dd>" in body
    assert "<dd>01/02/2020 – 30/11/2024</dd>" in body
    # The parent is named but not linked: the surveyor may not open the district.
    assert "<dd>Huyện Trấn Yên</dd>" in body
    assert (
        "<tr><td>01/12/2024</td><td>Xã Nga Quán</td><td>Xã Cường Thịnh</td>"
        "<td>NQ 1246/NQ-UBTVQH15</td></tr>"
    ) in body
    assert "<li>Phường Nam Cường (Tỉnh Lào Cai)</li>" in body


def test_detail_of_a_district_lists_its_children_on_the_chosen_day(client, signed_in):
    signed_in(PROVINCE_STAFF)

    response = client.get(detail_url("138@2020-02-01"), {"on": "2024-12-01"})

    assert response.status_code == 200
    children = re.findall(r'<li><a href="/units/[^"]+/">([^<]+)</a></li>', text(response))
    assert len(children) == 18
    assert "Xã Thành Thịnh" in children
    assert "Xã Nga Quán" not in children


@pytest.mark.parametrize(
    ("key", "name"),
    [
        (MINH_QUAN_CIRCUMFLEX, "Minh Quân"),
        ("04522@2020-02-01", "Cường Thịnh"),
        ("138@2020-02-01", "Trấn Yên"),
        (YEN_BAI_PROVINCE, "Tỉnh Yên Bái"),
    ],
)
def test_surveyor_editing_the_url_gets_404_without_the_units_name(client, signed_in, key, name):
    signed_in(SURVEYOR, [NGA_QUAN, MINH_QUAN_ACUTE])

    response = client.get(detail_url(key))
    missing = client.get(detail_url("00000@2000-01-01"))

    assert response.status_code == 404
    assert name not in text(response)
    assert key.split("@")[0] not in text(response)
    # Out of scope looks exactly like "does not exist".
    assert (missing.status_code, missing.content) == (404, response.content)


def test_detail_with_a_bad_date_answers_400_in_vietnamese(client, signed_in):
    signed_in(SURVEYOR, [NGA_QUAN])

    response = client.get(detail_url(NGA_QUAN), {"on": "not-a-date"})

    assert response.status_code == 400
    assert f'<p class="error">{BAD_DATE_MESSAGE}</p>' in text(response)


# Admin ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [SURVEYOR, COMMUNE_STAFF, PROVINCE_STAFF, COMMITTEE])
def test_admin_index_is_closed_to_non_administrators(client, signed_in, role):
    signed_in(role)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"


def test_admin_index_opens_for_an_administrator(client, signed_in):
    signed_in(ADMINISTRATOR)

    response = client.get("/admin/")

    assert response.status_code == 200
    assert "Công dân học tập – Quản trị" in text(response)
    assert 'href="/admin/units/adminunit/"' in text(response)


def test_admin_unit_list_filters_by_validity_date(client, signed_in):
    signed_in(ADMINISTRATOR)

    response = client.get("/admin/units/adminunit/", {"valid_on": "2025-08-01"})

    assert response.status_code == 200
    assert response.context["cl"].result_count == 10
