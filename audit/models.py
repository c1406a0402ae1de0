"""The audit trail: one append-only row per change, transition, import, export or data view."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete an audit entry."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit entries cannot be changed")

    def delete(self):
        raise AppendOnlyError("audit entries cannot be deleted")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("audit entries cannot be changed")


class Action(models.TextChoices):
    CREATE = "create", _("Tạo mới")
    CHANGE = "change", _("Sửa")
    DELETE = "delete", _("Xoá")
    TRANSITION = "transition", _("Chuyển trạng thái")
    LOCK = "lock", _("Khoá số liệu")
    UNLOCK = "unlock", _("Mở khoá số liệu")
    PUBLISH = "publish", _("Ban hành bộ tiêu chí")
    RETIRE = "retire", _("Ngừng sử dụng bộ tiêu chí")
    IMPORT = "import", _("Nhập dữ liệu")
    EXPORT = "export", _("Xuất dữ liệu")
    VIEW_PERSONAL = "view_personal", _("Xem dữ liệu cá nhân")


ACTIONS = Action.values


class AuditEntry(models.Model):
    """What happened, who did it, when, where, and the values before and after."""

    Action = Action

    at = models.DateTimeField(default=timezone.now, db_index=True)
    # PROTECT: a user who appears in the trail cannot be deleted, only deactivated.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    unit = models.ForeignKey(
        "units.AdminUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    round_code = models.CharField(max_length=50, blank=True)
    object_type = models.CharField(max_length=50, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    details = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=32, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=ACTIONS),
                name="audit_action_known",
            ),
        ]
        indexes = [
            models.Index(fields=["action", "at"], name="audit_action_at"),
            models.Index(fields=["unit", "at"], name="audit_unit_at"),
            models.Index(fields=["user", "at"], name="audit_user_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_type}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit entries cannot be deleted")
