"""survey.rounds: every round is created, edited and moved through checked, audited services."""

from __future__ import annotations

from datetime import date

import pytest

from accounts.roles import ADMINISTRATOR, COMMITTEE, PROVINCE_STAFF
from audit.models import AuditEntry
from criteria.selectors import find_version
from survey.errors import SurveyError
from survey.models import Round, RoundUnit
from survey.rounds import RoundPlan, create_round, move_round, plan_of, update_round
from tests.factories import MINH_QUAN_ACUTE, NGA_QUAN

NAM_CUONG_2025 = "04273@2025-07-01"


def _plan(**changes) -> dict:
    plan = {
        "code": "yb-2026",
        "name": "Đợt 2026",
        "citizen_set": find_version(code="CDHT", version=1),
        "household_set": find_version(code="GDHT", version=1),
        "starts_on": date(2021, 6, 1),
        "ends_on": date(2021, 12, 31),
        "planned": {NGA_QUAN: 30, MINH_QUAN_ACUTE: 25},
    }
    return {**plan, **changes}


def _nothing_written() -> tuple[int, int, int]:
    return (
        Round.objects.count(),
        RoundUnit.objects.count(),
        AuditEntry.objects.filter(object_type="round").count(),
    )


def test_a_manager_creates_a_planned_round_and_it_is_audited(make_user, pilot_sets):
    manager = make_user(PROVINCE_STAFF, username="canbotinh")

    round_ = create_round(**_plan(), user=manager)

    assert (round_.status, round_.name, round_.starts_on) == (
        "planned",
        "Đợt 2026",
        date(2021, 6, 1),
    )
    assert dict(round_.round_units.values_list("unit_id", "planned_households")) == {
        NGA_QUAN: 30,
        MINH_QUAN_ACUTE: 25,
    }
    entry = AuditEntry.objects.get(object_type="round")
    assert (entry.action, entry.username, entry.round_code) == ("create", "canbotinh", "yb-2026")
    assert entry.details["planned"] == {MINH_QUAN_ACUTE: 25, NGA_QUAN: 30}


def test_a_round_with_a_commune_valid_only_later_is_refused_and_nothing_is_written(
    make_user, pilot_sets
):
    # The admin once accepted this: a 2021 round with a commune of the 2025 era.
    manager = make_user(ADMINISTRATOR)

    with pytest.raises(SurveyError) as refused:
        create_round(**_plan(planned={NGA_QUAN: 10, NAM_CUONG_2025: 10}), user=manager)

    assert str(refused.value) == (
        "Các đơn vị sau không phải xã/phường có hiệu lực ngày bắt đầu (01/06/2021): "
        "04273@2025-07-01"
    )
    assert _nothing_written() == (0, 0, 0)


def test_every_problem_of_a_plan_is_named_at_once(make_user, pilot_sets):
    manager = make_user(ADMINISTRATOR)
    plan = _plan(
        name=" ",
        ends_on=date(2021, 5, 1),
        household_set=find_version(code="CDHT", version=1),
        planned={NGA_QUAN: -1},
    )

    with pytest.raises(SurveyError) as refused:
        create_round(**plan, user=manager)

    assert str(refused.value) == (
        "Tên đợt không được để trống. Ngày kết thúc phải từ ngày bắt đầu trở đi. "
        "Bộ tiêu chí CDHT v1 – Công dân học tập (thí điểm Yên Bái 2020–2021) "
        "không dành cho Gia đình học tập. "
        f"Số hộ dự kiến không được âm: {NGA_QUAN}"
    )
    assert _nothing_written() == (0, 0, 0)


def test_communes_outside_the_managers_scope_are_refused(make_user, pilot_sets):
    district_staff = make_user(PROVINCE_STAFF, unit_keys=[MINH_QUAN_ACUTE])

    with pytest.raises(SurveyError) as refused:
        create_round(**_plan(), user=district_staff)

    assert str(refused.value) == f"Các xã/phường sau nằm ngoài phạm vi của bạn: {NGA_QUAN}"
    assert _nothing_written() == (0, 0, 0)


