"""Checks of the questions: names, types, choice lists and their expressions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from criteria.expressions import Expression, ExpressionError, parse
from criteria.spec import LEVELS, MEMBER_BUILTINS, QUESTION_TYPES, CriteriaSpec, Question
from criteria.validation.codes import (
    RESERVED_NAMES,
    SCORE_BUILTINS,
    SELECT_TYPES,
    XLSFORM_NAME,
    check_codes,
    check_label,
)
from criteria.validation.problems import Collector


def ordered_names(expression: Expression) -> list[str]:
    """Return the ``${names}`` of an expression in the order they are written."""
    return sorted(expression.names, key=lambda name: expression.source.find("${" + name + "}"))


def parse_expression(*, out: Collector, path: str, field: str, text: str) -> Expression | None:
    try:
        return parse(text)
    except ExpressionError as exc:
        out.add(
            path,
            f"Biểu thức “{field}” không đọc được: {exc.message('vi')}",
            f"The “{field}” expression cannot be read: {exc.message('en')}",
        )
        return None


def check_questions(spec: CriteriaSpec, out: Collector) -> None:
    questions = spec.questions
    keys = check_codes(
        out=out,
        prefix="questions",
        kind="questions",
        codes=[q.code for q in questions],
        pattern=XLSFORM_NAME,
    )
    position: dict[str, int] = {}
    for index, question in enumerate(questions):
        position.setdefault(question.code, index)
    lists = {cl.name for cl in spec.choice_lists}
    for index, (key, question) in enumerate(zip(keys, questions, strict=True)):
        path = f"questions[{key}]"
        if question.code in RESERVED_NAMES:
            out.add(
                f"{path}.code",
                f"Tên câu hỏi “{question.code}” được dành cho thông tin thành viên, hộ; "
                "hãy đặt tên khác",
                f"The question name “{question.code}” is reserved for member or household "
                "details; choose another name",
            )
        if question.level not in LEVELS:
            out.add(
                f"{path}.level",
                f"Cấp câu hỏi “{question.level}” không hợp lệ; dùng member hoặc household",
                f"Unknown question level “{question.level}”; use member or household",
            )
        _check_question_type(out=out, path=path, question=question, lists=lists)
        check_label(out=out, path=f"{path}.label", vi=question.label.vi)
        for field in ("relevant", "constraint"):
            text = getattr(question, field)
            if not text.strip():
                continue
            expression = parse_expression(out=out, path=f"{path}.{field}", field=field, text=text)
            if expression is None:
                continue
            if field == "constraint" and not expression.uses_current:
                out.add(
                    f"{path}.constraint",
                    "Điều kiện ràng buộc phải dùng “.” để chỉ câu trả lời đang kiểm tra "
                    "(ví dụ “. >= 0”)",
                    "A constraint must use “.” for the answer being checked (e.g. “. >= 0”)",
                )
            _check_references(
                out=out,
                path=f"{path}.{field}",
                field=field,
                expression=expression,
                question=question,
                index=index,
                position=position,
                questions=questions,
            )


def _check_question_type(*, out: Collector, path: str, question: Question, lists: set) -> None:
    if not question.type:
        out.add(f"{path}.type", "Thiếu loại câu hỏi", "The question type is missing")
        return
    if question.type not in QUESTION_TYPES:
        out.add(
            f"{path}.type",
            f"Loại câu hỏi “{question.type}” không được hỗ trợ; dùng một trong: "
            f"{', '.join(QUESTION_TYPES)}",
            f"Question type “{question.type}” is not supported; use one of: "
            f"{', '.join(QUESTION_TYPES)}",
        )
        return
    if question.type in SELECT_TYPES:
        if not question.choice_list:
            out.add(
                f"{path}.choice_list",
                f"Câu hỏi lựa chọn cần tên danh sách lựa chọn (ví dụ “{question.type} co_khong”)",
                f"A select question needs a choice list name (e.g. “{question.type} yes_no”)",
            )
        elif question.choice_list not in lists:
            out.add(
                f"{path}.choice_list",
                f"Không có danh sách lựa chọn “{question.choice_list}” trong sheet choices",
                f"There is no choice list “{question.choice_list}” in the choices sheet",
            )
    elif question.choice_list:
        out.add(
            f"{path}.choice_list",
            f"Chỉ câu hỏi select_one, select_multiple mới có danh sách lựa chọn "
            f"(“{question.choice_list}”)",
            f"Only select_one and select_multiple questions take a choice list "
            f"(“{question.choice_list}”)",
        )


def _check_references(
    *,
    out: Collector,
    path: str,
    field: str,
    expression: Expression,
    question: Question,
    index: int,
    position: Mapping[str, int],
    questions: Sequence[Question],
) -> None:
    household = question.level == "household"
    for name in ordered_names(expression):
        ref = "${" + name + "}"
        if name in MEMBER_BUILTINS:
            if household:
                out.add(
                    path,
                    f"Câu hỏi cấp hộ không dùng được thông tin thành viên “{ref}”",
                    f"A household question cannot use the member detail “{ref}”",
                )
            elif name in SCORE_BUILTINS:
                out.add(
                    path,
                    f"“{ref}” chỉ có sau khi chấm điểm; chỉ dùng trong quy tắc theo thành viên",
                    f"“{ref}” only exists after scoring; use it in member rules only",
                )
            continue
        if name not in position:
            out.add(
                path,
                f"“{ref}” không phải là câu hỏi nào của bộ tiêu chí",
                f"“{ref}” is not a question of this set",
            )
        elif name == question.code:
            if field == "relevant":
                out.add(
                    path,
                    f"“{ref}” là chính câu hỏi này",
                    f"“{ref}” is this question itself",
                )
        elif position[name] > index:
            out.add(
                path,
                f"“{ref}” là câu hỏi đứng sau; chỉ được dùng câu hỏi đứng trước",
                f"“{ref}” comes later in the form; only earlier questions can be used",
            )
        elif household and questions[position[name]].level == "member":
            out.add(
                path,
                f"Câu hỏi cấp hộ không dùng trực tiếp được câu trả lời của thành viên “{ref}”",
                f"A household question cannot use the member answer “{ref}” directly",
            )
