"""The report pages: charts from static files with their numbers in tables, the drill-down
to the answers, which indicators hold areas back, and what another version would change."""

from __future__ import annotations

import json
import re

from accounts.roles import PROVINCE_STAFF
from criteria.selectors import find_version
from scoring.models import ScoringRun
from scoring.services import rescore_round
from survey.models import HouseholdResponse, MemberResponse
from tests.factories import NGA_QUAN
from tests.scoring_reports.conftest import page_text, table_rows


def _scripts(response) -> list[str]:
    return re.findall(r"<script[^>]*>", response.content.decode())


def test_overview_chart_is_data_drawn_by_a_static_script(client, signed_in, report_round):
    signed_in(PROVINCE_STAFF)
    response = client.get("/reports/r-bc/?measure=adults")
    assert response.status_code == 200
    html = response.content.decode()
    scripts = _scripts(response)
    assert all('src="' in s or 'type="application/json"' in s for s in scripts), scripts
    assert any("vendor/chart.umd.js" in s for s in scripts)
    assert any("scoring/charts.js" in s for s in scripts)
    assert ' style="' not in html
    data = re.search(r'<script id="chart-areas" type="application/json">(.*?)</script>', html, re.S)
    chart = json.loads(data.group(1))
    assert chart["labels"] == ["Phường Yên Ninh", "Xã Minh Quán", "Xã Nga Quán"]
    assert [t["value"] for t in chart["targets"]] == [40.0, 60.0]  # QĐ 677, adults
    assert 'data-chart="chart-areas"' in html
    # The chart's numbers are in the table beside it.
    assert len(table_rows(response, "chart-table")) == 1 + 3 + 2


def test_overview_options(client, signed_in, report_round):
    signed_in(PROVINCE_STAFF)
    regrouped = client.get("/reports/r-bc/?hierarchy=2025&level=commune")
    assert "Phường Nam Cường" in page_text(regrouped)
    refused = client.get("/reports/r-bc/?hierarchy=2025&level=district")
    assert refused.status_code == 400
    assert "không có cấp huyện" in page_text(refused)
    grouped = client.get("/reports/r-bc/?breakdown=target_group")
    assert "Nông dân và người lao động ở nông thôn" in page_text(grouped)
    assert client.get("/reports/r-bc/?level=nonsense").status_code == 200  # default used


def test_unit_page_drills_down_to_households(client, signed_in, report_round):
    signed_in(PROVINCE_STAFF)
    response = client.get("/reports/r-bc/units/138@2020-02-01/")
    text = page_text(response)
    assert response.status_code == 200
    assert "Xã Nga Quán" in text and "Xã Minh Quán" in text  # its communes
    for dimension in ("target_group", "sex", "age_band", "ethnicity"):
        assert table_rows(response, f"breakdown-{dimension}")
    households = HouseholdResponse.objects.filter(
        round=report_round, unit__parent="138@2020-02-01"
    ).count()
    assert f"Hộ gia đình ({households})" in re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text))


def test_member_page_traces_points_to_answers(client, signed_in, report_round):
    signed_in(PROVINCE_STAFF)
    member = MemberResponse.objects.filter(
        response__round=report_round, response__unit_id=NGA_QUAN, target_group="nong_dan"
    ).first()
    response = client.get(f"/reports/r-bc/members/{member.pk}/")
    text = page_text(response)
    assert response.status_code == 200
    assert "khác với điểm đã lưu" not in text  # recomputed result equals the stored row
    rows = table_rows(response, "trace")
    assert len(rows) == 1 + 15  # a header, and a row per rule: six indicators have two
    assert "Theo khoảng: 0 → 0; 1–2 → 5; 3–5 → 8; ≥ 6 → 10" in text  # CD03's rule in words
    assert "không áp dụng" in text  # CD06 is for cadres only


def test_indicator_page_marks_the_weakest_indicator_of_each_area(client, signed_in, report_round):
    signed_in(PROVINCE_STAFF)
    response = client.get("/reports/r-bc/indicators/")
    assert response.status_code == 200
    rows = table_rows(response, "indicator-matrix")
    assert len(rows) == 1 + 3 + 1
    assert all(row.count("weakest") == 1 for row in rows[1:4])
    assert 'id="chart-indicators"' in response.content.decode()


def test_changes_page_before_and_after_a_rescore(client, signed_in, report_round):
    signed_in(PROVINCE_STAFF)
    before = page_text(client.get("/reports/r-bc/changes/?criteria=CDHT:2"))
    assert "manage.py rescore r-bc --criteria CDHT:2" in before
    rescore_round(round_=report_round, citizen_set=find_version(code="CDHT", version=2))
    response = client.get("/reports/r-bc/changes/?criteria=CDHT:2")
    rows = table_rows(response, "member-changes")
    assert len(rows) == 1 + 3 + 1
    assert table_rows(response, "household-changes")
    run = ScoringRun.objects.get(round=report_round, kind="rescore", based_on__isnull=True)
    assert client.get(f"/reports/r-bc/changes/?other={run.pk}").status_code == 200
    assert client.get("/reports/r-bc/changes/?criteria=KHONG:1").status_code == 404


def test_a_2025_unit_gathers_its_predecessors(client, signed_in, report_round):
    signed_in(PROVINCE_STAFF)
    response = client.get("/reports/r-bc/units/04273@2025-07-01/")
    text = page_text(response)
    assert response.status_code == 200
    assert "Phường Nam Cường" in text and "từ 01/07/2025" in text
    nga_quan = HouseholdResponse.objects.filter(round=report_round, unit_id=NGA_QUAN).count()
    assert response.context["households_total"] == nga_quan


def test_navigation_links_follow_the_permission(client, signed_in, report_round):
    from accounts.roles import SURVEYOR

    signed_in(PROVINCE_STAFF)
    assert 'href="/reports/"' in client.get("/").content.decode()
    signed_in(SURVEYOR)
    assert 'href="/reports/"' not in client.get("/").content.decode()
