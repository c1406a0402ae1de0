"""Read-only questions about scoring runs, score rows and what a version would change."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, QuerySet

from criteria.groups import group_mapping
from criteria.models import CriteriaSet
from criteria.selectors import find_version, spec_of
from criteria.spec import CriteriaSpec
from scoring.engine import (
    MemberProfile,
    MemberResult,
    compile_spec,
    score_member_with,
)
from scoring.models import POINT_COLUMNS, HouseholdScore, MemberScore, ScoringRun
from survey.models import HouseholdResponse, MemberResponse, Round


class RunNotFound(Exception):
    """No run of the round answers the question (e.g. never rescored under that version)."""


def parse_version(text: str) -> tuple[str, int | None]:
    """Read ``CODE:VERSION`` (or ``CODE`` for the latest published version)."""
    code, _, version = text.strip().partition(":")
    if not code:
        raise ValueError("empty criteria code")
    return code, int(version) if version else None


def criteria_version(*, text: str) -> CriteriaSet:
    """The stored criteria version named ``CODE:VERSION``; ValueError if there is none."""
    code, version = parse_version(text)
    found = find_version(code=code, version=version)
    if found is None:
        raise ValueError(f"no criteria set {text!r}")
    return found


def complete_runs(*, round_: Round) -> QuerySet[ScoringRun]:
    return (
        ScoringRun.objects.filter(round=round_, complete=True)
        .select_related("criteria_set", "based_on")
        .order_by("created_at", "pk")
    )


def citizen_runs(*, round_: Round) -> list[ScoringRun]:
    """The round's complete citizen runs: the primary first, then rescores, oldest first."""
    runs = [r for r in complete_runs(round_=round_) if r.criteria_set.subject == "citizen"]
    return sorted(runs, key=lambda r: (r.kind != ScoringRun.Kind.PRIMARY, r.created_at, r.pk))


def primary_citizen_run(*, round_: Round) -> ScoringRun | None:
    return (
        ScoringRun.objects.filter(
            round=round_, criteria_set=round_.citizen_set_id, kind=ScoringRun.Kind.PRIMARY
        )
        .select_related("criteria_set")
        .first()
    )


def household_run_for(*, run: ScoringRun) -> ScoringRun | None:
    """The household run fed by a citizen run (its primary counterpart for a primary run)."""
    found = (
        ScoringRun.objects.filter(based_on=run, complete=True)
        .select_related("criteria_set")
        .order_by("-created_at", "-pk")
        .first()
    )
    if found is not None or run.kind != ScoringRun.Kind.PRIMARY:
        return found
    round_ = run.round
    if not round_.household_set_id:
        return None
    return (
        ScoringRun.objects.filter(
            round=round_, criteria_set=round_.household_set_id, kind=ScoringRun.Kind.PRIMARY
        )
        .select_related("criteria_set")
        .first()
    )


def run_of_round(*, round_: Round, run_id: int | None) -> ScoringRun | None:
    """The citizen run ``run_id`` of the round (404-worthy None if not its own), or the primary."""
    if run_id is None:
        return primary_citizen_run(round_=round_)
    return next((r for r in citizen_runs(round_=round_) if r.pk == run_id), None)


def run_under_version(*, round_: Round, criteria_set: CriteriaSet) -> ScoringRun:
    """The run of ``round_`` scored under ``criteria_set``: the primary if it is the round's
    own version, else the latest complete rescore under it; RunNotFound if none."""
    if criteria_set.pk == round_.citizen_set_id:
        run = primary_citizen_run(round_=round_)
        if run is not None:
            return run
    run = (
        ScoringRun.objects.filter(
            round=round_,
            criteria_set=criteria_set,
            kind=ScoringRun.Kind.RESCORE,
            complete=True,
            based_on__isnull=True,
        )
        .select_related("criteria_set")
        .order_by("-created_at", "-pk")
        .first()
    )
    if run is None:
        raise RunNotFound(f"{round_.code} has no run under {criteria_set}")
    return run


def run_label(run: ScoringRun) -> str:
    spec = run.criteria_set
    kind = "chấm khi nộp" if run.kind == ScoringRun.Kind.PRIMARY else f"chấm lại #{run.pk}"
    return f"{spec.code} v{spec.version} ({kind})"


# Drill-down ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TracedRule:
    question: str
    question_label: str
    answer: Any
    answer_label: str
    applies: bool
    description: str


@dataclass(frozen=True)
class TracedIndicator:
    code: str
    label: str
    criterion: str
    status: str
    points: float | None
    max_points: float
    stored_points: float | None
    rules: tuple[TracedRule, ...]
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class MemberTrace:
    """A member's result recomputed from the stored answers, next to the stored row."""

    result: MemberResult
    indicators: tuple[TracedIndicator, ...]
    stored: MemberScore | None
    matches_stored: bool


