"""Approved-only or everything counted: the choice on the report pages, stated and with the
number of households it leaves out."""

from __future__ import annotations

import pytest

from accounts.roles import COMMITTEE, COMMUNE_STAFF, PROVINCE_STAFF
from flows.review import approve_response, verify_response
from scoring.aggregation import summarise_round
from scoring.models import MemberScore
from survey.models import HouseholdResponse, ResponseStatus
from tests.factories import NGA_QUAN
from tests.scoring_reports.conftest import area_values, page_text

APPROVED_ONLY = "Số liệu trên trang này gồm chỉ các hộ đã được phê duyệt."
EVERYTHING = "Số liệu trên trang này gồm các hộ đã gửi, đã kiểm tra và đã phê duyệt."


@pytest.fixture
def three_approved(report_round, make_user):
    """Three households of Nga Quán verified by the commune, approved by the province."""
    officer = make_user(COMMUNE_STAFF, username="canboxa")
    province = make_user(PROVINCE_STAFF, username="canbotinh")
    responses = HouseholdResponse.objects.filter(round=report_round, unit_id=NGA_QUAN)
    chosen = list(responses.order_by("pk")[:3])
    for response in chosen:
        verify_response(user=officer, response=response)
        approve_response(user=province, response=response)
    # One more only verified: counted with "all", pending with approved-only.
    verify_response(user=officer, response=responses.order_by("pk")[3])
    return chosen


def _households(response) -> dict[str, int]:
    return {k: int(v["households"]) for k, v in area_values(response).items()}


def test_the_one_code_path_counts_only_approved_households_when_asked(report_round, three_approved):
    everything = summarise_round(round_=report_round)
    approved = summarise_round(round_=report_round, statuses=[ResponseStatus.APPROVED])

    assert everything.total.households == 45
    assert approved.total.households == 3
    assert {f.area.key: f.households for f in approved.areas if f.households} == {NGA_QUAN: 3}
    assessed = MemberScore.objects.filter(run=approved.run, response__in=three_approved)
    assert approved.total.members == assessed.count()


def test_committee_sees_approved_only_by_default_with_the_pending_count(
    client, signed_in, report_round, three_approved
):
    signed_in(COMMITTEE)

    response = client.get("/reports/r-bc/")

    text = page_text(response)
    assert APPROVED_ONLY in text
    assert "42 hộ đã gửi hoặc đã kiểm tra nhưng chưa được phê duyệt không được tính." in text
    assert _households(response)[NGA_QUAN] == 3
    assert sum(_households(response).values()) == 3 * 2  # the areas and the total row


def test_committee_can_include_everything(client, signed_in, report_round, three_approved):
    signed_in(COMMITTEE)

    response = client.get("/reports/r-bc/?include=all")

    text = page_text(response)
    assert EVERYTHING in text
    assert 'data-testid="pending"' not in response.content.decode()
    assert sum(_households(response).values()) == 45 * 2


def test_staff_see_everything_by_default_and_can_restrict(
    client, signed_in, report_round, three_approved
):
    signed_in(PROVINCE_STAFF)

    default = client.get("/reports/r-bc/")
    approved = client.get("/reports/r-bc/?include=approved&level=commune")

    assert EVERYTHING in page_text(default)
    assert sum(_households(default).values()) == 45 * 2
    assert APPROVED_ONLY in page_text(approved)
    assert _households(approved)[NGA_QUAN] == 3
    # The choice keeps the page's other parameters.
    assert '<input type="hidden" name="level" value="commune">' in approved.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/reports/",
        "/reports/r-bc/",
        "/reports/r-bc/indicators/",
        "/reports/r-bc/changes/",
        "/reports/r-bc/units/138@2020-02-01/",
        "/reports/compare/",
    ],
)
def test_every_figure_page_states_what_it_includes(client, signed_in, report_round, path):
    signed_in(COMMITTEE)

    response = client.get(path)

    assert response.status_code == 200
    assert APPROVED_ONLY in page_text(response)


def test_unit_page_counts_pending_in_the_unit_only(client, signed_in, report_round, three_approved):
    signed_in(COMMITTEE)
    pending_in_nga_quan = (
        HouseholdResponse.objects.filter(round=report_round, unit_id=NGA_QUAN)
        .exclude(status=ResponseStatus.APPROVED)
        .count()
    )

    response = client.get(f"/reports/r-bc/units/{NGA_QUAN}/")

    assert (
        f"{pending_in_nga_quan} hộ đã gửi hoặc đã kiểm tra nhưng chưa được phê duyệt"
        in page_text(response)
    )
