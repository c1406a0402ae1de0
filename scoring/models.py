"""Scores stored with the criteria version that produced them.

Each member's and household's result is one row with real columns that the
aggregation groups and filters on: unit, target group, sex, age band,
ethnicity, total, recognised, and the points of each indicator in fixed
columns ``p01``..``p16`` (``p01`` is the set's first indicator, in set order).
``na_mask`` and ``missing_mask`` carry one bit per indicator (bit 0 = ``p01``),
so "not applicable" and "missing" are counted apart and never as failures.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MAX_INDICATORS = 16
POINT_COLUMNS = tuple(f"p{i:02d}" for i in range(1, MAX_INDICATORS + 1))


def _points() -> models.FloatField:
    return models.FloatField(null=True, blank=True)


class ScoringRun(models.Model):
    """One scoring of a round under one criteria version.

    The primary run of a (round, version) is written as households are submitted
    and corrected; a rescore writes a new run beside it and never overwrites it.
    """

    class Kind(models.TextChoices):
        PRIMARY = "primary", _("Chấm khi nộp phiếu")
        RESCORE = "rescore", _("Chấm lại")

    round = models.ForeignKey("survey.Round", on_delete=models.CASCADE, related_name="runs")
    criteria_set = models.ForeignKey(
        "criteria.CriteriaSet", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    complete = models.BooleanField(default=True)

    class Meta:
        ordering = ["round", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "criteria_set"],
                condition=Q(kind="primary"),
                name="one_primary_run_per_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.criteria_set_id} {self.kind} #{self.pk}"


class ScoreColumns(models.Model):
    run = models.ForeignKey(ScoringRun, on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey("survey.Round", on_delete=models.CASCADE, related_name="+")
    response = models.ForeignKey(
        "survey.HouseholdResponse", on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey("units.AdminUnit", on_delete=models.PROTECT, related_name="+")
    total = models.FloatField()
    recognised = models.BooleanField(null=True)
    complete = models.BooleanField()
    level = models.CharField(max_length=40, blank=True)
    na_mask = models.PositiveIntegerField(default=0)
    missing_mask = models.PositiveIntegerField(default=0)
    reasons_vi = models.JSONField(default=list, blank=True)
    reasons_en = models.JSONField(default=list, blank=True)
    p01, p02, p03, p04, p05, p06, p07, p08 = (_points() for _ in range(8))
    p09, p10, p11, p12, p13, p14, p15, p16 = (_points() for _ in range(8))

    class Meta:
        abstract = True


class MemberScore(ScoreColumns):
    member = models.ForeignKey("survey.MemberResponse", on_delete=models.CASCADE, related_name="+")
    target_group = models.CharField(max_length=40)
    sex = models.CharField(max_length=6)
    age = models.PositiveSmallIntegerField()
    age_band = models.CharField(max_length=8)
    ethnicity = models.CharField(max_length=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "member"], name="member_score_once_per_run"),
        ]
        indexes = [models.Index(fields=["run", "unit"], name="member_score_run_unit")]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.total}"


class HouseholdScore(ScoreColumns):
    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["run", "response"], name="household_score_once_per_run"
            ),
        ]
        indexes = [models.Index(fields=["run", "unit"], name="household_score_run_unit")]

    def __str__(self) -> str:
        return f"{self.response_id}: {self.total}"
