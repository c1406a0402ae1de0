"""Report pages: overview, unit drill-down, indicators, what would change, comparison.

Every page needs ``accounts.view_reports`` and shows only the units of
``accounts.selectors.visible_units``: a unit, household or member outside the
user's scope answers 404, whether it comes from the path or a GET parameter.
Names, birth years and ethnicity of individuals appear only for users with
``accounts.view_personal_data`` (the committee never sees them). Every figure
comes from ``scoring.aggregation.summarise_round``, the code path of the
``round_summary`` command and of the exports. Pages are read-only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.selectors import get_visible_unit_or_404, sees_everything, visible_units
from audit.models import Action
from audit.services import record_event
from criteria.groups import GROUP_EQUIVALENTS
from criteria.models import CriteriaSet
from criteria.selectors import spec_of
from scoring.aggregation import (
    BREAKDOWNS,
    HIERARCHIES,
    LEVELS,
    REGROUP_DAY,
    AggregationError,
    AreaFigures,
    RoundSummary,
    area_map,
    summarise_round,
)
from scoring.compute import age_band
from scoring.definitions import ADULT_MIN_AGE, COUNTED_STATUSES
from scoring.models import POINT_COLUMNS, HouseholdScore, MemberScore, ScoredResponse, ScoringRun
from scoring.selectors import (
    RunNotFound,
    citizen_runs,
    compare_runs,
    criteria_version,
    household_page,
    household_run_for,
    run_label,
    run_of_round,
    run_under_version,
    trace_member,
)
from scoring.stats import compare_proportions
from survey.models import HouseholdResponse, MemberResponse, ResponseStatus, Round, RoundUnit
from survey.reference import ETHNIC_NAMES, SEXES
from units.models import AdminUnit

security_log = logging.getLogger("security.scope")

REPORTS = "accounts.view_reports"
PERSONAL = "accounts.view_personal_data"
HOUSEHOLDS_PER_PAGE = 50
MAX_COMPARED = 6
CHART_MEASURES = ("adults", "rate", "cadres", "digital", "households")


def reports_view(view: Callable) -> Callable:
    """Login and the report permission (403 without it), then the view."""

    @wraps(view)
    @login_required
    @permission_required(REPORTS, raise_exception=True)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return view(request, *args, **kwargs)

    return wrapped


# Scope and parameters ----------------------------------------------------------------------


def _scope(request: HttpRequest) -> set[str] | None:
    """The unit keys the user may see (None: everything)."""
    if sees_everything(user=request.user):
        return None
    cached = getattr(request, "_report_scope", None)
    if cached is None:
        cached = set(visible_units(user=request.user).values_list("key", flat=True))
        request._report_scope = cached
    return cached


def _visible_rounds(request: HttpRequest) -> list[Round]:
    rounds = Round.objects.select_related("citizen_set", "household_set").order_by(
        "-starts_on", "code"
    )
    scope = _scope(request)
    if scope is not None:
        ids = RoundUnit.objects.filter(unit_id__in=scope).values_list("round_id", flat=True)
        rounds = rounds.filter(pk__in=ids)
    return list(rounds)


def _round_or_404(request: HttpRequest, code: str) -> Round:
    round_ = Round.objects.select_related("citizen_set", "household_set").filter(code=code).first()
    if round_ is None:
        raise Http404
    scope = _scope(request)
    if scope is not None and not RoundUnit.objects.filter(round=round_, unit_id__in=scope).exists():
        security_log.warning(
            "scope refusal: user=%s round=%r", getattr(request.user, "pk", None), code[:40]
        )
        raise Http404
    return round_


def _choice(request: HttpRequest, name: str, allowed: tuple[str, ...], default: str) -> str:
    value = request.GET.get(name, default)
    return value if value in allowed else default


def _run_param(request: HttpRequest, round_: Round, name: str = "run") -> ScoringRun | None:
    """The citizen run named by a GET parameter (404 if it is not the round's), else primary."""
    raw = request.GET.get(name, "")
    if not raw:
        return run_of_round(round_=round_, run_id=None)
    try:
        run_id = int(raw)
    except ValueError as exc:
        raise Http404 from exc
    run = run_of_round(round_=round_, run_id=run_id)
    if run is None:
        raise Http404
    return run


def _personal(request: HttpRequest) -> bool:
    return request.user.has_perm(PERSONAL)


# Which responses the figures include: a choice on every page, stated on every page.
INCLUDED = {
    "approved": ((ResponseStatus.APPROVED.value,), "chỉ các hộ đã được phê duyệt"),
    "all": (COUNTED_STATUSES, "các hộ đã gửi, đã kiểm tra và đã phê duyệt"),
}
INCLUDED_CHOICES = (
    ("approved", "Chỉ số liệu đã phê duyệt"),
    ("all", "Đã gửi, đã kiểm tra và đã phê duyệt"),
)
STAFF_PERMISSIONS = ("accounts.review_survey_data", "accounts.approve_survey_data")


@dataclass(frozen=True)
class Included:
    choice: str
    statuses: tuple[str, ...]
    label: str
    pending: int  # households in scope the choice leaves out that "all" would count
    options: tuple[tuple[str, str], ...]
    keep: tuple[tuple[str, str], ...]  # the page's other GET parameters, for the form


def _included_choice(request: HttpRequest) -> str:
    """Approved-only by default for the committee; everything counted for staff."""
    staff = any(request.user.has_perm(p) for p in STAFF_PERMISSIONS)
    return _choice(request, "include", tuple(INCLUDED), "all" if staff else "approved")


def _included(
    request: HttpRequest, rounds: list[Round], unit_keys: Collection[str] | None = None
) -> Included:
    """The page's choice, its statuses and how many households it leaves out.

    ``unit_keys``: the communes the page covers (None: every commune the user may see).
    """
    choice = _included_choice(request)
    statuses, label = INCLUDED[choice]
    hidden = set(COUNTED_STATUSES) - set(statuses)
    pending = 0
    if hidden and rounds:
        responses = HouseholdResponse.objects.filter(round__in=rounds, status__in=hidden)
        keys = unit_keys if unit_keys is not None else _scope(request)
        if keys is not None:
            responses = responses.filter(unit_id__in=list(keys))
        pending = responses.count()
    keep = tuple(
        (key, value)
        for key, values in request.GET.lists()
        if key not in ("include", "page")
        for value in values
    )
    return Included(
        choice=choice,
        statuses=tuple(statuses),
        label=_(label),
        pending=pending,
        options=tuple((value, _(text)) for value, text in INCLUDED_CHOICES),
        keep=keep,
    )


def _query(request: HttpRequest, **changes) -> str:
    """The current GET parameters with some changed (for links that keep the view)."""
    params = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


def _hierarchy_of(round_: Round, unit: AdminUnit) -> str | None:
    """A unit valid when the round started is read on the round's hierarchy; a later one
    (from 2025-07-01) gathers its predecessors' communes."""
    if unit.is_valid_on(round_.starts_on):
        return "round"
    if unit.is_valid_on(REGROUP_DAY):
        return "2025"
    return None


def _area_communes(
    request: HttpRequest, round_: Round, unit: AdminUnit, hierarchy: str
) -> tuple[set[str], set[str]]:
    """The round's communes in ``unit`` on the hierarchy, and those the user may see."""
    planned = set(RoundUnit.objects.filter(round=round_).values_list("unit_id", flat=True))
    mapping = area_map(communes=planned, level=unit.level, hierarchy=hierarchy)
    inside = {commune for commune, (key, _name, _level) in mapping.items() if key == unit.key}
    scope = _scope(request)
    return inside, inside if scope is None else inside & scope


def _summary_for_unit(
    request: HttpRequest,
    round_: Round,
    run: ScoringRun | None,
    unit: AdminUnit,
    breakdown: str | tuple[str, ...] = "none",
    by_level: str | None = None,
    statuses: Collection[str] = COUNTED_STATUSES,
) -> RoundSummary | None:
    """The summary of one area (see ``_hierarchy_of``), or None if the round has no data
    the user may see there.

    ``by_level``: the summary's areas are the unit's parts at that level, and its total is
    the unit (None: the one area is the unit).
    """
    hierarchy = _hierarchy_of(round_, unit)
    if hierarchy is None:
        return None
    try:
        if by_level is None:
            summary = summarise_round(
                round_=round_,
                run=run,
                level=unit.level,
                hierarchy=hierarchy,
                breakdown=breakdown,
                unit_keys=_scope(request),
                areas=[unit.key],
                statuses=statuses,
            )
            return summary if summary.areas else None
        if hierarchy == "2025" and by_level == "district":
            by_level = "commune"  # no districts from 2025-07-01
        _inside, visible = _area_communes(request, round_, unit, hierarchy)
        if not visible:
            return None
        summary = summarise_round(
            round_=round_,
            run=run,
            level=by_level,
            hierarchy=hierarchy,
            breakdown=breakdown,
            unit_keys=visible,
            statuses=statuses,
        )
        return summary if summary.areas else None
    except AggregationError:
        return None


def _record_personal_view(
    request: HttpRequest,
    *,
    round_: Round,
    unit_key: str | None,
    object_type: str,
    object_id: str | int,
    details: dict,
) -> None:
    """Write the audit entry of a page that shows names, birth years or ethnicity."""
    record_event(
        action=Action.VIEW_PERSONAL,
        user=request.user,
        summary=f"{round_.code}: {details.get('page', '')}",
        unit_id=unit_key,
        round_code=round_.code,
        object_type=object_type,
        object_id=object_id,
        details=details,
    )


# Charts ---------------------------------------------------------------------------------------


def _measure(figures: AreaFigures, measure: str):
    return {
        "rate": figures.rate,
        "adults": figures.adults,
        "cadres": figures.cadres,
        "digital": figures.digital,
        "households": figures.household_rate,
    }[measure]


MEASURE_LABELS = {
    "rate": "Tỷ lệ đạt danh hiệu Công dân học tập",
    "adults": "Người từ 15 tuổi đạt danh hiệu Công dân học tập (QĐ 677)",
    "cadres": "Cán bộ, công chức, viên chức đạt danh hiệu (QĐ 677)",
    "digital": "Người đạt danh hiệu có kỹ năng số đáp ứng yêu cầu (QĐ 677)",
    "households": "Hộ đạt danh hiệu Gia đình học tập (QĐ 387)",
}
MEASURE_TARGETS = {
    "adults": "adults_recognised",
    "cadres": "cadres_recognised",
    "digital": "digital_skills",
    "households": "households_recognised",
}


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 2)


