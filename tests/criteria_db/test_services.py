"""Storing, versioning and publishing criteria sets (criteria.services, criteria.selectors)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from criteria import models as m
from criteria.selectors import find_version, spec_of
from criteria.services import (
    CriteriaSetInvalid,
    CriteriaSetLocked,
    create_draft_version,
    delete_draft,
    install_shipped_sets,
    load_spec,
    publish,
    retire,
    save_spec,
)
from criteria.spec import Label, Level, Rule
from criteria.validation import Problem
from tests.criteria.conftest import build_citizen_spec, build_household_spec
from tests.criteria_db.conftest import SHIPPED_DIR, SHIPPED_FILES, counts, shipped_spec, snapshot

# What the three shipped sets put in each table.
SHIPPED_COUNTS = {
    "sets": 3,
    "target_groups": 7,  # 3 (CDHT v1) + 4 (CDHT v2) + 0 (GDHT)
    "criteria": 10,  # 3 + 3 + 4
    "choice_lists": 39,  # 14 + 17 + 8
    "choices": 201,
    "questions": 55,  # 20 + 23 + 12
    "indicators": 30,
    "indicator_groups": 5,  # v1 CD06; v2 CD06 and CD07 (three groups)
    "rules": 42,
    "levels": 2,  # "tiêu biểu" in both CDHT versions
}
EMPTY = dict.fromkeys(SHIPPED_COUNTS, 0)
LOCKED_CDHT_1 = (
    "Bộ tiêu chí CDHT phiên bản 1 đã ban hành, không thể sửa. Hãy tạo phiên bản nháp mới."
)
ONLY_PUBLISHED_RETIRE = "Chỉ bộ tiêu chí đã ban hành mới có thể ngừng sử dụng."
# A set is rebuilt with one query per table (set, groups, criteria, lists, choices,
# questions, indicators, indicator groups, rules, levels), whatever its size.
LOAD_QUERIES = 10


# Round trip ---------------------------------------------------------------------------


@pytest.mark.parametrize("filename", SHIPPED_FILES)
def test_every_shipped_set_comes_back_from_the_database_identical(db, filename):
    spec = shipped_spec(filename)
    criteria_set = save_spec(spec=spec)
    assert load_spec(criteria_set=criteria_set) == spec
    # A freshly read row gives the same spec (nothing lives only on the saved object).
    fresh = m.CriteriaSet.objects.get(code=spec.code, version=spec.version)
    assert load_spec(criteria_set=fresh) == spec
    assert fresh.status == "published"
    assert fresh.published_at is not None


@pytest.mark.parametrize("build", [build_citizen_spec, build_household_spec])
def test_the_test_sets_with_every_rule_type_come_back_identical(db, build):
    spec = build()
    criteria_set = save_spec(spec=spec)
    assert load_spec(criteria_set=criteria_set) == spec
    assert criteria_set.status == spec.status


def test_points_come_back_in_the_order_of_the_choices(db):
    # PostgreSQL's jsonb reorders object keys (shortest first); the spec gives them back
    # in the order of the question's choice list, so pages and exports agree on every database.
    spec = shipped_spec("cdht-2020.yaml")
    loaded = load_spec(criteria_set=save_spec(spec=spec))
    cd02 = next(i for i in loaded.indicators if i.code == "CD02")
    assert list(cd02.rules[0].params["points"]) == [
        "none",
        "informal",
        "written",
        "written_followed",
    ]
    cd01 = next(i for i in loaded.indicators if i.code == "CD01")
    assert list(cd01.rules[0].params["points"]) == [
        "books",
        "newspapers",
        "tv_radio",
        "loudspeaker",
        "phone",
        "internet",
        "library",
        "none",
    ]


def test_loading_a_set_takes_a_fixed_number_of_queries(db, django_assert_num_queries):
    small = save_spec(spec=build_household_spec())
    large = save_spec(spec=shipped_spec("cdht-2023.yaml"))
    for criteria_set in (small, large):
        with django_assert_num_queries(LOAD_QUERIES):
            load_spec(criteria_set=criteria_set)


def test_an_invalid_spec_is_refused_and_nothing_is_written(db):
    spec = build_citizen_spec()
    cd03 = spec.indicators[2]
    broken = replace(
        spec,
        indicators=(*spec.indicators[:2], replace(cd03, max_points=12.0), *spec.indicators[3:]),
    )
    with pytest.raises(CriteriaSetInvalid) as caught:
        save_spec(spec=broken)
    assert caught.value.problems == [
        Problem(
            None,
            None,
            "criteria[II].max_points",
            "Điểm tối đa các chỉ số của tiêu chí “II” cộng lại là 22, khác điểm tối đa 20 "
            "của tiêu chí",
            "The indicators of criterion “II” add up to 22 points, not its maximum 20",
        ),
    ]
    assert counts() == EMPTY


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"digital_indicator": "CD99"},
            Problem(
                None,
                None,
                "digital_indicator",
                "Chỉ số kỹ năng số “CD99” không có trong bộ tiêu chí",
                "The digital-skills indicator “CD99” is not an indicator of the set",
            ),
        ),
        (
            {"digital_min_points": None},
            Problem(
                None,
                None,
                "digital_min_points",
                "Đã có digital_indicator nhưng thiếu digital_min_points (điểm kỹ năng số tối "
                "thiểu)",
                "digital_indicator is given but digital_min_points (the points that count as "
                "digital skills) is missing",
            ),
        ),
        (
            {"digital_min_points": 10.5},
            Problem(
                None,
                None,
                "digital_min_points",
                "Điểm kỹ năng số tối thiểu 10,5 phải từ 0 đến 10 (điểm tối đa của chỉ số “CD05”)",
                "The digital-skills minimum 10.5 must be between 0 and 10 (the maximum of "
                "indicator “CD05”)",
            ),
        ),
        (
            {"digital_min_points": 7.125},
            Problem(
                None,
                None,
                "digital_min_points",
                "Số 7,125 có quá 2 chữ số thập phân",
                "The number 7.125 has more than 2 decimal places",
            ),
        ),
    ],
)
def test_a_wrong_digital_indicator_is_refused_and_nothing_is_written(db, changes, expected):
    with pytest.raises(CriteriaSetInvalid) as caught:
        save_spec(spec=replace(build_citizen_spec(), **changes))
    assert caught.value.problems == [expected]
    assert counts() == EMPTY


def test_a_same_as_naming_an_own_group_is_refused_and_nothing_is_written(db):
    spec = build_citizen_spec()
    nong_dan, hoc_sinh = spec.target_groups
    spec = replace(spec, target_groups=(nong_dan, replace(hoc_sinh, same_as=("nong_dan",))))
    with pytest.raises(CriteriaSetInvalid) as caught:
        save_spec(spec=spec)
    assert caught.value.problems == [
        Problem(
            None,
            None,
            "target_groups[hoc_sinh].same_as",
            "“nong_dan” là nhóm của chính bộ tiêu chí này; same_as chỉ ghi nhóm của bộ tiêu "
            "chí khác",
            "“nong_dan” is a group of this same set; same_as lists groups of other sets only",
        ),
    ]
    assert counts() == EMPTY


def test_the_criteria_facts_are_stored_in_their_columns(db):
    criteria_set = save_spec(spec=build_citizen_spec())
    criteria_set.refresh_from_db()
    assert (criteria_set.digital_indicator, criteria_set.digital_min_points) == (
        "CD05",
        Decimal("7.50"),
    )
    assert list(criteria_set.target_groups.values_list("code", "cadre", "same_as")) == [
        ("nong_dan", False, ["cu_dan", "dan_cu"]),
        ("hoc_sinh", True, []),
    ]
    household = save_spec(spec=build_household_spec())
    household.refresh_from_db()
    assert (household.digital_indicator, household.digital_min_points) == ("", None)
    assert load_spec(criteria_set=household).digital_indicator is None


def test_numbers_finer_than_the_database_keeps_are_refused(db):
    # The columns keep 2 decimals (the share 3): 40.125 would become 40.12 on SQLite and
    # 40.13 on PostgreSQL, so the stored set would differ from the file.
    spec = build_citizen_spec()
    level = replace(spec.recognition.levels[0], min_total=45.555)
    fine = replace(
        spec,
        recognition=replace(
            spec.recognition,
            min_total=40.125,
            min_indicator=5.5,  # one decimal: fine
            min_criterion_share=0.6667,
            levels=(level,),
        ),
    )
    with pytest.raises(CriteriaSetInvalid) as caught:
        save_spec(spec=fine)
    assert [(p.column, p.vi, p.en) for p in caught.value.problems] == [
        (
            "recognition.min_total",
            "Số 40,125 có quá 2 chữ số thập phân",
            "The number 40.125 has more than 2 decimal places",
        ),
        (
            "recognition.min_criterion_share",
            "Số 0,6667 có quá 3 chữ số thập phân",
            "The number 0.6667 has more than 3 decimal places",
        ),
        (
            "recognition.levels[tieu_bieu].min_total",
            "Số 45,555 có quá 2 chữ số thập phân",
            "The number 45.555 has more than 2 decimal places",
        ),
    ]
    assert counts() == EMPTY


def test_points_of_100000_or_more_are_refused(db):
    spec = build_household_spec()
    huge = replace(
        spec,
        recognition=replace(
            spec.recognition,
            levels=(Level("vang", Label("Vàng", "Gold"), 100000.0, None, True),),
        ),
    )
    with pytest.raises(CriteriaSetInvalid) as caught:
        save_spec(spec=huge)
    assert [(p.column, p.vi) for p in caught.value.problems] == [
        (
            "recognition.levels[vang].min_total",
            "Ngưỡng 100000 điểm vượt tổng điểm 30 của bộ tiêu chí",
        ),
        ("recognition.levels[vang].min_total", "Số 100000 quá lớn; phải nhỏ hơn 100000"),
    ]
    assert counts() == EMPTY


# Installing the shipped sets -------------------------------------------------------------


def test_installing_the_shipped_sets_twice_changes_nothing_the_second_time(db):
    installed = install_shipped_sets(directory=SHIPPED_DIR)
    assert [(cs.code, cs.version, cs.status) for cs in installed] == [
        ("CDHT", 1, "published"),
        ("CDHT", 2, "published"),
        ("GDHT", 1, "published"),
    ]
    assert counts() == SHIPPED_COUNTS
    before = snapshot()
    assert install_shipped_sets(directory=SHIPPED_DIR) == []
    assert snapshot() == before


def test_the_install_command_reports_what_it_installed_and_is_idempotent(db):
    out = StringIO()
    call_command("install_criteria_sets", stdout=out)
    assert out.getvalue().splitlines() == [
        "Installed CDHT v1 (published)",
        "Installed CDHT v2 (published)",
        "Installed GDHT v1 (published)",
    ]
    before = snapshot()
    out = StringIO()
    call_command("install_criteria_sets", stdout=out)
    assert out.getvalue() == ""
    assert snapshot() == before


# A published set never changes -----------------------------------------------------------


def test_saving_over_a_published_version_is_refused_and_no_table_changes(shipped):
    before = snapshot()
    spec = shipped_spec("cdht-2020.yaml")
    for attempt in (
        spec,
        replace(spec, title=Label("Tên mới", "New title")),
        replace(spec, status="draft"),
        replace(spec, recognition=replace(spec.recognition, min_total=70.0)),
    ):
        with pytest.raises(CriteriaSetLocked) as caught:
            save_spec(spec=attempt)
        assert str(caught.value) == LOCKED_CDHT_1
    assert snapshot() == before


def test_a_stale_object_does_not_unlock_a_published_version(shipped):
    before = snapshot()
    stale = m.CriteriaSet.objects.get(code="CDHT", version=1)
    stale.status = m.CriteriaSet.Status.DRAFT  # as if read before it was published
    with pytest.raises(CriteriaSetLocked) as caught:
        delete_draft(criteria_set=stale)
    assert str(caught.value) == LOCKED_CDHT_1
    with pytest.raises(CriteriaSetLocked):
        publish(criteria_set=stale)
    assert snapshot() == before


def test_a_published_version_cannot_be_deleted_as_a_draft(shipped):
    before = snapshot()
    with pytest.raises(CriteriaSetLocked) as caught:
        delete_draft(criteria_set=shipped["CDHT", 1])
    assert str(caught.value) == LOCKED_CDHT_1
    assert snapshot() == before


def test_publishing_twice_is_refused(shipped):
    before = snapshot()
    with pytest.raises(CriteriaSetLocked) as caught:
        publish(criteria_set=shipped["CDHT", 1])
    assert str(caught.value) == LOCKED_CDHT_1
    assert snapshot() == before


def test_a_retired_version_cannot_change_either(shipped):
    retired = retire(criteria_set=shipped["GDHT", 1])
    before = snapshot()
    spec = replace(shipped_spec("gdht-2015.yaml"), status="draft")
    with pytest.raises(CriteriaSetLocked) as caught:
        save_spec(spec=spec)
    assert str(caught.value) == (
        "Bộ tiêu chí GDHT phiên bản 1 đã ban hành, không thể sửa. Hãy tạo phiên bản nháp mới."
    )
    with pytest.raises(CriteriaSetLocked):
        delete_draft(criteria_set=retired)
    with pytest.raises(CriteriaSetLocked):
        publish(criteria_set=retired)
    assert snapshot() == before


# Drafts and new versions ---------------------------------------------------------------


def test_a_new_draft_version_copies_the_content_and_can_be_edited_and_published(shipped):
    original = shipped["CDHT", 1]
    original_spec = load_spec(criteria_set=original)
    original_published_at = original.published_at

    draft = create_draft_version(criteria_set=original)
    # Numbered after the highest version of the code (v2 exists), not after the source.
    assert (draft.code, draft.version, draft.status) == ("CDHT", 3, "draft")
    assert draft.derived_from_id == original.pk
    assert draft.published_at is None
    assert load_spec(criteria_set=draft) == replace(original_spec, version=3, status="draft")

    # The draft can be rewritten as often as needed; it stays the same row.
    cd03 = original_spec.indicators[2]
    bands = [dict(b) for b in cd03.rules[0].params["bands"]]
    bands[2]["points"] = 7
    edited = replace(
        original_spec,
        version=3,
        status="draft",
        title=Label("Công dân học tập (sửa đổi)", "Learning Citizen (revised)"),
        indicators=(
            *original_spec.indicators[:2],
            replace(cd03, rules=(Rule("bands", cd03.rules[0].question, {"bands": bands}),)),
            *original_spec.indicators[3:],
        ),
    )
    saved = save_spec(spec=edited)
    assert saved.pk == draft.pk
    saved.refresh_from_db()
    assert saved.derived_from_id == original.pk
    assert load_spec(criteria_set=saved) == edited

    published = publish(criteria_set=saved)
    published.refresh_from_db()
    assert published.status == "published"
    assert published.published_at is not None
    assert load_spec(criteria_set=published) == replace(edited, status="published")

    # The source version is untouched.
    original.refresh_from_db()
    assert original.status == "published"
    assert original.published_at == original_published_at
    assert load_spec(criteria_set=original) == original_spec
    assert [
        (v, s)
        for v, s in m.CriteriaSet.objects.filter(code="CDHT")
        .order_by("version")
        .values_list("version", "status")
    ] == [(1, "published"), (2, "published"), (3, "published")]


def test_a_new_version_can_be_made_from_a_retired_version(shipped):
    retired = retire(criteria_set=shipped["GDHT", 1])
    draft = create_draft_version(criteria_set=retired)
    assert (draft.code, draft.version, draft.status) == ("GDHT", 2, "draft")
    assert load_spec(criteria_set=draft) == replace(
        shipped_spec("gdht-2015.yaml"), version=2, status="draft"
    )


def test_a_draft_can_be_deleted_with_all_its_rows(shipped):
    before = counts()
    draft = create_draft_version(criteria_set=shipped["CDHT", 2])
    assert counts() != before
    delete_draft(criteria_set=draft)
    assert counts() == before
    assert not m.CriteriaSet.objects.filter(code="CDHT", version=3).exists()


def test_publish_refuses_a_draft_that_does_not_validate(db):
    draft = save_spec(spec=build_citizen_spec())
    assert draft.status == "draft"
    # A bad row written below the services: CD03's bands rule now reads a text question.
    m.Question.objects.filter(criteria_set=draft, code="sessions").update(type="text")
    with pytest.raises(CriteriaSetInvalid) as caught:
        publish(criteria_set=draft)
    assert caught.value.problems == [
        Problem(
            None,
            None,
            "indicators[CD03].rules[1].question",
            "Quy tắc “bands” dùng cho câu hỏi loại integer, decimal; “sessions” là câu hỏi "
            "loại text",
            "Rule type “bands” works on integer, decimal questions; “sessions” is a text question",
        )
    ]
    assert caught.value.problems[0].location("vi") == ("Mục 'indicators[CD03].rules[1].question'")
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert draft.published_at is None


def test_a_draft_can_be_replaced_by_saving_the_same_version_again(db):
    spec = build_citizen_spec()
    first = save_spec(spec=spec)
    before = counts()
    shorter = replace(spec, local_choices=(), title=Label("Bản nháp 2", "Draft 2"))
    second = save_spec(spec=shorter)
    assert second.pk == first.pk
    assert counts() == before  # the content is replaced, not added to
    assert load_spec(criteria_set=second) == shorter


# Retiring --------------------------------------------------------------------------------


def test_only_a_published_version_can_be_retired(db):
    draft = save_spec(spec=build_citizen_spec())
    with pytest.raises(CriteriaSetLocked) as caught:
        retire(criteria_set=draft)
    assert str(caught.value) == ONLY_PUBLISHED_RETIRE
    draft.refresh_from_db()
    assert draft.status == "draft"

    published = publish(criteria_set=draft)
    spec = load_spec(criteria_set=published)
    retired = retire(criteria_set=published)
    retired.refresh_from_db()
    assert retired.status == "retired"
    assert load_spec(criteria_set=retired) == replace(spec, status="retired")

    with pytest.raises(CriteriaSetLocked) as caught:
        retire(criteria_set=retired)
    assert str(caught.value) == ONLY_PUBLISHED_RETIRE
    retired.refresh_from_db()
    assert retired.status == "retired"


def test_a_spec_saved_as_retired_is_stored_published_then_retired(db):
    spec = replace(build_household_spec(), status="retired")
    criteria_set = save_spec(spec=spec)
    assert criteria_set.status == "retired"
    assert criteria_set.published_at is not None
    assert load_spec(criteria_set=criteria_set) == spec


# Selectors -------------------------------------------------------------------------------


def test_find_version_prefers_the_latest_published_version(shipped):
    assert find_version(code="CDHT") == shipped["CDHT", 2]
    draft = create_draft_version(criteria_set=shipped["CDHT", 2])
    assert find_version(code="CDHT") == shipped["CDHT", 2]  # a newer draft is not chosen
    assert find_version(code="CDHT", version=3) == draft
    assert find_version(code="CDHT", version=9) is None
    assert find_version(code="NOPE") is None
    draft_only = save_spec(spec=build_citizen_spec())
    assert find_version(code="TEST-CD") == draft_only  # no published version: the latest


def test_spec_of_caches_published_specs(shipped, django_assert_num_queries):
    criteria_set = m.CriteriaSet.objects.get(code="CDHT", version=1)
    first = spec_of(criteria_set=criteria_set)
    assert first == shipped_spec("cdht-2020.yaml")
    with django_assert_num_queries(0):
        second = spec_of(criteria_set=criteria_set)
    assert second is first
    # Another object for the same row is served from the cache too.
    again = m.CriteriaSet.objects.get(pk=criteria_set.pk)
    with django_assert_num_queries(0):
        assert spec_of(criteria_set=again) is first


def test_spec_of_does_not_cache_drafts(db, django_assert_num_queries):
    draft = save_spec(spec=build_citizen_spec())
    first = spec_of(criteria_set=draft)
    with django_assert_num_queries(LOAD_QUERIES):
        second = spec_of(criteria_set=draft)
    assert second == first
    assert second is not first
    # An edit of the draft shows at once.
    renamed = replace(build_citizen_spec(), title=Label("Đổi tên", "Renamed"))
    save_spec(spec=renamed)
    assert spec_of(criteria_set=draft) == renamed


def test_spec_of_gives_a_retired_version_its_retired_status(shipped):
    criteria_set = shipped["GDHT", 1]
    assert spec_of(criteria_set=criteria_set).status == "published"
    retire(criteria_set=criteria_set)
    assert spec_of(criteria_set=criteria_set) == replace(
        shipped_spec("gdht-2015.yaml"), status="retired"
    )


def test_spec_of_never_serves_another_sets_spec_under_a_reused_id(db):
    # SQLite hands out the id of a rolled-back (or deleted) row again; the cache must not.
    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        gone = save_spec(spec=build_household_spec())
        assert spec_of(criteria_set=gone).code == "TEST-GD"
        raise Rollback
    other = save_spec(spec=replace(build_citizen_spec(), status="published"))
    assert spec_of(criteria_set=other) == load_spec(criteria_set=other)
    assert spec_of(criteria_set=other).code == "TEST-CD"


# Constraints below the services ----------------------------------------------------------


def header(**fields) -> dict:
    values = {
        "code": "X",
        "version": 1,
        "subject": "citizen",
        "title_vi": "Thử",
        "total_points": Decimal(100),
        "min_total": Decimal(80),
    }
    return values | fields


def test_a_code_and_version_are_stored_once(db):
    m.CriteriaSet.objects.create(**header())
    with pytest.raises(IntegrityError), transaction.atomic():
        m.CriteriaSet.objects.create(**header(title_vi="Bản khác"))
    assert list(m.CriteriaSet.objects.values_list("code", "version", "title_vi")) == [
        ("X", 1, "Thử")
    ]


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"status": "archived"}, id="status_unknown"),
        pytest.param({"min_total": Decimal("100.01")}, id="min_total_above_total"),
        pytest.param({"status": "published", "published_at": None}, id="published_without_date"),
    ],
)
def test_the_database_refuses_an_impossible_header(db, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        m.CriteriaSet.objects.create(**header(**fields))
    assert counts() == EMPTY


def test_the_database_refuses_an_impossible_age_range_and_unknown_question_type(db):
    criteria_set = m.CriteriaSet.objects.create(**header())
    with pytest.raises(IntegrityError), transaction.atomic():
        m.TargetGroup.objects.create(
            criteria_set=criteria_set, position=0, code="g", label_vi="G", min_age=30, max_age=20
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        m.Question.objects.create(
            criteria_set=criteria_set, position=0, code="q", level="member", type="number"
        )
    assert counts() == EMPTY | {"sets": 1}
