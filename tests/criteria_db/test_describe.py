"""Scoring rules in words (criteria.describe.describe_rule), in Vietnamese and English."""

from __future__ import annotations

from functools import cache

import pytest

from criteria.describe import describe_rule
from criteria.services import load_spec
from criteria.spec import CriteriaSpec, Rule
from tests.criteria.conftest import build_citizen_spec, build_household_spec
from tests.criteria_db.conftest import shipped_spec


@cache
def spec_named(name: str) -> CriteriaSpec:
    builders = {"TEST-CD": build_citizen_spec, "TEST-GD": build_household_spec}
    if name in builders:
        return builders[name]()
    return shipped_spec(name)


def rule_of(spec: CriteriaSpec, indicator: str, index: int = 0) -> Rule:
    return next(i for i in spec.indicators if i.code == indicator).rules[index]


# (set, indicator, rule index, Vietnamese, English)
CASES = [
    pytest.param(
        "cdht-2020.yaml",
        "CD02",
        0,
        "Điểm theo lựa chọn: Chưa có kế hoạch → 0; Có dự định nhưng chưa ghi thành kế hoạch → 4; "
        "Có kế hoạch bằng văn bản → 7; Có kế hoạch bằng văn bản và đã thực hiện phần lớn → 10",
        "Points per option: No plan → 0; Intentions, not written down → 4; A written plan → 7; "
        "A written plan, mostly carried out → 10",
        id="choice_points",
    ),
    pytest.param(
        "gdht-2015.yaml",
        "GD08",
        1,
        "Điện thoại thông minh → 1; Máy tính, máy tính bảng → 1; Ti vi → 1; Đài, radio → 1; "
        "Không có thiết bị nào → 0, tối đa 3",
        "Smartphone → 1; Computer or tablet → 1; TV → 1; Radio → 1; None of these → 0, at most 3",
        id="checklist_points_per_item",
    ),
    pytest.param(
        "TEST-CD",
        "CD01",
        0,
        "3 điểm mỗi mục, tối đa 10",
        "3 per ticked item, at most 10",
        id="checklist_same_points",
    ),
    pytest.param(
        "TEST-CD",
        "CD05",
        0,
        "Thư điện tử → 4; Ngân hàng số → 3,5; Dịch vụ công → 2,5, tối đa 10",
        "E-mail → 4; Mobile banking → 3.5; Public services → 2.5, at most 10",
        id="checklist_decimal_points",
    ),
    pytest.param(
        "cdht-2020.yaml",
        "CD03",
        0,
        "Theo khoảng: 0 → 0; 1–2 → 5; 3–5 → 8; ≥ 6 → 10",
        "Bands: 0 → 0; 1–2 → 5; 3–5 → 8; ≥ 6 → 10",
        id="bands",
    ),
    pytest.param(
        "cdht-2020.yaml",
        "CD09",
        0,
        "Có → 4, khác → 0",
        "Yes → 4, otherwise 0",
        id="yes_no",
    ),
    pytest.param(
        "cdht-2020.yaml",
        "CD04",
        1,
        "Người kiểm tra chấm 0–2 theo minh chứng",
        "Scored 0–2 by the reviewer from evidence",
        id="reviewer_score",
    ),
    pytest.param(
        "gdht-2015.yaml",
        "GD01",
        0,
        "10 điểm nếu mọi thành viên có ${age} >= 6 and ${age} <= 14 đều thoả "
        "${attends_school} = 'yes'",
        "10 if all members with ${age} >= 6 and ${age} <= 14 satisfy ${attends_school} = 'yes'",
        id="members_all",
    ),
    pytest.param(
        "TEST-GD",
        "GD02",
        0,
        "4 điểm nếu có ít nhất một thành viên thoả ${recognised} = 1",
        "4 if at least one member satisfies ${recognised} = 1",
        id="members_any_without_condition",
    ),
    pytest.param(
        "TEST-GD",
        "GD02",
        1,
        "Số thành viên có ${age} >= 6 thoả ${reads_weekly} = 'yes', theo khoảng: "
        "0 → 0; 1 → 3; ≥ 2 → 6",
        "Number of members with ${age} >= 6 who satisfy ${reads_weekly} = 'yes', bands: "
        "0 → 0; 1 → 3; ≥ 2 → 6",
        id="members_count",
    ),
    pytest.param(
        "gdht-2015.yaml",
        "GD09",
        0,
        "10 × tỷ lệ thành viên có ${age} >= 15 thoả ${recognised} = 1",
        "10 × share of members with ${age} >= 15 who satisfy ${recognised} = 1",
        id="members_share",
    ),
]


