"""Shared helpers for the stored criteria sets: the shipped specs and row counts."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from criteria import models as m
from criteria.services import install_shipped_sets
from criteria.spec import CriteriaSpec
from criteria.yaml_io import read_yaml

SHIPPED_DIR: Path = settings.BASE_DIR / "fixtures" / "criteria"
SHIPPED_FILES = ("cdht-2020.yaml", "cdht-2023.yaml", "gdht-2015.yaml")

# Every table a criteria set writes, the indicator/target group link included.
TABLES = {
    "sets": m.CriteriaSet,
    "target_groups": m.TargetGroup,
    "criteria": m.Criterion,
    "choice_lists": m.ChoiceList,
    "choices": m.Choice,
    "questions": m.Question,
    "indicators": m.Indicator,
    "indicator_groups": m.Indicator.target_groups.through,
    "rules": m.ScoringRule,
    "levels": m.RecognitionLevel,
}


def shipped_spec(filename: str) -> CriteriaSpec:
    """Read a shipped set the way install_criteria_sets does."""
    return read_yaml(SHIPPED_DIR / filename)


def counts() -> dict[str, int]:
    """Return the number of rows in each criteria table."""
    return {name: model.objects.count() for name, model in TABLES.items()}


def snapshot() -> tuple[dict[str, int], dict[tuple[str, int], tuple]]:
    """Return the row counts and, per stored version, its status and full spec."""
    from criteria.services import load_spec

    return counts(), {
        (cs.code, cs.version): (cs.status, cs.published_at, load_spec(criteria_set=cs))
        for cs in m.CriteriaSet.objects.all()
    }


@pytest.fixture
def shipped(db) -> dict[tuple[str, int], m.CriteriaSet]:
    """Install the shipped sets; return them by (code, version)."""
    install_shipped_sets(directory=SHIPPED_DIR)
    return {(cs.code, cs.version): cs for cs in m.CriteriaSet.objects.all()}
