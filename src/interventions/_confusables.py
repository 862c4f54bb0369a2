"""Look-alike characters that map to Latin letters, for tokens that mix scripts.

Keys are characters *before* case folding, because folding loses the look: Greek capital eta
``Η`` looks like ``H`` but folds to ``η``, which looks like ``n``. Values are lowercase ASCII.
The table is a reviewed subset of Unicode's confusables (UTS #39) for the scripts seen in
evasions: Cyrillic, Greek, Armenian, and enclosed/negative letters that NFKC leaves alone.
"""

from __future__ import annotations

__all__ = ["ALWAYS", "MIXED_SCRIPT"]

_CYRILLIC = {
    "а": "a", "в": "b", "г": "r", "е": "e", "ё": "e", "з": "3", "и": "u", "й": "u", "к": "k",
    "м": "m", "н": "h", "о": "o", "п": "n", "р": "p", "с": "c", "т": "t", "у": "y", "х": "x",
    "ш": "w", "щ": "w", "ь": "b", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "ӏ": "l", "һ": "h",
    "ԁ": "d", "ԛ": "q", "ԝ": "w", "ү": "y", "ѡ": "w", "ҽ": "e", "ӓ": "a", "ӧ": "o", "ӱ": "y",
    "А": "a", "В": "b", "Е": "e", "Ё": "e", "З": "3", "К": "k", "М": "m", "Н": "h", "О": "o",
    "Р": "p", "С": "c", "Т": "t", "У": "y", "Х": "x", "Ѕ": "s", "І": "i", "Ї": "i", "Ј": "j",
    "Ԛ": "q", "Ԝ": "w", "Һ": "h", "Ү": "y", "Ь": "b", "Ӏ": "l",
}  # fmt: skip

_GREEK = {
    "α": "a", "β": "b", "γ": "y", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
    "ρ": "p", "σ": "o", "ς": "s", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "μ": "u", "ϲ": "c",
    "ϳ": "j", "ί": "i", "ό": "o", "ύ": "u", "έ": "e", "ά": "a",
    "Α": "a", "Β": "b", "Ε": "e", "Ζ": "z", "Η": "h", "Ι": "i", "Κ": "k", "Μ": "m", "Ν": "n",
    "Ο": "o", "Ρ": "p", "Τ": "t", "Υ": "y", "Χ": "x", "Ϲ": "c", "Ϝ": "f",
}  # fmt: skip

_ARMENIAN = {"օ": "o", "ս": "u", "ց": "g", "հ": "h", "ո": "n", "զ": "q", "ա": "w"}

MIXED_SCRIPT: dict[str, str] = {**_CYRILLIC, **_GREEK, **_ARMENIAN}
"""Letters of other scripts, mapped only inside a token that also has Latin letters (or whose
letters are all look-alikes), so that real Greek or Russian words are transliterated instead."""


def _enclosed() -> dict[str, str]:
    table: dict[str, str] = {}
    for base in (0x1F150, 0x1F170, 0x1F1E6):  # negative circled, negative squared, regional
        for k in range(26):
            table[chr(base + k)] = chr(ord("a") + k)
    return table


ALWAYS: dict[str, str] = _enclosed()
"""Symbols that are only ever letters in disguise; NFKC leaves them alone and unidecode turns
them into ``(T)``-style text, so they are mapped wherever they appear."""
