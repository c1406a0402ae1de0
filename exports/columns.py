"""The columns of the summary tables, shared by the workbook and the CSV writers.

A column is a header, a getter over ``AreaFigures`` (or the row) and a kind: ``int``,
``pct`` (a share 0..1, shown as a percentage with one decimal), ``num`` (2 decimals) or
``text``. Targets are stored as percentages (70 = 70 %) and written as shares.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from exports.content import SummaryRow
from scoring.models import Target
from scoring.summary import AreaFigures, IndicatorFigure


@dataclass(frozen=True)
class Column:
    header: str
    get: Callable[[Any], Any]
    kind: str = "int"
    width: float = 12
    # Key of the 2025 target column this rate is compared with (conditional formatting).
    below: str | None = None
    key: str = ""


def rate_of(p) -> float | None:
    return None if p is None else p.rate


def target_of(f: AreaFigures, indicator: str, year: int) -> float | None:
    for t in f.targets:
        if t.indicator == indicator:
            value = t.target_2025 if year == 2025 else t.target_2030
            return None if value is None else value / 100
    return None


def target_value(f: AreaFigures, indicator: str):
    return next((t.value for t in f.targets if t.indicator == indicator), None)


def level_label(kind: str) -> str:
    return {
        "commune": _("Xã/phường"),
        "district": _("Huyện/thành phố"),
        "province": _("Tỉnh"),
        "total": _("Tổng cộng"),
    }[kind]


def area_code(figures: AreaFigures) -> str:
    if figures.area.level == "total":
        return ""
    return "+".join(key.split("@")[0] for key in figures.area.key.split("+"))


def area_columns() -> list[Column]:
    """Identify the row: level, code, name."""
    return [
        Column(_("Cấp"), lambda r: level_label(r.kind), "text", 16, key="level"),
        Column(_("Mã"), lambda r: area_code(r.figures), "text", 10, key="code"),
        Column(_("Đơn vị"), lambda r: r.figures.area.name, "text", 30, key="area"),
    ]


def summary_columns() -> list[Column]:
    """Every figure of the aggregation, each QĐ 677/387 rate beside its 2025/2030 targets."""
    columns = [
        *area_columns(),
        Column(_("Số hộ dự kiến"), lambda r: r.figures.planned, key="planned"),
        Column(_("Số hộ đã khảo sát"), lambda r: r.figures.households, key="households"),
        Column(_("Tỷ lệ bao phủ"), lambda r: r.figures.coverage, "pct", key="coverage"),
        Column(_("Số người được đánh giá"), lambda r: r.figures.members, key="members"),
        Column(_("Chưa xác định"), lambda r: r.figures.undetermined, key="undetermined"),
        Column(_("Đã xác định"), lambda r: r.figures.rate.n, key="decided"),
        Column(_("Số người đạt"), lambda r: r.figures.rate.count, key="recognised"),
        Column(_("Tỷ lệ đạt"), lambda r: r.figures.rate.rate, "pct", key="rate"),
        Column(_("Khoảng tin cậy 95% – thấp"), lambda r: r.figures.rate.low, "pct", key="ci_low"),
        Column(_("Khoảng tin cậy 95% – cao"), lambda r: r.figures.rate.high, "pct", key="ci_high"),
        Column(_("Điểm trung bình"), lambda r: r.figures.mean_total, "num", key="mean_total"),
    ]
    for indicator, label in (
        (Target.Indicator.ADULTS, _("Người từ 15 tuổi đạt")),
        (Target.Indicator.CADRES, _("CB, CC, VC đạt")),
        (Target.Indicator.DIGITAL, _("Có kỹ năng số")),
        (Target.Indicator.HOUSEHOLDS, _("Hộ đạt Gia đình học tập")),
    ):
        key = str(indicator)
        columns += [
            Column(
                label,
                lambda r, i=indicator: rate_of(target_value(r.figures, i)),
                "pct",
                14,
                below=f"{key}_2025",
                key=f"{key}_rate",
            ),
            Column(
                _("Chỉ tiêu 2025"),
                lambda r, i=indicator: target_of(r.figures, i, 2025),
                "pct",
                key=f"{key}_2025",
            ),
            Column(
                _("Chỉ tiêu 2030"),
                lambda r, i=indicator: target_of(r.figures, i, 2030),
                "pct",
                key=f"{key}_2030",
            ),
        ]
    columns += [
        Column(_("Số hộ được đánh giá"), lambda r: r.figures.households_assessed, key="hh_n"),
        Column(
            _("Số hộ đã xác định"),
            lambda r: None if r.figures.household_rate is None else r.figures.household_rate.n,
            key="hh_decided",
        ),
        Column(
            _("Số hộ đạt"),
            lambda r: None if r.figures.household_rate is None else r.figures.household_rate.count,
            key="hh_recognised",
        ),
        Column(
            _("Điểm trung bình của hộ"),
            lambda r: r.figures.household_mean_total,
            "num",
            key="hh_mean",
        ),
    ]
    return columns


def indicator_columns(*, household: bool = False) -> list[Column]:
    """Columns of an indicator sheet; rows are (SummaryRow, IndicatorFigure)."""
    scored = _("Số hộ được chấm") if household else _("Số người được chấm")

    def ind(get: Callable[[IndicatorFigure], Any]) -> Callable:
        return lambda pair: None if pair[1] is None else get(pair[1])

    def row(get: Callable[[SummaryRow], Any]) -> Callable:
        return lambda pair: get(pair[0])

    return [
        *(Column(c.header, row(c.get), c.kind, c.width, key=c.key) for c in area_columns()),
        Column(scored, ind(lambda i: i.scored), key="scored"),
        Column(_("Điểm trung bình"), ind(lambda i: i.mean), "num", key="mean"),
        Column(_("Điểm tối đa"), ind(lambda i: i.max_points), "num", key="max"),
        Column(
            _("Số đạt mức tối thiểu"),
            ind(lambda i: None if i.at_min is None else i.at_min.count),
            key="at_min",
        ),
        Column(
            _("Tỷ lệ đạt mức tối thiểu"),
            ind(lambda i: None if i.at_min is None else i.at_min.rate),
            "pct",
            key="at_min_share",
        ),
        Column(_("Không áp dụng"), ind(lambda i: i.not_applicable), key="na"),
        Column(_("Thiếu dữ liệu"), ind(lambda i: i.missing), key="missing"),
    ]


def breakdown_columns() -> list[Column]:
    """Columns of the breakdown sheet; rows are (dimension label, SummaryRow, GroupFigure)."""
    return [
        Column(_("Chia theo"), lambda t: t[0], "text", 16, key="dimension"),
        *(
            Column(c.header, lambda t, g=c.get: g(t[1]), c.kind, c.width, key=c.key)
            for c in area_columns()
        ),
        Column(_("Mã nhóm"), lambda t: t[2].value, "text", 12, key="group"),
        Column(_("Nhóm"), lambda t: t[2].label, "text", 24, key="group_label"),
        Column(_("Số người"), lambda t: t[2].members, key="members"),
        Column(_("Chưa xác định"), lambda t: t[2].undetermined, key="undetermined"),
        Column(_("Đã xác định"), lambda t: t[2].rate.n, key="decided"),
        Column(_("Số người đạt"), lambda t: t[2].rate.count, key="recognised"),
        Column(_("Tỷ lệ đạt"), lambda t: t[2].rate.rate, "pct", key="rate"),
        Column(_("Khoảng tin cậy 95% – thấp"), lambda t: t[2].rate.low, "pct", key="ci_low"),
        Column(_("Khoảng tin cậy 95% – cao"), lambda t: t[2].rate.high, "pct", key="ci_high"),
        Column(_("Điểm trung bình"), lambda t: t[2].mean_total, "num", key="mean_total"),
    ]


DIMENSION_LABELS = {
    "target_group": gettext_noop("Nhóm đối tượng"),
    "sex": gettext_noop("Giới tính"),
    "age_band": gettext_noop("Nhóm tuổi"),
    "ethnicity": gettext_noop("Dân tộc"),
}


def breakdown_rows(rows: list[SummaryRow]) -> list[tuple]:
    """(dimension label, row, group) for every dimension, row and group."""
    out = []
    for dimension, label in DIMENSION_LABELS.items():
        for row in rows:
            for group in row.figures.breakdowns.get(dimension, ()):
                out.append((_(label), row, group))
    return out


def indicator_rows(rows: list[SummaryRow], code: str, *, household: bool) -> list[tuple]:
    out = []
    for row in rows:
        figures = row.figures.household_indicators if household else row.figures.indicators
        out.append((row, next((i for i in figures if i.code == code), None)))
    return out
