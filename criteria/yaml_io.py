"""Criteria sets as YAML: the ``CriteriaSpec.to_dict()`` layout, read safely.

Reading uses PyYAML's safe loader only (no Python objects), refuses anchors and
aliases (they can make a small file expand enormously), duplicate keys and
unknown fields, and reports each problem with its line number and its path in
the ``criteria.validation`` path syntax. When the shape is right, the same
``validate_spec`` as for workbooks runs, with YAML lines as locations.
"""

from __future__ import annotations

import io
import math
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO, TextIO

import yaml

from criteria.spec import CriteriaSpec
from criteria.validation import (
    CriteriaImportError,
    Location,
    Problem,
    make_keys,
    resolve_key,
    split_path,
    validate_spec,
)

MAX_FILE_BYTES = 10 * 1024 * 1024

# Field kinds: "str", "number", "int", "bool", "date", "label", "params", the name of a
# nested mapping, or a one-item list [kind] for a list of that kind.
Schema = dict[str, tuple[Any, bool]]  # field -> (kind, required)
SCHEMAS: dict[str, Schema] = {
    "set": {
        "code": ("str", True),
        "version": ("int", True),
        "subject": ("str", False),
        "status": ("str", False),
        "title": ("label", True),
        "legal_basis": ("str", False),
        "valid_from": ("date", False),
        "valid_to": ("date", False),
        "description": ("label", False),
        "local_choices": (["str"], False),
        "digital_indicator": ("str", False),
        "digital_min_points": ("number", False),
        "total_points": ("number", True),
        "recognition": ("recognition", True),
        "target_groups": (["target_group"], False),
        "criteria": (["criterion"], False),
        "indicators": (["indicator"], False),
        "questions": (["question"], False),
        "choice_lists": (["choice_list"], False),
    },
    "recognition": {
        "min_total": ("number", True),
        "min_indicator": ("number", False),
        "min_criterion_share": ("number", False),
        "label": ("label", False),
        "levels": (["level"], False),
    },
    "level": {
        "code": ("str", True),
        "label": ("label", True),
        "min_total": ("number", True),
        "min_indicator": ("number", False),
        "local": ("bool", False),
    },
    "target_group": {
        "code": ("str", True),
        "label": ("label", True),
        "min_age": ("int", False),
        "max_age": ("int", False),
        "cadre": ("bool", False),
        "same_as": (["str"], False),
    },
    "criterion": {"code": ("str", True), "label": ("label", True), "max_points": ("number", True)},
    "indicator": {
        "code": ("str", True),
        "criterion": ("str", True),
        "label": ("label", True),
        "max_points": ("number", True),
        "rules": (["rule"], False),
        "target_groups": (["str"], False),
        "when_not_applicable": ("str", False),
    },
    "rule": {"type": ("str", True), "question": ("str", False), "params": ("params", False)},
    "question": {
        "code": ("str", True),
        "level": ("str", False),
        "type": ("str", True),
        "label": ("label", True),
        "choice_list": ("str", False),
        "hint": ("label", False),
        "required": ("bool", False),
        "relevant": ("str", False),
        "constraint": ("str", False),
        "constraint_message": ("label", False),
        "reviewer_only": ("bool", False),
    },
    "choice_list": {"name": ("str", True), "choices": (["choice"], True)},
    "choice": {"name": ("str", True), "label": ("label", True)},
}
# Lists whose items are named, and the field that names them (for path keys).
NAMED = {
    "target_groups": "code",
    "criteria": "code",
    "indicators": "code",
    "questions": "code",
    "levels": "code",
    "choice_lists": "name",
    "choices": "name",
}
KIND_WORDS = {
    "str": ("một đoạn chữ", "text"),
    "number": ("một số", "a number"),
    "int": ("một số nguyên", "a whole number"),
    "bool": ("true hoặc false", "true or false"),
    "date": ("một ngày dạng YYYY-MM-DD", "a date as YYYY-MM-DD"),
    "label": ("một nhãn (chữ, hoặc vi/en)", "a label (text, or vi/en)"),
    "params": ("một bảng tên–giá trị", "a mapping of names to values"),
    "list": ("một danh sách", "a list"),
    "mapping": ("một bảng tên–giá trị", "a mapping of names to values"),
}


def _problem(line: int | None, path: str | None, vi: str, en: str) -> Problem:
    return Problem(None, line, path, vi, en)


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _read_text(source: str | Path | BinaryIO | TextIO) -> str:
    if isinstance(source, (str, Path)):
        path = Path(source)
        if path.stat().st_size > MAX_FILE_BYTES:
            raise _too_large()
        data: bytes | str = path.read_bytes()
    else:
        data = source.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise _too_large()
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CriteriaImportError(
            [
                _problem(
                    line,
                    None,
                    "Tệp không phải là văn bản UTF-8 (có thể là tệp nhị phân hoặc mã hoá khác); "
                    "hãy lưu lại dạng UTF-8",
                    "The file is not UTF-8 text (it may be binary or another encoding); save it "
                    "as UTF-8",
                )
            ]
        ) from exc


