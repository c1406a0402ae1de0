"""Golden cases for the household set (``build_household_spec``), computed by hand.

H1 children (H1.1 all children 6–14 at school, H1.2 all of them with good or
average results, H1.3 household answer), H2 adults (H2.1 all 19–60 literate,
H2.2 share of 19–60 recognised as Learning Citizens, H2.3 some adult applies
what was learned), H3 conditions (H3.1 checklist 3 per item cap 10, H3.2 count of
members in a course: 0 → 0, 1 → 5, ≥ 2 → 10), H4 effects (H4.1 yes/no, H4.2 by
choice). Recognised at 80 with every group at least half its counted maximum.
"""

from __future__ import annotations

import pytest

from scoring.engine import (
    MISSING,
    NOT_APPLICABLE,
    SCORED,
    MemberContext,
    MemberProfile,
    MemberResult,
    score_household,
    score_member,
)


def adult(age, group, *, recognised, total, literate="yes", applies="yes", course="yes"):
    return MemberContext(
        answers={"literate": literate, "applies": applies, "course": course},
        age=age,
        target_group=group,
        sex=None,
        recognised=recognised,
        total=total,
    )


def child(age, **answers):
    return MemberContext(answers=answers, age=age, target_group="pupil")


def points(result):
    return {i.code: (i.points if i.status == SCORED else i.status) for i in result.indicators}


def test_household_recognised(household_spec):
    members = [
        adult(42, "farmer", recognised=True, total=86.67),
        adult(40, "worker", recognised=True, total=81, course="no"),
        child(12, in_school="yes", results="good"),
        child(8, in_school="yes", results="average"),
        adult(68, "farmer", recognised=False, total=60, applies="no", course="no"),
    ]
    answers = {
        "h_children_activities": "yes",
        "h_conditions": ["bookshelf", "study_corner", "internet"],
        "h_income_improved": "yes",
        "h_cultured_family": "village",
    }
    result = score_household(spec=household_spec, answers=answers, members=members)

    assert points(result) == {
        "H1.1": 10,
        "H1.2": 10,
        "H1.3": 10,
        "H2.1": 10,
        "H2.2": 10,  # both adults aged 19–60 recognised (the 68-year-old is not counted)
        "H2.3": 10,
        "H3.1": 9,
        "H3.2": 5,  # one member in a course
        "H4.1": 10,
        "H4.2": 5,
    }
    assert [(c.code, c.points, c.counted_max) for c in result.criteria] == [
        ("H1", 30, 30),
        ("H2", 30, 30),
        ("H3", 14, 20),
        ("H4", 15, 20),
    ]
    assert (result.raw_total, result.total, result.rescaled) == (89, 89, False)
    assert (result.complete, result.recognised, result.level) == (True, True, None)
    assert result.reasons_vi == result.reasons_en == ()


def test_household_without_school_age_child_not_recognised(household_spec):
    members = [
        adult(55, "farmer", recognised=True, total=82),
        adult(50, "farmer", recognised=False, total=70, applies="no", course="no"),
        adult(20, "worker", recognised=False, total=65, applies="no"),
        MemberContext(answers={}, age=3),  # a toddler: no school-age child in the household
    ]
    answers = {
        "h_children_activities": "no",
        "h_conditions": ["bookshelf"],
        "h_income_improved": "yes",
        "h_cultured_family": "commune",
    }
    result = score_household(spec=household_spec, answers=answers, members=members)

    assert points(result) == {
        "H1.1": NOT_APPLICABLE,
        "H1.2": NOT_APPLICABLE,
        "H1.3": 0,
        "H2.1": 10,
        "H2.2": 10 / 3,  # one of three adults aged 19–60 recognised
        "H2.3": 10,
        "H3.1": 3,
        "H3.2": 10,  # two members in a course
        "H4.1": 10,
        "H4.2": 10,
    }
    h11 = result.indicator("H1.1")
    assert h11.counted_points is None
    assert h11.reasons[0].vi == (
        "H1.1: không áp dụng (không có thành viên nào thoả ${age} >= 6 and ${age} <= 14); "
        "không tính, tổng điểm được quy đổi lại"
    )
    assert h11.reasons[0].en == (
        "H1.1: not applicable (no member meets ${age} >= 6 and ${age} <= 14); "
        "left out, the total is rescaled"
    )
    # H1 is judged on its counted maximum 10 (H1.1 and H1.2 left out): half is 5.
    assert [(c.code, c.points, c.counted_max) for c in result.criteria] == [
        ("H1", 0, 10),
        ("H2", 23.33, 30),
        ("H3", 13, 20),
        ("H4", 20, 20),
    ]
    # raw 56.333… (rounded 56.33); rescaled: 56.333… × 100 / (100 − 20) = 70.416… → 70.42
    assert (result.raw_total, result.total, result.rescaled) == (56.33, 70.42, True)
    assert (result.complete, result.recognised) == (True, False)
    assert result.reasons_vi == ("Tổng điểm 70,42 < 80", "H1: 0 < 5 (50% của 10)")
    assert result.reasons_en == ("Total 70.42 < 80", "H1: 0 < 5 (50% of 10)")


