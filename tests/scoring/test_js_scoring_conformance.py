"""The browser's scoring engine (static/js/scoring.js) and the Python one agree exactly.

One corpus is scored by ``scoring.compute.score_response`` and, in node, by the
JavaScript the offline app uses: every shipped criteria set (citizen sets paired with the
household set, as the demo rounds pair them) and toy sets that exercise every rule type,
both not-applicable policies, levels, criterion shares and relevance chains, over seeded
households whose answers include blanks, numbers out of range, numbers as text, answers
to questions that do not apply and reviewer-only questions left empty. Every result must
be the same, reasons included. The rounding, the number wording and the typing of
offline answers (``coerceAnswers``, the server's ``survey.imports`` reading) are compared
on their own corpora too.
"""

from __future__ import annotations

import json
import math
import random
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from criteria.spec import CriteriaSpec
from criteria.yaml_io import read_yaml
from scoring.compute import MemberInput, score_response
from scoring.engine import MemberProfile, round_half_up
from scoring.engine.results import _fmt
from survey.imports.payload import _text
from survey.imports.values import AnswerCleaner

SCRIPT = Path(settings.BASE_DIR) / "static" / "js" / "scoring.js"
FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "criteria"

# Floats JSON cannot carry (NaN, infinities, -0.0) travel as {"__float__": text} both ways.
RUNNER = """
const S = require(process.argv[1]);
const special = {nan: NaN, inf: Infinity, "-inf": -Infinity, "-0": -0};
const corpus = JSON.parse(require("fs").readFileSync(0, "utf8"), (k, v) =>
  v && typeof v === "object" && Object.keys(v).length === 1 && "__float__" in v
    ? special[v.__float__] : v);
const guard = f => { try { return f(); } catch (e) { return {error: String(e.stack)}; } };
const out = {
  responses: corpus.responses.map(r => guard(() => S.scoreResponse({
    citizen: corpus.specs[r.citizen], household: r.household && corpus.specs[r.household],
    members: r.members, householdAnswers: r.household_answers}))),
  rounding: corpus.rounding.map(v => guard(() =>
    [S.roundHalfUp(v), S.formatNumber(v, "vi"), S.formatNumber(v, "en")])),
  coerce: corpus.coerce.map(c => guard(() => S.coerceAnswers(corpus.specs[c.spec], c.answers))),
};
process.stdout.write(JSON.stringify(out, (k, v) => typeof v === "number" &&
  (!isFinite(v) || Object.is(v, -0))
  ? {__float__: isNaN(v) ? "nan" : v === Infinity ? "inf" : v === -Infinity ? "-inf" : "-0"}
  : v));
"""

SHIPPED_PAIRS = (("cdht-2020", "gdht-2015"), ("cdht-2023", "gdht-2015"))
# (citizen, household, households): every shipped pair, the toy sets, and sets scored alone.
PLAN = (
    ("cdht-2020", "gdht-2015", 40),
    ("cdht-2023", "gdht-2015", 40),
    ("toy", "toy-household", 40),
    ("toy-strict", "toy-household", 25),
    ("toy", None, 10),
    ("cdht-2023", None, 5),
    ("toy-narrow", "toy-household", 10),
)
HOUSEHOLDS = 170
MEMBERS = 612
COERCED_ANSWERS = 894


def _label(vi: str, en: str = "") -> dict[str, str]:
    return {"vi": vi, "en": en}


def _question(code, type_, *, level="member", choices=None, relevant="", reviewer=False):
    return {
        "code": code,
        "level": level,
        "type": type_,
        "label": _label(code),
        "choice_list": choices,
        "relevant": relevant,
        "reviewer_only": reviewer,
    }


def _indicator(code, criterion, max_points, rules, *, groups=(), policy="rescale"):
    return {
        "code": code,
        "criterion": criterion,
        "label": _label(code),
        "max_points": max_points,
        "rules": [{"type": t, "question": q, "params": p} for t, q, p in rules],
        "target_groups": list(groups),
        "when_not_applicable": policy,
    }


