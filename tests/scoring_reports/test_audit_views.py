"""Report pages that show names, birth years or ethnicity record the view; others do not."""

from __future__ import annotations

from accounts.roles import COMMITTEE, PROVINCE_STAFF
from audit.models import AuditEntry
from survey.models import HouseholdResponse
from tests.factories import NGA_QUAN


def _views():
    return AuditEntry.objects.filter(action="view_personal").order_by("pk")


def test_household_and_member_pages_record_a_staff_view(client, signed_in, report_round):
    signed_in(PROVINCE_STAFF)
    response = HouseholdResponse.objects.filter(unit_id=NGA_QUAN).order_by("pk").first()
    member = response.members.order_by("position").first()

    assert client.get(f"/reports/r-bc/households/{response.pk}/").status_code == 200
    assert client.get(f"/reports/r-bc/members/{member.pk}/").status_code == 200

    assert list(_views().values_list("object_type", "object_id", "unit_id", "details")) == [
        ("household_response", str(response.pk), NGA_QUAN, {"page": "scoring:household"}),
        (
            "member_response",
            str(member.pk),
            NGA_QUAN,
            {"page": "scoring:member", "response": response.pk},
        ),
    ]


def test_the_unit_page_records_the_households_it_listed(client, signed_in, report_round):
    signed_in(PROVINCE_STAFF)

    assert client.get(f"/reports/r-bc/units/{NGA_QUAN}/").status_code == 200

    entry = _views().get()
    listed = sorted(
        HouseholdResponse.objects.filter(round=report_round, unit_id=NGA_QUAN).values_list(
            "pk", flat=True
        )
    )
    assert (entry.object_type, entry.unit_id) == ("household_list", NGA_QUAN)
    assert sorted(entry.details["responses"]) == listed


def test_committee_pages_show_no_personal_data_and_record_no_view(client, signed_in, report_round):
    signed_in(COMMITTEE)
    response = HouseholdResponse.objects.filter(unit_id=NGA_QUAN).order_by("pk").first()
    member = response.members.order_by("position").first()

    for path in (
        f"/reports/r-bc/households/{response.pk}/",
        f"/reports/r-bc/members/{member.pk}/",
        f"/reports/r-bc/units/{NGA_QUAN}/?include=all",
    ):
        assert client.get(path).status_code == 200

    assert not _views().exists()
