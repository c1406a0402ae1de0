"""The round form: name, period, criteria versions and the communes with planned counts.

The form only parses what was typed; ``survey.rounds`` checks the plan (the same checks for the
pages, the demo and every command)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django import forms
from django.utils.translation import gettext_lazy as _

from config.widgets import DayFirstDateInput
from criteria.models import CriteriaSet
from survey.rounds import RoundPlan

MAX_PLANNED = 100_000


def _published(subject: str):
    return CriteriaSet.objects.filter(
        status=CriteriaSet.Status.PUBLISHED, subject=subject
    ).order_by("code", "-version")


class RoundForm(forms.Form):
    code = forms.SlugField(
        label=_("Mã đợt"),
        max_length=40,
        help_text=_("Chữ không dấu, số và dấu gạch ngang, ví dụ: yb-2026. Không đổi được sau này."),
    )
    name = forms.CharField(label=_("Tên đợt"), max_length=200)
    starts_on = forms.DateField(label=_("Ngày bắt đầu"), widget=DayFirstDateInput())
    ends_on = forms.DateField(label=_("Ngày kết thúc"), widget=DayFirstDateInput())
    citizen_set = forms.ModelChoiceField(
        label=_("Bộ tiêu chí công dân"), queryset=_published(CriteriaSet.Subject.CITIZEN)
    )
    household_set = forms.ModelChoiceField(
        label=_("Bộ tiêu chí gia đình"),
        queryset=_published(CriteriaSet.Subject.HOUSEHOLD),
        required=False,
        empty_label=_("(không chấm gia đình học tập)"),
    )

    def __init__(self, *args, communes: Sequence[str], editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.commune_keys = set(communes)
        self.planned: dict[str, int] = {}
        if editing:
            del self.fields["code"]

    def clean(self):
        data = super().clean()
        picked = self.data.getlist("unit") if hasattr(self.data, "getlist") else []
        problems = []
        for key in picked:
            if key not in self.commune_keys:
                # Only a forged form sends a commune the page did not offer.
                problems.append(_("Xã/phường %(key)s không có trong danh sách.") % {"key": key})
                continue
            raw = str(self.data.get(f"planned-{key}", "")).strip() or "0"
            if not raw.isdigit() or int(raw) > MAX_PLANNED:
                problems.append(
                    _("Số hộ dự kiến của %(key)s phải là số nguyên từ 0 đến %(max)s.")
                    % {"key": key, "max": MAX_PLANNED}
                )
                continue
            self.planned[key] = int(raw)
        if not picked:
            problems.append(_("Chọn ít nhất một xã/phường."))
        for problem in problems:
            self.add_error(None, problem)
        return data

    def plan(self) -> RoundPlan:
        data = self.cleaned_data
        return RoundPlan(
            name=data["name"],
            citizen_set=data["citizen_set"],
            household_set=data["household_set"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            planned=self.planned,
        )


def initial_of(*, plan: RoundPlan) -> Mapping[str, object]:
    return {
        "name": plan.name,
        "starts_on": plan.starts_on,
        "ends_on": plan.ends_on,
        "citizen_set": plan.citizen_set,
        "household_set": plan.household_set,
    }


class MoveForm(forms.Form):
    status = forms.ChoiceField(choices=[("open", "open"), ("closed", "closed")])
    reason = forms.CharField(label=_("Lý do"), max_length=500, required=False)
