"""flows.web.change_display: stored change paths read as questions and people's names."""

from __future__ import annotations

import pytest

from criteria.selectors import find_version, spec_of
from flows.web.change_display import ChangeRow, ChangeWords
from tests.factories import MINH_QUAN_ACUTE, NGA_QUAN

pytestmark = pytest.mark.django_db
AN = "9b0c6c1e-0000-4000-8000-000000000001"
GONE = "9b0c6c1e-0000-4000-8000-000000000002"


def test_paths_become_words(pilot_sets):
    specs = [spec_of(criteria_set=find_version(code="CDHT", version=1))]
    changes = [
        {"field": "unit", "old": NGA_QUAN, "new": MINH_QUAN_ACUTE},
        {"field": "survey_date", "old": "2021-07-15", "new": "2021-07-16"},
        {"field": f"members.{AN}.birth_year", "old": 1981, "new": 1982},
        {"field": f"members.{AN}.sex", "old": "male", "new": "female"},
        {"field": f"members.{AN}.target_group", "old": "nong_dan", "new": "can_bo"},
        {"field": f"members.{AN}.answers.learning_plan", "old": None, "new": "written_followed"},
        {"field": f"members.{GONE}", "old": {"full_name": "Lê Văn Cũ"}, "new": None},
    ]
    words = ChangeWords(specs=specs, members={AN: "Nguyễn Văn An"}, changes=changes, language="vi")

    rows = [words.row(c) for c in changes]

    plan = specs[0].question("learning_plan")
    assert rows == [
        ChangeRow("Xã/phường", "Xã Nga Quán", "Xã Minh Quán"),
        ChangeRow("Ngày khảo sát", "15/07/2021", "16/07/2021"),
        ChangeRow("Nguyễn Văn An: Năm sinh", "1981", "1982"),
        ChangeRow("Nguyễn Văn An: Giới tính", "Nam", "Nữ"),
        ChangeRow(
            "Nguyễn Văn An: Nhóm đối tượng",
            "Nông dân và người lao động ở nông thôn",
            "Cán bộ, công chức, viên chức",
        ),
        ChangeRow(
            f"Nguyễn Văn An: {plan.label.vi}",
            "—",
            next(
                c.label.vi
                for cl in specs[0].choice_lists
                if cl.name == plan.choice_list
                for c in cl.choices
                if c.name == "written_followed"
            ),
        ),
        ChangeRow("Thành viên Lê Văn Cũ", "có trong hộ", "xoá khỏi hộ"),
    ]
