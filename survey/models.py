"""Rounds, households, members and their answers.

Answers are stored per member and per household as one JSON document keyed by
question code; what figures filter and count on (unit, status, sex, age, target
group, ethnicity) sits in real columns beside it.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from survey.reference import EDUCATION_LEVELS, ETHNIC_GROUPS, RELATIONSHIPS, SEXES


class Round(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Đang chuẩn bị")
        OPEN = "open", _("Đang khảo sát")
        CLOSED = "closed", _("Đã kết thúc")

    code = models.SlugField(_("mã đợt"), max_length=40, unique=True)
    name = models.CharField(_("tên đợt"), max_length=200)
    citizen_set = models.ForeignKey(
        "criteria.CriteriaSet",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("bộ tiêu chí công dân"),
    )
    household_set = models.ForeignKey(
        "criteria.CriteriaSet",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bộ tiêu chí gia đình"),
    )
    starts_on = models.DateField(_("bắt đầu"))
    ends_on = models.DateField(_("kết thúc"))
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đợt khảo sát")
        verbose_name_plural = _("đợt khảo sát")
        ordering = ["-starts_on", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="round_period"),
            models.CheckConstraint(
                condition=Q(status__in=["planned", "open", "closed"]), name="round_status_known"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RoundUnit(models.Model):
    """A commune in a round's scope, with the number of households planned there."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="round_units")
    unit = models.ForeignKey("units.AdminUnit", on_delete=models.PROTECT, related_name="+")
    planned_households = models.PositiveIntegerField(_("số hộ dự kiến"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "unit"], name="round_unit_once"),
        ]

    def __str__(self) -> str:
        return f"{self.round.code}: {self.unit}"


class RoundSurveyor(models.Model):
    """A surveyor assigned to a commune of a round.

    A commune with assigned surveyors is entered by them (and by staff) only; a commune
    with none is open to every surveyor whose communes include it.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="surveyors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("units.AdminUnit", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("phân công điều tra viên")
        verbose_name_plural = _("phân công điều tra viên")
        constraints = [
            models.UniqueConstraint(fields=["round", "user", "unit"], name="round_surveyor_once"),
        ]

    def __str__(self) -> str:
        return f"{self.round.code}: {self.user} – {self.unit}"


class Household(models.Model):
    """A household across rounds: round 2 revisits the same one by its ``code``."""

    code = models.CharField(_("mã hộ"), max_length=40, unique=True)
    unit = models.ForeignKey(
        "units.AdminUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("xã/phường")
    )
    village = models.CharField(_("thôn/tổ dân phố"), max_length=120)
    address = models.CharField(_("địa chỉ"), max_length=250, blank=True)
    head_name = models.CharField(_("chủ hộ"), max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hộ gia đình")
        verbose_name_plural = _("hộ gia đình")

    def __str__(self) -> str:
        return f"{self.code} {self.head_name}"


class ResponseStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Đã gửi")
    RETURNED = "returned", _("Trả lại để sửa")
    VERIFIED = "verified", _("Đã kiểm tra")
    APPROVED = "approved", _("Đã phê duyệt")


class HouseholdResponse(models.Model):
    """A household's answers in one round (drafts live apart, in Draft)."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="responses")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="responses")
    unit = models.ForeignKey("units.AdminUnit", on_delete=models.PROTECT, related_name="+")
    village = models.CharField(max_length=120)
    address = models.CharField(max_length=250, blank=True)
    head_name = models.CharField(max_length=120)
    # Search "without accents": head and member names with diacritics removed.
    search_text = models.TextField(blank=True, default="")
    survey_date = models.DateField()
    status = models.CharField(max_length=10, choices=ResponseStatus.choices)
    answers = models.JSONField(default=dict, blank=True)
    surveyor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The draft that produced this response: a second submit of it finds this row.
    source_draft = models.UUIDField(unique=True, null=True, blank=True)
    # SHA-256 of the device's copy this response came from (offline channel): a later send
    # of a different copy is a conflict, never a silent overwrite.
    source_digest = models.CharField(max_length=64, blank=True, default="")
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "household"], name="response_once_per_round"),
            models.CheckConstraint(
                condition=Q(status__in=ResponseStatus.values), name="response_status_known"
            ),
        ]
        indexes = [models.Index(fields=["round", "unit", "status"], name="response_round_unit")]

    def __str__(self) -> str:
        return f"{self.round.code}/{self.household.code}"