def test_household_undetermined_when_member_answers_or_results_are_missing(household_spec):
    members = [
        adult(30, "worker", recognised=None, total=75),  # citizen result undetermined
        child(9),  # school attendance not answered yet
    ]
    answers = {
        "h_children_activities": "yes",
        "h_conditions": ["bookshelf", "internet"],
        "h_income_improved": "no",
        "h_cultured_family": "village",
    }
    result = score_household(spec=household_spec, answers=answers, members=members)

    assert points(result) == {
        "H1.1": MISSING,
        # H1.2 tests `results`, asked only when in_school = 'yes': unknown, so missing too
        "H1.2": MISSING,
        "H1.3": 10,
        "H2.1": 10,
        "H2.2": MISSING,
        "H2.3": 10,
        "H3.1": 6,
        "H3.2": 5,  # the child is too young for the course question: not missing
        "H4.1": 0,
        "H4.2": 5,
    }
    assert (result.raw_total, result.total, result.complete, result.recognised) == (
        46,
        46,
        False,
        None,
    )
    assert result.reasons_vi == (
        "H1.1: thiếu in_school của thành viên số 2",
        "H1.2: thiếu in_school của thành viên số 2",
        "H2.2: chưa có kết quả Công dân học tập (recognised) của thành viên số 1",
    )
    assert result.reasons_en == (
        "H1.1: in_school missing for member no. 2",
        "H1.2: in_school missing for member no. 2",
        "H2.2: Learning Citizen result (recognised) not determined for member no. 1",
    )


def test_child_out_of_school_fails_both_child_items(household_spec):
    """`results` surely does not apply (in_school answered 'no'): not missing, just failed."""
    members = [
        adult(35, "farmer", recognised=True, total=85),
        child(10, in_school="no"),
    ]
    answers = {
        "h_children_activities": "yes",
        "h_conditions": ["bookshelf", "study_corner", "internet", "newspaper"],
        "h_income_improved": "yes",
        "h_cultured_family": "commune",
    }
    result = score_household(spec=household_spec, answers=answers, members=members)
    assert points(result)["H1.1"] == 0 and points(result)["H1.2"] == 0
    # total 10 + 30 + 15 + 20 = 75, and H1 has 10 of 30, under half
    assert result.total == 75
    assert result.reasons_en == ("Total 75 < 80", "H1: 10 < 15 (50% of 30)")


def test_member_context_from_citizen_result(citizen_spec, household_spec):
    """The household builtins come from the citizen result: recognised as 1/0/None."""
    profile = MemberProfile("farmer", 50, "m")
    answers = {
        "q_sources": ["books", "press", "tv", "radio"],
        "q_plan": "yes",
        "q_plan_done": "yes",
        "q_sessions": 3,
        "q_encourage": "often",
        "q_digital": ["online_service", "video_call", "ewallet"],
        "q_initiatives": 2,
        "q_review_cd08": 7,
        "q_reconcile": "yes",
        "q_volunteer": "regular",
        "q_groups": ["farmers_assoc"],
        "literate": "yes",
        "applies": "yes",
        "course": "no",
    }
    citizen: MemberResult = score_member(spec=citizen_spec, profile=profile, answers=answers)
    context = MemberContext.from_result(profile, answers, citizen)
    values = context.values()
    assert (values["recognised"], values["total"], values["age"]) == (1, 86.67, 50)
    result = score_household(
        spec=household_spec,
        answers={
            "h_children_activities": "yes",
            "h_conditions": [],
            "h_income_improved": "yes",
            "h_cultured_family": "none",
        },
        members=[context],
    )
    assert points(result)["H2.2"] == 10
    assert points(result)["H3.1"] == MISSING  # nothing ticked is unanswered


