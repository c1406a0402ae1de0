"""Scoring rules in words, for the preview page, the paper form and the docs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from criteria.spec import CriteriaSpec, Rule


def _n(value: Any) -> str:
    number = float(value)
    return f"{number:g}".replace(".", ",")


def _bands(bands: list[Mapping[str, Any]], en: bool) -> str:
    parts = []
    for band in bands:
        low, high = band.get("min"), band.get("max")
        if high is None or high == "":
            span = f"≥ {_n(low)}"
        elif float(high) == float(low):
            span = _n(low)
        else:
            span = f"{_n(low)}–{_n(high)}"
        parts.append(f"{span} → {_n(band['points'])}")
    return "; ".join(parts)


def _choice_label(spec: CriteriaSpec, question: str | None, name: str, language: str) -> str:
    if question is None:
        return name
    q = next((q for q in spec.questions if q.code == question), None)
    if q is None or not q.choice_list:
        return name
    lists = {cl.name: cl for cl in spec.choice_lists}
    for choice in lists[q.choice_list].choices if q.choice_list in lists else ():
        if choice.name == name:
            return choice.label.get(language)
    return name


def describe_rule(*, rule: Rule, spec: CriteriaSpec, language: str = "vi") -> str:
    """Return one sentence that says how the rule turns answers into points."""
    en = language.startswith("en")
    p = rule.params
    q = rule.question

    def label(name: str) -> str:
        return _choice_label(spec, q, name, language)

    match rule.type:
        case "choice_points":
            items = "; ".join(f"{label(k)} → {_n(v)}" for k, v in p["points"].items())
            return ("Points per option: " if en else "Điểm theo lựa chọn: ") + items
        case "checklist":
            if "points" in p:
                each = "; ".join(f"{label(k)} → {_n(v)}" for k, v in p["points"].items())
            else:
                each = f"{_n(p['per_item'])} " + ("per ticked item" if en else "điểm mỗi mục")
            cap = _n(p["cap"])
            return f"{each}, " + (f"at most {cap}" if en else f"tối đa {cap}")
        case "bands":
            return ("Bands: " if en else "Theo khoảng: ") + _bands(p["bands"], en)
        case "yes_no":
            yes, no = _n(p["points"]), _n(p.get("no_points") or 0)
            choice = label(str(p.get("yes", "yes")))
            return f"{choice} → {yes}, " + (f"otherwise {no}" if en else f"khác → {no}")
        case "reviewer_score":
            top = _n(p["max"])
            return (
                f"Scored 0–{top} by the reviewer from evidence"
                if en
                else f"Người kiểm tra chấm 0–{top} theo minh chứng"
            )
        case "members_all" | "members_any" | "members_share":
            who = p.get("condition") or ("every member" if en else "mọi thành viên")
            test, points = p.get("test", ""), _n(p["points"])
            if rule.type == "members_all":
                return (
                    f"{points} if all members with {who} satisfy {test}"
                    if en
                    else f"{points} điểm nếu mọi thành viên có {who} đều thoả {test}"
                )
            if rule.type == "members_any":
                return (
                    f"{points} if at least one member with {who} satisfies {test}"
                    if en
                    else f"{points} điểm nếu có ít nhất một thành viên có {who} thoả {test}"
                )
            return (
                f"{points} × share of members with {who} who satisfy {test}"
                if en
                else f"{points} × tỷ lệ thành viên có {who} thoả {test}"
            )
        case "members_count":
            return ("Members counted, bands: " if en else "Đếm thành viên, theo khoảng: ") + _bands(
                p["bands"], en
            )
    return rule.type
