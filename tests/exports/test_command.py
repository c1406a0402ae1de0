"""manage.py export_round: the web export's cells, personal data only for those allowed."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from accounts.roles import COMMITTEE, PROVINCE_STAFF
from exports.models import ExportJob
from exports.options import ExportOptions
from survey.models import MemberResponse
from tests.exports.helpers import read_sheets
from tests.factories import NGA_QUAN

pytestmark = pytest.mark.django_db

PERSONAL_SHEETS = {"Hộ", "Thành viên"}
# Cover rows that differ between two exports: when, and by which route.
VOLATILE = {"Thời điểm xuất"}


def _comparable(sheets):
    cover = [r for r in sheets["Thông tin"] if r[0] not in VOLATILE]
    return {**sheets, "Thông tin": cover}


def test_command_and_web_give_the_same_cells(client, make_user, report_round, tmp_path):
    user = make_user(PROVINCE_STAFF)
    client.force_login(user)
    client.post(
        "/exports/new/r-bc/",
        {
            "level": "commune",
            "hierarchy": "round",
            "statuses": "counted",
            "file_format": "xlsx",
            "detail": "on",
            "units": [NGA_QUAN],
        },
    )
    job = ExportJob.objects.get(user=user)
    web = read_sheets(client.get(f"/exports/{job.pk}/download/").getvalue())
    path = tmp_path / "cli.xlsx"
    call_command(
        "export_round",
        "r-bc",
        "-o",
        str(path),
        "--detail",
        "--units",
        NGA_QUAN,
        "--user",
        user.username,
    )
    cli = read_sheets(path)
    assert list(cli) == list(web)
    assert _comparable(cli) == _comparable(web)
    assert len(cli["Thành viên"]) > 1


def test_committee_gets_no_personal_data(make_user, report_round, tmp_path):
    committee = make_user(COMMITTEE)
    path = tmp_path / "bcd.xlsx"
    with pytest.raises(CommandError) as refused:
        call_command(
            "export_round", "r-bc", "-o", str(path), "--detail", "--user", committee.username
        )
    assert str(refused.value) == "Bạn không được xuất dữ liệu cá nhân."
    assert not path.exists()
    call_command("export_round", "r-bc", "-o", str(path), "--user", committee.username)
    sheets = read_sheets(path)
    assert not PERSONAL_SHEETS & set(sheets)
    texts = {v for rows in sheets.values() for row in rows for v in row if isinstance(v, str)}
    names = set(
        MemberResponse.objects.filter(response__round=report_round).values_list(
            "full_name", flat=True
        )
    )
    assert not names & texts


def test_unknown_round_unit_or_user(report_round, tmp_path, make_user):
    path = tmp_path / "x.xlsx"
    with pytest.raises(CommandError) as refused:
        call_command("export_round", "nope", "-o", str(path))
    assert str(refused.value) == "Không có đợt khảo sát “nope”."
    with pytest.raises(CommandError) as refused:
        call_command("export_round", "r-bc", "-o", str(path), "--user", "ai")
    assert str(refused.value) == "Không có người dùng “ai”."
    staff = make_user(PROVINCE_STAFF)
    with pytest.raises(CommandError) as refused:
        call_command(
            "export_round",
            "r-bc",
            "-o",
            str(path),
            "--units",
            "04567@2020-02-01",
            "--user",
            staff.username,
        )
    assert str(refused.value) == "Đơn vị 04567@2020-02-01 không có trong đợt này."
    assert not path.exists()


def test_detail_rows_split_across_sheets(report_round, tmp_path):
    from exports.content import gather_round_export
    from exports.workbook import write_workbook

    export = gather_round_export(round_=report_round, options=ExportOptions(detail=True), user=None)
    members = next(t for t in export.details if t.key == "members")
    count = members.count
    path = tmp_path / "split.xlsx"
    write_workbook(export=export, target=path, max_rows=41)  # 40 members a sheet
    sheets = read_sheets(path)
    parts = [name for name in sheets if name.startswith("Thành viên")]
    expected = -(-count // 40)
    assert parts == ["Thành viên"] + [f"Thành viên ({n})" for n in range(2, expected + 1)]
    assert [len(sheets[p]) - 1 for p in parts] == [40] * (expected - 1) + [
        count - 40 * (expected - 1)
    ]
    assert all(sheets[p][0] == sheets["Thành viên"][0] for p in parts)
