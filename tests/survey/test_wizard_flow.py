"""The household wizard through the Django test client, step by step."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import SURVEYOR
from survey.models import Draft, HouseholdResponse
from tests.survey.conftest import (
    FOUR_MEMBERS,
    TOP_ADULT,
    household_post,
    members_post,
    questions_post,
    start,
    walk,
    walk_posts,
)

C1 = {"info_sources", "learning_plan", "community_sessions_12m", "community_venues"}
C1 |= {"encourages_learning"}
C2 = {"digital_skills", "numeracy", "work_improvement", "checks_before_sharing", "weighs_options"}
C3 = {"friendly_relations", "conflict_response", "community_activities_12m"}
C3 |= {"community_activity_kinds"}


@pytest.fixture
def surveyor_client(client, make_user, round_):
    user = make_user(SURVEYOR)
    client.force_login(user)
    return client


def test_a_household_goes_through_every_step(surveyor_client, round_):
    response = surveyor_client.post(f"/survey/rounds/{round_.code}/new/")
    draft = Draft.objects.get()
    base = f"/survey/drafts/{draft.pk}"
    assert response.url == f"{base}/household/"

    page = surveyor_client.get(f"{base}/household/")
    assert "Bước 1/8" in page.content.decode()

    assert surveyor_client.post(f"{base}/household/", household_post()).url == f"{base}/members/"
    assert surveyor_client.post(f"{base}/members/", members_post(FOUR_MEMBERS)).url == f"{base}/c1/"
    page = surveyor_client.get(f"{base}/c1/").content.decode()
    assert "Bước 3/8" in page
    adults = {0: TOP_ADULT, 1: TOP_ADULT, 3: TOP_ADULT}
    c1 = {i: {k: v for k, v in a.items() if k in C1} for i, a in adults.items()}
    assert surveyor_client.post(f"{base}/c1/", questions_post("c1", c1)).url == f"{base}/c2/"
    c2 = {i: {k: v for k, v in a.items() if k in C2} for i, a in adults.items()}
    c2[1]["foreign_language_level"] = "work"
    c2[1]["foreign_language_certificate"] = "yes"
    assert surveyor_client.post(f"{base}/c2/", questions_post("c2", c2)).url == f"{base}/c3/"
    c3 = {i: {k: v for k, v in a.items() if k in C3} for i, a in adults.items()}
    assert surveyor_client.post(f"{base}/c3/", questions_post("c3", c3)).url == f"{base}/family/"
    family = {
        0: {"literacy": "level2", "learning_contents_12m": "3", "applies_learning": "yes"},
        1: {"literacy": "level2", "learning_contents_12m": "2", "applies_learning": "yes"},
        2: {
            "attends_school": "yes",
            "school_result": "good",
            "conduct": "good",
            "child_polite_active": "yes",
        },
    }
    response = surveyor_client.post(f"{base}/family/", questions_post("family", family))
    assert response.url == f"{base}/household_questions/"
    household_answers = {
        "household_questions-reading_materials": ["books", "newspapers"],
        "household_questions-internet_access": "yes",
        "household_questions-learning_devices": ["smartphone", "tv"],
        "household_questions-study_place": "yes",
        "household_questions-life_improved": "clear",
        "wizard-current_step": "household_questions",
    }
    response = surveyor_client.post(f"{base}/household_questions/", household_answers)
    assert response.url == f"{base}/review/"
    review = surveyor_client.get(f"{base}/review/").content.decode()
    assert "Bước 8/8" in review
    assert HouseholdResponse.objects.count() == 0
    final = surveyor_client.post(f"{base}/review/", {"wizard-current_step": "review"})
    saved = HouseholdResponse.objects.get()
    assert final.url == f"/survey/responses/{saved.pk}/"
    assert saved.members.count() == 4
    assert not Draft.objects.exists()


WRITES = {"INSERT", "UPDATE", "DELETE", "REPLACE"}


def writes(queries: CaptureQueriesContext) -> list[str]:
    """Return the statements that wrote, but the session's (every request extends it)."""
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].split()[0] in WRITES and '"django_session"' not in q["sql"]
    ]


def test_the_last_steps_post_submits_once_and_the_done_url_writes_nothing(surveyor_client, round_):
    base = start(surveyor_client, round_)
    walk(surveyor_client, base, FOUR_MEMBERS, until="review")
    last, submit = walk_posts(FOUR_MEMBERS)[-1]
    assert last == "review"
    draft = Draft.objects.values("data", "current_step", "label").get()

    # Before the submit (a prefetch, a typed URL): back to the last step, nothing written.
    with CaptureQueriesContext(connection) as early:
        too_early = surveyor_client.get(f"{base}/done/")
    assert (too_early.status_code, too_early.url) == (302, f"{base}/review/")
    assert writes(early) == []
    assert HouseholdResponse.objects.count() == 0
    assert Draft.objects.values("data", "current_step", "label").get() == draft

    # The last step's POST creates the response and leads to it.
    submitted = surveyor_client.post(f"{base}/{last}/", submit)
    saved = HouseholdResponse.objects.get()
    assert (submitted.status_code, submitted.url) == (302, f"/survey/responses/{saved.pk}/")
    assert saved.members.count() == 4
    assert not Draft.objects.exists()

    # After it: a reload of the done URL shows the response and creates nothing more.
    reloaded = surveyor_client.get(f"{base}/done/")
    assert (reloaded.status_code, reloaded.url) == (302, f"/survey/responses/{saved.pk}/")
    assert HouseholdResponse.objects.count() == 1

    # The final POST again (a reload of the POST, a double tap): the same response.
    replayed = surveyor_client.post(f"{base}/{last}/", submit)
    assert (replayed.status_code, replayed.url) == (302, f"/survey/responses/{saved.pk}/")
    assert HouseholdResponse.objects.count() == 1
    assert saved.members.count() == 4


def test_the_done_url_of_a_half_walked_draft_leads_to_its_step(surveyor_client, round_):
    base = start(surveyor_client, round_)
    walk(surveyor_client, base, FOUR_MEMBERS, until="c1")

    with CaptureQueriesContext(connection) as queries:
        shown = surveyor_client.get(f"{base}/done/")

    assert (shown.status_code, shown.url) == (302, f"{base}/c1/")
    assert writes(queries) == []
    assert HouseholdResponse.objects.count() == 0
    assert Draft.objects.get().current_step == "c1"
