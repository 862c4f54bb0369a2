"""Deterministic obfuscation of rule terms, one transformation family (or two) at a time.

The generator knows nothing about the engine's normalizer: its leet, look-alike and
invisible-character tables are its own, written from published evasions and the Unicode
character database, so the suite measures the engine instead of mirroring it. Every
transformation applies to any term; none knows which terms the rules contain.

A term is given as its surface words (``("pro", "ana")``). :func:`obfuscate` applies the
chosen families in one fixed order (edits to letters first, then letter forms, then layout), so a
pair of families is one realistic obfuscation (``#Pr0AnaTips``) rather than two stacked ones.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

__all__ = [
    "CHAR_ORDER",
    "FAMILIES",
    "GATED_BY_FUZZY",
    "INVISIBLES",
    "PAIRS",
    "STYLES",
    "Variant",
    "damerau",
    "obfuscate",
    "strip_marks",
]

FAMILIES = (
    "leet",
    "homoglyph",
    "zero_width",
    "separators",
    "repeats",
    "typo1",
    "typo2",
    "concatenation",
    "case_diacritics",
)
"""The transformation families, as reported."""

GATED_BY_FUZZY = {"typo1": 1, "typo2": 2}
"""Typos are expected to be caught only for terms that declare ``fuzzy: N`` with N at least
this; for other terms the harness reports them apart, with no target."""

CHAR_ORDER = (
    "typo1",
    "typo2",
    "repeats",
    "leet",
    "case_diacritics",
    "homoglyph",
    "zero_width",
)
"""Order in which the letter-level families apply when combined; the layout families
(``separators``, ``concatenation``) come last."""

PAIRS: tuple[tuple[str, str], ...] = tuple(
    (a, b)
    for i, a in enumerate(FAMILIES)
    for b in FAMILIES[i + 1 :]
    if {a, b} != {"typo1", "typo2"}  # three edits: beyond any fuzzy term's reach by definition
)

STYLES: dict[str, tuple[str, ...]] = {
    "leet": ("all", "one", "some"),
    "homoglyph": (
        "cyrillic_one",
        "cyrillic_some",
        "greek_some",
        "lookalike_all",
        "fullwidth",
        "math",
        "enclosed",
    ),
    "zero_width": ("one", "every", "bidi", "soft_hyphen"),
    "separators": ("dots", "spaces", "letters_joined", "joiner", "dots_glued"),
    "repeats": ("last3", "one2", "one4", "two2"),
    "typo1": ("substitute", "delete", "insert", "transpose"),
    "typo2": ("two_a", "two_b", "two_c", "two_d"),
    "concatenation": ("bare", "suffix", "digits", "camel", "prefix"),
    "case_diacritics": ("upper", "title", "random_case", "accents", "combining", "strip_or_all"),
}
"""Every style of every family; the full suite makes one variant per style per term."""


@dataclass(frozen=True, slots=True)
class Variant:
    """One obfuscated query: its text and the style each family used to make it."""

    text: str
    styles: tuple[str, ...]


# -- tables -----------------------------------------------------------------------------------

_LEET: dict[str, str] = {
    "a": "4@",
    "b": "8",
    "e": "3",
    "g": "9",
    "i": "1!",
    "l": "1|",
    "o": "0",
    "s": "5$",
    "t": "7",
    "z": "2",
}
"""Common leetspeak (digits and symbols read as letters)."""

_CYRILLIC: dict[str, str] = {
    "a": "\u0430", "c": "\u0441", "d": "\u0501", "e": "\u0435", "h": "\u04bb", "i": "\u0456",
    "j": "\u0458", "l": "\u04cf", "o": "\u043e", "p": "\u0440", "q": "\u051b", "s": "\u0455",
    "w": "\u051d", "x": "\u0445", "y": "\u0443",
    "A": "\u0410", "B": "\u0412", "C": "\u0421", "E": "\u0415", "H": "\u041d", "I": "\u0406",
    "J": "\u0408", "K": "\u041a", "M": "\u041c", "O": "\u041e", "P": "\u0420", "S": "\u0405",
    "T": "\u0422", "X": "\u0425", "Y": "\u04ae",
}  # fmt: skip
"""Cyrillic letters that Unicode's confusables (UTS #39) map to Latin ones."""

