"""Administrators search the audit trail and export it (the export is itself recorded)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from audit.export import entries_csv
from audit.forms import AuditSearchForm
from audit.models import Action
from audit.selectors import search_entries
from audit.services import record_event

VIEW = "audit.view_auditentry"
PER_PAGE = 50
MAX_EXPORT = 100_000


def _search(form: AuditSearchForm):
    data = form.cleaned_data
    return search_entries(
        username=data["user"].strip(),
        unit_key=data["unit"].strip(),
        since=data["since"],
        until=data["until"],
        action=data["action"],
    )


@login_required
@permission_required(VIEW, raise_exception=True)
def entry_list(request: HttpRequest) -> HttpResponse:
    form = AuditSearchForm(request.GET or None)
    if request.GET and not form.is_valid():
        return render(request, "audit/list.html", {"form": form, "page": None}, status=400)
    entries = _search(form) if request.GET else search_entries()
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "audit/list.html", {"form": form, "page": page, "query": query.urlencode()}
    )


@login_required
@permission_required(VIEW, raise_exception=True)
def entry_export(request: HttpRequest) -> HttpResponse:
    form = AuditSearchForm(request.GET or None)
    if request.GET and not form.is_valid():
        return render(request, "audit/list.html", {"form": form, "page": None}, status=400)
    entries = (_search(form) if request.GET else search_entries())[:MAX_EXPORT]
    body = entries_csv(entries=entries)
    record_event(
        action=Action.EXPORT,
        user=request.user,
        summary="audit trail CSV",
        object_type="audit_trail",
        details={"filters": {k: request.GET.get(k, "") for k in form.fields}},
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="nhat-ky-kiem-toan.csv"'
    return response
