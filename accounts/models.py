from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ScopeAssignment(models.Model):
    """A unit a user works in; a district or province covers its descendants."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scope_assignments"
    )
    unit = models.ForeignKey("units.AdminUnit", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("phạm vi làm việc")
        verbose_name_plural = _("phạm vi làm việc")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit"], name="scope_user_unit"),
        ]
        # What a role may do, granted to the role groups by accounts.roles.
        permissions = [
            ("enter_survey_data", _("Nhập phiếu khảo sát")),
            ("review_survey_data", _("Kiểm tra phiếu khảo sát")),
            ("approve_survey_data", _("Phê duyệt số liệu")),
            ("view_personal_data", _("Xem dữ liệu cá nhân")),
            ("view_reports", _("Xem báo cáo tổng hợp")),
            ("export_reports", _("Xuất báo cáo Excel")),
            ("manage_criteria", _("Quản lý bộ tiêu chí")),
            ("manage_rounds", _("Quản lý đợt khảo sát")),
            ("manage_accounts", _("Quản lý tài khoản điều tra viên")),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.unit}"


class Preference(models.Model):
    """What a signed-in user chose for themselves, kept across sessions and devices."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference"
    )
    language = models.CharField(_("ngôn ngữ"), max_length=8, choices=settings.LANGUAGES)

    class Meta:
        verbose_name = _("lựa chọn của người dùng")
        verbose_name_plural = _("lựa chọn của người dùng")

    def __str__(self) -> str:
        return f"{self.user} – {self.language}"


class PasswordChangeRequired(models.Model):
    """An account whose password was set by someone else: it must be changed at next login."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_change_required"
    )
    since = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phải đổi mật khẩu")
        verbose_name_plural = _("phải đổi mật khẩu")

    def __str__(self) -> str:
        return str(self.user)
