"""A tiny HTML tree for tests: find elements, read their text, and submit a form as it stands."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
VOID |= {"track", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)
    parent: Node | None = None

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def text(self) -> str:
        parts = []
        for child in self.children:
            parts.append(child.text() if isinstance(child, Node) else child)
        return " ".join("".join(parts).split())

    def iter(self) -> Iterator[Node]:
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()

    def find_all(self, predicate: Callable[[Node], bool]) -> list[Node]:
        return [n for n in self.iter() if predicate(n)]

    def find(self, predicate: Callable[[Node], bool]) -> Node:
        found = self.find_all(predicate)
        assert len(found) == 1, f"{len(found)} matches"
        return found[0]

    def select(self, tag: str, **attrs: str) -> list[Node]:
        """Elements of ``tag`` whose attributes equal ``attrs`` (class_ checks one class)."""
        wanted_class = attrs.pop("class_", None)
        return self.find_all(
            lambda n: (
                n.tag == tag
                and all(n.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())
                and (wanted_class is None or wanted_class in n.classes)
            )
        )

    def in_template(self) -> bool:
        """Whether the element sits in a <template> (not part of the page's form)."""
        node = self.parent
        while node is not None and node.tag != "template":
            node = node.parent
        return node is not None

    def ancestor(self, predicate: Callable[[Node], bool]) -> Node:
        node = self.parent
        while node is not None and not predicate(node):
            node = node.parent
        assert node is not None
        return node


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs}, parent=self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, {k: v or "" for k, v in attrs}, parent=self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html: str | bytes) -> Node:
    builder = _Builder()
    builder.feed(html.decode() if isinstance(html, bytes) else html)
    return builder.root


def page(response) -> Node:
    return parse(response.content)


def form_data(form: Node, **press: str) -> dict[str, list[str]]:
    """Return what a browser sends for ``form`` as it is displayed (plus ``press``)."""
    data: dict[str, list[str]] = {}
    for node in form.iter():
        name = node.attrs.get("name")
        if not name or node.in_template():
            continue
        if node.tag == "input":
            kind = node.attrs.get("type", "text")
            if kind in {"submit", "button"}:
                continue
            if kind in {"checkbox", "radio"} and "checked" not in node.attrs:
                continue
            value = node.attrs.get("value", "on" if kind in {"checkbox", "radio"} else "")
            data.setdefault(name, []).append(value)
        elif node.tag == "select":
            options = node.select("option")
            chosen = [o for o in options if "selected" in o.attrs] or options[:1]
            for option in chosen:
                data.setdefault(name, []).append(option.attrs.get("value", option.text()))
        elif node.tag == "textarea":
            data.setdefault(name, []).append(node.text())
    for name, value in press.items():
        data[name] = [value]
    return data
