"""The sync API over HTTP: token and session clients, idempotent posts, refusals, schema."""

from __future__ import annotations

import json
import uuid

import pytest
from axes.models import AccessAttempt
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.roles import COMMITTEE, PROVINCE_STAFF, SURVEYOR
from survey.models import HouseholdResponse, Round
from tests.factories import MINH_QUAN_ACUTE, NGA_QUAN, PASSWORD
from tests.flows.test_sync import ID, member, payload
from tests.survey.conftest import FARMER

pytestmark = pytest.mark.django_db
URL = "/api/v1/rounds/r2021/households/"


@pytest.fixture
def surveyor(make_user):
    return make_user(SURVEYOR, username="dtv", full_name="Lò Thị Hoa")


@pytest.fixture
def api(surveyor):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=surveyor).key}")
    return client


def body(**changes) -> dict:
    return {"id": str(ID), **payload(), **changes}


def test_a_household_posted_twice_is_recorded_once(api, round_):
    first = api.post(URL, body(), format="json")
    again = api.post(URL, body(), format="json")

    assert (first.status_code, again.status_code) == (201, 200)
    one, two = first.json(), again.json()
    assert one["response"] == two["response"]
    assert (one["created"], two["created"], one["status"]) == (True, False, "submitted")
    assert [m["full_name"] for m in one["members"]] == ["Nguyễn Văn An", "Trần Thị Bình"]
    assert all(isinstance(m["total"], float) for m in one["members"])
    assert HouseholdResponse.objects.count() == 1
    status = api.get(f"/api/v1/households/{ID}/")
    assert status.status_code == 200 and status.json()["response"] == one["response"]
    assert api.get(f"/api/v1/households/{uuid.uuid4()}/").status_code == 404


def test_invalid_fields_come_back_by_field_in_vietnamese(api, round_):
    answer = api.post(URL, body(members=[member(FARMER, birth_year=1850)]), format="json")

    assert answer.status_code == 400
    refused = answer.json()
    assert refused["kind"] == "invalid"
    birth = [p for p in refused["problems"] if p["field"] == "members[0].birth_year"]
    assert len(birth) == 1 and "Năm sinh" in birth[0]["message"]
    assert HouseholdResponse.objects.count() == 0


def test_a_malformed_envelope_names_its_fields(api, round_):
    answer = api.post(URL, {"id": "not-a-uuid", "members": [{}]}, format="json")

    assert answer.status_code == 400
    fields = {p["field"] for p in answer.json()["problems"]}
    assert {"id", "household", "members[0].full_name"} <= fields
    assert HouseholdResponse.objects.count() == 0


def test_a_closed_round_refuses_with_409_and_writes_nothing(api, round_):
    Round.objects.filter(pk=round_.pk).update(status=Round.Status.CLOSED)

    answer = api.post(URL, body(), format="json")

    assert answer.status_code == 409
    assert answer.json() == {
        "kind": "closed",
        "problems": [{"field": "household", "message": "Đợt khảo sát “Thí điểm 2021” không mở."}],
    }
    assert HouseholdResponse.objects.count() == 0


@pytest.mark.parametrize("role", [PROVINCE_STAFF, COMMITTEE])
def test_roles_that_do_not_enter_data_are_refused(make_user, round_, role):
    client = APIClient()
    client.force_authenticate(make_user(role))

    assert client.post(URL, body(), format="json").status_code == 403
    assert client.get("/api/v1/rounds/").status_code == 403
    assert HouseholdResponse.objects.count() == 0


def test_anonymous_is_refused(round_):
    answer = APIClient().post(URL, body(), format="json")

    assert answer.status_code in (401, 403)
    assert HouseholdResponse.objects.count() == 0


def test_a_session_client_needs_the_csrf_token(surveyor, round_):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(surveyor)

    assert client.post(URL, body(), format="json").status_code == 403
    assert HouseholdResponse.objects.count() == 0


def test_the_rounds_list_gives_the_communes_to_enter(api, round_):
    rounds = api.get("/api/v1/rounds/").json()

    assert [(r["code"], [c["key"] for c in r["communes"]]) for r in rounds] == [
        ("r2021", [MINH_QUAN_ACUTE, NGA_QUAN])  # by name: Minh Quán, Nga Quán
    ]


