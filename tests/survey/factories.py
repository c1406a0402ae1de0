"""factory_boy factories for survey rows that tests need as a starting point."""

from __future__ import annotations

from datetime import date

import factory

from survey.models import Draft, Household, HouseholdResponse, MemberResponse, ResponseStatus
from tests.factories import NGA_QUAN
from units.text import plain_key


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    code = factory.Sequence(lambda n: f"HH-{n:06d}")
    unit_id = NGA_QUAN
    village = "Thôn 1"
    address = ""
    head_name = "Nguyễn Văn An"


class HouseholdResponseFactory(factory.django.DjangoModelFactory):
    """A submitted response; pass ``round`` and ``surveyor``."""

    class Meta:
        model = HouseholdResponse

    unit_id = NGA_QUAN
    village = "Thôn 1"
    address = ""
    head_name = "Nguyễn Văn An"
    household = factory.SubFactory(
        HouseholdFactory,
        unit_id=factory.SelfAttribute("..unit_id"),
        village=factory.SelfAttribute("..village"),
        address=factory.SelfAttribute("..address"),
        head_name=factory.SelfAttribute("..head_name"),
    )
    search_text = factory.LazyAttribute(lambda o: f"| {plain_key(o.head_name)} |")
    survey_date = date(2021, 7, 15)
    status = ResponseStatus.SUBMITTED
    updated_by = factory.SelfAttribute("surveyor")


class MemberResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberResponse

    position = factory.Sequence(lambda n: n + 1)
    full_name = "Nguyễn Văn An"
    sex = "male"
    birth_year = 1981
    age = factory.LazyAttribute(lambda o: 2021 - o.birth_year)
    ethnicity = "01"
    education = "lower_secondary"
    target_group = "nong_dan"
    relationship = "head"


class DraftFactory(factory.django.DjangoModelFactory):
    """An empty draft; pass ``owner`` and ``round``."""

    class Meta:
        model = Draft
