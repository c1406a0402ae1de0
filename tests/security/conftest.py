"""A small world for the security tests: one user per role, rounds in and out of scope.

``world`` holds, for every role, the values that fill URL parameters with an object
inside the user's scope and one outside it (see ``World.values``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

import pytest
from django.contrib.auth.models import User

from accounts.roles import ADMINISTRATOR, COMMITTEE, COMMUNE_STAFF, PROVINCE_STAFF, SURVEYOR
from criteria.models import CriteriaSet
from criteria.selectors import find_version
from criteria.services import create_draft_version
from demo.services import generate_round
from exports.models import ExportJob
from survey.models import Draft, HouseholdResponse, MemberResponse, Round
from survey.rounds import create_round
from tests.factories import MINH_QUAN_ACUTE, NGA_QUAN, AdminUnitFactory
from tests.scoring_agg.conftest import pilot_sets  # noqa: F401 - a fixture
from units.models import UnitLevel

ANONYMOUS = "anonymous"
ROLES = (ANONYMOUS, SURVEYOR, COMMUNE_STAFF, PROVINCE_STAFF, COMMITTEE, ADMINISTRATOR)
# A province nobody but the administrator is assigned: its commune is out of every scope.
OUTSIDE_PROVINCE = "99@2020-02-01"
OUTSIDE_COMMUNE = "99001@2020-02-01"


@dataclass
class World:
    users: dict[str, User | None]
    inside: dict[str, object]
    outside: dict[str, object]
    own_drafts: dict[str, Draft] = field(default_factory=dict)

    def values(self, role: str, *, in_scope: bool) -> dict[str, object]:
        """Return parameter kind -> value for ``role``, inside or outside its scope."""
        values = dict(self.inside if in_scope else self.outside)
        if in_scope and role in self.own_drafts:
            values["draft"] = self.own_drafts[role].pk
        return values


def make_outside_units() -> None:
    province = AdminUnitFactory(
        code="99", key=OUTSIDE_PROVINCE, name="Tỉnh Ngoài", level=UnitLevel.PROVINCE, type="Tỉnh"
    )
    district = AdminUnitFactory(
        code="991",
        key="991@2020-02-01",
        name="Huyện Ngoài",
        level=UnitLevel.DISTRICT,
        type="Huyện",
        parent=province,
    )
    AdminUnitFactory(code="99001", key=OUTSIDE_COMMUNE, name="Xã Ngoài", parent=district)


@pytest.fixture
def world(pilot_sets, make_user) -> World:  # noqa: F811 - the fixture imported above
    make_outside_units()
    generate_round(
        code="r-in",
        households=3,
        seed=5,
        unit_keys=[NGA_QUAN],
        status=Round.Status.OPEN,
    )
    generate_round(
        code="r-out",
        households=2,
        seed=6,
        unit_keys=[OUTSIDE_COMMUNE],
        status=Round.Status.OPEN,
    )
    users: dict[str, User | None] = {ANONYMOUS: None}
    for role in ROLES[1:]:
        users[role] = make_user(role, username=f"u-{role}")
    other = make_user(SURVEYOR, username="u-other-surveyor")
    account_in = make_user(SURVEYOR, [NGA_QUAN], username="u-account-in")
    account_out = make_user(SURVEYOR, [OUTSIDE_COMMUNE], username="u-account-out")
    in_round = Round.objects.get(code="r-in")
    own_drafts = {
        role: Draft.objects.create(owner=users[role], round=in_round)
        for role in (SURVEYOR, COMMUNE_STAFF)
    }
    foreign_draft = Draft.objects.create(owner=other, round=in_round)
    published = find_version(code="CDHT", version=1)
    other_published = CriteriaSet.objects.exclude(pk=published.pk).exclude(status="draft").first()
    draft_set = create_draft_version(criteria_set=published)
    response_in = HouseholdResponse.objects.filter(round__code="r-in").order_by("pk").first()
    response_out = HouseholdResponse.objects.filter(round__code="r-out").order_by("pk").first()
    # Another user's export: its download is refused to everyone (owners: tests/exports).
    foreign_export = ExportJob.objects.create(
        user=other, round=in_round, status=ExportJob.Status.DONE, progress=100, file_path="x.xlsx"
    )
    inside = {
        "round": "r-in",
        "unit": NGA_QUAN,
        "response": response_in.pk,
        "member": MemberResponse.objects.filter(response=response_in).first().pk,
        "draft": foreign_draft.pk,
        "criteria": published.pk,
        "other_criteria": other_published.pk,
        "file_format": "yaml",
        "step": "household",
        "household": response_in.household_id,
        "bulk_action": "verify",
        "export_job": foreign_export.pk,
        "account": account_in.pk,
        # A device's household UUID that no role of the world sent: refused to all.
        "synced": uuid.UUID("0b0c6c1e-0000-4000-8000-00000000abcd"),
    }
    outside = {
        **inside,
        "round": "r-out",
        "unit": OUTSIDE_COMMUNE,
        "response": response_out.pk,
        "member": MemberResponse.objects.filter(response=response_out).first().pk,
        "draft": foreign_draft.pk,
        "criteria": draft_set.pk,
        "other_criteria": draft_set.pk,
        "household": response_out.household_id,
        "account": account_out.pk,
    }
    return World(users=users, inside=inside, outside=outside, own_drafts=own_drafts)


@pytest.fixture
def round_(pilot_sets) -> Round:  # noqa: F811 - the fixture imported above
    """The open 2021 round of tests/survey and tests/imports, on Nga Quán and Minh Quán."""
    return create_round(
        code="r2021",
        name="Thí điểm 2021",
        citizen_set=find_version(code="CDHT", version=1),
        household_set=find_version(code="GDHT", version=1),
        starts_on=date(2021, 6, 1),
        ends_on=date(2021, 12, 31),
        planned={NGA_QUAN: 20, MINH_QUAN_ACUTE: 20},
        status=Round.Status.OPEN,
    )
