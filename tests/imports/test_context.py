"""Units in a paper workbook: codes, names (accents, ambiguity), the round and the user's scope."""

from __future__ import annotations

from flows.imports import import_responses
from tests.imports.conftest import fill_template, household_row, member_rows
from tests.imports.refusals import HOUSEHOLDS, one_household, problems_of


def test_unknown_unit_code(round_, staff):
    assert problems_of(round_, staff, one_household(unit="99999"), member_rows()) == [
        (
            HOUSEHOLDS,
            2,
            "B: Xã/phường/thị trấn [unit]",
            "Không có xã/phường mã “99999” trong đợt khảo sát này",
            "There is no commune with code “99999” in this round",
        )
    ]


def test_unknown_unit_name(round_, staff):
    assert problems_of(round_, staff, one_household(unit="Xã Không Có"), member_rows()) == [
        (
            HOUSEHOLDS,
            2,
            "B: Xã/phường/thị trấn [unit]",
            "Không tìm thấy xã/phường “Xã Không Có” trong đợt khảo sát này",
            "No commune named “Xã Không Có” in this round",
        )
    ]


def test_a_name_without_accents_matching_two_communes_is_ambiguous_never_guessed(round_, surveyor):
    # Xã Minh Quán (04516) is in the round; Xã Minh Quân (04567) is not: still ambiguous.
    assert problems_of(round_, surveyor, one_household(unit="xa minh quan"), member_rows()) == [
        (
            HOUSEHOLDS,
            2,
            "B: Xã/phường/thị trấn [unit]",
            "“xa minh quan” khớp với nhiều đơn vị: Xã Minh Quán (04516), Xã Minh Quân (04567); "
            "hãy ghi mã, hoặc tên có đủ dấu",
            "“xa minh quan” matches several units: Xã Minh Quán (04516), Xã Minh Quân (04567); "
            "write the code, or the name with all its accents",
        )
    ]


def test_names_with_accents_and_either_tone_placement_are_found(round_, surveyor):
    households = [
        household_row("1", unit="Minh Quán"),
        household_row("2", unit="xã nga quán", head_name="Lò Văn Hoà"),
        household_row("3", unit="04528", head_name="Lò Văn Hòa Bình"),
    ]
    members = [*member_rows("1"), *member_rows("2"), *member_rows("3")]
    report = import_responses(
        round_=round_,
        user=surveyor,
        data=fill_template(round_, households, members),
        filename="phieu.xlsx",
    )
    assert report.created == 3


def test_a_unit_of_another_round_or_period(round_, staff):
    problems = problems_of(round_, staff, one_household(unit="Xã Minh Quân"), member_rows())
    assert problems == [
        (
            HOUSEHOLDS,
            2,
            "B: Xã/phường/thị trấn [unit]",
            "Xã Minh Quân (04567) không thuộc đợt khảo sát này",
            "Xã Minh Quân (04567) is not in this round",
        )
    ]


def test_a_unit_outside_the_users_scope_is_refused_and_nothing_written(round_, staff):
    # Xã Cường Thịnh is in the round, but this commune officer only has Xã Nga Quán.
    households = [household_row("1"), household_row("2", unit="04522 - Xã Cường Thịnh")]
    members = [*member_rows("1"), *member_rows("2")]
    assert problems_of(round_, staff, households, members) == [
        (
            HOUSEHOLDS,
            3,
            "B: Xã/phường/thị trấn [unit]",
            "Bạn không được nhập số liệu cho Xã Cường Thịnh (04522) trong đợt này",
            "You may not enter data for Xã Cường Thịnh (04522) in this round",
        )
    ]


def test_a_code_and_a_name_that_disagree(round_, staff):
    problems = problems_of(round_, staff, one_household(unit="04528 - Xã Minh Quán"), member_rows())
    assert problems == [
        (
            HOUSEHOLDS,
            2,
            "B: Xã/phường/thị trấn [unit]",
            "Mã “04528” là Xã Nga Quán, không phải “Xã Minh Quán”",
            "Code “04528” is Xã Nga Quán, not “Xã Minh Quán”",
        )
    ]