class MemberResponse(models.Model):
    response = models.ForeignKey(
        HouseholdResponse, on_delete=models.CASCADE, related_name="members"
    )
    # Stable across rounds, like the household code.
    person_id = models.UUIDField(default=uuid.uuid4)
    position = models.PositiveSmallIntegerField()
    full_name = models.CharField(_("họ và tên"), max_length=120)
    sex = models.CharField(_("giới tính"), max_length=6, choices=SEXES)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"))
    age = models.PositiveSmallIntegerField(_("tuổi"))
    ethnicity = models.CharField(_("dân tộc"), max_length=2, choices=ETHNIC_GROUPS)
    education = models.CharField(_("trình độ học vấn"), max_length=20, choices=EDUCATION_LEVELS)
    target_group = models.CharField(_("nhóm đối tượng"), max_length=40)
    relationship = models.CharField(_("quan hệ với chủ hộ"), max_length=12, choices=RELATIONSHIPS)
    answers = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["response", "position"], name="member_position"),
            models.UniqueConstraint(fields=["response", "person_id"], name="member_person_once"),
            models.CheckConstraint(condition=Q(age__lte=130), name="member_age_plausible"),
        ]

    def __str__(self) -> str:
        return self.full_name


class Draft(models.Model):
    """A household form in progress, saved on the server after every completed step.

    It survives session expiry, logout and a change of device, and never counts in
    any figure. Editing a submitted response also goes through a draft (``response``).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="drafts")
    response = models.ForeignKey(
        HouseholdResponse, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The response revision the edit started from: a save against a newer one is refused.
    base_revision = models.PositiveIntegerField(null=True, blank=True)
    # A revisit: the household of an earlier round that this draft surveys again.
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    current_step = models.CharField(max_length=40, blank=True)
    label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            # A draft corrects a response or revisits a household, never both.
            models.CheckConstraint(
                condition=Q(response__isnull=True) | Q(household__isnull=True),
                name="draft_corrects_or_revisits",
            ),
        ]

    def __str__(self) -> str:
        return self.label or str(self.id)


class ResponseChange(models.Model):
    """One correction of a submitted response: who, when, and each value before and after."""

    response = models.ForeignKey(
        HouseholdResponse, on_delete=models.CASCADE, related_name="changes"
    )
    revision = models.PositiveIntegerField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    changes = models.JSONField(default=list)  # [{"field": ..., "old": ..., "new": ...}]

    class Meta:
        ordering = ["revision"]
        constraints = [
            models.UniqueConstraint(fields=["response", "revision"], name="change_revision_once"),
        ]

    def __str__(self) -> str:
        return f"{self.response_id} r{self.revision}"


class ResponseTransition(models.Model):
    """One change of a response's review status: who, when, from, to and why."""

    response = models.ForeignKey(
        HouseholdResponse, on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(max_length=10, choices=ResponseStatus.choices)
    to_status = models.CharField(max_length=10, choices=ResponseStatus.choices)
    reason = models.TextField(_("lý do"), blank=True)
    # The revision the move was made on: "returned, then corrected" shows as a newer one.
    revision = models.PositiveIntegerField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(from_status__in=ResponseStatus.values)
                & Q(to_status__in=ResponseStatus.values)
                & ~Q(from_status=F("to_status")),
                name="transition_statuses",
            ),
            models.CheckConstraint(
                condition=~Q(to_status=ResponseStatus.RETURNED) | ~Q(reason=""),
                name="transition_return_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["response", "at"], name="transition_response_at")]

    def __str__(self) -> str:
        return f"{self.response_id}: {self.from_status} -> {self.to_status}"


class UnitLock(models.Model):
    """A commune approved and locked for a round: its responses no longer change."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="locks")
    unit = models.ForeignKey("units.AdminUnit", on_delete=models.PROTECT, related_name="+")
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "unit"], name="unit_lock_once"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.unit_id}"


class UnitLockEvent(models.Model):
    """The history of locks and unlocks; an unlock always has its reason."""

    class Kind(models.TextChoices):
        LOCK = "lock", _("Khoá")
        UNLOCK = "unlock", _("Mở khoá")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="lock_events")
    unit = models.ForeignKey("units.AdminUnit", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=6, choices=Kind.choices)
    reason = models.TextField(_("lý do"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["lock", "unlock"]), name="lock_kind"),
            models.CheckConstraint(
                condition=Q(kind="lock") | ~Q(reason=""), name="unlock_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.unit_id} {self.kind}"
