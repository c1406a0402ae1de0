"""The citizen set of the scoring tests, for the benchmark code's tests."""

from __future__ import annotations

import pytest

from criteria.spec import CriteriaSpec
from tests.scoring.conftest import build_citizen_spec


@pytest.fixture(scope="session")
def citizen_spec() -> CriteriaSpec:
    return build_citizen_spec()
