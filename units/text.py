"""Comparison keys for Vietnamese names.

Sources disagree on where a tone mark sits (``Hòa`` / ``Hoà``, ``Thủy`` / ``Thuỷ``)
and on composed vs combining characters, so names are compared through keys:

* ``name_key``: NFC, case-folded, with each word's tone mark moved to the end of
  the word. Placement no longer matters, but ``Quân`` and ``Quán`` stay apart.
* ``plain_key``: every diacritic removed and ``đ`` read as ``d`` ("nguyen van"
  finds "Nguyễn Văn"). Different names can share a plain key, so callers must
  treat several matches as ambiguous rather than pick one.
"""

from __future__ import annotations

import unicodedata

# Combining tone marks; the other marks (circumflex, breve, horn) are part of the vowel.
TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def _words(text: str) -> list[str]:
    return unicodedata.normalize("NFD", text).casefold().split()


def name_key(text: str) -> str:
    """Return a key equal for names that differ only in tone-mark placement or encoding."""
    keyed = []
    for word in _words(text):
        tones = "".join(ch for ch in word if ch in TONE_MARKS)
        bare = "".join(ch for ch in word if ch not in TONE_MARKS)
        keyed.append(unicodedata.normalize("NFC", bare + tones))
    return " ".join(keyed)


def plain_key(text: str) -> str:
    """Return the name without any diacritic, lower-cased."""
    stripped = "".join(
        ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn"
    )
    return " ".join(stripped.replace("đ", "d").replace("Đ", "D").casefold().split())


def nfc(text: str) -> str:
    """Return the text in Unicode NFC, the form the database stores."""
    return unicodedata.normalize("NFC", text)


# Vietnamese alphabetical order: letters with breve, circumflex and horn are letters of
# their own (a < ă < â < b ...), and tone marks only break ties, in the order
# none, huyền, hỏi, ngã, sắc, nặng.
_ALPHABET = [
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m",
    "n", "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
]  # fmt: skip
_LETTER_RANK = {letter: rank for rank, letter in enumerate(_ALPHABET)}
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def vi_sort_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Return a key that sorts names in Vietnamese alphabetical order, case-insensitively."""
    letters: list[int] = []
    tones: list[int] = []
    for char in unicodedata.normalize("NFC", text).casefold():
        decomposed = unicodedata.normalize("NFD", char)
        tone = next((_TONE_RANK[c] for c in decomposed if c in _TONE_RANK), 0)
        letter = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_RANK))
        # Characters outside the alphabet (spaces, digits, punctuation) sort before letters.
        letters.append(_LETTER_RANK[letter] + 1000 if letter in _LETTER_RANK else ord(letter[0]))
        tones.append(tone)
    return tuple(letters), tuple(tones)
