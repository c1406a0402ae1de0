from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("Tỉnh/thành phố")
    DISTRICT = "district", _("Quận/huyện")
    COMMUNE = "commune", _("Xã/phường/thị trấn")


class AdminUnit(models.Model):
    """One administrative unit during one period of validity.

    GSO codes are reused (04264 names three different wards over time), so a
    unit is identified by its code *and* the first day of its validity; ``key``
    spells that as ``CODE@YYYY-MM-DD``.
    """

    key = models.CharField(_("khoá"), max_length=24, primary_key=True)
    code = models.CharField(_("mã"), max_length=10, db_index=True)
    name = models.CharField(_("tên"), max_length=120)
    level = models.CharField(_("cấp"), max_length=10, choices=UnitLevel.choices)
    type = models.CharField(_("loại"), max_length=20)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["code", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="unit_code_valid_from"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="unit_valid_to_after_from",
            ),
            models.CheckConstraint(
                condition=Q(level__in=[c.value for c in UnitLevel]), name="unit_level_known"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class UnitChange(models.Model):
    """A unit that continues in another from a date (merge, rename, split)."""

    class Kind(models.TextChoices):
        MERGE = "merge", _("sáp nhập")
        RENAME = "rename", _("đổi tên")
        SPLIT = "split", _("chia tách")

    from_unit = models.ForeignKey(
        AdminUnit, on_delete=models.PROTECT, related_name="changes_out", verbose_name=_("từ")
    )
    to_unit = models.ForeignKey(
        AdminUnit, on_delete=models.PROTECT, related_name="changes_in", verbose_name=_("thành")
    )
    effective = models.DateField(_("ngày hiệu lực"))
    kind = models.CharField(_("loại thay đổi"), max_length=10, choices=Kind.choices)
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=300)

    class Meta:
        verbose_name = _("thay đổi đơn vị")
        verbose_name_plural = _("thay đổi đơn vị")
        ordering = ["effective", "from_unit_id"]
        constraints = [
            models.UniqueConstraint(fields=["from_unit", "to_unit"], name="unit_change_pair"),
            models.CheckConstraint(
                condition=~Q(from_unit=F("to_unit")), name="unit_change_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_unit_id} → {self.to_unit_id} ({self.effective})"
