"""Who sees and changes which units, the role groups, and creating users."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser, Group, Permission, User
from django.core.exceptions import ValidationError
from django.http import Http404

from accounts.models import ScopeAssignment
from accounts.roles import (
    ADMINISTRATOR,
    COMMITTEE,
    COMMUNE_STAFF,
    PROVINCE_STAFF,
    ROLES,
    SURVEYOR,
)
from accounts.selectors import (
    can_see_unit,
    changeable_units,
    get_visible_unit_or_404,
    roles_of,
    sees_everything,
    visible_units,
)
from accounts.services import create_user, ensure_roles
from tests.factories import (
    MINH_QUAN_ACUTE,
    MINH_QUAN_CIRCUMFLEX,
    NGA_QUAN,
    PASSWORD,
    YEN_BAI_PROVINCE,
    UserFactory,
)
from units.models import AdminUnit

PILOT = date(2021, 6, 1)

# Tỉnh Yên Bái 15@2020-02-01 with its two districts and every commune they ever had
# (36 pilot-era communes + the two units created on 2024-12-01); the 2025 units hang
# under Tỉnh Lào Cai and are not part of it.
YEN_BAI_TREE_SIZE = 41  # the old province, its 2 districts and their 38 communes
LAO_CAI_2025 = "15@2025-07-01"


def keyset(queryset) -> set[str]:
    return set(queryset.values_list("key", flat=True))


def yen_bai_tree_keys() -> set[str]:
    districts = {"132@2020-02-01", "138@2020-02-01"}
    communes = keyset(AdminUnit.objects.filter(parent__in=districts))
    return {YEN_BAI_PROVINCE} | districts | communes


def province_scope_keys() -> set[str]:
    """The old province's tree plus Tỉnh Lào Cai and its units, which it continues in."""
    return (
        yen_bai_tree_keys() | {LAO_CAI_2025} | keyset(AdminUnit.objects.filter(parent=LAO_CAI_2025))
    )


# visible_units / changeable_units per role ---------------------------------------


def test_surveyor_sees_and_changes_exactly_the_two_assigned_communes(make_user):
    surveyor = make_user(SURVEYOR, [NGA_QUAN, MINH_QUAN_ACUTE])

    assert keyset(visible_units(user=surveyor)) == {NGA_QUAN, MINH_QUAN_ACUTE}
    assert keyset(changeable_units(user=surveyor)) == {NGA_QUAN, MINH_QUAN_ACUTE}
    assert can_see_unit(user=surveyor, unit_key=NGA_QUAN) is True
    assert can_see_unit(user=surveyor, unit_key=MINH_QUAN_CIRCUMFLEX) is False
    assert sees_everything(user=surveyor) is False


def test_surveyor_scope_on_a_date_follows_validity(make_user):
    surveyor = make_user(SURVEYOR, [NGA_QUAN, MINH_QUAN_ACUTE])

    assert keyset(visible_units(user=surveyor, day=PILOT)) == {NGA_QUAN, MINH_QUAN_ACUTE}
    # Nga Quán merged into Cường Thịnh on 2024-12-01; Minh Quán lasted until 2025-06-30.
    assert keyset(visible_units(user=surveyor, day=date(2024, 12, 1))) == {MINH_QUAN_ACUTE}
    assert keyset(changeable_units(user=surveyor, day=date(2024, 12, 1))) == {MINH_QUAN_ACUTE}
    assert keyset(visible_units(user=surveyor, day=date(2025, 8, 1))) == set()


def test_commune_staff_sees_and_changes_only_their_commune(make_user):
    staff = make_user(COMMUNE_STAFF, [NGA_QUAN])

    assert keyset(visible_units(user=staff)) == {NGA_QUAN}
    assert keyset(changeable_units(user=staff)) == {NGA_QUAN}


def test_province_staff_sees_the_whole_old_province_including_2024_units(make_user):
    staff = make_user(PROVINCE_STAFF, [YEN_BAI_PROVINCE])

    visible = visible_units(user=staff)

    # Tỉnh Yên Bái continues in Tỉnh Lào Cai from 2025-07-01 (a change record), so the
    # scope follows it: 41 units of the old province plus the new province and its 9 units.
    assert visible.count() == YEN_BAI_TREE_SIZE + 10
    assert keyset(visible) == province_scope_keys()
    assert Counter(visible.values_list("level", flat=True)) == {
        "province": 2,
        "district": 2,
        "commune": 47,
    }
    assert {"04264@2024-12-01", "04510@2024-12-01"} <= keyset(visible)
    assert visible.filter(valid_from__gte=date(2025, 7, 1)).count() == 10
    assert keyset(changeable_units(user=staff)) == province_scope_keys()


def test_a_commune_scope_does_not_follow_its_commune_into_a_merger(make_user):
    # Xã Nga Quán merged into the older Xã Cường Thịnh (2024) and Xã Minh Quán into the
    # new Xã Trấn Yên (2025): commune assignments stay exactly what was assigned.
    surveyor = make_user(SURVEYOR, ["04528@2020-02-01", "04516@2020-02-01"])

    assert keyset(visible_units(user=surveyor)) == {"04528@2020-02-01", "04516@2020-02-01"}


