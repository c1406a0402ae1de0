"""A criteria set version as plain, immutable data.

This is the one shape every part of the product agrees on: the workbook and
YAML readers produce it, the database stores and rebuilds it, the survey form
is generated from it and the scoring engine computes over it. It imports
nothing from Django, so it can be built, compared and scored anywhere.

``to_dict``/``from_dict`` give the canonical plain form (the YAML layout);
``from_dict`` assumes the data was validated (``criteria.validation``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

QUESTION_TYPES = ("integer", "decimal", "select_one", "select_multiple", "text", "date", "note")
LEVELS = ("member", "household")
SUBJECTS = ("citizen", "household")
NOT_APPLICABLE_POLICIES = ("full", "rescale")
STATUSES = ("draft", "published", "retired")

# Names every member context provides to expressions, beside the answers.
MEMBER_BUILTINS = ("age", "target_group", "sex", "recognised", "total")


@dataclass(frozen=True)
class Label:
    vi: str
    en: str = ""

    def get(self, language: str) -> str:
        return (self.en if language.startswith("en") else self.vi) or self.vi


@dataclass(frozen=True)
class TargetGroup:
    code: str
    label: Label
    min_age: int | None = None
    max_age: int | None = None
    # Counted as cadres in the national-target figures (QĐ 677's "cán bộ").
    cadre: bool = False
    # Codes of target groups in other sets that stand for the same people, so that
    # members recorded under one set read under another (a local reading, stated).
    same_as: tuple[str, ...] = ()


@dataclass(frozen=True)
class Choice:
    name: str
    label: Label


@dataclass(frozen=True)
class ChoiceList:
    name: str
    choices: tuple[Choice, ...]


@dataclass(frozen=True)
class Question:
    """A question in XLSForm terms; ``relevant`` and ``constraint`` are XLSForm expressions."""

    code: str
    level: str  # "member" or "household"
    type: str  # one of QUESTION_TYPES
    label: Label
    choice_list: str | None = None
    hint: Label = field(default_factory=lambda: Label(""))
    required: bool = False
    relevant: str = ""
    constraint: str = ""
    constraint_message: Label = field(default_factory=lambda: Label(""))
    # Answered by a reviewer after checking evidence, not by the surveyor.
    reviewer_only: bool = False


@dataclass(frozen=True)
class Criterion:
    code: str
    label: Label
    max_points: float


@dataclass(frozen=True)
class Rule:
    """One scoring component: a registered rule type applied to a question.

    ``params`` is the rule type's own data (points per choice, bands, cap...);
    see ``criteria.rules`` for each type.
    """

    type: str
    question: str | None
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Indicator:
    """An indicator's points are the sum of its rules' points, capped at ``max_points``."""

    code: str
    criterion: str
    label: Label
    max_points: float
    rules: tuple[Rule, ...]
    target_groups: tuple[str, ...] = ()  # empty: applies to every group
    when_not_applicable: str = "rescale"  # "full" points, or leave out and "rescale"
    # A household item that depends on members (e.g. school-age children) can be
    # not applicable for a household; its rule then returns "not applicable".


@dataclass(frozen=True)
class Level:
    """A named higher tier above recognition, e.g. "tiêu biểu" (always a local choice)."""

    code: str
    label: Label
    min_total: float
    min_indicator: float | None = None
    local: bool = True


@dataclass(frozen=True)
class Recognition:
    min_total: float
    min_indicator: float | None = None  # minimum points on every applicable indicator
    min_criterion_share: float | None = None  # minimum share of each criterion's maximum
    label: Label = field(default_factory=lambda: Label("Đạt", "Recognised"))
    levels: tuple[Level, ...] = ()


@dataclass(frozen=True)
class CriteriaSpec:
    code: str
    version: int
    subject: str  # "citizen" or "household"
    title: Label
    total_points: float
    recognition: Recognition
    target_groups: tuple[TargetGroup, ...]
    criteria: tuple[Criterion, ...]
    indicators: tuple[Indicator, ...]
    questions: tuple[Question, ...]
    choice_lists: tuple[ChoiceList, ...]
    status: str = "draft"
    legal_basis: str = ""
    valid_from: date | None = None
    valid_to: date | None = None
    # Prose for users; parts that are local choices rather than published rules
    # are marked with "[local]" / "[địa phương]" by convention and listed in local_choices.
    description: Label = field(default_factory=lambda: Label(""))
    local_choices: tuple[str, ...] = ()
    # The indicator that measures digital skills for the national target, and the
    # points on it that count as "meeting job needs"; None where the set has none.
    digital_indicator: str | None = None
    digital_min_points: float | None = None

    # Lookups -----------------------------------------------------------------
    def question(self, code: str) -> Question:
        return next(q for q in self.questions if q.code == code)

    def choice_list(self, name: str) -> ChoiceList:
        return next(c for c in self.choice_lists if c.name == name)

    def indicators_of(self, criterion: str) -> tuple[Indicator, ...]:
        return tuple(i for i in self.indicators if i.criterion == criterion)

    # Plain form --------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("valid_from", "valid_to"):
            data[key] = data[key].isoformat() if data[key] else None
        return _lists(data)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CriteriaSpec:
        def label(value: Any) -> Label:
            if isinstance(value, str):
                return Label(value)
            value = value or {}
            return Label(value.get("vi", ""), value.get("en", "") or "")

        def day(value: Any) -> date | None:
            if value in (None, ""):
                return None
            return value if isinstance(value, date) else date.fromisoformat(str(value))

        rec = data["recognition"]
        return cls(
            code=data["code"],
            version=int(data["version"]),
            subject=data.get("subject", "citizen"),
            title=label(data["title"]),
            total_points=float(data["total_points"]),
            status=data.get("status", "draft"),
            legal_basis=data.get("legal_basis", "") or "",
            valid_from=day(data.get("valid_from")),
            valid_to=day(data.get("valid_to")),
            description=label(data.get("description")),
            local_choices=tuple(data.get("local_choices") or ()),
            digital_indicator=data.get("digital_indicator") or None,
            digital_min_points=_opt_float(data.get("digital_min_points")),
            recognition=Recognition(
                min_total=float(rec["min_total"]),
                min_indicator=_opt_float(rec.get("min_indicator")),
                min_criterion_share=_opt_float(rec.get("min_criterion_share")),
                label=label(rec.get("label") or {"vi": "Đạt", "en": "Recognised"}),
                levels=tuple(
                    Level(
                        code=lv["code"],
                        label=label(lv["label"]),
                        min_total=float(lv["min_total"]),
                        min_indicator=_opt_float(lv.get("min_indicator")),
                        local=bool(lv.get("local", True)),
                    )
                    for lv in rec.get("levels") or ()
                ),
            ),
            target_groups=tuple(
                TargetGroup(
                    code=g["code"],
                    label=label(g["label"]),
                    min_age=_opt_int(g.get("min_age")),
                    max_age=_opt_int(g.get("max_age")),
                    cadre=bool(g.get("cadre", False)),
                    same_as=tuple(g.get("same_as") or ()),
                )
                for g in data.get("target_groups") or ()
            ),
            criteria=tuple(
                Criterion(
                    code=c["code"], label=label(c["label"]), max_points=float(c["max_points"])
                )
                for c in data.get("criteria") or ()
            ),
            indicators=tuple(
                Indicator(
                    code=i["code"],
                    criterion=i["criterion"],
                    label=label(i["label"]),
                    max_points=float(i["max_points"]),
                    rules=tuple(
                        Rule(
                            type=r["type"], question=r.get("question"), params=r.get("params") or {}
                        )
                        for r in i.get("rules") or ()
                    ),
                    target_groups=tuple(i.get("target_groups") or ()),
                    when_not_applicable=i.get("when_not_applicable", "rescale"),
                )
                for i in data.get("indicators") or ()
            ),
            questions=tuple(
                Question(
                    code=q["code"],
                    level=q.get("level", "member"),
                    type=q["type"],
                    label=label(q["label"]),
                    choice_list=q.get("choice_list") or None,
                    hint=label(q.get("hint")),
                    required=bool(q.get("required", False)),
                    relevant=q.get("relevant", "") or "",
                    constraint=q.get("constraint", "") or "",
                    constraint_message=label(q.get("constraint_message")),
                    reviewer_only=bool(q.get("reviewer_only", False)),
                )
                for q in data.get("questions") or ()
            ),
            choice_lists=tuple(
                ChoiceList(
                    name=cl["name"],
                    choices=tuple(
                        Choice(name=str(ch["name"]), label=label(ch["label"]))
                        for ch in cl.get("choices") or ()
                    ),
                )
                for cl in data.get("choice_lists") or ()
            ),
        )


def _opt_float(value: Any) -> float | None:
    return None if value in (None, "") else float(value)


def _opt_int(value: Any) -> int | None:
    return None if value in (None, "") else int(value)


def _lists(value: Any) -> Any:
    """Turn tuples into lists recursively so the plain form is YAML/JSON friendly."""
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_lists(v) for v in value]
    return value