def test_a_token_is_given_for_the_right_password_only(surveyor, round_):
    client = APIClient()
    good = client.post("/api/v1/auth/token/", {"username": "dtv", "password": PASSWORD})
    bad = client.post("/api/v1/auth/token/", {"username": "dtv", "password": "sai"})

    assert good.status_code == 200 and good.json()["token"] == Token.objects.get().key
    assert bad.status_code == 400


def test_the_openapi_document_describes_the_api(api):
    schema = api.get("/api/v1/schema/?format=json")

    assert schema.status_code == 200
    document = json.loads(schema.content)
    assert document["info"]["title"] == "Công dân học tập – sync API"
    assert set(document["paths"]) >= {
        "/api/v1/rounds/",
        "/api/v1/rounds/{code}/households/",
        "/api/v1/households/{client_id}/",
    }


def test_token_logins_are_throttled_like_the_web_login(surveyor, round_, settings):
    client = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/api/v1/auth/token/", {"username": "dtv", "password": "sai"})

    locked = client.post("/api/v1/auth/token/", {"username": "dtv", "password": PASSWORD})

    # The right password is refused once the account is locked out (django-axes).
    assert locked.status_code == 400
    # Five wrong passwords, then the refused right one: the lockout counts it too.
    assert AccessAttempt.objects.get().failures_since_start == settings.AXES_FAILURE_LIMIT + 1
    assert not Token.objects.exists()


def test_the_plan_is_the_wizards_own(api, round_):
    from criteria.selectors import spec_of
    from survey.steps import plan_steps

    document = api.get("/api/v1/rounds/r2021/plan/").json()

    citizen = spec_of(criteria_set=round_.citizen_set)
    steps = plan_steps(citizen=citizen, household=spec_of(criteria_set=round_.household_set))
    assert [(s["name"], s["kind"]) for s in document["steps"]] == [(s.name, s.kind) for s in steps]
    for shown, step in zip(document["steps"], steps, strict=True):
        assert [(q["code"], q["relevant"], q["constraint"]) for q in shown["questions"]] == [
            (q.code, q.relevant, q.constraint) for q in step.questions
        ]
    assert document["criteria"] == {"citizen": "CDHT v1", "household": "GDHT v1"}
    assert [c["key"] for c in document["communes"]] == [MINH_QUAN_ACUTE, NGA_QUAN]
    assert document["round"]["starts_on"] == "2021-06-01"
    assert {c["name"] for c in document["choice_lists"]["learning_plan"]} >= {"written_followed"}
    assert api.get("/api/v1/rounds/nope/plan/").status_code == 404


def test_a_refused_copy_points_to_its_server_draft_which_the_online_form_opens(
    api, surveyor, round_, client
):
    answer = api.post(URL, body(members=[member(FARMER, birth_year=1850)]), format="json")

    online = answer.json()["online"]
    assert (answer.status_code, online["kind"], online["url"]) == (
        400,
        "draft",
        f"/survey/drafts/{ID}/",
    )
    assert (online["head_name"], online["members"]) == ("Nguyễn Văn An", 1)
    client.force_login(surveyor)
    opened = client.get(online["url"], follow=True)
    assert opened.request["PATH_INFO"] == f"/survey/drafts/{ID}/household/"
    assert 'value="Nguyễn Văn An"' in opened.content.decode()
    members = client.get(f"/survey/drafts/{ID}/members/").content.decode()
    assert 'value="1850"' in members


def test_a_conflict_answers_409_with_the_online_copy(api, round_):
    first = api.post(URL, body(), format="json").json()
    changed = body(members=[member(FARMER, birth_year=1963)])

    answer = api.post(URL, changed, format="json")

    assert answer.status_code == 409
    refused = answer.json()
    assert (refused["kind"], refused["online"]["kind"], refused["online"]["url"]) == (
        "conflict",
        "response",
        f"/survey/responses/{first['response']}/",
    )
    assert HouseholdResponse.objects.count() == 1
