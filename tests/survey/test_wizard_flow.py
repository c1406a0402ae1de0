"""The household wizard through the Django test client, step by step."""

from __future__ import annotations

import pytest

from accounts.roles import SURVEYOR
from survey.models import Draft, HouseholdResponse
from tests.survey.conftest import (
    FOUR_MEMBERS,
    TOP_ADULT,
    household_post,
    members_post,
    questions_post,
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
    done = surveyor_client.post(f"{base}/review/", {"wizard-current_step": "review"})
    assert done.url == f"{base}/done/"
    final = surveyor_client.get(done.url)
    saved = HouseholdResponse.objects.get()
    assert final.url == f"/survey/responses/{saved.pk}/"
    assert saved.members.count() == 4
    assert not Draft.objects.exists()
