# ruff: noqa: F811 - the device fixture is imported from tests.browser.test_offline
"""The offline app's states in a real browser: a copy to correct online, conflicts that
overwrite nothing, a full device store, and the app in English."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from accounts.models import Preference
from accounts.roles import SURVEYOR
from flows.sync import payload_digest, sync_household
from survey.models import Draft, HouseholdResponse, Round
from tests.browser.test_household_wizard import round_  # noqa: F401 - a fixture
from tests.browser.test_offline import device, queue_households  # noqa: F401 - a fixture
from tests.factories import NGA_QUAN, PASSWORD
from tests.flows.test_sync import member, payload
from tests.flows.test_sync_conflicts import correct_online, edit_draft_online
from tests.survey.conftest import CADRE, FARMER

pytestmark = pytest.mark.browser


def bad_copy() -> dict:
    return payload(members=[member(FARMER, birth_year=1850), member(CADRE)])


def outbox_item(tab, state: str):
    return tab.locator(f"[data-testid=outbox] li[data-state={state}]")


@pytest.mark.usefixtures("round_")
def test_a_refused_copy_waits_as_a_server_draft_and_follows_its_online_correction(device):
    key = uuid.uuid4()
    queue_households(device, [(str(key), bad_copy())])  # sent on opening: refused

    correct = outbox_item(device, "correct")
    expect(correct).to_contain_text("Cần sửa")
    expect(correct.locator(".problems")).to_contain_text("members[0].birth_year")
    link = correct.locator("[data-action=online]")
    expect(link).to_have_attribute("href", f"/survey/drafts/{key}/")
    assert Draft.objects.get(pk=key).label == "Nguyễn Văn An"

    # The surveyor corrects it in the online form, which records it.
    correct_online(Draft.objects.get(pk=key).owner, Round.objects.get(code="r2021"), key)
    device.click("[data-testid=sync]")
    expect(outbox_item(device, "sent")).to_contain_text("đã sửa trực tuyến")
    assert HouseholdResponse.objects.count() == 1


@pytest.mark.usefixtures("round_")
def test_a_copy_changed_after_it_was_recorded_is_a_conflict_until_the_surveyor_chooses(device):
    key = uuid.uuid4()
    user = get_user_model().objects.get(username="dieutravien")
    recorded = sync_household(
        user=user, round_=Round.objects.get(code="r2021"), client_id=key, payload=payload()
    ).response
    changed = payload(members=[member(FARMER, birth_year=1963), member(CADRE)])
    queue_households(device, [(str(key), changed)])

    conflict = outbox_item(device, "conflict")
    expect(conflict).to_contain_text("Xung đột")
    expect(conflict.locator("[data-testid=online-copy]")).to_contain_text("Nguyễn Văn An, 2")
    expect(conflict.locator("[data-action=online]")).to_have_attribute(
        "href", f"/survey/responses/{recorded.pk}/"
    )
    expect(conflict.locator("[data-action=use-device]")).to_have_count(0)  # it is recorded
    device.reload()
    expect(outbox_item(device, "conflict")).to_have_count(1)  # kept until a choice is made

    device.once("dialog", lambda dialog: dialog.accept())
    outbox_item(device, "conflict").locator("[data-action=keep-online]").click()
    expect(device.locator("[data-testid=outbox] li")).to_have_count(0)
    recorded.refresh_from_db()
    assert recorded.source_digest == payload_digest(payload())
    assert recorded.members.get(position=1).birth_year == 1981
    assert HouseholdResponse.objects.count() == 1


@pytest.mark.usefixtures("round_")
def test_the_device_copy_may_replace_an_online_draft_of_it_when_chosen(device):
    key = uuid.uuid4()
    queue_households(device, [(str(key), bad_copy())])
    expect(outbox_item(device, "correct")).to_have_count(1)
    # Corrected in both places: a step saved online, and a new copy on the device.
    edit_draft_online(key)
    queue_households(device, [(str(key), payload())])

    conflict = outbox_item(device, "conflict")
    expect(conflict.locator("[data-action=online]")).to_have_attribute(
        "href", f"/survey/drafts/{key}/"
    )
    conflict.locator("[data-action=use-device]").click()
    expect(outbox_item(device, "sent")).to_have_count(1)
    response = HouseholdResponse.objects.get()
    assert (response.source_draft, response.source_digest) == (key, payload_digest(payload()))
    assert not Draft.objects.exists()


@pytest.mark.usefixtures("round_")
def test_a_full_device_store_says_so(device):
    device.evaluate(
        """() => {
          const put = IDBObjectStore.prototype.put;
          IDBObjectStore.prototype.put = function (value, key) {
            if (this.name === "households") {
              throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
            }
            return put.call(this, value, key);
          };
        }"""
    )
    device.click("[data-round=r2021] [data-testid=new]")

    expect(device.locator("#offline-notice")).to_contain_text(
        "Không lưu được trên máy (bộ nhớ đầy hoặc bị từ chối): QuotaExceededError"
    )


@pytest.mark.usefixtures("round_")
def test_the_app_speaks_english_when_the_user_chose_it(page, live_server, make_user):
    user = make_user(SURVEYOR, [NGA_QUAN], username="surveyor_en")
    Preference.objects.create(user=user, language="en")
    page.goto(f"{live_server.url}/accounts/login/?next=/survey/offline/")
    page.fill("#id_username", "surveyor_en")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    page.wait_for_selector("#offline-app[data-ready='1']")

    expect(page.locator("[data-testid=unsent]")).to_contain_text("0 households not sent · last")
    page.click("[data-round=r2021] [data-testid=new]")
    expect(page.locator("[data-testid=step-count]")).to_have_text("Step 1/8")
    expect(page.locator("label[for=h-head_name]")).to_have_text("Household head")
    page.click("[data-testid=next]")
    expect(page.locator("[data-testid=step-problems]")).to_contain_text(
        "Village: an answer is required."
    )
