"""Criteria sets as YAML: round trips, and problems with their line and path."""

from __future__ import annotations

import io

import pytest

from criteria.validation import CriteriaImportError, Problem
from criteria.yaml_io import dump_yaml, read_yaml, write_yaml
from tests.criteria.conftest import build_citizen_spec, build_household_spec


def yaml_problems(text: str | bytes) -> list[Problem]:
    data = text.encode() if isinstance(text, str) else text
    with pytest.raises(CriteriaImportError) as caught:
        read_yaml(io.BytesIO(data), filename="set.yaml")
    return caught.value.problems


def line_of(text: str, fragment: str, *, whole: bool = False) -> int:
    """Return the 1-based line of the only line holding ``fragment`` (or equal to it)."""
    lines = [
        n
        for n, line in enumerate(text.splitlines(), start=1)
        if (line == fragment if whole else fragment in line)
    ]
    assert len(lines) == 1, (fragment, lines)
    return lines[0]


def edited(old: str, new: str) -> str:
    text = dump_yaml(build_citizen_spec())
    assert text.count(old) == 1, old
    return text.replace(old, new)


@pytest.mark.parametrize("build", [build_citizen_spec, build_household_spec])
def test_write_then_read_gives_the_same_spec(build, tmp_path):
    spec = build()
    path = tmp_path / "set.yaml"
    write_yaml(spec, path)
    assert read_yaml(path) == spec
    assert read_yaml(str(path)) == spec
    binary = io.BytesIO()
    write_yaml(spec, binary)
    assert read_yaml(io.BytesIO(binary.getvalue())) == spec
    text = io.StringIO()
    write_yaml(spec, text)
    assert read_yaml(io.StringIO(text.getvalue())) == spec
    # The text is stable too: exporting what was read gives the same file.
    assert dump_yaml(read_yaml(path)) == path.read_text(encoding="utf-8")


def test_the_layout_is_the_plain_dict_with_unicode_and_field_order():
    text = dump_yaml(build_citizen_spec())
    assert text.startswith("# Công dân học tập (thử) — TEST-CD v3\ncode: TEST-CD\nversion: 3\n")
    assert "vi: Công dân học tập (thử)" in text  # allow_unicode: no \\u escapes
    assert text.index("total_points:") < text.index("recognition:") < text.index("questions:")


def test_a_syntax_error_is_reported_with_its_line():
    text = edited("  max_points: 10.0\n  rules:\n  - type: bands", "  max_points: [10\n  rules:")
    (problem,) = yaml_problems(text)
    assert (problem.sheet, problem.row, problem.column) == (None, line_of(text, "[10") + 1, None)
    assert problem.en.startswith("YAML syntax error: ")
    assert problem.vi.startswith("Lỗi cú pháp YAML: ")
    assert problem.location("en") == f"line {problem.row}"
    assert problem.location("vi") == f"Dòng {problem.row}"


def test_unknown_and_missing_fields_are_reported_where_they_are():
    text = edited(
        "  criterion: II\n  label:\n    vi: Học tập", "  criterion: II\n  labels:\n    vi: Học tập"
    )
    assert yaml_problems(text) == [
        Problem(
            None,
            line_of(text, "- code: CD03"),
            "indicators[CD03].label",
            "Thiếu trường “label”",
            "The field “label” is missing",
        ),
        Problem(
            None,
            line_of(text, "  labels:"),
            "indicators[CD03].labels",
            "Trường “labels” không có trong định dạng; dùng: code, criterion, label, max_points, "
            "rules, target_groups, when_not_applicable",
            "Unknown field “labels”; the fields are: code, criterion, label, max_points, rules, "
            "target_groups, when_not_applicable",
        ),
    ]


def test_values_of_the_wrong_kind_are_reported():
    text = edited("  max_age: 24", "  max_age: hai mươi tư")
    text = text.replace("total_points: 50.0", "total_points: [50]")
    assert yaml_problems(text) == [
        Problem(
            None,
            line_of(text, "total_points:"),
            "total_points",
            "Cần một số",
            "A number is expected",
        ),
        Problem(
            None,
            line_of(text, "max_age: hai"),
            "target_groups[hoc_sinh].max_age",
            "Cần một số nguyên (đang là “hai mươi tư”)",
            "A whole number is expected (found “hai mươi tư”)",
        ),
    ]


def test_an_unquoted_yes_read_as_true_is_explained():
    text = edited("  - name: 'no'", "  - name: no")
    assert yaml_problems(text) == [
        Problem(
            None,
            line_of(text, "  - name: no", whole=True),
            "choice_lists[yes_no].choices[#2].name",
            '“no” được YAML đọc thành đúng/sai; hãy đặt trong ngoặc kép: "no"',
            'YAML reads “no” as true/false; put it in quotes: "no"',
        )
    ]


def test_a_numeric_code_is_read_as_text():
    text = edited("- code: III\n", "- code: 3\n").replace("criterion: III\n", "criterion: 3\n")
    spec = read_yaml(io.BytesIO(text.encode()))
    assert spec.criteria[2].code == "3"


def test_anchors_and_aliases_are_refused():
    text = edited("  min_age: 15\n", "  min_age: &age 15\n").replace(
        "  min_age: 6\n", "  min_age: *age\n"
    )
    assert yaml_problems(text) == [
        Problem(
            None,
            line_of(text, "&age"),
            None,
            "Không dùng neo và bí danh YAML (&tên, *tên)",
            "YAML anchors and aliases (&name, *name) are not allowed",
        )
    ]


def test_a_repeated_key_is_refused():
    text = edited("version: 3\n", "version: 3\nversion: 4\n")
    assert yaml_problems(text) == [
        Problem(
            None,
            line_of(text, "version: 4"),
            "version",
            "Trường “version” bị lặp",
            "The field “version” repeats",
        )
    ]


