"""The browser's expression reader (static/js/expressions.js) and the Python one agree.

One corpus, every condition of the shipped criteria sets and generated ones covering
each operator and function, is evaluated for every member of a set of members by
``criteria.expressions`` and, in node, by the JavaScript the wizard and the offline
app use. Every result must be the same.
"""

from __future__ import annotations

import itertools
import json
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from criteria.expressions import holds
from criteria.yaml_io import read_yaml

SCRIPT = Path(settings.BASE_DIR) / "static" / "js" / "expressions.js"
RUNNER = """
const {evaluate} = require(process.argv[1]);
const corpus = JSON.parse(require("fs").readFileSync(0, "utf8"));
const out = corpus.expressions.map(text =>
  corpus.members.map(m => { try { return evaluate(text, m.values, m.current); }
                            catch (e) { return "error: " + e.message; } }));
process.stdout.write(JSON.stringify(out));
"""
REFS = ("${n}", "${s}", "${m}", "${e}", "${age}", "${target_group}")
LITERALS = ("0", "1", "2.5", "15", "'a'", "'x'", "''", "'nong_dan'", "'5'")


def shipped_conditions() -> list[str]:
    found = set()
    for path in sorted((Path(settings.BASE_DIR) / "fixtures" / "criteria").glob("*.yaml")):
        for question in read_yaml(path).questions:
            found.update(e for e in (question.relevant, question.constraint) if e.strip())
    return sorted(found)


def generated() -> list[str]:
    values = [*REFS, *LITERALS, "."]
    expressions = []
    for left, op, right in itertools.product(REFS, ("=", "!=", "<", "<=", ">", ">="), values):
        expressions.append(f"{left} {op} {right}")
    for op in ("+", "-", "*", "div", "mod"):
        for left, right in (("${n}", "2"), ("${n}", "0"), ("${s}", "1"), ("-7", "3"), (".", "4")):
            expressions.append(f"{left} {op} {right} > 1")
            expressions.append(f"{left} {op} {right} = 1")
    for ref in REFS:
        expressions += [
            f"selected({ref}, 'x')",
            f"selected({ref}, 'a')",
            f"selected({ref}, 1)",
            f"count-selected({ref}) >= 2",
            f"count-selected({ref}) = 0",
            f"string-length({ref}) > 2",
            f"not({ref})",
            f"{ref}",
            f"not({ref} = '') and {ref} != 0",
        ]
    expressions += [
        "true()",
        "false()",
        "not(false()) and true()",
        "${n} > 1 or ${s} = 'a' and ${age} < 18",
        "(${n} > 1 or ${s} = 'a') and ${age} < 18",
        ". >= 0 and . <= 365",
        ". = '' or . > 2",
        "-${n} < 0",
        "${n} * 2 + 1 >= ${age} div 10",
        "${age} mod 2 = 0",
        "selected(${m}, 'x') and not(selected(${m}, 'a'))",
        "string-length(.) <= 3",
        "count-selected(.) > 1",
    ]
    return expressions


def members() -> list[dict[str, Any]]:
    rng = random.Random(2026)
    pool = {
        "n": [None, 0, 1, 3, -7, 2.5, "4", " 5 ", "", "abc", "1_000", "0x10", "  ", "1e3"],
        "s": [None, "", "a", "x", "5", "nong_dan", "a x", "A", "0", "Nguyễn Thị Ánh"],
        "m": [None, [], ["x"], ["a", "x"], ["1"], "x a", "", ["x", "x"]],
        "e": [None, ""],
        "age": [None, 6, 14, 15, 18, 40, 68, 81, "40"],
        "target_group": [None, "", "nong_dan", "can_bo", "cong_nhan"],
    }
    current = [None, 0, 2, 3, -1, 400, "", "2", "abc", ["x", "a"], 2.5]
    made = []
    for _ in range(60):
        values = {name: rng.choice(choices) for name, choices in pool.items()}
        # Unanswered questions are often missing altogether rather than null.
        values = {k: v for k, v in values.items() if v is not None or rng.random() < 0.5}
        made.append({"values": values, "current": rng.choice(current)})
    return made


def test_the_corpus_is_large_enough():
    corpus = shipped_conditions() + generated()
    assert len(set(corpus)) >= 200 and len(members()) >= 50
    assert len(shipped_conditions()) >= 10


def test_javascript_and_python_agree_on_every_expression_and_member():
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    expressions = sorted(set(shipped_conditions() + generated()))
    people = members()
    expected = [[holds(e, m["values"], current=m["current"]) for m in people] for e in expressions]

    done = subprocess.run(  # noqa: S603 - node with our own script and corpus
        [node, "-e", RUNNER, str(SCRIPT)],
        input=json.dumps({"expressions": expressions, "members": people}),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    got = json.loads(done.stdout)

    differences = [
        (text, person, want, have)
        for text, wants, haves in zip(expressions, expected, got, strict=True)
        for person, want, have in zip(people, wants, haves, strict=True)
        if want != have
    ]
    assert differences[:10] == [], f"{len(differences)} differences"
