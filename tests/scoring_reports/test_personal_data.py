"""The committee (no accounts.view_personal_data) never sees names, birth years or ethnicity."""

from __future__ import annotations

import pytest

from accounts.roles import COMMITTEE, PROVINCE_STAFF
from survey.models import HouseholdResponse
from survey.reference import ETHNIC_NAMES
from tests.factories import NGA_QUAN
from tests.scoring_reports.conftest import page_text


@pytest.fixture
def household(report_round):
    response = HouseholdResponse.objects.filter(round=report_round, unit_id=NGA_QUAN).first()
    members = list(response.members.order_by("position"))
    assessed = next(m for m in members if m.target_group)
    return response, members, assessed


def _pages(client, response, member) -> dict[str, str]:
    return {
        "unit": page_text(client.get(f"/reports/r-bc/units/{NGA_QUAN}/")),
        "household": page_text(client.get(f"/reports/r-bc/households/{response.pk}/")),
        "member": page_text(client.get(f"/reports/r-bc/members/{member.pk}/")),
    }


def test_committee_sees_no_personal_data(client, signed_in, household):
    response, members, assessed = household
    signed_in(COMMITTEE)
    pages = _pages(client, response, assessed)
    for name, text in pages.items():
        for member in members:
            assert member.full_name not in text, (name, member.full_name)
        assert response.head_name not in text, name
    assert str(assessed.birth_year) not in pages["member"]
    assert ETHNIC_NAMES[assessed.ethnicity] not in pages["member"]
    assert "Thành viên số" in pages["member"]
    # The figures behind the points are still there: the trace of every indicator.
    assert "CD01" in pages["member"] and "Điểm theo lựa chọn" in pages["member"]


def test_province_staff_see_the_names(client, signed_in, household):
    response, members, assessed = household
    signed_in(PROVINCE_STAFF)
    pages = _pages(client, response, assessed)
    assert response.head_name in pages["unit"]
    assert all(m.full_name in pages["household"] for m in members)
    assert assessed.full_name in pages["member"]
    assert str(assessed.birth_year) in pages["member"]
