"""Checks of the set header, target groups, criteria and choice lists."""

from __future__ import annotations

from collections.abc import Sequence

from criteria.spec import STATUSES, SUBJECTS, CriteriaSpec
from criteria.validation.codes import XLSFORM_NAME, check_codes, check_label
from criteria.validation.paths import PLAIN_CODE
from criteria.validation.problems import TOLERANCE, Collector, finite, format_number


def check_header(spec: CriteriaSpec, out: Collector) -> None:
    if not spec.code:
        out.add("code", "Thiếu mã bộ tiêu chí", "The set code is missing")
    elif not XLSFORM_NAME.match(spec.code):
        out.add(
            "code",
            f"Mã bộ tiêu chí “{spec.code}” không hợp lệ: chỉ dùng chữ không dấu, số, “_”, “-”, "
            "“.”, bắt đầu bằng chữ",
            f"The set code “{spec.code}” is not valid: use only unaccented letters, digits, "
            "“_”, “-”, “.”, starting with a letter",
        )
    if not isinstance(spec.version, int) or spec.version < 1:
        out.add(
            "version",
            "Phiên bản phải là số nguyên từ 1 trở lên",
            "The version must be a whole number from 1 up",
        )
    if not spec.subject:
        out.add(
            "subject",
            f"Thiếu đối tượng của bộ tiêu chí ({', '.join(SUBJECTS)})",
            f"The subject of the set is missing ({', '.join(SUBJECTS)})",
        )
    elif spec.subject not in SUBJECTS:
        out.add(
            "subject",
            f"Đối tượng “{spec.subject}” không hợp lệ; dùng một trong: {', '.join(SUBJECTS)}",
            f"Unknown subject “{spec.subject}”; use one of: {', '.join(SUBJECTS)}",
        )
    if spec.status not in STATUSES:
        out.add(
            "status",
            f"Trạng thái “{spec.status}” không hợp lệ; dùng một trong: {', '.join(STATUSES)}",
            f"Unknown status “{spec.status}”; use one of: {', '.join(STATUSES)}",
        )
    if not spec.title.vi.strip():
        out.add(
            "title", "Thiếu tên bộ tiêu chí (tiếng Việt)", "The set title (Vietnamese) is missing"
        )
    if finite(spec.total_points) and spec.total_points <= 0:
        out.add("total_points", "Tổng điểm phải lớn hơn 0", "The total must be above 0")
    if spec.valid_from and spec.valid_to and spec.valid_to < spec.valid_from:
        out.add(
            "valid_to",
            f"Ngày hết hiệu lực {spec.valid_to:%d/%m/%Y} trước ngày bắt đầu "
            f"{spec.valid_from:%d/%m/%Y}",
            f"The end date {spec.valid_to.isoformat()} is before the start date "
            f"{spec.valid_from.isoformat()}",
        )


def check_target_groups(spec: CriteriaSpec, out: Collector) -> None:
    groups = spec.target_groups
    own = {g.code for g in groups}
    keys = check_codes(
        out=out, prefix="target_groups", kind="target_groups", codes=[g.code for g in groups]
    )
    for key, group in zip(keys, groups, strict=True):
        path = f"target_groups[{key}]"
        check_label(out=out, path=f"{path}.label", vi=group.label.vi)
        for field in ("min_age", "max_age"):
            age = getattr(group, field)
            if age is not None and age < 0:
                out.add(f"{path}.{field}", "Tuổi không được âm", "An age cannot be negative")
        low, high = group.min_age, group.max_age
        if low is not None and high is not None and low >= 0 and low > high:
            out.add(
                f"{path}.max_age",
                f"Tuổi tối đa {high} nhỏ hơn tuổi tối thiểu {low}",
                f"The maximum age {high} is below the minimum age {low}",
            )
        _check_same_as(out=out, path=f"{path}.same_as", same_as=group.same_as, own=own)