def test_province_staff_on_the_pilot_day_sees_39_units(make_user):
    staff = make_user(PROVINCE_STAFF, [YEN_BAI_PROVINCE])

    on_pilot_day = visible_units(user=staff, day=PILOT)

    assert Counter(on_pilot_day.values_list("level", flat=True)) == {
        "province": 1,
        "district": 2,
        "commune": 36,
    }


def test_committee_sees_the_province_but_changes_nothing(make_user):
    member = make_user(COMMITTEE, [YEN_BAI_PROVINCE])

    assert keyset(visible_units(user=member)) == province_scope_keys()
    assert changeable_units(user=member).count() == 0
    assert changeable_units(user=member, day=PILOT).count() == 0


def test_administrator_sees_and_changes_all_units(make_user):
    admin = make_user(ADMINISTRATOR, [])

    assert sees_everything(user=admin) is True
    assert visible_units(user=admin).count() == 51
    assert visible_units(user=admin, day=date(2025, 8, 1)).count() == 10
    # create_user makes administrators superusers, who hold every permission.
    assert changeable_units(user=admin).count() == 51


def test_superuser_without_role_sees_all_units(units):
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)

    assert roles_of(user=superuser) == []
    assert sees_everything(user=superuser) is True
    assert visible_units(user=superuser).count() == 51
    assert changeable_units(user=superuser).count() == 51


def test_anonymous_sees_and_changes_nothing(units):
    anonymous = AnonymousUser()

    assert visible_units(user=anonymous).count() == 0
    assert changeable_units(user=anonymous).count() == 0
    assert sees_everything(user=anonymous) is False
    assert roles_of(user=anonymous) == []


@pytest.mark.parametrize("role", [SURVEYOR, PROVINCE_STAFF, ADMINISTRATOR])
def test_inactive_user_sees_and_changes_nothing(make_user, role):
    user = make_user(role)
    user.is_active = False
    user.save()
    user = User.objects.get(pk=user.pk)

    assert visible_units(user=user).count() == 0
    assert changeable_units(user=user).count() == 0


def test_user_without_role_or_scope_sees_nothing(units):
    user = UserFactory(username="khach")

    assert visible_units(user=user).count() == 0
    assert changeable_units(user=user).count() == 0


# get_visible_unit_or_404 -----------------------------------------------------------


def test_visible_unit_is_returned_without_a_security_log(make_user, caplog):
    surveyor = make_user(SURVEYOR, [NGA_QUAN])
    caplog.set_level(logging.WARNING, logger="security.scope")

    unit = get_visible_unit_or_404(user=surveyor, unit_key=NGA_QUAN)

    assert (unit.key, unit.name) == (NGA_QUAN, "Xã Nga Quán")
    assert [r for r in caplog.records if r.name == "security.scope"] == []


@pytest.mark.parametrize(
    "unit_key",
    [MINH_QUAN_CIRCUMFLEX, "138@2020-02-01", "04273@2025-07-01", "00000@2000-01-01"],
)
def test_out_of_scope_unit_raises_404_and_logs_a_warning(make_user, caplog, unit_key):
    surveyor = make_user(SURVEYOR, [NGA_QUAN, MINH_QUAN_ACUTE])
    caplog.set_level(logging.WARNING, logger="security.scope")

    with pytest.raises(Http404):
        get_visible_unit_or_404(user=surveyor, unit_key=unit_key)

    records = [r for r in caplog.records if r.name == "security.scope"]
    assert [(r.levelname, r.getMessage()) for r in records] == [
        ("WARNING", f"scope refusal: user={surveyor.pk} unit={unit_key!r}")
    ]


def test_anonymous_gets_404_and_the_log_names_no_user(units, caplog):
    caplog.set_level(logging.WARNING, logger="security.scope")

    with pytest.raises(Http404):
        get_visible_unit_or_404(user=AnonymousUser(), unit_key=NGA_QUAN)

    assert [r.getMessage() for r in caplog.records if r.name == "security.scope"] == [
        f"scope refusal: user=None unit={NGA_QUAN!r}"
    ]


def test_security_log_cuts_the_key_and_keeps_it_on_one_line(make_user, caplog):
    surveyor = make_user(SURVEYOR)
    caplog.set_level(logging.WARNING, logger="security.scope")
    forged = "x\nWARNING security.scope all clear " + "y" * 60

    with pytest.raises(Http404):
        get_visible_unit_or_404(user=surveyor, unit_key=forged)

    [message] = [r.getMessage() for r in caplog.records if r.name == "security.scope"]
    assert message == f"scope refusal: user={surveyor.pk} unit={forged[:40]!r}"
    assert "\n" not in message


# Roles --------------------------------------------------------------------------------