def _area_chart(summary: RoundSummary, measure: str) -> dict:
    """A bar per area with its 95% interval, and the target lines (2025, 2030)."""
    labels, values, lows, highs = [], [], [], []
    for figures in summary.areas:
        share = _measure(figures, measure)
        labels.append(figures.area.name)
        values.append(_percent(share.rate) if share else None)
        lows.append(_percent(share.low) if share else None)
        highs.append(_percent(share.high) if share else None)
    lines = []
    target = summary.targets.get(MEASURE_TARGETS.get(measure, ""), (None, None))
    for year, value in zip((2025, 2030), target, strict=True):
        if value is not None:
            lines.append({"label": _("Mục tiêu %(year)s") % {"year": year}, "value": value})
    return {
        "kind": "bars",
        "title": _(MEASURE_LABELS[measure]),
        "labels": labels,
        "series": [
            {"label": _("Tỷ lệ (%)"), "values": values, "low": lows, "high": highs},
        ],
        "targets": lines,
        "unit": "%",
        "max": 100,
    }


# Pages ------------------------------------------------------------------------------------------


@reports_view
def index(request: HttpRequest) -> HttpResponse:
    rounds = _visible_rounds(request)
    runs: dict[int, int] = {}
    for run in ScoringRun.objects.filter(round__in=rounds, complete=True, based_on__isnull=True):
        runs[run.round_id] = runs.get(run.round_id, 0) + 1
    return render(
        request,
        "scoring/index.html",
        {"rounds": [(r, runs.get(r.pk, 0)) for r in rounds], "included": _included(request, [])},
    )


