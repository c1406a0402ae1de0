"""The offline form in a real browser: a household entered with no connection, kept through
a reload, sent once when the connection returns, scored as the wizard scores it."""

from __future__ import annotations

import shutil
import uuid

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from playwright.sync_api import expect

from accounts.roles import PROVINCE_STAFF, SURVEYOR
from criteria.selectors import spec_of
from scoring.compute import MemberInput, score_response
from scoring.engine import MemberProfile
from scoring.models import MemberScore
from survey.models import HouseholdResponse, Round, UnitLock
from tests.browser.offline_entry import (
    answer,
    current_step,
    fill_household,
    fill_member,
    next_step,
)
from tests.browser.test_household_wizard import (
    NUMBERS,
    round_,  # noqa: F401 - a fixture
)
from tests.conftest import CHROMIUM_ARGS, PHONE_VIEWPORT
from tests.factories import NGA_QUAN, PASSWORD
from tests.flows.test_sync import payload
from tests.survey.conftest import (
    CADRE,
    FARMER,
    HOUSEHOLD,
    HOUSEHOLD_ANSWERS,
    citizen_answers,
    family_answers,
)

pytestmark = pytest.mark.browser


def open_app(page, live_server) -> None:
    page.goto(f"{live_server.url}/survey/offline/")
    page.wait_for_selector("[data-round=r2021]")
    # Once the service worker controls the page, its files are in the cache.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_selector("[data-round=r2021]")
    assert page.evaluate("!!navigator.serviceWorker.controller")


@pytest.mark.usefixtures("round_")
def test_a_household_entered_offline_is_kept_and_sent_once(page, live_server, log_in, make_user):
    make_user(SURVEYOR, [NGA_QUAN], username="dieutravien", full_name="Lò Thị Hoa")
    log_in("dieutravien")
    open_app(page, live_server)
    members = [FARMER, CADRE]

    page.context.set_offline(True)
    page.click("[data-round=r2021] [data-testid=new]")
    fill_household(page, HOUSEHOLD)
    next_step(page)
    fill_member(page, 0, members[0])
    page.click("button.add-member")
    fill_member(page, 1, members[1])

    # A reload with no connection: the page comes from the cache, the draft from IndexedDB.
    page.wait_for_selector("#offline-app[data-pending='0']")
    page.reload()
    expect(page.locator("[data-testid=connection]")).to_contain_text("ngoại tuyến")
    draft = page.locator("[data-testid=outbox] li[data-state=draft]")
    expect(draft).to_have_count(1)
    draft.locator("[data-action=open]").click()
    assert current_step(page) == "members"  # where the surveyor was
    assert page.input_value("#m1-full_name") == "Trần Thị Bình"
    page.click("[data-testid=back]")
    assert page.input_value("#h-head_name") == "Nguyễn Văn An"
    next_step(page)
    next_step(page)
    while current_step(page) != "review":
        step = current_step(page)
        if step == "household_questions":
            for code, value in HOUSEHOLD_ANSWERS.items():
                answer(page, f"{step}-{code}", value)
        for index, member in enumerate(members):
            for code, value in {**citizen_answers(member), **family_answers(member)}.items():
                answer(page, f"{step}-m{index}-{code}", value)
        page.wait_for_selector("#offline-app[data-pending='0']")
        next_step(page)
    page.click("[data-testid=queue]")
    expect(page.locator("[data-testid=unsent]")).to_contain_text("1 hộ chưa gửi")
    assert HouseholdResponse.objects.count() == 0

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    sent = page.locator("[data-testid=outbox] li[data-state=sent]")
    expect(sent).to_have_count(1)
    expect(page.locator("[data-testid=unsent]")).to_contain_text("0 hộ chưa gửi")
    page.click("[data-testid=sync]")
    page.reload()
    expect(page.locator("[data-testid=outbox] li[data-state=sent]")).to_have_count(1)

    response = HouseholdResponse.objects.get()
    assert (response.unit_id, response.head_name, response.village) == (
        NGA_QUAN,
        "Nguyễn Văn An",
        "Thôn 3",
    )
    assert [m.full_name for m in response.members.order_by("position")] == [
        "Nguyễn Văn An",
        "Trần Thị Bình",
    ]
    assert response.members.get(position=2).answers["foreign_language_certificate"] == "yes"
    # Scored as the wizard scores the same answers.
    expected = score_response(
        citizen=spec_of(criteria_set=response.round.citizen_set),
        household=spec_of(criteria_set=response.round.household_set),
        members=[
            MemberInput(
                MemberProfile(m["target_group"], 2021 - int(m["birth_year"]), m["sex"]),
                {
                    k: int(v) if k in NUMBERS else v
                    for k, v in {**citizen_answers(m), **family_answers(m)}.items()
                },
            )
            for m in members
        ],
        household_answers=HOUSEHOLD_ANSWERS,
    )
    stored = MemberScore.objects.filter(response=response).order_by("member__position")
    assert [s.total for s in stored] == [r.total for r in expected.members]


