"""Where the checks put what they find: located problems, and answers dropped as not asked."""

from __future__ import annotations

from collections import Counter

from survey.forms import REQUIRED_MESSAGE
from survey.imports.problems import Problem, bilingual
from survey.imports.rows import Record
from survey.imports.sheets import Sheet, cell_at

FORMULA_MESSAGE = (
    "Ô chứa công thức Excel “{formula}”; công thức không được tính khi nhập: hãy ghi giá trị",
    "The cell holds an Excel formula “{formula}”; formulas are not evaluated on import: type "
    "the value",
)


def required_message() -> tuple[str, str]:
    """The web form's "required" message, in both languages."""
    return bilingual(REQUIRED_MESSAGE, "An answer is required.")


class Report:
    """Collect every problem of a file with its sheet, row and column, and count dropped answers."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.ignored: Counter[tuple[int, int]] = Counter()
        self.sheets: dict[int, Sheet] = {}

    def add(self, record: Record, name: str | None, message: tuple[str, str]) -> None:
        column = record.column(name) if name else None
        self.problems.append(Problem(record.sheet.name, record.row, column, *message))

    def add_at(self, record: Record, index: int, message: tuple[str, str]) -> None:
        sheet = record.sheet
        self.problems.append(Problem(sheet.name, record.row, sheet.column_name(index), *message))

    def formula(self, record: Record, index: int) -> None:
        formula = record.sheet.formulas[(record.row, index)]
        vi, en = FORMULA_MESSAGE
        self.add_at(record, index, (vi.format(formula=formula), en.format(formula=formula)))

    def value(self, record: Record, name: str) -> str | None:
        """Return a cell's text, stripped; None when the column is absent or holds a formula."""
        index = record.fields.get(name)
        if index is None:
            return None
        if record.sheet.formulas and (record.row, index) in record.sheet.formulas:
            self.formula(record, index)
            return None
        return cell_at(record.values, index)

    def ignore(self, record: Record, index: int) -> None:
        """Count an answer dropped because its question is not asked (a warning)."""
        sheet = record.sheet
        self.sheets[id(sheet)] = sheet
        self.ignored[(id(sheet), index)] += 1

    def warnings(self) -> list[Problem]:
        return [
            Problem(
                self.sheets[sheet].name,
                None,
                self.sheets[sheet].column_name(index),
                f"{count} câu trả lời bị bỏ qua vì câu hỏi không được hỏi với người/hộ đó "
                "(theo nhóm, tuổi hoặc câu trả lời trước), như trên biểu mẫu web",
                f"{count} answer(s) ignored because the question is not asked of that "
                "person or household (by group, age or an earlier answer), as on the web form",
            )
            for (sheet, index), count in self.ignored.items()
        ]