@reports_view
def overview(request: HttpRequest, round_code: str) -> HttpResponse:
    """The round by area: coverage, rates with intervals, the national targets, a chart."""
    round_ = _round_or_404(request, round_code)
    run = _run_param(request, round_)
    level = _choice(request, "level", LEVELS, "commune")
    hierarchy = _choice(request, "hierarchy", HIERARCHIES, "round")
    breakdown = _choice(request, "breakdown", BREAKDOWNS, "none")
    measure = _choice(request, "measure", CHART_MEASURES, "adults")
    included = _included(request, [round_])
    error = None
    summary = None
    try:
        summary = summarise_round(
            round_=round_,
            run=run,
            level=level,
            hierarchy=hierarchy,
            breakdown=breakdown,
            unit_keys=_scope(request),
            statuses=included.statuses,
        )
    except AggregationError as exc:
        error = str(exc)
    context = {
        "round": round_,
        "run": run,
        "runs": [(r, run_label(r)) for r in citizen_runs(round_=round_)],
        "summary": summary,
        "included": included,
        "error": error,
        "level": level,
        "hierarchy": hierarchy,
        "breakdown": breakdown,
        "measure": measure,
        "levels": LEVEL_CHOICES,
        "hierarchies": HIERARCHY_CHOICES,
        "breakdowns": BREAKDOWN_CHOICES,
        "measures": [(m, _(MEASURE_LABELS[m])) for m in CHART_MEASURES],
        "chart": _area_chart(summary, measure) if summary and summary.areas else None,
        "chart_rows": [(f.area, _measure(f, measure)) for f in summary.areas] if summary else [],
        "breakdown_label": _(BREAKDOWN_LABELS[breakdown]).lower(),
        "definitions": summary.definitions if summary else None,
        "adult_age": ADULT_MIN_AGE,
        "hierarchy_2025": hierarchy == "2025",
    }
    return render(request, "scoring/overview.html", context, status=400 if error else 200)


