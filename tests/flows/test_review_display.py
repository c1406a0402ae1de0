"""The review step in words: names instead of codes, and "waiting for the reviewer"."""

from __future__ import annotations

from criteria.spec import Label
from flows.web.review_display import ReviewWords
from scoring.engine.results import REVIEWER_PENDING, Reason


class Spec:
    def __init__(self):
        self.indicators = [Item("CD04", "Khuyến khích học tập"), Item("CD01", "Tự học")]
        self.questions = [Item("encouragement_evidence", "Minh chứng khuyến khích")]
        self.target_groups = [Item("nong_dan", "Nông dân")]


class Item:
    def __init__(self, code, vi):
        self.code, self.label = code, Label(vi, "")


class Indicator:
    def __init__(self, code, status, reasons=()):
        self.code, self.status, self.reasons = code, status, tuple(reasons)


class Result:
    def __init__(self, recognised, indicators, reasons):
        self.recognised, self.indicators = recognised, indicators
        self.reasons_vi = tuple(r.vi for r in reasons)
        self.reasons_en = tuple(r.en for r in reasons)


REVIEWER = Reason(
    "CD04: chưa có điểm của người kiểm tra (encouragement_evidence)",
    "CD04: reviewer score not yet entered (encouragement_evidence)",
    REVIEWER_PENDING,
)
ANSWER = Reason("CD01: thiếu câu trả lời self_study", "CD01: answer missing for self_study")


def test_a_result_missing_only_the_reviewer_score_awaits_the_reviewer():
    words = ReviewWords(specs=[Spec()], language="vi")
    result = Result(None, [Indicator("CD04", "missing", [REVIEWER])], [REVIEWER])

    outcome = words.outcome(result)

    assert (outcome.state, outcome.pending) == ("awaiting_reviewer", ("CD04",))
    assert outcome.reasons == (
        "CD04 (Khuyến khích học tập): chưa có điểm của người kiểm tra (“Minh chứng khuyến khích”)",
    )


def test_a_missing_answer_too_means_incomplete_and_unknown_codes_stay():
    words = ReviewWords(specs=[Spec()], language="vi")
    result = Result(
        None,
        [Indicator("CD04", "missing", [REVIEWER]), Indicator("CD01", "missing", [ANSWER])],
        [REVIEWER, ANSWER],
    )

    outcome = words.outcome(result)

    assert (outcome.state, outcome.pending) == ("incomplete", ("CD04",))
    assert outcome.reasons[1] == "CD01 (Tự học): thiếu câu trả lời self_study"


def test_a_decided_result_keeps_its_state_and_plain_reasons():
    words = ReviewWords(specs=[Spec()], language="vi")
    low = Reason("Tổng điểm 70 < 80", "Total 70 < 80")

    assert words.outcome(Result(False, [], [low])).state == "not_recognised"
    assert words.outcome(Result(False, [], [low])).reasons == ("Tổng điểm 70 < 80",)
    assert words.outcome(Result(True, [], [])).state == "recognised"
    assert words.groups == {"nong_dan": "Nông dân"}
