"""A safe subset of XLSForm expressions for ``relevant`` and ``constraint``.

Criteria workbooks are written by provincial staff and must also load in ODK
Collect, so conditions use XLSForm syntax, e.g.::

    ${target_group} = 'farmer' and ${age} >= 15
    selected(${devices}, 'smartphone')
    . >= 0 and . <= 365

Supported: numbers, 'strings', ``${name}``, ``.`` (the answer being checked),
``+ - * div mod``, ``= != < <= > >=``, ``and``, ``or``, and the functions
``not``, ``selected``, ``count-selected``, ``string-length``, ``true`` and
``false``. Expressions are parsed into a tree and interpreted; nothing is
ever passed to ``eval``.

An unanswered question has the value ``None``: it equals ``''``, every order
comparison with it is false and arithmetic with it gives ``None``, as in
XPath, where an empty node set compares false.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

TOKEN = re.compile(
    r"""\s*(?:
      (?P<number>\d+(?:\.\d+)?)
    | (?P<string>'[^']*'|"[^"]*")
    | (?P<ref>\$\{(?P<refname>[A-Za-z_][A-Za-z0-9_.-]*)\})
    | (?P<op>!=|<=|>=|=|<|>|\+|-|\*|\(|\)|,)
    | (?P<word>[A-Za-z_][A-Za-z0-9_-]*)
    | (?P<dot>\.)
    )""",
    re.VERBOSE,
)


class ExpressionError(ValueError):
    """The expression cannot be read; ``position`` is the 1-based character where it failed.

    Pure code has no active language, so both wordings travel with the error.
    """

    def __init__(self, vi: str, en: str, position: int):
        super().__init__(f"{vi} (ký tự {position})")
        self.vi = vi
        self.en = en
        self.position = position

    def message(self, language: str = "vi") -> str:
        if language.startswith("en"):
            return f"{self.en} (character {self.position})"
        return f"{self.vi} (ký tự {self.position})"


@dataclass(frozen=True)
class Token:
    kind: str
    value: str
    position: int


def _tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    index = 0
    while index < len(text):
        if text[index:].strip() == "":
            break
        match = TOKEN.match(text, index)
        if not match or match.end() == index:
            stripped = len(text[index:]) - len(text[index:].lstrip())
            raise ExpressionError(
                f"không hiểu ký tự “{text[index + stripped]}”",
                f"unexpected character “{text[index + stripped]}”",
                index + stripped + 1,
            )
        kind = match.lastgroup if match.lastgroup != "refname" else "ref"
        if match.group("ref"):
            kind, value = "ref", match.group("refname")
        else:
            value = match.group(kind)
        start = match.start(kind if kind != "ref" else "ref") + 1
        tokens.append(Token(kind, value, start))
        index = match.end()
    tokens.append(Token("end", "", len(text) + 1))
    return tokens


Node = tuple  # (kind, ...) tuples: small, hashable, easy to walk

COMPARISONS = {"=", "!=", "<", "<=", ">", ">="}
FUNCTIONS = {
    "not": 1,
    "selected": 2,
    "count-selected": 1,
    "string-length": 1,
    "true": 0,
    "false": 0,
}


class _Parser:
    def __init__(self, text: str):
        self.tokens = _tokenize(text)
        self.index = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def take(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def expect(self, value: str) -> None:
        if self.current.value != value or self.current.kind == "string":
            raise ExpressionError(f"cần “{value}”", f"“{value}” expected", self.current.position)
        self.take()

    def parse(self) -> Node:
        if self.current.kind == "end":
            raise ExpressionError("biểu thức trống", "empty expression", 1)
        node = self.parse_or()
        if self.current.kind != "end":
            raise ExpressionError(
                f"thừa “{self.current.value}”",
                f"extra “{self.current.value}”",
                self.current.position,
            )
        return node

    def parse_or(self) -> Node:
        node = self.parse_and()
        while self.current.kind == "word" and self.current.value == "or":
            self.take()
            node = ("or", node, self.parse_and())
        return node

    def parse_and(self) -> Node:
        node = self.parse_comparison()
        while self.current.kind == "word" and self.current.value == "and":
            self.take()
            node = ("and", node, self.parse_comparison())
        return node

    def parse_comparison(self) -> Node:
        node = self.parse_sum()
        if self.current.kind == "op" and self.current.value in COMPARISONS:
            op = self.take().value
            node = ("cmp", op, node, self.parse_sum())
        return node

    def parse_sum(self) -> Node:
        node = self.parse_product()
        while self.current.kind == "op" and self.current.value in {"+", "-"}:
            op = self.take().value
            node = ("arith", op, node, self.parse_product())
        return node

    def parse_product(self) -> Node:
        node = self.parse_unary()
        while (self.current.kind == "op" and self.current.value == "*") or (
            self.current.kind == "word" and self.current.value in {"div", "mod"}
        ):
            op = self.take().value
            node = ("arith", op, node, self.parse_unary())
        return node

    def parse_unary(self) -> Node:
        if self.current.kind == "op" and self.current.value == "-":
            self.take()
            return ("arith", "-", ("const", 0), self.parse_unary())
        return self.parse_primary()

    def parse_primary(self) -> Node:
        token = self.take()
        if token.kind == "number":
            return ("const", float(token.value) if "." in token.value else int(token.value))
        if token.kind == "string":
            return ("const", token.value[1:-1])
        if token.kind == "ref":
            return ("ref", token.value)
        if token.kind == "dot":
            return ("current",)
        if token.kind == "op" and token.value == "(":
            node = self.parse_or()
            self.expect(")")
            return node
        if token.kind == "word":
            if token.value not in FUNCTIONS:
                raise ExpressionError(
                    f"hàm “{token.value}” không được hỗ trợ",
                    f"function “{token.value}” is not supported",
                    token.position,
                )
            self.expect("(")
            args: list[Node] = []
            if not (self.current.kind == "op" and self.current.value == ")"):
                args.append(self.parse_or())
                while self.current.kind == "op" and self.current.value == ",":
                    self.take()
                    args.append(self.parse_or())
            self.expect(")")
            if len(args) != FUNCTIONS[token.value]:
                raise ExpressionError(
                    f"hàm “{token.value}” cần {FUNCTIONS[token.value]} đối số",
                    f"function “{token.value}” takes {FUNCTIONS[token.value]} argument(s)",
                    token.position,
                )
            return ("call", token.value, tuple(args))
        if token.kind == "end":
            raise ExpressionError(
                "biểu thức kết thúc giữa chừng", "expression ends too early", token.position
            )
        raise ExpressionError(
            f"không mong đợi “{token.value}”", f"unexpected “{token.value}”", token.position
        )


# XPath's number(): optional minus, digits with an optional fraction, spaces around; no
# exponent, hexadecimal, underscores or "inf" (float() would take those, JavaScript's
# Number() some of them: both readers use this pattern).
NUMBER = re.compile(r"\s*-?(?:\d+(?:\.\d*)?|\.\d+)\s*")


def _string(value: Any) -> str:
    """XPath's string(): a multiple choice is its codes joined by spaces, 1.0 is "1"."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return " ".join(_string(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _selected_values(value: Any) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [_string(v) for v in value]
    return _string(value).split()


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, (list, tuple, set)):
        return None
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        return None if value != value else float(value)  # NaN is no number
    text = str(value)
    return float(text) if NUMBER.fullmatch(text) else None


