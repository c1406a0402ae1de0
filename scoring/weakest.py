"""Which indicator holds each area back: the one with the smallest share at its minimum."""

from __future__ import annotations

from scoring.summary import AreaFigures, RoundSummary


def find_weakest_indicators(
    *, summary: RoundSummary
) -> tuple[list[tuple[AreaFigures, str | None]], dict[str, int]]:
    """Per area, the code of its weakest indicator (None: none judged), and per code how
    many areas it holds back."""
    rows, weakest_counts = [], {}
    for figures in summary.areas:
        judged = [i for i in figures.indicators if i.at_min is not None and i.at_min.n]
        weakest = min(judged, key=lambda i: (i.at_min.rate, i.mean or 0), default=None)
        if weakest is not None:
            weakest_counts[weakest.code] = weakest_counts.get(weakest.code, 0) + 1
        rows.append((figures, weakest.code if weakest else None))
    return rows, weakest_counts
