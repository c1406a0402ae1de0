"""Relevance conditions and member tests compiled into Python closures.

The closures have exactly the semantics of ``criteria.expressions.holds`` (tests compare
them); they only skip interpreting the parsed expression for every member.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any

from criteria.expressions import CALLS as _CALLS
from criteria.expressions import (  # the interpreter's own helpers: identical semantics
    _arith,
    _compare,
    _number,
    _selected_values,
    _string,
    _truthy,
    parse,
)

_ORDER = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}

Fn = Callable[[Mapping[str, Any], Any], Any]


_BOOLEAN_CALLS = frozenset({"not", "selected", "true", "false"})


def _is_boolean(node: tuple) -> bool:
    """Whether the node always evaluates to True or False (so needs no ``boolean()``)."""
    return node[0] in ("and", "or", "cmp") or (node[0] == "call" and node[1] in _BOOLEAN_CALLS)


def _boolean(node: tuple) -> Fn:
    """The node's truth value (XPath ``boolean()``) as a closure."""
    function = _node(node)
    if _is_boolean(node):
        return function
    return lambda v, c: _truthy(function(v, c))


def _node(node: tuple) -> Fn:
    """Turn a parsed expression node into a closure with the interpreter's exact semantics."""
    kind = node[0]
    if kind == "const":
        constant = node[1]
        return lambda values, current: constant
    if kind == "ref":
        name = node[1]
        return lambda values, current: values.get(name)
    if kind == "current":
        return lambda values, current: current
    if kind == "and":
        left, right = _boolean(node[1]), _boolean(node[2])
        return lambda v, c: left(v, c) and right(v, c)
    if kind == "or":
        left, right = _boolean(node[1]), _boolean(node[2])
        return lambda v, c: left(v, c) or right(v, c)
    if kind == "cmp":
        op, left_node, right_node = node[1], node[2], node[3]
        if right_node[0] == "const":
            return _compare_with_constant(op, left_node, right_node[1])
        left, right = _node(left_node), _node(right_node)
        return lambda v, c: _compare(op, left(v, c), right(v, c))
    if kind == "arith":
        op, left, right = node[1], _node(node[2]), _node(node[3])
        return lambda v, c: _arith(op, left(v, c), right(v, c))
    if kind == "call":
        function = _CALLS[node[1]]
        args = tuple(_node(a) for a in node[2])
        if node[1] == "selected" and node[2][1][0] == "const":
            # selected(${q}, 'choice'): the commonest call, without the generic dispatch.
            subject, choice = args[0], str(node[2][1][1])
            return lambda v, c: choice in _selected_values(subject(v, c))
        if not args:
            return lambda v, c: function()
        if len(args) == 1:
            only = args[0]
            return lambda v, c: function(only(v, c))
        return lambda v, c: function(*(a(v, c) for a in args))
    raise ValueError(f"unknown expression node {kind!r}")  # pragma: no cover


def _compare_with_constant(op: str, left_node: tuple, constant: Any) -> Fn:
    """``<expr> op 'constant'``, specialised; same results as ``criteria.expressions._compare``.

    A ``${name}`` on the left is read directly rather than through a closure.
    """
    name = left_node[1] if left_node[0] == "ref" else None
    left = _node(left_node)
    right_number = _number(constant)
    if op in _ORDER:
        if right_number is None:
            return lambda v, c: False
        order = _ORDER[op]
        if name is not None:

            def ordered_name(v, c):
                value = v.get(name)
                # Numbers (ages) skip _number's checks; float() is what it would return.
                if value.__class__ is int or value.__class__ is float:
                    return order(float(value), right_number)
                number = _number(value)
                return number is not None and order(number, right_number)

            return ordered_name

        def ordered(v, c):
            number = _number(left(v, c))
            return number is not None and order(number, right_number)

        return ordered
    right_text = str(constant)
    negate = op == "!="
    if right_number is None:
        if name is not None:

            def equal_text_name(v, c):
                value = v.get(name)
                text = value if value.__class__ is str else _string(value)
                return (text == right_text) is not negate

            return equal_text_name

        def equal_text(v, c):
            value = left(v, c)
            text = value if value.__class__ is str else _string(value)
            return (text == right_text) is not negate

        return equal_text

    def equal_number(v, c):
        value = left(v, c)
        if value is None:
            value = ""
        number = _number(value)
        same = number == right_number if number is not None else _string(value) == right_text
        return same is not negate

    return equal_number


def _always(values: Mapping[str, Any]) -> bool:
    return True


def compile_condition(text: str) -> Callable[[Mapping[str, Any]], bool]:
    """Return ``values -> bool`` equal to ``criteria.expressions.holds(text, values)``."""
    if not text or not text.strip():
        return _always
    function = _boolean(parse(text).tree)
    return lambda values: function(values, None)
