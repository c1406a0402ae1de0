"""Review pages: a response's review buttons, bulk moves with confirmation, the round's
dashboard per commune and surveyor, and locking a commune. Every page checks permission
and scope (404 outside it); the services check them again."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import changeable_units
from audit.models import Action
from audit.services import record_event
from flows.review import (
    approve_response,
    bulk_transition,
    lock_unit,
    return_response,
    unlock_unit,
    verify_response,
)
from survey.errors import SurveyError
from survey.models import ResponseStatus, Round
from survey.review import ACTIONS, APPROVE, REVIEW, bulk_candidates, holds
from survey.selectors import lock_history, review_dashboard, search_responses, visible_responses

security_log = logging.getLogger("security.scope")
FILTERS = ("q", "village", "status", "surveyor")
BULK_TARGETS = {"verify": ResponseStatus.VERIFIED, "approve": ResponseStatus.APPROVED}


def _require_reviewer(user: User) -> None:
    if not (holds(user=user, permission=REVIEW) or holds(user=user, permission=APPROVE)):
        raise PermissionDenied


def _reviewable_round_or_404(request: HttpRequest, code: str) -> Round:
    """The round, if it has a commune the user may review (404 otherwise, logged)."""
    _require_reviewer(request.user)
    round_ = Round.objects.filter(code=code).first()
    if (
        round_ is None
        or not round_.round_units.filter(unit__in=changeable_units(user=request.user)).exists()
    ):
        security_log.warning("scope refusal: user=%s round=%r", request.user.pk, code[:40])
        raise Http404
    return round_


@require_POST
@login_required
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    """Verify, return (with a reason) or approve one response."""
    _require_reviewer(request.user)
    response = (
        visible_responses(user=request.user).select_related("round", "household").filter(pk=pk)
    ).first()
    if response is None:
        security_log.warning("scope refusal: user=%s response=%s", request.user.pk, pk)
        raise Http404
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        messages.error(request, _("Thao tác không hợp lệ."))
        return redirect("survey:response", pk=pk)
    try:
        if action == "verify":
            verify_response(user=request.user, response=response)
            messages.success(request, _("Đã đánh dấu phiếu là đã kiểm tra."))
        elif action == "approve":
            approve_response(user=request.user, response=response)
            messages.success(request, _("Đã phê duyệt phiếu."))
        else:
            return_response(
                user=request.user, response=response, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("Đã trả lại phiếu cho điều tra viên."))
    except SurveyError as exc:
        messages.error(request, str(exc))
        return redirect("survey:response", pk=pk)
    return redirect("survey:response", pk=pk)


def _filtered(request: HttpRequest, round_: Round, params: QueryDict) -> QuerySet:
    """The staff list's filters (q, village, status, surveyor) over the user's responses."""
    try:
        surveyor = int(params.get("surveyor") or 0) or None
    except ValueError:
        surveyor = None
    status = params.get("status", "")
    return search_responses(
        responses=visible_responses(user=request.user).filter(round=round_),
        text=params.get("q", "")[:100],
        village=params.get("village", "")[:120],
        status=status if status in ResponseStatus.values else "",
        surveyor=surveyor,
    )


@login_required
def bulk(request: HttpRequest, code: str, action: str) -> HttpResponse:
    """GET: how many of the filtered list would move; POST: move them, all or nothing."""
    round_ = _reviewable_round_or_404(request, code)
    target = BULK_TARGETS.get(action)
    if target is None:
        raise Http404
    needed = REVIEW if target == ResponseStatus.VERIFIED else APPROVE
    if not holds(user=request.user, permission=needed):
        raise PermissionDenied
    params = request.POST if request.method == "POST" else request.GET
    filters = {k: params.get(k, "") for k in FILTERS if params.get(k)}
    candidates = bulk_candidates(
        user=request.user, responses=_filtered(request, round_, params), target=target
    )
    query = QueryDict(mutable=True)
    query.update(filters)
    suffix = "?" + query.urlencode() if filters else ""
    back = reverse("survey:households", kwargs={"code": round_.code}) + suffix
    if request.method == "POST":
        try:
            expected = int(request.POST.get("expected", ""))
        except ValueError:
            expected = -1
        try:
            moved = bulk_transition(
                user=request.user,
                responses=_filtered(request, round_, params),
                target=target,
                expected=expected,
            )
        except SurveyError as exc:
            messages.error(request, str(exc))
            return redirect(request.path + suffix)
        messages.success(
            request,
            _("Đã chuyển %(n)s phiếu sang “%(status)s”.")
            % {"n": moved, "status": ResponseStatus(target).label},
        )
        return redirect(back)
    return render(
        request,
        "survey/bulk_confirm.html",
        {
            "round": round_,
            "action": action,
            "target_label": ResponseStatus(target).label,
            "count": candidates.count(),
            "examples": candidates.select_related("unit")[:20],
            "filters": filters,
            "back": back,
        },
    )


@login_required
def dashboard(request: HttpRequest, code: str) -> HttpResponse:
    """Counts by status per commune and surveyor, returned households, locks."""
    round_ = _reviewable_round_or_404(request, code)
    board = review_dashboard(user=request.user, round_=round_)
    keys = [row.unit.key for row in board.units]
    returned = list(
        visible_responses(user=request.user)
        .filter(round=round_, status=ResponseStatus.RETURNED)
        .select_related("unit", "surveyor")
        .order_by("unit__name", "village", "head_name")[:200]
    )
    if returned:  # the list names heads of households
        record_event(
            action=Action.VIEW_PERSONAL,
            user=request.user,
            summary=f"{round_.code}: {len(returned)}",
            round_code=round_.code,
            object_type="household_list",
            details={"page": "survey:review", "responses": [r.pk for r in returned]},
        )
    return render(
        request,
        "survey/review_dashboard.html",
        {
            "round": round_,
            "board": board,
            "statuses": ResponseStatus.choices,
            "returned": returned,
            "history": lock_history(round_=round_, unit_keys=keys).reverse()[:50],
            "can_lock": holds(user=request.user, permission=APPROVE),
        },
    )


def _lockable_unit_or_404(request: HttpRequest, round_: Round, key: str) -> str:
    unit = changeable_units(user=request.user).filter(key=key).first()
    if unit is None or not round_.round_units.filter(unit=unit).exists():
        security_log.warning("scope refusal: user=%s unit=%r", request.user.pk, key[:40])
        raise Http404
    return unit.key


@require_POST
@login_required
def lock(request: HttpRequest, code: str, key: str) -> HttpResponse:
    round_ = _reviewable_round_or_404(request, code)
    if not holds(user=request.user, permission=APPROVE):
        raise PermissionDenied
    unit_key = _lockable_unit_or_404(request, round_, key)
    try:
        lock_unit(user=request.user, round_=round_, unit_key=unit_key)
        messages.success(request, _("Đã phê duyệt và khoá số liệu của xã."))
    except SurveyError as exc:
        messages.error(request, str(exc))
    return redirect("survey:review", code=round_.code)


@require_POST
@login_required
def unlock(request: HttpRequest, code: str, key: str) -> HttpResponse:
    round_ = _reviewable_round_or_404(request, code)
    if not holds(user=request.user, permission=APPROVE):
        raise PermissionDenied
    unit_key = _lockable_unit_or_404(request, round_, key)
    try:
        unlock_unit(
            user=request.user,
            round_=round_,
            unit_key=unit_key,
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, _("Đã mở khoá số liệu của xã."))
    except SurveyError as exc:
        messages.error(request, str(exc))
    return redirect("survey:review", code=round_.code)
