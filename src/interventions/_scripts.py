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

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

from interventions._memo import ByIdentity

__all__ = [
    "ARABIZI_DIGITS",
    "DENSE",
    "UNSPACED",
    "ArabiziTable",
    "ArabiziUnit",
    "arabic_skeleton",
    "arabizi_aligns",
    "arabizi_skeletons",
    "arabizi_table",
    "arabizi_units",
    "fold_native",
    "is_arabizi",
    "is_dense",
    "is_unspaced_term",
    "may_hold_arabizi",
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


# -- Arabizi: Arabic written in Latin letters and digits ---------------------------------------
#
# The Arabic chat alphabet writes the Arabic letters Latin has no letter for with digits that
# look like them (3 = ع, 7 = ح, 2 = hamza ...), a digit and an apostrophe for the dotted twin
# (3' = غ, 7' = خ), and every other letter with the Latin letter that sounds like it, vowels as
# the writer hears them. Sources: docs/normalization.md ("Arabizi"). Nothing is standard, so a
# Latin spelling is *aligned* with the Arabic words of the rule set rather than converted: a
# Latin unit may stand for any letter it is documented for, a vowel for a long vowel letter or
# for nothing (short vowels are not written in Arabic).

ARABIZI_DIGITS = frozenset("2356789")
"""Digits that stand for Arabic letters. 0, 1 and 4 stand for none: a token holding them is
leet or a number (``th1nspo``, ``a4``, ``covid19``), never read as Arabic."""

MIN_ARABIZI_WORD = 3
"""Arabic words shorter than this are never the reading of a Latin token (``3d`` is not عد)."""

MIN_ARABIZI_SKELETON = 2
"""Nor are words with fewer consonants than this (vowel letters do not count)."""

MAX_ARABIZI_RUN = 32
"""Latin runs longer than this are not read as Arabizi (no word of a rule set is that long)."""

MAX_ARABIZI_VARIANTS = 64
"""Consonant skeletons tried per Latin run; past that, units take their first letter only."""

_ARABIZI_UNITS: dict[str, str] = {
    # digits (and a digit with an apostrophe for the letter with a dot)
    "2": "ءاويق",  # hamza on any seat (folded to ا و ي), ق (glottal qaf of Cairo, Beirut)
    "3": "ع",
    "3'": "غ",
    "5": "خ",
    "6": "طظ",
    "6'": "ظ",
    "7": "ح",
    "7'": "خ",
    "8": "ق",
    "9": "صضق",
    "9'": "ض",
    # letters and digraphs
    "b": "ب",
    "p": "ب",
    "t": "تط",
    "th": "ثذ",
    "j": "ج",
    "dj": "ج",
    "g": "جقك",  # ج in Egypt, ق in the Gulf, ك
    "kh": "خ",
    "d": "دض",
    "dh": "ذظ",
    "r": "ر",
    "z": "زذظ",
    "s": "سصث",
    "sh": "ش",
    "ch": "ش",
    "gh": "غ",
    "f": "ف",
    "v": "ف",
    "q": "ق",
    "k": "ك",
    "l": "ل",
    "m": "م",
    "n": "ن",
    "h": "ه",
    "w": "و",
    "y": "ي",
}
_ARABIZI_DIGRAPHS = frozenset(u for u in _ARABIZI_UNITS if len(u) == 2)
_VOWELS = frozenset("aeiou")
_SKELETON_DROPS = frozenset("اويء")
"""Letters a vowel, ``w``, ``y`` or ``2`` stands for: not part of a word's consonant skeleton."""
_FINAL_H = "ه"  # ة folds to ه: a word-final ه is written a / e / ah / eh


class ArabiziUnit(NamedTuple):
    """One unit of a Latin spelling: a vowel run (``vowel``), or a consonant (letter, digraph
    or digit) written ``times`` times (a doubled letter may be one letter with shadda)."""

    text: str
    vowel: bool
    times: int = 1


def arabizi_units(run: str) -> tuple[ArabiziUnit, ...] | None:
    """A Latin run (``ente7ar``, ``3'ayez``) as units, or None when a character stands for no
    Arabic letter (``x``, ``c``, ``0``)."""
    out: list[ArabiziUnit] = []
    i, n = 0, len(run)
    while i < n:
        c = run[i]
        if c in _VOWELS:
            j = i + 1
            while j < n and run[j] in _VOWELS:
                j += 1
            out.append(ArabiziUnit(run[i:j], True))
            i = j
            continue
        if c == "'":
            i += 1
            continue
        pair = run[i : i + 2]
        if pair in _ARABIZI_DIGRAPHS:
            unit, i = pair, i + 2
        elif c in _ARABIZI_UNITS:
            unit, i = c, i + 1
        else:
            return None
        if out and not out[-1].vowel and out[-1].text == unit:
            out[-1] = ArabiziUnit(unit, False, out[-1].times + 1)
        else:
            out.append(ArabiziUnit(unit, False))
    return tuple(out)


def _squeeze(letters: list[str] | str) -> str:
    """Consecutive equal letters as one (a doubled consonant is one letter with shadda)."""
    out: list[str] = []
    for c in letters:
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)


