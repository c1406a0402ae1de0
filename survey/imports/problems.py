"""What goes wrong in an import: located problems in both languages, and the refusal.

A problem reuses ``criteria.validation.Problem`` (sheet, row, column, Vietnamese,
English): the sheet is a worksheet of the workbook or a file of the ODK zip, the
row is the spreadsheet row (the header is row 1), the column is the header as
the file spells it, after the column letter in a workbook ("F: Năm sinh [birth_year]").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from django.utils import translation

from criteria.validation import CriteriaImportError, Problem

__all__ = [
    "ImportRefused",
    "Problem",
    "bilingual",
    "damaged_file",
    "file_problem",
    "refusal_from",
]


class ImportRefused(Exception):
    """The file cannot be imported; ``problems`` lists every problem found, in reading order.

    Nothing has been written when this is raised.
    """

    def __init__(self, problems: Sequence[Problem]):
        self.problems: list[Problem] = list(problems)
        shown = "; ".join(map(str, self.problems[:5]))
        super().__init__(f"{len(self.problems)} problem(s): {shown}")


def file_problem(vi: str, en: str) -> Problem:
    """Return a problem with the whole file (no sheet, row or column)."""
    return Problem(None, None, None, vi, en)


def damaged_file() -> ImportRefused:
    """Refuse a file that cannot be unpacked or read (often an upload cut off)."""
    return ImportRefused(
        [
            file_problem(
                "Tệp bị hỏng hoặc không đầy đủ (có thể việc tải lên bị gián đoạn); hãy lưu lại "
                "và tải lên lần nữa",
                "The file is damaged or incomplete (the upload may have been cut off); save it "
                "again and upload it once more",
            )
        ]
    )


def refusal_from(error: CriteriaImportError) -> ImportRefused:
    """Carry the problems of the shared xlsx safety checks over to an import refusal."""
    return ImportRefused(error.problems)


def bilingual(message: object | Callable[[], object], english: str = "") -> tuple[str, str]:
    """Return a translatable message in Vietnamese and in English.

    ``message`` is a lazy translation, or a callable that builds the message with
    ``gettext`` (and formatting) in the active language. ``english`` stands in while the
    catalogue has no English for it (the web form's own messages are translated there).
    """
    texts = []
    for language in ("vi", "en"):
        with translation.override(language):
            texts.append(str(message() if callable(message) else message))
    vi, en = texts
    return vi, (english if english and en == vi else en)


def in_reading_order(problems: Iterable[Problem], sheet_order: Sequence[str]) -> list[Problem]:
    """Sort problems by sheet (file order), then row, keeping each row's column order."""
    rank = {name: index for index, name in enumerate(sheet_order)}
    return sorted(
        problems,
        key=lambda p: (
            -1 if p.sheet is None else rank.get(p.sheet, len(rank)),
            p.row or 0,
        ),
    )
