"""The criteria sets shipped in fixtures/criteria are valid and survive every format."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyxform.xls2xform import convert

from criteria.workbook import read_workbook, write_workbook
from criteria.xlsform import write_xlsform
from criteria.yaml_io import dump_yaml, read_yaml, write_yaml

SHIPPED = sorted((Path(__file__).resolve().parents[2] / "fixtures" / "criteria").glob("*.yaml"))


@pytest.mark.skipif(not SHIPPED, reason="no shipped criteria sets yet")
@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_a_shipped_set_is_valid_and_round_trips(path, tmp_path):
    spec = read_yaml(path)  # raises CriteriaImportError listing problems, if any
    workbook = tmp_path / "set.xlsx"
    write_workbook(spec, workbook)
    assert read_workbook(workbook) == spec
    yaml_file = tmp_path / "set.yaml"
    write_yaml(spec, yaml_file)
    assert read_yaml(yaml_file) == spec
    assert dump_yaml(read_yaml(yaml_file)) == yaml_file.read_text(encoding="utf-8")
    convert(xlsform=workbook, warnings=[])


@pytest.mark.skipif(len(SHIPPED) < 2, reason="needs a citizen and a household set")
def test_the_shipped_sets_make_field_forms(tmp_path):
    specs = [read_yaml(path) for path in SHIPPED]
    citizens = [s for s in specs if s.subject == "citizen"]
    households = [s for s in specs if s.subject == "household"]
    for citizen in citizens:
        for household in households:
            path = tmp_path / f"{citizen.code}-{citizen.version}.xlsx"
            write_xlsform([citizen, household], path)
            convert(xlsform=path, warnings=[])
