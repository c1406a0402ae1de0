"""The English translation is complete, current and uses the glossary's terms."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.po_file import Entry, read_po

ROOT = Path(__file__).resolve().parent.parent
ENGLISH_PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
GLOSSARY = ROOT / "docs" / "glossary.md"
# What makemessages reads: the apps, config and templates (not tests, tools or data).
SOURCE_DIRS = (
    "accounts", "audit", "config", "criteria", "demo", "exports", "flows", "operations",
    "scoring", "survey", "templates", "units",
)  # fmt: skip
# Named placeholders only: a "%%" (a literal per cent sign) may be worded away ("pp").
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")


@dataclass(frozen=True)
class Term:
    vietnamese: str
    english: tuple[str, ...]
    not_when: tuple[str, ...]


def read_glossary() -> list[Term]:
    terms = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 4 or cells[0] in {"Vietnamese", ""} or set(cells[0]) <= {"-"}:
            continue
        vietnamese, english, others, not_when = cells
        forms = (english, *(f.strip() for f in others.split(";") if f.strip()))
        excluded = tuple(p.strip() for p in not_when.split(";") if p.strip())
        terms.append(Term(vietnamese=vietnamese, english=forms, not_when=excluded))
    return terms


def english_entries() -> list[Entry]:
    return read_po(path=ENGLISH_PO)


def where(entry: Entry) -> str:
    return f"django.po:{entry.line} {entry.msgid!r}"


def test_every_message_has_an_english_translation():
    untranslated = [where(e) for e in english_entries() if not all(s.strip() for s in e.msgstrs)]

    assert untranslated == []


def test_no_translation_is_fuzzy():
    # compilemessages leaves fuzzy entries out: the page would show the Vietnamese.
    fuzzy = [where(e) for e in english_entries() if "fuzzy" in e.flags]

    assert fuzzy == []


def test_each_message_appears_once():
    keys = [e.key for e in english_entries()]

    assert sorted({k for k in keys if keys.count(k) > 1}, key=str) == []


def test_translations_keep_the_placeholders():
    def placeholders(text: str) -> list[str]:
        return sorted(PLACEHOLDER.findall(text))

    wrong = [
        where(e)
        for e in english_entries()
        for s in e.msgstrs
        if placeholders(s) != placeholders(e.msgid)
    ]

    assert wrong == []


def test_the_glossary_is_read():
    terms = {t.vietnamese: t for t in read_glossary()}

    assert len(terms) >= 20
    assert terms["Gia đình học tập"].english == ("Learning Family", "Learning Families")
    assert terms["chỉ số"].not_when == ("chỉ số liệu",)


def contains_words(text: str, phrase: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text, re.IGNORECASE) is not None


@pytest.mark.parametrize("term", read_glossary(), ids=lambda t: t.vietnamese)
def test_the_glossary_terms_are_translated_alike(term):
    inconsistent = []
    for entry in english_entries():
        source = entry.msgid
        for phrase in term.not_when:
            source = re.sub(re.escape(phrase), " ", source, flags=re.IGNORECASE)
        if not contains_words(source, term.vietnamese):
            continue
        for text in entry.msgstrs:
            if not any(form.lower() in text.lower() for form in term.english):
                inconsistent.append(f"{where(entry)} -> {text!r}")

    assert inconsistent == []


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="makemessages needs GNU gettext")
def test_makemessages_finds_no_new_or_obsolete_messages(tmp_path):
    # On a copy of the sources: makemessages rewrites the .po of the tree it runs in.
    for name in SOURCE_DIRS:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    shutil.copytree(ROOT / "locale", tmp_path / "locale")
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete", "-v", "0"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "1"},
        check=True,
        timeout=60,
    )
    extracted = read_po(path=tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po")
    shipped = {e.key for e in english_entries()}

    assert sorted({e.key for e in extracted} - shipped, key=str) == []  # not in the .po yet
    assert sorted(shipped - {e.key for e in extracted}, key=str) == []  # no longer used


def test_the_filter_button_reads_apply_in_english():
    from types import SimpleNamespace

    from django.template.loader import render_to_string
    from django.utils import translation

    options = [("approved", "Approved data only")]
    included = SimpleNamespace(keep=[], options=options, choice="approved", label="x", pending=0)
    with translation.override("en"):
        english = render_to_string("scoring/_included.html", {"included": included})
        validity = translation.gettext("Áp dụng")  # the criteria set's dates, another meaning
    with translation.override("vi"):
        vietnamese = render_to_string("scoring/_included.html", {"included": included})

    assert '<button type="submit">Apply</button>' in english
    assert '<button type="submit">Áp dụng</button>' in vietnamese
    assert validity == "Valid"