def _answer_label(spec: CriteriaSpec, question_code: str, value: Any, language: str) -> str:
    question = next((q for q in spec.questions if q.code == question_code), None)
    if value is None or value == "" or value == []:
        return "—"
    if question is None or not question.choice_list:
        return str(value)
    names = {c.name: c.label.get(language) for c in spec.choice_list(question.choice_list).choices}
    items = value if isinstance(value, (list, tuple)) else [value]
    return "; ".join(names.get(str(item), str(item)) for item in items)


def trace_member(
    *, member: MemberResponse, run: ScoringRun, language: str = "vi"
) -> MemberTrace | None:
    """Score one member again from the stored answers under ``run``'s version and say, for
    each indicator, which answers gave its points and how the rules read them."""
    from criteria.describe import describe_rule
    from scoring.compute import is_assessed

    spec = spec_of(criteria_set=run.criteria_set)
    own = spec_of(criteria_set=run.round.citizen_set)
    group = group_mapping(source=own, target=spec).get(member.target_group, member.target_group)
    if not is_assessed(spec=spec, target_group=group):
        return None
    profile = MemberProfile(target_group=group, age=member.age, sex=member.sex)
    result = score_member_with(compile_spec(spec), profile, member.answers)
    stored = MemberScore.objects.filter(run=run, member_id=member.pk).first()
    indicators = []
    for index, (indicator, outcome) in enumerate(
        zip(spec.indicators, result.indicators, strict=True)
    ):
        rules = []
        for rule in indicator.rules:
            question = next((q for q in spec.questions if q.code == rule.question), None)
            value = member.answers.get(rule.question) if rule.question else None
            rules.append(
                TracedRule(
                    question=rule.question or "",
                    question_label=question.label.get(language) if question else "",
                    answer=value,
                    answer_label=_answer_label(spec, rule.question or "", value, language),
                    applies=outcome.status != "not_applicable",
                    description=describe_rule(rule=rule, spec=spec, language=language),
                )
            )
        indicators.append(
            TracedIndicator(
                code=indicator.code,
                label=indicator.label.get(language),
                criterion=indicator.criterion,
                status=outcome.status,
                points=outcome.points,
                max_points=outcome.max_points,
                stored_points=getattr(stored, POINT_COLUMNS[index]) if stored else None,
                rules=tuple(rules),
                reasons=tuple(r.get(language) for r in outcome.reasons),
            )
        )
    matches = stored is not None and (
        stored.total == result.total
        and stored.recognised == result.recognised
        and all(
            getattr(stored, POINT_COLUMNS[i]) == (o.points if o.status == "scored" else None)
            for i, o in enumerate(result.indicators)
        )
    )
    return MemberTrace(
        result=result, indicators=tuple(indicators), stored=stored, matches_stored=matches
    )


