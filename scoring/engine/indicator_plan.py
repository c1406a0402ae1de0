"""One indicator of a compiled plan, and the results it makes (and remembers) for it."""

from __future__ import annotations

from scoring.engine.results import (
    _MEMO_LIMIT,
    FULL,
    MISSING,
    NOT_APPLICABLE,
    REVIEWER_PENDING,
    SCORED,
    IndicatorResult,
    Reason,
    _below,
    _both,
    _policy_words,
    round_half_up,
)


class _IndicatorPlan:
    __slots__ = (
        "code",
        "criterion",
        "criterion_index",
        "groups",
        "max_points",
        "min_indicator",
        "missing_results",
        "na_group_results",
        "na_rules_result",
        "policy",
        "rules",
        "scored_results",
        "spec_groups",
    )

    def make_scored(self, points: float) -> IndicatorResult:
        reasons: tuple[Reason, ...] = ()
        if self.min_indicator is not None and round_half_up(points) < self.min_indicator:
            reasons = (_below(self.code, points, self.min_indicator),)
        result = IndicatorResult(
            self.code, self.criterion, SCORED, points, points, self.max_points, reasons
        )
        if len(self.scored_results) >= _MEMO_LIMIT:
            self.scored_results.clear()
        self.scored_results[points] = result
        return result

    def make_na(self, reason: Reason) -> IndicatorResult:
        return IndicatorResult(
            self.code,
            self.criterion,
            NOT_APPLICABLE,
            None,
            self.max_points if self.policy == FULL else None,
            self.max_points,
            (reason,),
        )

    def make_na_group(self, group: str) -> IndicatorResult:
        label_vi, label_en = self.spec_groups.get(group, (group, group))
        named_vi = f"{label_vi} ({group})" if label_vi != group else group
        named_en = f"{label_en} ({group})" if label_en != group else group
        policy_vi, policy_en = _policy_words(self.policy, self.max_points)
        result = self.make_na(
            _both(
                f"{self.code}: không áp dụng cho nhóm đối tượng {named_vi}; {policy_vi}",
                f"{self.code}: does not apply to target group {named_en}; {policy_en}",
            )
        )
        if len(self.na_group_results) < 1000:
            self.na_group_results[group] = result
        return result

    def make_missing(self, key: tuple) -> IndicatorResult:
        reasons = []
        for entry in dict.fromkeys(key):
            if entry[0] == "b":
                reasons.append(
                    _both(
                        f"{self.code}: chưa biết {entry[1]}",
                        f"{self.code}: {entry[1]} unknown",
                    )
                )
            elif entry[0] == "q":
                _, question, reviewer = entry
                if reviewer:
                    reasons.append(
                        Reason(
                            f"{self.code}: chưa có điểm của người kiểm tra ({question})",
                            f"{self.code}: reviewer score not yet entered ({question})",
                            REVIEWER_PENDING,
                        )
                    )
                else:
                    reasons.append(
                        _both(
                            f"{self.code}: thiếu câu trả lời {question}",
                            f"{self.code}: answer missing for {question}",
                        )
                    )
            else:
                _, name, numbers = entry
                listed = ", ".join(str(n) for n in numbers)
                if name in ("recognised", "total"):
                    reasons.append(
                        _both(
                            f"{self.code}: chưa có kết quả Công dân học tập ({name}) "
                            f"của thành viên số {listed}",
                            f"{self.code}: Learning Citizen result ({name}) not determined "
                            f"for member no. {listed}",
                        )
                    )
                else:
                    reasons.append(
                        _both(
                            f"{self.code}: thiếu {name} của thành viên số {listed}",
                            f"{self.code}: {name} missing for member no. {listed}",
                        )
                    )
        result = IndicatorResult(
            self.code, self.criterion, MISSING, None, None, self.max_points, tuple(reasons)
        )
        if len(self.missing_results) >= _MEMO_LIMIT:
            self.missing_results.clear()
        self.missing_results[key] = result
        return result
