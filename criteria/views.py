"""Criteria set pages: list, overview, preview, paper form, upload, versioning, export."""

from __future__ import annotations

import io
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import roles_of
from criteria.describe import describe_rule
from criteria.diff import diff_specs
from criteria.expressions import Expression, parse
from criteria.files import read_criteria_file, write_criteria_file
from criteria.forms import CriteriaUploadForm
from criteria.models import CriteriaSet
from criteria.services import (
    CriteriaSetInvalid,
    CriteriaSetLocked,
    create_draft_version,
    load_spec,
    publish,
    retire,
    save_spec,
)
from criteria.spec import CriteriaSpec
from criteria.validation import CriteriaImportError

MANAGE = "accounts.manage_criteria"
UPLOAD_SESSION_KEY = "criteria_upload"
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xlsform": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "yaml": "application/yaml",
}


def _visible_sets(request: HttpRequest):
    """Everyone with a role sees published and retired sets; drafts only those who manage."""
    if request.user.has_perm(MANAGE):
        return CriteriaSet.objects.all()
    if not (request.user.is_superuser or roles_of(user=request.user)):
        return CriteriaSet.objects.none()
    return CriteriaSet.objects.exclude(status=CriteriaSet.Status.DRAFT)


def _get_set(request: HttpRequest, pk: int) -> CriteriaSet:
    return get_object_or_404(_visible_sets(request), pk=pk)


def _outline(spec: CriteriaSpec, language: str) -> list[dict]:
    """Group indicators under criteria, each with its questions and rules in words."""
    questions = {q.code: q for q in spec.questions}
    outline = []
    for criterion in spec.criteria:
        indicators = []
        for ind in spec.indicators_of(criterion.code):
            indicators.append(
                {
                    "indicator": ind,
                    "rules": [
                        {
                            "text": describe_rule(rule=r, spec=spec, language=language),
                            "question": questions.get(r.question) if r.question else None,
                        }
                        for r in ind.rules
                    ],
                }
            )
        outline.append({"criterion": criterion, "indicators": indicators})
    return outline


@login_required
def criteria_list(request: HttpRequest) -> HttpResponse:
    sets = _visible_sets(request).order_by("code", "-version")
    return render(
        request,
        "criteria/list.html",
        {"sets": sets, "can_manage": request.user.has_perm(MANAGE)},
    )


@login_required
def criteria_detail(request: HttpRequest, pk: int) -> HttpResponse:
    criteria_set = _get_set(request, pk)
    spec = load_spec(criteria_set=criteria_set)
    language = get_language() or "vi"
    others = _visible_sets(request).filter(code=criteria_set.code).exclude(pk=pk)
    return render(
        request,
        "criteria/detail.html",
        {
            "cs": criteria_set,
            "spec": spec,
            "outline": _outline(spec, language),
            "others": others.order_by("version"),
            "can_manage": request.user.has_perm(MANAGE),
        },
    )


def _questions_for(spec: CriteriaSpec, group: str | None, level: str) -> list:
    """Return the questions a group is asked, in order, as the survey decides it.

    A question scored only by indicators of other groups is not asked, and neither is
    one whose ``relevant`` is false for the group whatever the other answers are (it
    requires another group, or an answer to a question the group is not asked).
    """
    applicable = set()
    for ind in spec.indicators:
        if not ind.target_groups or group is None or group in ind.target_groups:
            applicable |= {r.question for r in ind.rules if r.question}
    scored = {r.question for ind in spec.indicators for r in ind.rules if r.question}
    never_asked: set[str] = set()
    asked = []
    for q in spec.questions:  # every level, in order: conditions read earlier questions
        if (q.code in scored and q.code not in applicable) or not _may_be_asked(
            q.relevant, group, never_asked
        ):
            never_asked.add(q.code)
        elif q.level == level:
            asked.append(q)
    return asked


def _may_be_asked(relevant: str, group: str | None, never_asked: set[str]) -> bool:
    """Return False only when a part of ``relevant`` joined by "and" is surely false.

    A part is judged when it reads nothing but the target group and questions the group
    is never asked (unanswered, as in the survey); conditions on age or on answers are
    shown beside the question instead.
    """
    if group is None or not relevant.strip():
        return True
    known: dict[str, str | None] = {"target_group": group, **dict.fromkeys(never_asked)}
    parts, pending = [], [parse(relevant).tree]
    while pending:
        node = pending.pop()
        if node[0] == "and":
            pending += [node[1], node[2]]
        else:
            parts.append(Expression(source=relevant, tree=node))
    return all(part.holds(known) for part in parts if part.names <= known.keys())


