"""The committee's comparison: side by side, the difference and its test, versions, samples."""

from __future__ import annotations

from urllib.parse import unquote

from accounts.roles import COMMITTEE
from criteria.selectors import find_version
from demo.services import generate_round
from scoring.services import rescore_round
from tests.factories import NGA_QUAN
from tests.scoring_reports.conftest import page_text, table_rows


def test_two_districts_side_by_side(client, signed_in, report_round):
    signed_in(COMMITTEE)
    url = "/reports/compare/?item=r-bc:132@2020-02-01&item=r-bc:138@2020-02-01"
    response = client.get(url)
    assert response.status_code == 200
    text = page_text(response)
    assert "kiểm định z hai tỷ lệ" in text and "Newcombe" in text  # the test is stated
    overall = table_rows(response, "compare-overall")
    assert len(overall) == 3
    assert "mốc" in overall[1]
    assert 'data-value="' in overall[2] and "…" in overall[2]  # difference with its interval
    assert table_rows(response, "compare-groups")
    assert len(table_rows(response, "compare-indicators")) == 1 + 10
    assert "mẫu nhỏ" in text  # 45 households: the city district has fewer than 30 people
    assert 'id="chart-compare"' in response.content.decode()
    # The shareable address reproduces the view.
    assert unquote(response.context["share_url"]) == url
    again = client.get(response.context["share_url"])
    for testid in ("compare-overall", "compare-groups", "compare-indicators"):
        assert table_rows(again, testid) == table_rows(response, testid)


def test_the_national_targets_stand_beside_the_compared_rates(client, signed_in, report_round):
    signed_in(COMMITTEE)

    response = client.get("/reports/compare/?item=r-bc:132@2020-02-01&item=r-bc:138@2020-02-01")

    text = page_text(response)
    assert (
        "Chỉ tiêu quốc gia (QĐ 677/QĐ-TTg), người từ 15 tuổi đạt danh hiệu Công dân học tập: "
        "40% năm 2025, 60% năm 2030." in text
    )
    assert (
        "Chỉ tiêu quốc gia (QĐ 387/QĐ-TTg), hộ đạt danh hiệu Gia đình học tập: 70% năm 2025."
        in text
    )
    chart = response.context["comparison"]["chart"]
    assert chart["targets"] == [
        {"label": "Mục tiêu 2025", "value": 40.0},
        {"label": "Mục tiêu 2030", "value": 60.0},
    ]


def test_rounds_on_different_versions_are_flagged_with_a_rescored_view(
    client, signed_in, report_round
):
    generate_round(
        code="r-2024",
        households=20,
        seed=8,
        unit_keys=[NGA_QUAN],
        citizen_set=find_version(code="CDHT", version=2),
    )
    signed_in(COMMITTEE)
    mixed = client.get(f"/reports/compare/?item=r-bc:{NGA_QUAN}&item=r-2024:{NGA_QUAN}")
    assert "dùng các phiên bản bộ tiêu chí khác nhau" in page_text(mixed)
    link = mixed.context["rescored_url"]
    assert link.endswith("&version=CDHT%3A2")
    missing = page_text(client.get(link))
    assert "manage.py rescore r-bc --criteria CDHT:2" in missing
    rescore_round(round_=report_round, citizen_set=find_version(code="CDHT", version=2))
    common = client.get(link)
    text = page_text(common)
    assert "cùng bộ tiêu chí CDHT phiên bản 2" in text
    assert "khác nhau, nên tỷ lệ" not in text
    assert len(table_rows(common, "compare-overall")) == 3


def test_a_pilot_round_regrouped_against_a_2025_unit(client, signed_in, report_round):
    signed_in(COMMITTEE)
    response = client.get(f"/reports/compare/?item=r-bc:{NGA_QUAN}&item=r-bc:04273@2025-07-01")
    assert response.status_code == 200
    rows = table_rows(response, "compare-overall")
    # Phường Nam Cường (2025) holds exactly the round's Nga Quán households: no difference.
    assert ("Phường Nam Cường" in rows[2] and "+0,0" not in rows[2]) or "0,0" in rows[2]


def test_one_item_asks_for_another(client, signed_in, report_round):
    signed_in(COMMITTEE)
    response = client.get(f"/reports/compare/?item=r-bc:{NGA_QUAN}")
    assert "Chọn thêm ít nhất một địa bàn" in page_text(response)
    assert client.get("/reports/compare/").status_code == 200


def test_target_groups_of_two_versions_line_up_through_their_same_as(
    client, signed_in, report_round
):
    generate_round(
        code="r-2024",
        households=20,
        seed=8,
        unit_keys=[NGA_QUAN],
        citizen_set=find_version(code="CDHT", version=2),
    )
    signed_in(COMMITTEE)
    url = f"/reports/compare/?item=r-bc:{NGA_QUAN}&item=r-2024:{NGA_QUAN}&include=all"
    groups = client.get(url).context["comparison"]["groups"]
    # CDHT v1's groups read as the v2 groups they are the same as (hoc_sinh is new in v2).
    assert [[c["group"].value if c["group"] else None for c in row["cells"]] for row in groups] == [
        ["nong_dan", "cu_dan"],
        ["cong_nhan", "nguoi_lao_dong"],
        ["can_bo", "can_bo_dn"],
        [None, "hoc_sinh"],
    ]
    assert [row["label"] for row in groups][:3] == [
        "Nông dân và người lao động ở nông thôn",
        "Công nhân, người lao động công nghiệp và thủ công",
        "Cán bộ, công chức, viên chức",
    ]
