"""A console progress bar for the long commands (rescore, generate_round)."""

from __future__ import annotations

import time
from typing import TextIO


class ProgressBar:
    """Call with (done, total); redraws at most every ``interval`` seconds and at the end."""

    def __init__(self, stream: TextIO, label: str, width: int = 30, interval: float = 0.5):
        self.stream = stream
        self.label = label
        self.width = width
        self.interval = interval
        self.started = time.perf_counter()
        self.drawn = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.perf_counter()
        interactive = getattr(self.stream, "isatty", lambda: False)()
        interval = self.interval if interactive else max(self.interval, 5.0)
        if done < total and now - self.drawn < interval:
            return
        self.drawn = now
        share = done / total if total else 1.0
        filled = round(share * self.width)
        bar = "#" * filled + "." * (self.width - filled)
        elapsed = now - self.started
        rate = done / elapsed if elapsed > 0 else 0.0
        # On a terminal the bar redraws in place; in a log, an update every 5 s is a line.
        self.stream.write(
            f"{chr(13) if interactive else ''}{self.label} [{bar}] {share:6.1%} "
            f"{done:,}/{total:,} ({rate:,.0f}/s, {elapsed:.1f} s)"
        )
        if done >= total or not interactive:
            self.stream.write("\n")
        self.stream.flush()