def test_a_user_without_the_right_cannot_create_a_round(make_user, pilot_sets):
    with pytest.raises(SurveyError) as refused:
        create_round(**_plan(), user=make_user(COMMITTEE))

    assert str(refused.value) == "Bạn không có quyền quản lý đợt khảo sát."
    assert _nothing_written() == (0, 0, 0)


def test_a_code_in_use_is_refused(make_user, pilot_sets):
    create_round(**_plan())

    with pytest.raises(SurveyError) as refused:
        create_round(**_plan(name="Khác"))

    assert str(refused.value) == "Mã đợt “yb-2026” đã được dùng."
    assert Round.objects.get().name == "Đợt 2026"


def test_a_planned_round_is_edited_with_its_changes_audited(make_user, pilot_sets):
    manager = make_user(PROVINCE_STAFF, username="canbotinh")
    round_ = create_round(**_plan(), user=manager)
    plan = RoundPlan(
        name="Đợt 2026 (sửa)",
        citizen_set=round_.citizen_set,
        household_set=None,
        starts_on=date(2021, 7, 1),
        ends_on=date(2021, 12, 31),
        planned={NGA_QUAN: 40},
    )

    update_round(round_=round_, plan=plan, user=manager)

    assert plan_of(round_=Round.objects.get()) == plan
    entry = AuditEntry.objects.filter(object_type="round", action="change").get()
    assert entry.details["changes"] == [
        {"field": "name", "old": "Đợt 2026", "new": "Đợt 2026 (sửa)"},
        {"field": "household_set", "old": round_.household_set.pk, "new": None},
        {"field": "starts_on", "old": "2021-06-01", "new": "2021-07-01"},
        {
            "field": "planned",
            "old": {MINH_QUAN_ACUTE: 25, NGA_QUAN: 30},
            "new": {NGA_QUAN: 40},
        },
    ]


def test_an_open_round_cannot_be_edited(make_user, pilot_sets):
    manager = make_user(ADMINISTRATOR)
    round_ = create_round(**_plan(), user=manager, status=Round.Status.OPEN)
    plan = plan_of(round_=round_)

    with pytest.raises(SurveyError) as refused:
        update_round(round_=round_, plan=RoundPlan(**{**plan.__dict__, "name": "X"}), user=manager)

    assert str(refused.value) == "Chỉ sửa được đợt đang chuẩn bị."
    assert Round.objects.get().name == "Đợt 2026"


def test_open_close_and_reopen_with_a_reason(make_user, pilot_sets):
    manager = make_user(PROVINCE_STAFF, username="canbotinh")
    round_ = create_round(**_plan(), user=manager)

    move_round(round_=round_, status="open", user=manager)
    move_round(round_=round_, status="closed", user=manager)
    with pytest.raises(SurveyError) as refused:
        move_round(round_=round_, status="open", user=manager, reason="  ")
    assert str(refused.value) == "Cần nêu lý do mở lại đợt đã kết thúc."
    assert Round.objects.get().status == "closed"
    move_round(round_=round_, status="open", user=manager, reason="Bổ sung 3 hộ ở Nga Quán")

    moves = AuditEntry.objects.filter(object_type="round", action="transition").order_by("pk")
    assert [(e.details["from"], e.details["to"], e.details["reason"]) for e in moves] == [
        ("planned", "open", ""),
        ("open", "closed", ""),
        ("closed", "open", "Bổ sung 3 hộ ở Nga Quán"),
    ]
    assert Round.objects.get().status == "open"


def test_a_move_that_skips_a_step_is_refused(make_user, pilot_sets):
    manager = make_user(ADMINISTRATOR)
    round_ = create_round(**_plan(), user=manager)

    with pytest.raises(SurveyError) as refused:
        move_round(round_=round_, status="closed", user=manager)

    assert str(refused.value) == "Không thể chuyển đợt từ “Đang chuẩn bị” sang “Đã kết thúc”."
    assert Round.objects.get().status == "planned"
    assert AuditEntry.objects.filter(action="transition").count() == 0
