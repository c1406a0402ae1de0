"""Pages for communes that survey on paper or offline: the entry template and the import.

Both answer only users who may enter data in the round (its units in their scope,
the round open); anyone else gets a 404, as for a unit outside the scope.
"""

from __future__ import annotations

import io
import logging

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from criteria.validation import CriteriaImportError
from criteria.xlsx_safety import read_limited
from flows.imports import import_responses
from survey.imports.files import MAX_FILE_BYTES
from survey.imports.problems import ImportRefused
from survey.imports.service import KOBO, ODK, PAPER, build_entry_template
from survey.models import Round
from survey.selectors import entry_units

security_log = logging.getLogger("security.scope")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN_PROBLEMS = 1000  # a page lists this many; the command line prints them all
# A web request must finish well within the server's time-out (gunicorn: 30 s); larger
# files go through manage.py import_responses (or, later, the background jobs).
WEB_MAX_MEMBERS = 20_000


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp cần nhập"),
        help_text=gettext_lazy(
            "Mẫu nhập liệu đã điền (.xlsx), tệp xuất XLSX của KoboToolbox hoặc tệp .zip CSV "
            "của ODK Central; tối đa 10 MB."
        ),
    )
    source = forms.ChoiceField(
        label=gettext_lazy("Loại tệp"),
        choices=[
            ("", gettext_lazy("Tự nhận biết")),
            (PAPER, gettext_lazy("Mẫu nhập liệu giấy (.xlsx)")),
            (KOBO, gettext_lazy("KoboToolbox (.xlsx)")),
            (ODK, gettext_lazy("ODK Central (.zip CSV)")),
        ],
        required=False,
    )
    update = forms.BooleanField(
        label=gettext_lazy("Cập nhật hộ đã có"),
        help_text=gettext_lazy(
            "Hộ đã có trong đợt (cùng xã, thôn, chủ hộ, địa chỉ, hoặc cùng phiếu ODK) được "
            "sửa theo tệp, có ghi lịch sử; nếu không chọn, các hộ đó được báo lỗi."
        ),
        required=False,
    )
    check_only = forms.BooleanField(label=gettext_lazy("Chỉ kiểm tra, chưa lưu"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("Tệp quá lớn; tối đa 10 MB."))
        return upload


def _entry_round(request: HttpRequest, code: str) -> Round:
    """The round, if the user may enter data in it; else 404 (and the refusal is logged)."""
    round_ = get_object_or_404(Round, code=code)
    if not entry_units(user=request.user, round_=round_):
        security_log.warning("import refusal: user=%s round=%r", request.user.pk, code[:40])
        raise Http404
    return round_


@login_required
def entry_template(request: HttpRequest, code: str) -> FileResponse:
    """Download the round's blank data-entry workbook, with the user's units."""
    round_ = _entry_round(request, code)
    name, data = build_entry_template(round_=round_, user=request.user)
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=name, content_type=XLSX_TYPE)


@login_required
def import_page(request: HttpRequest, code: str) -> HttpResponse:
    """Upload a file; on any problem show every one and save nothing."""
    round_ = _entry_round(request, code)
    # Bound on every POST: a body that is not a form still gets "this field is required".
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    language = get_language() or "vi"
    context = {
        "round": round_,
        "form": form,
        "units": entry_units(user=request.user, round_=round_),
        "problems": [],
        "hidden": 0,
        "report": None,
        "warnings": [],
    }
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            try:
                data = read_limited(upload)
            except CriteriaImportError as exc:  # over the limit after all (a stream)
                raise ImportRefused(exc.problems) from exc
            report = import_responses(
                round_=round_,
                user=request.user,
                data=data,
                filename=upload.name,
                source=form.cleaned_data["source"] or None,
                update=form.cleaned_data["update"],
                check_only=form.cleaned_data["check_only"],
                max_members=WEB_MAX_MEMBERS,
            )
        except ImportRefused as exc:
            status = 400
            context["problems"] = [
                {"location": p.location(language), "message": p.message(language)}
                for p in exc.problems[:SHOWN_PROBLEMS]
            ]
            context["total"] = len(exc.problems)
            context["hidden"] = max(0, len(exc.problems) - SHOWN_PROBLEMS)
        else:
            if report.written:
                messages.success(
                    request,
                    _(
                        "Đã nhập %(file)s: %(created)s hộ mới, %(updated)s hộ được cập nhật, "
                        "%(unchanged)s hộ không đổi (%(members)s thành viên)."
                    )
                    % {
                        "file": upload.name,
                        "created": report.created,
                        "updated": report.updated,
                        "unchanged": report.unchanged,
                        "members": report.members,
                    },
                )
                for warning in report.warnings:
                    messages.warning(
                        request, f"{warning.location(language)}: {warning.message(language)}"
                    )
                return redirect("survey:import", code=round_.code)
            context["report"] = report
            context["warnings"] = [
                {"location": w.location(language), "message": w.message(language)}
                for w in report.warnings
            ]
    elif request.method == "POST":
        status = 400
    return render(request, "survey/import.html", context, status=status)
