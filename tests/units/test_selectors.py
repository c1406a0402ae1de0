"""Date-aware questions about the real pilot units, name matching and the DB constraints."""

from __future__ import annotations

import unicodedata
from collections import Counter
from datetime import date

import pytest
from django.db import IntegrityError, transaction

from tests.factories import AdminUnitFactory
from units.models import AdminUnit, UnitChange, UnitLevel
from units.selectors import (
    children_of,
    descendants_of,
    find_units_by_name,
    predecessor_keys,
    predecessors_of,
    split_type_prefix,
    successors_of,
    tree_on,
    units_valid_on,
)
from units.text import name_key, nfc, plain_key

PILOT = date(2021, 6, 1)
AFTER_2024_MERGE = date(2024, 12, 1)
AFTER_2025_REFORM = date(2025, 8, 1)

pytestmark = pytest.mark.usefixtures("units")


def unit(key: str) -> AdminUnit:
    return AdminUnit.objects.get(key=key)


def keys(units) -> list[str]:
    return [u.key for u in units]


def names(units) -> list[str]:
    return [u.name for u in units]


# Hierarchy on a date ----------------------------------------------------------


def test_nga_quan_on_the_pilot_day_is_in_huyen_tran_yen():
    [nga_quan] = find_units_by_name(name="Xã Nga Quán", day=PILOT)

    assert nga_quan.key == "04528@2020-02-01"
    assert nga_quan.parent.key == "138@2020-02-01"
    assert nga_quan.parent.name == "Huyện Trấn Yên"
    assert nga_quan.parent.parent.name == "Tỉnh Yên Bái"


def test_nga_quan_is_covered_by_phuong_nam_cuong_of_lao_cai_in_2025():
    successors = successors_of(unit=unit("04528@2020-02-01"), day=AFTER_2025_REFORM)

    assert keys(successors) == ["04273@2025-07-01"]
    assert successors[0].name == "Phường Nam Cường"
    assert successors[0].parent.key == "15@2025-07-01"
    assert successors[0].parent.name == "Tỉnh Lào Cai"


def test_nga_quan_is_covered_by_xa_cuong_thinh_after_the_2024_merge():
    successors = successors_of(unit=unit("04528@2020-02-01"), day=AFTER_2024_MERGE)

    assert [(u.key, u.name) for u in successors] == [("04522@2020-02-01", "Xã Cường Thịnh")]


def test_a_unit_still_valid_is_its_own_successor():
    assert keys(successors_of(unit=unit("04528@2020-02-01"), day=PILOT)) == ["04528@2020-02-01"]


def test_the_units_that_became_phuong_nam_cuong_over_several_hops():
    found = predecessor_keys(keys=["04273@2025-07-01"], day=AFTER_2025_REFORM)

    assert sorted(found) == [
        "04270@2020-02-01",  # Xã Minh Bảo
        "04273@2020-02-01",  # Phường Nam Cường before 2025
        "04273@2025-07-01",
        "04276@2020-02-01",  # Xã Tuy Lộc
        "04522@2020-02-01",  # Xã Cường Thịnh
        "04528@2020-02-01",  # Xã Nga Quán, through Cường Thịnh (2024-12-01)
    ]
    for key in found:
        assert keys(successors_of(unit=unit(key), day=AFTER_2025_REFORM)) == ["04273@2025-07-01"]


def test_predecessor_keys_stop_at_units_still_valid_and_at_later_changes():
    # In 2024 Nga Quán still existed: Cường Thịnh's households then were its own.
    assert predecessor_keys(keys=["04522@2020-02-01"], day=PILOT) == {"04522@2020-02-01"}
    assert predecessor_keys(keys=["04522@2020-02-01"], day=AFTER_2024_MERGE) == {
        "04522@2020-02-01",
        "04528@2020-02-01",
    }


def test_code_04264_names_three_different_things_over_time():
    def named_04264(day: date) -> list[str]:
        return names(units_valid_on(day=day).filter(code="04264"))

    assert named_04264(PILOT) == ["Phường Nguyễn Phúc"]
    assert named_04264(date(2025, 1, 1)) == ["Phường Hồng Hà"]
    assert named_04264(AFTER_2025_REFORM) == []
    for old_key in ("04264@2020-02-01", "04264@2024-12-01"):
        successors = successors_of(unit=unit(old_key), day=AFTER_2025_REFORM)
        assert [(u.key, u.name) for u in successors] == [("04252@2025-07-01", "Phường Yên Bái")]


