"""Account pages for commune and provincial staff: their surveyors, created and managed in scope.

A temporary password is shown once, on the printable sheet the creating POST answers with;
nothing shows it again. Accounts outside the user's scope answer 404."""

from __future__ import annotations

import logging

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from flows.people import (
    AccountError,
    NewSurveyor,
    create_surveyors,
    managed_account,
    managed_accounts,
    reset_password,
    set_active,
    set_communes,
)
from flows.people_import import MAX_UPLOAD_BYTES, read_accounts_file
from survey.models import Round
from survey.round_selectors import commune_groups, managed_rounds

security_log = logging.getLogger("security.scope")
manager_required = permission_required("accounts.manage_accounts", raise_exception=True)


class AccountForm(forms.Form):
    full_name = forms.CharField(label=gettext_lazy("Họ và tên"), max_length=150)
    username = forms.CharField(
        label=gettext_lazy("Tên đăng nhập"),
        max_length=150,
        help_text=gettext_lazy("Chữ không dấu, số và các dấu @ . + - _, ví dụ: hoa.nq"),
    )


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Tệp danh sách (.xlsx hoặc .csv)"))


def _account_or_404(request: HttpRequest, pk: int):
    user = managed_account(by=request.user, pk=pk)
    if user is None:
        security_log.warning("scope refusal: user=%s account=%s", request.user.pk, pk)
        raise Http404
    return user


def _sheet(request: HttpRequest, credentials) -> HttpResponse:
    login_url = request.build_absolute_uri("/accounts/login/")
    context = {"credentials": credentials, "login_url": login_url}
    response = render(request, "people/credentials.html", context)
    # The passwords are on this page only: no cache may keep it.
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@login_required
@manager_required
def account_list(request: HttpRequest) -> HttpResponse:
    """List the surveyors the user manages, with their communes and last login."""
    accounts = managed_accounts(by=request.user)
    rounds = managed_rounds(user=request.user).exclude(status=Round.Status.CLOSED)
    return render(request, "people/list.html", {"accounts": accounts, "rounds": rounds})


@login_required
@manager_required
def account_new(request: HttpRequest) -> HttpResponse:
    """Create one surveyor; the answer is the printable first-login sheet."""
    groups = commune_groups(user=request.user)
    form = AccountForm(request.POST or None)
    picked = request.POST.getlist("unit")
    if request.method == "POST" and form.is_valid():
        account = NewSurveyor(
            username=form.cleaned_data["username"].strip(),
            full_name=form.cleaned_data["full_name"].strip(),
            unit_keys=tuple(picked),
        )
        try:
            return _sheet(request, create_surveyors(by=request.user, accounts=[account]))
        except AccountError as refused:
            for problem in refused.problems:
                form.add_error(None, problem)
    context = {"form": form, "groups": groups, "picked": picked}
    status = 400 if request.method == "POST" else 200
    return render(request, "people/new.html", context, status=status)


@login_required
@manager_required
def account_import(request: HttpRequest) -> HttpResponse:
    """Create many surveyors from a spreadsheet, all or none, with located errors."""
    form = UploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAX_UPLOAD_BYTES:
                raise AccountError(
                    _("Tệp lớn hơn %(mb)s MB.") % {"mb": MAX_UPLOAD_BYTES // 1_000_000}
                )
            accounts = read_accounts_file(name=upload.name, content=upload.read(), by=request.user)
            return _sheet(request, create_surveyors(by=request.user, accounts=accounts))
        except AccountError as refused:
            problems = refused.problems
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "problems": problems}
    return render(request, "people/import.html", context, status=status)


@require_GET
@login_required
@manager_required
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show an account: its communes to change, deactivation and password reset."""
    account = _account_or_404(request, pk)
    picked = set(account.scope_assignments.values_list("unit_id", flat=True))
    context = {"account": account, "groups": commune_groups(user=request.user), "picked": picked}
    return render(request, "people/detail.html", context)


@require_POST
@login_required
@manager_required
def account_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the communes, deactivate, reactivate or reset the password of an account."""
    account = _account_or_404(request, pk)
    action = request.POST.get("action", "")
    try:
        if action == "communes":
            set_communes(by=request.user, user=account, unit_keys=request.POST.getlist("unit"))
            messages.success(request, _("Đã lưu xã/phường của tài khoản."))
        elif action in ("deactivate", "activate"):
            set_active(by=request.user, user=account, active=action == "activate")
            messages.success(request, _("Đã lưu trạng thái tài khoản."))
        elif action == "reset":
            return _sheet(request, [reset_password(by=request.user, user=account)])
        else:
            messages.error(request, _("Thao tác không hợp lệ."))
    except AccountError as refused:
        for problem in refused.problems:
            messages.error(request, problem)
    return redirect("people:detail", pk=account.pk)
