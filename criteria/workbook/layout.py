"""The workbook's sheets and columns, and how header texts map to column keys."""

from __future__ import annotations

import re
from typing import Any

from criteria.xlsform import LANGUAGES, header

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
