"""An import is recorded in the audit trail (file, checksum, rows); a locked commune refuses it."""

from __future__ import annotations

import hashlib

import pytest

from accounts.roles import PROVINCE_STAFF
from audit.models import AuditEntry
from flows.imports import import_responses
from flows.review import lock_unit, verify_response
from survey.imports.problems import ImportRefused
from survey.models import HouseholdResponse
from tests.factories import NGA_QUAN
from tests.imports.conftest import counts, fill_template, household_row, member_rows

pytestmark = pytest.mark.django_db


def test_an_import_writes_one_audit_entry_with_file_checksum_and_rows(round_, staff):
    data = fill_template(round_, [household_row()], member_rows())

    import_responses(round_=round_, user=staff, data=data, filename="phieu-thon3.xlsx")

    entry = AuditEntry.objects.get(action="import")
    assert (entry.username, entry.round_code, entry.object_type, entry.summary) == (
        "canbo_ngaquan",
        round_.code,
        "import",
        f"{round_.code}: phieu-thon3.xlsx",
    )
    assert entry.details == {
        "filename": "phieu-thon3.xlsx",
        "sha256": hashlib.sha256(data).hexdigest(),
        "source": "paper",
        "rows": 1,
        "members": 4,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
    }


def test_a_check_without_writing_is_not_recorded_as_an_import(round_, staff):
    data = fill_template(round_, [household_row()], member_rows())

    import_responses(round_=round_, user=staff, data=data, filename="x.xlsx", check_only=True)

    assert not AuditEntry.objects.filter(action="import").exists()


def test_an_import_into_a_locked_commune_is_refused_and_writes_nothing(round_, staff, make_user):
    first = fill_template(round_, [household_row()], member_rows())
    import_responses(round_=round_, user=staff, data=first, filename="dot1.xlsx")
    verify_response(user=staff, response=HouseholdResponse.objects.get())
    province = make_user(PROVINCE_STAFF, username="canbotinh")
    lock_unit(user=province, round_=round_, unit_key=NGA_QUAN)
    before = counts()
    entries = AuditEntry.objects.count()
    second = fill_template(
        round_, [household_row("2", head_name="Trần Văn Bình")], member_rows("2")
    )

    with pytest.raises(ImportRefused) as refused:
        import_responses(round_=round_, user=staff, data=second, filename="dot2.xlsx")

    assert [p.message("vi") for p in refused.value.problems] == [
        f"Số liệu của Xã Nga Quán trong đợt “{round_.name}” đã được phê duyệt và khoá; "
        "tệp không được nhập. Cán bộ tỉnh có thể mở khoá (kèm lý do) nếu cần sửa."
    ]
    assert counts() == before
    assert AuditEntry.objects.count() == entries
