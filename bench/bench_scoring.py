"""Benchmark: µs per member for the scoring engine and for the numpy floor.

    .venv/bin/python bench/bench_scoring.py [members] [seed]

Builds a ten-indicator citizen set (three criteria, the rule types the numpy
version covers, two indicators limited to some target groups) and 200,000
seeded synthetic members (about 2% of answers missing), then times:

* the engine (best of 3 passes): ``score_member_with`` over every member, one at a time, in one
  process (full results: statuses, criteria, total, decision, reasons), after
  ``gc.freeze()`` of the loaded inputs, as a bulk job should do;
* numpy (``bench.vectorized``): the indicator points only, over columns; the
  time to lay out the columns from the answer dicts is shown apart.

The numpy figure is a lower bound for the arithmetic, not a comparable
product: it computes less. Both run on one core; ``nproc`` is printed so the
figures can be scaled to a multi-process batch.
"""

from __future__ import annotations

import gc
import os
import platform
import random
import sys
import time
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere

from bench import vectorized
from criteria.spec import (
    Choice,
    ChoiceList,
    CriteriaSpec,
    Criterion,
    Indicator,
    Label,
    Question,
    Recognition,
    Rule,
    TargetGroup,
)
from scoring.engine import MemberProfile, compile_spec, score_member_with

GROUPS = ("farmer", "worker", "cadre", "pupil")
LISTS = {
    "yes_no": ("yes", "no"),
    "sources": ("books", "press", "tv", "radio", "phone", "internet"),
    "frequency": ("never", "sometimes", "often"),
    "digital": ("email", "online_service", "video_call", "office", "ewallet"),
    "language": ("none", "basic", "working", "fluent"),
}
BANDS = [
    {"min": 0, "max": 0, "points": 0},
    {"min": 1, "max": 2, "points": 5},
    {"min": 3, "max": 5, "points": 8},
    {"min": 6, "points": 10},
]


def build_spec() -> CriteriaSpec:
    def indicator(code, criterion, rule, **extra):
        return Indicator(code, criterion, Label(code), 10.0, (rule,), **extra)

    def question(code, qtype, choice_list=None, **extra):
        return Question(code, "member", qtype, Label(code), choice_list, **extra)

    return CriteriaSpec(
        code="BENCH",
        version=1,
        subject="citizen",
        title=Label("Benchmark"),
        total_points=100.0,
        recognition=Recognition(min_total=80.0, min_indicator=5.0),
        target_groups=tuple(TargetGroup(g, Label(g)) for g in GROUPS),
        criteria=(
            Criterion("NL1", Label("NL1"), 40.0),
            Criterion("NL2", Label("NL2"), 40.0),
            Criterion("NL3", Label("NL3"), 20.0),
        ),
        indicators=(
            indicator("CD01", "NL1", Rule("checklist", "q1", {"per_item": 2, "cap": 10})),
            indicator("CD02", "NL1", Rule("yes_no", "q2", {"points": 10, "no_points": 3})),
            indicator("CD03", "NL1", Rule("bands", "q3", {"bands": BANDS})),
            indicator(
                "CD04",
                "NL1",
                Rule("choice_points", "q4", {"points": {"never": 0, "sometimes": 5, "often": 10}}),
            ),
            indicator(
                "CD05",
                "NL2",
                Rule(
                    "checklist",
                    "q5",
                    {
                        "points": {
                            "email": 3,
                            "online_service": 3,
                            "video_call": 2,
                            "office": 4,
                            "ewallet": 2,
                        },
                        "cap": 10,
                    },
                ),
            ),
            indicator(
                "CD06",
                "NL2",
                Rule(
                    "choice_points",
                    "q6",
                    {"points": {"none": 0, "basic": 3, "working": 7, "fluent": 10}},
                ),
                target_groups=("worker", "cadre", "pupil"),
                when_not_applicable="rescale",
            ),
            indicator(
                "CD07",
                "NL2",
                Rule("bands", "q7", {"bands": BANDS}),
                target_groups=("farmer", "worker", "cadre"),
                when_not_applicable="full",
            ),
            indicator("CD08", "NL2", Rule("reviewer_score", "q8", {"max": 10})),
            indicator("CD09", "NL3", Rule("yes_no", "q9", {"points": 10, "no_points": 4})),
            indicator("CD10", "NL3", Rule("bands", "q10", {"bands": BANDS})),
        ),
        questions=(
            question("q1", "select_multiple", "sources"),
            question("q2", "select_one", "yes_no"),
            question("q3", "integer"),
            question("q4", "select_one", "frequency"),
            question("q5", "select_multiple", "digital"),
            question("q6", "select_one", "language"),
            question("q7", "integer"),
            question("q8", "decimal", reviewer_only=True),
            question("q9", "select_one", "yes_no"),
            question("q10", "integer"),
        ),
        choice_lists=tuple(
            ChoiceList(name, tuple(Choice(c, Label(c)) for c in names))
            for name, names in LISTS.items()
        ),
    )


