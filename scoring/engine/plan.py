"""A criteria set compiled once into a ``ScoringPlan`` (cached), ready for a tight loop."""

from __future__ import annotations

import hashlib
import json

from criteria.expressions import parse
from criteria.rules import RULE_TYPES
from criteria.spec import MEMBER_BUILTINS, CriteriaSpec
from scoring.engine.indicator_plan import _IndicatorPlan
from scoring.engine.inputs import MEMBER_PROFILE_BUILTINS
from scoring.engine.member_rules import _MembersRule
from scoring.engine.relevance import _relevance_steps
from scoring.engine.results import FULL, RESCALE, _both, _policy_words


class ScoringPlan:
    """A criteria set prepared for fast scoring (see ``compile_spec``). Read-only."""

    __slots__ = (
        "builtins",
        "criteria",
        "criteria_max",
        "criterion_failures",
        "criterion_memo",
        "fingerprint",
        "household_relevance",
        "indicators",
        "levels",
        "loop",
        "member_relevance",
        "min_criterion_share",
        "min_indicator",
        "min_total",
        "reviewer_questions",
        "spec",
        "subject",
        "total_failures",
        "total_points",
    )

    def unknown_entries(self, names: tuple[str, ...]) -> tuple:
        """Missing-entries for names a relevance condition needed and did not have."""
        return tuple(
            ("b", name) if name in self.builtins else ("q", name, name in self.reviewer_questions)
            for name in names
        )

    def __repr__(self) -> str:
        return f"<ScoringPlan {self.spec.code} v{self.spec.version} {self.fingerprint[:12]}>"


