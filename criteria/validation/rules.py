"""Checks of the indicators and their scoring rules."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from criteria.expressions import ExpressionError, parse
from criteria.rules import RULE_TYPES, get_rule_type
from criteria.spec import (
    MEMBER_BUILTINS,
    NOT_APPLICABLE_POLICIES,
    QUESTION_TYPES,
    ChoiceList,
    CriteriaSpec,
    Question,
    Rule,
)
from criteria.validation.codes import SELECT_TYPES, check_codes, check_label
from criteria.validation.problems import TOLERANCE, Collector, finite, format_number
from criteria.validation.questions import ordered_names
from criteria.validation.structure import check_points


def check_indicators(spec: CriteriaSpec, out: Collector) -> None:
    indicators = spec.indicators
    keys = check_codes(
        out=out, prefix="indicators", kind="indicators", codes=[i.code for i in indicators]
    )
    criteria = {c.code for c in spec.criteria}
    groups = {g.code for g in spec.target_groups}
    for key, indicator in zip(keys, indicators, strict=True):
        path = f"indicators[{key}]"
        if not indicator.criterion:
            out.add(f"{path}.criterion", "Thiếu mã tiêu chí", "The criterion code is missing")
        elif indicator.criterion not in criteria:
            out.add(
                f"{path}.criterion",
                f"Không có tiêu chí “{indicator.criterion}” trong sheet criteria",
                f"There is no criterion “{indicator.criterion}” in the criteria sheet",
            )
        check_label(out=out, path=f"{path}.label", vi=indicator.label.vi)
        check_points(out=out, path=f"{path}.max_points", value=indicator.max_points)
        for group in indicator.target_groups:
            if group not in groups:
                out.add(
                    f"{path}.target_groups",
                    f"Không có nhóm đối tượng “{group}” trong sheet target_groups",
                    f"There is no target group “{group}” in the target_groups sheet",
                )
        if indicator.when_not_applicable not in NOT_APPLICABLE_POLICIES:
            out.add(
                f"{path}.when_not_applicable",
                f"Cách tính khi không áp dụng “{indicator.when_not_applicable}” không hợp lệ; "
                "dùng “full” (cho đủ điểm) hoặc “rescale” (bỏ ra và quy đổi điểm)",
                f"Unknown not-applicable policy “{indicator.when_not_applicable}”; use “full” "
                "(full points) or “rescale” (leave out and rescale)",
            )
        if not indicator.rules and not key.startswith("#"):
            # (A duplicate code is reported already; its rules cannot be told apart.)
            out.add(
                f"{path}.rules",
                f"Chỉ số “{indicator.code}” chưa có quy tắc chấm điểm nào (sheet scoring)",
                f"Indicator “{indicator.code}” has no scoring rule (scoring sheet)",
            )
            continue
        ceilings = [
            _check_rule(spec=spec, out=out, path=f"{path}.rules[{n}]", rule=rule)
            for n, rule in enumerate(indicator.rules, start=1)
        ]
        if all(c is not None for c in ceilings) and finite(indicator.max_points):
            most = sum(c for c in ceilings if c is not None)
            if most > indicator.max_points + TOLERANCE:
                out.add(
                    f"{path}.max_points",
                    f"Các quy tắc có thể cho tới {format_number(value=most, language='vi')} "
                    f"điểm, vượt điểm tối đa "
                    f"{format_number(value=indicator.max_points, language='vi')} của chỉ số",
                    f"The rules can give up to {format_number(value=most, language='en')} "
                    f"points, above the indicator's maximum "
                    f"{format_number(value=indicator.max_points, language='en')}",
                )


def _check_rule(*, spec: CriteriaSpec, out: Collector, path: str, rule: Rule) -> float | None:
    """Report what is wrong with one rule; return its ceiling, or None when it is broken."""
    rule_type = get_rule_type(rule.type)
    if rule_type is None:
        if not rule.type:
            out.add(f"{path}.type", "Thiếu loại quy tắc", "The rule type is missing")
        else:
            out.add(
                f"{path}.type",
                f"Loại quy tắc “{rule.type}” không có; dùng một trong: {', '.join(RULE_TYPES)}",
                f"Unknown rule type “{rule.type}”; use one of: {', '.join(RULE_TYPES)}",
            )
        return None
    broken = False
    question: Question | None = None
    choices: ChoiceList | None = None
    by_code = {q.code: q for q in reversed(spec.questions)}  # first occurrence wins
    if not rule_type.needs_question:
        if spec.subject != "household":
            out.add(
                f"{path}.type",
                f"Quy tắc “{rule.type}” tính từ các thành viên, chỉ dùng cho bộ tiêu chí hộ "
                "gia đình",
                f"Rule type “{rule.type}” is computed from the members and is for household "
                "sets only",
            )
            broken = True
        if rule.question:
            out.add(
                f"{path}.question",
                f"Quy tắc “{rule.type}” tính từ các thành viên, không gắn với câu hỏi; "
                "để trống ô này",
                f"Rule type “{rule.type}” is computed from the members and takes no question; "
                "leave this empty",
            )
            broken = True
    elif not rule.question:
        out.add(
            f"{path}.question",
            f"Quy tắc “{rule.type}” cần một câu hỏi",
            f"Rule type “{rule.type}” needs a question",
        )
        broken = True
    elif rule.question not in by_code:
        out.add(
            f"{path}.question",
            f"Không có câu hỏi “{rule.question}” trong sheet survey",
            f"There is no question “{rule.question}” in the survey sheet",
        )
        broken = True
    else:
        question = by_code[rule.question]
        if question.type not in QUESTION_TYPES:
            broken = True  # the question's own type is reported already
        elif question.type not in rule_type.question_types:
            allowed = ", ".join(rule_type.question_types)
            out.add(
                f"{path}.question",
                f"Quy tắc “{rule.type}” dùng cho câu hỏi loại {allowed}; “{question.code}” là "
                f"câu hỏi loại {question.type}",
                f"Rule type “{rule.type}” works on {allowed} questions; “{question.code}” is a "
                f"{question.type} question",
            )
            broken = True
        elif spec.subject == "citizen" and question.level == "household":
            out.add(
                f"{path}.question",
                f"Bộ tiêu chí công dân chỉ chấm câu hỏi cấp thành viên; “{question.code}” là câu "
                "hỏi cấp hộ",
                f"A citizen set scores member questions only; “{question.code}” is a household "
                "question",
            )
            broken = True
        elif spec.subject == "household" and question.level == "member":
            out.add(
                f"{path}.question",
                f"Bộ tiêu chí hộ chấm câu hỏi thành viên qua quy tắc members_*; “{question.code}” "
                "là câu hỏi cấp thành viên",
                f"A household set scores member questions through members_* rules; "
                f"“{question.code}” is a member question",
            )
            broken = True
        if question.type in SELECT_TYPES and question.choice_list:
            choices = next(
                (cl for cl in spec.choice_lists if cl.name == question.choice_list), None
            )
    params = rule.params
    if not isinstance(params, Mapping):
        out.add(
            f"{path}.params",
            "Tham số của quy tắc phải là bảng tên–giá trị",
            "A rule's params must be a mapping of names to values",
        )
        return None
    param_problems = rule_type.check(params, question, choices)
    for problem in param_problems:
        where = "question" if problem.param == "question" else f"params.{problem.param}"
        out.add(f"{path}.{where}", _capitalise(problem.vi), _capitalise(problem.en))
    if not rule_type.needs_question and spec.subject == "household":
        broken |= _check_member_expressions(spec=spec, out=out, path=path, params=params)
    if broken or param_problems:
        return None
    try:
        return float(rule_type.ceiling(params))
    except (TypeError, ValueError, KeyError, AttributeError):  # pragma: no cover - checked above
        return None


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _check_member_expressions(
    *, spec: CriteriaSpec, out: Collector, path: str, params: Mapping[str, Any]
) -> bool:
    """Report condition/test names that are not member questions or member details."""
    levels = {}
    for question in spec.questions:
        levels.setdefault(question.code, question.level)
    broken = False
    for name in ("condition", "test"):
        text = params.get(name)
        if not text:
            continue
        try:
            expression = parse(str(text))
        except ExpressionError:
            continue  # the rule type's own check reports it
        for ref_name in ordered_names(expression):
            ref = "${" + ref_name + "}"
            if ref_name in MEMBER_BUILTINS or levels.get(ref_name) == "member":
                continue
            broken = True
            if ref_name in levels:
                out.add(
                    f"{path}.params.{name}",
                    f"“{ref}” là câu hỏi cấp hộ; điều kiện theo thành viên chỉ dùng câu hỏi "
                    f"thành viên và {', '.join(MEMBER_BUILTINS)}",
                    f"“{ref}” is a household question; member conditions use member questions "
                    f"and {', '.join(MEMBER_BUILTINS)} only",
                )
            else:
                out.add(
                    f"{path}.params.{name}",
                    f"“{ref}” không phải là câu hỏi thành viên hay thông tin thành viên "
                    f"({', '.join(MEMBER_BUILTINS)})",
                    f"“{ref}” is neither a member question nor a member detail "
                    f"({', '.join(MEMBER_BUILTINS)})",
                )
    return broken
