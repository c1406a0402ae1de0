"""Read an upload as its source says, and check every household of it: nothing is written.

``build_context`` gathers from the database what the pure checks need (the round's
criteria, its units, the user's scope); ``check_upload`` reads the paper workbook,
the Kobo export or the ODK zip and runs ``checks`` on what it read, refusing a file
over the members limit of a web import before checking it.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User

from criteria.selectors import spec_of
from survey.imports.checks import check_households
from survey.imports.context import ImportContext, UnitDirectory, UnitInfo
from survey.imports.files import CSV_ZIP, Upload
from survey.imports.paper import is_paper_workbook, read_paper
from survey.imports.problems import ImportRefused, file_problem
from survey.imports.rows import Checked
from survey.imports.submissions import KOBO, ODK, read_submissions
from survey.models import Round
from survey.selectors import entry_units
from units.models import AdminUnit, UnitLevel
from units.selectors import find_units_by_name

PAPER = "paper"
SOURCES = (PAPER, KOBO, ODK)


def build_context(*, round_: Round, user: User) -> ImportContext:
    """Gather what checking a file needs: the round's versions, units and the user's scope."""
    round_units = [
        UnitInfo(u.key, u.code, u.name)
        for u in AdminUnit.objects.filter(
            key__in=round_.round_units.values_list("unit_id", flat=True)
        )
    ]
    cache: dict[tuple[str, bool], list[UnitInfo]] = {}

    def find_by_name(name: str, accents: bool) -> list[UnitInfo]:
        key = (name, accents)
        if key not in cache:
            cache[key] = [
                UnitInfo(u.key, u.code, u.name)
                for u in find_units_by_name(
                    name=name, day=round_.starts_on, level=UnitLevel.COMMUNE, accents=accents
                )
            ]
        return cache[key]

    return ImportContext(
        round_code=round_.code,
        period=(round_.starts_on, round_.ends_on),
        citizen=spec_of(criteria_set=round_.citizen_set),
        household=spec_of(criteria_set=round_.household_set) if round_.household_set else None,
        units=UnitDirectory(
            round_units=round_units,
            allowed={u.key for u in entry_units(user=user, round_=round_)},
            find_by_name=find_by_name,
        ),
        reviewer=user.has_perm("accounts.review_survey_data"),
        zone=settings.TIME_ZONE,
    )


def detect_source(upload: Upload) -> str:
    if upload.kind == CSV_ZIP:
        return ODK
    return PAPER if is_paper_workbook(upload) else KOBO


def check_upload(
    *, upload: Upload, context: ImportContext, source: str, max_members: int | None = None
) -> tuple[Checked, list[str]]:
    """Return the checked households and the file's sheet order (how problems are sorted)."""
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}")
    if source == PAPER:
        if upload.kind == CSV_ZIP:
            raise ImportRefused(
                [
                    file_problem(
                        "Tệp .zip CSV là tệp xuất của ODK Central, không phải mẫu nhập liệu "
                        "giấy (.xlsx)",
                        "A CSV zip is an ODK Central export, not the paper data-entry "
                        "workbook (.xlsx)",
                    )
                ]
            )
        read = read_paper(upload=upload, context=context)
    else:
        if (source == ODK) != (upload.kind == CSV_ZIP):
            vi = "tệp .zip CSV của ODK Central" if source == ODK else "tệp XLSX của KoboToolbox"
            en = "an ODK Central CSV zip" if source == ODK else "a KoboToolbox XLSX export"
            raise ImportRefused(
                [file_problem(f"Nguồn đã chọn cần {vi}", f"The chosen source needs {en}")]
            )
        read = read_submissions(upload=upload, context=context, flavour=source)
    if read.fatal:
        return Checked([], read.problems, read.warnings, 0), read.sheet_order
    members = sum(len(h.members) for h in read.households)
    if max_members is not None and members > max_members:
        raise ImportRefused(
            [
                file_problem(
                    f"Tệp có {_vi_number(members)} thành viên; nhập trên web tối đa "
                    f"{_vi_number(max_members)} thành viên mỗi tệp. Hãy tách tệp theo xã, hoặc "
                    "nhờ quản trị viên nhập bằng lệnh manage.py import_responses",
                    f"The file has {members:,} members; an import on the web takes at most "
                    f"{max_members:,} per file. Split the file by commune, or ask an "
                    "administrator to import it with manage.py import_responses",
                )
            ]
        )
    checked = check_households(
        households=read.households, context=context, uncollected=read.uncollected
    )
    checked.problems = read.problems + checked.problems  # every problem: rows and links
    checked.warnings = read.warnings + checked.warnings
    return checked, read.sheet_order


def _vi_number(value: int) -> str:
    """20000 -> "20.000", as Vietnamese writes thousands."""
    return f"{value:,}".replace(",", ".")
