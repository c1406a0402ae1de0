"""Small hand-built criteria sets for the scoring tests (no database, no files).

The citizen set mirrors the domain framework: ten indicators CD01–CD10 worth 10
points each in three competencies NL1 (CD01–CD04), NL2 (CD05–CD08) and NL3
(CD09–CD10); recognised at a total of 80 with no indicator below 5; local
levels "tot" (from 85) and "tieu_bieu" (from 90 with every indicator at least 8).

    CD01 checklist, 2 points per source (6 sources), cap 10        q_sources
    CD02 yes_no 6 (plan, asked from age 15) + yes_no 4 (plan carried out,
         asked when there is a plan)                               q_plan, q_plan_done
    CD03 bands over sessions: 0 → 0, 1–2 → 5, 3–5 → 8, ≥ 6 → 10     q_sessions
    CD04 choice_points never 0 / sometimes 5 / often 10            q_encourage
    CD05 checklist with points per skill (3/3/2/4/2), cap 10       q_digital
    CD06 choice_points none 0 / basic 3 / working 7 / fluent 10;
         workers, cadres and pupils only, "rescale" otherwise      q_language
    CD07 bands over initiatives: 0 → 2, 1 → 6, ≥ 2 → 10;
         not for pupils, "full" for them                           q_initiatives
    CD08 reviewer_score up to 10 (reviewer only, decimal)          q_review_cd08
    CD09 yes_no, yes 10, no 4                                      q_reconcile
    CD10 choice_points none 0 / some 4 / regular 6 + checklist
         2 per group, cap 4 (groups asked from age 16)             q_volunteer, q_groups

The household set has four groups H1–H4 of 30/30/20/20, recognised at 80 with
every group at least half of its (counted) maximum.
"""

from __future__ import annotations

import pytest

from criteria.spec import (
    Choice,
    ChoiceList,
    CriteriaSpec,
    Criterion,
    Indicator,
    Label,
    Level,
    Question,
    Recognition,
    Rule,
    TargetGroup,
)


def choices(name: str, *names: str) -> ChoiceList:
    return ChoiceList(name, tuple(Choice(n, Label(n, n)) for n in names))


def question(code: str, type_: str, choice_list: str | None = None, **extra) -> Question:
    return Question(
        code=code,
        level=extra.pop("level", "member"),
        type=type_,
        label=Label(code, code),
        choice_list=choice_list,
        **extra,
    )


def indicator(code: str, criterion: str, *rules: Rule, **extra) -> Indicator:
    return Indicator(
        code=code,
        criterion=criterion,
        label=Label(code, code),
        max_points=extra.pop("max_points", 10.0),
        rules=rules,
        **extra,
    )


