"""The application has no way to change or delete an audit entry."""

from __future__ import annotations

import pytest

from audit.models import AppendOnlyError, AuditEntry
from audit.services import record_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(django_user_model):
    user = django_user_model.objects.create_user("canboxa", password="x")
    return record_event(
        action=AuditEntry.Action.EXPORT,
        user=user,
        summary="Xuất bảng tổng hợp",
        round_code="thi-diem-2021",
        details={"filters": {"units": ["04264@2019-12-01"]}},
    )


def test_record_event_writes_who_what_and_details(entry):
    stored = AuditEntry.objects.get()
    assert (stored.username, stored.action, stored.round_code, stored.summary) == (
        "canboxa",
        "export",
        "thi-diem-2021",
        "Xuất bảng tổng hợp",
    )
    assert stored.details == {"filters": {"units": ["04264@2019-12-01"]}}
    assert stored.user_id == entry.user_id


@pytest.mark.parametrize(
    "attempt",
    [
        lambda e: e.save(),
        lambda e: e.delete(),
        lambda e: AuditEntry.objects.filter(pk=e.pk).update(summary="đã sửa"),
        lambda e: AuditEntry.objects.filter(pk=e.pk).delete(),
        lambda e: AuditEntry.objects.all().delete(),
        lambda e: AuditEntry.objects.bulk_update([e], ["summary"]),
    ],
    ids=["save", "delete", "qs-update", "qs-delete", "delete-all", "bulk-update"],
)
def test_no_way_to_change_or_delete_an_entry(entry, attempt):
    entry.summary = "đã sửa"
    with pytest.raises(AppendOnlyError):
        attempt(entry)
    assert AuditEntry.objects.values_list("summary", flat=True).get() == "Xuất bảng tổng hợp"