def _check_same_as(*, out: Collector, path: str, same_as: Sequence[str], own: set[str]) -> None:
    """Each code names a group of another set: well formed, given once, not one of ours."""
    seen: set[str] = set()
    for code in same_as:
        if not code or not PLAIN_CODE.match(code):
            out.add(
                path,
                f"Mã nhóm “{code}” trong same_as không được trống, chứa dấu cách hay các ký tự "
                "[ ] ' \" #",
                f"The group code “{code}” in same_as must not be empty or contain spaces or "
                "[ ] ' \" #",
            )
        elif code in own:
            out.add(
                path,
                f"“{code}” là nhóm của chính bộ tiêu chí này; same_as chỉ ghi nhóm của bộ "
                "tiêu chí khác",
                f"“{code}” is a group of this same set; same_as lists groups of other sets only",
            )
        elif code in seen:
            out.add(
                path,
                f"Mã nhóm “{code}” được ghi hai lần trong same_as",
                f"The group code “{code}” is given twice in same_as",
            )
        seen.add(code)


def check_digital(spec: CriteriaSpec, out: Collector) -> None:
    """The digital-skills indicator and its threshold come together, within its points."""
    code, points = spec.digital_indicator, spec.digital_min_points
    if code is None and points is None:
        return
    if code is None:
        out.add(
            "digital_indicator",
            "Đã có digital_min_points nhưng thiếu digital_indicator (mã chỉ số kỹ năng số)",
            "digital_min_points is given but digital_indicator (the digital-skills indicator "
            "code) is missing",
        )
        return
    indicator = next((i for i in spec.indicators if i.code == code), None)
    if indicator is None:
        out.add(
            "digital_indicator",
            f"Chỉ số kỹ năng số “{code}” không có trong bộ tiêu chí",
            f"The digital-skills indicator “{code}” is not an indicator of the set",
        )
    if points is None:
        out.add(
            "digital_min_points",
            "Đã có digital_indicator nhưng thiếu digital_min_points (điểm kỹ năng số tối thiểu)",
            "digital_indicator is given but digital_min_points (the points that count as "
            "digital skills) is missing",
        )
        return
    if indicator is None or not finite(points) or not finite(indicator.max_points):
        return
    if not 0 <= points <= indicator.max_points + TOLERANCE:
        high_vi = format_number(value=indicator.max_points, language="vi")
        high_en = format_number(value=indicator.max_points, language="en")
        out.add(
            "digital_min_points",
            f"Điểm kỹ năng số tối thiểu {format_number(value=points, language='vi')} phải từ 0 "
            f"đến {high_vi} (điểm tối đa của chỉ số “{code}”)",
            f"The digital-skills minimum {format_number(value=points, language='en')} must be "
            f"between 0 and {high_en} (the maximum of indicator “{code}”)",
        )


def check_criteria(spec: CriteriaSpec, out: Collector) -> None:
    keys = check_codes(
        out=out, prefix="criteria", kind="criteria", codes=[c.code for c in spec.criteria]
    )
    for key, criterion in zip(keys, spec.criteria, strict=True):
        check_label(out=out, path=f"criteria[{key}].label", vi=criterion.label.vi)
        check_points(out=out, path=f"criteria[{key}].max_points", value=criterion.max_points)


def check_points(*, out: Collector, path: str, value: float) -> None:
    if finite(value) and value < 0:
        out.add(path, "Điểm tối đa không được âm", "A maximum cannot be negative")


def check_choice_lists(spec: CriteriaSpec, out: Collector) -> None:
    lists = spec.choice_lists
    keys = check_codes(
        out=out,
        prefix="choice_lists",
        kind="choice_lists",
        codes=[cl.name for cl in lists],
        field="name",
        pattern=XLSFORM_NAME,
    )
    for key, choice_list in zip(keys, lists, strict=True):
        path = f"choice_lists[{key}]"
        if not choice_list.choices:
            out.add(
                f"{path}.choices",
                f"Danh sách lựa chọn “{choice_list.name}” không có lựa chọn nào",
                f"Choice list “{choice_list.name}” has no choices",
            )
        choice_keys = check_codes(
            out=out,
            prefix=f"{path}.choices",
            kind="choices",
            codes=[c.name for c in choice_list.choices],
            field="name",
        )
        for choice_key, choice in zip(choice_keys, choice_list.choices, strict=True):
            check_label(out=out, path=f"{path}.choices[{choice_key}].label", vi=choice.label.vi)