LEVEL_CHOICES = (("commune", "Xã/phường"), ("district", "Huyện/thành phố"), ("province", "Tỉnh"))
HIERARCHY_CHOICES = (
    ("round", "Đơn vị hành chính lúc khảo sát"),
    ("2025", "Đơn vị hành chính từ 01/07/2025"),
)
BREAKDOWN_CHOICES = (
    ("none", "Không chia nhóm"),
    ("target_group", "Nhóm đối tượng"),
    ("sex", "Giới tính"),
    ("age_band", "Nhóm tuổi"),
    ("ethnicity", "Dân tộc"),
)
BREAKDOWN_LABELS = dict(BREAKDOWN_CHOICES)


@reports_view
def unit_report(request: HttpRequest, round_code: str, key: str) -> HttpResponse:
    """One area: its figures by group and indicator, its sub-areas and its households."""
    round_ = _round_or_404(request, round_code)
    unit = get_visible_unit_or_404(user=request.user, unit_key=key)
    run = _run_param(request, round_)
    dimensions = ("target_group", "sex", "age_band", "ethnicity")
    # One summary at the level below gives the unit's parts and, as its total, the unit.
    child_level = {"province": "district", "district": "commune"}.get(unit.level)
    statuses = INCLUDED[_included_choice(request)][0]
    summary = _summary_for_unit(
        request, round_, run, unit, breakdown=dimensions, by_level=child_level, statuses=statuses
    )
    if summary is None:
        raise Http404
    children = summary if child_level is not None else None
    figures = summary.total if child_level is not None else summary.areas[0]
    if child_level is not None:
        inside, visible = _area_communes(request, round_, unit, summary.hierarchy)
        area = replace(
            figures.area,
            key=unit.key,
            name=unit.name,
            level=unit.level,
            partial=bool(inside - visible),
        )
        figures = replace(figures, area=area)
    page_number = request.GET.get("page", "1")
    try:
        page_number = max(1, int(page_number))
    except ValueError:
        page_number = 1
    total, rows = household_page(
        round_=round_,
        unit_keys=figures.area.communes,
        statuses=summary.statuses,
        household_run=summary.household_run,
        citizen_run=summary.run,
        offset=(page_number - 1) * HOUSEHOLDS_PER_PAGE,
        limit=HOUSEHOLDS_PER_PAGE,
        counts=summary.households_by_commune,
    )
    personal = _personal(request)
    if not personal:
        for row in rows:
            row["head_name"] = row["village"] = None
    elif rows:
        _record_personal_view(
            request,
            round_=round_,
            unit_key=unit.key,
            object_type="household_list",
            object_id="",
            details={"page": "scoring:unit", "responses": [row["id"] for row in rows]},
        )
    pages = Paginator(range(total), HOUSEHOLDS_PER_PAGE)
    page = pages.get_page(page_number)
    context = {
        "round": round_,
        "unit": unit,
        "run": summary.run,
        "runs": [(r, run_label(r)) for r in citizen_runs(round_=round_)],
        "summary": summary,
        "included": _included(request, [round_], figures.area.communes),
        "figures": figures,
        "breakdowns": [
            (dimension, BREAKDOWN_LABELS[dimension], figures.breakdowns.get(dimension, ()))
            for dimension in dimensions
        ],
        "children": children,
        "households": rows,
        "households_total": total,
        "page": page,
        "personal": personal,
        "query": _query(request, page=None),
        "hierarchy_2025": summary.hierarchy == "2025",
        "adult_age": ADULT_MIN_AGE,
        "definitions": summary.definitions,
    }
    return render(request, "scoring/unit.html", context)