# Sending: households put in the device's store as the form leaves them ----------------


@pytest.fixture
def device(page, live_server, log_in, make_user):
    """A signed-in page of the offline app without a service worker, so that the test can
    cut the connection of single requests (Playwright cannot route a worker's requests)."""
    make_user(SURVEYOR, [NGA_QUAN], username="dieutravien", full_name="Lò Thị Hoa")
    browser = page.context.browser
    context = browser.new_context(service_workers="block", locale="vi-VN")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    tab.goto(f"{live_server.url}/accounts/login/")
    tab.fill("#id_username", "dieutravien")
    tab.fill("#id_password", PASSWORD)
    with tab.expect_navigation():
        tab.click("main form button[type=submit]")
    tab.goto(f"{live_server.url}/survey/offline/")
    tab.wait_for_selector("#offline-app[data-ready='1']")
    yield tab
    context.close()


def queue_households(tab, households: list[tuple[str, dict]], *, reopen: bool = True) -> None:
    """Put waiting households in the device's IndexedDB; opening the app again sends them."""
    tab.evaluate(
        """households => new Promise((resolve, reject) => {
          const open = indexedDB.open("cdht-offline", 1);
          open.onsuccess = () => {
            const t = open.result.transaction("households", "readwrite");
            households.forEach(([id, data]) => t.objectStore("households").put(
              {id, round: "r2021", state: "waiting", created: new Date().toISOString(),
               problems: [], data}));
            t.oncomplete = () => resolve(true);
            t.onerror = () => reject(t.error);
          };
        })""",
        [[key, data] for key, data in households],
    )
    if reopen:
        tab.reload()
        tab.wait_for_selector("#offline-app[data-ready='1']")


@pytest.mark.usefixtures("round_")
def test_an_answer_lost_after_the_server_committed_is_sent_again_without_a_duplicate(device):
    cut = {"done": False}

    def lose_the_answer(route):
        if not cut["done"]:
            cut["done"] = True
            route.fetch()  # the server records the household ...
            route.abort("internetdisconnected")  # ... and its answer never arrives
        else:
            route.continue_()

    device.route("**/api/v1/rounds/r2021/households/", lose_the_answer)
    queue_households(device, [(str(uuid.uuid4()), payload())])  # the app sends on opening
    expect(device.locator("[data-testid=outbox] li[data-state=waiting]")).to_have_count(1)
    assert cut["done"] and HouseholdResponse.objects.count() == 1

    device.click("[data-testid=sync]")
    expect(device.locator("[data-testid=outbox] li[data-state=sent]")).to_have_count(1)
    assert HouseholdResponse.objects.count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the test server's in-memory SQLite locks whole tables between threads; "
    "concurrent sends on an SQLite file are measured by bench/bench_sync.py",
)
@pytest.mark.usefixtures("round_")
def test_two_tabs_sending_at_once_record_each_household_once(device):
    queue_households(device, [(str(uuid.uuid4()), payload()) for _ in range(3)], reopen=False)
    second = device.context.new_page()

    # Both tabs open at once, and each sends the three households it finds waiting.
    device.evaluate("location.reload()")
    second.goto(device.url)

    for tab in (device, second):
        tab.wait_for_selector("[data-round=r2021]")
    # A send the busy server refused for a moment (SQLite's write lock: 503) stays waiting
    # and goes with the next sync, as a surveyor would press "Gửi ngay" again.
    for _ in range(5):
        device.reload()
        device.wait_for_selector("[data-round=r2021]")
        if HouseholdResponse.objects.count() == 3:
            break
    for tab in (device, second):
        tab.reload()
        expect(tab.locator("[data-testid=outbox] li[data-state=sent]")).to_have_count(3)
    assert HouseholdResponse.objects.count() == 3


@pytest.mark.usefixtures("round_")
def test_a_household_refused_by_a_lock_stays_with_its_reason(device, make_user):
    locked = Round.objects.get(code="r2021")
    UnitLock.objects.create(round=locked, unit_id=NGA_QUAN, locked_by=make_user(PROVINCE_STAFF))
    queue_households(device, [(str(uuid.uuid4()), payload())])  # sent on opening: refused

    refused = device.locator("[data-testid=outbox] li[data-state=refused]")
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text("Bị từ chối")
    expect(refused.locator(".problems")).to_contain_text("khoá")
    assert HouseholdResponse.objects.count() == 0
    device.reload()
    expect(device.locator("[data-testid=outbox] li[data-state=refused]")).to_have_count(1)