@login_required
def criteria_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a version as the survey asks it, for one target group."""
    criteria_set = _get_set(request, pk)
    spec = load_spec(criteria_set=criteria_set)
    groups = {g.code: g for g in spec.target_groups}
    group = request.GET.get("group") or (spec.target_groups[0].code if spec.target_groups else None)
    if group is not None and groups and group not in groups:
        raise Http404
    lists = {cl.name: cl for cl in spec.choice_lists}
    context = {
        "cs": criteria_set,
        "spec": spec,
        "group": groups.get(group) if group else None,
        "groups": spec.target_groups,
        "member_questions": _questions_for(spec, group, "member"),
        "household_questions": _questions_for(spec, group, "household"),
        "lists": lists,
    }
    return render(request, "criteria/preview.html", context)


@login_required
def criteria_paper(request: HttpRequest, pk: int) -> HttpResponse:
    """Render the printable A4 questionnaire (every question, grouped by level)."""
    criteria_set = _get_set(request, pk)
    spec = load_spec(criteria_set=criteria_set)
    context = {
        "cs": criteria_set,
        "spec": spec,
        "member_questions": [q for q in spec.questions if q.level == "member"],
        "household_questions": [q for q in spec.questions if q.level == "household"],
        "lists": {cl.name: cl for cl in spec.choice_lists},
        "member_rows": range(1, 7),
    }
    return render(request, "criteria/paper.html", context)


@login_required
def criteria_export(request: HttpRequest, pk: int, file_format: str) -> HttpResponse:
    if file_format not in CONTENT_TYPES:
        raise Http404
    criteria_set = _get_set(request, pk)
    buffer = io.BytesIO()
    write_criteria_file(
        specs=[load_spec(criteria_set=criteria_set)], file_format=file_format, target=buffer
    )
    buffer.seek(0)
    suffix = {"xlsx": ".xlsx", "yaml": ".yaml", "xlsform": "-xlsform.xlsx"}[file_format]
    name = f"{criteria_set.code}-v{criteria_set.version}{suffix}"
    return FileResponse(
        buffer, as_attachment=True, filename=name, content_type=CONTENT_TYPES[file_format]
    )


@login_required
def criteria_diff(request: HttpRequest, pk: int, other: int) -> HttpResponse:
    old_set, new_set = _get_set(request, pk), _get_set(request, other)
    differences = diff_specs(
        old=load_spec(criteria_set=old_set), new=load_spec(criteria_set=new_set)
    )
    return render(
        request,
        "criteria/diff.html",
        {"old": old_set, "new": new_set, "differences": differences},
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
def criteria_upload(request: HttpRequest) -> HttpResponse:
    """Upload a workbook or YAML; show every problem, or a preview to confirm before saving."""
    if request.method == "POST" and "confirm" in request.POST:
        return _save_uploaded(request)
    # Bound on every POST: a body that is not a form still gets "this field is required".
    form = (
        CriteriaUploadForm(request.POST, request.FILES)
        if request.method == "POST"
        else CriteriaUploadForm()
    )
    problems, spec = [], None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            spec = read_criteria_file(data=upload.read(), filename=upload.name)
        except CriteriaImportError as exc:
            problems = exc.problems
        else:
            token = secrets.token_urlsafe(16)
            request.session[UPLOAD_SESSION_KEY] = {
                "token": token,
                "spec": spec.to_dict(),
                "filename": upload.name,
            }
            existing = CriteriaSet.objects.filter(code=spec.code, version=spec.version).first()
            return render(
                request,
                "criteria/upload_preview.html",
                {
                    "spec": spec,
                    "token": token,
                    "existing": existing,
                    "outline": _outline(spec, get_language() or "vi"),
                    "filename": upload.name,
                },
            )
    status = 400 if request.method == "POST" else 200
    language = get_language() or "vi"
    rendered = [
        {"location": p.location(language), "message": p.message(language)} for p in problems
    ]
    return render(
        request, "criteria/upload.html", {"form": form, "problems": rendered}, status=status
    )


def _save_uploaded(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(UPLOAD_SESSION_KEY)
    if not pending or pending.get("token") != request.POST.get("token"):
        messages.error(request, _("Phiên tải lên đã hết hạn; hãy tải tệp lên lại."))
        return redirect("criteria:upload")
    try:
        criteria_set = save_spec(spec=CriteriaSpec.from_dict(pending["spec"]))
    except CriteriaSetLocked as exc:
        messages.error(request, str(exc))
        return redirect("criteria:upload")
    except CriteriaSetInvalid as exc:
        messages.error(
            request, _("Bộ tiêu chí không hợp lệ: %(n)s lỗi.") % {"n": len(exc.problems)}
        )
        return redirect("criteria:upload")
    del request.session[UPLOAD_SESSION_KEY]
    messages.success(
        request,
        _("Đã lưu %(code)s phiên bản %(version)s.")
        % {"code": criteria_set.code, "version": criteria_set.version},
    )
    return redirect("criteria:detail", pk=criteria_set.pk)


@require_POST
@login_required
@permission_required(MANAGE, raise_exception=True)
def criteria_publish(request: HttpRequest, pk: int) -> HttpResponse:
    criteria_set = get_object_or_404(CriteriaSet, pk=pk)
    try:
        publish(criteria_set=criteria_set, user=request.user)
    except CriteriaSetLocked as exc:
        messages.error(request, str(exc))
    except CriteriaSetInvalid as exc:
        language = get_language() or "vi"
        for problem in exc.problems[:20]:
            messages.error(request, f"{problem.location(language)}: {problem.message(language)}")
    else:
        messages.success(request, _("Đã ban hành bộ tiêu chí."))
    return redirect("criteria:detail", pk=pk)


@require_POST
@login_required
@permission_required(MANAGE, raise_exception=True)
def criteria_retire(request: HttpRequest, pk: int) -> HttpResponse:
    criteria_set = get_object_or_404(CriteriaSet, pk=pk)
    try:
        retire(criteria_set=criteria_set, user=request.user)
    except CriteriaSetLocked as exc:
        messages.error(request, str(exc))
    return redirect("criteria:detail", pk=pk)


@require_POST
@login_required
@permission_required(MANAGE, raise_exception=True)
def criteria_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    draft = create_draft_version(criteria_set=get_object_or_404(CriteriaSet, pk=pk))
    messages.success(
        request, _("Đã tạo bản nháp phiên bản %(version)s.") % {"version": draft.version}
    )
    return redirect("criteria:detail", pk=draft.pk)
