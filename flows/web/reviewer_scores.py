"""The reviewer's scores on the response page: a small form beside the review buttons."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from flows.review import score_as_reviewer
from survey.errors import SurveyError
from survey.forms import build_question_field, to_json
from survey.review import REVIEW, holds
from survey.reviewer_scores import ReviewerItem, may_score, reviewer_items
from survey.selectors import visible_responses

security_log = logging.getLogger("security.scope")


class ReviewerScoresForm(forms.Form):
    """One optional field per score to give, named after ``ReviewerItem.name``."""

    revision = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, items: Sequence[ReviewerItem], language: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            field = build_question_field(question=item.question, spec=item.spec, language=language)
            field.required = False
            field.initial = item.value
            field.label = f"{item.owner_name}: {field.label}"
            self.fields[item.name] = field

    def values(self) -> dict:
        return {item.name: to_json(self.cleaned_data.get(item.name)) for item in self.items}

    def problems(self) -> list[str]:
        """Every field error, naming the question and the person."""
        return [
            f"{self.fields[name].label}: {message}"
            for name, errors in self.errors.items()
            for message in errors
        ]


def reviewer_form(*, request: HttpRequest, response) -> ReviewerScoresForm | None:
    """Return the form for the response page, or None when the user may not score it."""
    if not may_score(user=request.user, response=response):
        return None
    items = reviewer_items(response=response)
    if not items:
        return None
    return ReviewerScoresForm(
        initial={"revision": response.revision}, items=items, language=get_language() or "vi"
    )


@require_POST
@login_required
def reviewer_scores(request: HttpRequest, pk: int) -> HttpResponse:
    """Store the reviewer's scores of one response; the page shows the new result."""
    if not holds(user=request.user, permission=REVIEW):
        raise PermissionDenied
    response = (
        visible_responses(user=request.user).select_related("round", "household").filter(pk=pk)
    ).first()
    if response is None:
        security_log.warning("scope refusal: user=%s response=%s", request.user.pk, pk)
        raise Http404
    language = get_language() or "vi"
    form = ReviewerScoresForm(
        request.POST, items=reviewer_items(response=response), language=language
    )
    if not form.is_valid():
        for problem in form.problems():
            messages.error(request, problem)
        return redirect("survey:response", pk=pk)
    try:
        score_as_reviewer(
            user=request.user,
            response=response,
            base_revision=form.cleaned_data["revision"],
            values=form.values(),
            language=language,
        )
        messages.success(request, _("Đã lưu điểm do cán bộ chấm và tính lại kết quả."))
    except SurveyError as exc:
        for problem in str(exc).splitlines():
            messages.error(request, problem)
    return redirect("survey:response", pk=pk)
