"""Target groups read across sets through their ``same_as`` data."""

from __future__ import annotations

from dataclasses import replace

from criteria.groups import group_mapping
from criteria.spec import CriteriaSpec, Label, TargetGroup
from tests.criteria.conftest import build_citizen_spec


def groups(*items: tuple[str, tuple[str, ...]]) -> CriteriaSpec:
    return replace(
        build_citizen_spec(),
        target_groups=tuple(
            TargetGroup(code=code, label=Label(code), same_as=same) for code, same in items
        ),
    )


def test_a_group_maps_where_the_target_set_declares_it_the_same():
    old = groups(("nong_dan", ()), ("can_bo", ()))
    new = groups(("cu_dan", ("nong_dan",)), ("can_bo", ()))

    assert group_mapping(source=old, target=new) == {"nong_dan": "cu_dan"}


def test_a_group_maps_where_the_source_set_declares_it_the_same():
    old = groups(("nong_dan", ("cu_dan",)), ("hoc_sinh", ()))
    new = groups(("cu_dan", ()), ("nguoi_lao_dong", ()))

    # hoc_sinh has no counterpart: it keeps its code (and is not assessed under ``new``).
    assert group_mapping(source=old, target=new) == {"nong_dan": "cu_dan"}


def test_groups_both_sets_have_are_kept_and_nothing_is_guessed():
    old = groups(("can_bo", ("can_bo_dn",)), ("cong_nhan", ()))
    new = groups(("can_bo", ()), ("can_bo_dn", ()), ("nguoi_lao_dong", ()))

    assert group_mapping(source=old, target=new) == {}