def _compare(op: str, left: Any, right: Any) -> bool:
    if op in {"=", "!="}:
        ln, rn = _number(left), _number(right)
        equal = ln == rn if ln is not None and rn is not None else _string(left) == _string(right)
        return equal if op == "=" else not equal
    ln, rn = _number(left), _number(right)
    if ln is None or rn is None:
        return False
    return {"<": ln < rn, "<=": ln <= rn, ">": ln > rn, ">=": ln >= rn}[op]


def _arith(op: str, left: Any, right: Any) -> float | None:
    ln, rn = _number(left), _number(right)
    if ln is None or rn is None:
        return None
    if op == "+":
        return ln + rn
    if op == "-":
        return ln - rn
    if op == "*":
        return ln * rn
    if rn == 0:
        return None
    # XPath's mod keeps the sign of the dividend (-7 mod 3 = -1), as fmod does.
    return ln / rn if op == "div" else math.fmod(ln, rn)


def _truthy(value: Any) -> bool:
    if value is None or value == "" or value is False:
        return False
    number = _number(value)
    return number != 0 if number is not None else bool(value)


CALLS: dict[str, Callable[..., Any]] = {
    "not": lambda v: not _truthy(v),
    "selected": lambda v, choice: _string(choice) in _selected_values(v),
    "count-selected": lambda v: len(_selected_values(v)),
    "string-length": lambda v: len(_string(v)),
    "true": lambda: True,
    "false": lambda: False,
}


