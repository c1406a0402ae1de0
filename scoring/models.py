"""Scores stored with the criteria version that produced them.

Each member's and household's result is one row with real columns that the
aggregation groups and filters on: unit, target group, sex, age band,
ethnicity, total, recognised, and the points of each indicator in fixed
columns ``p01``..``p16`` (``p01`` is the set's first indicator, in set order).
``na_mask`` and ``missing_mask`` carry one bit per indicator (bit 0 = ``p01``),
so "not applicable" and "missing" are counted apart and never as failures.

Score rows are written and deleted only by ``scoring.services`` (never by a
cascade), because every write also updates the per-unit aggregates
(``ScoreAggregate``) in the same transaction; ``status`` is the response's
status when it was scored, which is how the aggregates count it.
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
    # False while a rescore is being written; pages only offer complete runs.
    complete = models.BooleanField(default=True)
    # A household run: the citizen run whose member results its member items read.
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="household_runs"
    )
    # The definitions the run's aggregates were built with (scoring.definitions).
    aggregate_params = models.JSONField(default=dict, blank=True)

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
    # Rows are read by run with the unit or the response (the composite indexes below), so
    # the single-column indexes of run, round and unit would only slow the bulk writes.
    run = models.ForeignKey(ScoringRun, on_delete=models.CASCADE, related_name="+", db_index=False)
    round = models.ForeignKey(
        "survey.Round", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    # PROTECT: a scored response is removed through scoring.services.forget_response_scores,
    # which takes its rows out of the aggregates first.
    response = models.ForeignKey(
        "survey.HouseholdResponse", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "units.AdminUnit", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    status = models.CharField(max_length=10)
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
    # A correction replaces a response's member rows before it is scored again; the old
    # score rows must outlive them until record_response_scores takes them out of the
    # aggregates, so the link is not a database constraint and deletes nothing.
    member = models.ForeignKey(
        "survey.MemberResponse",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # the unique (run, member) serves every lookup
        related_name="+",
    )
    target_group = models.CharField(max_length=40)
    sex = models.CharField(max_length=6)
    age = models.PositiveSmallIntegerField()
    age_band = models.CharField(max_length=8)
    ethnicity = models.CharField(max_length=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "member"], name="member_score_once_per_run"),
        ]
        indexes = [
            models.Index(fields=["run", "unit"], name="member_score_run_unit"),
            # A response's rows in a run: replaced on every record, listed on the pages.
            models.Index(fields=["run", "response"], name="member_score_run_response"),
        ]

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


class ScoredResponse(models.Model):
    """A response as a run has counted it: its unit, status and revision when scored.

    The households surveyed in the aggregates are these rows, so a response with no
    assessed member (only young children) still counts as a household surveyed.
    """

    run = models.ForeignKey(ScoringRun, on_delete=models.CASCADE, related_name="+", db_index=False)
    response = models.ForeignKey(
        "survey.HouseholdResponse", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "units.AdminUnit", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    status = models.CharField(max_length=10)
    revision = models.PositiveIntegerField()
    members = models.PositiveSmallIntegerField(default=0)  # assessed members

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "response"], name="scored_response_once"),
        ]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.response_id} r{self.revision}"


def _sum() -> models.BigIntegerField:
    return models.BigIntegerField(default=0)


# Scales of the integer sums: totals in hundredths (they are rounded to 2 decimals),
# indicator points in millionths (they are kept unrounded). Integers add and subtract
# exactly, so an aggregate updated a million times still equals a recomputation.
TOTAL_SCALE = 100
POINT_SCALE = 1_000_000
SUM_COLUMNS = tuple(f"s{i:02d}" for i in range(1, MAX_INDICATORS + 1))
AT_MIN_COLUMNS = tuple(f"k{i:02d}" for i in range(1, MAX_INDICATORS + 1))
NA_COLUMNS = tuple(f"a{i:02d}" for i in range(1, MAX_INDICATORS + 1))
MISSING_COLUMNS = tuple(f"m{i:02d}" for i in range(1, MAX_INDICATORS + 1))
CELL_DIMENSIONS = ("target_group", "sex", "age_band", "ethnicity")
GROUP_DIMENSIONS = ("target_group", "age_band")
MEASURES = (
    "households",
    "count",
    "recognised",
    "undetermined",
    "total_cents",
    "digital_base",
    "digital_ok",
    *SUM_COLUMNS,
    *AT_MIN_COLUMNS,
    *NA_COLUMNS,
    *MISSING_COLUMNS,
)


class MeasureColumns(models.Model):
    """The sums and counts of a set of score rows (see ``ScoreAggregate``)."""

    run = models.ForeignKey(ScoringRun, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("units.AdminUnit", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10)
    households = _sum()
    count = _sum()
    recognised = _sum()
    undetermined = _sum()
    total_cents = _sum()
    digital_base = _sum()
    digital_ok = _sum()
    s01, s02, s03, s04, s05, s06, s07, s08 = (_sum() for _ in range(8))
    s09, s10, s11, s12, s13, s14, s15, s16 = (_sum() for _ in range(8))
    k01, k02, k03, k04, k05, k06, k07, k08 = (_sum() for _ in range(8))
    k09, k10, k11, k12, k13, k14, k15, k16 = (_sum() for _ in range(8))
    a01, a02, a03, a04, a05, a06, a07, a08 = (_sum() for _ in range(8))
    a09, a10, a11, a12, a13, a14, a15, a16 = (_sum() for _ in range(8))
    m01, m02, m03, m04, m05, m06, m07, m08 = (_sum() for _ in range(8))
    m09, m10, m11, m12, m13, m14, m15, m16 = (_sum() for _ in range(8))

    class Meta:
        abstract = True


class ScoreAggregate(MeasureColumns):
    """Sums and counts of one run's score rows in one cell: unit × status × breakdown values.

    Kept current by ``scoring.contributions`` in the transaction that writes the score rows;
    a test proves that they always equal a recomputation from the rows. Household runs
    use the cells with empty breakdown values. Per cell:

    * ``households``: responses counted (on the cell with empty breakdown values);
    * ``count``: members (households in a household run) with a score row;
    * ``recognised``, ``undetermined`` (recognised is unknown: answers missing);
    * ``total_cents``: the sum of the totals of the decided, in hundredths;
    * ``digital_base``/``digital_ok``: recognised members whose digital indicator was
      scored / reached the minimum of the run's ``aggregate_params``;
    * per indicator *i* (set order): ``s``\\ *i* the sum of scored points in millionths,
      ``k``\\ *i* how many scored at least the set's ``min_indicator``, ``a``\\ *i* not
      applicable, ``m``\\ *i* missing.
    """

    target_group = models.CharField(max_length=40, blank=True)
    sex = models.CharField(max_length=6, blank=True)
    age_band = models.CharField(max_length=8, blank=True)
    ethnicity = models.CharField(max_length=2, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["run", "unit", "status", *CELL_DIMENSIONS], name="score_aggregate_cell"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.unit_id}/{self.status}: {self.count}"


class GroupAggregate(MeasureColumns):
    """``ScoreAggregate`` summed over sex and ethnicity: unit × status × target group × age
    band. A few hundred rows per run, enough for every figure of the overview (adults and
    cadres come from the age bands and target groups); kept current by the same deltas."""

    target_group = models.CharField(max_length=40, blank=True)
    age_band = models.CharField(max_length=8, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["run", "unit", "status", "target_group", "age_band"],
                name="group_aggregate_cell",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.unit_id}/{self.status}: {self.count}"


class Target(models.Model):
    """A target of the programme for a year, nationally (no province) or for one province.

    Defaults come from QĐ 677/QĐ-TTg and QĐ 387/QĐ-TTg (``manage.py install_targets``);
    a province may set higher targets of its own, which then take precedence.
    """

    class Indicator(models.TextChoices):
        ADULTS = "adults_recognised", _("Người lớn đạt danh hiệu Công dân học tập")
        CADRES = "cadres_recognised", _("Cán bộ, công chức, viên chức đạt danh hiệu")
        DIGITAL = "digital_skills", _("Người đạt danh hiệu có kỹ năng số đáp ứng yêu cầu")
        ONLINE = "digital_online", _("Trong đó tự đánh giá trực tuyến được theo bộ tiêu chí")
        HOUSEHOLDS = "households_recognised", _("Hộ đạt danh hiệu Gia đình học tập")

    province = models.ForeignKey(
        "units.AdminUnit",
        verbose_name=_("tỉnh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "province"},
        help_text=_("Để trống: chỉ tiêu toàn quốc."),
    )
    indicator = models.CharField(_("chỉ tiêu"), max_length=30, choices=Indicator.choices)
    year = models.PositiveSmallIntegerField(_("năm"))
    value = models.DecimalField(_("giá trị (%)"), max_digits=5, decimal_places=2)
    source = models.CharField(_("căn cứ"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["indicator", "year", "province"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "indicator", "year"],
                condition=Q(province__isnull=False),
                name="target_once_per_province",
            ),
            models.UniqueConstraint(
                fields=["indicator", "year"],
                condition=Q(province__isnull=True),
                name="target_once_nationally",
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0) & Q(value__lte=100), name="target_value_percent"
            ),
        ]

    def __str__(self) -> str:
        where = self.province_id or "VN"
        return f"{self.indicator} {self.year} {where}: {self.value}%"
