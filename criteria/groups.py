"""How target groups of one criteria set read under another.

A target group names, in ``same_as``, the groups of other sets that stand for the same
people (a reading each set states as data; see docs/criteria-format.md). Members
recorded under one set are read under another through it: in a rescore under another
version, a revisit in a round that uses another set, and the comparison of rounds.
"""

from __future__ import annotations

from criteria.spec import CriteriaSpec


def group_mapping(*, source: CriteriaSpec, target: CriteriaSpec) -> dict[str, str]:
    """How members' target groups (recorded under ``source``) read under ``target``.

    A group of ``source`` that ``target`` lacks maps to the group of ``target`` that
    either set declares the same; a group both sets have is kept as it is.
    """
    have = {g.code: g for g in source.target_groups}
    want = {g.code: g for g in target.target_groups}
    mapping = {}
    for old, group in have.items():
        if old in want:
            continue
        for new, candidate in want.items():
            if new in group.same_as or old in candidate.same_as:
                mapping[old] = new
                break
    return mapping
