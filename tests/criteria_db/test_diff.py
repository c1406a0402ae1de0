"""Differences between two versions of a criteria set (criteria.diff.diff_specs)."""

from __future__ import annotations

from dataclasses import replace

from criteria.diff import Difference, diff_specs
from criteria.services import load_spec
from criteria.spec import Rule, TargetGroup
from tests.criteria_db.conftest import shipped_spec


def keyed(differences: list[Difference], section: str) -> list[tuple[str, str]]:
    return [(d.key, d.change) for d in differences if d.section == section]


def changed(differences: list[Difference], section: str, key: str) -> list[tuple]:
    return [
        (d.field, d.old, d.new)
        for d in differences
        if d.section == section and d.key == key and d.change == "changed"
    ]


def test_cdht_v1_to_v2_names_the_groups_added_and_removed():
    differences = diff_specs(old=shipped_spec("cdht-2020.yaml"), new=shipped_spec("cdht-2023.yaml"))
    assert keyed(differences, "target_groups") == [
        ("can_bo", "removed"),
        ("can_bo_dn", "added"),
        ("cong_nhan", "removed"),
        ("cu_dan", "added"),
        ("hoc_sinh", "added"),
        ("nguoi_lao_dong", "added"),
        ("nong_dan", "removed"),
    ]
    added = next(d for d in differences if d.key == "hoc_sinh")
    assert added.new == {
        "code": "hoc_sinh",
        "label": {"vi": "Học sinh, sinh viên, người học", "en": "Pupils, students and learners"},
        "min_age": 6,
        "max_age": 24,
        "cadre": False,
        "same_as": [],
    }
    assert added.old is None


def test_cdht_v1_to_v2_keeps_the_thresholds_and_the_criteria():
    differences = diff_specs(old=shipped_spec("cdht-2020.yaml"), new=shipped_spec("cdht-2023.yaml"))
    assert [d for d in differences if d.section in ("recognition", "criteria")] == []
    v1, v2 = shipped_spec("cdht-2020.yaml"), shipped_spec("cdht-2023.yaml")
    assert changed(differences, "set", "") == [
        ("description.en", v1.description.en, v2.description.en),
        ("description.vi", v1.description.vi, v2.description.vi),
        ("legal_basis", v1.legal_basis, v2.legal_basis),
        ("local_choices", list(v1.local_choices), list(v2.local_choices)),
        (
            "title.en",
            "Learning Citizen (Yên Bái pilot 2020–2021)",
            "Learning Citizen (national criteria, four target groups)",
        ),
        (
            "title.vi",
            "Công dân học tập (thí điểm Yên Bái 2020–2021)",
            "Công dân học tập (bộ tiêu chí quốc gia, bốn nhóm đối tượng)",
        ),
        ("valid_from", "2020-06-01", "2023-10-25"),
    ]


def test_cdht_v1_to_v2_lists_question_rule_and_group_changes():
    differences = diff_specs(old=shipped_spec("cdht-2020.yaml"), new=shipped_spec("cdht-2023.yaml"))
    assert [k for k in keyed(differences, "questions") if k[1] != "changed"] == [
        ("farming_improvements", "removed"),
        ("plan_made_with", "added"),
        ("production_improvements", "added"),
        ("public_services_used", "added"),
        ("school_level", "added"),
    ]
    assert [k for k in keyed(differences, "choice_lists") if k[1] != "changed"] == [
        ("plan_made_with", "added"),
        ("public_services", "added"),
        ("school_level", "added"),
    ]
    assert changed(differences, "indicators", "CD06") == [
        ("target_groups", ["can_bo"], ["can_bo_dn"])
    ]
    assert [c for c in changed(differences, "indicators", "CD07") if c[0] == "target_groups"] == [
        ("target_groups", [], ["cu_dan", "nguoi_lao_dong", "can_bo_dn"])
    ]
    # A new scoring option appears under its exact path.
    assert [c for c in changed(differences, "indicators", "CD05") if c[0].startswith("rules")] == [
        ("rules[0].params.points.safe_online", None, 2)
    ]
    assert changed(differences, "questions", "foreign_language_level")[-1] == (
        "relevant",
        "${target_group} = 'can_bo'",
        "${target_group} = 'can_bo_dn'",
    )
    # Indicators are all kept: only changes, never added or removed.
    assert {change for _, change in keyed(differences, "indicators")} == {"changed"}


def test_a_changed_band_is_one_change_with_its_exact_path():
    old = shipped_spec("cdht-2020.yaml")
    cd03 = old.indicators[2]
    bands = [dict(b) for b in cd03.rules[0].params["bands"]]
    bands[2]["points"] = 7
    new = replace(
        old,
        indicators=(
            *old.indicators[:2],
            replace(cd03, rules=(Rule("bands", "community_sessions_12m", {"bands": bands}),)),
            *old.indicators[3:],
        ),
    )
    assert diff_specs(old=old, new=new) == [
        Difference("indicators", "CD03", "changed", "rules[0].params.bands[2].points", 8, 7)
    ]


def test_a_changed_threshold_and_an_added_group_are_listed_in_order():
    old = shipped_spec("cdht-2020.yaml")
    new = replace(
        old,
        recognition=replace(old.recognition, min_total=85.0, min_indicator=6.0),
        target_groups=(*old.target_groups, TargetGroup("huu_tri", old.title, 60, None)),
    )
    assert diff_specs(old=old, new=new) == [
        Difference("recognition", "", "changed", "min_indicator", 5.0, 6.0),
        Difference("recognition", "", "changed", "min_total", 80.0, 85.0),
        Difference(
            "target_groups",
            "huu_tri",
            "added",
            new={
                "code": "huu_tri",
                "label": {
                    "vi": "Công dân học tập (thí điểm Yên Bái 2020–2021)",
                    "en": "Learning Citizen (Yên Bái pilot 2020–2021)",
                },
                "min_age": 60,
                "max_age": None,
                "cadre": False,
                "same_as": [],
            },
        ),
    ]


def test_a_version_compared_with_itself_has_no_differences():
    spec = shipped_spec("gdht-2015.yaml")
    assert diff_specs(old=spec, new=spec) == []


def test_stored_versions_compare_like_the_files(shipped):
    from_files = diff_specs(old=shipped_spec("cdht-2020.yaml"), new=shipped_spec("cdht-2023.yaml"))
    stored = diff_specs(
        old=load_spec(criteria_set=shipped["CDHT", 1]),
        new=load_spec(criteria_set=shipped["CDHT", 2]),
    )
    assert stored == from_files


def test_a_changed_local_choice_is_listed():
    old = shipped_spec("gdht-2015.yaml")
    new = replace(old, local_choices=(*old.local_choices, "GD10: thêm mức [giả định]"))
    assert diff_specs(old=old, new=new) == [
        Difference(
            "set",
            "",
            "changed",
            "local_choices",
            list(old.local_choices),
            [*old.local_choices, "GD10: thêm mức [giả định]"],
        )
    ]