def _choices(name: str, *names: str) -> dict[str, Any]:
    return {
        "name": name,
        "choices": [{"name": n, "label": _label(f"Lựa chọn {n}", n)} for n in names],
    }


def toy_citizen(*, strict: bool) -> CriteriaSpec:
    """Every question-based rule type, both policies, groups, levels and chains of relevance."""
    bands_count = [
        {"min": 0, "max": 0, "points": 0},
        {"min": 1, "max": 2, "points": 4.5},
        {"min": 3, "max": None, "points": 10},
    ]
    indicators = [
        _indicator(
            "T1",
            "C1",
            10,
            [
                ("choice_points", "q_choice", {"points": {"a": 10, "b": 5.5, "c": 0, "1": 2.675}}),
                ("yes_no", "q_yes", {"points": 3, "yes": "yes", "no_points": 1}),
            ],
        ),
        _indicator(
            "T2",
            "C1",
            10,
            [
                (
                    "checklist",
                    "q_multi",
                    {"points": {"x": 3.3, "y": 3.3, "z": 3.4, "none": 0}, "cap": 10},
                )
            ],
            groups=("g1", "g2"),
            policy="rescale" if strict else "full",
        ),
        _indicator("T3", "C1", 10, [("bands", "q_count", {"bands": bands_count})], groups=("g3",)),
        _indicator(
            "T4",
            "C2",
            10,
            [
                (
                    "bands",
                    "q_dec",
                    {
                        "bands": [
                            {"min": 0, "max": 1.5, "points": 2},
                            {"min": 1.6, "max": None, "points": 7.25},
                        ]
                    },
                ),
                ("reviewer_score", "q_rev", {"max": 3}),
            ],
        ),
        _indicator("T5", "C2", 10, [("direct", "q_direct", {})], policy="full"),
        _indicator(
            "T6",
            "C3",
            5,
            [("checklist", "q_multi2", {"per_item": 1.25, "cap": 5})],
            policy="full" if strict else "rescale",
        ),
        _indicator("T7", "C3", 5, [], policy="rescale" if strict else "full"),
        _indicator("T8", "C3", 3.3, [("yes_no", "q_yes2", {"points": 3.3})], groups=("g1",)),
    ]
    recognition = (
        {"min_total": 30.5, "min_indicator": None, "min_criterion_share": 0.35, "levels": []}
        if strict
        else {
            "min_total": 40,
            "min_indicator": 2,
            "min_criterion_share": 0.5,
            "levels": [
                {"code": "kha", "label": _label("Khá"), "min_total": 45},
                {"code": "gioi", "label": _label("Giỏi"), "min_total": 55, "min_indicator": 4},
                {"code": "kha_2", "label": _label("Khá 2"), "min_total": 45, "min_indicator": None},
                {
                    "code": "xuat_sac",
                    "label": _label("Xuất sắc"),
                    "min_total": 55,
                    "min_indicator": 6,
                },
            ],
        }
    )
    return CriteriaSpec.from_dict(
        {
            "code": "TOY-STRICT" if strict else "TOY",
            "version": 1,
            "subject": "citizen",
            "title": _label("Bộ thử"),
            "total_points": 63.3,
            "recognition": recognition,
            "target_groups": [
                {"code": "g1", "label": _label("Nhóm một", "Group one")},
                {"code": "g2", "label": _label("g2")},
                {"code": "g3", "label": _label("Nhóm ba")},
            ],
            "criteria": [
                {"code": "C1", "label": _label("C1"), "max_points": 30},
                {"code": "C2", "label": _label("C2"), "max_points": 20},
                {"code": "C3", "label": _label("C3"), "max_points": 13.3},
            ],
            "indicators": indicators,
            "questions": [
                _question("q_text", "text"),
                _question(
                    "q_choice",
                    "select_one",
                    choices="opts",
                    relevant="string-length(${q_text}) != 1",
                ),
                _question("q_multi", "select_multiple", choices="items"),
                _question(
                    "q_yes", "select_one", choices="yes_no", relevant="selected(${q_multi}, 'x')"
                ),
                _question("q_count", "integer", relevant="${age} >= 10"),
                _question("q_dec", "decimal", relevant="${q_count} > 2 or ${q_yes} = 'yes'"),
                _question("q_rev", "integer", reviewer=True, relevant="${q_dec} != 1"),
                _question(
                    "q_direct", "decimal", relevant="${target_group} = 'g1' or ${sex} = 'nu'"
                ),
                _question("q_note", "note"),
                _question("q_multi2", "select_multiple", choices="items"),
                _question("q_yes2", "select_one", choices="yes_no", relevant="${q_rev} >= 1"),
            ],
            "choice_lists": [
                _choices("opts", "a", "b", "c", "1"),
                _choices("items", "x", "y", "z", "none"),
                _choices("yes_no", "yes", "no"),
            ],
        }
    )


