"""Pages of the background exports: request one, follow "my exports", download the file.

Every page needs ``accounts.export_reports`` (403 without it; the committee has none).
A round or unit outside the user's scope, and another user's export, answer 404 (the
attempt is logged). The export itself runs in the worker (``exports.tasks``), never in
the request.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import sees_everything, visible_units
from exports.delays import delay_reasons
from exports.forms import ExportForm
from exports.jobs import download_name, job_file
from exports.models import ExportJob
from exports.options import ExportError, ExportOptions, can_export_personal, round_communes
from exports.queue import request_export
from survey.models import Round
from units.models import AdminUnit
from units.text import vi_sort_key

security_log = logging.getLogger("security.scope")
EXPORT = "accounts.export_reports"
SHOWN_JOBS = 50
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def export_view(view: Callable) -> Callable:
    """Login and the export permission (403 without it), then the view."""

    @wraps(view)
    @login_required
    @permission_required(EXPORT, raise_exception=True)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return view(request, *args, **kwargs)

    return wrapped


def _visible_keys(request: HttpRequest) -> set[str] | None:
    if sees_everything(user=request.user):
        return None
    return set(visible_units(user=request.user).values_list("key", flat=True))


def _unit_choices(round_: Round, visible: set[str] | None) -> list[tuple[str, str]]:
    """The round's communes in scope and the districts and provinces above them."""
    communes = round_communes(round_=round_)
    if visible is not None:
        communes &= visible
    units = {u.key: u for u in AdminUnit.objects.all()}
    chosen: dict[str, AdminUnit] = {}
    for key in communes:
        unit = units.get(key)
        while unit is not None:
            if visible is None or unit.key in visible:
                chosen[unit.key] = unit
            unit = units.get(unit.parent_id) if unit.parent_id else None
    order = {"province": 0, "district": 1, "commune": 2}
    ordered = sorted(
        chosen.values(), key=lambda u: (order.get(u.level, 3), vi_sort_key(u.name), u.key)
    )
    return [(u.key, u.name) for u in ordered]


@export_view
def request_page(request: HttpRequest, round_code: str) -> HttpResponse:
    """Ask for an export of a round; it is queued and the user goes to "my exports"."""
    round_ = Round.objects.select_related("citizen_set").filter(code=round_code).first()
    visible = _visible_keys(request)
    if round_ is None or (visible is not None and not (round_communes(round_=round_) & visible)):
        security_log.warning("export refusal: user=%s round=%r", request.user.pk, round_code[:40])
        raise Http404
    if request.method == "POST" and visible is not None:
        # A unit outside the scope is refused as not found, like on every other page.
        outside = [k for k in request.POST.getlist("units") if k not in visible]
        if outside:
            security_log.warning(
                "export refusal: user=%s unit=%r", request.user.pk, outside[0][:40]
            )
            raise Http404
    personal = can_export_personal(user=request.user)
    form = ExportForm(
        request.POST or None,
        unit_choices=_unit_choices(round_, visible),
        personal=personal,
        initial={"level": "commune", "hierarchy": "round"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            job = request_export(
                user=request.user,
                round_=round_,
                options=form.options(),
                file_format=form.cleaned_data["file_format"],
                language=get_language() or "vi",
            )
        except ExportError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Đã xếp hàng yêu cầu xuất số %(id)d; tệp sẽ có ở đây khi xong.") % {"id": job.pk},
            )
            return redirect("exports:list")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "exports/request.html",
        {"round": round_, "form": form, "personal": personal},
        status=status,
    )


def _jobs(request: HttpRequest):
    return ExportJob.objects.filter(user=request.user).select_related("round")[:SHOWN_JOBS]


@export_view
def my_exports(request: HttpRequest) -> HttpResponse:
    """The user's own exports, newest first, with progress (refreshed by exports.js)."""
    jobs = list(_jobs(request))
    delays = delay_reasons(jobs=jobs)
    for job in jobs:
        job.delay = delays.get(job.pk, "")
    return render(
        request,
        "exports/list.html",
        {"jobs": jobs, "pending": any(not j.finished for j in jobs)},
    )


@export_view
def status(request: HttpRequest) -> JsonResponse:
    """Progress of the user's exports, for the list page's refresh."""
    jobs = list(_jobs(request))
    delays = delay_reasons(jobs=jobs)
    return JsonResponse(
        {
            "jobs": [
                {
                    "id": j.pk,
                    "status": j.status,
                    "label": _("Chậm") if j.pk in delays else str(j.get_status_display()),
                    "delay": delays.get(j.pk, ""),
                    "progress": j.progress,
                    "download": reverse("exports:download", args=[j.pk])
                    if j.status == ExportJob.Status.DONE
                    else None,
                }
                for j in jobs
            ]
        }
    )


def _own_job_or_404(request: HttpRequest, pk: int) -> ExportJob:
    """One of the user's own exports; anyone else's answers 404 (logged)."""
    job = ExportJob.objects.select_related("round").filter(pk=pk, user=request.user).first()
    if job is None:
        security_log.warning("export job refusal: user=%s job=%s", request.user.pk, pk)
        raise Http404
    return job


@require_POST
@export_view
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask again for a failed export of one's own, with the same choices (checked again)."""
    job = _own_job_or_404(request, pk)
    if job.status != ExportJob.Status.FAILED:
        messages.error(request, _("Chỉ yêu cầu lại được một lần xuất bị lỗi."))
        return redirect("exports:list")
    try:
        again = request_export(
            user=request.user,
            round_=job.round,
            options=ExportOptions.from_json(job.options),
            file_format=job.format,
            language=job.language,
        )
    except ExportError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Đã xếp hàng lại yêu cầu xuất (số %(id)d).") % {"id": again.pk},
        )
    return redirect("exports:list")


@export_view
def download(request: HttpRequest, pk: int) -> FileResponse:
    """Stream the file of one of the user's own finished exports; 404 for anyone else."""
    job = _own_job_or_404(request, pk)
    if job.status != ExportJob.Status.DONE:
        raise Http404
    path = job_file(job)
    if not path.is_file():
        raise Http404
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=download_name(job=job),
        content_type=CONTENT_TYPES[job.format],
    )