def test_member_context_from_an_incomplete_citizen_result(citizen_spec):
    profile = MemberProfile("cadre", 40)
    incomplete = score_member(spec=citizen_spec, profile=profile, answers={"q_plan": "yes"})
    assert incomplete.complete is False
    context = MemberContext.from_result(profile, {}, incomplete)
    assert (context.recognised, context.total) == (None, None)  # the floor is not a total
    assert MemberContext.from_result(profile, {}, None).values()["recognised"] is None


def test_household_scoring_refuses_a_citizen_set(citizen_spec, household_spec):
    with pytest.raises(ValueError, match="not a household set"):
        score_household(spec=citizen_spec, answers={}, members=[])
    with pytest.raises(ValueError, match="household set"):
        score_member(spec=household_spec, profile=MemberProfile("farmer", 40), answers={})


def not_assessed(age, **answers):
    """A member the citizen set does not assess (e.g. 81, outside every target group)."""
    return MemberContext(answers=answers, age=age, assessed=False)


HOUSEHOLD_ANSWERS = {
    "h_children_activities": "yes",
    "h_conditions": ["bookshelf", "study_corner", "internet"],
    "h_income_improved": "yes",
    "h_cultured_family": "village",
}


def test_a_member_not_assessed_is_left_out_of_items_on_citizen_results(household_spec):
    members = [
        adult(42, "farmer", recognised=True, total=86.67),
        adult(40, "worker", recognised=False, total=70, course="no"),
        not_assessed(45, literate="yes", applies="no", course="no"),
        child(12, in_school="yes", results="good"),
    ]
    result = score_household(spec=household_spec, answers=HOUSEHOLD_ANSWERS, members=members)

    # H2.2 (share of 19–60 recognised) reads the citizen result: the 45-year-old the
    # citizen set does not assess is left out, so one of two adults counts, not
    # "missing". H2.1 and H2.3 read answers and still count the member.
    assert points(result) == {
        "H1.1": 10,
        "H1.2": 10,
        "H1.3": 10,
        "H2.1": 10,
        "H2.2": 5,
        "H2.3": 10,
        "H3.1": 9,
        "H3.2": 5,
        "H4.1": 10,
        "H4.2": 5,
    }
    assert (result.raw_total, result.complete, result.recognised) == (84, True, True)


def test_items_on_citizen_results_with_only_unassessed_members_do_not_apply(household_spec):
    members = [
        not_assessed(45, literate="yes", applies="yes", course="no"),
        child(12, in_school="yes", results="good"),
    ]
    result = score_household(spec=household_spec, answers=HOUSEHOLD_ANSWERS, members=members)

    assert result.indicator("H2.2").status == NOT_APPLICABLE
    assert result.complete is True


def test_an_undetermined_result_of_an_assessed_member_is_still_missing(household_spec):
    members = [
        not_assessed(45, literate="yes", applies="yes", course="no"),
        adult(30, "farmer", recognised=None, total=None),
    ]
    result = score_household(spec=household_spec, answers=HOUSEHOLD_ANSWERS, members=members)

    h22 = result.indicator("H2.2")
    assert h22.status == MISSING
    assert (
        h22.reasons[0].en
        == "H2.2: Learning Citizen result (recognised) not determined for member no. 2"
    )


def test_a_member_without_a_citizen_result_is_not_assessed():
    profile = MemberProfile(target_group="", age=81)
    assert MemberContext.from_result(profile, {}, None).assessed is False