def test_predecessors_of_the_2024_hong_ha_are_the_two_merged_wards():
    predecessors = predecessors_of(unit=unit("04264@2024-12-01"))

    assert sorted((u.key, u.name) for u in predecessors) == [
        ("04264@2020-02-01", "Phường Nguyễn Phúc"),
        ("04267@2020-02-01", "Phường Hồng Hà"),
    ]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2020, 1, 31), {}),
        (PILOT, {"province": 1, "district": 2, "commune": 36}),
        (date(2024, 11, 30), {"province": 1, "district": 2, "commune": 36}),
        (AFTER_2024_MERGE, {"province": 1, "district": 2, "commune": 32}),
        (date(2025, 6, 30), {"province": 1, "district": 2, "commune": 32}),
        (date(2025, 7, 1), {"province": 1, "commune": 9}),
        (AFTER_2025_REFORM, {"province": 1, "commune": 9}),
    ],
)
def test_units_valid_per_level(day, expected):
    assert Counter(units_valid_on(day=day).values_list("level", flat=True)) == expected


def test_the_province_is_yen_bai_before_and_lao_cai_after_the_reform():
    def province(day: date) -> list[tuple[str, str]]:
        return list(
            units_valid_on(day=day).filter(level=UnitLevel.PROVINCE).values_list("key", "name")
        )

    assert province(PILOT) == [("15@2020-02-01", "Tỉnh Yên Bái")]
    assert province(AFTER_2025_REFORM) == [("15@2025-07-01", "Tỉnh Lào Cai")]


# In Vietnamese alphabetical order (a < ă < â < b ... d < đ; tones break ties only).
THANH_PHO_2021 = [
    "Phường Đồng Tâm",
    "Phường Hồng Hà",
    "Phường Hợp Minh",
    "Phường Minh Tân",
    "Phường Nam Cường",
    "Phường Nguyễn Phúc",
    "Phường Nguyễn Thái Học",
    "Phường Yên Ninh",
    "Phường Yên Thịnh",
    "Xã Âu Lâu",
    "Xã Giới Phiên",
    "Xã Minh Bảo",
    "Xã Tân Thịnh",
    "Xã Tuy Lộc",
    "Xã Văn Phú",
]
TRAN_YEN_2021 = [
    "Thị trấn Cổ Phúc",
    "Xã Báo Đáp",
    "Xã Bảo Hưng",
    "Xã Cường Thịnh",
    "Xã Đào Thịnh",
    "Xã Hòa Cuông",
    "Xã Hồng Ca",
    "Xã Hưng Khánh",
    "Xã Hưng Thịnh",
    "Xã Kiên Thành",
    "Xã Lương Thịnh",
    "Xã Minh Quán",
    "Xã Minh Quân",
    "Xã Nga Quán",
    "Xã Quy Mông",
    "Xã Tân Đồng",
    "Xã Vân Hội",
    "Xã Việt Cường",
    "Xã Việt Hồng",
    "Xã Việt Thành",
    "Xã Y Can",
]


def test_children_of_each_district_on_the_pilot_day():
    assert names(children_of(unit=unit("132@2020-02-01"), day=PILOT)) == THANH_PHO_2021
    assert names(children_of(unit=unit("138@2020-02-01"), day=PILOT)) == TRAN_YEN_2021