def build_citizen_spec() -> CriteriaSpec:
    return CriteriaSpec(
        code="CDHT-TEST",
        version=1,
        subject="citizen",
        title=Label("Công dân học tập (thử)", "Learning Citizen (test)"),
        total_points=100.0,
        recognition=Recognition(
            min_total=80.0,
            min_indicator=5.0,
            levels=(
                Level("tot", Label("Tốt", "Good"), min_total=85.0),
                Level("tieu_bieu", Label("Tiêu biểu", "Exemplary"), 90.0, min_indicator=8.0),
            ),
        ),
        target_groups=(
            TargetGroup("farmer", Label("Nông dân", "Farmers"), min_age=15),
            TargetGroup("worker", Label("Công nhân", "Workers"), min_age=15),
            TargetGroup("cadre", Label("Cán bộ", "Cadres"), min_age=15),
            TargetGroup("pupil", Label("Học sinh", "Pupils"), min_age=6, max_age=24),
        ),
        criteria=(
            Criterion("NL1", Label("Tự học", "Self-learning"), 40.0),
            Criterion("NL2", Label("Công cụ", "Tools"), 40.0),
            Criterion("NL3", Label("Quan hệ xã hội", "Social relations"), 20.0),
        ),
        indicators=(
            indicator("CD01", "NL1", Rule("checklist", "q_sources", {"per_item": 2, "cap": 10})),
            indicator(
                "CD02",
                "NL1",
                Rule("yes_no", "q_plan", {"points": 6}),
                Rule("yes_no", "q_plan_done", {"points": 4}),
            ),
            indicator(
                "CD03",
                "NL1",
                Rule(
                    "bands",
                    "q_sessions",
                    {
                        "bands": [
                            {"min": 0, "max": 0, "points": 0},
                            {"min": 1, "max": 2, "points": 5},
                            {"min": 3, "max": 5, "points": 8},
                            {"min": 6, "points": 10},
                        ]
                    },
                ),
            ),
            indicator(
                "CD04",
                "NL1",
                Rule(
                    "choice_points",
                    "q_encourage",
                    {"points": {"never": 0, "sometimes": 5, "often": 10}},
                ),
            ),
            indicator(
                "CD05",
                "NL2",
                Rule(
                    "checklist",
                    "q_digital",
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
                    "q_language",
                    {"points": {"none": 0, "basic": 3, "working": 7, "fluent": 10}},
                ),
                target_groups=("worker", "cadre", "pupil"),
                when_not_applicable="rescale",
            ),
            indicator(
                "CD07",
                "NL2",
                Rule(
                    "bands",
                    "q_initiatives",
                    {
                        "bands": [
                            {"min": 0, "max": 0, "points": 2},
                            {"min": 1, "max": 1, "points": 6},
                            {"min": 2, "points": 10},
                        ]
                    },
                ),
                target_groups=("farmer", "worker", "cadre"),
                when_not_applicable="full",
            ),
            indicator("CD08", "NL2", Rule("reviewer_score", "q_review_cd08", {"max": 10})),
            indicator("CD09", "NL3", Rule("yes_no", "q_reconcile", {"points": 10, "no_points": 4})),
            indicator(
                "CD10",
                "NL3",
                Rule(
                    "choice_points",
                    "q_volunteer",
                    {"points": {"none": 0, "some": 4, "regular": 6}},
                ),
                Rule("checklist", "q_groups", {"per_item": 2, "cap": 4}),
            ),
        ),
        questions=(
            question("q_sources", "select_multiple", "sources", required=True),
            question("q_plan", "select_one", "yes_no", required=True, relevant="${age} >= 15"),
            question(
                "q_plan_done",
                "select_one",
                "yes_no",
                required=True,
                relevant="${q_plan} = 'yes'",
            ),
            question("q_sessions", "integer", required=True, constraint=". >= 0"),
            question("q_encourage", "select_one", "frequency", required=True),
            question("q_digital", "select_multiple", "digital", required=False),
            question("q_language", "select_one", "language", required=True),
            question("q_initiatives", "integer", required=True),
            question("q_review_cd08", "decimal", reviewer_only=True),
            question("q_reconcile", "select_one", "yes_no", required=True),
            question("q_volunteer", "select_one", "volunteer", required=True),
            question("q_groups", "select_multiple", "groups", relevant="${age} >= 16"),
        ),
        choice_lists=(
            choices("yes_no", "yes", "no"),
            choices("sources", "books", "press", "tv", "radio", "phone", "internet"),
            choices("frequency", "never", "sometimes", "often"),
            choices("digital", "email", "online_service", "video_call", "office", "ewallet"),
            choices("language", "none", "basic", "working", "fluent"),
            choices("volunteer", "none", "some", "regular"),
            choices("groups", "union", "women", "youth", "farmers_assoc", "elders"),
        ),
    )


CHILD = "${age} >= 6 and ${age} <= 14"
ADULT = "${age} >= 19 and ${age} <= 60"


