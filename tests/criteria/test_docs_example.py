"""docs/examples: the example workbook is reproducible, valid, and uses every rule type."""

from __future__ import annotations

import importlib.util
import zipfile
from pathlib import Path

from pyxform.xls2xform import convert

from criteria.rules import RULE_TYPES
from criteria.workbook import read_workbook

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def load_script():
    spec = importlib.util.spec_from_file_location("make_example", EXAMPLES / "make_example.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def contents(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_committed_example_is_what_the_script_makes(tmp_path):
    made = load_script().write_example(tmp_path / "example.xlsx")
    assert contents(made) == contents(EXAMPLES / "criteria-example.xlsx")


def test_the_example_is_a_valid_set_using_every_rule_type():
    path = EXAMPLES / "criteria-example.xlsx"
    spec = read_workbook(path)
    assert spec == load_script().build_example_spec()
    assert {rule.type for i in spec.indicators for rule in i.rules} == set(RULE_TYPES)
    assert {q.type for q in spec.questions} >= {"integer", "decimal", "select_one"}
    convert(xlsform=path, warnings=[])
