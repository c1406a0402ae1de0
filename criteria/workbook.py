"""The criteria workbook (.xlsx): a criteria set that is also a valid XLSForm.

Sheets (docs/criteria-format.md explains them for the people who edit them):

* ``survey`` (XLSForm): ``type``, ``name``, ``label::Tiếng Việt (vi)``,
  ``label::English (en)``, ``hint::…``, ``required``, ``relevant``,
  ``constraint``, ``constraint_message::…``, ``calculation``, plus the extra
  columns ``reviewer_only`` and ``role``. Household questions sit outside the
  one ``begin repeat members`` … ``end repeat`` block, member questions inside
  it. The repeat starts with the member profile rows (``role`` = ``profile``:
  full_name, sex, birth_year, target_group, age), which are not criteria
  questions and are regenerated on export.
* ``choices`` (XLSForm): ``list_name``, ``name``, ``label::…``, ``role``
  (``profile`` for the generated sex and target-group lists).
* ``settings`` (XLSForm, one row): ``form_title`` (title in Vietnamese),
  ``form_id`` (set code), ``version``, ``default_language``, then the set's own
  ``title_en``, ``subject``, ``status``, ``total_points``, ``legal_basis``,
  ``valid_from``, ``valid_to``, ``description_vi``, ``description_en`` and
  ``local_choices`` (one per line), ``digital_indicator`` and
  ``digital_min_points``.
* ``target_groups``: ``code``, ``label::…``, ``min_age``, ``max_age``,
  ``cadre`` (yes/no), ``same_as`` (codes of groups in other sets, by spaces).
* ``criteria``: ``code``, ``label::…``, ``max_points``.
* ``indicators``: ``code``, ``criterion``, ``label::…``, ``max_points``,
  ``target_groups`` (codes separated by spaces; empty = every group),
  ``when_not_applicable`` (``rescale`` or ``full``).
* ``scoring``: one row per rule, in order: ``indicator``, ``rule_type``,
  ``question``, then one column per rule parameter: ``points`` (a number, or
  ``never=0; sometimes=5; often=10``), ``bands`` (``0-0:0; 1-2:5; 3-5:8; 6-:10``),
  ``cap``, ``per_item``, ``yes``, ``no_points``, ``max``, ``condition``,
  ``test``. Any other column named like a parameter (``a_name``) is passed to
  the rule type as it is; ``note`` is a free comment and is not kept.
* ``recognition``: ``code``, ``label::…``, ``min_total``, ``min_indicator``,
  ``min_criterion_share``, ``local``. The first row is the recognition itself;
  every further row is a higher named level (a local choice unless ``local`` is
  ``no``).

Reading is done with openpyxl in read-only mode, formulas are read as their text
and never evaluated. Before openpyxl sees the file, it is checked: at most
10 MB, a real xlsx (not a renamed text file, not another zip), no part that
unpacks too far (decompression bombs) and no XML DOCTYPE/ENTITY declaration
(entity expansion); openpyxl itself parses through defusedxml.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from criteria.rules import RULE_TYPES
from criteria.spec import (
    NOT_APPLICABLE_POLICIES,
    QUESTION_TYPES,
    STATUSES,
    SUBJECTS,
    Choice,
    ChoiceList,
    CriteriaSpec,
    Criterion,
    Indicator,
    Label,
    Level,
    Question,
    Recognition,
    Rule,
    TargetGroup,
)
from criteria.validation import (
    PROFILE_QUESTIONS,
    CriteriaImportError,
    Location,
    Problem,
    resolve_key,
    split_path,
    validate_spec,
)
from criteria.xlsform import (
    LANGUAGES,
    MEMBERS,
    PROFILE_GROUP_LIST,
    PROFILE_SEX_LIST,
    build_profile_choices,
    build_profile_rows,
    header,
    put,
    question_row,
    row,
)
from criteria.xlsx_safety import check_archive, file_problem, read_limited

MAX_ROWS = 5000
MAX_ROW_NUMBER = 20000  # blank rows count too: a sheet claiming row 1,000,000 is refused
MAX_COLUMNS = 60
PROFILE = "profile"
RECOGNISED = "recognised"

# Sheets, and their columns as (key, required). A key is the header in lower case,
# with translated columns keyed by language code: "label::vi" for
# "label::Tiếng Việt (vi)".
COLUMNS: dict[str, list[tuple[str, bool]]] = {
    "survey": [
        ("type", True),
        ("name", True),
        ("label::vi", True),
        ("label::en", False),
        ("hint::vi", False),
        ("hint::en", False),
        ("required", False),
        ("relevant", False),
        ("constraint", False),
        ("constraint_message::vi", False),
        ("constraint_message::en", False),
        ("calculation", False),
        ("reviewer_only", False),
        ("role", False),
    ],
    "choices": [
        ("list_name", True),
        ("name", True),
        ("label::vi", True),
        ("label::en", False),
        ("role", False),
    ],
    "settings": [
        ("form_title", True),
        ("form_id", True),
        ("version", True),
        ("default_language", False),
        ("title_en", False),
        ("subject", True),
        ("status", False),
        ("total_points", True),
        ("legal_basis", False),
        ("valid_from", False),
        ("valid_to", False),
        ("description_vi", False),
        ("description_en", False),
        ("local_choices", False),
        ("digital_indicator", False),
        ("digital_min_points", False),
    ],
    "target_groups": [
        ("code", True),
        ("label::vi", True),
        ("label::en", False),
        ("min_age", False),
        ("max_age", False),
        ("cadre", False),
        ("same_as", False),
    ],
    "criteria": [("code", True), ("label::vi", True), ("label::en", False), ("max_points", True)],
    "indicators": [
        ("code", True),
        ("criterion", True),
        ("label::vi", True),
        ("label::en", False),
        ("max_points", True),
        ("target_groups", False),
        ("when_not_applicable", False),
    ],
    "scoring": [
        ("indicator", True),
        ("rule_type", True),
        ("question", False),
        ("points", False),
        ("bands", False),
        ("cap", False),
        ("per_item", False),
        ("yes", False),
        ("no_points", False),
        ("max", False),
        ("condition", False),
        ("test", False),
        ("note", False),
    ],
    "recognition": [
        ("code", True),
        ("label::vi", True),
        ("label::en", False),
        ("min_total", True),
        ("min_indicator", False),
        ("min_criterion_share", False),
        ("local", False),
    ],
}
SHEETS = tuple(COLUMNS)
OPTIONAL_SHEETS = ("choices", "target_groups")
SCORING_FIXED = ("indicator", "rule_type", "question", "note")
PARAM_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
NUMBER_PARAMS = ("cap", "per_item", "no_points", "max")
TEXT_PARAMS = ("yes", "condition", "test")
NUMBER = r"-?\d+(?:[.,]\d+)?"
BAND = re.compile(
    rf"^(?P<min>{NUMBER})\s*(?:(?P<dash>-)\s*(?P<max>{NUMBER})?|(?P<plus>\+))?\s*:\s*(?P<points>{NUMBER})$"
)
TRUE_WORDS = {"yes", "true", "1", "có", "co", "x", "true()"}
FALSE_WORDS = {"no", "false", "0", "không", "khong", "false()", ""}
LANGUAGE_NAMES = {"tiếng việt": "vi", "vietnamese": "vi", "english": "en", "tiếng anh": "en"}

# Where each spec field lives: settings columns, and per collection the column of a field.
SET_FIELDS = {
    "code": "form_id",
    "version": "version",
    "title": "form_title",
    "subject": "subject",
    "status": "status",
    "total_points": "total_points",
    "legal_basis": "legal_basis",
    "valid_from": "valid_from",
    "valid_to": "valid_to",
    "description": "description_vi",
    "local_choices": "local_choices",
    "digital_indicator": "digital_indicator",
    "digital_min_points": "digital_min_points",
}
FIELD_COLUMNS = {
    "target_groups": {"label": "label::vi"},
    "criteria": {"label": "label::vi"},
    "indicators": {"label": "label::vi", "rules": "code"},
    "questions": {
        "code": "name",
        "level": "type",
        "choice_list": "type",
        "label": "label::vi",
        "hint": "hint::vi",
        "constraint_message": "constraint_message::vi",
    },
    "choice_lists": {"name": "list_name", "choices": "list_name"},
    "choices": {"label": "label::vi"},
    "recognition": {"label": "label::vi"},
}
COLLECTION_SHEETS = {
    "target_groups": "target_groups",
    "criteria": "criteria",
    "indicators": "indicators",
    "questions": "survey",
    "choice_lists": "choices",
}


# Reading: the sheets ---------------------------------------------------------------------


@dataclass
class _Sheet:
    """A sheet read into memory: its header keys and its non-blank data rows."""

    title: str
    name: str
    columns: dict[str, int] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    rows: list[tuple[int, tuple[Any, ...]]] = field(default_factory=list)

    def get(self, values: tuple[Any, ...], key: str) -> Any:
        index = self.columns.get(key)
        return values[index] if index is not None and index < len(values) else None

    def header(self, key: str) -> str:
        return self.headers.get(key) or canonical_header(key)


def canonical_header(key: str) -> str:
    """Return the header text written for a column key ("label::vi" → "label::Tiếng Việt (vi)")."""
    if "::" in key:
        base, language = key.split("::", 1)
        return header(base, language) if language in LANGUAGES else key
    return key


def column_key(text: Any) -> str:
    """Normalise a header: lower case, and ``base::<language>`` keyed by the language code."""
    text = " ".join(str(text).split()) if text is not None else ""
    if "::" not in text:
        return text.lower()
    base, language = text.split("::", 1)
    match = re.search(r"\(([A-Za-z-]+)\)\s*$", language)
    code = match.group(1).lower() if match else language.strip().lower()
    code = LANGUAGE_NAMES.get(code, code)
    return f"{base.strip().lower()}::{code}"


def _load_sheets(data: bytes) -> dict[str, _Sheet]:
    try:
        workbook = load_workbook(
            io.BytesIO(data), read_only=True, data_only=False, keep_links=False
        )
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise _unreadable(exc) from exc
    sheets: dict[str, _Sheet] = {}
    try:
        for worksheet in workbook.worksheets:
            name = worksheet.title.strip().lower()
            if name not in COLUMNS or name in sheets:
                continue  # notes, README and other sheets are the editor's own
            sheets[name] = _read_sheet(worksheet, name)
    except CriteriaImportError:
        raise
    except Exception as exc:
        raise _unreadable(exc) from exc
    finally:
        workbook.close()
    return sheets


def _unreadable(exc: Exception) -> CriteriaImportError:
    return file_problem(
        f"Không đọc được bảng tính: tệp bị hỏng hoặc không đúng định dạng .xlsx "
        f"({type(exc).__name__})",
        f"The workbook cannot be read: the file is damaged or not a proper .xlsx "
        f"({type(exc).__name__})",
    )


def _read_sheet(worksheet: Any, name: str) -> _Sheet:
    sheet = _Sheet(title=worksheet.title, name=name)
    # The declared <dimension> may be wrong (some tools write "A1"): read what is there.
    worksheet.reset_dimensions()
    rows = worksheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
    for number, values in enumerate(rows, start=1):
        if number > MAX_ROW_NUMBER:
            raise _too_many_rows(sheet, number)
        if number == 1:
            for index, text in enumerate(values):
                key = column_key(text)
                if key and key not in sheet.columns:
                    sheet.columns[key] = index
                    sheet.headers[key] = " ".join(str(text).split())
            continue
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        if len(sheet.rows) >= MAX_ROWS:
            raise _too_many_rows(sheet, number)
        sheet.rows.append((number, tuple(values)))
    return sheet


def _too_many_rows(sheet: _Sheet, number: int) -> CriteriaImportError:
    return CriteriaImportError(
        [
            Problem(
                sheet.title,
                number,
                None,
                f"Sheet có quá nhiều dòng (tối đa {MAX_ROWS} dòng có dữ liệu, đến dòng "
                f"{MAX_ROW_NUMBER})",
                f"The sheet has too many rows (at most {MAX_ROWS} filled rows, up to row "
                f"{MAX_ROW_NUMBER})",
            )
        ]
    )


# Reading: cells ---------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """Return a cell as text: numbers without a spurious ".0", dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    text = getattr(value, "text", value)  # array formulas: their text
    return str(text)