@pytest.mark.parametrize(("set_name", "indicator", "index", "vi", "en"), CASES)
def test_each_rule_type_in_both_languages(set_name, indicator, index, vi, en):
    spec = spec_named(set_name)
    rule = rule_of(spec, indicator, index)
    assert describe_rule(rule=rule, spec=spec, language="vi") == vi
    assert describe_rule(rule=rule, spec=spec, language="en") == en
    assert describe_rule(rule=rule, spec=spec, language="en-gb") == en
    assert describe_rule(rule=rule, spec=spec) == vi


# Rules written here, for wordings the shipped sets do not use.
EXTRA = [
    pytest.param(
        Rule("yes_no", "has_certificate", {"points": 2.5, "yes": "no", "no_points": 1}),
        "Không → 2,5, khác → 1",
        "No → 2.5, otherwise 1",
        id="yes_no_other_choice",
    ),
    pytest.param(
        Rule("members_all", None, {"test": "${reads_weekly} = 'yes'", "points": 5}),
        "5 điểm nếu mọi thành viên đều thoả ${reads_weekly} = 'yes'",
        "5 if all members satisfy ${reads_weekly} = 'yes'",
        id="members_all_without_condition",
    ),
    pytest.param(
        Rule(
            "members_any",
            None,
            {"condition": "${age} >= 15", "test": "${recognised} = 1", "points": 2},
        ),
        "2 điểm nếu có ít nhất một thành viên có ${age} >= 15 thoả ${recognised} = 1",
        "2 if at least one member with ${age} >= 15 satisfies ${recognised} = 1",
        id="members_any_with_condition",
    ),
    pytest.param(
        Rule("members_share", None, {"test": "${learning_contents} >= 1", "points": 7.5}),
        "7,5 × tỷ lệ thành viên thoả ${learning_contents} >= 1",
        "7.5 × share of members who satisfy ${learning_contents} >= 1",
        id="members_share_without_condition",
    ),
    pytest.param(
        Rule("members_count", None, {"bands": [{"min": 1, "max": 3, "points": 2}]}),
        "Số thành viên, theo khoảng: 1–3 → 2",
        "Number of members, bands: 1–3 → 2",
        id="members_count_everyone",
    ),
    pytest.param(
        Rule("bands", "sessions", {"bands": [{"min": 0.5, "max": 1.5, "points": 2.5}]}),
        "Theo khoảng: 0,5–1,5 → 2,5",
        "Bands: 0.5–1.5 → 2.5",
        id="bands_with_decimals",
    ),
    pytest.param(
        Rule("not_registered", "sessions", {}),
        "not_registered",
        "not_registered",
        id="unknown_type_named_as_is",
    ),
]


@pytest.mark.parametrize(("rule", "vi", "en"), EXTRA)
def test_other_wordings(rule, vi, en):
    spec = build_citizen_spec()
    assert describe_rule(rule=rule, spec=spec, language="vi") == vi
    assert describe_rule(rule=rule, spec=spec, language="en") == en


def test_a_stored_set_is_described_exactly_like_its_file(shipped):
    # PostgreSQL stores the points maps in its own key order; the description must not change.
    for filename, key in (("cdht-2020.yaml", ("CDHT", 1)), ("gdht-2015.yaml", ("GDHT", 1))):
        original = shipped_spec(filename)
        stored = load_spec(criteria_set=shipped[key])
        for language in ("vi", "en"):
            assert [
                describe_rule(rule=r, spec=stored, language=language)
                for i in stored.indicators
                for r in i.rules
            ] == [
                describe_rule(rule=r, spec=original, language=language)
                for i in original.indicators
                for r in i.rules
            ]
