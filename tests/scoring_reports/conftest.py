"""A generated round on three communes of both districts, and helpers to read the pages."""

from __future__ import annotations

import re
from html import unescape

import pytest

from demo.services import generate_round
from tests.factories import MINH_QUAN_ACUTE, NGA_QUAN
from tests.scoring_agg.conftest import YEN_NINH, pilot_sets  # noqa: F401 - a fixture

UNITS = [NGA_QUAN, MINH_QUAN_ACUTE, YEN_NINH]


@pytest.fixture
def report_round(pilot_sets):  # noqa: F811 - the fixture above
    return generate_round(code="r-bc", households=45, seed=13, unit_keys=UNITS).round


@pytest.fixture
def signed_in(client, make_user):
    def sign_in(role: str, unit_keys=None):
        user = make_user(role, unit_keys)
        client.force_login(user)
        return user

    return sign_in


def page_text(response) -> str:
    return unescape(response.content.decode())


def table_rows(response, testid: str) -> list[str]:
    found = re.search(
        rf'<table data-testid="{testid}"[^>]*>(.*?)</table>', response.content.decode(), re.S
    )
    assert found, f"no table {testid}"
    return re.findall(r"<tr[^>]*>(.*?)</tr>", found.group(1), re.S)


def area_values(response) -> dict[str, dict[str, str]]:
    """area key -> column -> data-value of the areas table."""
    rows = re.findall(r'<tr data-area="([^"]+)"[^>]*>(.*?)</tr>', response.content.decode(), re.S)
    return {
        key: dict(re.findall(r'data-col="([a-z_]+)" data-value="([^"]*)"', body))
        for key, body in rows
    }
