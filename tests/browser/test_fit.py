"""Report and list tables fit a 1366-px laptop and a 360-px phone without clipping.

On the laptop the comparison tables fit their box (no sideways scrolling) and area names
wrap to at most three lines. On the phone nothing widens the page: a wide table scrolls
inside its box, its first column stays in view, and its last column can be reached.
"""

from __future__ import annotations

import pytest

from accounts.roles import COMMITTEE, COMMUNE_STAFF
from tests.factories import MINH_QUAN_ACUTE, NGA_QUAN
from tests.scoring_agg.conftest import pilot_sets  # noqa: F401 - a fixture
from tests.scoring_reports.conftest import report_round  # noqa: F401 - a fixture

pytestmark = pytest.mark.browser
COMPARE = "/reports/compare/?include=all&item=r-bc:132@2020-02-01&item=r-bc:138@2020-02-01"
TABLES = ("compare-overall", "compare-households", "compare-groups", "compare-indicators")

# For each table: whether its box scrolls sideways, and the tallest row header in lines.
MEASURE = """testid => {
  const table = document.querySelector(`table[data-testid="${testid}"]`);
  const box = table.closest('.table-scroll');
  const heads = [...table.querySelectorAll('tbody tr > :first-child')];
  const line = heads.length ? parseFloat(getComputedStyle(heads[0]).lineHeight) : 1;
  // The text's own height (a Range), not the cell's: a cell grows with its row.
  const lines = Math.max(0, ...heads.map(th => {
    const range = document.createRange();
    range.selectNodeContents(th);
    return Math.round(range.getBoundingClientRect().height / line);
  }));
  return {scrolls: box.scrollWidth > box.clientWidth + 1, lines: lines};
}"""


@pytest.mark.usefixtures("report_round")
def test_the_comparison_tables_fit_a_laptop(page, live_server, log_in, make_user):
    make_user(COMMITTEE, username="bcd")
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in("bcd")
    page.goto(live_server.url + COMPARE)

    measured = {testid: page.evaluate(MEASURE, testid) for testid in TABLES}

    assert all(not m["scrolls"] for m in measured.values()), measured
    assert max(m["lines"] for m in measured.values()) <= 3, measured
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366


@pytest.mark.usefixtures("report_round")
def test_the_household_list_scrolls_inside_its_box_on_a_phone(page, live_server, log_in, make_user):
    make_user(COMMUNE_STAFF, [NGA_QUAN, MINH_QUAN_ACUTE], username="canboxa")
    page.set_viewport_size({"width": 360, "height": 740})
    log_in("canboxa")
    page.goto(f"{live_server.url}/survey/rounds/r-bc/households/")

    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    box = page.locator(".table-scroll:has(table[data-testid=households])")
    first = page.locator("table[data-testid=households] tbody tr:first-child > :first-child")
    assert first.evaluate("cell => getComputedStyle(cell).position") == "sticky"
    box.evaluate("box => { box.scrollLeft = box.scrollWidth; }")
    last = page.locator("table[data-testid=households] thead th:last-child").bounding_box()
    kept = first.bounding_box()
    assert last["x"] + last["width"] <= 360 + 1  # the last column is reachable
    assert kept["x"] >= 0 and kept["x"] < 40  # and the first stays in view
    assert "✓ đạt, ✗ chưa đạt, ? chưa đủ câu trả lời" in page.inner_text("[data-testid=legend]")
