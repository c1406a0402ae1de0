"""flows.assignments and its page: staff assign their surveyors to the communes of a round."""

from __future__ import annotations

from html import unescape

import pytest

from accounts.roles import COMMITTEE, COMMUNE_STAFF, PROVINCE_STAFF, SURVEYOR
from audit.models import AuditEntry
from flows.assignments import assign_surveyors, assignment_table
from flows.people import AccountError
from survey.models import Round, RoundSurveyor
from survey.selectors import entry_units, rounds_for_entry
from tests.factories import MINH_QUAN_ACUTE, NGA_QUAN
from tests.survey.conftest import CUONG_THINH

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(make_user, round_):
    """Province staff, commune staff of Nga Quán, and three surveyors."""
    return {
        "province": make_user(PROVINCE_STAFF, username="canbotinh"),
        "commune": make_user(COMMUNE_STAFF, [NGA_QUAN], username="canboxa"),
        "hoa": make_user(SURVEYOR, [NGA_QUAN], username="hoa", full_name="Lò Thị Hoa"),
        "lan": make_user(SURVEYOR, [NGA_QUAN, MINH_QUAN_ACUTE], username="lan"),
        "binh": make_user(SURVEYOR, [NGA_QUAN, CUONG_THINH], username="binh"),
    }


def keys(units) -> list[str]:
    return [u.key for u in units]


def test_without_assignments_every_surveyor_of_the_commune_enters_it(team, round_):
    assert keys(entry_units(user=team["hoa"], round_=round_)) == [NGA_QUAN]
    assert keys(entry_units(user=team["lan"], round_=round_)) == [MINH_QUAN_ACUTE, NGA_QUAN]


def test_an_assigned_commune_is_entered_only_by_its_surveyors_and_staff(team, round_):
    changed = assign_surveyors(
        by=team["province"], round_=round_, assignments={NGA_QUAN: [team["hoa"].pk]}
    )

    assert changed == 1
    assert keys(entry_units(user=team["hoa"], round_=round_)) == [NGA_QUAN]
    # Lan keeps Minh Quán, which nobody was assigned to, and loses Nga Quán.
    assert keys(entry_units(user=team["lan"], round_=round_)) == [MINH_QUAN_ACUTE]
    assert keys(entry_units(user=team["binh"], round_=round_)) == [CUONG_THINH]
    # Staff are not bound by assignments.
    assert keys(entry_units(user=team["commune"], round_=round_)) == [NGA_QUAN]
    entry = AuditEntry.objects.get(object_type="round", action="change")
    assert (entry.username, entry.round_code) == ("canbotinh", "r2021")
    assert entry.details["changes"] == [{"field": NGA_QUAN, "old": [], "new": ["hoa"]}]


def test_a_surveyor_with_no_commune_left_sees_no_round_to_enter(team, round_, make_user):
    assign_surveyors(by=team["province"], round_=round_, assignments={NGA_QUAN: [team["lan"].pk]})

    assert rounds_for_entry(user=team["hoa"]) == []
    assert rounds_for_entry(user=team["lan"]) == [round_]


def test_the_table_lists_active_surveyors_working_in_each_commune(team, round_):
    team["binh"].is_active = False
    team["binh"].save()
    assign_surveyors(by=team["province"], round_=round_, assignments={NGA_QUAN: [team["lan"].pk]})

    rows = {
        row.unit.key: ([u.username for u in row.candidates], sorted(row.assigned))
        for row in assignment_table(by=team["province"], round_=round_)
    }

    assert rows == {
        NGA_QUAN: (
            ["lan", "hoa"],
            [team["lan"].pk],
        ),  # in Vietnamese order of names: "lan" < "Lò Thị Hoa"
        MINH_QUAN_ACUTE: (["lan"], []),
        CUONG_THINH: ([], []),
    }


def test_a_surveyor_not_working_in_the_commune_is_refused_and_nothing_is_written(team, round_):
    with pytest.raises(AccountError) as refused:
        assign_surveyors(
            by=team["province"],
            round_=round_,
            assignments={NGA_QUAN: [team["hoa"].pk], MINH_QUAN_ACUTE: [team["hoa"].pk]},
        )

    assert refused.value.problems == [
        "Xã Minh Quán: chỉ phân công được điều tra viên đang làm việc ở xã/phường này."
    ]
    assert RoundSurveyor.objects.count() == 0
    assert AuditEntry.objects.filter(object_type="round", action="change").count() == 0


def test_commune_staff_assign_only_in_their_commune_and_keep_others_assignments(team, round_):
    # Bình also works in Cường Thịnh, so the commune staff of Nga Quán do not manage him.
    assign_surveyors(by=team["province"], round_=round_, assignments={NGA_QUAN: [team["binh"].pk]})

    with pytest.raises(AccountError) as refused:
        assign_surveyors(by=team["commune"], round_=round_, assignments={CUONG_THINH: []})
    assert refused.value.problems == [
        f"Xã/phường {CUONG_THINH} không thuộc đợt này hoặc nằm ngoài phạm vi của bạn."
    ]

    assign_surveyors(by=team["commune"], round_=round_, assignments={NGA_QUAN: [team["hoa"].pk]})

    assigned = set(RoundSurveyor.objects.values_list("user__username", "unit_id"))
    assert assigned == {("binh", NGA_QUAN), ("hoa", NGA_QUAN)}


def test_a_closed_round_keeps_its_assignments(team, round_):
    assign_surveyors(by=team["province"], round_=round_, assignments={NGA_QUAN: [team["hoa"].pk]})
    Round.objects.filter(pk=round_.pk).update(status=Round.Status.CLOSED)
    round_.refresh_from_db()

    with pytest.raises(AccountError) as refused:
        assign_surveyors(by=team["province"], round_=round_, assignments={NGA_QUAN: []})

    assert refused.value.problems == ["Đợt khảo sát đã kết thúc: không đổi phân công được nữa."]
    assert RoundSurveyor.objects.count() == 1


def test_the_page_saves_the_ticked_surveyors_and_clears_the_unticked(team, round_, client):
    assign_surveyors(by=team["province"], round_=round_, assignments={NGA_QUAN: [team["hoa"].pk]})
    client.force_login(team["commune"])

    page = client.get("/people/rounds/r2021/")
    assert page.status_code == 200
    html = unescape(page.content.decode())
    assert f'name="assign-{NGA_QUAN}" value="{team["hoa"].pk}" checked' in html
    assert "Lò Thị Hoa" in html
    assert CUONG_THINH not in html  # outside the commune staff's scope

    cleared = client.post("/people/rounds/r2021/", {"commune": [NGA_QUAN]})
    assert cleared.status_code == 302
    assert RoundSurveyor.objects.count() == 0

    client.post(
        "/people/rounds/r2021/",
        {"commune": [NGA_QUAN], f"assign-{NGA_QUAN}": [str(team["hoa"].pk)]},
    )
    assert list(RoundSurveyor.objects.values_list("user__username", "unit_id")) == [
        ("hoa", NGA_QUAN)
    ]


def test_the_page_refuses_who_may_not_manage_accounts(team, round_, make_user, client):
    client.force_login(make_user(COMMITTEE, username="bcd"))

    assert client.get("/people/rounds/r2021/").status_code == 403
    assert client.post("/people/rounds/r2021/", {"commune": [NGA_QUAN]}).status_code == 403
