"""No report page shows a unit outside the user's scope, whatever the URL or parameters say."""

from __future__ import annotations

import pytest

from accounts.roles import ADMINISTRATOR, COMMITTEE, COMMUNE_STAFF, PROVINCE_STAFF, SURVEYOR
from demo.services import generate_round
from scoring.services import rescore_round
from survey.models import HouseholdResponse, MemberResponse
from tests.factories import MINH_QUAN_ACUTE, NGA_QUAN
from tests.scoring_agg.conftest import YEN_NINH
from tests.scoring_reports.conftest import area_values, page_text


def _other_commune_rows(round_):
    response = HouseholdResponse.objects.filter(round=round_, unit_id=MINH_QUAN_ACUTE).first()
    member = MemberResponse.objects.filter(response=response).exclude(target_group="").first()
    return response, member


def test_commune_staff_see_only_their_commune(client, signed_in, report_round):
    signed_in(COMMUNE_STAFF)  # scope: Xã Nga Quán
    overview = client.get("/reports/r-bc/")
    assert overview.status_code == 200
    assert set(area_values(overview)) == {NGA_QUAN, "*"}
    district = client.get("/reports/r-bc/?level=district")
    assert set(area_values(district)) == {"138@2020-02-01", "*"}
    assert "một phần" in page_text(district)  # partial: the district's other communes are hidden
    indicators = page_text(client.get("/reports/r-bc/indicators/"))
    assert "Xã Nga Quán" in indicators and "Xã Minh Quán" not in indicators
    assert client.get(f"/reports/r-bc/units/{NGA_QUAN}/").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        f"/reports/r-bc/units/{MINH_QUAN_ACUTE}/",
        f"/reports/r-bc/units/{YEN_NINH}/",
        "/reports/r-bc/units/132@2020-02-01/",
        "/reports/r-bc/units/04498@2025-07-01/",
        "/reports/r-bc/units/khong-co/",
        f"/reports/compare/?item=r-bc:{NGA_QUAN}&item=r-bc:{MINH_QUAN_ACUTE}",
        "/reports/compare/?item=r-bc:132@2020-02-01",
        f"/reports/compare/?item=khong-co:{NGA_QUAN}",
    ],
)
def test_units_outside_the_scope_answer_404(client, signed_in, report_round, url):
    signed_in(COMMUNE_STAFF)
    assert client.get(url).status_code == 404


def test_households_and_members_outside_the_scope_answer_404(client, signed_in, report_round):
    signed_in(COMMUNE_STAFF)
    response, member = _other_commune_rows(report_round)
    assert client.get(f"/reports/r-bc/households/{response.pk}/").status_code == 404
    assert client.get(f"/reports/r-bc/members/{member.pk}/").status_code == 404
    own = HouseholdResponse.objects.filter(round=report_round, unit_id=NGA_QUAN).first()
    assert client.get(f"/reports/r-bc/households/{own.pk}/").status_code == 200


def test_run_ids_of_another_round_answer_404(client, signed_in, report_round):
    other = generate_round(code="r-khac", households=3, seed=2, unit_keys=[NGA_QUAN]).round
    foreign = rescore_round(round_=other).citizen_run
    signed_in(PROVINCE_STAFF)
    for url in (
        f"/reports/r-bc/?run={foreign.pk}",
        f"/reports/r-bc/indicators/?run={foreign.pk}",
        f"/reports/r-bc/units/{NGA_QUAN}/?run={foreign.pk}",
        f"/reports/r-bc/changes/?other={foreign.pk}",
        "/reports/r-bc/?run=x",
    ):
        assert client.get(url).status_code == 404, url
    # A household of the round through another round's address.
    response = HouseholdResponse.objects.filter(round=other).first()
    assert client.get(f"/reports/r-bc/households/{response.pk}/").status_code == 404


def test_a_round_without_any_visible_commune_answers_404(client, signed_in, report_round):
    generate_round(code="r-ngoai", households=2, seed=2, unit_keys=[YEN_NINH])
    signed_in(COMMUNE_STAFF)
    assert client.get("/reports/r-ngoai/").status_code == 404
    assert client.get("/reports/r-ngoai/indicators/").status_code == 404
    index = page_text(client.get("/reports/"))
    assert "r-bc" in index and "r-ngoai" not in index


def test_roles_without_reports_are_refused(client, signed_in, report_round):
    assert client.get("/reports/r-bc/").status_code == 302  # anonymous: to the login page
    signed_in(SURVEYOR)
    assert client.get("/reports/r-bc/").status_code == 403
    assert client.get("/reports/").status_code == 403


def test_administrators_and_the_committee_see_the_whole_round(client, signed_in, report_round):
    for role in (ADMINISTRATOR, COMMITTEE):
        signed_in(role)
        assert set(area_values(client.get("/reports/r-bc/"))) == {
            NGA_QUAN,
            MINH_QUAN_ACUTE,
            YEN_NINH,
            "*",
        }