def _group_labels(round_: Round) -> dict[str, str]:
    """Target group code -> label, as the round's citizen set words it."""
    spec = spec_of(criteria_set=round_.citizen_set)
    return {g.code: g.label.vi for g in spec.target_groups}


def _indicator_rows(spec, score) -> list[dict]:
    rows = []
    for index, indicator in enumerate(spec.indicators):
        bit = 1 << index
        status = "scored"
        if score is None:
            status = "none"
        elif score.na_mask & bit:
            status = "na"
        elif score.missing_mask & bit:
            status = "missing"
        rows.append(
            {
                "code": indicator.code,
                "label": indicator.label.vi,
                "max": indicator.max_points,
                "points": getattr(score, POINT_COLUMNS[index]) if score else None,
                "status": status,
            }
        )
    return rows


@reports_view
def household_report(request: HttpRequest, round_code: str, pk: int) -> HttpResponse:
    """A household: its members' results and its household result (stored rows)."""
    round_ = _round_or_404(request, round_code)
    response = get_object_or_404(
        HouseholdResponse.objects.select_related("household", "unit"), pk=pk, round=round_
    )
    get_visible_unit_or_404(user=request.user, unit_key=response.unit_id)
    run = _run_param(request, round_)
    household_run = household_run_for(run=run) if run else None
    scores = (
        {s.member_id: s for s in MemberScore.objects.filter(run=run, response=response)}
        if run
        else {}
    )
    household_score = (
        HouseholdScore.objects.filter(run=household_run, response=response).first()
        if household_run
        else None
    )
    scored = ScoredResponse.objects.filter(run=run, response=response).first() if run else None
    personal = _personal(request)
    if personal:
        _record_personal_view(
            request,
            round_=round_,
            unit_key=response.unit_id,
            object_type="household_response",
            object_id=response.pk,
            details={"page": "scoring:household"},
        )
    groups = _group_labels(round_)
    members = []
    for member in response.members.order_by("position"):
        score = scores.get(member.pk)
        members.append(
            {
                "pk": member.pk,
                "position": member.position,
                "name": member.full_name if personal else None,
                "birth_year": member.birth_year if personal else None,
                "age": member.age if personal else None,
                "age_band": age_band(member.age),
                "ethnicity": ETHNIC_NAMES.get(member.ethnicity, "") if personal else None,
                "sex": dict(SEXES).get(member.sex, member.sex),
                "target_group": groups.get(member.target_group, member.target_group),
                "score": score,
            }
        )
    context = {
        "round": round_,
        "response": response,
        "run": run,
        "household_run": household_run,
        "members": members,
        "household_score": household_score,
        "household_indicators": (
            _indicator_rows(spec_of(criteria_set=household_run.criteria_set), household_score)
            if household_run
            else []
        ),
        "stale": scored is not None and scored.revision != response.revision,
        "personal": personal,
        "status_label": dict(ResponseStatus.choices).get(response.status, response.status),
    }
    return render(request, "scoring/household.html", context)


@reports_view
def member_report(request: HttpRequest, round_code: str, pk: int) -> HttpResponse:
    """A member: for each indicator, the answers behind its points and how the rules read them."""
    round_ = _round_or_404(request, round_code)
    member = get_object_or_404(
        MemberResponse.objects.select_related("response", "response__unit"),
        pk=pk,
        response__round=round_,
    )
    get_visible_unit_or_404(user=request.user, unit_key=member.response.unit_id)
    run = _run_param(request, round_)
    trace = trace_member(member=member, run=run) if run else None
    personal = _personal(request)
    if personal:
        _record_personal_view(
            request,
            round_=round_,
            unit_key=member.response.unit_id,
            object_type="member_response",
            object_id=member.pk,
            details={"page": "scoring:member", "response": member.response_id},
        )
    context = {
        "round": round_,
        "member": member,
        "response": member.response,
        "run": run,
        "trace": trace,
        "personal": personal,
        "name": member.full_name if personal else None,
        "birth_year": member.birth_year if personal else None,
        "ethnicity": ETHNIC_NAMES.get(member.ethnicity, "") if personal else None,
        "age_band": age_band(member.age),
        "sex": dict(SEXES).get(member.sex, member.sex),
        "target_group": _group_labels(round_).get(member.target_group, member.target_group),
    }
    return render(request, "scoring/member.html", context)


