"""factory_boy factories for the rows tests need."""

from __future__ import annotations

from datetime import date

import factory
from django.contrib.auth.models import User

from accounts.roles import ADMINISTRATOR, COMMITTEE, COMMUNE_STAFF, PROVINCE_STAFF, SURVEYOR
from accounts.services import create_user
from units.models import AdminUnit, UnitChange, UnitLevel

PASSWORD = "mat-khau-thu-2025"

# The scope each role gets unless a test says otherwise (keys of the shipped pilot units).
NGA_QUAN = "04528@2020-02-01"
MINH_QUAN_ACUTE = "04516@2020-02-01"  # Xã Minh Quán
MINH_QUAN_CIRCUMFLEX = "04567@2020-02-01"  # Xã Minh Quân
YEN_BAI_PROVINCE = "15@2020-02-01"
DEFAULT_SCOPES: dict[str, tuple[str, ...]] = {
    SURVEYOR: (NGA_QUAN, MINH_QUAN_ACUTE),
    COMMUNE_STAFF: (NGA_QUAN,),
    PROVINCE_STAFF: (YEN_BAI_PROVINCE,),
    COMMITTEE: (YEN_BAI_PROVINCE,),
    ADMINISTRATOR: (),
}


class RoleUserFactory(factory.Factory):
    """A user with one role and a scope, made the way the product makes them."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"nguoidung{n}")
    password = PASSWORD
    role = SURVEYOR
    unit_keys = factory.LazyAttribute(lambda o: list(DEFAULT_SCOPES[o.role]))
    full_name = ""

    @classmethod
    def _create(cls, model_class, **kwargs):
        return create_user(validate_password=False, **kwargs)


class UserFactory(factory.django.DjangoModelFactory):
    """A plain user without role (for superusers, inactive users)."""

    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password(PASSWORD)


class AdminUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdminUnit

    code = factory.Sequence(lambda n: f"9{n:04d}")
    valid_from = date(2020, 2, 1)
    key = factory.LazyAttribute(lambda o: f"{o.code}@{o.valid_from.isoformat()}")
    name = factory.LazyAttribute(lambda o: f"Xã Thử {o.code}")
    level = UnitLevel.COMMUNE
    type = "Xã"
    parent = None
    valid_to = None


class UnitChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitChange

    from_unit = factory.SubFactory(AdminUnitFactory)
    to_unit = factory.SubFactory(AdminUnitFactory)
    effective = date(2024, 12, 1)
    kind = UnitChange.Kind.MERGE
    legal_basis = "NQ thử nghiệm"
