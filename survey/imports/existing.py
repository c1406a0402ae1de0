"""The households of a file against those already in the round: new, corrected or refused.

The web form's duplicate rule (same commune, village, head and address), or the same
submission (its instance UUID), finds a household already there; a correction keeps
each member's identity, and an unchanged household is left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from survey.imports.problems import Problem
from survey.imports.rows import ParsedHousehold
from survey.models import HouseholdResponse, ResponseStatus, Round
from survey.services import Submission
from survey.shape import MEMBER_FIELDS
from units.text import name_key

PROFILE_DEFAULTS = ("ethnicity", "education", "relationship")


def _identity(unit: str, village: str, head_name: str, address: str) -> tuple[str, ...]:
    """The web form's duplicate rule (survey.selectors.find_duplicates), as a key."""
    return (unit, name_key(village), name_key(head_name), name_key(address))


def plan_households(
    *, round_: Round, parsed: Sequence[ParsedHousehold], update: bool
) -> tuple[
    list[tuple[Submission, Any]], list[tuple[HouseholdResponse, Submission]], int, list[Problem]
]:
    """Split the file's households into new ones and corrections; report duplicates."""
    problems: list[Problem] = []
    existing = HouseholdResponse.objects.filter(
        round=round_, unit_id__in={h.submission.unit for h in parsed}
    ).only("id", "unit_id", "village", "head_name", "address", "source_draft", "status")
    by_identity: dict[tuple[str, ...], list[HouseholdResponse]] = {}
    by_source = {}
    for response in existing:
        identity = _identity(
            response.unit_id, response.village, response.head_name, response.address
        )
        by_identity.setdefault(identity, []).append(response)
        if response.source_draft:
            by_source[response.source_draft] = response
    extra_sources = [h.source for h in parsed if h.source and h.source not in by_source]
    if extra_sources:  # the same submission imported into a unit the file now names differently
        for response in HouseholdResponse.objects.filter(source_draft__in=extra_sources):
            by_source[response.source_draft] = response
    new: list[tuple[Submission, Any]] = []
    matched: list[tuple[ParsedHousehold, HouseholdResponse]] = []
    seen: dict[tuple[str, ...], ParsedHousehold] = {}
    for household in parsed:
        submission = household.submission
        identity = _identity(
            submission.unit, submission.village, submission.head_name, submission.address
        )
        first = seen.get(identity)
        if first is not None:
            problems.append(
                _problem(
                    household,
                    f"Hộ {submission.head_name} ({submission.village}) trùng với hộ ở dòng "
                    f"{first.row}: cùng xã, thôn, chủ hộ và địa chỉ",
                    f"Household {submission.head_name} ({submission.village}) is the same as "
                    f"the household on row {first.row}: same commune, village, head and address",
                )
            )
            continue
        seen[identity] = household
        found = by_source.get(household.source) if household.source else None
        if found is not None and found.round_id != round_.pk:
            problems.append(
                _problem(
                    household,
                    "Phiếu này đã được nhập vào một đợt khảo sát khác",
                    "This submission was already imported into another round",
                )
            )
            continue
        candidates = [found] if found else by_identity.get(identity, [])
        if not candidates:
            new.append((submission, household.source))
            continue
        if not update:
            problems.append(
                _problem(
                    household,
                    f"Hộ {submission.head_name} ({submission.village}) đã có trong đợt khảo "
                    "sát này (cùng xã, thôn, chủ hộ và địa chỉ, hoặc cùng phiếu); không nhập "
                    "lại. Để cập nhật hộ đã có, hãy chọn “Cập nhật hộ đã có” (--update)",
                    f"Household {submission.head_name} ({submission.village}) already exists "
                    "in this round (same commune, village, head and address, or the same "
                    "submission); it is not imported again. To update existing households, "
                    "choose “Update existing households” (--update)",
                )
            )
            continue
        if len(candidates) > 1:
            problems.append(
                _problem(
                    household,
                    f"Có {len(candidates)} phiếu của hộ {submission.head_name} trong đợt này; "
                    "không biết cập nhật phiếu nào, hãy sửa trên web",
                    f"There are {len(candidates)} responses for household "
                    f"{submission.head_name} in this round; which to update is unclear, "
                    "correct it on the web",
                )
            )
            continue
        if candidates[0].status == ResponseStatus.APPROVED:
            problems.append(
                _problem(
                    household,
                    "Phiếu đã được phê duyệt, không thể sửa.",
                    "The response is approved and cannot be changed.",
                )
            )
            continue
        matched.append((household, candidates[0]))
    corrections, unchanged = _corrections(matched)
    return new, corrections, unchanged, problems


def _problem(household: ParsedHousehold, vi: str, en: str) -> Problem:
    return Problem(household.sheet, household.row, household.key_column, vi, en)


def _corrections(
    matched: Sequence[tuple[ParsedHousehold, HouseholdResponse]],
) -> tuple[list[tuple[HouseholdResponse, Submission]], int]:
    """Keep each member's identity; leave out households whose data is unchanged."""
    if not matched:
        return [], 0
    responses = {
        r.pk: r
        for r in HouseholdResponse.objects.filter(pk__in=[r.pk for _, r in matched])
        .select_related("round")
        .prefetch_related("members")
    }
    corrections = []
    unchanged = 0
    for household, stub in matched:
        response = responses[stub.pk]
        submission = _with_person_ids(household.submission, list(response.members.all()))
        if _same(response, submission):
            unchanged += 1
        else:
            corrections.append((response, submission))
    return corrections, unchanged


def _with_person_ids(submission: Submission, members: list) -> Submission:
    """Give each member the identity of the same person (name, year of birth) in the response.

    Details the file cannot carry (an ODK form without ethnicity...) arrive empty and
    keep the value the response has.
    """
    free = list(members)
    result = []
    for member in submission.members:
        match = next(
            (
                m
                for m in free
                if name_key(m.full_name) == name_key(member["full_name"])
                and m.birth_year == member["birth_year"]
            ),
            None,
        )
        if match is not None:
            free.remove(match)
            kept = {f: getattr(match, f) for f in PROFILE_DEFAULTS if not member.get(f)}
            member = {**member, **kept, "person_id": match.person_id}
        result.append(member)
    return replace(submission, members=result)


def _same(response: HouseholdResponse, submission: Submission) -> bool:
    members = list(response.members.all())
    if (
        response.unit_id,
        response.village,
        response.address,
        response.head_name,
        response.survey_date,
        response.answers,
    ) != (
        submission.unit,
        submission.village,
        submission.address,
        submission.head_name,
        submission.survey_date,
        dict(submission.household_answers),
    ) or len(members) != len(submission.members):
        return False
    for old, new in zip(members, submission.members, strict=True):
        kept = {k: v for k, v in old.answers.items() if k in submission.kept_answers}
        if old.answers != {**kept, **new["answers"]}:
            return False
        if any(getattr(old, f) != new.get(f) for f in MEMBER_FIELDS):
            return False
    return True
