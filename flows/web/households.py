"""Survey pages: rounds to survey, drafts, household lists, a response and its history."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.models import Action
from audit.services import record_event
from criteria.selectors import spec_of
from flows.web.change_display import change_history
from flows.web.reviewer_scores import reviewer_form
from scoring.response_scores import listed_scores, response_scores
from survey.models import HouseholdResponse, ResponseStatus, Round
from survey.prefill import step_data_from_response
from survey.review import APPROVE, REVIEW, allowed_targets, holds
from survey.revisit import household_history
from survey.selectors import (
    draft_steps,
    entry_units,
    last_return,
    locked_units,
    may_enter,
    own_drafts,
    round_is_visible,
    rounds_for_work,
    search_responses,
    visible_responses,
)
from survey.services import SurveyError, save_draft_state, start_draft

security_log = logging.getLogger("security.scope")
SURVEY_PERMISSIONS = (
    "accounts.enter_survey_data",
    "accounts.review_survey_data",
    "accounts.approve_survey_data",
)


def _require_survey_role(user: User) -> None:
    if not any(user.has_perm(p) for p in SURVEY_PERMISSIONS):
        raise PermissionDenied


def _visible_response_or_404(request: HttpRequest, pk: int) -> HouseholdResponse:
    _require_survey_role(request.user)
    response = (
        visible_responses(user=request.user)
        .select_related("round", "household", "unit", "surveyor", "updated_by")
        .filter(pk=pk)
        .first()
    )
    if response is None:
        security_log.warning("scope refusal: user=%s response=%s", request.user.pk, pk)
        raise Http404
    return response


@login_required
def survey_home(request: HttpRequest) -> HttpResponse:
    """List the open rounds the user can survey in and their unfinished drafts."""
    _require_survey_role(request.user)
    rounds = rounds_for_work(user=request.user)
    # A surveyor's households sent back for correction, per round: the first thing to do.
    returned = dict(
        visible_responses(user=request.user)
        .filter(round__in=rounds, surveyor=request.user, status=ResponseStatus.RETURNED)
        .values_list("round_id")
        .annotate(n=Count("pk"))
    )
    drafts = list(own_drafts(user=request.user))
    reached = draft_steps(drafts=drafts, language=get_language() or "vi")
    for draft in drafts:
        draft.step_title = reached[draft.pk]
    return render(
        request,
        "survey/home.html",
        {
            "rounds": [
                (r, entry_units(user=request.user, round_=r), returned.get(r.pk, 0)) for r in rounds
            ],
            "drafts": drafts,
            "can_enter": may_enter(user=request.user),
            "reviewer": holds(user=request.user, permission=REVIEW)
            or holds(user=request.user, permission=APPROVE),
        },
    )


@require_POST
@login_required
def new_household(request: HttpRequest, code: str) -> HttpResponse:
    _require_survey_role(request.user)
    round_ = get_object_or_404(Round, code=code)
    try:
        draft = start_draft(user=request.user, round_=round_)
    except SurveyError:
        raise Http404 from None
    return redirect("survey:wizard", draft_id=draft.pk, step="household")


@login_required
def resume_draft(request: HttpRequest, draft_id) -> HttpResponse:
    draft = get_object_or_404(own_drafts(user=request.user), pk=draft_id)
    return redirect("survey:wizard", draft_id=draft.pk, step=draft.current_step or "household")


@require_POST
@login_required
def discard_draft(request: HttpRequest, draft_id) -> HttpResponse:
    draft = get_object_or_404(own_drafts(user=request.user), pk=draft_id)
    draft.delete()
    messages.info(request, _("Đã xoá bản nháp."))
    return redirect("survey:home")


@require_POST
@login_required
def edit_response(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a correction of a submitted response as a draft pre-filled with its answers."""
    response = _visible_response_or_404(request, pk)
    try:
        draft = start_draft(user=request.user, round_=response.round, response=response)
    except SurveyError as exc:
        messages.error(request, str(exc))
        return redirect("survey:response", pk=pk)
    round_ = response.round
    data = step_data_from_response(
        response=response,
        citizen=spec_of(criteria_set=round_.citizen_set),
        household=spec_of(criteria_set=round_.household_set) if round_.household_set else None,
    )
    save_draft_state(draft_id=draft.pk, data=data, current_step="household", label=draft.label)
    return redirect("survey:wizard", draft_id=draft.pk, step="household")


