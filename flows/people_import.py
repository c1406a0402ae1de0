"""Read a list of surveyor accounts from a spreadsheet (.xlsx) or a UTF-8 CSV file.

Columns are found by their header, with or without diacritics: "Họ và tên", "Tên đăng nhập",
"Xã/phường" (several separated by ";"). A commune is named by its key (04528@2020-02-01), its
code (the unit valid today, or the only one with the code) or its name. A workbook is checked
as every upload is (criteria.xlsx_safety); formulas are refused, never evaluated. Every problem
is reported with its file, sheet, row and column, and nothing is created if there is one.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict

from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.translation import gettext as _

from criteria import xlsx_safety
from criteria.validation import CriteriaImportError
from flows.people import AccountError, NewSurveyor, assignable_communes
from survey.imports.problems import ImportRefused
from survey.imports.workbooks import read_workbook
from units.text import plain_key

MAX_UPLOAD_BYTES = 2_000_000
# Each account's password is hashed at creation (PBKDF2, about 0.29 s each on 2 cores):
# 50 accounts stay within one request's time.
MAX_ACCOUNTS = 50
COLUMNS = {
    "full_name": ("ho va ten", "ho ten", "full name", "full_name"),
    "username": ("ten dang nhap", "username"),
    "communes": ("xa/phuong", "xa", "communes", "commune"),
}
COLUMN_LABELS = {"full_name": "Họ và tên", "username": "Tên đăng nhập", "communes": "Xã/phường"}


def _rows(*, name: str, content: bytes) -> tuple[str, list[list[str]], dict]:
    """Return the sheet's name, its rows as text and its formula cells."""
    if content.startswith((xlsx_safety.ZIP_MAGIC, xlsx_safety.OLE_MAGIC)):
        try:
            xlsx_safety.check_archive(data=content, filename=name)
            sheets = read_workbook(content)
        except (CriteriaImportError, ImportRefused) as refused:
            raise AccountError([f"{name}: {p.message()}" for p in refused.problems]) from refused
        if not sheets:
            raise AccountError(_("%(file)s: tệp không có trang tính nào.") % {"file": name})
        return sheets[0].name, sheets[0].rows, sheets[0].formulas
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise AccountError(
            _("%(file)s: không phải tệp Excel (.xlsx) hay CSV UTF-8.") % {"file": name}
        ) from error
    try:
        return "", [list(row) for row in csv.reader(io.StringIO(text))], {}
    except csv.Error as error:  # e.g. a NUL byte: not a text file after all
        raise AccountError(
            _("%(file)s: không phải tệp Excel (.xlsx) hay CSV UTF-8.") % {"file": name}
        ) from error


def _communes_by_name(*, by: User) -> tuple[dict, dict, dict]:
    today = timezone.localdate()
    keys, codes, names = {}, defaultdict(list), defaultdict(list)
    for unit in assignable_communes(by=by):
        keys[unit.key] = unit
        codes[unit.code].append(unit)
        names[plain_key(unit.name)].append(unit)
    # A reused code means today's unit; a code of one unit only means that unit.
    by_code = {}
    for code, units in codes.items():
        current = [u for u in units if u.is_valid_on(today)]
        chosen = current if len(current) == 1 else units
        if len(chosen) == 1:
            by_code[code] = chosen[0]
    return keys, by_code, names


def read_accounts_file(*, name: str, content: bytes, by: User) -> list[NewSurveyor]:
    """Return the accounts listed in the file; raise AccountError listing every problem."""
    sheet, rows, formulas = _rows(name=name, content=content)
    place = (
        _("Tệp %(file)s, trang %(sheet)s") % {"file": name, "sheet": sheet}
        if sheet
        else (_("Tệp %(file)s") % {"file": name})
    )
    if not rows:
        raise AccountError(_("%(place)s: tệp trống.") % {"place": place})
    headers = [plain_key(h) for h in rows[0]]
    columns = {}
    problems = []
    for field, spellings in COLUMNS.items():
        found = [i for i, header in enumerate(headers) if header in spellings]
        if not found:
            problems.append(
                _("%(place)s, dòng 1: thiếu cột “%(column)s”.")
                % {"place": place, "column": COLUMN_LABELS[field]}
            )
        else:
            columns[field] = found[0]
    if problems:
        raise AccountError(problems)
    keys, by_code, names = _communes_by_name(by=by)
    accounts = []
    for number, row in enumerate(rows[1:], start=2):
        cells = {f: (row[i].strip() if i < len(row) else "") for f, i in columns.items()}
        if not any(cells.values()):
            continue

        def where(field: str, number: int = number) -> str:
            return _("%(place)s, dòng %(row)s, cột %(column)s: ") % {
                "place": place,
                "row": number,
                "column": COLUMN_LABELS[field],
            }

        for field, index in columns.items():
            if (number, index) in formulas:
                problems.append(where(field) + _("ô chứa công thức; hãy nhập giá trị."))
        unit_keys = []
        for item in filter(None, (part.strip() for part in cells["communes"].split(";"))):
            unit = keys.get(item) or by_code.get(item)
            matches = [unit] if unit else names.get(plain_key(item), [])
            if len(matches) == 1:
                unit_keys.append(matches[0].key)
            elif not matches:
                problems.append(
                    where("communes")
                    + _("không có xã/phường “%(name)s” trong phạm vi của bạn.") % {"name": item}
                )
            else:
                problems.append(
                    where("communes")
                    + _("“%(name)s” chỉ nhiều xã/phường (%(keys)s); hãy ghi mã.")
                    % {"name": item, "keys": ", ".join(sorted(u.key for u in matches))}
                )
        accounts.append(
            NewSurveyor(
                username=cells["username"],
                full_name=cells["full_name"],
                unit_keys=tuple(dict.fromkeys(unit_keys)),
                where=_("%(place)s, dòng %(row)s: ") % {"place": place, "row": number},
            )
        )
    if not accounts and not problems:
        problems.append(_("%(place)s: không có tài khoản nào.") % {"place": place})
    if len(accounts) > MAX_ACCOUNTS:
        problems.append(
            _("%(place)s: tối đa %(max)s tài khoản mỗi lần.")
            % {"place": place, "max": MAX_ACCOUNTS}
        )
    if problems:
        raise AccountError(problems)
    return accounts