def test_children_of_each_district_after_the_2024_merge():
    thanh_pho = names(children_of(unit=unit("132@2020-02-01"), day=AFTER_2024_MERGE))
    tran_yen = names(children_of(unit=unit("138@2020-02-01"), day=AFTER_2024_MERGE))

    # Nguyễn Phúc and the old Hồng Hà became the new Hồng Hà (code 04264).
    assert thanh_pho == [n for n in THANH_PHO_2021 if n != "Phường Nguyễn Phúc"]
    assert keys(children_of(unit=unit("132@2020-02-01"), day=AFTER_2024_MERGE))[1] == (
        "04264@2024-12-01"
    )
    assert tran_yen == [
        "Thị trấn Cổ Phúc",
        "Xã Báo Đáp",
        "Xã Cường Thịnh",
        "Xã Hòa Cuông",
        "Xã Hồng Ca",
        "Xã Hưng Khánh",
        "Xã Hưng Thịnh",
        "Xã Kiên Thành",
        "Xã Lương Thịnh",
        "Xã Minh Quán",
        "Xã Minh Quân",
        "Xã Quy Mông",
        "Xã Tân Đồng",
        "Xã Thành Thịnh",
        "Xã Vân Hội",
        "Xã Việt Cường",
        "Xã Việt Hồng",
        "Xã Y Can",
    ]


def test_districts_have_no_children_after_the_reform_and_the_new_province_has_nine():
    assert names(children_of(unit=unit("132@2020-02-01"), day=AFTER_2025_REFORM)) == []
    assert names(children_of(unit=unit("138@2020-02-01"), day=AFTER_2025_REFORM)) == []
    assert len(children_of(unit=unit("15@2025-07-01"), day=AFTER_2025_REFORM)) == 9


def test_descendants_of_each_district_on_a_date():
    def descendant_names(key: str, day: date) -> list[str]:
        return sorted(names(descendants_of(unit=unit(key), day=day)))

    assert descendant_names("132@2020-02-01", PILOT) == sorted(THANH_PHO_2021)
    assert descendant_names("138@2020-02-01", PILOT) == sorted(TRAN_YEN_2021)
    assert len(descendant_names("132@2020-02-01", AFTER_2024_MERGE)) == 14
    assert len(descendant_names("138@2020-02-01", AFTER_2024_MERGE)) == 18
    assert descendant_names("138@2020-02-01", AFTER_2025_REFORM) == []


def test_descendants_of_the_old_province_span_both_levels():
    on_pilot_day = descendants_of(unit=unit("15@2020-02-01"), day=PILOT)

    assert Counter(on_pilot_day.values_list("level", flat=True)) == {"district": 2, "commune": 36}
    assert descendants_of(unit=unit("15@2020-02-01"), day=AFTER_2025_REFORM).count() == 0


def test_tree_after_the_reform_is_province_then_communes_by_name():
    # Siblings are in Vietnamese alphabetical order: "Âu" sorts with "A", before "Nam".
    rows = [(depth, u.key, u.name) for u, depth in tree_on(day=AFTER_2025_REFORM)]

    assert rows == [
        (0, "15@2025-07-01", "Tỉnh Lào Cai"),
        (1, "04543@2025-07-01", "Phường Âu Lâu"),
        (1, "04273@2025-07-01", "Phường Nam Cường"),
        (1, "04279@2025-07-01", "Phường Văn Phú"),
        (1, "04252@2025-07-01", "Phường Yên Bái"),
        (1, "04576@2025-07-01", "Xã Hưng Khánh"),
        (1, "04537@2025-07-01", "Xã Lương Thịnh"),
        (1, "04531@2025-07-01", "Xã Quy Mông"),
        (1, "04498@2025-07-01", "Xã Trấn Yên"),
        (1, "04564@2025-07-01", "Xã Việt Hồng"),
    ]


def test_tree_on_the_pilot_day_is_depth_first():
    rows = [(depth, u.name) for u, depth in tree_on(day=PILOT)]

    assert rows == [
        (0, "Tỉnh Yên Bái"),
        (1, "Huyện Trấn Yên"),
        *[(2, n) for n in TRAN_YEN_2021],
        (1, "Thành phố Yên Bái"),
        *[(2, n) for n in THANH_PHO_2021],
    ]


def test_tree_with_roots_lists_a_root_inside_another_root_once():
    rows = tree_on(day=PILOT, root_keys=["04528@2020-02-01", "138@2020-02-01", "04516@2020-02-01"])

    assert [(depth, u.name) for u, depth in rows] == [
        (0, "Huyện Trấn Yên"),
        *[(1, n) for n in TRAN_YEN_2021],
    ]


def test_tree_with_two_commune_roots_lists_them_by_name():
    rows = tree_on(day=PILOT, root_keys=["04528@2020-02-01", "04516@2020-02-01"])

    assert [(depth, u.key) for u, depth in rows] == [
        (0, "04516@2020-02-01"),
        (0, "04528@2020-02-01"),
    ]


