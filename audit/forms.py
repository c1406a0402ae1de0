from django import forms
from django.utils.translation import gettext_lazy as _

from audit.models import Action
from config.widgets import DayFirstDateInput


class AuditSearchForm(forms.Form):
    user = forms.CharField(label=_("Người dùng"), max_length=150, required=False)
    unit = forms.CharField(label=_("Đơn vị (mã)"), max_length=40, required=False)
    since = forms.DateField(label=_("Từ ngày"), required=False, widget=DayFirstDateInput())
    until = forms.DateField(label=_("Đến ngày"), required=False, widget=DayFirstDateInput())
    action = forms.ChoiceField(
        label=_("Hành động"), choices=[("", _("Tất cả")), *Action.choices], required=False
    )

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            raise forms.ValidationError(_("“Đến ngày” phải không trước “Từ ngày”."))
        return data