def toy_household() -> CriteriaSpec:
    """Every members_* rule type, results read from the citizen set, household chains."""
    return CriteriaSpec.from_dict(
        {
            "code": "TOYH",
            "version": 1,
            "subject": "household",
            "title": _label("Hộ thử"),
            "total_points": 55,
            "recognition": {
                "min_total": 30,
                "min_indicator": 2,
                "min_criterion_share": 0.6,
                "levels": [
                    {"code": "tot", "label": _label("Tốt"), "min_total": 45, "min_indicator": 5}
                ],
            },
            "criteria": [
                {"code": "K1", "label": _label("K1"), "max_points": 20},
                {"code": "K2", "label": _label("K2"), "max_points": 20},
                {"code": "K3", "label": _label("K3"), "max_points": 15},
            ],
            "indicators": [
                _indicator(
                    "H1",
                    "K1",
                    10,
                    [
                        (
                            "members_all",
                            None,
                            {
                                "condition": "${age} >= 6 and ${age} <= 14",
                                "test": "${m_school} = 'yes'",
                                "points": 10,
                            },
                        )
                    ],
                    policy="full",
                ),
                _indicator(
                    "H2",
                    "K1",
                    10,
                    [
                        (
                            "members_share",
                            None,
                            {
                                "condition": "${age} >= 15",
                                "test": "${recognised} = 1",
                                "points": 10,
                            },
                        )
                    ],
                ),
                _indicator(
                    "H3",
                    "K2",
                    10,
                    [
                        (
                            "members_count",
                            None,
                            {
                                "test": "${m_read} = 'yes'",
                                "bands": [
                                    {"min": 0, "max": 0, "points": 0},
                                    {"min": 1, "max": 2, "points": 5},
                                    {"min": 3, "max": None, "points": 10},
                                ],
                            },
                        )
                    ],
                ),
                _indicator(
                    "H4",
                    "K2",
                    10,
                    [
                        (
                            "members_any",
                            None,
                            {
                                "condition": "${m_school} = 'yes'",
                                "test": "${m_hours} >= 5",
                                "points": 6,
                            },
                        ),
                        ("yes_no", "h_net", {"points": 4}),
                    ],
                    policy="full",
                ),
                _indicator(
                    "H5",
                    "K3",
                    10,
                    [
                        (
                            "checklist",
                            "h_books",
                            {"points": {"books": 3, "papers": 2.5, "none": 0}, "cap": 5},
                        ),
                        (
                            "bands",
                            "h_devices",
                            {
                                "bands": [
                                    {"min": 1, "max": 2, "points": 2},
                                    {"min": 3, "max": None, "points": 3},
                                ]
                            },
                        ),
                        ("reviewer_score", "h_rev", {"max": 2}),
                    ],
                ),
                _indicator(
                    "H6",
                    "K3",
                    5,
                    [("members_share", None, {"test": "${total} >= 30", "points": 5})],
                ),
            ],
            "questions": [
                _question(
                    "m_school",
                    "select_one",
                    choices="yes_no",
                    relevant="${age} >= 6 and ${age} <= 14",
                ),
                _question("m_hours", "integer", relevant="${m_school} = 'yes'"),
                _question("m_read", "select_one", choices="yes_no"),
                _question("h_books", "select_multiple", level="household", choices="books"),
                _question("h_net", "select_one", level="household", choices="yes_no"),
                _question("h_devices", "integer", level="household", relevant="${h_net} = 'yes'"),
                _question("h_rev", "decimal", level="household", reviewer=True),
            ],
            "choice_lists": [
                _choices("yes_no", "yes", "no"),
                _choices("books", "books", "papers", "none"),
            ],
        }
    )


