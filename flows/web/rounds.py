"""Round pages for provincial staff: list, create, edit while planned, open, close, reopen.

The pages parse and hand off; ``survey.rounds`` checks every plan and move and audits it.
Rounds outside the user's scope answer 404, like every unit page."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from flows.assignments import assigned_names
from flows.web.round_forms import MoveForm, RoundForm, initial_of
from survey.errors import SurveyError
from survey.models import Round
from survey.round_selectors import commune_groups, managed_round, managed_rounds, submitted_counts
from survey.rounds import MOVES, create_round_from, move_round, plan_of, update_round
from units.selectors import by_name

security_log = logging.getLogger("security.scope")
manager_required = permission_required("accounts.manage_rounds", raise_exception=True)


def _round_or_404(request: HttpRequest, code: str) -> Round:
    round_ = managed_round(user=request.user, code=code)
    if round_ is None:
        security_log.warning("scope refusal: user=%s round=%r", request.user.pk, code[:40])
        raise Http404
    return round_


def _form_page(request, *, form, groups, picked, round_=None, status=200) -> HttpResponse:
    context = {"form": form, "groups": groups, "picked": picked, "round": round_}
    return render(request, "survey/round_form.html", context, status=status)


def _picked_from_post(request: HttpRequest) -> dict[str, str]:
    return {key: request.POST.get(f"planned-{key}", "") for key in request.POST.getlist("unit")}


@require_GET
@login_required
@manager_required
def round_list(request: HttpRequest) -> HttpResponse:
    """List the rounds the user manages, newest first."""
    rounds = managed_rounds(user=request.user).order_by("-starts_on", "code")
    return render(request, "survey/round_list.html", {"rounds": rounds})


@login_required
@manager_required
def round_new(request: HttpRequest) -> HttpResponse:
    """Create a round (planned); it opens from its page."""
    groups = commune_groups(user=request.user)
    keys = [c.key for group in groups for c in group.communes]
    if request.method != "POST":
        return _form_page(request, form=RoundForm(communes=keys), groups=groups, picked={})
    form = RoundForm(request.POST, communes=keys)
    if form.is_valid():
        try:
            round_ = create_round_from(
                code=form.cleaned_data["code"], plan=form.plan(), user=request.user
            )
        except SurveyError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("Đã tạo đợt %(name)s.") % {"name": round_.name})
            return redirect("survey:round_detail", code=round_.code)
    picked = _picked_from_post(request)
    return _form_page(request, form=form, groups=groups, picked=picked, status=400)


@login_required
@manager_required
def round_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Edit a planned round: name, period, criteria versions, communes and planned counts."""
    round_ = _round_or_404(request, code)
    if round_.status != Round.Status.PLANNED:
        messages.error(request, _("Chỉ sửa được đợt đang chuẩn bị."))
        return redirect("survey:round_detail", code=round_.code)
    groups = commune_groups(user=request.user)
    keys = [c.key for group in groups for c in group.communes]
    if request.method != "POST":
        plan = plan_of(round_=round_)
        form = RoundForm(initial=initial_of(plan=plan), communes=keys, editing=True)
        picked = {key: str(count) for key, count in plan.planned.items()}
        return _form_page(request, form=form, groups=groups, picked=picked, round_=round_)
    form = RoundForm(request.POST, communes=keys, editing=True)
    if form.is_valid():
        try:
            update_round(round_=round_, plan=form.plan(), user=request.user)
        except SurveyError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("Đã lưu đợt %(name)s.") % {"name": form.plan().name})
            return redirect("survey:round_detail", code=round_.code)
    picked = _picked_from_post(request)
    return _form_page(request, form=form, groups=groups, picked=picked, round_=round_, status=400)


@require_GET
@login_required
@manager_required
def round_detail(request: HttpRequest, code: str) -> HttpResponse:
    """Show a round: period, criteria, communes with planned and entered households, moves."""
    round_ = _round_or_404(request, code)
    entered = submitted_counts(round_=round_)
    rows = {ru.unit_id: ru for ru in round_.round_units.select_related("unit", "unit__parent")}
    names = assigned_names(round_=round_)
    communes = [
        (unit, rows[unit.key].planned_households, entered.get(unit.key, 0), names.get(unit.key, []))
        for unit in by_name(ru.unit for ru in rows.values())
    ]
    moves = [
        {"status": target, "needs_reason": needs, "label": Round.Status(target).label}
        for (source, target), needs in MOVES.items()
        if source == round_.status
    ]
    context = {"round": round_, "communes": communes, "moves": moves, "form": MoveForm()}
    return render(request, "survey/round_detail.html", context)


@require_POST
@login_required
@manager_required
def round_move(request: HttpRequest, code: str) -> HttpResponse:
    """Open, close or reopen the round (reopening asks for a reason)."""
    round_ = _round_or_404(request, code)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Thao tác không hợp lệ."))
        return redirect("survey:round_detail", code=round_.code)
    try:
        with transaction.atomic():
            moved = move_round(
                round_=round_,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                user=request.user,
            )
    except SurveyError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            _("Đợt %(name)s: %(status)s.")
            % {"name": moved.name, "status": Round.Status(moved.status).label},
        )
    return redirect("survey:round_detail", code=round_.code)