@reports_view
def indicators_report(request: HttpRequest, round_code: str) -> HttpResponse:
    """Which indicators hold the areas back: the share at the minimum, per area and indicator."""
    round_ = _round_or_404(request, round_code)
    run = _run_param(request, round_)
    level = _choice(request, "level", LEVELS, "commune")
    hierarchy = _choice(request, "hierarchy", HIERARCHIES, "round")
    included = _included(request, [round_])
    error = None
    summary = None
    try:
        summary = summarise_round(
            round_=round_,
            run=run,
            level=level,
            hierarchy=hierarchy,
            unit_keys=_scope(request),
            statuses=included.statuses,
        )
    except AggregationError as exc:
        error = str(exc)
    rows, weakest_counts, chart = [], {}, None
    if summary is not None:
        for figures in summary.areas:
            judged = [i for i in figures.indicators if i.at_min is not None and i.at_min.n]
            weakest = min(judged, key=lambda i: (i.at_min.rate, i.mean or 0), default=None)
            if weakest is not None:
                weakest_counts[weakest.code] = weakest_counts.get(weakest.code, 0) + 1
            rows.append((figures, weakest.code if weakest else None))
        total = [i for i in summary.total.indicators if i.at_min is not None]
        chart = {
            "kind": "hbars",
            "title": _("Tỷ lệ dưới điểm tối thiểu của chỉ số (toàn bộ)"),
            "labels": [i.code for i in total],
            "series": [
                {
                    "label": _("Dưới mức tối thiểu (%)"),
                    "values": [
                        _percent(1 - i.at_min.rate) if i.at_min.rate is not None else None
                        for i in total
                    ],
                }
            ],
            "targets": [],
            "unit": "%",
            "max": 100,
        }
    context = {
        "round": round_,
        "run": run,
        "runs": [(r, run_label(r)) for r in citizen_runs(round_=round_)],
        "summary": summary,
        "rows": rows,
        "included": included,
        "weakest_counts": weakest_counts,
        "chart": chart,
        "error": error,
        "level": level,
        "hierarchy": hierarchy,
        "levels": LEVEL_CHOICES,
        "hierarchies": HIERARCHY_CHOICES,
    }
    return render(request, "scoring/indicators.html", context, status=400 if error else 200)


@reports_view
def changes_report(request: HttpRequest, round_code: str) -> HttpResponse:
    """What would change under another version: status changes per commune, and on which
    indicators, between the round's run and a rescore."""
    round_ = _round_or_404(request, round_code)
    base = _run_param(request, round_)
    other = None
    missing_version = None
    version_text = request.GET.get("criteria", "").strip()
    if request.GET.get("other"):
        other = _run_param(request, round_, "other")
    elif version_text:
        try:
            version = criteria_version(text=version_text)
        except ValueError as exc:
            raise Http404 from exc
        try:
            other = run_under_version(round_=round_, criteria_set=version)
        except RunNotFound:
            missing_version = version
    scope = _scope(request)
    communes = set(RoundUnit.objects.filter(round=round_).values_list("unit_id", flat=True))
    if base is not None:
        communes |= set(
            ScoredResponse.objects.filter(run=base).values_list("unit_id", flat=True).distinct()
        )
    visible = communes if scope is None else communes & scope
    names = dict(AdminUnit.objects.filter(key__in=visible).values_list("key", "name"))
    included = _included(request, [round_], visible)
    member_rows = household_rows = []
    shared: list[str] = []
    household_shared: list[str] = []
    if base is not None and other is not None and other.pk != base.pk:
        member_rows, shared = compare_runs(
            base=base, other=other, unit_keys=visible, statuses=included.statuses
        )
        base_household, other_household = household_run_for(run=base), household_run_for(run=other)
        if base_household and other_household:
            household_rows, household_shared = compare_runs(
                base=base_household,
                other=other_household,
                unit_keys=visible,
                statuses=included.statuses,
            )
    versions = CriteriaSet.objects.filter(
        subject=CriteriaSet.Subject.CITIZEN, status=CriteriaSet.Status.PUBLISHED
    ).order_by("code", "version")
    context = {
        "round": round_,
        "base": base,
        "other": other,
        "runs": [(r, run_label(r)) for r in citizen_runs(round_=round_)],
        "versions": [
            (f"{v.code}:{v.version}", f"{v.code} v{v.version} – {v.title_vi}") for v in versions
        ],
        "version_text": version_text,
        "included": included,
        "missing_version": missing_version,
        "member_rows": [(names.get(r.unit_id, r.unit_id), r) for r in member_rows],
        "household_rows": [(names.get(r.unit_id, r.unit_id), r) for r in household_rows],
        "member_totals": _change_totals(member_rows, shared),
        "household_totals": _change_totals(household_rows, household_shared),
        "shared": shared,
        "household_shared": household_shared,
    }
    return render(request, "scoring/changes.html", context)


