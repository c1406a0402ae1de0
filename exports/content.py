"""Gather what a round export holds, as plain data, from ``summarise_round`` and the score rows.

Every figure comes from ``scoring.aggregation.summarise_round`` (the code path of the
report pages); nothing here counts or divides. The detail rows (households and members
with their points, ``exports.details``) are streamed from the score rows in chunks, so
memory stays flat however large the round is. The writers (``exports.workbook``,
``exports.csv``) take the result and know nothing of the database. What the user asked
for and the communes it covers are in ``exports.options``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.models import AnonymousUser, User
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from criteria.selectors import spec_of
from exports.details import DetailTable, detail_tables
from exports.options import (
    APPROVED_ONLY,
    ExportError,
    ExportOptions,
    can_export_personal,
    scoped_communes,
)
from scoring.aggregation import summarise_round
from scoring.areas import HIERARCHIES, LEVELS, area_map
from scoring.definitions import COUNTED_STATUSES
from scoring.summary import BREAKDOWNS, AggregationError, AreaFigures, RoundSummary
from survey.models import HouseholdResponse, ResponseStatus, Round
from survey.selectors import lock_history, locked_units
from units.models import AdminUnit

DIMENSIONS = tuple(d for d in BREAKDOWNS if d != "none")


@dataclass(frozen=True)
class SummaryRow:
    kind: str  # commune, district, province or total (a subtotal is a district row)
    figures: AreaFigures


@dataclass
class RoundExport:
    """Everything a round workbook or CSV holds, ready to write."""

    round_code: str
    round_name: str
    cover: list[tuple[str, object]]
    summary: RoundSummary  # at the chosen level, with every breakdown
    rows: list[SummaryRow]
    indicator_labels: dict[str, str]
    household_indicator_labels: dict[str, str]
    details: list[DetailTable] = field(default_factory=list)
    generated_at: datetime | None = None


def gather_round_export(
    *,
    round_: Round,
    options: ExportOptions,
    user: User | AnonymousUser | None,
    progress: Callable[[int], None] | None = None,
) -> RoundExport:
    """Collect the export's figures (and, when asked and allowed, its detail rows)."""
    if options.level not in LEVELS or options.hierarchy not in HIERARCHIES:
        raise ExportError(_("Cấp tổng hợp hoặc hệ thống đơn vị không hợp lệ."))
    if options.detail and not can_export_personal(user=user):
        raise ExportError(_("Bạn không được xuất dữ liệu cá nhân."))
    communes = scoped_communes(round_=round_, user=user, units=options.units)
    if not communes:
        raise ExportError(_("Không có đơn vị nào của đợt này trong phạm vi của bạn."))

    def summary(level: str) -> RoundSummary:
        return summarise_round(
            round_=round_,
            level=level,
            hierarchy=options.hierarchy,
            breakdown=DIMENSIONS,
            unit_keys=communes,
            statuses=options.statuses,
        )

    try:
        main = summary(options.level)
        rows = _summary_rows(main, options, summary)
    except AggregationError as exc:
        raise ExportError(str(exc)) from exc
    if progress:
        progress(5)
    run = main.run
    spec = spec_of(criteria_set=run.criteria_set) if run else None
    household_run = main.household_run
    household_spec = spec_of(criteria_set=household_run.criteria_set) if household_run else None
    export = RoundExport(
        round_code=round_.code,
        round_name=round_.name,
        cover=[],
        summary=main,
        rows=rows,
        indicator_labels={i.code: i.label.vi for i in spec.indicators} if spec else {},
        household_indicator_labels=(
            {i.code: i.label.vi for i in household_spec.indicators} if household_spec else {}
        ),
        generated_at=timezone.now(),
    )
    export.cover = _cover(
        round_=round_, export=export, options=options, user=user, communes=communes
    )
    if options.detail:
        export.details = detail_tables(summary=main, communes=communes, spec=spec)
    return export


def _summary_rows(main: RoundSummary, options: ExportOptions, summary) -> list[SummaryRow]:
    """Areas in order; on the commune level of the round's hierarchy, each district's
    communes are followed by the district's subtotal; the total comes last."""
    if options.level != "commune" or options.hierarchy != "round":
        return [SummaryRow(options.level, f) for f in main.areas] + [
            SummaryRow("total", main.total)
        ]
    districts = summary("district")
    by_district = {f.area.key: f for f in districts.areas}
    communes = [c for f in main.areas for c in f.area.communes]
    district_of = area_map(communes=communes, level="district", hierarchy="round")
    groups: dict[str, list[AreaFigures]] = {}
    for figures in main.areas:
        groups.setdefault(district_of[figures.area.key][0], []).append(figures)
    rows: list[SummaryRow] = []
    for district in districts.areas:  # already in Vietnamese name order
        rows += [SummaryRow("commune", f) for f in groups.get(district.area.key, [])]
        rows.append(SummaryRow("district", by_district[district.area.key]))
    rows.append(SummaryRow("total", main.total))
    return rows


