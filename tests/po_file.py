"""A small reader of gettext .po files, enough for the translation checks (no polib)."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Entry:
    """One message: its context, Vietnamese msgid (and plural), translations and flags."""

    msgid: str = ""
    msgid_plural: str = ""
    msgctxt: str | None = None
    msgstrs: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)


def _unquote(text: str) -> str:
    # A .po string is a C string literal; Python's literal syntax reads the same escapes.
    return ast.literal_eval(text.strip())


def read_po(*, path: Path) -> list[Entry]:
    """Return the entries of ``path`` except the header and obsolete (#~) entries."""
    entries: list[Entry] = []
    entry = Entry()
    target: tuple[str, int | None] | None = None

    def finish() -> None:
        nonlocal entry, target
        if target is not None and entry.msgid:
            entries.append(entry)
        entry, target = Entry(), None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            if target is not None and target[0] == "msgstr":
                finish()
            continue
        if line.startswith("#"):
            if target is not None and target[0] == "msgstr":
                finish()
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            value = _unquote(line)
        elif keyword == "msgctxt":
            if target is not None and target[0] == "msgstr":
                finish()
            entry.msgctxt, target, value = "", ("msgctxt", None), _unquote(rest)
        elif keyword == "msgid":
            if target is not None and target[0] == "msgstr":
                finish()
            entry.line, target, value = number, ("msgid", None), _unquote(rest)
        elif keyword == "msgid_plural":
            target, value = ("msgid_plural", None), _unquote(rest)
        elif keyword.startswith("msgstr"):
            index = int(keyword[7:-1]) if keyword != "msgstr" else 0
            entry.msgstrs.append("")
            target, value = ("msgstr", index), _unquote(rest)
        else:
            raise ValueError(f"{path}:{number}: cannot read {raw!r}")
        name, index = target
        if name == "msgstr":
            entry.msgstrs[index] += value
        elif name == "msgctxt":
            entry.msgctxt += value
        else:
            setattr(entry, name, getattr(entry, name) + value)
    finish()
    return entries