def toy_narrow() -> CriteriaSpec:
    """Indicators of one group only: for the others nothing applies."""
    bands = [{"min": 1, "max": 5, "points": 5}, {"min": 6, "max": None, "points": 10}]
    return CriteriaSpec.from_dict(
        {
            "code": "TOY-NARROW",
            "version": 1,
            "subject": "citizen",
            "title": _label("Bộ hẹp"),
            "total_points": 20,
            "recognition": {"min_total": 12.5},
            "target_groups": [
                {"code": "g1", "label": _label("Nhóm một")},
                {"code": "g2", "label": _label("Nhóm hai", "Group two")},
            ],
            "criteria": [{"code": "C1", "label": _label("C1"), "max_points": 20}],
            "indicators": [
                _indicator(
                    "N1", "C1", 10, [("bands", "n_count", {"bands": bands})], groups=("g1",)
                ),
                _indicator(
                    "N2",
                    "C1",
                    10,
                    [("choice_points", "n_pick", {"points": {"a": 10, "b": 2}})],
                    groups=("g1",),
                ),
            ],
            "questions": [
                _question("n_count", "integer"),
                _question("n_pick", "select_one", choices="ab", relevant="${n_count} >= 1"),
            ],
            "choice_lists": [_choices("ab", "a", "b")],
        }
    )


def specs() -> dict[str, CriteriaSpec]:
    found = {path.stem: read_yaml(path) for path in sorted(FIXTURES.glob("*.yaml"))}
    found.update(
        {
            "toy": toy_citizen(strict=False),
            "toy-strict": toy_citizen(strict=True),
            "toy-household": toy_household(),
            "toy-narrow": toy_narrow(),
        }
    )
    return found


# Answers ---------------------------------------------------------------------------------

NUMBER_TEXTS = ("5", " 7 ", "abc", "1_0", "2,5", "inf", "-inf", "-3", "1e1", "nan", "", " ")
ODD_NUMBERS = (2.675, 0.125, 1.005, 84.5, -0.5, 1 / 3, 0.1 + 0.2, 1e-7, 3.3)
AGES = (None, 3, 6, 9, 12, 14, 15, 17, 19, 24, 25, 40, 60, 61, 68, 81)


def _json_number(value: float) -> Any:
    # What JSON from the browser carries: an integral number is an int.
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _answer(rng: random.Random, question, choices: list[str]) -> Any:
    """One answer, or ... for none at all (a key left out)."""
    roll = rng.random()
    if question.reviewer_only and roll < 0.7:
        return ...
    if roll < 0.07:
        return ...
    if roll < 0.1:
        return None
    if roll < 0.12:
        return ""
    kind, odd = question.type, rng.random()
    if kind == "select_one":
        # No list here: scoring.engine.conditions reads a list compared with a text by str(),
        # criteria.expressions (and expressions.js) by XPath's string(); the server never
        # stores a list for a select_one (its field reads ["yes"] as "yes").
        if odd < 0.06:
            return rng.choice(["zzz", 1, True, "YES", 0])
        return rng.choice(choices)
    if kind == "select_multiple":
        if odd < 0.08:
            return []
        if odd < 0.16:
            return " ".join(rng.sample(choices, min(2, len(choices))))
        if odd < 0.22:
            return [rng.choice(choices)] * 2 + ["junk"]
        return rng.sample(choices, rng.randint(1, len(choices)))
    if kind in ("integer", "decimal"):
        if odd < 0.06:
            return rng.choice(NUMBER_TEXTS)
        if odd < 0.08:
            return float("nan")
        if odd < 0.14:
            return rng.choice(ODD_NUMBERS)
        high = rng.choice((12, 12, 40))
        if kind == "integer":
            return rng.randint(-2, high)
        return _json_number(round(rng.uniform(-1, high), rng.choice((0, 1, 2, 3))))
    if kind == "date":
        return rng.choice(["2021-07-15", "15/07/2021", "31/02/2021"])
    return rng.choice(["", " ", "ghi chú", "x", "Nguyễn"])