def synthetic_members(spec: CriteriaSpec, count: int, seed: int):
    rng = random.Random(seed)
    lists = {c.name: [ch.name for ch in c.choices] for c in spec.choice_lists}
    profiles, answers = [], []
    for _ in range(count):
        profiles.append(MemberProfile(rng.choice(GROUPS), rng.randint(15, 80)))
        record = {}
        for q in spec.questions:
            if rng.random() < 0.02:
                continue
            if q.type == "select_one":
                record[q.code] = rng.choice(lists[q.choice_list])
            elif q.type == "select_multiple":
                options = lists[q.choice_list]
                record[q.code] = rng.sample(options, rng.randint(1, len(options)))
            elif q.type == "integer":
                record[q.code] = rng.randint(0, 8)
            else:
                record[q.code] = rng.randint(0, 20) / 2
        answers.append(record)
    return profiles, answers


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 20250701
    spec = build_spec()
    profiles, answers = synthetic_members(spec, count, seed)
    calibration = min(timeit.repeat("sum(range(1000))", number=2000, repeat=5)) / 2000 * 1e6

    # The inputs stay alive for the whole run; freezing them keeps the cyclic garbage
    # collector from walking them again and again (what a bulk job should do too).
    gc.collect()
    gc.freeze()

    started = time.perf_counter()
    plan = compile_spec(spec)
    compile_ms = (time.perf_counter() - started) * 1e3

    passes = []
    for _ in range(3):
        started = time.perf_counter()
        recognised = 0
        for profile, record in zip(profiles, answers, strict=True):
            if score_member_with(plan, profile, record).recognised:
                recognised += 1
        passes.append(time.perf_counter() - started)
    engine_s = min(passes)

    started = time.perf_counter()
    columns = vectorized.encode(spec, [p.target_group for p in profiles], answers)
    encode_s = time.perf_counter() - started
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        points = vectorized.indicator_points(spec, columns)
        best = min(best, time.perf_counter() - started)
    assert len(points) == 10

    engine_us = engine_s / count * 1e6
    numpy_us = best / count * 1e6
    print(f"python {platform.python_version()} on {platform.machine()}, nproc {os.cpu_count()}")
    print(f"calibration: sum(range(1000)) = {calibration:.1f} µs (≈ 8–10 µs on a recent desktop)")
    print(
        f"members: {count:,} (seed {seed}); 10 indicators, 3 criteria; compile {compile_ms:.1f} ms"
    )
    print(
        f"engine:  {engine_us:8.2f} µs/member  (best of 3 passes: "
        + ", ".join(f"{p:.2f}" for p in passes)
        + f" s; {recognised:,} recognised)"
    )
    print(f"numpy:   {numpy_us:8.3f} µs/member  (indicator points only, best of 5)")
    print(f"         {encode_s / count * 1e6:8.2f} µs/member  to lay out the columns (apart)")
    print(f"ratio engine / numpy: {engine_us / numpy_us:.0f}×")


if __name__ == "__main__":
    main()
