"""Reserved names and code patterns, and the checks every coded item shares."""

from __future__ import annotations

import re
from collections.abc import Sequence

from criteria.spec import MEMBER_BUILTINS
from criteria.validation.paths import PLAIN_CODE, make_keys
from criteria.validation.problems import Collector

# The member details every survey collects before the criteria questions; a
# question may not take these names (they are the profile rows of the repeat).
PROFILE_QUESTIONS = ("full_name", "sex", "birth_year", "target_group", "age")
# Household details the field form (criteria.xlsform) adds before the questions.
HOUSEHOLD_DETAILS = ("commune_code", "village", "address", "head_name")
RESERVED_NAMES = frozenset((*PROFILE_QUESTIONS, *MEMBER_BUILTINS, *HOUSEHOLD_DETAILS, "members"))
# Builtins that only exist once the members have been scored.
SCORE_BUILTINS = ("recognised", "total")

# XLSForm names: what ${...} can refer to and what ODK accepts as an element name.
XLSFORM_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
SELECT_TYPES = ("select_one", "select_multiple")


# (Vietnamese, English) names of each kind of coded item, for messages.
KINDS = {
    "target_groups": ("nhóm đối tượng", "target group"),
    "criteria": ("tiêu chí", "criterion"),
    "indicators": ("chỉ số", "indicator"),
    "questions": ("câu hỏi", "question"),
    "choice_lists": ("danh sách lựa chọn", "choice list"),
    "choices": ("lựa chọn", "choice"),
    "levels": ("mức công nhận", "recognition level"),
}


def check_codes(
    *,
    out: Collector,
    prefix: str,
    kind: str,
    codes: Sequence[str],
    field: str = "code",
    pattern: re.Pattern[str] = PLAIN_CODE,
) -> list[str]:
    """Report missing, malformed and duplicate codes; return each item's path key."""
    keys = make_keys(codes)
    vi_kind, en_kind = KINDS[kind]
    first: dict[str, str] = {}
    for key, code in zip(keys, codes, strict=True):
        path = f"{prefix}[{key}].{field}"
        if not code:
            out.add(path, f"Thiếu mã {vi_kind}", f"The {en_kind} code is missing")
            continue
        if code in first:
            vi_at, en_at = out.where(first[code])
            out.add(
                path,
                f"Mã {vi_kind} “{code}” bị trùng{vi_at}",
                f"Duplicate {en_kind} code “{code}”{en_at}",
            )
            continue
        first[code] = path
        if not pattern.match(code):
            if pattern is XLSFORM_NAME:
                out.add(
                    path,
                    f"Tên {vi_kind} “{code}” không hợp lệ: chỉ dùng chữ không dấu, số, “_”, “-”, "
                    "“.”, bắt đầu bằng chữ hoặc “_”",
                    f"The {en_kind} name “{code}” is not valid: use only unaccented letters, "
                    "digits, “_”, “-”, “.”, starting with a letter or “_”",
                )
            else:
                out.add(
                    path,
                    f"Mã {vi_kind} “{code}” không được chứa dấu cách hay các ký tự [ ] ' \" #",
                    f"The {en_kind} code “{code}” must not contain spaces or [ ] ' \" #",
                )
    return keys


def check_label(*, out: Collector, path: str, vi: str) -> None:
    if not vi.strip():
        out.add(path, "Thiếu nhãn tiếng Việt", "The Vietnamese label is missing")