def arabic_skeleton(word: str) -> str:
    """The consonants of a (folded) Arabic word: without the letters a vowel may stand for
    (``ا و ي ء``) and without a final ``ه`` (ة), equal neighbours squeezed. ``انتحار`` →
    ``نتحر``; ``عايزه`` → ``عز``."""
    body = word[:-1] if word.endswith(_FINAL_H) else word
    return _squeeze([c for c in body if c not in _SKELETON_DROPS])


def arabizi_skeletons(units: tuple[ArabiziUnit, ...]) -> list[str]:
    """Every consonant skeleton the units may spell (at most MAX_ARABIZI_VARIANTS): what
    :func:`arabic_skeleton` gives for the words they may be. Vowels, ``w``, ``y`` spell none;
    ``2`` none or ``ق``; an ``h`` followed only by vowels is the final ``ه`` or a letter."""
    variants = [""]
    last_consonant = max((k for k, u in enumerate(units) if not u.vowel), default=-1)
    for k, unit in enumerate(units):
        if unit.vowel:
            continue
        letters = _ARABIZI_UNITS[unit.text]
        choices = ["" if c in _SKELETON_DROPS else c for c in letters]
        if unit.text == "h" and k == last_consonant:
            choices.append("")
        choices = list(dict.fromkeys(choices))
        if len(choices) > 1 and len(variants) * len(choices) <= MAX_ARABIZI_VARIANTS:
            variants = [v + c for v in variants for c in choices]
        else:
            variants = [v + choices[0] for v in variants]
    return list(dict.fromkeys(_squeeze(v) for v in variants))


def _vowel_letters(run: str, initial: bool, final: bool) -> frozenset[str]:
    """The Arabic letters a Latin vowel run may stand for: ``a e`` ا, ``i`` ي, ``o u`` و,
    ``ee ei ai`` ي; at the start of a word any vowel is the alef that carries it; at the end
    ``a`` is also ى (folded ي) and ``a e`` the ة (folded ه)."""
    out: set[str] = set()
    for c in run:
        out.update({"a": "ا", "e": "ا", "i": "ي", "o": "و", "u": "و"}[c])
    if len(run) >= 2 and "e" in run:
        out.add("ي")
    if initial:
        out.add("ا")
    if final:
        if "a" in run:
            out.add("ي")
        if "a" in run or "e" in run:
            out.add(_FINAL_H)
    return frozenset(out)


def arabizi_aligns(units: tuple[ArabiziUnit, ...], word: str) -> bool:
    """Whether the Latin units may spell the Arabic ``word``, letter by letter.

    A consonant unit is one letter it stands for (a doubled one, one or two); a vowel run is
    nothing, or one or two long vowel letters it may stand for; a hamza ``ء`` may be left
    unwritten. Every letter of the word must be spelled."""
    n, m = len(units), len(word)
    seen: set[tuple[int, int]] = set()
    todo = [(0, 0)]
    while todo:
        i, j = todo.pop()
        if (i, j) in seen:
            continue
        seen.add((i, j))
        if i == n and j == m:
            return True
        if j < m and word[j] == "ء":
            todo.append((i, j + 1))
        if i == n:
            continue
        unit = units[i]
        if unit.vowel:
            todo.append((i + 1, j))
            allowed = _vowel_letters(unit.text, i == 0, i == n - 1)
            k = j
            while k < m and k - j < min(2, len(unit.text)) and word[k] in allowed:
                if word[k] == _FINAL_H and k != m - 1:
                    break
                k += 1
                todo.append((i + 1, k))
            continue
        letters = _ARABIZI_UNITS[unit.text]
        k = j
        while k < m and k - j < unit.times and word[k] in letters:
            k += 1
            todo.append((i + 1, k))
    return False