def spec_fingerprint(spec: CriteriaSpec) -> str:
    """A SHA-256 of the set's canonical plain form: equal content, equal fingerprint."""
    text = json.dumps(spec.to_dict(), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


_PLANS_BY_ID: dict[int, tuple[CriteriaSpec, ScoringPlan]] = {}
_PLANS_BY_FINGERPRINT: dict[str, ScoringPlan] = {}
_PLAN_LIMIT = 64


def compile_spec(spec: CriteriaSpec) -> ScoringPlan:
    """Return the (cached) scoring plan of ``spec``; raise ValueError if it cannot be scored."""
    entry = _PLANS_BY_ID.get(id(spec))
    if entry is not None and entry[0] is spec:
        return entry[1]
    fingerprint = spec_fingerprint(spec)
    plan = _PLANS_BY_FINGERPRINT.get(fingerprint)
    if plan is None:
        plan = _build_plan(spec, fingerprint)
        if len(_PLANS_BY_FINGERPRINT) >= _PLAN_LIMIT:
            _PLANS_BY_FINGERPRINT.clear()
        _PLANS_BY_FINGERPRINT[fingerprint] = plan
    if len(_PLANS_BY_ID) >= _PLAN_LIMIT:
        _PLANS_BY_ID.clear()
    _PLANS_BY_ID[id(spec)] = (spec, plan)  # keeps spec alive, so its id is not reused
    return plan


def _build_plan(spec: CriteriaSpec, fingerprint: str) -> ScoringPlan:
    household = spec.subject == "household"
    questions = {q.code: q for q in spec.questions}
    builtins = set(MEMBER_BUILTINS)
    clashing = sorted(builtins & questions.keys())
    if clashing:
        raise ValueError(f"questions may not be named like built-in values: {clashing}")
    criterion_index = {c.code: n for n, c in enumerate(spec.criteria)}
    member_questions = frozenset(
        q.code for q in spec.questions if q.level == "member" and q.type != "note"
    )
    checked = frozenset(builtins) | member_questions
    groups = {
        g.code: (g.label.vi or g.code, g.label.en or g.label.vi or g.code)
        for g in spec.target_groups
    }

    needed: set[str] = set()  # questions whose relevance has to be known
    member_needed: set[str] = set()
    indicators = []
    for indicator in spec.indicators:
        if indicator.criterion not in criterion_index:
            raise ValueError(f"{indicator.code}: unknown criterion {indicator.criterion!r}")
        if indicator.when_not_applicable not in (FULL, RESCALE):
            raise ValueError(
                f"{indicator.code}: when_not_applicable must be 'full' or 'rescale', "
                f"not {indicator.when_not_applicable!r}"
            )
        rules = []
        na_details_vi, na_details_en = [], []
        for rule in indicator.rules:
            rule_type = RULE_TYPES.get(rule.type)
            if rule_type is None:
                raise ValueError(f"{indicator.code}: unknown rule type {rule.type!r}")
            params = rule.params
            if rule_type.question_types:
                question = questions.get(rule.question or "")
                if question is None:
                    raise ValueError(f"{indicator.code}: unknown question {rule.question!r}")
                if household and question.level == "member":
                    raise ValueError(
                        f"{indicator.code}: member question {question.code!r} in a household "
                        "rule; use a members_* rule"
                    )
                needed.add(question.code)
                rules.append(
                    (
                        question.code,
                        rule_type.compile(params),
                        params,
                        question.reviewer_only,
                        None,
                    )
                )
                na_details_vi.append(f"{question.code} không áp dụng")
                na_details_en.append(f"{question.code} does not apply")
            else:
                if not household:
                    raise ValueError(
                        f"{indicator.code}: rule type {rule.type!r} is about household members "
                        "and only fits a household set"
                    )
                members_rule = _MembersRule(params, checked)
                for text in (params.get("condition"), params.get("test")):
                    if text:
                        member_needed.update(parse(str(text)).names & member_questions)
                scorer = rule_type.compile(params, members=members_rule)
                rules.append((None, scorer, params, False, members_rule))
                condition = members_rule.condition_text
                na_details_vi.append(
                    f"không có thành viên nào thoả {condition}"
                    if condition
                    else "không có thành viên phù hợp"
                )
                na_details_en.append(
                    f"no member meets {condition}" if condition else "no matching member"
                )
        plan_indicator = _IndicatorPlan()
        plan_indicator.code = indicator.code
        plan_indicator.criterion = indicator.criterion
        plan_indicator.criterion_index = criterion_index[indicator.criterion]
        plan_indicator.max_points = float(indicator.max_points)
        plan_indicator.policy = indicator.when_not_applicable
        plan_indicator.groups = (
            frozenset(indicator.target_groups)
            if indicator.target_groups and not household
            else None
        )
        plan_indicator.spec_groups = groups
        plan_indicator.rules = tuple(rules)
        plan_indicator.min_indicator = spec.recognition.min_indicator
        plan_indicator.scored_results = {}
        plan_indicator.missing_results = {}
        plan_indicator.na_group_results = {}
        policy_vi, policy_en = _policy_words(plan_indicator.policy, plan_indicator.max_points)
        details_vi = "; ".join(na_details_vi) or "không có quy tắc"
        details_en = "; ".join(na_details_en) or "no rule"
        plan_indicator.na_rules_result = plan_indicator.make_na(
            _both(
                f"{indicator.code}: không áp dụng ({details_vi}); {policy_vi}",
                f"{indicator.code}: not applicable ({details_en}); {policy_en}",
            )
        )
        indicators.append(plan_indicator)

    plan = ScoringPlan()
    plan.spec = spec
    plan.fingerprint = fingerprint
    plan.subject = spec.subject
    plan.total_points = float(spec.total_points)
    plan.indicators = tuple(indicators)
    plan.loop = tuple(
        (i, i.criterion_index, i.groups, i.rules, i.max_points, i.scored_results)
        for i in indicators
    )
    plan.criteria = tuple(c.code for c in spec.criteria)
    plan.criteria_max = tuple(float(c.max_points) for c in spec.criteria)
    plan.criterion_memo = tuple({} for _ in spec.criteria)
    plan.criterion_failures = {}
    plan.total_failures = {}
    recognition = spec.recognition
    plan.min_total = float(recognition.min_total)
    plan.min_indicator = recognition.min_indicator
    plan.min_criterion_share = recognition.min_criterion_share
    plan.levels = tuple(
        (level.code, float(level.min_total), level.min_indicator)
        for level in sorted(
            recognition.levels,
            key=lambda lv: (lv.min_total, lv.min_indicator or 0.0),
            reverse=True,
        )
    )
    answerable = {q.code for q in spec.questions if q.type != "note"}
    if household:
        household_questions = frozenset(
            q.code for q in spec.questions if q.level != "member" and q.type != "note"
        )
        plan.household_relevance = _relevance_steps(
            spec, needed & household_questions, household_questions
        )
        plan.member_relevance = _relevance_steps(spec, member_needed, checked, members=True)
    else:
        plan.household_relevance = ()
        plan.member_relevance = _relevance_steps(
            spec, needed, frozenset(answerable) | frozenset(MEMBER_PROFILE_BUILTINS)
        )
    plan.builtins = frozenset(MEMBER_BUILTINS)
    plan.reviewer_questions = frozenset(q.code for q in spec.questions if q.reviewer_only)
    return plan