STATUS_TEXT = {
    tuple(sorted(COUNTED_STATUSES)): gettext_noop("Đã gửi, đã kiểm tra và đã phê duyệt"),
    APPROVED_ONLY: gettext_noop("Chỉ phiếu đã phê duyệt"),
}
LEVEL_TEXT = {
    "commune": gettext_noop("Xã/phường"),
    "district": gettext_noop("Huyện/thành phố"),
    "province": gettext_noop("Tỉnh"),
}
HIERARCHY_TEXT = {
    "round": gettext_noop("Đơn vị hành chính lúc khảo sát"),
    "2025": gettext_noop("Đơn vị hành chính từ 01/07/2025"),
}


def _cover(
    *,
    round_: Round,
    export: RoundExport,
    options: ExportOptions,
    user: User | None,
    communes: Collection[str],
) -> list[tuple[str, object]]:
    run = export.summary.run
    household_run = export.summary.household_run
    names = dict(AdminUnit.objects.filter(key__in=options.units).values_list("key", "name"))
    units = ", ".join(names.get(k, k) for k in options.units) or _("Tất cả đơn vị trong phạm vi")
    statuses = tuple(sorted(options.statuses))
    who = "" if user is None else (user.get_full_name() or user.get_username())
    return [
        (_("Đợt khảo sát"), f"{round_.code} – {round_.name}"),
        (_("Thời gian khảo sát"), f"{round_.starts_on:%d/%m/%Y} – {round_.ends_on:%d/%m/%Y}"),
        (
            _("Bộ tiêu chí công dân"),
            f"{run.criteria_set.code} v{run.criteria_set.version}" if run else "—",
        ),
        (
            _("Bộ tiêu chí hộ gia đình"),
            f"{household_run.criteria_set.code} v{household_run.criteria_set.version}"
            if household_run
            else "—",
        ),
        (_("Đơn vị"), units),
        (_("Cấp tổng hợp"), _(LEVEL_TEXT[options.level])),
        (_("Hệ thống đơn vị"), _(HIERARCHY_TEXT[options.hierarchy])),
        (_("Phiếu được tính"), _(STATUS_TEXT.get(statuses, ", ".join(statuses)))),
        *_definition_lines(summary=export.summary),
        *_approval_lines(round_=round_, communes=communes),
        (_("Thời điểm xuất"), timezone.localtime(export.generated_at).strftime("%d/%m/%Y %H:%M")),
        (_("Người xuất"), who or _("(dòng lệnh)")),
        (
            _("Dữ liệu cá nhân"),
            _(
                "Có: các trang Hộ và Thành viên chứa họ tên, năm sinh, dân tộc. Chỉ dùng cho "
                "công tác khuyến học, không chuyển cho người không có thẩm quyền, xoá khi "
                "không còn cần."
            )
            if options.detail
            else _("Không: tệp chỉ có số liệu tổng hợp, không có thông tin cá nhân."),
        ),
    ]


def _definition_lines(*, summary: RoundSummary) -> list[tuple[str, object]]:
    """Say so when the set defines no digital-skills figure (its column is left empty)."""
    if summary.definitions.defines_digital:
        return []
    return [(_("Kỹ năng số"), _("Bộ tiêu chí không định nghĩa chỉ số kỹ năng số."))]


def _approval_lines(*, round_: Round, communes: Collection[str]) -> list[tuple[str, object]]:
    """How much of the data is approved and locked, and every unlock (it reopened figures
    that may have been reported before)."""
    locked = locked_units(round_=round_, unit_keys=communes)
    pending = (
        HouseholdResponse.objects.filter(round=round_, unit_id__in=list(communes))
        .exclude(status=ResponseStatus.APPROVED)
        .count()
    )
    lines: list[tuple[str, object]] = [
        (
            _("Xã đã phê duyệt và khoá số liệu"),
            _("%(locked)d/%(total)d xã; %(pending)d phiếu chưa phê duyệt")
            % {"locked": len(locked), "total": len(communes), "pending": pending},
        )
    ]
    for event in lock_history(round_=round_, unit_keys=communes, kind="unlock"):
        by = event.by.get_full_name() or event.by.get_username()
        lines.append(
            (
                _("Mở khoá số liệu"),
                f"{timezone.localtime(event.at):%d/%m/%Y %H:%M} – {event.unit.name} – {by}: "
                f"{event.reason}",
            )
        )
    return lines