_GREEK: dict[str, str] = {
    "a": "\u03b1", "i": "\u03b9", "o": "\u03bf", "p": "\u03c1", "u": "\u03c5", "v": "\u03bd",
    "y": "\u03b3", "x": "\u03c7",
    "A": "\u0391", "B": "\u0392", "E": "\u0395", "H": "\u0397", "I": "\u0399", "K": "\u039a",
    "M": "\u039c", "N": "\u039d", "O": "\u039f", "P": "\u03a1", "T": "\u03a4", "X": "\u03a7",
    "Y": "\u03a5", "Z": "\u0396",
}  # fmt: skip
"""Greek letters that look like Latin ones."""

_ARMENIAN: dict[str, str] = {
    "g": "\u0581", "h": "\u0570", "n": "\u0578", "o": "\u0585", "q": "\u0566", "u": "\u057d",
}  # fmt: skip

_MATH_HOLES = {
    ("ITALIC", "h"): "\u210e",
    ("SCRIPT", "e"): "\u212f",
    ("SCRIPT", "g"): "\u210a",
    ("SCRIPT", "o"): "\u2134",
    ("SCRIPT", "B"): "\u212c",
    ("SCRIPT", "E"): "\u2130",
    ("SCRIPT", "F"): "\u2131",
    ("SCRIPT", "H"): "\u210b",
    ("SCRIPT", "I"): "\u2110",
    ("SCRIPT", "L"): "\u2112",
    ("SCRIPT", "M"): "\u2133",
    ("SCRIPT", "R"): "\u211b",
    ("FRAKTUR", "C"): "\u212d",
    ("FRAKTUR", "H"): "\u210c",
    ("FRAKTUR", "I"): "\u2111",
    ("FRAKTUR", "R"): "\u211c",
    ("FRAKTUR", "Z"): "\u2128",
    ("DOUBLE-STRUCK", "C"): "\u2102",
    ("DOUBLE-STRUCK", "H"): "\u210d",
    ("DOUBLE-STRUCK", "N"): "\u2115",
    ("DOUBLE-STRUCK", "P"): "\u2119",
    ("DOUBLE-STRUCK", "Q"): "\u211a",
    ("DOUBLE-STRUCK", "R"): "\u211d",
    ("DOUBLE-STRUCK", "Z"): "\u2124",
}
"""Letters the Mathematical Alphanumeric block leaves out because Letterlike Symbols has them."""


def _math_tables() -> dict[str, dict[str, str]]:
    tables: dict[str, dict[str, str]] = {}
    for cp in range(0x1D400, 0x1D6A4):
        name = unicodedata.name(chr(cp), "")
        if not name.startswith("MATHEMATICAL "):
            continue
        for case in (" SMALL ", " CAPITAL "):
            if case in name:
                style, letter = name[len("MATHEMATICAL ") :].rsplit(case, 1)
                letter = letter.lower() if case == " SMALL " else letter
                tables.setdefault(style, {})[letter] = chr(cp)
    for (style, letter), char in _MATH_HOLES.items():
        tables[style].setdefault(letter, char)
    return tables


_MATH = _math_tables()
_MATH_STYLES = tuple(sorted(_MATH))


def _enclosed_tables() -> dict[str, dict[str, str]]:
    tables: dict[str, dict[str, str]] = {
        "circled": {},
        "negative_circled": {},
        "squared": {},
        "negative_squared": {},
        "regional": {},
    }
    for k in range(26):
        lo, up = chr(ord("a") + k), chr(ord("A") + k)
        tables["circled"][lo] = chr(0x24D0 + k)
        tables["circled"][up] = chr(0x24B6 + k)
        for name, base in (
            ("negative_circled", 0x1F150),
            ("squared", 0x1F130),
            ("negative_squared", 0x1F170),
            ("regional", 0x1F1E6),
        ):
            tables[name][lo] = tables[name][up] = chr(base + k)
    return tables


_ENCLOSED = _enclosed_tables()
_ENCLOSED_STYLES = tuple(sorted(_ENCLOSED))

INVISIBLES = (
    "\u200b",  # zero width space
    "\u200c",  # zero width non-joiner
    "\u200d",  # zero width joiner
    "\u2060",  # word joiner
    "\ufeff",  # zero width no-break space (BOM)
    "\u00ad",  # soft hyphen
    "\u034f",  # combining grapheme joiner
    "\u180e",  # Mongolian vowel separator
)
_BIDI = (
    "\u200e",  # left-to-right mark
    "\u200f",  # right-to-left mark
    "\u202a",  # left-to-right embedding
    "\u202b",  # right-to-left embedding
    "\u202c",  # pop directional formatting
    "\u202d",  # left-to-right override
    "\u2066",  # left-to-right isolate
    "\u2067",  # right-to-left isolate
    "\u2068",  # first strong isolate
    "\u2069",  # pop directional isolate
)

