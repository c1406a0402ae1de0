"""Pages to revisit households of earlier rounds: find them, start a revisit draft."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from flows.web.households import _require_survey_role
from survey.models import Round
from survey.revisit import revisit_candidates, start_revisit
from survey.selectors import entry_units, search_responses, visible_responses
from survey.services import AlreadySurveyed, SurveyError

security_log = logging.getLogger("security.scope")


def _entry_round_or_404(request: HttpRequest, code: str) -> Round:
    """Return an open round in which the user has communes to survey, or 404."""
    _require_survey_role(request.user)
    round_ = get_object_or_404(Round, code=code)
    if not entry_units(user=request.user, round_=round_):
        raise Http404
    return round_


@login_required
def revisit_search(request: HttpRequest, code: str) -> HttpResponse:
    """List households of earlier rounds in the user's communes of this round."""
    round_ = _entry_round_or_404(request, code)
    candidates = revisit_candidates(user=request.user, round_=round_)
    found = search_responses(
        responses=candidates,
        text=request.GET.get("q", "")[:100],
        village=request.GET.get("village", "")[:120],
    )
    page = Paginator(found.order_by("unit__name", "village", "head_name", "pk"), 50).get_page(
        request.GET.get("page")
    )
    rows = list(page)
    openable = set(
        visible_responses(user=request.user)
        .filter(pk__in=[r.in_round_id for r in rows if r.in_round_id])
        .values_list("pk", flat=True)
    )
    villages = candidates.order_by().values_list("village", flat=True).distinct()
    return render(
        request,
        "survey/revisit_search.html",
        {
            "round": round_,
            "rows": [{"previous": r, "openable": r.in_round_id in openable} for r in rows],
            "page": page,
            "villages": sorted(set(villages)),
            "filters": request.GET,
        },
    )


@require_POST
@login_required
def revisit_start(request: HttpRequest, code: str, household_id: int) -> HttpResponse:
    """Start (or resume) a revisit draft of a household found by ``revisit_search``."""
    round_ = _entry_round_or_404(request, code)
    previous = (
        revisit_candidates(user=request.user, round_=round_)
        .filter(household_id=household_id)
        .first()
    )
    if previous is None:
        security_log.warning(
            "scope refusal: user=%s revisit household=%s round=%s",
            request.user.pk,
            household_id,
            round_.code,
        )
        raise Http404
    try:
        draft = start_revisit(user=request.user, round_=round_, household=previous.household)
    except AlreadySurveyed as exc:
        messages.warning(request, str(exc))
        if visible_responses(user=request.user).filter(pk=exc.response.pk).exists():
            return redirect("survey:response", pk=exc.response.pk)
        return redirect("survey:revisit", code=round_.code)
    except SurveyError as exc:
        messages.error(request, str(exc))
        return redirect("survey:revisit", code=round_.code)
    return redirect("survey:wizard", draft_id=draft.pk, step=draft.current_step or "household")