@pytest.mark.usefixtures("round_")
def test_signing_out_warns_of_unsent_households_then_clears_the_device(device):
    queue_households(device, [(str(uuid.uuid4()), payload())], reopen=False)
    asked: list[str] = []

    def answer(dialog):
        asked.append(dialog.message)
        if len(asked) == 1:
            dialog.dismiss()  # stay signed in, to send them first
        else:
            dialog.accept()

    device.on("dialog", answer)
    device.click("header form[data-logout] button")
    device.wait_for_timeout(300)
    assert asked == ["1 hộ trên máy chưa gửi được sẽ bị xoá khi đăng xuất. Vẫn đăng xuất?"]
    assert device.url.endswith("/survey/offline/")

    with device.expect_navigation():
        device.click("header form[data-logout] button")
    assert len(asked) == 2
    kept = device.evaluate(
        """() => new Promise(resolve => {
          const open = indexedDB.open("cdht-offline", 1);
          open.onupgradeneeded = () => resolve("empty");
          open.onsuccess = () => resolve(open.result.objectStoreNames.length ? "kept" : "empty");
        })"""
    )
    assert kept == "empty"
    assert HouseholdResponse.objects.count() == 0


@pytest.mark.usefixtures("round_")
def test_a_session_that_expired_keeps_the_households_for_the_next_sign_in(device, live_server):
    queue_households(device, [(str(uuid.uuid4()), payload())], reopen=False)
    Session.objects.all().delete()  # the session expired while the device was away

    device.click("[data-testid=sync]")
    expect(device.locator("#offline-notice")).to_have_text(
        "Phiên đăng nhập đã hết: hãy đăng nhập lại để gửi các hộ đang chờ."
    )
    expect(device.locator("[data-testid=outbox] li[data-state=waiting]")).to_have_count(1)
    assert HouseholdResponse.objects.count() == 0

    device.goto(f"{live_server.url}/accounts/login/?next=/survey/offline/")
    device.fill("#id_username", "dieutravien")
    device.fill("#id_password", PASSWORD)
    with device.expect_navigation():
        device.click("main form button[type=submit]")
    expect(device.locator("[data-testid=outbox] li[data-state=sent]")).to_have_count(1)
    assert HouseholdResponse.objects.count() == 1


@pytest.mark.usefixtures("round_")
def test_the_app_and_its_outbox_survive_a_browser_restart_offline(
    page, live_server, make_user, tmp_path
):
    make_user(SURVEYOR, [NGA_QUAN], username="dieutravien", full_name="Lò Thị Hoa")
    kind = page.context.browser.browser_type
    profile = tmp_path / "profile"

    def start():
        context = kind.launch_persistent_context(
            str(profile),
            executable_path=shutil.which("chromium"),
            args=CHROMIUM_ARGS,
            headless=True,
            locale="vi-VN",
            viewport=PHONE_VIEWPORT,
        )
        context.set_default_timeout(15_000)
        return context, context.pages[0] if context.pages else context.new_page()

    context, tab = start()
    tab.goto(f"{live_server.url}/accounts/login/?next=/survey/offline/")
    tab.fill("#id_username", "dieutravien")
    tab.fill("#id_password", PASSWORD)
    with tab.expect_navigation():
        tab.click("main form button[type=submit]")
    tab.wait_for_selector("#offline-app[data-ready='1']")
    tab.evaluate("navigator.serviceWorker.ready.then(() => true)")
    queue_households(tab, [(str(uuid.uuid4()), payload())], reopen=False)
    context.close()

    context, tab = start()  # the browser starts again with no connection
    context.set_offline(True)
    tab.goto(f"{live_server.url}/survey/offline/")
    expect(tab.locator("[data-testid=connection]")).to_contain_text("ngoại tuyến")
    expect(tab.locator("[data-testid=outbox] li[data-state=waiting]")).to_have_count(1)
    assert tab.locator("[data-round=r2021]").count() == 1  # the round's form is there too
    assert HouseholdResponse.objects.count() == 0

    context.set_offline(False)
    tab.evaluate("window.dispatchEvent(new Event('online'))")
    expect(tab.locator("[data-testid=outbox] li[data-state=sent]")).to_have_count(1)
    assert HouseholdResponse.objects.count() == 1
    context.close()