TESTED = re.compile(r"\$\{(\w+)\} (=|>=) '?([\w.]+)'?")


def best_answers(spec: CriteriaSpec) -> dict[str, Any]:
    """Answers that score well, so that some members and households reach the levels."""
    best: dict[str, Any] = {}
    for indicator in spec.indicators:
        for rule in indicator.rules:
            params, code = rule.params, rule.question
            if rule.type == "choice_points":
                best[code] = max(params["points"], key=lambda k: float(params["points"][k]))
            elif rule.type == "yes_no":
                best[code] = str(params.get("yes", "yes"))
            elif rule.type == "checklist" and "points" in params:
                best[code] = [k for k, v in params["points"].items() if float(v) > 0]
            elif rule.type == "bands":
                top = max(params["bands"], key=lambda b: float(b["points"]))
                best[code] = _json_number(float(top["min"]))
            elif rule.type == "reviewer_score":
                best[code] = _json_number(float(params["max"]))
            elif rule.type == "direct":
                best[code] = _json_number(float(indicator.max_points))
            for name, op, value in TESTED.findall(str(params.get("test") or "")):
                if name not in BUILTIN_NAMES:
                    best[name] = int(value) if op == ">=" else value
    return best


BUILTIN_NAMES = ("age", "target_group", "sex", "recognised", "total")


def _answers(
    rng: random.Random, questions, lists: dict[str, list[str]], best: dict[str, Any], good: float
) -> dict[str, Any]:
    made = {}
    for question in questions:
        if question.code in best and rng.random() < good:
            made[question.code] = best[question.code]
            continue
        value = _answer(rng, question, lists.get(question.choice_list or "", []))
        if value is not ...:
            made[question.code] = value
    return made


def corpus() -> list[dict[str, Any]]:
    """The households: (citizen, household) names, members' profiles and answers."""
    rng = random.Random(20260)
    found = specs()
    made = []
    for citizen_name, household_name, count in PLAN:
        citizen = found[citizen_name]
        household = found[household_name] if household_name else None
        sets = [s for s in (citizen, household) if s is not None]
        lists = {cl.name: [c.name for c in cl.choices] for s in sets for cl in s.choice_lists}
        member_questions = [
            q for s in sets for q in s.questions if q.level == "member" and q.type != "note"
        ]
        household_questions = [
            q for q in (household.questions if household else ()) if q.level == "household"
        ]
        groups = [g.code for g in citizen.target_groups] + ["", "khac"]
        best = {k: v for s in sets for k, v in best_answers(s).items()}
        for _ in range(count):
            good = rng.choice((0.0, 0.5, 0.97, 1.0))
            members = [
                {
                    "profile": {
                        "age": rng.choice(AGES),
                        "target_group": rng.choice(groups),
                        "sex": rng.choice(["nam", "nu", None]),
                    },
                    "answers": _answers(rng, member_questions, lists, best, good),
                }
                for _ in range(rng.randint(1, 6))
            ]
            made.append(
                {
                    "citizen": citizen_name,
                    "household": household_name,
                    "members": members,
                    "household_answers": _answers(rng, household_questions, lists, best, good),
                }
            )
    return made