_ACCENTED: dict[str, str] = {
    "a": "áàäâãåą", "c": "çćč", "e": "éèëêęě", "i": "íìïî", "n": "ñń", "o": "óòöôõø",
    "s": "śšş", "u": "úùüûů", "y": "ýÿ", "z": "żźž", "l": "ł", "r": "ř", "d": "ď", "t": "ť",
}  # fmt: skip
_COMBINING = ("\u0301", "\u0300", "\u0308", "\u0302", "\u0303", "\u030c", "\u0328", "\u0307")

_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


def _keyboard_neighbours() -> dict[str, str]:
    where = {c: (r, k) for r, row in enumerate(_KEYBOARD_ROWS) for k, c in enumerate(row)}
    out: dict[str, str] = {}
    for c, (r, k) in where.items():
        near = []
        for dr, dk in ((0, -1), (0, 1), (-1, 0), (-1, 1), (1, -1), (1, 0)):
            rr, kk = r + dr, k + dk
            if 0 <= rr < 3 and 0 <= kk < len(_KEYBOARD_ROWS[rr]):
                near.append(_KEYBOARD_ROWS[rr][kk])
        out[c] = "".join(near)
    return out


_NEAR = _keyboard_neighbours()

_SUFFIX_WORDS = (
    "tips", "girl", "goals", "life", "diary", "daily", "club", "style", "blog", "world",
    "time", "family", "body", "page", "vibes", "forever", "squad", "love", "queen", "boy",
    "dagbok", "livet", "tjej", "porady", "dziewczyna", "zycie", "moje",
)  # fmt: skip
"""Ordinary words glued to a term in hashtags (``#thinspotips``, ``#MyThinspoDiary``)."""
_PREFIX_WORDS = ("my", "daily", "real", "the", "best", "new", "our", "mina", "moja", "just")
_DIGITS = ("2024", "2025", "4life", "101", "24", "2", "13", "99")
_JOINERS = "-_."


# -- helpers ----------------------------------------------------------------------------------


def strip_marks(text: str) -> str:
    """``text`` without combining marks (``ätstörning`` → ``atstorning``); ``ł ø`` kept."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


def damerau(a: str, b: str) -> int:
    """Optimal-string-alignment distance: a swap of two neighbours is one edit."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(rows[i - 1][j] + 1, row[j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[i - 2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def _letter_positions(words: Sequence[str], pred: Callable[[str], bool]) -> list[tuple[int, int]]:
    return [(w, k) for w, word in enumerate(words) for k, c in enumerate(word) if pred(c)]


def _replace(words: list[str], positions: Sequence[tuple[int, int]], new: Sequence[str]) -> None:
    chars = [list(w) for w in words]
    for (w, k), c in zip(positions, new, strict=True):
        chars[w][k] = c
    words[:] = ["".join(cs) for cs in chars]


def _subset(rng: random.Random, items: list[tuple[int, int]], how: str) -> list[tuple[int, int]]:
    if how == "all" or len(items) <= 1:
        return items
    if how == "one":
        return [rng.choice(items)]
    k = max(1, round(len(items) / 2))
    return sorted(rng.sample(items, k))


# -- the letter-level families -----------------------------------------------------------------


def _leet(words: list[str], style: str, rng: random.Random) -> bool:
    spots = _letter_positions(words, lambda c: c.lower() in _LEET)
    if not spots:
        return False
    chosen = _subset(rng, spots, style)
    _replace(words, chosen, [rng.choice(_LEET[words[w][k].lower()]) for w, k in chosen])
    return True


def _homoglyph(words: list[str], style: str, rng: random.Random) -> bool:
    if style in ("fullwidth", "math", "enclosed"):
        if style == "fullwidth":
            table = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}
        elif style == "math":
            table = _MATH[rng.choice(_MATH_STYLES)]
        else:
            table = _ENCLOSED[rng.choice(_ENCLOSED_STYLES)]
        if not any(c in table for w in words for c in w):
            return False
        words[:] = ["".join(table.get(c, c) for c in w) for w in words]
        return True
    if style.startswith("cyrillic"):
        tables: tuple[dict[str, str], ...] = (_CYRILLIC,)
    elif style == "greek_some":
        tables = (_GREEK,)
    else:
        tables = (_CYRILLIC, _GREEK, _ARMENIAN)
    spots = _letter_positions(words, lambda c: any(c in t for t in tables))
    if not spots:
        return False
    how = {"cyrillic_one": "one", "lookalike_all": "all"}.get(style, "some")
    chosen = _subset(rng, spots, how)
    new = []
    for w, k in chosen:
        c = words[w][k]
        new.append(rng.choice([t[c] for t in tables if c in t]))
    _replace(words, chosen, new)
    return True


