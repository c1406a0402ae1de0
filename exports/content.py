"""Gather what a round export holds, as plain data, from ``summarise_round`` and the score rows.

Every figure comes from ``scoring.aggregation.summarise_round`` (the code path of the
report pages); nothing here counts or divides. The detail rows (households and members
with their points) are streamed from the score rows in chunks, so memory stays flat
however large the round is. The writers (``exports.workbook``, ``exports.csv``) take
the result and know nothing of the database.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime

from django.contrib.auth.models import AnonymousUser, User
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.selectors import sees_everything, visible_units
from criteria.selectors import spec_of
from scoring.aggregation import summarise_round
from scoring.areas import HIERARCHIES, LEVELS, area_map
from scoring.definitions import COUNTED_STATUSES
from scoring.models import POINT_COLUMNS, HouseholdScore, MemberScore
from scoring.summary import BREAKDOWNS, AggregationError, AreaFigures, RoundSummary
from survey.models import HouseholdResponse, ResponseStatus, Round, RoundUnit
from survey.reference import ETHNIC_NAMES, SEXES
from survey.selectors import lock_history, locked_units
from units.models import AdminUnit

PERSONAL = "accounts.view_personal_data"
APPROVED_ONLY = ("approved",)
DIMENSIONS = tuple(d for d in BREAKDOWNS if d != "none")
CHUNK = 5000


class ExportError(ValueError):
    """An export that cannot be made as asked (the message says why, for the user)."""


@dataclass(frozen=True)
class ExportOptions:
    """What the user asked for; stored as JSON on ``ExportJob.options``."""

    units: tuple[str, ...] = ()  # unit keys (communes, districts, the province); () = all
    level: str = "commune"
    hierarchy: str = "round"
    detail: bool = False
    approved_only: bool = False

    def to_json(self) -> dict:
        return {**asdict(self), "units": list(self.units)}

    @classmethod
    def from_json(cls, data: dict) -> ExportOptions:
        return cls(
            units=tuple(data.get("units") or ()),
            level=data.get("level", "commune"),
            hierarchy=data.get("hierarchy", "round"),
            detail=bool(data.get("detail")),
            approved_only=bool(data.get("approved_only")),
        )

    @property
    def statuses(self) -> tuple[str, ...]:
        return APPROVED_ONLY if self.approved_only else tuple(COUNTED_STATUSES)


@dataclass(frozen=True)
class SummaryRow:
    kind: str  # commune, district, province or total (a subtotal is a district row)
    figures: AreaFigures


@dataclass
class DetailTable:
    """One table of personal data, streamed: ``rows`` is consumed once."""

    key: str  # "households" or "members"
    title: str
    headers: list[str]
    rows: Iterator[tuple]
    count: int
    percent_columns: tuple[int, ...] = ()


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


def can_export_personal(*, user: User | AnonymousUser | None) -> bool:
    """Whether the user's exports may hold names, birth years and ethnicity."""
    return user is None or user.has_perm(PERSONAL)


def round_communes(*, round_: Round) -> set[str]:
    """The commune keys of the round (planned, or with responses)."""
    keys = set(RoundUnit.objects.filter(round=round_).values_list("unit_id", flat=True))
    keys |= set(
        HouseholdResponse.objects.filter(round=round_).values_list("unit_id", flat=True).distinct()
    )
    return keys


def scoped_communes(
    *, round_: Round, user: User | AnonymousUser | None, units: Collection[str] = ()
) -> set[str]:
    """The round's communes the user may see, within ``units`` when given.

    ``units`` may name communes, districts or provinces (their communes are taken); a unit
    outside the user's scope or not in the round raises ExportError (the views answer 404).
    """
    communes = round_communes(round_=round_)
    if user is not None and not sees_everything(user=user):
        visible = set(visible_units(user=user).values_list("key", flat=True))
        communes &= visible
    else:
        visible = None
    if not units:
        return communes
    parents = dict(AdminUnit.objects.values_list("key", "parent_id"))
    chosen: set[str] = set()
    for key in units:
        if visible is not None and key not in visible:
            raise ExportError(_("Không có đơn vị %(key)s trong phạm vi của bạn.") % {"key": key})
        found = {c for c in communes if _descends(c, key, parents)}
        if not found:
            raise ExportError(_("Đơn vị %(key)s không có trong đợt này.") % {"key": key})
        chosen |= found
    return chosen


def _descends(commune: str, ancestor: str, parents: dict[str, str | None]) -> bool:
    current: str | None = commune
    while current is not None:
        if current == ancestor:
            return True
        current = parents.get(current)
    return False


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


# Detail rows -----------------------------------------------------------------------------


def _unit_names(communes: Collection[str]) -> dict[str, tuple[str, str]]:
    return {
        key: (code, name)
        for key, code, name in AdminUnit.objects.filter(key__in=communes).values_list(
            "key", "code", "name"
        )
    }


def _recognised_labels() -> dict[bool | None, str]:
    """Labels of the recognised column, translated once per table (not once per row)."""
    return {None: _("Chưa xác định"), True: _("Đạt"), False: _("Chưa đạt")}