def permissions_of(group: Group) -> set[str]:
    return {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def test_ensure_roles_gives_each_group_exactly_its_permissions(db):
    groups = ensure_roles()

    assert set(groups) == {SURVEYOR, COMMUNE_STAFF, PROVINCE_STAFF, COMMITTEE, ADMINISTRATOR}
    assert set(Group.objects.values_list("name", flat=True)) == set(ROLES)
    for code, role in ROLES.items():
        assert permissions_of(Group.objects.get(name=code)) == set(role.permissions), code
    assert permissions_of(Group.objects.get(name=COMMITTEE)) == {
        "accounts.view_reports",
        "units.view_adminunit",
    }


def test_ensure_roles_is_idempotent_and_removes_stray_permissions(db):
    ensure_roles()
    stray = Permission.objects.get(content_type__app_label="auth", codename="delete_user")
    Group.objects.get(name=SURVEYOR).permissions.add(stray)
    group_ids = dict(Group.objects.values_list("name", "pk"))

    ensure_roles()
    ensure_roles()

    assert Group.objects.count() == 5
    assert dict(Group.objects.values_list("name", "pk")) == group_ids
    for code, role in ROLES.items():
        assert permissions_of(Group.objects.get(name=code)) == set(role.permissions), code


def test_roles_of_reports_the_users_role(make_user):
    staff = make_user(COMMUNE_STAFF)

    assert [r.code for r in roles_of(user=staff)] == [COMMUNE_STAFF]
    assert staff.has_perm("accounts.review_survey_data") is True
    assert staff.has_perm("accounts.approve_survey_data") is False


# create_user ------------------------------------------------------------------------------


def test_create_user_with_a_strong_password(units):
    user = create_user(
        username="nguyenthib",
        password="Lá-chè-xanh-Trấn-Yên-7",
        role=COMMUNE_STAFF,
        unit_keys=[NGA_QUAN],
        full_name="Nguyễn Thị Bình",
    )

    user = User.objects.get(username="nguyenthib")
    assert (user.first_name, user.last_name) == ("Nguyễn Thị", "Bình")
    assert user.check_password("Lá-chè-xanh-Trấn-Yên-7") is True
    assert list(user.groups.values_list("name", flat=True)) == [COMMUNE_STAFF]
    assert list(ScopeAssignment.objects.filter(user=user).values_list("unit_id", flat=True)) == [
        NGA_QUAN
    ]
    assert (user.is_staff, user.is_superuser) == (False, False)


@pytest.mark.parametrize(
    ("username", "password", "codes"),
    [
        (
            "dieutravien2",
            "12345678",
            ["password_too_short", "password_too_common", "password_entirely_numeric"],
        ),
        ("dieutravien2", "password123", ["password_too_common"]),
        ("dieutravien2025", "dieutravien2025", ["password_too_similar"]),
    ],
)
def test_create_user_refuses_a_weak_password_and_writes_nothing(units, username, password, codes):
    counts = (User.objects.count(), ScopeAssignment.objects.count(), Group.objects.count())

    with pytest.raises(ValidationError) as caught:
        create_user(username=username, password=password, role=SURVEYOR, unit_keys=[NGA_QUAN])

    assert [e.code for e in caught.value.error_list] == codes
    assert not User.objects.filter(username=username).exists()
    assert (User.objects.count(), ScopeAssignment.objects.count(), Group.objects.count()) == counts


def test_create_user_refusing_a_weak_password_leaves_an_existing_user_unchanged(make_user):
    surveyor = make_user(SURVEYOR, [NGA_QUAN], username="dtv", full_name="Lò Thị Hoa")

    with pytest.raises(ValidationError):
        create_user(
            username="dtv",
            password="123",
            role=ADMINISTRATOR,
            unit_keys=[MINH_QUAN_ACUTE],
            full_name="Ai Đó",
        )

    surveyor = User.objects.get(username="dtv")
    assert surveyor.check_password(PASSWORD) is True
    assert (surveyor.first_name, surveyor.last_name) == ("Lò Thị", "Hoa")
    assert (surveyor.is_staff, surveyor.is_superuser) == (False, False)
    assert list(surveyor.groups.values_list("name", flat=True)) == [SURVEYOR]
    assert keyset(visible_units(user=surveyor)) == {NGA_QUAN}


def test_create_user_again_replaces_role_and_scope(make_user):
    make_user(SURVEYOR, [NGA_QUAN, MINH_QUAN_ACUTE], username="dtv")

    user = create_user(
        username="dtv",
        password=PASSWORD,
        role=COMMUNE_STAFF,
        unit_keys=[MINH_QUAN_CIRCUMFLEX],
        validate_password=False,
    )

    user = User.objects.get(pk=user.pk)
    assert User.objects.filter(username="dtv").count() == 1
    assert list(user.groups.values_list("name", flat=True)) == [COMMUNE_STAFF]
    assert keyset(visible_units(user=user)) == {MINH_QUAN_CIRCUMFLEX}
