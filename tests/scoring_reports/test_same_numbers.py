"""The page, the command and the aggregation give the same numbers (one code path)."""

from __future__ import annotations

import csv
import json
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.roles import PROVINCE_STAFF
from scoring.aggregation import summarise_round
from tests.scoring_reports.conftest import area_values

COLUMNS = ["planned", "households", "coverage", "members", "undetermined", "recognised"]
COLUMNS += ["rate", "mean_total", "adults_rate", "cadres_rate", "digital_rate", "household_rate"]


def _number(text: str) -> float | None:
    return None if text in ("", "None") else float(text)


@pytest.mark.parametrize("level", ["commune", "district"])
def test_page_command_and_aggregation_agree(client, signed_in, report_round, level):
    signed_in(PROVINCE_STAFF)
    page = area_values(client.get(f"/reports/r-bc/?level={level}"))
    out = StringIO()
    call_command("round_summary", "r-bc", "--level", level, "--format", "csv", stdout=out)
    command = {row["area_key"]: row for row in csv.DictReader(StringIO(out.getvalue()))}
    frame = summarise_round(round_=report_round, level=level).frame()
    aggregation = {row["area_key"]: row for row in frame.to_dict("records")}
    assert set(page) == set(command) == set(aggregation)
    assert len(page) == (4 if level == "commune" else 3)  # areas and the total
    for key, values in aggregation.items():
        for column in COLUMNS:
            expected = values[column]
            expected = None if expected is None or expected != expected else float(expected)
            assert _number(page[key][column]) == expected, (key, column)
            assert _number(command[key][column]) == expected, (key, column)


def test_json_and_table_formats(report_round):
    out = StringIO()
    call_command("round_summary", "r-bc", "--format", "json", "--breakdown", "sex", stdout=out)
    payload = json.loads(out.getvalue())
    frame = summarise_round(round_=report_round).frame()
    assert [a["area_key"] for a in payload["areas"]] == list(frame["area_key"])
    assert payload["areas"][-1]["rate"] == frame.iloc[-1]["rate"]
    assert {row["group"] for row in payload["breakdown"]} == {"male", "female"}
    table = StringIO()
    call_command("round_summary", "r-bc", "--level", "province", stdout=table)
    lines = table.getvalue().splitlines()
    assert lines[1].split()[0] == "Area"
    assert lines[3].startswith("Tỉnh Yên Bái")
    assert lines[4].startswith("Tổng cộng")