def parse_number(text: str) -> int | float | None:
    """Read "10", "2.5" or "2,5"; None when it is not a number."""
    text = text.strip()
    if not re.fullmatch(NUMBER, text):
        return None
    text = text.replace(",", ".")
    return float(text) if "." in text else int(text)


def split_codes(text: str) -> tuple[str, ...]:
    """Read a cell of codes separated by spaces, commas or semicolons."""
    return tuple(code for code in re.split(r"[\s,;]+", text.strip()) if code)


class _Reader:
    """Turns the sheets into a CriteriaSpec, collecting structural problems on the way."""

    def __init__(self, sheets: dict[str, _Sheet]):
        self.sheets = sheets
        self.problems: list[Problem] = []
        self.flagged: set[tuple[str | None, int | None, str | None]] = set()
        self.complete = True  # False: a sheet or column is missing, skip the semantic check
        self.unusable: set[str] = set()  # sheets missing or missing a required column
        # Where things are, for locate(): codes and rows in spec order.
        self.places: dict[str, list[tuple[str, int]]] = {}
        self.choice_rows: list[list[tuple[str, int]]] = []
        self.rule_rows: dict[int, list[int]] = {}
        self.level_rows: list[tuple[str, int]] = []
        self.recognition_row = 2
        self.settings_row = 2

    # Problems ---------------------------------------------------------------
    def report(
        self, sheet: _Sheet | str, number: int | None, key: str | None, vi: str, en: str
    ) -> None:
        title = sheet.title if isinstance(sheet, _Sheet) else sheet
        column = None
        if key is not None:
            column = sheet.header(key) if isinstance(sheet, _Sheet) else canonical_header(key)
        self.problems.append(Problem(title, number, column, vi, en))
        self.flagged.add((title, number, column))

    # Cells --------------------------------------------------------------------
    def text(self, sheet: _Sheet, values: tuple, key: str) -> str:
        return cell_text(sheet.get(values, key))

    def code(self, sheet: _Sheet, values: tuple, key: str) -> str:
        return self.text(sheet, values, key).strip()

    def label(self, sheet: _Sheet, values: tuple, base: str = "label") -> Label:
        return Label(
            self.text(sheet, values, f"{base}::vi"), self.text(sheet, values, f"{base}::en")
        )

    def number(
        self, sheet: _Sheet, number: int, values: tuple, key: str, *, required: bool
    ) -> float | None:
        """Read a number; a problem leaves NaN so later sums and checks skip it."""
        value = sheet.get(values, key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        text = cell_text(value).strip()
        if not text:
            if required:
                self.report(
                    sheet,
                    number,
                    key,
                    "Ô trống; cần một số",
                    "The cell is empty; a number is needed",
                )
                return math.nan
            return None
        parsed = parse_number(text)
        if parsed is None:
            self._not_a_number(sheet, number, key, text)
            return math.nan
        return float(parsed)

    def _not_a_number(self, sheet: _Sheet, number: int, key: str, text: str) -> None:
        if text.startswith("="):
            self.report(
                sheet,
                number,
                key,
                f"“{text}” là công thức; công thức không được tính, hãy gõ thẳng con số",
                f"“{text}” is a formula; formulas are not calculated, type the number itself",
            )
        else:
            self.report(
                sheet,
                number,
                key,
                f"“{text}” không phải là số",
                f"“{text}” is not a number",
            )

    def integer(
        self, sheet: _Sheet, number: int, values: tuple, key: str, *, required: bool
    ) -> int | None:
        value = self.number(sheet, number, values, key, required=required)
        if value is None or math.isnan(value):
            return None if value is None else -1
        if not value.is_integer():
            self.report(
                sheet,
                number,
                key,
                f"“{cell_text(sheet.get(values, key))}” không phải là số nguyên",
                f"“{cell_text(sheet.get(values, key))}” is not a whole number",
            )
            return -1
        return int(value)

    def boolean(
        self, sheet: _Sheet, number: int, values: tuple, key: str, *, default: bool
    ) -> bool:
        value = sheet.get(values, key)
        if isinstance(value, bool):
            return value
        text = cell_text(value).strip().lower()
        if not text:
            return default
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        self.report(
            sheet,
            number,
            key,
            f"“{cell_text(value)}” không phải là có/không; dùng yes hoặc no",
            f"“{cell_text(value)}” is not yes/no; use yes or no",
        )
        return default

    def day(self, sheet: _Sheet, number: int, values: tuple, key: str) -> date | None:
        value = sheet.get(values, key)
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = cell_text(value).strip()
        if not text:
            return None
        for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
            try:
                return datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        self.report(
            sheet,
            number,
            key,
            f"“{text}” không phải là ngày; viết dạng 2023-10-25 hoặc 25/10/2023",
            f"“{text}” is not a date; write it as 2023-10-25 or 25/10/2023",
        )
        return None

    # Sheets ------------------------------------------------------------------
    def sheet(self, name: str) -> _Sheet | None:
        """Return a sheet, reporting it (or its required columns) when missing."""
        sheet = self.sheets.get(name)
        if sheet is None:
            self.unusable.add(name)
            if name not in OPTIONAL_SHEETS:
                self.complete = False
                self.report(
                    name,
                    None,
                    None,
                    f"Thiếu sheet “{name}”",
                    f"The sheet “{name}” is missing",
                )
            return None
        missing = [k for k, required in COLUMNS[name] if required and k not in sheet.columns]
        for key in missing:
            self.complete = False
            self.report(
                sheet,
                1,
                key,
                f"Thiếu cột “{canonical_header(key)}”",
                f"The column “{canonical_header(key)}” is missing",
            )
        if missing:
            self.unusable.add(name)
            return None
        return sheet

    def read(self) -> CriteriaSpec:
        settings = self.read_settings()
        groups = self.read_target_groups()
        choice_lists = self.read_choices()
        questions = self.read_survey()
        criteria = self.read_criteria()
        indicators = self.read_indicators()
        rules = self.read_scoring(indicators)
        recognition = self.read_recognition()
        indicators = [
            replace(indicator, rules=tuple(rules.get(index, ())))
            for index, indicator in enumerate(indicators)
        ]
        return CriteriaSpec(
            **settings,
            recognition=recognition,
            target_groups=tuple(groups),
            criteria=tuple(criteria),
            indicators=tuple(indicators),
            questions=tuple(questions),
            choice_lists=tuple(choice_lists),
        )

    def read_settings(self) -> dict[str, Any]:
        sheet = self.sheet("settings")
        empty: dict[str, Any] = {
            "code": "",
            "version": 1,
            "subject": "citizen",
            "title": Label(""),
            "total_points": math.nan,
        }
        if sheet is None:
            return empty
        number, values = sheet.rows[0] if sheet.rows else (2, ())
        self.settings_row = number
        version = self.integer(sheet, number, values, "version", required=True)
        local = self.text(sheet, values, "local_choices")
        return {
            "code": self.code(sheet, values, "form_id"),
            "version": version if version is not None else -1,
            "subject": self.code(sheet, values, "subject"),
            "title": Label(
                self.text(sheet, values, "form_title"), self.text(sheet, values, "title_en")
            ),
            "total_points": self.number(sheet, number, values, "total_points", required=True),
            "status": self.code(sheet, values, "status") or "draft",
            "legal_basis": self.text(sheet, values, "legal_basis"),
            "valid_from": self.day(sheet, number, values, "valid_from"),
            "valid_to": self.day(sheet, number, values, "valid_to"),
            "description": Label(
                self.text(sheet, values, "description_vi"),
                self.text(sheet, values, "description_en"),
            ),
            "local_choices": tuple(line.strip() for line in local.splitlines() if line.strip()),
            "digital_indicator": self.code(sheet, values, "digital_indicator") or None,
            "digital_min_points": self.number(
                sheet, number, values, "digital_min_points", required=False
            ),
        }

    def read_target_groups(self) -> list[TargetGroup]:
        sheet = self.sheet("target_groups")
        groups: list[TargetGroup] = []
        places = self.places.setdefault("target_groups", [])
        for number, values in sheet.rows if sheet else ():
            code = self.code(sheet, values, "code")
            places.append((code, number))
            groups.append(
                TargetGroup(
                    code=code,
                    label=self.label(sheet, values),
                    min_age=self.integer(sheet, number, values, "min_age", required=False),
                    max_age=self.integer(sheet, number, values, "max_age", required=False),
                    cadre=self.boolean(sheet, number, values, "cadre", default=False),
                    same_as=split_codes(self.text(sheet, values, "same_as")),
                )
            )
        return groups

    def read_choices(self) -> list[ChoiceList]:
        sheet = self.sheet("choices")
        lists: dict[str, list[Choice]] = {}
        rows: dict[str, list[tuple[str, int]]] = {}
        for number, values in sheet.rows if sheet else ():
            list_name = self.code(sheet, values, "list_name")
            role = self.code(sheet, values, "role").lower()
            if role == PROFILE or (
                "role" not in sheet.columns and list_name in (PROFILE_SEX_LIST, PROFILE_GROUP_LIST)
            ):
                continue
            if not list_name:
                self.report(
                    sheet, number, "list_name", "Thiếu tên danh sách", "The list name is missing"
                )
                continue
            name = self.code(sheet, values, "name")
            lists.setdefault(list_name, []).append(Choice(name, self.label(sheet, values)))
            rows.setdefault(list_name, []).append((name, number))
        self.places["choice_lists"] = [(name, rows[name][0][1]) for name in lists]
        self.choice_rows = [rows[name] for name in lists]
        return [ChoiceList(name, tuple(choices)) for name, choices in lists.items()]

    def read_survey(self) -> list[Question]:
        sheet = self.sheet("survey")
        places = self.places.setdefault("questions", [])
        if sheet is None:
            return []
        before: list[tuple[Question, int]] = []
        inside: list[tuple[Question, int]] = []
        after: list[tuple[Question, int]] = []
        repeat_row: int | None = None
        repeats_seen = 0
        groups: list[int] = []
        for number, values in sheet.rows:
            kind = " ".join(self.text(sheet, values, "type").split())
            structure = re.fullmatch(r"(begin|end)[ _](repeat|group)", kind.lower())
            if structure:
                action, what = structure.groups()
                if what == "group":
                    if action == "begin":
                        groups.append(number)
                    elif groups:
                        groups.pop()
                    else:
                        self.report(
                            sheet,
                            number,
                            "type",
                            "“end group” không có “begin group” tương ứng",
                            "“end group” has no matching “begin group”",
                        )
                elif action == "begin":
                    if repeat_row is not None:
                        self.report(
                            sheet,
                            number,
                            "type",
                            "Không dùng được nhóm lặp (repeat) lồng trong nhóm lặp",
                            "A repeat inside a repeat is not supported",
                        )
                    elif repeats_seen:
                        self.report(
                            sheet,
                            number,
                            "type",
                            f"Chỉ dùng một nhóm lặp “{MEMBERS}” cho các thành viên",
                            f"Use a single repeat “{MEMBERS}” for the members",
                        )
                    else:
                        repeat_row = number
                        repeats_seen += 1
                elif repeat_row is None:
                    self.report(
                        sheet,
                        number,
                        "type",
                        "“end repeat” không có “begin repeat” tương ứng",
                        "“end repeat” has no matching “begin repeat”",
                    )
                else:
                    repeat_row = None
                continue
            name = self.code(sheet, values, "name")
            role = self.code(sheet, values, "role").lower()
            if role == PROFILE or (
                "role" not in sheet.columns and repeat_row is not None and name in PROFILE_QUESTIONS
            ):
                continue
            question = self.read_question(
                sheet, number, values, kind, member=repeat_row is not None
            )
            target = inside if repeat_row is not None else (after if repeats_seen else before)
            target.append((question, number))
        if repeat_row is not None:
            self.report(
                sheet,
                repeat_row,
                "type",
                "“begin repeat” chưa có “end repeat”",
                "“begin repeat” has no “end repeat”",
            )
        for number in groups:
            self.report(
                sheet,
                number,
                "type",
                "“begin group” chưa có “end group”",
                "“begin group” has no “end group”",
            )
        ordered = before + inside + after
        places += [(q.code, number) for q, number in ordered]
        return [q for q, _ in ordered]

    def read_question(
        self, sheet: _Sheet, number: int, values: tuple, kind: str, *, member: bool
    ) -> Question:
        select = re.fullmatch(r"(select[ _]one|select[ _]multiple)(?:\s+(\S+))?", kind, re.I)
        if select:
            question_type = select.group(1).lower().replace(" ", "_")
            choice_list = select.group(2)
        else:
            question_type = kind.lower() if kind.lower() in QUESTION_TYPES else kind
            choice_list = None
        return Question(
            code=self.code(sheet, values, "name"),
            level="member" if member else "household",
            type=question_type,
            label=self.label(sheet, values),
            choice_list=choice_list,
            hint=self.label(sheet, values, "hint"),
            required=self.boolean(sheet, number, values, "required", default=False),
            relevant=self.text(sheet, values, "relevant"),
            constraint=self.text(sheet, values, "constraint"),
            constraint_message=self.label(sheet, values, "constraint_message"),
            reviewer_only=self.boolean(sheet, number, values, "reviewer_only", default=False),
        )

    def read_criteria(self) -> list[Criterion]:
        sheet = self.sheet("criteria")
        criteria: list[Criterion] = []
        places = self.places.setdefault("criteria", [])
        for number, values in sheet.rows if sheet else ():
            code = self.code(sheet, values, "code")
            places.append((code, number))
            criteria.append(
                Criterion(
                    code=code,
                    label=self.label(sheet, values),
                    max_points=self.number(sheet, number, values, "max_points", required=True),
                )
            )
        return criteria

    def read_indicators(self) -> list[Indicator]:
        sheet = self.sheet("indicators")
        indicators: list[Indicator] = []
        places = self.places.setdefault("indicators", [])
        for number, values in sheet.rows if sheet else ():
            code = self.code(sheet, values, "code")
            places.append((code, number))
            indicators.append(
                Indicator(
                    code=code,
                    criterion=self.code(sheet, values, "criterion"),
                    label=self.label(sheet, values),
                    max_points=self.number(sheet, number, values, "max_points", required=True),
                    rules=(),
                    target_groups=split_codes(self.text(sheet, values, "target_groups")),
                    when_not_applicable=self.code(sheet, values, "when_not_applicable")
                    or "rescale",
                )
            )
        return indicators

    def read_scoring(self, indicators: Sequence[Indicator]) -> dict[int, list[Rule]]:
        sheet = self.sheet("scoring")
        rules: dict[int, list[Rule]] = {}
        if sheet is None or "indicators" in self.unusable:
            return rules  # rules cannot be matched to indicators that could not be read
        index_of: dict[str, int] = {}
        for index, indicator in enumerate(indicators):
            index_of.setdefault(indicator.code, index)
        params = [k for k in sheet.columns if k not in SCORING_FIXED and PARAM_NAME.match(k)]
        for number, values in sheet.rows:
            code = self.code(sheet, values, "indicator")
            if not code:
                self.report(
                    sheet, number, "indicator", "Thiếu mã chỉ số", "The indicator is missing"
                )
                continue
            if code not in index_of:
                self.report(
                    sheet,
                    number,
                    "indicator",
                    f"Không có chỉ số “{code}” trong sheet indicators",
                    f"There is no indicator “{code}” in the indicators sheet",
                )
                continue
            values_of = {}
            for key in params:
                value = self.param(sheet, number, values, key)
                if value is not None:
                    values_of[key] = value
            rule = Rule(
                type=self.code(sheet, values, "rule_type"),
                question=self.code(sheet, values, "question") or None,
                params=values_of,
            )
            rules.setdefault(index_of[code], []).append(rule)
            self.rule_rows.setdefault(index_of[code], []).append(number)
        return rules

    def param(self, sheet: _Sheet, number: int, values: tuple, key: str) -> Any:
        """Read one rule parameter cell by its column's kind; None when the cell is empty."""
        value = sheet.get(values, key)
        if key in TEXT_PARAMS:
            return cell_text(value).strip() or None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return int(value) if isinstance(value, float) and value.is_integer() else value
        text = cell_text(value).strip()
        if not text:
            return None
        if key in NUMBER_PARAMS or (key == "points" and "=" not in text):
            parsed = parse_number(text)
            if parsed is None:
                self._not_a_number(sheet, number, key, text)
            return parsed
        if key == "points":
            return self.points_map(sheet, number, key, text)
        if key == "bands":
            return self.bands(sheet, number, key, text)
        # A parameter of a rule type this reader has no column kind for: best guess.
        parsed = parse_number(text)
        if parsed is not None:
            return parsed
        parts = [p.strip() for p in re.split(r"[;\n]", text) if p.strip()]
        if parts and all(re.fullmatch(rf"[^=]+=\s*{NUMBER}", p) for p in parts):
            return self.points_map(sheet, number, key, text)
        if parts and all(BAND.match(p) for p in parts):
            return self.bands(sheet, number, key, text)
        return cell_text(value)

    def points_map(self, sheet: _Sheet, number: int, key: str, text: str) -> dict[str, Any] | None:
        points: dict[str, Any] = {}
        for part in (p.strip() for p in re.split(r"[;\n]", text)):
            if not part:
                continue
            name, _, amount = part.partition("=")
            parsed = parse_number(amount)
            if not name.strip() or parsed is None:
                self.report(
                    sheet,
                    number,
                    key,
                    f"Không đọc được “{part}”; viết dạng lựa_chọn=điểm, cách nhau bằng “;”, "
                    "ví dụ “never=0; sometimes=5; often=10”",
                    f"Cannot read “{part}”; write choice=points separated by “;”, "
                    "e.g. “never=0; sometimes=5; often=10”",
                )
                return None
            if name.strip() in points:
                self.report(
                    sheet,
                    number,
                    key,
                    f"Lựa chọn “{name.strip()}” được cho điểm hai lần",
                    f"Choice “{name.strip()}” is given points twice",
                )
                return None
            points[name.strip()] = parsed
        return points

    def bands(self, sheet: _Sheet, number: int, key: str, text: str) -> list[dict] | None:
        bands: list[dict[str, Any]] = []
        for part in (p.strip() for p in re.split(r"[;\n]", text)):
            if not part:
                continue
            match = BAND.match(part)
            if match is None:
                self.report(
                    sheet,
                    number,
                    key,
                    f"Không đọc được khoảng “{part}”; viết dạng từ-đến:điểm, cách nhau bằng “;”, "
                    "ví dụ “0-0:0; 1-2:5; 3-5:8; 6-:10” (“6-” là từ 6 trở lên)",
                    f"Cannot read the band “{part}”; write from-to:points separated by “;”, "
                    "e.g. “0-0:0; 1-2:5; 3-5:8; 6-:10” (“6-” means 6 and more)",
                )
                return None
            low = parse_number(match.group("min"))
            band: dict[str, Any] = {"min": low}
            if match.group("max") is not None:
                band["max"] = parse_number(match.group("max"))
            elif not (match.group("dash") or match.group("plus")):
                band["max"] = low  # "3:8" is the single value 3
            band["points"] = parse_number(match.group("points"))
            bands.append(band)
        return bands

    def read_recognition(self) -> Recognition:
        sheet = self.sheet("recognition")
        if sheet is None:
            return Recognition(min_total=math.nan)
        if not sheet.rows:
            self.report(
                sheet,
                2,
                None,
                "Cần ít nhất một dòng: điều kiện công nhận",
                "At least one row is needed: the recognition rule",
            )
            return Recognition(min_total=math.nan)
        (number, values), *others = sheet.rows
        self.recognition_row = number
        label = self.label(sheet, values)
        recognition = {
            "min_total": self.number(sheet, number, values, "min_total", required=True),
            "min_indicator": self.number(sheet, number, values, "min_indicator", required=False),
            "min_criterion_share": self.number(
                sheet, number, values, "min_criterion_share", required=False
            ),
            "label": label,
        }
        levels: list[Level] = []
        for number, values in others:
            code = self.code(sheet, values, "code")
            self.level_rows.append((code, number))
            if self.text(sheet, values, "min_criterion_share").strip():
                self.report(
                    sheet,
                    number,
                    "min_criterion_share",
                    "Chỉ dòng đầu (điều kiện công nhận) có min_criterion_share; các mức cao hơn "
                    "không có",
                    "Only the first row (the recognition rule) takes min_criterion_share; higher "
                    "levels do not",
                )
            levels.append(
                Level(
                    code=code,
                    label=self.label(sheet, values),
                    min_total=self.number(sheet, number, values, "min_total", required=True),
                    min_indicator=self.number(
                        sheet, number, values, "min_indicator", required=False
                    ),
                    local=self.boolean(sheet, number, values, "local", default=True),
                )
            )
        return Recognition(**recognition, levels=tuple(levels))

    # Locations ----------------------------------------------------------------
    def locate(self, path: str) -> Location:
        """Map a logical path (criteria.validation) to (sheet, row, column header)."""
        segments = split_path(path)
        name, key = segments[0]
        rest = [s for s, _ in segments[1:]]
        if key is None and name in SET_FIELDS:
            return self._place("settings", self.settings_row, SET_FIELDS[name])
        if name == "recognition":
            if rest and rest[0] == "levels":
                index = resolve_key(segments[1][1] or "", [c for c, _ in self.level_rows])
                if index is None:
                    return None, None, path
                field_name = rest[1] if len(rest) > 1 else "code"
                return self._field(
                    "recognition", self.level_rows[index][1], "recognition", field_name
                )
            return self._field(
                "recognition", self.recognition_row, "recognition", rest[0] if rest else "min_total"
            )
        places = self.places.get(name)
        if places is None or key is None:
            return None, None, path
        index = resolve_key(key, [code for code, _ in places])
        if index is None:
            return None, None, path
        number = places[index][1]
        if name == "indicators" and len(segments) > 2 and rest[0] == "rules":
            return self._rule(index, segments[1][1], rest[1:], path)
        if name == "choice_lists" and len(segments) > 2 and rest[0] == "choices":
            rows = self.choice_rows[index]
            choice = resolve_key(segments[1][1] or "", [c for c, _ in rows])
            if choice is None:
                return None, None, path
            return self._field(
                "choices", rows[choice][1], "choices", rest[1] if len(rest) > 1 else "name"
            )
        return self._field(COLLECTION_SHEETS[name], number, name, rest[0] if rest else "code")

    def _rule(self, indicator: int, key: str | None, rest: list[str], path: str) -> Location:
        rows = self.rule_rows.get(indicator, [])
        try:
            number = rows[int(key or "") - 1]
        except (ValueError, IndexError):
            return None, None, path
        field_name = rest[0] if rest else "rule_type"
        if field_name == "params":
            return self._place("scoring", number, rest[1] if len(rest) > 1 else "rule_type")
        return self._place("scoring", number, "rule_type" if field_name == "type" else field_name)

    def _field(self, sheet: str, number: int, collection: str, field_name: str) -> Location:
        return self._place(
            sheet, number, FIELD_COLUMNS.get(collection, {}).get(field_name, field_name)
        )

    def _place(self, name: str, number: int, key: str) -> Location:
        sheet = self.sheets.get(name)
        if sheet is None:
            return name, number, canonical_header(key)
        return sheet.title, number, sheet.header(key)


def read_workbook(source: str | Path | BinaryIO, *, filename: str = "") -> CriteriaSpec:
    """Read a criteria workbook; raise CriteriaImportError listing every problem found."""
    data = read_limited(source)
    check_archive(data=data, filename=filename)
    reader = _Reader(_load_sheets(data))
    spec = reader.read()
    problems = list(reader.problems)
    if reader.complete:
        for problem in validate_spec(spec, locate=reader.locate):
            # One problem per cell: a cell that could not be read is not judged again.
            if (problem.sheet, problem.row, problem.column) not in reader.flagged:
                problems.append(problem)
    if problems:
        raise CriteriaImportError(sorted(problems, key=_reading_order))
    return spec


def _reading_order(problem: Problem) -> tuple[int, int, int]:
    """Sort problems as a person reads the workbook: sheet by sheet, row by row, left to right."""
    name = (problem.sheet or "").strip().lower()
    sheet = SHEETS.index(name) if name in SHEETS else -1
    keys = [k for k, _ in COLUMNS.get(name, [])]
    column = column_key(problem.column) if problem.column else ""
    return sheet, problem.row or 0, keys.index(column) if column in keys else len(keys)


# Writing --------------------------------------------------------------------------------

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
EXTRA_FILL = PatternFill("solid", fgColor="FFF2CC")  # columns XLSForm does not have
WIDTHS = {
    "type": 26,
    "name": 24,
    "list_name": 20,
    "code": 14,
    "indicator": 12,
    "rule_type": 16,
    "question": 24,
    "points": 36,
    "bands": 28,
    "condition": 36,
    "test": 40,
    "relevant": 36,
    "constraint": 28,
    "calculation": 30,
    "local_choices": 60,
    "legal_basis": 50,
    "description_vi": 60,
    "description_en": 60,
    "form_title": 40,
    "title_en": 40,
}
HELP = {
    ("survey", "type"): "integer, decimal, text, date, note, select_one <danh sách>, "
    "select_multiple <danh sách>; begin repeat / end repeat bao quanh câu hỏi thành viên",
    (
        "survey",
        "reviewer_only",
    ): "yes: người kiểm tra chấm theo minh chứng, điều tra viên không hỏi",
    ("survey", "role"): "profile: dòng thông tin thành viên do phần mềm tạo, không phải câu hỏi",
    ("settings", "subject"): "citizen (công dân) hoặc household (hộ gia đình)",
    ("settings", "local_choices"): "Mỗi lựa chọn của địa phương một dòng (Alt+Enter)",
    ("settings", "digital_indicator"): "Mã chỉ số đo kỹ năng số (mục tiêu quốc gia); để trống nếu "
    "không có",
    ("settings", "digital_min_points"): "Điểm tối thiểu trên chỉ số đó để tính là có kỹ năng số",
    ("target_groups", "cadre"): "yes: nhóm được tính là cán bộ trong các chỉ tiêu quốc gia",
    ("target_groups", "same_as"): "Mã các nhóm ở bộ tiêu chí khác chỉ cùng những người này, "
    "cách nhau bằng dấu cách",
    ("indicators", "target_groups"): "Mã nhóm cách nhau bằng dấu cách; để trống = mọi nhóm",
    ("indicators", "when_not_applicable"): "rescale: bỏ ra và quy đổi; full: cho đủ điểm",
    ("scoring", "points"): "Số điểm, hoặc điểm từng lựa chọn: never=0; sometimes=5; often=10",
    ("scoring", "bands"): "Khoảng từ-đến:điểm, ví dụ 0-0:0; 1-2:5; 3-5:8; 6-:10",
    ("scoring", "condition"): "Thành viên nào được xét, ví dụ ${age} >= 6 and ${age} <= 14",
    ("scoring", "test"): "Điều kiện thành viên phải đạt, ví dụ ${attends_school} = 'yes'",
    ("recognition", "code"): "Dòng đầu: điều kiện công nhận; các dòng sau: mức cao hơn",
    ("recognition", "min_criterion_share"): "Tỷ lệ tối thiểu mỗi tiêu chí, 0 đến 1 (0,5 = nửa)",
}


def write_workbook(spec: CriteriaSpec, target: str | Path | BinaryIO) -> None:
    """Write ``spec`` as a criteria workbook that reads back to an equal spec."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    _write(workbook, "survey", _survey_rows(spec))
    _write(workbook, "choices", _choice_rows(spec))
    _write(workbook, "settings", [_settings_row(spec)])
    _write(
        workbook,
        "target_groups",
        [
            {
                "code": g.code,
                **_label_cells(g.label),
                "min_age": g.min_age,
                "max_age": g.max_age,
                "cadre": "yes" if g.cadre else None,
                "same_as": " ".join(g.same_as) or None,
            }
            for g in spec.target_groups
        ],
    )
    _write(
        workbook,
        "criteria",
        [
            {"code": c.code, **_label_cells(c.label), "max_points": _plain(c.max_points)}
            for c in spec.criteria
        ],
    )
    _write(
        workbook,
        "indicators",
        [
            {
                "code": i.code,
                "criterion": i.criterion,
                **_label_cells(i.label),
                "max_points": _plain(i.max_points),
                "target_groups": " ".join(i.target_groups) or None,
                "when_not_applicable": i.when_not_applicable,
            }
            for i in spec.indicators
        ],
    )
    extra = _extra_params(spec)
    _write(workbook, "scoring", _scoring_rows(spec), extra_keys=extra)
    _write(workbook, "recognition", _recognition_rows(spec))
    _add_validations(workbook, spec)
    workbook.save(target)


def _label_cells(label: Label, base: str = "label") -> dict[str, Any]:
    return {f"{base}::vi": label.vi or None, f"{base}::en": label.en or None}


def _plain(value: Any) -> Any:
    """Write whole floats as integers so the sheet shows "10", not "10.0"."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _survey_rows(spec: CriteriaSpec) -> list[dict[str, Any]]:
    questions = list(enumerate(spec.questions))
    members = [q for _, q in questions if q.level == "member"]
    last_member = max((i for i, q in questions if q.level == "member"), default=-1)
    # Household questions asked before the last member question go before the repeat
    # (they can only refer to earlier household questions, so moving them up is safe).
    before = [q for i, q in questions if q.level != "member" and i < last_member]
    after = [q for i, q in questions if q.level != "member" and i > last_member]

    def cells(question: Question) -> dict[str, Any]:
        data = question_row(question, reviewer_only="yes" if question.reviewer_only else None)
        return {column_key(k): v for k, v in data.items()}

    profile = [
        {column_key(k): v for k, v in r.items()}
        for r in build_profile_rows(has_groups=bool(spec.target_groups), role=PROFILE)
    ]
    repeat = row(
        kind="begin repeat",
        name=MEMBERS,
        label=Label("Thành viên hộ gia đình", "Household members"),
    )
    return [
        *map(cells, before),
        {column_key(k): v for k, v in repeat.items()},
        *profile,
        *map(cells, members),
        {"type": "end repeat"},
        *map(cells, after),
    ]


def _choice_rows(spec: CriteriaSpec) -> list[dict[str, Any]]:
    rows = [
        {"list_name": cl.name, "name": c.name, **_label_cells(c.label)}
        for cl in spec.choice_lists
        for c in cl.choices
    ]
    rows += [
        {"list_name": list_name, "name": c.name, **_label_cells(c.label), "role": PROFILE}
        for list_name, c in build_profile_choices(groups=spec.target_groups)
    ]
    return rows


def _settings_row(spec: CriteriaSpec) -> dict[str, Any]:
    return {
        "form_title": spec.title.vi,
        "form_id": spec.code,
        "version": spec.version,
        "default_language": LANGUAGES["vi"],
        "title_en": spec.title.en or None,
        "subject": spec.subject,
        "status": spec.status,
        "total_points": _plain(spec.total_points),
        "legal_basis": spec.legal_basis or None,
        "valid_from": spec.valid_from,
        "valid_to": spec.valid_to,
        "description_vi": spec.description.vi or None,
        "description_en": spec.description.en or None,
        "local_choices": "\n".join(spec.local_choices) or None,
        "digital_indicator": spec.digital_indicator,
        "digital_min_points": _plain(spec.digital_min_points),
    }


def _extra_params(spec: CriteriaSpec) -> list[str]:
    known = {k for k, _ in COLUMNS["scoring"]}
    extra: list[str] = []
    for indicator in spec.indicators:
        for rule in indicator.rules:
            extra += [k for k in rule.params if k not in known and k not in extra]
    return extra


def _scoring_rows(spec: CriteriaSpec) -> list[dict[str, Any]]:
    rows = []
    for indicator in spec.indicators:
        for rule in indicator.rules:
            cells: dict[str, Any] = {
                "indicator": indicator.code,
                "rule_type": rule.type,
                "question": rule.question,
            }
            for key, value in rule.params.items():
                cells[key] = format_param(value)
            rows.append(cells)
    return rows


def format_param(value: Any) -> Any:
    """Write a rule parameter in its cell form: numbers as numbers, maps and bands as text."""
    if isinstance(value, Mapping):
        return "; ".join(f"{k}={_number_text(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return "; ".join(_band_text(b) for b in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return _plain(value)


def _number_text(value: Any) -> str:
    value = _plain(value)
    return str(value)


def _band_text(band: Any) -> str:
    if not isinstance(band, Mapping):
        return str(band)
    high = band.get("max")
    high_text = "" if high is None else _number_text(high)
    return f"{_number_text(band.get('min'))}-{high_text}:{_number_text(band.get('points'))}"


def _recognition_rows(spec: CriteriaSpec) -> list[dict[str, Any]]:
    rec = spec.recognition
    rows = [
        {
            "code": RECOGNISED,
            **_label_cells(rec.label),
            "min_total": _plain(rec.min_total),
            "min_indicator": _plain(rec.min_indicator),
            "min_criterion_share": _plain(rec.min_criterion_share),
        }
    ]
    rows += [
        {
            "code": level.code,
            **_label_cells(level.label),
            "min_total": _plain(level.min_total),
            "min_indicator": _plain(level.min_indicator),
            "local": "yes" if level.local else "no",
        }
        for level in rec.levels
    ]
    return rows


def _write(
    workbook: Workbook,
    name: str,
    rows: Sequence[Mapping[str, Any]],
    *,
    extra_keys: Sequence[str] = (),
) -> None:
    keys = [k for k, _ in COLUMNS[name] if not (name == "scoring" and k == "note")]
    keys += [*extra_keys, "note"] if name == "scoring" else []
    sheet = workbook.create_sheet(name)
    xlsform_columns = {"survey": 12, "choices": 4, "settings": 4}.get(name, 0)
    for column, key in enumerate(keys, start=1):
        cell = put(sheet, row=1, column=column, value=canonical_header(key))
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL if column <= xlsform_columns or not xlsform_columns else EXTRA_FILL
        if (name, key) in HELP:
            cell.comment = Comment(HELP[(name, key)], "criteria")
        width = WIDTHS.get(key, 30 if "::" in key else 14)
        sheet.column_dimensions[get_column_letter(column)].width = width
    for number, values in enumerate(rows, start=2):
        for column, key in enumerate(keys, start=1):
            value = values.get(key)
            cell = put(sheet, row=number, column=column, value=value)
            if isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            if isinstance(value, str) and ("\n" in value or len(value) > 60):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"


def _add_validations(workbook: Workbook, spec: CriteriaSpec) -> None:
    """Drop-downs for the columns with a fixed set of values (free typing stays possible)."""

    def add(sheet_name: str, key: str, values: Sequence[str] | str, *, strict: bool) -> None:
        sheet = workbook[sheet_name]
        headers = [c.value for c in sheet[1]]
        column = get_column_letter(headers.index(canonical_header(key)) + 1)
        formula = values if isinstance(values, str) else '"' + ",".join(values) + '"'
        validation = DataValidation(
            type="list", formula1=formula, allow_blank=True, showErrorMessage=strict
        )
        if strict:
            validation.error = "Chọn một giá trị trong danh sách / pick a value from the list"
        sheet.add_data_validation(validation)
        validation.add(f"{column}2:{column}1000")

    types = [t for t in QUESTION_TYPES if t not in ("select_one", "select_multiple")]
    types += [f"select_one {cl.name}" for cl in spec.choice_lists]
    types += [f"select_multiple {cl.name}" for cl in spec.choice_lists]
    if len(",".join(types)) > 250:  # Excel's limit for a typed-in list
        types = [*QUESTION_TYPES]
    add("survey", "type", types, strict=False)
    add("survey", "required", ("yes", "no"), strict=False)
    add("survey", "reviewer_only", ("yes", "no"), strict=False)
    add("settings", "subject", SUBJECTS, strict=True)
    add("settings", "status", STATUSES, strict=True)
    add("target_groups", "cadre", ("yes", "no"), strict=False)
    add("indicators", "when_not_applicable", NOT_APPLICABLE_POLICIES, strict=True)
    add("indicators", "criterion", "=criteria!$A$2:$A$200", strict=False)
    add("scoring", "rule_type", tuple(RULE_TYPES), strict=True)
    add("scoring", "indicator", "=indicators!$A$2:$A$500", strict=False)
    add("scoring", "question", "=survey!$B$2:$B$1000", strict=False)
    add("recognition", "local", ("yes", "no"), strict=False)
