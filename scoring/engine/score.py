"""Scoring a member or a household with a plan: indicators, criteria, total, decision."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from numbers import Number
from typing import Any

from criteria.spec import CriteriaSpec
from scoring.engine.inputs import MemberContext, MemberProfile
from scoring.engine.plan import ScoringPlan, compile_spec
from scoring.engine.relevance import _blank_irrelevant, _member_gaps, _Members
from scoring.engine.results import (
    _MEMO_LIMIT,
    FULL,
    CriterionResult,
    HouseholdResult,
    MemberResult,
    Reason,
    _both,
    _fmt,
    _make_result,
    round_half_up,
)


def _score(
    plan: ScoringPlan,
    values: dict[str, Any],
    irrelevant: Mapping[str, tuple[str, ...]],
    group: str | None,
    members: _Members | None,
    cls: type,
) -> Any:
    """Steps 3–11 of the method: each indicator, then criteria, total and decision."""
    results = []
    append = results.append
    count = len(plan.criteria)
    criterion_points = [0.0] * count
    criterion_out = [0.0] * count
    criterion_judged = [False] * count
    raw = 0.0
    left_out = 0.0
    complete = True
    lowest = None  # the fewest points of a scored indicator (rounding keeps the order)
    missing_reasons = None  # the reasons of missing indicators, in indicator order
    low_reasons = None  # the reasons of scored indicators below the minimum
    for indicator, index, groups, rules, max_points, scored_results in plan.loop:
        if groups is not None and group not in groups:
            result = indicator.na_group_results.get(group)
            if result is None:
                result = indicator.make_na_group(group)
            append(result)
            if indicator.policy == FULL:
                raw += max_points
                criterion_points[index] += max_points
            else:
                left_out += max_points
                criterion_out[index] += max_points
            continue
        total = 0.0
        applicable = False
        missing = None
        for question, score, params, reviewer, members_rule in rules:
            if members_rule is None:
                if question in irrelevant:
                    unknown = irrelevant[question]
                    if unknown:  # whether it applies depends on answers that are missing
                        missing = (missing or ()) + plan.unknown_entries(unknown)
                    continue
                value = values.get(question)
                if not value:
                    if not isinstance(value, Number):
                        missing = (missing or ()) + (("q", question, reviewer),)
                        continue
                elif value.__class__ is float and value != value:  # NaN
                    missing = (missing or ()) + (("q", question, reviewer),)
                    continue
                points = score(params, value, values)
            else:
                gaps = _member_gaps(members_rule, members)
                if gaps:
                    missing = (missing or ()) + gaps
                    continue
                points = score(params, None, members.context_for(members_rule))
            if points is not None:
                applicable = True
                total += points
        if missing is not None:
            result = indicator.missing_results.get(missing)
            if result is None:
                result = indicator.make_missing(missing)
            append(result)
            complete = False
            criterion_judged[index] = True
            if missing_reasons is None:
                missing_reasons = list(result.reasons)
            else:
                missing_reasons.extend(result.reasons)
        elif applicable:
            if total > max_points:
                total = max_points
            result = scored_results.get(total)
            if result is None:
                result = indicator.make_scored(total)
            append(result)
            raw += total
            criterion_points[index] += total
            criterion_judged[index] = True
            if lowest is None or total < lowest:
                lowest = total
            if result.reasons:
                if low_reasons is None:
                    low_reasons = list(result.reasons)
                else:
                    low_reasons.extend(result.reasons)
        else:
            append(indicator.na_rules_result)
            if indicator.policy == FULL:
                raw += max_points
                criterion_points[index] += max_points
            else:
                left_out += max_points
                criterion_out[index] += max_points

    criteria = _criteria(plan, criterion_points, criterion_out)
    raw_total = raw if raw.is_integer() else round_half_up(raw)
    nothing_applies = False
    if left_out:
        rescaled = True
        remaining = plan.total_points - left_out
        if remaining > 0:
            total = round_half_up(raw * plan.total_points / remaining)
        else:
            total = 0.0
            nothing_applies = True
    else:
        rescaled = False
        total = raw_total

    reasons: list[Reason] | None = None
    level = None
    if not complete:
        recognised = None
        reasons = missing_reasons
        if low_reasons:
            reasons.extend(low_reasons)
    elif nothing_applies:
        recognised = False
        reasons = [_both("Không có chỉ số nào áp dụng", "No indicator applies")]
    else:
        if total < plan.min_total:
            reasons = [_total_failure(plan, total)]
        if plan.min_criterion_share is not None:
            for n, criterion in enumerate(criteria):
                if criterion_judged[n]:
                    reason = _criterion_failure(plan, criterion)
                    if reason is not None:
                        reasons = reasons or []
                        reasons.append(reason)
        if low_reasons:
            if reasons:
                reasons.extend(low_reasons)
            else:
                reasons = low_reasons
        recognised = not reasons
        if recognised and plan.levels:
            level = _level(plan, total, lowest)
    if reasons:
        reasons_vi = tuple([r.vi for r in reasons])
        reasons_en = tuple([r.en for r in reasons])
    else:
        reasons_vi = reasons_en = ()
    return _make_result(
        cls,
        tuple(results),
        criteria,
        total,
        raw_total,
        rescaled,
        complete,
        recognised,
        level,
        reasons_vi,
        reasons_en,
    )


def _criteria(plan: ScoringPlan, points: list[float], out: list[float]) -> tuple:
    """The criterion results for these sums (memoised per criterion: few sums occur)."""
    made = []
    for n, memo in enumerate(plan.criterion_memo):
        key = (points[n], out[n])
        one = memo.get(key)
        if one is None:
            one = CriterionResult(
                plan.criteria[n],
                round_half_up(points[n]),
                plan.criteria_max[n],
                plan.criteria_max[n] - out[n],
            )
            if len(memo) >= _MEMO_LIMIT:
                memo.clear()
            memo[key] = one
        made.append(one)
    return tuple(made)


def _criterion_failure(plan: ScoringPlan, criterion: CriterionResult) -> Reason | None:
    """The reason a criterion is under its share, or None (memoised)."""
    try:
        return plan.criterion_failures[criterion]
    except KeyError:
        pass
    share = plan.min_criterion_share
    threshold = round_half_up(share * criterion.counted_max)
    reason = None
    if criterion.points < threshold:
        percent = share * 100
        reason = _both(
            f"{criterion.code}: {_fmt(criterion.points, 'vi')} < {_fmt(threshold, 'vi')} "
            f"({_fmt(percent, 'vi')}% của {_fmt(criterion.counted_max, 'vi')})",
            f"{criterion.code}: {_fmt(criterion.points, 'en')} < {_fmt(threshold, 'en')} "
            f"({_fmt(percent, 'en')}% of {_fmt(criterion.counted_max, 'en')})",
        )
    if len(plan.criterion_failures) >= _MEMO_LIMIT:
        plan.criterion_failures.clear()
    plan.criterion_failures[criterion] = reason
    return reason


def _total_failure(plan: ScoringPlan, total: float) -> Reason:
    reason = plan.total_failures.get(total)
    if reason is None:
        reason = _both(
            f"Tổng điểm {_fmt(total, 'vi')} < {_fmt(plan.min_total, 'vi')}",
            f"Total {_fmt(total, 'en')} < {_fmt(plan.min_total, 'en')}",
        )
        if len(plan.total_failures) >= _MEMO_LIMIT:
            plan.total_failures.clear()
        plan.total_failures[total] = reason
    return reason


def _level(plan: ScoringPlan, total: float, lowest: float | None) -> str | None:
    """The highest level reached; ``lowest`` is the fewest points of a scored indicator."""
    lowest_rounded = None if lowest is None else round_half_up(lowest)
    for code, min_total, min_indicator in plan.levels:
        if total < min_total:
            continue
        if (
            min_indicator is not None
            and lowest_rounded is not None
            and lowest_rounded < min_indicator
        ):
            continue
        return code
    return None


def score_member_with(
    plan: ScoringPlan, profile: MemberProfile, answers: Mapping[str, Any]
) -> MemberResult:
    """Score one citizen with a compiled plan (the bulk entry point)."""
    if plan.subject == "household":
        raise ValueError(f"{plan.spec.code} is a household set; use score_household")
    values = dict(answers)
    values["age"] = profile.age
    group = values["target_group"] = profile.target_group
    values["sex"] = profile.sex
    irrelevant = _blank_irrelevant(plan.member_relevance, values)
    return _score(plan, values, irrelevant, group, None, MemberResult)


def score_member(
    *, spec: CriteriaSpec, profile: MemberProfile, answers: Mapping[str, Any]
) -> MemberResult:
    """Score one citizen against a citizen criteria set (see docs/scoring-method.md)."""
    return score_member_with(compile_spec(spec), profile, answers)


def score_household_with(
    plan: ScoringPlan, answers: Mapping[str, Any], members: Sequence[MemberContext]
) -> HouseholdResult:
    """Score one household with a compiled plan."""
    if plan.subject != "household":
        raise ValueError(f"{plan.spec.code} is not a household set; use score_member")
    values = dict(answers)
    irrelevant = _blank_irrelevant(plan.household_relevance, values)
    member_values = []
    member_irrelevant = []
    for member in members:
        member_dict = member.values()
        member_irrelevant.append(_blank_irrelevant(plan.member_relevance, member_dict))
        member_values.append(member_dict)
    context = _Members(member_values, member_irrelevant, [m.assessed for m in members])
    return _score(plan, values, irrelevant, None, context, HouseholdResult)


def score_household(
    *,
    spec: CriteriaSpec,
    answers: Mapping[str, Any],
    members: Sequence[MemberContext],
) -> HouseholdResult:
    """Score one household against a household criteria set (see docs/scoring-method.md)."""
    return score_household_with(compile_spec(spec), answers, members)