def rounding_values() -> list[float]:
    rng = random.Random(7)
    fixed = [2.675, 0.5, -0.5, 84.5, 0.125, 1.005, -2.675, 0.285, 1 / 3, 2 / 3, 0.1 + 0.2]
    fixed += [86.66666666666667, 1e-10, -1e-10, 1 / 1024, 3 / 1024, 1023 / 1024, 5 / 1024]
    fixed += [1e-7, 1.5e-5, 123456.785, 12345678.125, 0.0, -0.0, 5.0, 1e16, 99.995, 79.995]
    fixed += [0.005, 0.015, 0.025, 0.035, 0.045, 1.115, 1.125, 4.9949999999, 4.995, math.nan]
    ratios = [rng.randint(0, 100) * 100 / rng.randint(1, 100) for _ in range(400)]
    thirds = [round(rng.uniform(-100, 100), 3) for _ in range(400)]
    sums = [sum(rng.choice((0.1, 0.2, 0.3, 3.3, 2.675, 4.5)) for _ in range(5)) for _ in range(200)]
    return fixed + ratios + thirds + sums


COERCE_VALUES = {
    "integer": (3, 3.0, -0.0, "4", " 5 ", "6.0", "6.5", "1_000", "abc", 2.5, True, 2e9, "", None),
    "decimal": (2.5, "2,5", "2.5", " 7 ", "1.23456", "1.50000", 1e-5, "1e2", "nan", "inf", 3),
    # Choice answers: {0} and {1} stand for the list's first two codes, {L} for a label.
    "select_one": ("{0}", " {0} ", "{0U}", "zzz", 1, "1", True, "", ["{0}"], "{L}", "{1}"),
    "select_multiple": (
        ["{0}", "{1}"],
        ["{1}", "{0}", "{1}"],
        "{1} {0}",
        "{1},{0};",
        ["{0}", "junk"],
        [],
        "",
        5,
    ),
    "text": ("  ghi chú ", "", " ", "x" * 501, "Nguyễn", 5, True),
    "date": ("2021-07-15", "15/07/2021", "31/02/2021", "1800-01-01", "2021-7-5T10:00", "x"),
    "note": ("anything",),
}


def coerce_corpus() -> list[dict[str, Any]]:
    """Per set, answers to every question, in each of the ways the offline form may hold them."""
    made = []
    for name, spec in specs().items():
        for question in spec.questions:
            choices = spec.choice_list(question.choice_list).choices if question.choice_list else ()
            for value in COERCE_VALUES[question.type]:
                if choices:
                    value = _with_choices(value, choices)
                made.append({"spec": name, "answers": {question.code: value}})
    return made


def _with_choices(value: Any, choices) -> Any:
    if isinstance(value, list):
        return [_with_choices(v, choices) for v in value]
    if not isinstance(value, str):
        return value
    second = choices[min(1, len(choices) - 1)].name
    return (
        value.replace("{0U}", choices[0].name.upper())
        .replace("{0}", choices[0].name)
        .replace("{1}", second)
        .replace("{L}", choices[-1].label.vi)
    )


# Running both ----------------------------------------------------------------------------


def server_typed(spec: CriteriaSpec, answers: dict[str, Any]) -> dict[str, Any]:
    """The answers as the server types a synced household (``survey.imports.payload``);
    an answer its field refuses is kept as given, as ``coerceAnswers`` keeps it."""
    by_code = {q.code: q for q in spec.questions}
    typed = {}
    for code, value in answers.items():
        question = by_code.get(code)
        if question is None or question.type == "note":
            typed[code] = value
            continue
        text = _text(value)
        if not text:
            continue
        _, stored, problem = AnswerCleaner(question=question, spec=spec).clean(text)
        if problem:
            typed[code] = value
        elif stored is not None:
            typed[code] = stored
    return typed


def python_response(found: dict[str, CriteriaSpec], household: dict[str, Any]) -> dict[str, Any]:
    result = score_response(
        citizen=found[household["citizen"]],
        household=found[household["household"]] if household["household"] else None,
        members=[
            MemberInput(profile=MemberProfile(**m["profile"]), answers=m["answers"])
            for m in household["members"]
        ],
        household_answers=household["household_answers"],
    )
    return {
        "members": [m.to_dict() if m is not None else None for m in result.members],
        "household": result.household.to_dict() if result.household else None,
    }


def _encode(value: Any) -> Any:
    if isinstance(value, float) and (not math.isfinite(value) or math.copysign(1, value) < 0):
        if math.isnan(value):
            return {"__float__": "nan"}
        if math.isinf(value):
            return {"__float__": "inf" if value > 0 else "-inf"}
        if value == 0:
            return {"__float__": "-0"}
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    return value


