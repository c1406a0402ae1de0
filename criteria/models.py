"""Criteria sets as stored rows; ``criteria.services`` converts them to and from CriteriaSpec."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from criteria import spec


def _choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(v, v) for v in values]


class CriteriaSet(models.Model):
    """One version of a criteria set. A published version never changes."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Bản nháp")
        PUBLISHED = "published", _("Đã ban hành")
        RETIRED = "retired", _("Ngừng sử dụng")

    class Subject(models.TextChoices):
        CITIZEN = "citizen", _("Công dân học tập")
        HOUSEHOLD = "household", _("Gia đình học tập")

    code = models.CharField(_("mã bộ tiêu chí"), max_length=40)
    version = models.PositiveIntegerField(_("phiên bản"))
    subject = models.CharField(_("đối tượng"), max_length=10, choices=Subject.choices)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    title_vi = models.CharField(_("tên (tiếng Việt)"), max_length=300)
    title_en = models.CharField(_("tên (tiếng Anh)"), max_length=300, blank=True)
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    valid_from = models.DateField(_("áp dụng từ"), null=True, blank=True)
    valid_to = models.DateField(_("áp dụng đến"), null=True, blank=True)
    description_vi = models.TextField(_("mô tả (tiếng Việt)"), blank=True)
    description_en = models.TextField(_("mô tả (tiếng Anh)"), blank=True)
    local_choices = models.JSONField(_("lựa chọn của địa phương"), default=list, blank=True)
    total_points = models.DecimalField(_("tổng điểm"), max_digits=7, decimal_places=2)
    min_total = models.DecimalField(_("tổng điểm tối thiểu"), max_digits=7, decimal_places=2)
    min_indicator = models.DecimalField(
        _("điểm tối thiểu mỗi chỉ số"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    min_criterion_share = models.DecimalField(
        _("tỷ lệ tối thiểu mỗi nhóm tiêu chí"),
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
    )
    # The national-target figures read digital skills from this indicator (by code).
    digital_indicator = models.CharField(_("chỉ số kỹ năng số"), max_length=40, blank=True)
    digital_min_points = models.DecimalField(
        _("điểm kỹ năng số tối thiểu"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    recognition_label_vi = models.CharField(max_length=200, default="Đạt")
    recognition_label_en = models.CharField(max_length=200, default="Recognised", blank=True)
    derived_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("bộ tiêu chí")
        verbose_name_plural = _("bộ tiêu chí")
        ordering = ["code", "version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="criteria_code_version"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published", "retired"]),
                name="criteria_status_known",
            ),
            models.CheckConstraint(
                condition=Q(min_total__lte=F("total_points")), name="criteria_min_total_reachable"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="criteria_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version} – {self.title_vi}"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class SetPart(models.Model):
    """A row that belongs to one criteria set version, kept in the workbook's order."""

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField()

    class Meta:
        abstract = True
        ordering = ["position"]


class TargetGroup(SetPart):
    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.CASCADE, related_name="target_groups"
    )
    code = models.CharField(max_length=40)
    label_vi = models.CharField(max_length=300)
    label_en = models.CharField(max_length=300, blank=True)
    min_age = models.PositiveSmallIntegerField(null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(null=True, blank=True)
    cadre = models.BooleanField(_("cán bộ"), default=False)
    # Codes of groups in other sets standing for the same people.
    same_as = models.JSONField(_("cùng nhóm với"), default=list, blank=True)

    class Meta(SetPart.Meta):
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="target_group_code"),
            models.CheckConstraint(
                condition=Q(min_age__isnull=True)
                | Q(max_age__isnull=True)
                | Q(min_age__lte=F("max_age")),
                name="target_group_age_range",
            ),
        ]

    def __str__(self) -> str:
        return self.label_vi


class Criterion(SetPart):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(max_length=40)
    label_vi = models.CharField(max_length=300)
    label_en = models.CharField(max_length=300, blank=True)
    max_points = models.DecimalField(max_digits=7, decimal_places=2)

    class Meta(SetPart.Meta):
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="criterion_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label_vi}"


class ChoiceList(SetPart):
    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.CASCADE, related_name="choice_lists"
    )
    name = models.CharField(max_length=60)

    class Meta(SetPart.Meta):
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "name"], name="choice_list_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Choice(models.Model):
    choice_list = models.ForeignKey(ChoiceList, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=60)
    label_vi = models.CharField(max_length=300)
    label_en = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["choice_list", "name"], name="choice_name"),
        ]

    def __str__(self) -> str:
        return self.label_vi


class Question(SetPart):
    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.CASCADE, related_name="questions"
    )
    code = models.CharField(max_length=60)
    level = models.CharField(max_length=10, choices=_choices(spec.LEVELS))
    type = models.CharField(max_length=20, choices=_choices(spec.QUESTION_TYPES))
    choice_list = models.ForeignKey(ChoiceList, null=True, blank=True, on_delete=models.PROTECT)
    label_vi = models.TextField()
    label_en = models.TextField(blank=True)
    hint_vi = models.TextField(blank=True)
    hint_en = models.TextField(blank=True)
    required = models.BooleanField(default=False)
    relevant = models.TextField(blank=True)
    constraint = models.TextField(blank=True)
    constraint_message_vi = models.TextField(blank=True)
    constraint_message_en = models.TextField(blank=True)
    reviewer_only = models.BooleanField(default=False)

    class Meta(SetPart.Meta):
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="question_code"),
            models.CheckConstraint(
                condition=Q(type__in=spec.QUESTION_TYPES), name="question_type_known"
            ),
            models.CheckConstraint(condition=Q(level__in=spec.LEVELS), name="question_level_known"),
        ]

    def __str__(self) -> str:
        return self.code


class Indicator(SetPart):
    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.CASCADE, related_name="indicators"
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(max_length=40)
    label_vi = models.TextField()
    label_en = models.TextField(blank=True)
    max_points = models.DecimalField(max_digits=7, decimal_places=2)
    target_groups = models.ManyToManyField(TargetGroup, blank=True, related_name="indicators")
    when_not_applicable = models.CharField(
        max_length=10, choices=_choices(spec.NOT_APPLICABLE_POLICIES), default="rescale"
    )

    class Meta(SetPart.Meta):
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="indicator_code"),
            models.CheckConstraint(
                condition=Q(when_not_applicable__in=spec.NOT_APPLICABLE_POLICIES),
                name="indicator_na_policy_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label_vi}"


class ScoringRule(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="rules")
    position = models.PositiveIntegerField()
    type = models.CharField(max_length=40)
    question = models.ForeignKey(Question, null=True, blank=True, on_delete=models.PROTECT)
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.type}"


class RecognitionLevel(SetPart):
    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.CASCADE, related_name="recognition_levels"
    )
    code = models.CharField(max_length=40)
    label_vi = models.CharField(max_length=200)
    label_en = models.CharField(max_length=200, blank=True)
    min_total = models.DecimalField(max_digits=7, decimal_places=2)
    min_indicator = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    local = models.BooleanField(default=True)

    class Meta(SetPart.Meta):
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="recognition_level_code"),
        ]

    def __str__(self) -> str:
        return self.label_vi
