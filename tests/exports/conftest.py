"""A generated round on three communes of both districts, exported to a temporary folder."""

from __future__ import annotations

import pytest

from tests.scoring_agg.conftest import pilot_sets  # noqa: F401 - a fixture
from tests.scoring_reports.conftest import report_round, signed_in  # noqa: F401 - fixtures


@pytest.fixture(autouse=True)
def immediate_tasks(settings, tmp_path):
    """Run queued exports at once, and write files under a temporary MEDIA_ROOT."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
