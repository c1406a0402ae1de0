"""The personal-data tables of an export: households and members with their points.

The rows are streamed from the score rows in chunks, so memory stays flat however large
the round is; each table's ``rows`` is consumed once, by the writer.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from criteria.spec import CriteriaSpec
from scoring.models import POINT_COLUMNS, HouseholdScore, MemberScore, ScoringRun
from scoring.summary import RoundSummary
from survey.models import ResponseStatus
from survey.reference import ETHNIC_NAMES, SEXES
from units.models import AdminUnit

CHUNK = 5000


@dataclass
class DetailTable:
    """One table of personal data, streamed: ``rows`` is consumed once."""

    key: str  # "households" or "members"
    title: str
    headers: list[str]
    rows: Iterator[tuple]
    count: int
    percent_columns: tuple[int, ...] = ()


@dataclass(frozen=True)
class _Labels:
    """What every row of both tables shows by name: units, statuses, recognised."""

    units: Mapping[str, tuple[str, str]]  # commune key -> (code, name)
    statuses: Mapping[str, str]
    recognised: Mapping[bool | None, str]


def detail_tables(
    *, summary: RoundSummary, communes: Collection[str], spec: CriteriaSpec | None
) -> list[DetailTable]:
    """The households and members of the export, with their points (streamed)."""
    labels = _Labels(
        units=_unit_names(communes),
        statuses={k: str(v) for k, v in ResponseStatus.choices},
        recognised=_recognised_labels(),
    )
    tables = []
    if summary.household_run is not None:
        tables.append(
            _household_table(
                run=summary.household_run, summary=summary, communes=communes, labels=labels
            )
        )
    if summary.run is not None:
        tables.append(
            _member_table(
                run=summary.run, summary=summary, communes=communes, spec=spec, labels=labels
            )
        )
    return tables


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


def _version(run: ScoringRun) -> str:
    return f"{run.criteria_set.code} v{run.criteria_set.version}"


def _household_table(
    *, run: ScoringRun, summary: RoundSummary, communes: Collection[str], labels: _Labels
) -> DetailTable:
    codes = summary.household_indicator_codes
    version = _version(run)
    query = HouseholdScore.objects.filter(
        run=run, status__in=summary.statuses, unit_id__in=list(communes)
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
    units, statuses = labels.units, labels.statuses

    def rows() -> Iterator[tuple]:
        found = query.order_by("unit_id", "response_id").values_list(*fields)
        for code, unit, village, address, head, day, status, *rest in found.iterator(
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
                labels.recognised[recognised],
                version,
            )

    return DetailTable(
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
        rows=rows(),
        count=query.count(),
    )


def _member_table(
    *,
    run: ScoringRun,
    summary: RoundSummary,
    communes: Collection[str],
    spec: CriteriaSpec | None,
    labels: _Labels,
) -> DetailTable:
    codes = summary.indicator_codes
    version = _version(run)
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
    units, statuses = labels.units, labels.statuses

    def rows() -> Iterator[tuple]:
        found = query.order_by("unit_id", "response_id", "member_id").values_list(*fields)
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
        ) in found.iterator(chunk_size=CHUNK):
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
                labels.recognised[recognised],
                version,
            )

    return DetailTable(
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
        rows=rows(),
        count=query.count(),
    )
