"""Writing systems: which script a character belongs to, and how each script is folded.

One home for script facts, used by the normalizer (folding, tokens), the compiler and matcher
(terms inside runs of unspaced scripts) and lint (terms too short to be safe). Latin text is
transliterated to ASCII (``przemocą`` → ``przemoca``); every other script keeps its letters and is
folded the way its readers write it in more than one way (``docs/normalization.md``):

- Cyrillic: ``ё``/``е``, ``й``/``и``, ``ї``/``і``, ``ґ``/``г``, ``є``/``е`` fold together.
- Greek: accents dropped, final sigma is sigma.
- Arabic (and Persian/Urdu letter forms): harakat, tatweel and Quranic marks dropped; alef
  forms, alef maqsura/ya, ta marbuta/ha, hamza carriers fold; keheh, farsi yeh, heh goal fold to
  their Arabic letters.
- Hebrew: points dropped. Devanagari: nukta dropped (ZWJ/ZWNJ are dropped as ignorables).
- Hangul, Han, kana, Thai: kept as written (NFKC has composed jamo and half-width kana).

Han, kana and Thai are written without spaces, so a term in them is found inside a run of its
script (``_match``), from a length where that is safe: ``UNSPACED_MIN``.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

__all__ = [
    "DENSE",
    "UNSPACED",
    "fold_native",
    "is_dense",
    "is_unspaced_term",
    "native_readings",
    "script_of",
    "unspaced_min",
]

UNSPACED = frozenset({"HAN", "KANA", "THAI"})
"""Scripts written without spaces between words."""

DENSE = frozenset({"HAN", "KANA", "HANGUL"})
"""Scripts where one character is a syllable or a word, so short terms are distinctive."""

_NAME_SCRIPT = {
    "CJK": "HAN",
    "IDEOGRAPHIC": "HAN",
    "HIRAGANA": "KANA",
    "KATAKANA": "KANA",
    "KATAKANA-HIRAGANA": "KANA",
    "HALFWIDTH": "KANA",
    "ARABIC-INDIC": "ARABIC",
    "EXTENDED": "ARABIC",
}


@lru_cache(maxsize=1 << 15)
def script_of(c: str) -> str:
    """The script of one character as an upper-case name (``LATIN``, ``CYRILLIC``, ``HAN``,
    ``KANA`` ...), or ``""`` for digits, punctuation, spaces and symbols."""
    if c < "\x80":
        return "LATIN" if c.isalpha() else ""
    if not (c.isalpha() or unicodedata.category(c).startswith("M")):
        return ""
    name = unicodedata.name(c, "")
    if not name:
        return ""
    first = name.split(" ", 1)[0]
    if first == "COMBINING":
        return "INHERITED"
    return _NAME_SCRIPT.get(first, first)


# -- folding ----------------------------------------------------------------------------------

_CYRILLIC = {"ґ": "г", "є": "е", "ў": "у"}
_GREEK = {"ς": "σ"}
_ARABIC = {
    **dict.fromkeys("أإآٱٲٳ", "ا"),
    "ى": "ي",
    "ئ": "ي",
    "ؤ": "و",
    "ة": "ه",
    "ۃ": "ه",
    # Persian and Urdu letter forms
    "ک": "ك",
    "ڪ": "ك",
    "ی": "ي",
    "ې": "ي",
    "ۍ": "ي",
    "ێ": "ي",
    "ے": "ي",
    "ۓ": "ي",
    "ۀ": "ه",
    "ہ": "ه",
    "ۂ": "ه",
    "ھ": "ه",
    "ە": "ه",
    "ـ": "",  # tatweel (kashida): stretches a word, not a letter
}
_DEVANAGARI_NUKTA = "\u093c"
_STRIP_MARKS = frozenset({"CYRILLIC", "GREEK", "HEBREW", "ARABIC", "INHERITED"})


@lru_cache(maxsize=1 << 15)
def fold_native(c: str, script: str) -> str:
    """Fold one character of a non-Latin script (case folding included)."""
    if unicodedata.category(c).startswith("M"):
        if script == "DEVANAGARI":
            return "" if c == _DEVANAGARI_NUKTA else c
        return "" if script in _STRIP_MARKS else c
    folded = c.casefold()
    if script == "CYRILLIC":
        base = "".join(
            x for x in unicodedata.normalize("NFD", folded) if not unicodedata.combining(x)
        )
        return "".join(_CYRILLIC.get(x, x) for x in base)
    if script == "GREEK":
        base = "".join(
            x for x in unicodedata.normalize("NFD", folded) if not unicodedata.combining(x)
        )
        return "".join(_GREEK.get(x, x) for x in base)
    if script == "ARABIC":
        return _ARABIC.get(folded, folded)
    return folded


# -- extra readings of native tokens ----------------------------------------------------------

# Korean particles (josa) glued to a noun: 프로아나가, 프로아나를, 자해에서. Longest first.
_HANGUL_PARTICLES = sorted(
    [
        "에서는",
        "에게서",
        "으로는",
        "이라고",
        "에서도",
        "한테서",
        "까지도",
        "에서",
        "에게",
        "한테",
        "께서",
        "으로",
        "까지",
        "부터",
        "처럼",
        "보다",
        "이랑",
        "라고",
        "하고",
        "이나",
        "이며",
        "은",
        "는",
        "이",
        "가",
        "을",
        "를",
        "의",
        "에",
        "로",
        "와",
        "과",
        "도",
        "만",
        "랑",
        "나",
    ],
    key=len,
    reverse=True,
)
_HANGUL_MIN_STEM = 2

# Arabic proclitics: the article and the conjunction wa- glued to a word (والحرب, بالدولة).
_ARABIC_ARTICLES = ("وال", "فال", "بال", "كال", "لل", "ال")
_ARABIC_MIN_STEM = 3


def native_readings(tok: str, script: str) -> tuple[str, ...]:
    """Other forms a token of a non-Latin script may be read as: a Korean noun without its
    particle, an Arabic word without its article or ``wa-`` (with the article kept too)."""
    out: list[str] = []
    if script == "HANGUL":
        for p in _HANGUL_PARTICLES:
            if tok.endswith(p) and len(tok) - len(p) >= _HANGUL_MIN_STEM:
                out.append(tok[: -len(p)])
                break
    elif script == "ARABIC":
        if tok.startswith("و") and len(tok) - 1 >= _ARABIC_MIN_STEM:
            out.append(tok[1:])
        for a in _ARABIC_ARTICLES:
            if tok.startswith(a) and len(tok) - len(a) >= _ARABIC_MIN_STEM:
                out.append(tok[len(a) :])
                if a != "ال":
                    out.append("ال" + tok[len(a) :])
                break
    return tuple(dict.fromkeys(x for x in out if x != tok))


# -- unspaced scripts ---------------------------------------------------------------------------


def unspaced_min(token: str) -> int:
    """How long a term in an unspaced script must be to be looked for inside longer runs: two
    characters when it holds a Han character (自殺), else three (kana and Thai are syllables:
    ``アナ`` must not fire in ``アナ雪``)."""
    return 2 if any(script_of(c) == "HAN" for c in token) else 3


def is_dense(token: str) -> bool:
    """Whether a token is written wholly in syllabic or logographic scripts (``DENSE``)."""
    scripts = {script_of(c) for c in token} - {""}
    return bool(scripts) and scripts <= DENSE


def is_unspaced_term(token: str) -> bool:
    """Whether a term token is written wholly in unspaced scripts (ignoring the prolonged sound
    mark ``ー`` and iteration marks, which have no script of their own)."""
    scripts = {script_of(c) for c in token} - {""}
    return bool(scripts) and scripts <= UNSPACED
