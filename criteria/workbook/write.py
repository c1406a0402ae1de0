"""Writing a CriteriaSpec as a criteria workbook people can edit in Excel."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from openpyxl import Workbook
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
    CriteriaSpec,
    Label,
    Question,
)
from criteria.workbook.layout import COLUMNS, PROFILE, RECOGNISED, canonical_header, column_key
from criteria.xlsform import (
    LANGUAGES,
    MEMBERS,
    build_profile_choices,
    build_profile_rows,
    put,
    question_row,
    row,
)

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