# Finding units by name ----------------------------------------------------------


def test_find_by_name_accepts_composed_and_decomposed_input():
    decomposed = unicodedata.normalize("NFD", "Xã Nga Quán")
    assert decomposed != "Xã Nga Quán"

    assert keys(find_units_by_name(name=decomposed, day=PILOT)) == ["04528@2020-02-01"]
    assert keys(find_units_by_name(name="Xã Nga Quán", day=PILOT)) == ["04528@2020-02-01"]


@pytest.mark.parametrize("spelling", ["Xã Hòa Cuông", "Xã Hoà Cuông", "Hòa Cuông", "hoà cuông"])
def test_find_by_name_accepts_both_tone_mark_placements(spelling):
    assert keys(find_units_by_name(name=spelling, day=PILOT)) == ["04513@2020-02-01"]


@pytest.mark.parametrize("spelling", ["Nga Quán", "Xã Nga Quán", "  xã   nga  QUÁN "])
def test_find_by_name_with_or_without_type_prefix(spelling):
    assert keys(find_units_by_name(name=spelling, day=PILOT)) == ["04528@2020-02-01"]


@pytest.mark.parametrize("spelling", ["Phường Nga Quán", "Thị trấn Nga Quán", "Huyện Nga Quán"])
def test_find_by_name_with_a_wrong_prefix_finds_nothing(spelling):
    assert find_units_by_name(name=spelling, day=PILOT) == []


def test_find_by_name_only_finds_units_valid_on_the_day():
    assert find_units_by_name(name="Xã Nga Quán", day=AFTER_2024_MERGE) == []
    assert keys(find_units_by_name(name="Phường Hồng Hà", day=PILOT)) == ["04267@2020-02-01"]
    assert keys(find_units_by_name(name="Phường Hồng Hà", day=AFTER_2024_MERGE)) == [
        "04264@2024-12-01"
    ]


def test_find_by_name_filters_by_level():
    assert keys(find_units_by_name(name="Yên Bái", day=PILOT)) == [
        "132@2020-02-01",
        "15@2020-02-01",
    ]
    assert keys(find_units_by_name(name="Yên Bái", day=PILOT, level=UnitLevel.PROVINCE)) == [
        "15@2020-02-01"
    ]
    assert keys(find_units_by_name(name="Thành phố Yên Bái", day=PILOT)) == ["132@2020-02-01"]


@pytest.mark.parametrize("spelling", ["minh quan", "Minh Quan", "MINH QUÂN", "xa minh quan"])
def test_accent_insensitive_search_keeps_minh_quan_and_minh_quan_apart(spelling):
    matches = find_units_by_name(name=spelling, day=PILOT, accents=False)

    assert [(u.key, u.name) for u in matches] == [
        ("04516@2020-02-01", "Xã Minh Quán"),
        ("04567@2020-02-01", "Xã Minh Quân"),
    ]


def test_accented_search_finds_exactly_one_of_minh_quan_and_minh_quan():
    assert keys(find_units_by_name(name="Minh Quán", day=PILOT)) == ["04516@2020-02-01"]
    assert keys(find_units_by_name(name="Xã Minh Quân", day=PILOT)) == ["04567@2020-02-01"]
    assert find_units_by_name(name="Minh Quan", day=PILOT) == []


def test_accent_insensitive_search_with_an_unaccented_prefix():
    matches = find_units_by_name(name="xa nga quan", day=PILOT, accents=False)

    assert keys(matches) == ["04528@2020-02-01"]
    assert find_units_by_name(name="phuong nga quan", day=PILOT, accents=False) == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Xã Nga Quán", ("Xã", "Nga Quán")),
        ("Thành phố Yên Bái", ("Thành phố", "Yên Bái")),
        ("Thị trấn Cổ Phúc", ("Thị trấn", "Cổ Phúc")),
        ("  Phường   Hồng Hà ", ("Phường", "Hồng Hà")),
        ("xã nga quán", ("Xã", "nga quán")),
        (unicodedata.normalize("NFD", "Xã Nga Quán"), ("Xã", "Nga Quán")),
        ("Nga Quán", (None, "Nga Quán")),
        ("Xãxã", (None, "Xãxã")),
    ],
)
def test_split_type_prefix(name, expected):
    assert split_type_prefix(name) == expected