@pytest.mark.parametrize(
    ("data", "vi", "en", "line"),
    [
        (b"", "Tệp YAML trống", "The YAML file is empty", None),
        (b"# only a comment\n", "Tệp YAML trống", "The YAML file is empty", None),
        (b"- a\n- b\n", "Cần một bảng tên–giá trị", "A mapping of names to values is expected", 1),
        (
            "code: CDHT\ntitle: Công dân\n".encode("cp1258"),
            "Tệp không phải là văn bản UTF-8 (có thể là tệp nhị phân hoặc mã hoá khác); "
            "hãy lưu lại dạng UTF-8",
            "The file is not UTF-8 text (it may be binary or another encoding); save it as UTF-8",
            2,
        ),
    ],
)
def test_files_that_are_no_criteria_set_are_refused(data, vi, en, line):
    assert yaml_problems(data) == [Problem(None, line, None, vi, en)]


def test_two_documents_are_refused():
    (problem,) = yaml_problems("code: A\n---\ncode: B\n")
    assert problem.row == 2
    assert "expected a single document" in problem.en


def test_python_objects_are_never_built():
    (problem,) = yaml_problems("code: !!python/object/apply:os.system ['echo hi']\n")
    assert problem.en.startswith("YAML syntax error: could not determine a constructor")


def test_a_file_over_ten_megabytes_is_refused():
    assert yaml_problems(b"#" * (10 * 1024 * 1024 + 1)) == [
        Problem(
            None, None, None, "Tệp quá lớn; tối đa 10 MB", "The file is too large; at most 10 MB"
        )
    ]


# Semantic problems, located by line and path ------------------------------------------------


def test_a_rule_parameter_problem_points_at_its_line():
    text = edited("      - min: 3\n", "      - min: 2\n")
    assert yaml_problems(text) == [
        Problem(
            None,
            line_of(text, "      - min: 2"),
            "indicators[CD03].rules[1].params.bands[3].min",
            "Khoảng chồng lên khoảng trước (đến 2)",
            "Band overlaps the previous one (up to 2)",
        )
    ]


def test_semantic_problems_come_in_line_order():
    text = edited(
        "  max_points: 10.0\n  rules:\n  - type: bands",
        "  max_points: 5\n  rules:\n  - type: bands",
    )
    text = text.replace(
        "relevant: ${has_certificate} = 'yes'", "relevant: ${digital_skills} = 'yes'"
    )
    problems = yaml_problems(text)
    assert [(p.row, p.column, p.en) for p in problems] == [
        (
            line_of(text, "    min_indicator: 8.0"),
            "recognition.levels[tieu_bieu].min_indicator",
            "The minimum per indicator 8 is above the maximum 5 of indicator “CD03”",
        ),
        (
            line_of(text, "    en: Tools") + 1,
            "criteria[II].max_points",
            "The indicators of criterion “II” add up to 15 points, not its maximum 20",
        ),
        (
            line_of(text, "  max_points: 5"),
            "indicators[CD03].max_points",
            "The rules can give up to 10 points, above the indicator's maximum 5",
        ),
        (
            line_of(text, "${digital_skills} = 'yes'"),
            "questions[certificate_name].relevant",
            "“${digital_skills}” comes later in the form; only earlier questions can be used",
        ),
    ]
    line = problems[1].row
    assert problems[1].location("en") == f"line {line}, at 'criteria[II].max_points'"
    assert problems[1].location("vi") == f"Dòng {line}, mục 'criteria[II].max_points'"


def test_a_duplicate_code_is_keyed_by_its_position():
    text = edited("- code: CD04\n", "- code: CD02\n")
    first = text.splitlines().index("- code: CD02") + 1
    second = len(text.splitlines()) - text.splitlines()[::-1].index("- code: CD02")
    assert yaml_problems(text)[0] == Problem(
        None,
        second,
        "indicators[#4].code",
        f"Mã chỉ số “CD02” bị trùng (dòng {first})",
        f"Duplicate indicator code “CD02” (line {first})",
    )


def test_the_criteria_facts_are_checked_where_they_are_written():
    text = edited("  same_as:\n  - cu_dan\n", "  same_as:\n  - cu dan\n  - hoc_sinh\n")
    text = text.replace("digital_indicator: CD05", "digital_indicator: CD5", 1)
    text = text.replace("digital_min_points: 7.5", "digital_min_points: yes", 1)
    line = line_of(text, "  - cu dan", whole=True)
    assert yaml_problems(text) == [
        Problem(
            None,
            line_of(text, "digital_min_points: yes"),
            "digital_min_points",
            "Cần một số (đang là “yes”)",
            "A number is expected (found “yes”)",
        ),
    ]
    text = text.replace("digital_min_points: yes", "digital_min_points: 7.5", 1)
    assert yaml_problems(text) == [
        Problem(
            None,
            line,
            "target_groups[nong_dan].same_as",
            "Mã nhóm “cu dan” trong same_as không được trống, chứa dấu cách hay các ký tự "
            "[ ] ' \" #",
            "The group code “cu dan” in same_as must not be empty or contain spaces or [ ] ' \" #",
        ),
        Problem(
            None,
            line,
            "target_groups[nong_dan].same_as",
            "“hoc_sinh” là nhóm của chính bộ tiêu chí này; same_as chỉ ghi nhóm của bộ "
            "tiêu chí khác",
            "“hoc_sinh” is a group of this same set; same_as lists groups of other sets only",
        ),
        Problem(
            None,
            line_of(text, "digital_indicator: CD5"),
            "digital_indicator",
            "Chỉ số kỹ năng số “CD5” không có trong bộ tiêu chí",
            "The digital-skills indicator “CD5” is not an indicator of the set",
        ),
    ]