def _recognised_code(value: bool | None) -> int | None:
    return None if value is None else int(value)


def detail_tables(*, summary: RoundSummary, communes: Collection[str], spec) -> list[DetailTable]:
    """The households and members of the export, with their points (streamed)."""
    tables = []
    units = _unit_names(communes)
    statuses = {k: str(v) for k, v in ResponseStatus.choices}
    recognised_labels = _recognised_labels()
    household_run = summary.household_run
    if household_run is not None:
        codes = summary.household_indicator_codes
        version = f"{household_run.criteria_set.code} v{household_run.criteria_set.version}"
        query = HouseholdScore.objects.filter(
            run=household_run, status__in=summary.statuses, unit_id__in=list(communes)
        )
        fields = (
            "response__household__code",
            "unit_id",
            "response__village",
            "response__address",
            "response__head_name",
            "response__survey_date",
            "status",
            *POINT_COLUMNS[: len(codes)],
            "total",
            "recognised",
        )

        def household_rows(
            query=query, fields=fields, version=version, labels=recognised_labels
        ) -> Iterator[tuple]:
            # Defaults bind this table's query: the names are reused for the members below.
            rows = query.order_by("unit_id", "response_id").values_list(*fields)
            for code, unit, village, address, head, day, status, *rest in rows.iterator(
                chunk_size=CHUNK
            ):
                points, total, recognised = rest[:-2], rest[-2], rest[-1]
                yield (
                    code,
                    units[unit][0],
                    units[unit][1],
                    village,
                    address,
                    head,
                    day,
                    statuses.get(status, status),
                    *points,
                    total,
                    _recognised_code(recognised),
                    labels[recognised],
                    version,
                )

        tables.append(
            DetailTable(
                key="households",
                title=_("Hộ"),
                headers=[
                    _("Mã hộ"),
                    _("Mã xã/phường"),
                    _("Xã/phường"),
                    _("Thôn/tổ dân phố"),
                    _("Địa chỉ"),
                    _("Chủ hộ"),
                    _("Ngày khảo sát"),
                    _("Trạng thái phiếu"),
                    *codes,
                    _("Tổng điểm"),
                    _("Đạt (1/0)"),
                    _("Kết quả"),
                    _("Phiên bản bộ tiêu chí"),
                ],
                rows=household_rows(),
                count=query.count(),
            )
        )
    run = summary.run
    if run is not None:
        codes = summary.indicator_codes
        version = f"{run.criteria_set.code} v{run.criteria_set.version}"
        groups = {g.code: g.label.vi for g in spec.target_groups} if spec else {}
        sexes = {k: str(v) for k, v in SEXES}
        query = MemberScore.objects.filter(
            run=run, status__in=summary.statuses, unit_id__in=list(communes)
        )
        fields = (
            "response__household__code",
            "unit_id",
            "member__position",
            "member__person_id",
            "member__full_name",
            "sex",
            "member__birth_year",
            "age",
            "age_band",
            "ethnicity",
            "target_group",
            "status",
            *POINT_COLUMNS[: len(codes)],
            "total",
            "recognised",
        )

        def member_rows(
            query=query, fields=fields, version=version, labels=recognised_labels
        ) -> Iterator[tuple]:
            rows = query.order_by("unit_id", "response_id", "member_id").values_list(*fields)
            for (
                code,
                unit,
                position,
                person,
                name,
                sex,
                birth_year,
                age,
                band,
                ethnicity,
                group,
                status,
                *rest,
            ) in rows.iterator(chunk_size=CHUNK):
                points, total, recognised = rest[:-2], rest[-2], rest[-1]
                yield (
                    code,
                    units[unit][0],
                    units[unit][1],
                    position,
                    str(person) if person is not None else None,
                    name,
                    sex,
                    sexes.get(sex, sex),
                    birth_year,
                    age,
                    band,
                    ethnicity,
                    ETHNIC_NAMES.get(ethnicity, ethnicity),
                    group,
                    groups.get(group, group),
                    statuses.get(status, status),
                    *points,
                    total,
                    _recognised_code(recognised),
                    labels[recognised],
                    version,
                )

        tables.append(
            DetailTable(
                key="members",
                title=_("Thành viên"),
                headers=[
                    _("Mã hộ"),
                    _("Mã xã/phường"),
                    _("Xã/phường"),
                    _("Số thứ tự trong hộ"),
                    _("Mã người"),
                    _("Họ và tên"),
                    _("Mã giới tính"),
                    _("Giới tính"),
                    _("Năm sinh"),
                    _("Tuổi"),
                    _("Nhóm tuổi"),
                    _("Mã dân tộc"),
                    _("Dân tộc"),
                    _("Mã nhóm đối tượng"),
                    _("Nhóm đối tượng"),
                    _("Trạng thái phiếu"),
                    *codes,
                    _("Tổng điểm"),
                    _("Đạt (1/0)"),
                    _("Kết quả"),
                    _("Phiên bản bộ tiêu chí"),
                ],
                rows=member_rows(),
                count=query.count(),
            )
        )
    return tables