# units/text.py ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hòa", "hoà"),
        ("Hoà", "hoà"),
        ("Thủy", "thuỷ"),
        ("Thuỷ", "thuỷ"),
        ("Quân", "quân"),
        ("Quán", "qua\u0144"),  # the tone moves to the end of the word: n + acute = ń
        ("  Nga   Quán ", "nga qua\u0144"),
        (unicodedata.normalize("NFD", "Nguyễn"), "nguyê\u00f1"),
        ("ĐỒNG Tâm", "đông\u0300 tâm"),
        ("Yên Bái", "yên ba\u00ed"),
    ],
)
def test_name_key(text, expected):
    assert name_key(text) == expected
    assert unicodedata.is_normalized("NFC", name_key(text))


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("Xã Hòa Cuông", "Xã Hoà Cuông", True),
        ("Thủy", "Thuỷ", True),
        ("Nga Quán", unicodedata.normalize("NFD", "nga quán"), True),
        ("Minh Quân", "Minh Quán", False),
        ("Minh Quân", "Minh Quan", False),
        ("Phường", "Phương", False),
    ],
)
def test_name_key_equality(first, second, same):
    assert (name_key(first) == name_key(second)) is same


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nguyễn Văn", "nguyen van"),
        ("Đồng Tâm", "dong tam"),
        ("đường", "duong"),
        ("Minh Quân", "minh quan"),
        ("Minh Quán", "minh quan"),
        (unicodedata.normalize("NFD", "Hoà"), "hoa"),
        ("  Thị   trấn  Cổ Phúc ", "thi tran co phuc"),
    ],
)
def test_plain_key(text, expected):
    assert plain_key(text) == expected


def test_nfc_composes_decomposed_text():
    decomposed = unicodedata.normalize("NFD", "Xã Nga Quán")

    assert len(decomposed) == 13
    assert nfc(decomposed) == "Xã Nga Quán"
    assert len(nfc(decomposed)) == 11


# Database constraints ----------------------------------------------------------------


def test_db_refuses_a_unit_ending_before_it_starts():
    before = AdminUnit.objects.count()

    with pytest.raises(IntegrityError), transaction.atomic():
        AdminUnitFactory(code="99999", valid_from=date(2025, 1, 1), valid_to=date(2024, 12, 31))

    assert AdminUnit.objects.count() == before
    assert not AdminUnit.objects.filter(code="99999").exists()


def test_db_accepts_a_unit_valid_for_a_single_day():
    one_day = AdminUnitFactory(code="99998", valid_from=date(2025, 1, 1), valid_to=date(2025, 1, 1))

    assert AdminUnit.objects.get(key="99998@2025-01-01") == one_day


def test_db_refuses_an_unknown_level():
    before = AdminUnit.objects.count()

    with pytest.raises(IntegrityError), transaction.atomic():
        AdminUnitFactory(code="99997", level="ward")

    assert AdminUnit.objects.count() == before


def test_db_refuses_a_second_unit_with_the_same_code_and_start():
    with pytest.raises(IntegrityError), transaction.atomic():
        AdminUnit.objects.create(
            key="04528@2020-02-01-dup",
            code="04528",
            name="Xã Trùng",
            level=UnitLevel.COMMUNE,
            type="Xã",
            valid_from=date(2020, 2, 1),
        )

    assert names(AdminUnit.objects.filter(code="04528")) == ["Xã Nga Quán"]


def test_db_refuses_a_change_from_a_unit_to_itself():
    nga_quan = unit("04528@2020-02-01")
    before = UnitChange.objects.count()

    with pytest.raises(IntegrityError), transaction.atomic():
        UnitChange.objects.create(
            from_unit=nga_quan,
            to_unit=nga_quan,
            effective=date(2024, 12, 1),
            kind=UnitChange.Kind.RENAME,
            legal_basis="thử",
        )

    assert UnitChange.objects.count() == before == 39
    assert not UnitChange.objects.filter(to_unit=nga_quan).exists()
