"""Scoring rules in words, for the preview page, the paper form and the docs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from criteria.spec import CriteriaSpec, Rule


def _n(value: Any, en: bool = False) -> str:
    """Write a number as people read it: 3,5 in Vietnamese, 3.5 in English."""
    text = f"{float(value):g}"
    return text if en else text.replace(".", ",")


def _bands(bands: list[Mapping[str, Any]], en: bool) -> str:
    parts = []
    for band in bands:
        low, high = band.get("min"), band.get("max")
        if high is None or high == "":
            span = f"≥ {_n(low, en)}"
        elif float(high) == float(low):
            span = _n(low, en)
        else:
            span = f"{_n(low, en)}–{_n(high, en)}"
        parts.append(f"{span} → {_n(band['points'], en)}")
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
            items = "; ".join(f"{label(k)} → {_n(v, en)}" for k, v in p["points"].items())
            return ("Points per option: " if en else "Điểm theo lựa chọn: ") + items
        case "checklist":
            if "points" in p:
                each = "; ".join(f"{label(k)} → {_n(v, en)}" for k, v in p["points"].items())
            else:
                each = f"{_n(p['per_item'], en)} " + ("per ticked item" if en else "điểm mỗi mục")
            cap = _n(p["cap"], en)
            return f"{each}, " + (f"at most {cap}" if en else f"tối đa {cap}")
        case "bands":
            return ("Bands: " if en else "Theo khoảng: ") + _bands(p["bands"], en)
        case "yes_no":
            yes, no = _n(p["points"], en), _n(p.get("no_points") or 0, en)
            choice = label(str(p.get("yes", "yes")))
            return f"{choice} → {yes}, " + (f"otherwise {no}" if en else f"khác → {no}")
        case "reviewer_score":
            top = _n(p["max"], en)
            return (
                f"Scored 0–{top} by the reviewer from evidence"
                if en
                else f"Người kiểm tra chấm 0–{top} theo minh chứng"
            )
        case "members_all" | "members_any" | "members_share" | "members_count":
            return _describe_members(rule.type, p, en)
    return rule.type


def _describe_members(kind: str, p: Mapping[str, Any], en: bool) -> str:
    """Describe a household item computed from the members (``condition`` is optional)."""
    condition, test = p.get("condition") or "", p.get("test") or ""
    if en:
        who = f"members with {condition}" if condition else "members"
        match kind:
            case "members_count":
                passing = f" who satisfy {test}" if test else ""
                return f"Number of {who}{passing}, bands: {_bands(p['bands'], en)}"
            case "members_all":
                return f"{_n(p['points'], en)} if all {who} satisfy {test}"
            case "members_any":
                one = f"one member with {condition}" if condition else "one member"
                return f"{_n(p['points'], en)} if at least {one} satisfies {test}"
        return f"{_n(p['points'], en)} × share of {who} who satisfy {test}"
    who = f"thành viên có {condition}" if condition else "thành viên"
    match kind:
        case "members_count":
            passing = f" thoả {test}" if test else ""
            return f"Số {who}{passing}, theo khoảng: {_bands(p['bands'], en)}"
        case "members_all":
            return f"{_n(p['points'], en)} điểm nếu mọi {who} đều thoả {test}"
        case "members_any":
            return f"{_n(p['points'], en)} điểm nếu có ít nhất một {who} thoả {test}"
    return f"{_n(p['points'], en)} × tỷ lệ {who} thoả {test}"