def _zero_width(words: list[str], style: str, rng: random.Random) -> bool:
    gaps = [(w, k) for w, word in enumerate(words) for k in range(1, len(word))]
    if not gaps:
        return False
    if style == "one":
        chosen = [rng.choice(gaps)]
        pool: Sequence[str] = INVISIBLES
    elif style == "every":
        chosen = gaps
        pool = INVISIBLES
    elif style == "bidi":
        chosen = _subset(rng, gaps, "some")
        pool = _BIDI
    else:
        chosen = _subset(rng, gaps, "some")[:2]
        pool = ("\u00ad",)
    inserts: dict[tuple[int, int], str] = {g: rng.choice(pool) for g in chosen}
    words[:] = [
        "".join(inserts.get((w, k), "") + c for k, c in enumerate(word))
        for w, word in enumerate(words)
    ]
    return True


def _repeats(words: list[str], style: str, rng: random.Random) -> bool:
    spots = _letter_positions(words, str.isalpha)
    if not spots:
        return False
    if style == "last3":
        chosen = {spots[-1]: 2}
    elif style == "one2":
        chosen = {rng.choice(spots): 1}
    elif style == "one4":
        chosen = {rng.choice(spots): 3}
    else:
        chosen = dict.fromkeys(rng.sample(spots, min(2, len(spots))), 1)
    words[:] = [
        "".join(c * (1 + chosen.get((w, k), 0)) for k, c in enumerate(word))
        for w, word in enumerate(words)
    ]
    return True


def _one_typo(word: str, kind: str, rng: random.Random) -> str:
    letters = [k for k, c in enumerate(word) if c.isalpha()]
    if len(letters) < 3:
        return word
    if kind == "transpose":
        pairs = [k for k in letters if k + 1 < len(word) and word[k] != word[k + 1]]
        pairs = [k for k in pairs if word[k + 1].isalpha()]
        if not pairs:
            return word
        k = rng.choice(pairs)
        return word[:k] + word[k + 1] + word[k] + word[k + 2 :]
    k = rng.choice(letters[1:]) if kind != "insert" else rng.choice(letters)
    c = word[k].lower()
    near = _NEAR.get(c, "") or "e"
    if kind == "delete":
        return word[:k] + word[k + 1 :]
    if kind == "substitute":
        return word[:k] + rng.choice(near) + word[k + 1 :]
    return word[:k] + rng.choice(near) + word[k:]


_TYPO_KINDS = ("substitute", "delete", "insert", "transpose")


def _typos(words: list[str], n: int, style: str, rng: random.Random) -> bool:
    """``n`` keyboard typos in the term's longest word: distance exactly ``n`` (a swap of two
    neighbouring letters is one typo, as people count them)."""
    target = max(range(len(words)), key=lambda w: (len(words[w]), -w))
    base = words[target]
    for _ in range(50):
        kinds = [style] if n == 1 else [rng.choice(_TYPO_KINDS) for _ in range(n)]
        out = base
        for kind in kinds:
            out = _one_typo(out, kind, rng)
        if damerau(out.lower(), base.lower()) == n:
            words[target] = out
            return True
    return False


def _case_diacritics(words: list[str], style: str, rng: random.Random) -> bool:
    if style == "upper":
        words[:] = [w.upper() for w in words]
    elif style == "title":
        words[:] = [w[:1].upper() + w[1:] for w in words]
    elif style == "random_case":
        words[:] = ["".join(c.upper() if rng.random() < 0.5 else c for c in w) for w in words]
        if all(not c.isupper() for w in words for c in w):
            words[0] = words[0][:1].upper() + words[0][1:]
    elif style in ("accents", "combining"):
        spots = _letter_positions(words, lambda c: c.lower() in _ACCENTED)
        if not spots:
            return False
        chosen = _subset(rng, spots, "one" if len(spots) < 4 else "some")[:2]
        if style == "accents":
            new = []
            for w, k in chosen:
                c = words[w][k]
                a = rng.choice(_ACCENTED[c.lower()])
                new.append(a.upper() if c.isupper() else a)
        else:
            new = [words[w][k] + rng.choice(_COMBINING) for w, k in chosen]
        _replace(words, chosen, new)
    else:  # strip_or_all: people type without diacritics; or every vowel accented
        stripped = [strip_marks(w) for w in words]
        if stripped != words:
            words[:] = stripped
        else:
            spots = _letter_positions(words, lambda c: c in "aeiouy")
            if not spots:
                return False
            _replace(words, spots, [rng.choice(_ACCENTED[words[w][k]]) for w, k in spots])
    return True