def household_page(
    *,
    round_: Round,
    unit_keys: Collection[str],
    statuses: Collection[str],
    household_run: ScoringRun | None,
    citizen_run: ScoringRun | None,
    offset: int,
    limit: int,
    counts: Mapping[str, int] | None = None,
) -> tuple[int, list[dict]]:
    """One page of a unit's households with their household result and members recognised.

    ``counts``: households per commune when the caller knows them (the aggregates do).
    """
    responses = HouseholdResponse.objects.filter(
        round=round_, unit_id__in=list(unit_keys), status__in=list(statuses)
    )
    # Households are listed by commune, then in the order they came in. The counts per
    # commune come from the (round, unit, status) index; only the communes the page falls
    # in are read, their ids sorted here (the database would walk the whole round in id
    # order to find a page).
    if counts is None:
        counts = dict(responses.order_by().values_list("unit_id").annotate(n=Count("id")))
    else:
        counts = {k: n for k, n in counts.items() if k in set(unit_keys)}
    total = sum(counts.values())
    page_ids: list[int] = []
    skip, wanted = offset, limit
    for unit_id in sorted(counts):
        if wanted <= 0:
            break
        if skip >= counts[unit_id]:
            skip -= counts[unit_id]
            continue
        sql, params = (
            responses.filter(unit_id=unit_id).order_by().values_list("id").query.sql_with_params()
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            ids = sorted(row[0] for row in cursor.fetchall())
        taken = ids[skip : skip + wanted]
        page_ids.extend(taken)
        skip, wanted = 0, wanted - len(taken)
    order = {pk: n for n, pk in enumerate(page_ids)}
    rows = sorted(
        HouseholdResponse.objects.filter(id__in=page_ids).values(
            "id", "unit_id", "village", "head_name", "status", "household__code"
        ),
        key=lambda row: order[row["id"]],
    )
    ids = [r["id"] for r in rows]
    households = {}
    if household_run is not None and ids:
        households = {
            h["response_id"]: h
            for h in HouseholdScore.objects.filter(run=household_run, response_id__in=ids).values(
                "response_id", "total", "recognised"
            )
        }
    members: dict[int, list[int]] = {i: [0, 0, 0] for i in ids}
    if citizen_run is not None and ids:
        for response_id, recognised in MemberScore.objects.filter(
            run=citizen_run, response_id__in=ids
        ).values_list("response_id", "recognised"):
            counts = members[response_id]
            counts[0] += 1
            if recognised:
                counts[1] += 1
            elif recognised is None:
                counts[2] += 1
    for row in rows:
        row["household"] = households.get(row["id"])
        row["assessed"], row["recognised"], row["undetermined"] = members[row["id"]]
    return total, rows


# What would change -----------------------------------------------------------------------


@dataclass(frozen=True)
class StatusChanges:
    unit_id: str
    compared: int
    gained: int  # not recognised -> recognised
    lost: int  # recognised -> not recognised
    to_undetermined: int  # decided -> undetermined
    from_undetermined: int  # undetermined -> decided
    unchanged: int
    indicator_changes: dict[str, int]  # indicator code -> members whose points changed


def _null_safe_differs(left: str, right: str) -> str:
    if connection.vendor == "postgresql":
        return f"{left} IS DISTINCT FROM {right}"
    return f"{left} IS NOT {right}"


def compare_runs(
    *,
    base: ScoringRun,
    other: ScoringRun,
    unit_keys: Collection[str],
    statuses: Collection[str],
) -> tuple[list[StatusChanges], list[str]]:
    """Per commune: how many members (or households) change status between two runs of a
    round, and on which indicators their points change (matched by indicator code).

    Returns the rows and the indicator codes compared. Members are matched by their
    member row; a status is the recognised value (True, False or undetermined).
    """
    household = base.criteria_set.subject == "household"
    model = HouseholdScore if household else MemberScore
    key = "response_id" if household else "member_id"
    base_codes = [i.code for i in spec_of(criteria_set=base.criteria_set).indicators]
    other_codes = [i.code for i in spec_of(criteria_set=other.criteria_set).indicators]
    shared = [c for c in base_codes if c in other_codes]
    table = model._meta.db_table
    units = list(unit_keys)
    statuses = list(statuses)
    if not units or not statuses:
        return [], shared
    changes = ", ".join(
        "SUM(CASE WHEN {} THEN 1 ELSE 0 END)".format(
            _null_safe_differs(
                f"a.p{base_codes.index(code) + 1:02d}", f"b.p{other_codes.index(code) + 1:02d}"
            )
        )
        for code in shared
    )
    unit_marks = ", ".join(["%s"] * len(units))
    status_marks = ", ".join(["%s"] * len(statuses))
    sql = f"""
        SELECT a.unit_id, COUNT(*),
          SUM(CASE WHEN a.recognised = %s AND b.recognised = %s THEN 1 ELSE 0 END),
          SUM(CASE WHEN a.recognised = %s AND b.recognised = %s THEN 1 ELSE 0 END),
          SUM(CASE WHEN a.recognised IS NOT NULL AND b.recognised IS NULL THEN 1 ELSE 0 END),
          SUM(CASE WHEN a.recognised IS NULL AND b.recognised IS NOT NULL THEN 1 ELSE 0 END),
          SUM(CASE WHEN {_null_safe_differs("a.recognised", "b.recognised")} THEN 0 ELSE 1 END)
          {", " + changes if changes else ""}
        FROM {table} a JOIN {table} b ON b.{key} = a.{key} AND b.run_id = %s
        WHERE a.run_id = %s AND a.unit_id IN ({unit_marks}) AND a.status IN ({status_marks})
        GROUP BY a.unit_id ORDER BY a.unit_id
    """  # noqa: S608 - table and column names come from the models, values are parameters
    params = [False, True, True, False, other.pk, base.pk, *units, *statuses]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    rows = [
        StatusChanges(
            unit_id=row[0],
            compared=row[1],
            gained=row[2] or 0,
            lost=row[3] or 0,
            to_undetermined=row[4] or 0,
            from_undetermined=row[5] or 0,
            unchanged=row[6] or 0,
            indicator_changes={c: row[7 + n] or 0 for n, c in enumerate(shared)},
        )
        for row in fetched
    ]
    return rows, shared
