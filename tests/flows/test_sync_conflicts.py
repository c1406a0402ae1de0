"""flows.sync: a refused copy becomes a server draft; copies changed in two places conflict."""

from __future__ import annotations

import uuid

import pytest

from accounts.roles import SURVEYOR
from flows.responses import submit_response
from flows.sync import CONFLICT, INVALID, SyncRefused, payload_digest, sync_household
from survey.imports.payload import read_payload
from survey.imports.reading import build_context
from survey.models import Draft, HouseholdResponse
from tests.flows.test_sync import ID, member, payload, written
from tests.survey.conftest import CADRE, FARMER

pytestmark = pytest.mark.django_db


@pytest.fixture
def surveyor(make_user):
    return make_user(SURVEYOR, username="dtv", full_name="Lò Thị Hoa")


def bad_copy() -> dict:
    return payload(members=[member(FARMER, birth_year=1850), member(CADRE)])


def refuse(surveyor, round_, copy: dict, **options) -> SyncRefused:
    with pytest.raises(SyncRefused) as refused:
        sync_household(user=surveyor, round_=round_, client_id=ID, payload=copy, **options)
    return refused.value


def correct_online(surveyor, round_, draft_id: uuid.UUID = ID) -> HouseholdResponse:
    """Submit the server draft as the online form does, with the answers fixed."""
    submission, problems = read_payload(
        payload=payload(), client_id=draft_id, context=build_context(round_=round_, user=surveyor)
    )
    assert problems == []
    return submit_response(draft_id=draft_id, user=surveyor, submission=submission).response


def edit_draft_online(draft_id: uuid.UUID = ID) -> None:
    """Save a step of the server draft, as the wizard does when a step is posted."""
    draft = Draft.objects.get(pk=draft_id)
    data = dict(draft.data)
    data["step_data"] = {**data["step_data"], "members": {**data["step_data"]["members"]}}
    data["step_data"]["members"]["members-0-birth_year"] = ["1962"]
    Draft.objects.filter(pk=draft_id).update(data=data)


def test_the_draft_holds_the_copy_as_the_online_form_reads_it(surveyor, round_):
    refused = refuse(surveyor, round_, bad_copy())

    assert (refused.kind, refused.draft_id) == (INVALID, ID)
    steps = Draft.objects.get(pk=ID).data["step_data"]
    assert steps["household"]["household-head_name"] == ["Nguyễn Văn An"]
    assert steps["household"]["household-survey_date"] == ["2021-07-15"]
    assert steps["members"]["members-TOTAL_FORMS"] == ["2"]
    assert steps["members"]["members-0-birth_year"] == ["1850"]
    assert steps["members"]["members-1-full_name"] == ["Trần Thị Bình"]
    assert written() == (0, 1, 0)


def test_a_draft_corrected_online_is_what_the_unchanged_device_copy_gets(surveyor, round_):
    refuse(surveyor, round_, bad_copy())
    response = correct_online(surveyor, round_)

    synced = sync_household(user=surveyor, round_=round_, client_id=ID, payload=bad_copy())

    assert (synced.response.pk, synced.created) == (response.pk, False)
    assert response.source_digest == payload_digest(bad_copy())
    assert written() == (1, 0, 2)


def test_a_copy_changed_on_the_device_after_an_online_correction_conflicts(surveyor, round_):
    refuse(surveyor, round_, bad_copy())
    response = correct_online(surveyor, round_)
    changed = payload(members=[member(FARMER, birth_year=1963), member(CADRE)])

    refused = refuse(surveyor, round_, changed)

    assert (refused.kind, refused.response_id, refused.draft_id) == (CONFLICT, response.pk, None)
    assert "không được ghi đè" in refused.problems[0].vi
    assert response.members.get(position=1).birth_year == int(FARMER["birth_year"])
    assert written() == (1, 0, 2)


def test_a_copy_changed_in_both_places_conflicts_and_overwrites_neither(surveyor, round_):
    refuse(surveyor, round_, bad_copy())
    edit_draft_online()
    online = Draft.objects.get(pk=ID).data

    refused = refuse(surveyor, round_, payload())

    assert (refused.kind, refused.draft_id) == (CONFLICT, ID)
    assert Draft.objects.get(pk=ID).data == online
    assert written() == (0, 1, 0)


def test_the_unchanged_device_copy_never_overwrites_an_online_edit(surveyor, round_):
    refuse(surveyor, round_, bad_copy())
    edit_draft_online()
    online = Draft.objects.get(pk=ID).data

    refused = refuse(surveyor, round_, bad_copy())

    assert (refused.kind, refused.draft_id) == (INVALID, ID)
    assert Draft.objects.get(pk=ID).data == online


def test_the_surveyor_may_replace_the_online_draft_with_the_device_copy(surveyor, round_):
    refuse(surveyor, round_, bad_copy())
    edit_draft_online()

    synced = sync_household(
        user=surveyor, round_=round_, client_id=ID, payload=payload(), replace_online=True
    )

    assert synced.created is True
    assert synced.response.source_digest == payload_digest(payload())
    assert written() == (1, 0, 2)


def test_a_copy_corrected_on_the_device_replaces_its_untouched_draft(surveyor, round_):
    refuse(surveyor, round_, bad_copy())

    synced = sync_household(user=surveyor, round_=round_, client_id=ID, payload=payload())

    assert synced.created is True
    assert synced.response.source_draft == ID
    assert written() == (1, 0, 2)


def test_a_recorded_copy_sent_again_changed_conflicts(surveyor, round_):
    recorded = sync_household(user=surveyor, round_=round_, client_id=ID, payload=payload())
    # The answer was lost; the surveyor changed the household before it was sent again.
    changed = payload(members=[member(FARMER, birth_year=1963), member(CADRE)])

    refused = refuse(surveyor, round_, changed)

    assert (refused.kind, refused.response_id) == (CONFLICT, recorded.response.pk)
    assert written() == (1, 0, 2)