def _change_totals(rows, codes) -> dict | None:
    if not rows:
        return None
    fields = ("compared", "gained", "lost", "to_undetermined", "from_undetermined", "unchanged")
    totals = {f: sum(getattr(r, f) for r in rows) for f in fields}
    totals["indicators"] = {c: sum(r.indicator_changes[c] for r in rows) for c in codes}
    return totals


# Comparison ---------------------------------------------------------------------------------


def _canonical_group(code: str) -> str:
    """The newest code of a target group, so groups of different versions line up."""
    for old, new in GROUP_EQUIVALENTS:
        if code == old:
            return new
    return code


def _area_options(request: HttpRequest, rounds: list[Round]) -> list[tuple[str, list]]:
    """Per round, the areas a user may compare: province, districts, communes, 2025 units."""
    scope = _scope(request)
    groups = []
    for round_ in rounds:
        communes = set(RoundUnit.objects.filter(round=round_).values_list("unit_id", flat=True))
        if scope is not None:
            communes &= scope
        options = []
        seen = set()
        for hierarchy, levels in (
            ("round", ("province", "district", "commune")),
            ("2025", ("province", "commune")),
        ):
            for level in levels:
                try:
                    summary_areas = _areas_of(communes, level, hierarchy)
                except AggregationError:
                    continue
                for key, name in summary_areas:
                    if key in seen or (scope is not None and not set(key.split("+")) <= scope):
                        continue
                    seen.add(key)
                    suffix = _(" (từ 01/07/2025)") if hierarchy == "2025" else ""
                    options.append((f"{round_.code}:{key}", f"{name}{suffix}"))
        groups.append((f"{round_.code} – {round_.name}", options))
    return groups


def _areas_of(communes: set[str], level: str, hierarchy: str) -> list[tuple[str, str]]:
    mapping = area_map(communes=communes, level=level, hierarchy=hierarchy)
    found = {key: name for key, name, _level in mapping.values()}
    return sorted(found.items(), key=lambda kv: kv[1])


@reports_view
def compare(request: HttpRequest) -> HttpResponse:
    """Two or more areas and/or rounds side by side, with the difference to the first one."""
    rounds = _visible_rounds(request)
    items_raw = [i for i in request.GET.getlist("item") if i.strip()][:MAX_COMPARED]
    version_text = request.GET.get("version", "").strip()
    version = None
    if version_text:
        try:
            version = criteria_version(text=version_text)
        except ValueError as exc:
            raise Http404 from exc
    items, problems = [], []
    for raw_item in items_raw:
        round_code, _sep, key = raw_item.partition(":")
        round_ = _round_or_404(request, round_code)
        unit = get_visible_unit_or_404(user=request.user, unit_key=key)
        run = None
        if version is not None:
            try:
                run = run_under_version(round_=round_, criteria_set=version)
            except RunNotFound:
                problems.append(
                    _(
                        "Đợt %(round)s chưa được chấm lại theo %(version)s: chạy "
                        "“manage.py rescore %(round)s --criteria %(code)s:%(number)s”."
                    )
                    % {
                        "round": round_.code,
                        "version": f"{version.code} v{version.version}",
                        "code": version.code,
                        "number": version.version,
                    }
                )
                continue
        summary = _summary_for_unit(
            request,
            round_,
            run,
            unit,
            breakdown="target_group",
            statuses=INCLUDED[_included_choice(request)][0],
        )
        if summary is None:
            raise Http404
        items.append({"round": round_, "unit": unit, "summary": summary, "raw": raw_item})
    versions = {(i["summary"].run.criteria_set_id if i["summary"].run else None) for i in items} - {
        None
    }
    mixed = len(versions) > 1
    rescored_url = None
    if mixed:
        newest = (
            CriteriaSet.objects.filter(pk__in=versions).order_by("-valid_from", "-version").first()
        )
        rescored_url = (
            reverse("scoring:compare")
            + "?"
            + urlencode(
                [("item", i["raw"]) for i in items]
                + [("version", f"{newest.code}:{newest.version}")]
            )
        )
    comparison = _comparison(items) if len(items) >= 2 else None
    context = {
        "options": _area_options(request, rounds),
        "items": items,
        "selected": items_raw,
        # The chosen areas and empty choices: four rows at least, one more while room is left.
        "slots": [*items_raw, *[""] * max(1, 4 - len(items_raw))][:MAX_COMPARED],
        "version": version,
        "version_text": version_text,
        "mixed": mixed,
        "rescored_url": rescored_url,
        "problems": problems,
        "comparison": comparison,
        "included": _included(
            request,
            [i["round"] for i in items],
            {c for i in items for f in i["summary"].areas for c in f.area.communes},
        ),
        "share_url": request.get_full_path(),
    }
    return render(request, "scoring/compare.html", context)