@login_required
def household_list(request: HttpRequest, code: str) -> HttpResponse:
    """Surveyors: their households in the round; staff: every household of their units."""
    _require_survey_role(request.user)
    round_ = get_object_or_404(Round, code=code)
    if not round_is_visible(user=request.user, round_=round_):
        # 404 as for a round that does not exist: its name and existence are not the user's.
        security_log.warning("scope refusal: user=%s round=%r", request.user.pk, code[:40])
        raise Http404
    responses = visible_responses(user=request.user).filter(round=round_)
    reviewer = request.user.has_perm("accounts.review_survey_data")
    if not reviewer:
        responses = responses.filter(surveyor=request.user)
    try:
        surveyor = int(request.GET.get("surveyor") or 0) or None
    except ValueError:
        surveyor = None
    if surveyor is not None and not 0 < surveyor < 2**63:
        surveyor = None  # SQLite cannot even compare a larger number (OverflowError, a 500)
    status = request.GET.get("status", "")
    if status not in ResponseStatus.values:
        status = ""
    responses = search_responses(
        responses=responses,
        text=request.GET.get("q", "")[:100],
        village=request.GET.get("village", "")[:120],
        status=status,
        surveyor=surveyor if reviewer else None,
    )
    responses = responses.select_related("unit", "surveyor").annotate(n_members=Count("members"))
    page = Paginator(responses.order_by("unit__name", "village", "head_name"), 50).get_page(
        request.GET.get("page")
    )
    ids = [r.pk for r in page]
    scores = listed_scores(round_=round_, response_ids=ids)
    rows = [
        {
            "response": r,
            "recognised": list(scores.recognised.get(r.pk, (0, 0))),
            "household": scores.households.get(r.pk),
        }
        for r in page
    ]
    villages = (
        visible_responses(user=request.user)
        .filter(round=round_)
        .values_list("village", flat=True)
        .distinct()
        .order_by("village")
    )
    surveyors = (
        User.objects.filter(
            pk__in=visible_responses(user=request.user).filter(round=round_).values("surveyor")
        )
        if reviewer
        else User.objects.none()
    )
    record_event(
        action=Action.VIEW_PERSONAL,
        user=request.user,
        summary=f"{round_.code}: {len(rows)}",
        round_code=round_.code,
        object_type="household_list",
        details={
            "page": "survey:households",
            "filters": {k: request.GET.get(k, "") for k in ("q", "village", "status", "surveyor")},
            "responses": ids,
        },
    )
    return render(
        request,
        "survey/household_list.html",
        {
            "round": round_,
            "rows": rows,
            "can_verify": holds(user=request.user, permission=REVIEW),
            "can_approve": holds(user=request.user, permission=APPROVE),
            "query": _filter_query(request),
            "page": page,
            "reviewer": reviewer,
            "villages": villages,
            "surveyors": surveyors,
            "statuses": ResponseStatus.choices,
            "filters": request.GET,
        },
    )


def _filter_query(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@login_required
def response_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a response: household, members with answers and scores, and its history."""
    response = _visible_response_or_404(request, pk)
    round_ = response.round
    citizen = spec_of(criteria_set=round_.citizen_set)
    household_spec = spec_of(criteria_set=round_.household_set) if round_.household_set else None
    language = get_language() or "vi"
    questions = {q.code: q for q in citizen.questions}
    if household_spec:
        questions.update({q.code: q for q in household_spec.questions})
    stored = response_scores(response=response)
    scores, household_score = stored.members, stored.household
    members = [
        {
            "member": m,
            "answers": [(questions.get(c), c, v) for c, v in m.answers.items()],
            "score": scores.get(m.pk),
            "indicators": _indicator_rows(citizen, scores.get(m.pk)),
        }
        for m in response.members.all()
    ]
    lock = locked_units(round_=round_, unit_keys=[response.unit_id]).get(response.unit_id)
    can_edit = (
        lock is None
        and response.status != ResponseStatus.APPROVED
        and response.unit_id in {u.key for u in entry_units(user=request.user, round_=round_)}
    )
    targets = allowed_targets(user=request.user, response=response)
    record_event(
        action=Action.VIEW_PERSONAL,
        user=request.user,
        summary=f"{response.household.code}: {response.head_name}",
        unit_id=response.unit_id,
        round_code=round_.code,
        object_type="household_response",
        object_id=response.pk,
        details={"page": "survey:response"},
    )
    return render(
        request,
        "survey/response_detail.html",
        {
            "response": response,
            "members": members,
            "household_answers": [(questions.get(c), c, v) for c, v in response.answers.items()],
            "household_score": household_score,
            "household_indicators": _indicator_rows(household_spec, household_score)
            if household_spec
            else [],
            "changes": change_history(
                response=response,
                specs=[citizen, household_spec] if household_spec else [citizen],
                language=language,
            ),
            "history": household_history(response=response, user=request.user),
            "transitions": response.transitions.select_related("by"),
            "returned": last_return(response=response),
            "lock": lock,
            "can_edit": can_edit,
            "can_verify": ResponseStatus.VERIFIED in targets,
            "can_return": ResponseStatus.RETURNED in targets,
            "can_approve": ResponseStatus.APPROVED in targets,
            "score_form": reviewer_form(request=request, response=response)
            if lock is None
            else None,
            "language": language,
            "citizen": citizen,
        },
    )


def _indicator_rows(spec, score) -> list[dict]:
    if score is None:
        return []
    rows = []
    for index, indicator in enumerate(spec.indicators):
        bit = 1 << index
        if score.na_mask & bit:
            status = "na"
        elif score.missing_mask & bit:
            status = "missing"
        else:
            status = "scored"
        rows.append(
            {
                "indicator": indicator,
                "points": getattr(score, f"p{index + 1:02d}"),
                "status": status,
            }
        )
    return rows