_ARABIZI_ARTICLE = re.compile(r"[wbfkl]?[aei]l(?=.{3})")
"""The article written before a word (``el``, ``al``, ``il``; ``wel``, ``bel``, ``fel``, ``lel``
...: and, with, in, for the): Arabic words are also read without it."""


class ArabiziTable:
    """The Arabic words of a rule set by consonant skeleton, and the readings of Latin runs
    found so far (a pure function's memo, bounded)."""

    __slots__ = ("by_skeleton", "memo")

    MEMO = 1 << 14

    def __init__(self, words: Iterable[str]) -> None:
        by_skeleton: dict[str, list[str]] = {}
        for w in sorted(set(words)):
            if len(w) < MIN_ARABIZI_WORD or not all(script_of(c) == "ARABIC" for c in w):
                continue
            skeleton = arabic_skeleton(w)
            if len(skeleton) >= MIN_ARABIZI_SKELETON:
                by_skeleton.setdefault(skeleton, []).append(w)
        self.by_skeleton = {k: tuple(v) for k, v in by_skeleton.items()}
        self.memo: dict[str, tuple[str, ...]] = {}

    def __bool__(self) -> bool:
        return bool(self.by_skeleton)

    def read(self, run: str) -> tuple[str, ...]:
        """The Arabic words of the table that the Latin ``run`` may spell; also without a
        leading article (``el``, ``al``, ``wel``, ``bel`` ...), which Arabic words are read
        without too."""
        found = self.memo.get(run)
        if found is None:
            words = self._read(run)
            article = _ARABIZI_ARTICLE.match(run)
            if article:
                words += self._read(run[article.end() :])
            found = tuple(dict.fromkeys(words))
            if len(self.memo) >= self.MEMO:
                self.memo.clear()
            self.memo[run] = found
        return found

    def _read(self, run: str) -> tuple[str, ...]:
        units = arabizi_units(run)
        if not units:
            return ()
        out: list[str] = []
        for skeleton in arabizi_skeletons(units):
            for word in self.by_skeleton.get(skeleton, ()):
                if arabizi_aligns(units, word):
                    out.append(word)
        return tuple(out)


_ARABIZI_HINT = re.compile(r"[a-z]'?[2356789]|[2356789]'?[a-z]")
_NOT_ARABIZI = re.compile(r"[014]")


def may_hold_arabizi(text: str) -> bool:
    """A quick test of a whole folded text: an Arabizi digit next to a Latin letter. Ordinary
    Latin text never has one, so it costs one scan and nothing else."""
    return _ARABIZI_HINT.search(text) is not None


def is_arabizi(run: str) -> bool:
    """Whether a Latin run (letters, digits, apostrophes) is written like Arabizi: an Arabizi
    digit next to a letter (``ente7ar``, ``3ayez``, ``a7eb``), no digit that stands for no
    Arabic letter (``th1nspo``, ``a4``), and not too long."""
    return (
        len(run) <= MAX_ARABIZI_RUN
        and _ARABIZI_HINT.search(run) is not None
        and _NOT_ARABIZI.search(run) is None
    )


def arabizi_table(words: frozenset[str]) -> ArabiziTable:
    """The table of a rule set's words, built once per word set and found again by the set
    object itself: a dict keyed by an equal set would compare 20,000 words on every lookup
    (~1 ms) whenever two engines hold equal sets (a reload, a second engine of the same rules)."""
    return _ARABIZI_BY_ID.get(words, _arabizi_table)


_ARABIZI_BY_ID: ByIdentity[frozenset[str], ArabiziTable] = ByIdentity(64)


@lru_cache(maxsize=8)
def _arabizi_table(words: frozenset[str]) -> ArabiziTable:
    """The table of a word set (equal sets share one: an engine rebuilt from the same rules)."""
    return ArabiziTable(words)
