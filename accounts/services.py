"""Create the role groups and the demo accounts."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission, User
from django.db import transaction

from accounts.models import ScopeAssignment
from accounts.roles import ADMINISTRATOR, COMMITTEE, COMMUNE_STAFF, PROVINCE_STAFF, ROLES, SURVEYOR


def _permissions(dotted: set[str]) -> dict[str, Permission]:
    """The permissions named "app_label.codename", read in one query; a missing one raises."""
    codenames = {name.split(".", 1)[1] for name in dotted}
    found = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.filter(codename__in=codenames).select_related("content_type")
    }
    missing = sorted(dotted - found.keys())
    if missing:
        raise Permission.DoesNotExist(f"permissions not installed: {', '.join(missing)}")
    return found


@transaction.atomic
def ensure_roles() -> dict[str, Group]:
    """Create or update one group per role with exactly the role's permissions."""
    permissions = _permissions({p for role in ROLES.values() for p in role.permissions})
    groups = {}
    for code, role in ROLES.items():
        group, _ = Group.objects.get_or_create(name=code)
        group.permissions.set([permissions[p] for p in role.permissions])
        groups[code] = group
    return groups


@transaction.atomic
def create_user(
    *,
    username: str,
    password: str,
    role: str,
    unit_keys: list[str],
    full_name: str = "",
    validate_password: bool = True,
) -> User:
    """Create or update a user with one role and a scope; password validators apply."""
    from django.contrib.auth.password_validation import validate_password as check

    user = User.objects.filter(username=username).first() or User(username=username)
    first, _, last = full_name.rpartition(" ")
    user.first_name, user.last_name = first, last
    user.is_staff = role == ADMINISTRATOR
    user.is_superuser = role == ADMINISTRATOR
    if validate_password:
        check(password, user)
    user.set_password(password)
    user.save()
    user.groups.set([ensure_roles()[role]])
    ScopeAssignment.objects.filter(user=user).exclude(unit_id__in=unit_keys).delete()
    for key in unit_keys:
        ScopeAssignment.objects.get_or_create(user=user, unit_id=key)
    return user


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str
    unit_keys: tuple[str, ...]
    full_name: str


# Documented in the README; for demonstrations only.
DEMO_ACCOUNTS = (
    DemoAccount(
        "dieutravien",
        "dtv-demo-2025",
        SURVEYOR,
        ("04528@2020-02-01", "04516@2020-02-01"),
        "Lò Thị Hoa",
    ),
    DemoAccount("canboxa", "cbx-demo-2025", COMMUNE_STAFF, ("04528@2020-02-01",), "Hà Văn Minh"),
    DemoAccount("canbotinh", "cbt-demo-2025", PROVINCE_STAFF, ("15@2020-02-01",), "Đỗ Thu Trang"),
    DemoAccount("bancd", "bcd-demo-2025", COMMITTEE, ("15@2020-02-01",), "Nguyễn Văn Bình"),
    DemoAccount("quantri", "qt-demo-2025!", ADMINISTRATOR, (), "Phạm Quốc Anh"),
)


def create_demo_accounts() -> list[User]:
    return [
        create_user(
            username=a.username,
            password=a.password,
            role=a.role,
            unit_keys=list(a.unit_keys),
            full_name=a.full_name,
            validate_password=False,
        )
        for a in DEMO_ACCOUNTS
    ]
