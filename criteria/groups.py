"""How target groups of one criteria set read under another."""

from __future__ import annotations

from criteria.spec import CriteriaSpec

# Target groups that stand for the same people in the shipped citizen sets [assumption]: the
# pilot's farmers, workers and cadres (CDHT v1) are QĐ 324's residents of a commune, workers,
# and cadres, employees and business people (CDHT v2). Pupils have no pilot counterpart.
GROUP_EQUIVALENTS = (
    ("nong_dan", "cu_dan"),
    ("cong_nhan", "nguoi_lao_dong"),
    ("can_bo", "can_bo_dn"),
)


def group_mapping(*, source: CriteriaSpec, target: CriteriaSpec) -> dict[str, str]:
    """How members' target groups (recorded under ``source``) read under ``target``."""
    have = {g.code for g in source.target_groups}
    want = {g.code for g in target.target_groups}
    mapping = {}
    for a, b in GROUP_EQUIVALENTS:
        for old, new in ((a, b), (b, a)):
            if old in have and old not in want and new in want:
                mapping[old] = new
    return mapping
