"""Warnings the household step gives when the household may already be in the data."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from survey.models import Draft, Round
from survey.revisit import earlier_duplicates
from survey.selectors import find_duplicates


def warn_duplicates(
    *, request: HttpRequest, round_: Round, draft: Draft, data: dict[str, Any]
) -> None:
    """Warn of a household of this round with the same details, and, for a new household,
    of one of an earlier round (revisiting it keeps its code)."""
    found = find_duplicates(
        round_=round_,
        unit_key=data["unit"],
        village=data["village"],
        head_name=data["head_name"],
        address=data.get("address", ""),
    )
    for response in (r for r in found if r.pk != draft.response_id):
        url = reverse("survey:response", kwargs={"pk": response.pk})
        # format_html escapes the names: they were typed by users.
        messages.warning(
            request,
            format_html(
                _(
                    "Hộ {head} ({village}) đã có phiếu trong đợt này. "
                    'Nếu là cùng một hộ, hãy <a href="{url}">mở phiếu đó</a> thay vì nhập lại.'
                ),
                head=response.head_name,
                village=response.village,
                url=url,
            ),
            extra_tags="duplicate",
        )
    if draft.response_id is None and draft.household_id is None:
        _offer_revisits(request=request, round_=round_, data=data)


def _offer_revisits(*, request: HttpRequest, round_: Round, data: dict[str, Any]) -> None:
    for previous in earlier_duplicates(
        round_=round_,
        unit_key=data["unit"],
        village=data["village"],
        head_name=data["head_name"],
        address=data.get("address", ""),
    ):
        url = reverse("survey:revisit", kwargs={"code": round_.code})
        messages.warning(
            request,
            format_html(
                _(
                    "Hộ {head} ({village}) đã được khảo sát ở {round} (mã hộ {code}). "
                    'Nếu là cùng một hộ, hãy <a href="{url}">khảo sát lại hộ đó</a> '
                    "để giữ mã hộ và các thành viên."
                ),
                head=previous.head_name,
                village=previous.village,
                round=previous.round.name,
                code=previous.household.code,
                url=f"{url}?{urlencode({'q': previous.head_name})}",
            ),
            extra_tags="duplicate",
        )
