"""The charts of the report pages, as the data the page's script draws."""

from __future__ import annotations

from django.utils.translation import gettext as _

from scoring.formatting import round_percent
from scoring.stats import Proportion
from scoring.summary import AreaFigures, RoundSummary

CHART_MEASURES = ("adults", "rate", "cadres", "digital", "households")
MEASURE_LABELS = {
    "rate": "Tỷ lệ đạt danh hiệu Công dân học tập",
    "adults": "Người từ 15 tuổi đạt danh hiệu Công dân học tập (QĐ 677)",
    "cadres": "Cán bộ, công chức, viên chức đạt danh hiệu (QĐ 677)",
    "digital": "Người đạt danh hiệu có kỹ năng số đáp ứng yêu cầu (QĐ 677)",
    "households": "Hộ đạt danh hiệu Gia đình học tập (QĐ 387)",
}
MEASURE_TARGETS = {
    "adults": "adults_recognised",
    "cadres": "cadres_recognised",
    "digital": "digital_skills",
    "households": "households_recognised",
}


def percent(value: float | None) -> float | None:
    """A share as the percentage a chart draws and its tooltip shows, rounded half up."""
    return None if value is None else float(round_percent(value=value, digits=2))


def read_measure(*, figures: AreaFigures, measure: str) -> Proportion | None:
    """The share of an area a chart measure shows."""
    return {
        "rate": figures.rate,
        "adults": figures.adults,
        "cadres": figures.cadres,
        "digital": figures.digital,
        "households": figures.household_rate,
    }[measure]


def build_area_chart(*, summary: RoundSummary, measure: str) -> dict:
    """A bar per area with its 95% interval, and the target lines (2025, 2030)."""
    labels, values, lows, highs = [], [], [], []
    for figures in summary.areas:
        share = read_measure(figures=figures, measure=measure)
        labels.append(figures.area.name)
        values.append(percent(share.rate) if share else None)
        lows.append(percent(share.low) if share else None)
        highs.append(percent(share.high) if share else None)
    lines = []
    target = summary.targets.get(MEASURE_TARGETS.get(measure, ""), (None, None))
    for year, value in zip((2025, 2030), target, strict=True):
        if value is not None:
            lines.append({"label": _("Mục tiêu %(year)s") % {"year": year}, "value": value})
    return {
        "kind": "bars",
        "title": _(MEASURE_LABELS[measure]),
        "labels": labels,
        "series": [
            {"label": _("Tỷ lệ (%)"), "values": values, "low": lows, "high": highs},
        ],
        "targets": lines,
        "unit": "%",
        "max": 100,
    }


def build_below_minimum_chart(*, summary: RoundSummary) -> dict:
    """A bar per indicator: the share below its minimum, over all the summary's areas."""
    total = [i for i in summary.total.indicators if i.at_min is not None]
    return {
        "kind": "hbars",
        "title": _("Tỷ lệ dưới điểm tối thiểu của chỉ số (toàn bộ)"),
        "labels": [i.code for i in total],
        "series": [
            {
                "label": _("Dưới mức tối thiểu (%)"),
                "values": [
                    percent(1 - i.at_min.rate) if i.at_min.rate is not None else None for i in total
                ],
            }
        ],
        "targets": [],
        "unit": "%",
        "max": 100,
    }


def build_comparison_chart(
    *,
    labels: list[str],
    figures: list[AreaFigures],
    targets: tuple[float | None, float | None] = (None, None),
) -> dict:
    """A bar per compared item: its rate with the 95% interval, and the national target
    lines (2025, 2030) of the aged-15+ rate."""
    lines = [
        {"label": _("Mục tiêu %(year)s") % {"year": year}, "value": value}
        for year, value in zip((2025, 2030), targets, strict=True)
        if value is not None
    ]
    return {
        "kind": "bars",
        "title": _("Tỷ lệ đạt danh hiệu Công dân học tập (khoảng tin cậy 95%)"),
        "labels": labels,
        "series": [
            {
                "label": _("Tỷ lệ (%)"),
                "values": [percent(f.rate.rate) for f in figures],
                "low": [percent(f.rate.low) for f in figures],
                "high": [percent(f.rate.high) for f in figures],
            }
        ],
        "targets": lines,
        "unit": "%",
        "max": 100,
    }


def build_group_chart(*, labels: list[str], group_rows: list[dict]) -> dict:
    """Bars per target group, one series per compared item."""
    return {
        "kind": "bars",
        "title": _("Tỷ lệ đạt theo nhóm đối tượng"),
        "labels": [row["label"] for row in group_rows],
        "series": [
            {
                "label": label,
                "values": [
                    percent(c["group"].rate.rate) if c["group"] else None
                    for c in (row["cells"][n] for row in group_rows)
                ],
            }
            for n, label in enumerate(labels)
        ],
        "targets": [],
        "unit": "%",
        "max": 100,
    }
