"""The reviewer's scores entered on the response page: stored, rescored, audited, refused."""

from __future__ import annotations

from html import unescape

import pytest

from accounts.roles import COMMUNE_STAFF, SURVEYOR
from audit.models import AuditEntry
from flows.review import score_as_reviewer
from scoring.models import MemberScore
from survey.errors import EditConflict, SurveyError
from survey.models import ResponseChange, ResponseStatus
from survey.reviewer_scores import reviewer_items
from tests.factories import NGA_QUAN
from tests.survey.test_services import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_user):
    return {
        "surveyor": make_user(SURVEYOR, username="dtv", full_name="Lò Thị Hoa"),
        "reviewer": make_user(COMMUNE_STAFF, [NGA_QUAN], username="canboxa", full_name="Hà Văn Tư"),
    }


@pytest.fixture
def response(people, round_):
    return submit(people["surveyor"], round_)


def _scores(response) -> dict[str, tuple]:
    rows = MemberScore.objects.filter(member__response=response).select_related("member")
    return {row.member.full_name: (row.total, row.recognised) for row in rows}


def _names(response) -> dict[str, str]:
    return {item.name: item.owner_name for item in reviewer_items(response=response)}


def test_the_items_are_the_assessed_members_reviewer_questions(response):
    items = reviewer_items(response=response)

    assert [(i.owner_name, i.question.code, i.value) for i in items] == [
        ("Nguyễn Văn An", "encouragement_evidence", None),
        ("Trần Thị Bình", "encouragement_evidence", None),
        ("Nguyễn Văn Dũng", "encouragement_evidence", None),
    ]


def test_scores_are_stored_rescored_and_audited_without_moving_the_status(people, response):
    before = _scores(response)
    values = {name: 2 for name in _names(response)}

    scored = score_as_reviewer(
        user=people["reviewer"], response=response, base_revision=1, values=values
    )

    assert (scored.revision, scored.status) == (2, ResponseStatus.SUBMITTED)
    answers = {m.full_name: m.answers.get("encouragement_evidence") for m in scored.members.all()}
    assert answers == {
        "Nguyễn Văn An": 2,
        "Trần Thị Bình": 2,
        "Nguyễn Minh Châu": None,
        "Nguyễn Văn Dũng": 2,
    }
    assert before["Nguyễn Văn An"][1] is None  # awaited the reviewer's score
    after = _scores(scored)
    assert after["Nguyễn Văn An"] != before["Nguyễn Văn An"]
    assert after["Nguyễn Văn An"][1] is not None
    change = ResponseChange.objects.get(response=scored, revision=2)
    assert [c["field"].rsplit(".", 1)[1] for c in change.changes] == ["encouragement_evidence"] * 3
    entry = AuditEntry.objects.filter(object_type="household_response", action="change").get()
    assert (entry.username, entry.details["reviewer_scores"]) == ("canboxa", True)


def test_a_score_outside_its_range_is_refused_and_nothing_is_written(people, response):
    name = next(iter(_names(response)))

    with pytest.raises(SurveyError) as refused:
        score_as_reviewer(
            user=people["reviewer"], response=response, base_revision=1, values={name: 3}
        )

    assert str(refused.value) == (
        "“Điểm minh chứng về việc động viên người khác học tập (0–2), do Ban khuyến học xã"
        " chấm” của Nguyễn Văn An: Điểm từ 0 đến 2."
    )
    response.refresh_from_db()
    assert response.revision == 1
    assert ResponseChange.objects.count() == 0


def test_a_stale_page_is_refused(people, response):
    with pytest.raises(EditConflict):
        score_as_reviewer(user=people["reviewer"], response=response, base_revision=0, values={})


def test_a_surveyor_may_not_score(people, response):
    with pytest.raises(SurveyError) as refused:
        score_as_reviewer(user=people["surveyor"], response=response, base_revision=1, values={})

    assert str(refused.value) == "Bạn không được chấm điểm phiếu này."


def test_the_response_page_scores_and_names_the_change_in_words(people, response, client):
    client.force_login(people["reviewer"])
    page = unescape(client.get(f"/survey/responses/{response.pk}/").content.decode())
    assert 'data-testid="reviewer-scores"' in page
    names = list(_names(response))

    answer = client.post(
        f"/survey/responses/{response.pk}/scores/",
        {"revision": "1", names[0]: "1", names[1]: "2", names[2]: ""},
    )

    assert answer.status_code == 302
    page = unescape(client.get(f"/survey/responses/{response.pk}/").content.decode())
    assert "Lần 2: Hà Văn Tư lúc" in page
    label = "Điểm minh chứng về việc động viên người khác học tập (0–2), do Ban khuyến học xã chấm"
    assert f"<td>Nguyễn Văn An: {label}</td><td>—</td><td>1</td>" in page
    assert f"<td>Trần Thị Bình: {label}</td><td>—</td><td>2</td>" in page
    assert "members." not in page


def test_the_surveyor_sees_no_score_form(people, response, client):
    client.force_login(people["surveyor"])
    page = client.get(f"/survey/responses/{response.pk}/").content.decode()

    assert 'data-testid="reviewer-scores"' not in page
    names = list(_names(response))
    answer = client.post(
        f"/survey/responses/{response.pk}/scores/", {"revision": "1", names[0]: "1"}
    )
    assert answer.status_code == 403
    response.refresh_from_db()
    assert response.revision == 1