def _too_large() -> CriteriaImportError:
    return CriteriaImportError(
        [_problem(None, None, "Tệp quá lớn; tối đa 10 MB", "The file is too large; at most 10 MB")]
    )


# libyaml's safe loader when PyYAML has it (its wheels do): the same nodes, marks and
# safe constructors, parsed about ten times faster than the pure Python one.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _compose(text: str) -> tuple[yaml.Node, Any]:
    """Parse YAML safely into its node tree (for lines) and its plain data."""
    loader = _SAFE_LOADER(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise CriteriaImportError(
                [_problem(None, None, "Tệp YAML trống", "The YAML file is empty")]
            )
        _refuse_aliases(node)
        return node, loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        detail = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        raise CriteriaImportError(
            [
                _problem(
                    mark.line + 1 if mark else None,
                    None,
                    f"Lỗi cú pháp YAML: {detail}",
                    f"YAML syntax error: {detail}",
                )
            ]
        ) from exc
    except yaml.YAMLError as exc:
        raise CriteriaImportError(
            [_problem(None, None, f"Lỗi YAML: {exc}", f"YAML error: {exc}")]
        ) from exc
    except RecursionError as exc:
        raise CriteriaImportError(
            [_problem(None, None, "Tệp YAML lồng quá sâu", "The YAML file is nested too deeply")]
        ) from exc
    finally:
        loader.dispose()


def _refuse_aliases(root: yaml.Node) -> None:
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise CriteriaImportError(
                [
                    _problem(
                        _line(node),
                        None,
                        "Không dùng neo và bí danh YAML (&tên, *tên)",
                        "YAML anchors and aliases (&name, *name) are not allowed",
                    )
                ]
            )
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack += [key, value]
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value


class _Checker:
    """Check the shape of the plain data against SCHEMAS, walking the nodes for lines."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, node: yaml.Node, path: str, vi: str, en: str) -> None:
        self.problems.append(_problem(_line(node), path or None, vi, en))

    def mapping(self, node: yaml.Node, data: Any, schema: Schema, path: str) -> None:
        if not isinstance(node, yaml.MappingNode) or not isinstance(data, dict):
            self.wrong_kind(node, path, "mapping")
            return
        keys: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            where = f"{path}.{key}" if path else key
            if key in keys:
                self.add(key_node, where, f"Trường “{key}” bị lặp", f"The field “{key}” repeats")
                continue
            keys[key] = value_node
            if key not in schema:
                self.add(
                    key_node,
                    where,
                    f"Trường “{key}” không có trong định dạng; dùng: {', '.join(schema)}",
                    f"Unknown field “{key}”; the fields are: {', '.join(schema)}",
                )
        for key, (kind, required) in schema.items():
            where = f"{path}.{key}" if path else key
            if key not in keys or data.get(key) is None:
                if required:
                    self.add(
                        keys.get(key, node),
                        where,
                        f"Thiếu trường “{key}”",
                        f"The field “{key}” is missing",
                    )
                continue
            self.value(keys[key], data, key, kind, where)

    def value(self, node: yaml.Node, parent: dict | list, key: Any, kind: Any, path: str) -> None:
        data = parent[key]
        if isinstance(kind, list):
            if not isinstance(node, yaml.SequenceNode) or not isinstance(data, list):
                self.wrong_kind(node, path, "list")
                return
            item_kind = kind[0]
            name_field = NAMED.get(path.rsplit(".", 1)[-1].split("[")[0])
            codes = [
                str(item.get(name_field) or "") if isinstance(item, dict) and name_field else ""
                for item in data
            ]
            keys = make_keys(codes) if name_field else [str(i) for i in range(1, len(data) + 1)]
            for index, (item_node, item_key) in enumerate(zip(node.value, keys, strict=True)):
                self.value(item_node, data, index, item_kind, f"{path}[{item_key}]")
        elif kind in SCHEMAS:
            self.mapping(node, data, SCHEMAS[kind], path)
        elif kind == "label":
            self.label(node, data, path)
        elif kind == "params":
            if not isinstance(data, dict):
                self.wrong_kind(node, path, "params")
        else:
            self.scalar(node, parent, key, kind, path)

    def label(self, node: yaml.Node, data: Any, path: str) -> None:
        if isinstance(data, str):
            return
        if not isinstance(data, dict):
            self.wrong_kind(node, path, "label")
            return
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key not in ("vi", "en"):
                self.add(
                    key_node,
                    f"{path}.{key}",
                    f"Nhãn chỉ có “vi” và “en”, không có “{key}”",
                    f"A label has only “vi” and “en”, not “{key}”",
                )
            elif data[key] is not None and not isinstance(data[key], str):
                self.wrong_kind(value_node, f"{path}.{key}", "str")

    def scalar(self, node: yaml.Node, parent: Any, key: Any, kind: str, path: str) -> None:
        data = parent[key]
        raw = node.value if isinstance(node, yaml.ScalarNode) else None
        if kind == "str":
            if isinstance(data, bool):
                self.add(
                    node,
                    path,
                    f'“{raw}” được YAML đọc thành đúng/sai; hãy đặt trong ngoặc kép: "{raw}"',
                    f'YAML reads “{raw}” as true/false; put it in quotes: "{raw}"',
                )
            elif isinstance(data, (int, float, date)):
                parent[key] = raw  # a numeric code such as 2023 is still a code
            elif not isinstance(data, str):
                self.wrong_kind(node, path, kind)
        elif kind in ("number", "int"):
            number = _as_number(data)
            if number is None or (kind == "int" and not float(number).is_integer()):
                self.wrong_kind(node, path, kind)
            else:
                parent[key] = int(number) if kind == "int" else number
        elif kind == "bool":
            if not isinstance(data, bool):
                self.wrong_kind(node, path, kind)
        elif kind == "date" and not isinstance(data, date):
            try:
                date.fromisoformat(str(data))
            except ValueError:
                self.wrong_kind(node, path, kind)

    def wrong_kind(self, node: yaml.Node, path: str, kind: str) -> None:
        vi, en = KIND_WORDS[kind]
        shown = node.value if isinstance(node, yaml.ScalarNode) else None
        vi_got = f" (đang là “{shown}”)" if shown is not None else ""
        en_got = f" (found “{shown}”)" if shown is not None else ""
        self.add(node, path, f"Cần {vi}{vi_got}", f"{en[0].upper()}{en[1:]} is expected{en_got}")


def _as_number(value: Any) -> int | float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            number = float(value.replace(",", "."))
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return None


def _locator(root: yaml.Node) -> Any:
    """Return a ``locate`` that maps a logical path to (None, line, path) in this YAML file."""

    def child(node: yaml.Node, name: str) -> yaml.Node | None:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if str(key_node.value) == name:
                    return value_node
        return None

    def item(node: yaml.Node, name: str, key: str, in_params: bool) -> yaml.Node | None:
        if not isinstance(node, yaml.SequenceNode):
            return None
        name_field = None if in_params else NAMED.get(name)
        if name_field and not key.startswith("#"):
            codes = []
            for entry in node.value:
                value = child(entry, name_field)
                codes.append(str(value.value) if isinstance(value, yaml.ScalarNode) else "")
            index = resolve_key(key, codes)
        else:
            try:
                index = int(key.lstrip("#")) - 1
            except ValueError:
                return None
        return node.value[index] if index is not None and 0 <= index < len(node.value) else None

    def locate(path: str) -> Location:
        node = root
        in_params = False
        for name, key in split_path(path):
            found = child(node, name) if name else node
            if found is not None and key is not None:
                found = item(found, name, key, in_params)
            if found is None:
                break
            node = found
            in_params = in_params or name == "params"
        return None, _line(node), path

    return locate


def _line_order(problem: Problem) -> int:
    return problem.row or 0


def read_yaml(source: str | Path | BinaryIO | TextIO, *, filename: str = "") -> CriteriaSpec:
    """Read a criteria set from YAML; raise CriteriaImportError listing every problem found."""
    root, data = _compose(_read_text(source))
    checker = _Checker()
    if not isinstance(data, dict):
        checker.wrong_kind(root, "", "mapping")
    else:
        checker.mapping(root, data, SCHEMAS["set"], "")
    if checker.problems:
        raise CriteriaImportError(sorted(checker.problems, key=_line_order))
    spec = CriteriaSpec.from_dict(data)
    problems = validate_spec(spec, locate=_locator(root))
    if problems:
        raise CriteriaImportError(sorted(problems, key=_line_order))
    return spec


def dump_yaml(spec: CriteriaSpec) -> str:
    """Return the YAML text of a set (the ``to_dict`` layout, field order kept)."""
    heading = f"# {spec.title.vi} — {spec.code} v{spec.version}\n"
    body = yaml.safe_dump(
        spec.to_dict(), allow_unicode=True, sort_keys=False, default_flow_style=False, width=100
    )
    return heading + body


def write_yaml(spec: CriteriaSpec, target: str | Path | BinaryIO | TextIO) -> None:
    """Write ``spec`` as UTF-8 YAML that reads back to an equal spec."""
    text = dump_yaml(spec)
    if isinstance(target, (str, Path)):
        Path(target).write_text(text, encoding="utf-8")
    elif isinstance(target, io.TextIOBase):
        target.write(text)
    else:
        target.write(text.encode("utf-8"))