def _decode(obj: dict[str, Any]) -> Any:
    return float(obj["__float__"]) if obj.keys() == {"__float__"} else obj


def run_node(payload: dict[str, Any]) -> dict[str, Any]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    done = subprocess.run(  # noqa: S603 - node with our own script and corpus
        [node, "-e", RUNNER, str(SCRIPT)],
        input=json.dumps(_encode(payload), ensure_ascii=False),
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return json.loads(done.stdout, object_hook=_decode)


def first_difference(want: Any, have: Any, path: str = "") -> str | None:
    """The path of the first difference, telling True from 1 and NaN equal to NaN."""
    if isinstance(want, dict) and isinstance(have, dict):
        for key in [*want, *(k for k in have if k not in want)]:
            if key not in want or key not in have:
                return f"{path}.{key} (only on one side)"
            found = first_difference(want[key], have[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(want, list) and isinstance(have, list):
        if len(want) != len(have):
            return f"{path} (length {len(want)} != {len(have)})"
        for n, (a, b) in enumerate(zip(want, have, strict=True)):
            found = first_difference(a, b, f"{path}[{n}]")
            if found:
                return found
        return None
    numbers = (int, float)
    if isinstance(want, bool) or isinstance(have, bool) or not isinstance(want, numbers):
        same = type(want) is type(have) and want == have
    else:
        same = isinstance(have, numbers) and not isinstance(have, bool)
        same = same and (want == have or (math.isnan(want) and math.isnan(have)))
        same = same and math.copysign(1, want) == math.copysign(1, have)
    return None if same else f"{path}: python {want!r} != javascript {have!r}"


@pytest.fixture(scope="module")
def both() -> dict[str, Any]:
    found = specs()
    households = corpus()
    rounding = rounding_values()
    coerce = coerce_corpus()
    got = run_node(
        {
            "specs": {name: spec.to_dict() for name, spec in found.items()},
            "responses": households,
            "rounding": rounding,
            "coerce": coerce,
        }
    )
    return {
        "specs": found,
        "households": households,
        "rounding": rounding,
        "coerce": coerce,
        "javascript": got,
    }


def test_the_corpus_has_the_size_it_is_meant_to_have():
    households = corpus()
    assert len(households) == HOUSEHOLDS
    assert sum(len(h["members"]) for h in households) == MEMBERS
    assert all(1 <= len(h["members"]) <= 6 for h in households)
    assert {p for p in SHIPPED_PAIRS} <= {(c, h) for c, h, _ in PLAN}
    assert sorted(path.stem for path in FIXTURES.glob("*.yaml")) == [
        "cdht-2020",
        "cdht-2023",
        "gdht-2015",
    ]
    assert len(coerce_corpus()) == COERCED_ANSWERS
    assert len(rounding_values()) == 1038


def test_the_toy_sets_use_every_rule_type_policy_and_recognition_rule():
    from criteria.rules import RULE_TYPES

    found = specs()
    toys = [found[name] for name in ("toy", "toy-strict", "toy-household", "toy-narrow")]
    used = {r.type for s in toys for i in s.indicators for r in i.rules}
    assert used == set(RULE_TYPES)
    assert {i.when_not_applicable for s in toys for i in s.indicators} == {"full", "rescale"}
    assert all(s.recognition.min_criterion_share for s in toys[:3])
    assert all(s.recognition.levels for s in (found["toy"], found["toy-household"]))


def test_every_status_and_decision_occurs_in_the_corpus(both):
    found = both["specs"]
    seen: dict[str, set] = {"member": set(), "household": set()}
    wording = {
        "total": "Total ",
        "share": "% of ",
        "indicator below": "T4: ",
        "nothing applies": "No indicator applies",
        "reviewer": "reviewer score not yet entered",
        "member missing": "missing for member no.",
        "member result": "Learning Citizen result",
        "unknown relevance": " unknown",
        "answer missing": "answer missing for",
        "group": "does not apply to target group",
    }
    for household in both["households"]:
        result = python_response(found, household)
        for kind, one in [("member", m) for m in result["members"]] + [
            ("household", result["household"])
        ]:
            if one is None:
                continue
            seen[kind] |= {i["status"] for i in one["indicators"]}
            seen[kind] |= {("recognised", one["recognised"]), ("level", one["level"])}
            seen[kind] |= {("rescaled", one["rescaled"])}
            texts = one["reasons_en"] + [r["en"] for i in one["indicators"] for r in i["reasons"]]
            seen[kind] |= {name for name, text in wording.items() if any(text in t for t in texts)}
    common = {"scored", "not_applicable", "missing", ("rescaled", True), ("rescaled", False)}
    common |= {("recognised", True), ("recognised", False), ("recognised", None)}
    common |= {"total", "share", "reviewer", "answer missing"}
    assert (
        common | {"indicator below", "nothing applies", "unknown relevance", "group"}
        <= seen["member"]
    )
    assert common | {"member missing", "member result"} <= seen["household"]
    levels = {
        k: {x[1] for x in v if isinstance(x, tuple) and x[0] == "level"} for k, v in seen.items()
    }
    assert levels["member"] >= {None, "kha", "tieu_bieu"}
    assert levels["household"] >= {None, "tot"}


def test_javascript_and_python_score_every_household_alike(both):
    found = both["specs"]
    got = both["javascript"]["responses"]
    assert len(got) == HOUSEHOLDS
    for index, (household, have) in enumerate(zip(both["households"], got, strict=True)):
        assert "error" not in have, f"household {index}: {have.get('error')}"
        want = python_response(found, household)
        for n, (a, b) in enumerate(zip(want["members"], have["members"], strict=True)):
            difference = first_difference(a, b)
            assert difference is None, f"household {index}, member {n}: {difference}"
        difference = first_difference(want["household"], have["household"])
        assert difference is None, f"household {index}, the household result: {difference}"


def test_round_half_up_and_number_wording_agree(both):
    got = both["javascript"]["rounding"]
    for value, have in zip(both["rounding"], got, strict=True):
        want = [round_half_up(value), _fmt(value, "vi"), _fmt(value, "en")]
        assert first_difference(want, have) is None, f"{value!r}: {first_difference(want, have)}"


@pytest.mark.parametrize(
    ("value", "rounded", "vi", "en"),
    [
        (2.675, 2.68, "2,68", "2.68"),  # 2.67499999... in binary: rounded from its repr
        (0.5, 0.5, "0,5", "0.5"),
        (-0.5, -0.5, "-0,5", "-0.5"),
        (84.5, 84.5, "84,5", "84.5"),
        (0.125, 0.13, "0,13", "0.13"),
        (1.005, 1.01, "1,01", "1.01"),
        (-2.675, -2.68, "-2,68", "-2.68"),
        (0.1 + 0.2, 0.3, "0,3", "0.3"),
        (86.66666666666667, 86.67, "86,67", "86.67"),
        (4.995, 5.0, "5", "5"),
        (80.0, 80.0, "80", "80"),
    ],
)
def test_round_half_up_edge_cases_in_both_engines(both, value, rounded, vi, en):
    assert (round_half_up(value), _fmt(value, "vi"), _fmt(value, "en")) == (rounded, vi, en)
    index = both["rounding"].index(value) if value in both["rounding"] else None
    if index is None:
        got = run_node({"specs": {}, "responses": [], "rounding": [value], "coerce": []})
        have = got["rounding"][0]
    else:
        have = both["javascript"]["rounding"][index]
    assert have == [rounded, vi, en]


def test_offline_answers_are_typed_as_the_server_types_them(both):
    found = both["specs"]
    got = both["javascript"]["coerce"]
    for case, have in zip(both["coerce"], got, strict=True):
        want = server_typed(found[case["spec"]], case["answers"])
        difference = first_difference(want, have)
        assert difference is None, f"{case['spec']} {case['answers']!r}: {difference}"
