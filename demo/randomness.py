"""Seeded random draws: the same text gives the same sequence on every run."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any


def seeded_rng(seed_text: str) -> random.Random:
    """A generator seeded by text (Python seeds str deterministically, via SHA-512)."""
    return random.Random(seed_text)  # noqa: S311 - synthetic data, not security


def pick(weights: Mapping[str, float], rng: random.Random) -> Any:
    """Draw one key of ``weights`` with the probability its weight gives."""
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]
