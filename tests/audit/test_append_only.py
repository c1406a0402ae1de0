"""The application has no way to change or delete an audit entry."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

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


def test_the_admin_offers_no_way_to_add_change_or_delete(entry, rf, django_user_model):
    from django.contrib.admin.sites import site

    admin = site._registry[AuditEntry]
    request = rf.get("/admin/audit/auditentry/")
    request.user = django_user_model.objects.create_superuser("quantri", password="x")
    assert not admin.has_add_permission(request)
    assert not admin.has_change_permission(request, entry)
    assert not admin.has_delete_permission(request, entry)
    assert admin.get_actions(request) == {}


needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)


@needs_postgresql
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditentry SET summary = 'đã sửa'",
        "DELETE FROM audit_auditentry",
    ],
    ids=["update", "delete"],
)
def test_the_database_refuses_update_and_delete_even_in_raw_sql(entry, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)

    assert AuditEntry.objects.values_list("summary", flat=True).get() == "Xuất bảng tổng hợp"


@needs_postgresql
def test_truncate_still_empties_the_table_for_flushes_and_restores(entry):
    with connection.cursor() as cursor:
        # The entry's deferred foreign-key checks are still pending in this test's transaction.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE audit_auditentry")

    assert not AuditEntry.objects.exists()
