"""The export request form: units of the round in the user's scope, level, detail, statuses."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from exports.models import ExportJob
from exports.options import ExportOptions

LEVEL_CHOICES = (
    ("commune", gettext_lazy("Xã/phường (kèm tổng của huyện)")),
    ("district", gettext_lazy("Huyện/thành phố")),
    ("province", gettext_lazy("Tỉnh")),
)
HIERARCHY_CHOICES = (
    ("round", gettext_lazy("Đơn vị hành chính lúc khảo sát")),
    ("2025", gettext_lazy("Đơn vị hành chính từ 01/07/2025")),
)
STATUS_CHOICES = (
    ("counted", gettext_lazy("Phiếu đã gửi, đã kiểm tra và đã phê duyệt")),
    ("approved", gettext_lazy("Chỉ phiếu đã phê duyệt")),
)


class ExportForm(forms.Form):
    units = forms.MultipleChoiceField(
        label=gettext_lazy("Đơn vị"),
        required=False,
        help_text=gettext_lazy("Không chọn: mọi đơn vị của đợt trong phạm vi của bạn."),
        widget=forms.CheckboxSelectMultiple,
    )
    level = forms.ChoiceField(label=gettext_lazy("Cấp tổng hợp"), choices=LEVEL_CHOICES)
    hierarchy = forms.ChoiceField(label=gettext_lazy("Hệ thống đơn vị"), choices=HIERARCHY_CHOICES)
    statuses = forms.ChoiceField(
        label=gettext_lazy("Phiếu được tính"), choices=STATUS_CHOICES, initial="counted"
    )
    file_format = forms.ChoiceField(
        label=gettext_lazy("Định dạng"), choices=ExportJob.Format.choices, initial="xlsx"
    )
    detail = forms.BooleanField(
        label=gettext_lazy("Kèm danh sách hộ và thành viên (dữ liệu cá nhân)"),
        required=False,
        help_text=gettext_lazy(
            "Họ tên, năm sinh, dân tộc và điểm từng chỉ số; việc xuất được ghi vào nhật ký. "
            "Với CSV: tệp là danh sách thành viên."
        ),
    )

    def __init__(self, *args, unit_choices, personal: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].choices = unit_choices
        if not personal:
            del self.fields["detail"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("hierarchy") == "2025" and cleaned.get("level") == "district":
            self.add_error(
                "level", gettext_lazy("Hệ thống đơn vị từ 01/07/2025 không có cấp huyện.")
            )
        return cleaned

    def options(self) -> ExportOptions:
        data = self.cleaned_data
        return ExportOptions(
            units=tuple(data["units"]),
            level=data["level"],
            hierarchy=data["hierarchy"],
            detail=bool(data.get("detail")),
            approved_only=data["statuses"] == "approved",
        )
