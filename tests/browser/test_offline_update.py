"""A new version of the offline app replaces its cached files and keeps the households."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.roles import SURVEYOR
from flows.web import offline
from tests.browser.test_household_wizard import round_  # noqa: F401 - a fixture
from tests.browser.test_offline import open_app
from tests.factories import NGA_QUAN

pytestmark = pytest.mark.browser
CACHES = "() => caches.keys().then(keys => keys.filter(k => k.startsWith('cdht-offline-')))"


@pytest.mark.usefixtures("round_")
def test_a_deployed_version_replaces_the_cache_and_keeps_the_outbox(
    page, live_server, log_in, make_user, monkeypatch
):
    make_user(SURVEYOR, [NGA_QUAN], username="dieutravien")
    log_in("dieutravien")
    open_app(page, live_server)
    page.click("[data-round=r2021] [data-testid=new]")
    page.fill("#h-head_name", "Nguyễn Văn An")
    page.wait_for_selector("#offline-app[data-pending='0']")
    (old,) = page.evaluate(CACHES)

    # A deployment changes the shell's files (their hashed names): a new worker version.
    monkeypatch.setattr(offline, "SHELL_FILES", (*offline.SHELL_FILES, "img/app-icon-512.png"))
    page.reload()
    for _ in range(50):
        keys = page.evaluate(CACHES)
        if len(keys) == 1 and keys != [old]:
            break
        page.wait_for_timeout(200)
    (new,) = page.evaluate(CACHES)  # the old one is deleted once the new one is active
    assert new != old

    page.context.set_offline(True)
    page.reload()  # the new version's cache serves the page
    expect(page.locator("[data-testid=outbox] li[data-state=draft]")).to_contain_text(
        "Nguyễn Văn An"
    )
