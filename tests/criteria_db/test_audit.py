"""Publishing and retiring a criteria version are recorded in the audit trail."""

from __future__ import annotations

import pytest

from accounts.roles import ADMINISTRATOR
from audit.models import AuditEntry
from criteria.services import create_draft_version, publish, retire

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft_set(shipped):
    return create_draft_version(criteria_set=shipped["CDHT", 1])


def test_publish_and_retire_write_their_entries(draft_set, make_user):
    admin = make_user(ADMINISTRATOR, username="quantri")

    publish(criteria_set=draft_set, user=admin)
    retire(criteria_set=draft_set, user=admin)

    entries = AuditEntry.objects.filter(object_type="criteria_set", object_id=str(draft_set.pk))
    assert list(entries.order_by("pk").values_list("action", "username", "summary", "details")) == [
        (
            "publish",
            "quantri",
            f"{draft_set.code} v{draft_set.version}",
            {"code": draft_set.code, "version": draft_set.version, "status": "published"},
        ),
        (
            "retire",
            "quantri",
            f"{draft_set.code} v{draft_set.version}",
            {"code": draft_set.code, "version": draft_set.version, "status": "retired"},
        ),
    ]
