"""The generate_round command: creates then extends a round, refuses nothing to do."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from survey.models import HouseholdResponse
from tests.factories import MINH_QUAN_ACUTE, NGA_QUAN

UNITS = [NGA_QUAN, MINH_QUAN_ACUTE]


def test_the_command_creates_then_extends_a_round(pilot_sets):
    out = StringIO()
    call_command(
        "generate_round", "lenh", "--households", "10", "--seed", "4", "--units", *UNITS,
        stdout=out,
    )  # fmt: skip
    assert "Round lenh created: 10 households" in out.getvalue()
    call_command(
        "generate_round", "lenh", "--households", "6", "--seed", "5", "--units", NGA_QUAN,
        stdout=out,
    )  # fmt: skip
    assert "Round lenh extended: 6 households" in out.getvalue()
    assert HouseholdResponse.objects.filter(round__code="lenh").count() == 16


def test_the_command_refuses_nothing_to_do(pilot_sets):
    with pytest.raises(CommandError, match="at least 1"):
        call_command("generate_round", "x", "--households", "0", "--seed", "1")
    with pytest.raises(CommandError, match="unknown unit keys"):
        call_command("generate_round", "x", "--households", "1", "--seed", "1", "--units", "9@x")
