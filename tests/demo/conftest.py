"""The shipped criteria sets and targets the generator needs."""

from tests.scoring_agg.conftest import pilot_sets  # noqa: F401 - a fixture
