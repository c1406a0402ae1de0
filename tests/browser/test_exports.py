"""'My exports' follows a job's progress through the static script, under the CSP."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.roles import PROVINCE_STAFF
from exports.models import ExportJob
from tests.scoring_agg.conftest import pilot_sets, small_round  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


def test_my_exports_page_follows_progress_and_shows_the_download(
    page,
    live_server,
    log_in,
    make_user,
    small_round,  # noqa: F811 - the fixture above
):
    user = make_user(PROVINCE_STAFF, username="canbotinh")
    job = ExportJob.objects.create(user=user, round=small_round, options={}, progress=20)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    log_in("canbotinh")
    page.goto(f"{live_server.url}/exports/")
    row = page.locator(f'tr[data-job="{job.pk}"]')
    assert row.locator('[data-col="progress"]').inner_text() == "20%"

    ExportJob.objects.filter(pk=job.pk).update(status="running", progress=60)
    expect(row.locator('[data-col="progress"]')).to_have_text("60%")
    assert row.locator('[data-col="label"]').inner_text() == "Đang chạy"

    ExportJob.objects.filter(pk=job.pk).update(
        status="done", progress=100, file_path="exports/x.xlsx"
    )
    page.wait_for_selector(f'tr[data-job="{job.pk}"] a[href="/exports/{job.pk}/download/"]')
    assert row.locator('[data-col="label"]').inner_text() == "Xong"
    assert problems == []