# -- the layout families ---------------------------------------------------------------------


def _camel(word: str) -> str:
    return word[:1].upper() + word[1:]


def _separators(words: list[str], style: str, rng: random.Random, affixes: list[str]) -> str:
    if affixes:  # with concatenation: a joiner between the glued parts (#pro_ana_tips)
        before, after = affixes
        joiner = rng.choice(_JOINERS)
        parts = [p for p in (before.lstrip("#"), *words, after) if p]
        if len(parts) == 1:
            return before[:1] + _split_word(parts[0], joiner, rng)
        return ("#" if before.startswith("#") else "") + joiner.join(parts)
    if style == "dots_glued":  # p.r.o.a.n.a: a two-word term spelled out as one
        return ".".join(c for w in words for c in _clusters(w))
    if style == "dots":
        return " ".join(".".join(_clusters(w)) for w in words)
    if style == "spaces":
        return "  ".join(" ".join(_clusters(w)) for w in words)
    if style == "letters_joined":
        return " ".join(
            "".join(c + rng.choice("-_*") for c in _clusters(w)[:-1]) + _clusters(w)[-1]
            for w in words
        )
    joiner = rng.choice(_JOINERS)
    if len(words) > 1:
        return joiner.join(words)
    return _split_word(words[0], joiner, rng)


def _split_word(word: str, joiner: str, rng: random.Random) -> str:
    """``thinspo`` → ``thin-spo``: one joiner at an inner point (not next to an end)."""
    cuts = list(range(2, len(word) - 1))
    if not cuts:
        return word
    k = rng.choice(cuts)
    return word[:k] + joiner + word[k:]


def _clusters(word: str) -> list[str]:
    """A word's characters with the marks and invisibles that follow each one attached."""
    out: list[str] = []
    for c in word:
        if out and (unicodedata.combining(c) or unicodedata.category(c) == "Cf"):
            out[-1] += c
        else:
            out.append(c)
    return out


def _concatenation(style: str, rng: random.Random) -> list[str]:
    """``[before, after]``: what is glued around the term (``#my`` + term + ``diary``)."""
    if style == "bare":
        return ["#", ""]
    if style == "suffix":
        return ["#" if rng.random() < 0.7 else "", rng.choice(_SUFFIX_WORDS)]
    if style == "digits":
        return ["#", rng.choice(_DIGITS)]
    if style == "camel":
        return ["#" + _camel(rng.choice(_PREFIX_WORDS)), _camel(rng.choice(_SUFFIX_WORDS))]
    return ["#" + rng.choice(_PREFIX_WORDS), ""]


# -- the whole generator ------------------------------------------------------------------------


def obfuscate(words: Sequence[str], families: dict[str, str], rng: random.Random) -> Variant | None:
    """Apply ``families`` (family → style) to the term ``words``; None when one of them cannot
    apply to this term (no letter that leet can replace, a word too short to mistype).

    >>> obfuscate(["thinspo"], {"repeats": "last3"}, random.Random(0)).text
    'thinspooo'
    """
    out = list(words)
    styles = []
    for fam in CHAR_ORDER:
        style = families.get(fam)
        if style is None:
            continue
        if fam in GATED_BY_FUZZY:
            ok = _typos(out, GATED_BY_FUZZY[fam], style, rng)
        else:
            ok = _CHAR_FAMILIES[fam](out, style, rng)
        if not ok:
            return None
        styles.append(f"{fam}:{style}")
    affixes: list[str] = []
    if "concatenation" in families:
        style = families["concatenation"]
        affixes = _concatenation(style, rng)
        styles.append(f"concatenation:{style}")
        if style == "camel":
            out = [_camel(w) for w in out]
    if "separators" in families:
        style = "joiner" if affixes else families["separators"]
        if style == "dots_glued" and len(out) != 2:
            return None
        styles.append(f"separators:{style}")
        return Variant(_separators(out, families["separators"], rng, affixes), tuple(styles))
    if affixes:
        return Variant(affixes[0] + "".join(out) + affixes[1], tuple(styles))
    return Variant(" ".join(out), tuple(styles))


_CHAR_FAMILIES: dict[str, Callable[[list[str], str, random.Random], bool]] = {
    "leet": _leet,
    "homoglyph": _homoglyph,
    "zero_width": _zero_width,
    "repeats": _repeats,
    "case_diacritics": _case_diacritics,
}