def build_household_spec() -> CriteriaSpec:
    """H1 children (30), H2 adults (30), H3 conditions (20), H4 effects (20)."""
    return CriteriaSpec(
        code="GDHT-TEST",
        version=1,
        subject="household",
        title=Label("Gia đình học tập (thử)", "Learning Family (test)"),
        total_points=100.0,
        recognition=Recognition(
            min_total=80.0,
            min_criterion_share=0.5,
            label=Label("Đạt danh hiệu Gia đình học tập", "Recognised as a Learning Family"),
        ),
        target_groups=(),
        criteria=(
            Criterion("H1", Label("Trẻ em", "Children"), 30.0),
            Criterion("H2", Label("Người lớn", "Adults"), 30.0),
            Criterion("H3", Label("Điều kiện", "Conditions"), 20.0),
            Criterion("H4", Label("Hiệu quả", "Effects"), 20.0),
        ),
        indicators=(
            indicator(
                "H1.1",
                "H1",
                Rule(
                    "members_all",
                    None,
                    {"condition": CHILD, "test": "${in_school} = 'yes'", "points": 10},
                ),
                when_not_applicable="rescale",
            ),
            indicator(
                "H1.2",
                "H1",
                Rule(
                    "members_all",
                    None,
                    {
                        "condition": CHILD,
                        "test": "${results} = 'good' or ${results} = 'average'",
                        "points": 10,
                    },
                ),
                when_not_applicable="rescale",
            ),
            indicator("H1.3", "H1", Rule("yes_no", "h_children_activities", {"points": 10})),
            indicator(
                "H2.1",
                "H2",
                Rule(
                    "members_all",
                    None,
                    {"condition": ADULT, "test": "${literate} = 'yes'", "points": 10},
                ),
            ),
            indicator(
                "H2.2",
                "H2",
                Rule(
                    "members_share",
                    None,
                    {"condition": ADULT, "test": "${recognised} = 1", "points": 10},
                ),
            ),
            indicator(
                "H2.3",
                "H2",
                Rule(
                    "members_any",
                    None,
                    {"condition": "${age} >= 19", "test": "${applies} = 'yes'", "points": 10},
                ),
            ),
            indicator("H3.1", "H3", Rule("checklist", "h_conditions", {"per_item": 3, "cap": 10})),
            indicator(
                "H3.2",
                "H3",
                Rule(
                    "members_count",
                    None,
                    {
                        "test": "${course} = 'yes'",
                        "bands": [
                            {"min": 0, "max": 0, "points": 0},
                            {"min": 1, "max": 1, "points": 5},
                            {"min": 2, "points": 10},
                        ],
                    },
                ),
            ),
            indicator("H4.1", "H4", Rule("yes_no", "h_income_improved", {"points": 10})),
            indicator(
                "H4.2",
                "H4",
                Rule(
                    "choice_points",
                    "h_cultured_family",
                    {"points": {"none": 0, "village": 5, "commune": 10}},
                ),
            ),
        ),
        questions=(
            question(
                "in_school",
                "select_one",
                "yes_no",
                required=True,
                relevant="${age} >= 6 and ${age} <= 17",
            ),
            question(
                "results",
                "select_one",
                "results",
                required=True,
                relevant="${in_school} = 'yes'",
            ),
            question("literate", "select_one", "yes_no", relevant="${age} >= 15"),
            question("applies", "select_one", "yes_no", relevant="${age} >= 19"),
            question("course", "select_one", "yes_no", relevant="${age} >= 15"),
            question("h_children_activities", "select_one", "yes_no", level="household"),
            question("h_conditions", "select_multiple", "conditions", level="household"),
            question("h_income_improved", "select_one", "yes_no", level="household"),
            question("h_cultured_family", "select_one", "cultured", level="household"),
        ),
        choice_lists=(
            choices("yes_no", "yes", "no"),
            choices("results", "good", "average", "weak"),
            choices("conditions", "bookshelf", "study_corner", "internet", "newspaper"),
            choices("cultured", "none", "village", "commune"),
        ),
        local_choices=("Ngưỡng công nhận 80 và mỗi nhóm ≥ 50% [giả định]",),
    )


@pytest.fixture(scope="session")
def citizen_spec() -> CriteriaSpec:
    return build_citizen_spec()


@pytest.fixture(scope="session")
def household_spec() -> CriteriaSpec:
    return build_household_spec()


def random_members(spec: CriteriaSpec, count: int, seed: int) -> list[tuple]:
    """``count`` seeded random (profile, answers) for ``spec``, about 3% of answers missing."""
    import random

    from scoring.engine import MemberProfile

    rng = random.Random(seed)
    lists = {c.name: [ch.name for ch in c.choices] for c in spec.choice_lists}
    groups = [g.code for g in spec.target_groups]
    members = []
    for _ in range(count):
        age = rng.choice([None, *range(6, 80)]) if rng.random() < 0.05 else rng.randint(6, 80)
        profile = MemberProfile(rng.choice(groups), age, rng.choice(["m", "f", None]))
        answers: dict = {}
        for q in spec.questions:
            if rng.random() < 0.03:
                continue  # unanswered
            if q.type == "select_one":
                options = lists[q.choice_list]
                answers[q.code] = rng.choice(
                    [*options, "unlisted"] if rng.random() < 0.05 else options
                )
            elif q.type == "select_multiple":
                options = lists[q.choice_list]
                answers[q.code] = rng.sample(options, rng.randint(0, len(options)))
            elif q.type == "integer":
                answers[q.code] = rng.randint(-1, 12)
            elif q.type == "decimal":
                answers[q.code] = round(rng.uniform(-1, 11) * 8) / 8  # multiples of 0.125
        members.append((profile, answers))
    return members
