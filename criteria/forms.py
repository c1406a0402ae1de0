from django import forms
from django.utils.translation import gettext_lazy as _

from criteria.files import MAX_BYTES


class CriteriaUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp bộ tiêu chí (.xlsx hoặc .yaml)"),
        help_text=_("Tối đa 10 MB. Xem hướng dẫn định dạng trong docs/criteria-format.md."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("Tệp quá lớn; tối đa 10 MB."))
        return upload