def _comparison(items: list[dict]) -> dict:
    """Side-by-side figures: overall, per target group, per indicator, each against item 1."""
    figures = [i["summary"].areas[0] for i in items]
    labels = [
        f"{i['summary'].areas[0].area.name} – {i['round'].code}"
        + (f" ({i['summary'].run.criteria_set.code} v{i['summary'].run.criteria_set.version})"
           if i["summary"].run else "")
        for i in items
    ]  # fmt: skip
    reference = figures[0]
    overall = []
    for label, f in zip(labels, figures, strict=True):
        overall.append(
            {
                "label": label,
                "figures": f,
                "diff": compare_proportions(reference.rate, f.rate),
                "household_diff": (
                    compare_proportions(reference.household_rate, f.household_rate)
                    if reference.household_rate and f.household_rate
                    else None
                ),
            }
        )
    groups: dict[str, dict[int, object]] = {}
    group_labels: dict[str, str] = {}
    for n, f in enumerate(figures):
        for g in f.breakdown:
            code = _canonical_group(g.value)
            groups.setdefault(code, {})[n] = g
            group_labels.setdefault(code, g.label)
    group_rows = []
    for code, by_item in groups.items():
        cells = []
        ref = by_item.get(0)
        for n in range(len(figures)):
            g = by_item.get(n)
            cells.append(
                {
                    "group": g,
                    "diff": compare_proportions(ref.rate, g.rate) if ref and g and n else None,
                }
            )
        group_rows.append({"label": group_labels[code], "cells": cells})
    codes = []
    for f in figures:
        for i in f.indicators:
            if i.code not in codes:
                codes.append(i.code)
    indicator_rows = []
    for code in codes:
        cells = []
        ref = next((i for i in reference.indicators if i.code == code), None)
        for n, f in enumerate(figures):
            i = next((x for x in f.indicators if x.code == code), None)
            diff = None
            if n and ref and i and ref.at_min is not None and i.at_min is not None:
                diff = compare_proportions(ref.at_min, i.at_min)
            cells.append({"indicator": i, "diff": diff})
        label = next((i.label for f in figures for i in f.indicators if i.code == code), code)
        indicator_rows.append({"code": code, "label": label, "cells": cells})
    chart = {
        "kind": "bars",
        "title": _("Tỷ lệ đạt danh hiệu Công dân học tập (khoảng tin cậy 95%)"),
        "labels": labels,
        "series": [
            {
                "label": _("Tỷ lệ (%)"),
                "values": [_percent(f.rate.rate) for f in figures],
                "low": [_percent(f.rate.low) for f in figures],
                "high": [_percent(f.rate.high) for f in figures],
            }
        ],
        "targets": [],
        "unit": "%",
        "max": 100,
    }
    group_chart = {
        "kind": "bars",
        "title": _("Tỷ lệ đạt theo nhóm đối tượng"),
        "labels": [row["label"] for row in group_rows],
        "series": [
            {
                "label": label,
                "values": [
                    _percent(c["group"].rate.rate) if c["group"] else None
                    for c in (row["cells"][n] for row in group_rows)
                ],
            }
            for n, label in enumerate(labels)
        ],
        "targets": [],
        "unit": "%",
        "max": 100,
    }
    return {
        "labels": labels,
        "overall": overall,
        "groups": group_rows,
        "indicators": indicator_rows,
        "chart": chart,
        "group_chart": group_chart,
    }