def _evaluate(node: Node, values: Mapping[str, Any], current: Any) -> Any:
    kind = node[0]
    if kind == "const":
        return node[1]
    if kind == "ref":
        return values.get(node[1])
    if kind == "current":
        return current
    if kind == "and":
        return _truthy(_evaluate(node[1], values, current)) and _truthy(
            _evaluate(node[2], values, current)
        )
    if kind == "or":
        return _truthy(_evaluate(node[1], values, current)) or _truthy(
            _evaluate(node[2], values, current)
        )
    if kind == "cmp":
        return _compare(
            node[1], _evaluate(node[2], values, current), _evaluate(node[3], values, current)
        )
    if kind == "arith":
        return _arith(
            node[1], _evaluate(node[2], values, current), _evaluate(node[3], values, current)
        )
    if kind == "call":
        return CALLS[node[1]](*(_evaluate(a, values, current) for a in node[2]))
    raise AssertionError(kind)  # pragma: no cover - the parser builds no other node


def _names(node: Node) -> set[str]:
    if node[0] == "ref":
        return {node[1]}
    found: set[str] = set()
    for part in node[1:]:
        if isinstance(part, tuple):
            if part and isinstance(part[0], str) and part[0] in _KINDS:
                found |= _names(part)
            else:
                for sub in part:
                    if isinstance(sub, tuple):
                        found |= _names(sub)
    return found


_KINDS = {"const", "ref", "current", "and", "or", "cmp", "arith", "call"}


def _uses_current(node: Node) -> bool:
    if node[0] == "current":
        return True
    return any(
        isinstance(part, tuple)
        and (
            _uses_current(part)
            if part and part[0] in _KINDS
            else any(isinstance(s, tuple) and _uses_current(s) for s in part)
        )
        for part in node[1:]
    )


@dataclass(frozen=True)
class Expression:
    source: str
    tree: Node

    @property
    def names(self) -> frozenset[str]:
        """The ``${name}`` references, in no order."""
        return frozenset(_names(self.tree))

    @property
    def uses_current(self) -> bool:
        return _uses_current(self.tree)

    def evaluate(self, values: Mapping[str, Any], current: Any = None) -> Any:
        return _evaluate(self.tree, values, current)

    def holds(self, values: Mapping[str, Any], current: Any = None) -> bool:
        """Return the expression's truth value (XPath ``boolean()``)."""
        return _truthy(self.evaluate(values, current))


@lru_cache(maxsize=4096)
def parse(text: str) -> Expression:
    """Parse an expression; raise ExpressionError naming the position of the problem."""
    return Expression(source=text, tree=_Parser(text).parse())


def holds(text: str, values: Mapping[str, Any], current: Any = None) -> bool:
    """Return whether ``text`` holds; an empty expression always holds (XLSForm's default)."""
    if not text or not text.strip():
        return True
    return parse(text).holds(values, current)
