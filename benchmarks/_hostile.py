"""Hostile inputs and a stress rule set, shared by ``fuzz.py``, ``worst_case.py`` and tests/fuzz.

Every input class of issue #15 is a generator ``(rng, words, max_len) -> (query, locale)``:
``words`` are the rule set's own words (so near-misses and glued hashtags are near-misses of
real terms), ``max_len`` caps the query's length (the tests use short inputs, ``make fuzz`` and
the worst-case benchmark go past the 1,024-character cap). Generators draw only from ``rng``, so
a seed reproduces a run.

The stress rule set is the shipped rules plus one generated file that uses every kind of term at
volume: fuzzy words of distance 2, substrings, prefixes, phrases, near terms, exceptions, a
scoped rule, a rule with a yearly window, a shadow rule, and regex terms, among them anchored
ones (the memo path and the full path must run them over the same text) and the polynomial
patterns the loader accepts with a lint warning (they run under the shared regex time bound).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import yaml

from interventions import Engine, RuleSet, TermKind
from interventions._engine import default_rules_path

__all__ = [
    "ANCHORED",
    "CLASSES",
    "STRESS_REGEXES",
    "WEIGHTS",
    "Generator",
    "Input",
    "clear_process_caches",
    "decode_line",
    "encode_line",
    "leet",
    "rule_words",
    "stress_rules",
    "stress_texts",
]

Input = tuple[str, str | None]
"""A query and the locale it is checked with."""

Generator = Callable[[random.Random, list[str], int], Input]

# -- characters --------------------------------------------------------------------------------

_LEET = {
    "a": "4@",
    "e": "3",
    "i": "1!|",
    "o": "0",
    "s": "5$",
    "t": "7",
    "l": "1|",
    "b": "8",
    "g": "9",
    "z": "2",
}
_JOINERS = ".-_"
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u034f\u180e\u2061\u2062\u2063\u2064"
_BIDI = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_VARIATION = "".join(chr(c) for c in range(0xFE00, 0xFE10)) + "\U000e0100\U000e01ef"
_TAGS = "".join(chr(c) for c in (0xE0001, 0xE0020, 0xE0041, 0xE0061, 0xE007F))
_INVISIBLE = _ZERO_WIDTH + _BIDI + _VARIATION + _TAGS
_SPACES = " \t\n\r\x0b\x0c\x1c\x85\xa0\u1680\u2000\u2003\u2007\u2028\u2029\u202f\u205f\u3000"
_SCRIPTS: dict[str, tuple[int, int]] = {
    "han": (0x4E00, 0x9FFF),
    "hiragana": (0x3041, 0x3096),
    "katakana": (0x30A1, 0x30FA),
    "cyrillic": (0x0400, 0x04FF),
    "arabic": (0x0621, 0x064A),
    "devanagari": (0x0900, 0x097F),
    "hangul": (0xAC00, 0xD7A3),
    "thai": (0x0E01, 0x0E5B),
    "hebrew": (0x05D0, 0x05EA),
    "greek": (0x0370, 0x03FF),
    "bengali": (0x0980, 0x09FF),
    "tamil": (0x0B80, 0x0BFF),
    "georgian": (0x10A0, 0x10FF),
    "armenian": (0x0531, 0x058F),
    "jamo": (0x1100, 0x11FF),
}
_LOOKALIKES = {
    "a": "аα",
    "c": "с",
    "e": "еε",
    "i": "іι",
    "o": "оο",
    "p": "рρ",
    "s": "ѕ",
    "x": "хχ",
    "y": "у",
    "h": "һ",
    "k": "к",
    "n": "ոη",
    "t": "т",
    "b": "в",
}
_FANCY = [
    0x1D41A - ord("a"),  # mathematical bold small
    0x1D4EA - ord("a"),  # bold script small
    0xFF41 - ord("a"),  # full width small
    0x24D0 - ord("a"),  # circled small
]
_COMBINING = [chr(c) for c in range(0x0300, 0x0370)] + ["\u20dd", "\u20e3", "\u0e31", "\u093c"]
_SURROGATES = (0xD800, 0xDFFF)


def timed_out(engine: Engine, decisions: Sequence[object]) -> bool:
    """Whether ``decisions`` of one query may differ because the regex time bound ran out on
    one path and not another: the one work bound measured in time (so it depends on the
    machine's load) rather than counted. Then at least one is incomplete (``complete=False``,
    which the failure policy answers) and the rule set has regex terms."""
    return bool(engine._index.regexes) and not all(getattr(d, "complete", True) for d in decisions)


_LOCALES = ["en-US", "pl-PL", "sv-SE", "de-DE", "ar-EG", "hi-IN", "ja-JP", "ru-RU", "zz", None]


def leet(rng: random.Random, word: str, rate: float = 0.7) -> str:
    """``word`` with some letters written as digits or symbols."""
    return "".join(rng.choice(_LEET[c]) if c in _LEET and rng.random() < rate else c for c in word)


def _run(rng: random.Random, script: str, n: int) -> str:
    lo, hi = _SCRIPTS[script]
    return "".join(chr(rng.randint(lo, hi)) for _ in range(n))


def _length(rng: random.Random, max_len: int) -> int:
    """A length between 1 and ``max_len``: as in a search box, mostly short (nine in ten up to
    48 characters), sometimes a few hundred, rarely up to ``max_len`` (1 in 300)."""
    r = rng.random()
    top = 48 if r < 0.9 else 400 if r < 1 - 1 / 300 else max_len
    return rng.randint(1, max(1, min(top, max_len)))


def _fill(rng: random.Random, max_len: int, piece: Callable[[], str], sep: str = "") -> str:
    target = _length(rng, max_len)
    out: list[str] = []
    size = 0
    while size < target:
        p = piece()
        out.append(p)
        size += len(p) + len(sep)
    return sep.join(out)[:target]


def _locale(rng: random.Random) -> str | None:
    return rng.choice(_LOCALES)


# -- the input classes -------------------------------------------------------------------------


def leet_joined(rng: random.Random, words: list[str], max_len: int) -> Input:
    """Leet fragments of rule words joined by ``.`` ``-`` ``_`` (the ~0.5 s query of #15)."""

    def piece() -> str:
        w = rng.choice(words)
        if rng.random() < 0.5:
            a = rng.randrange(len(w))
            w = w[a : a + rng.randint(2, 6)]
        return leet(rng, w) + rng.choice(_JOINERS)

    return _fill(rng, max_len, piece), _locale(rng)


def script_run(rng: random.Random, words: list[str], max_len: int) -> Input:
    """A run of one script (1,000 CJK, Cyrillic, Arabic, Devanagari... characters), sometimes
    broken by spaces or with a rule word inside."""
    script = rng.choice(list(_SCRIPTS))
    n = max_len if rng.random() < 1 / 300 else _length(rng, max_len)
    text = _run(rng, script, n)
    if rng.random() < 0.3:
        text = " ".join(text[i : i + rng.randint(1, 12)] for i in range(0, len(text), 12))
    if rng.random() < 0.3:
        k = rng.randrange(len(text) + 1)
        text = text[:k] + rng.choice(words) + text[k:]
    return text[: max(max_len, 1)], _locale(rng)


def invisibles(rng: random.Random, words: list[str], max_len: int) -> Input:
    """Rule words with zero-width characters, bidi controls, variation selectors and tags
    between (or instead of) their letters."""

    def piece() -> str:
        w = rng.choice(words)
        return "".join(c + "".join(rng.choices(_INVISIBLE, k=rng.randint(0, 3))) for c in w) + (
            rng.choice([" ", "", rng.choice(_INVISIBLE)])
        )

    return _fill(rng, max_len, piece), _locale(rng)


def surrogates(rng: random.Random, words: list[str], max_len: int) -> Input:
    """Lone surrogates (a Python str may hold them; UTF-8 cannot) inside and around words."""

    def piece() -> str:
        s = chr(rng.randint(*_SURROGATES))
        w = rng.choice(words)
        k = rng.randrange(len(w) + 1)
        return rng.choice([s, w[:k] + s + w[k:], s + w, w + s + s, "#" + s])

    return _fill(rng, max_len, piece, " "), _locale(rng)


def combining(rng: random.Random, words: list[str], max_len: int) -> Input:
    """Combining-mark floods: a letter with hundreds of marks, or marks on every letter."""
    if rng.random() < 0.5:
        base = rng.choice(words)[:1] or "a"
        marks = "".join(rng.choices(_COMBINING, k=_length(rng, max_len)))
        return (base + marks)[: max(max_len, 1)], _locale(rng)

    def piece() -> str:
        w = rng.choice(words)
        return "".join(c + "".join(rng.choices(_COMBINING, k=rng.randint(1, 8))) for c in w)

    return _fill(rng, max_len, piece, " "), _locale(rng)


def huge_locale(rng: random.Random, words: list[str], max_len: int) -> Input:
    """A query with a match, so the card is resolved, and a hostile locale: 100 KB, empty,
    separators only, lone surrogates, odd scripts, NUL."""
    query = rng.choice(words)
    kind = rng.randrange(8)
    if kind == 0:
        locale = "x" * rng.choice([65, 1000, 100_000])
    elif kind == 1:
        locale = "-".join(rng.choices(["pl", "PL", "sv", "en", "zz", "", "Latn"], k=1000))
    elif kind == 2:
        locale = rng.choice(["", "-", "_", "--", "pl--PL", "-PL", "pl-", "PL", "pl_PL"])
    elif kind == 3:
        locale = "pl-" + chr(rng.randint(*_SURROGATES))
    elif kind == 4:
        locale = _run(rng, rng.choice(list(_SCRIPTS)), rng.randint(1, 200))
    elif kind == 5:
        locale = "pl\x00PL" + "\u202e" * rng.randint(0, 50)
    elif kind == 6:
        locale = "".join(chr(rng.randint(0, 0x10FFFF)) for _ in range(rng.randint(1, 40)))
    else:
        locale = f"{rng.randint(0, 10**30)}-{rng.random()}"
    return query, locale


def mixed_scripts(rng: random.Random, words: list[str], max_len: int) -> Input:
    """Rule words with look-alike letters of Cyrillic, Greek and Armenian, fancy letters
    (bold, script, full width, circled) and words of other scripts glued on."""

    def piece() -> str:
        w = rng.choice(words)
        out = []
        for c in w:
            r = rng.random()
            if c in _LOOKALIKES and r < 0.4:
                out.append(rng.choice(_LOOKALIKES[c]))
            elif "a" <= c <= "z" and r < 0.5:
                out.append(chr(rng.choice(_FANCY) + ord(c)))
            else:
                out.append(c)
        if rng.random() < 0.3:
            out.append(_run(rng, rng.choice(list(_SCRIPTS)), rng.randint(1, 4)))
        return "".join(out)

    return _fill(rng, max_len, piece, rng.choice([" ", "", "-"])), _locale(rng)


def hashtag(rng: random.Random, words: list[str], max_len: int) -> Input:
    """Hashtags of glued rule words, in CamelCase or not, sometimes leet, with numbers."""

    def piece() -> str:
        w = rng.choice(words)
        if rng.random() < 0.5:
            w = w[:1].upper() + w[1:]
        if rng.random() < 0.3:
            w = leet(rng, w, 0.4)
        if rng.random() < 0.1:
            w += str(rng.randint(0, 9999))
        return w

    tags = rng.randint(1, 3)
    body = _fill(rng, max(1, max_len // tags), piece)
    return " ".join("#" + body for _ in range(tags))[: max(max_len, 1)], _locale(rng)


def random_unicode(rng: random.Random, words: list[str], max_len: int) -> Input:
    """Any code point (unassigned, private use, controls, surrogates, astral planes)."""
    n = _length(rng, max_len)
    if rng.random() < 0.5:
        return "".join(chr(rng.randint(0, 0x10FFFF)) for _ in range(n)), _locale(rng)
    # mostly the Basic Multilingual Plane, where the scripts are
    return "".join(chr(rng.randint(0, 0xFFFF)) for _ in range(n)), _locale(rng)


def near_miss(rng: random.Random, words: list[str], max_len: int) -> Input:
    """Rule terms one or two edits away, stretched, spelled out letter by letter, split by
    separators, doubled, cased oddly."""

    def miss(w: str) -> str:
        kind = rng.randrange(8)
        if not w:
            return w
        k = rng.randrange(len(w))
        if kind == 0:  # deletion
            return w[:k] + w[k + 1 :]
        if kind == 1:  # substitution
            return w[:k] + rng.choice("abcdefghijklmnopqrstuvwxyz") + w[k + 1 :]
        if kind == 2:  # transposition
            return w[:k] + w[k + 1 : k + 2] + w[k : k + 1] + w[k + 2 :] if k + 1 < len(w) else w
        if kind == 3:  # stretched
            return w[:k] + w[k] * rng.randint(2, 30) + w[k + 1 :]
        if kind == 4:  # spelled out
            return rng.choice([" ", ".", "-", "  ", ". "]).join(w)
        if kind == 5:  # split by a separator
            return w[:k] + rng.choice(" .-_*/\\'+~") + w[k:]
        if kind == 6:  # insertion
            return w[:k] + rng.choice("abcdefghijklmnopqrstuvwxyz") + w[k:]
        return "".join(c.upper() if rng.random() < 0.5 else c for c in w)

    def piece() -> str:
        w = rng.choice(words)
        for _ in range(rng.randint(1, 2)):
            w = miss(w)
        return w

    return _fill(rng, max_len, piece, " "), _locale(rng)


def phrases(rng: random.Random, words: list[str], max_len: int) -> Input:
    """Several rule words side by side (phrases, near terms, exceptions and help cues meet)."""
    return _fill(rng, max_len, lambda: rng.choice(words), " "), _locale(rng)


def spelled(rng: random.Random, words: list[str], max_len: int) -> Input:
    """Letters spelled out across many words (``t h i n s p o``): long runs of single
    letters and digits, with dots, spaces and leet."""
    gap = rng.choice([" ", ".", " . ", "  ", "-", "_", ". "])
    n = _length(rng, max_len)
    letters = _fill(rng, n // 2 + 1, lambda: leet(rng, rng.choice(words), 0.3))
    return gap.join(letters)[:n], _locale(rng)


def whitespace(rng: random.Random, words: list[str], max_len: int) -> Input:
    """Empty queries, whitespace of every kind, punctuation only, words lost among them."""
    kind = rng.randrange(4)
    if kind == 0:
        return rng.choice(["", " ", "#", "##", "@", "-", "\x00", "\ufeff", "\u200b"]), None
    if kind == 1:
        return "".join(rng.choices(_SPACES, k=_length(rng, max_len))), _locale(rng)
    if kind == 2:
        n = _length(rng, max_len)
        return "".join(rng.choices("#@$!|.-_'*+~/\\,;:?()[]{}<>\"`^%&=", k=n)), _locale(rng)
    return rng.choice(_SPACES).join(
        [rng.choice(words), *rng.choices(_SPACES, k=_length(rng, max_len) // 2)]
    ), _locale(rng)


def long_query(rng: random.Random, words: list[str], max_len: int) -> Input:
    """Queries at and past the length cap: a rule word at the 1,024-character edge, or
    megabytes of text."""
    edge = 1024 + rng.randint(-8, 8)
    kind = rng.randrange(3)
    filler = rng.choice(["a", "ab ", "x", "é", "字", " ", "0"])
    if kind == 0:
        w = rng.choice(words)
        pad = (filler * edge)[: max(0, edge - len(w) // 2)]
        return pad + w, _locale(rng)
    if kind == 1:
        return filler * rng.choice([1025, 4096, 100_000]), _locale(rng)
    return (rng.choice(words) + " ") * (edge // 4), _locale(rng)


def digits(rng: random.Random, words: list[str], max_len: int) -> Input:
    """Numbers and leet with numbers glued on (``v1llh@4n0r3x!2025``, ``1488``), digits of
    other scripts, Arabizi (``3``, ``7``, ``2`` as Arabic letters)."""

    def piece() -> str:
        kind = rng.randrange(4)
        if kind == 0:
            return str(rng.randint(0, 10 ** rng.randint(1, 30)))
        if kind == 1:
            return leet(rng, rng.choice(words)) + str(rng.randint(0, 99999))
        if kind == 2:
            zero = rng.choice([0x660, 0x6F0, 0x966, 0xFF10, 0x1D7CE, 0xE50])
            return "".join(chr(zero + rng.randint(0, 9)) for _ in range(rng.randint(1, 8)))
        return "".join(rng.choice("abdhkmnrstwy2357896") for _ in range(rng.randint(2, 12)))

    return _fill(rng, max_len, piece, rng.choice([" ", "", "."])), _locale(rng)


def regex_bait(rng: random.Random, words: list[str], max_len: int) -> Input:
    """What the stress set's regex terms read: runs of one letter before a missing final
    letter, words ending a query (anchored patterns), the regex terms' phrases."""
    kind = rng.randrange(4)
    if kind == 0:  # up to 20 letters mostly: past that the polynomial patterns hit their bound
        c = rng.choice("xaqz")
        n = rng.randint(1, 20) if rng.random() < 0.95 else _length(rng, max_len)
        return c * n + rng.choice(["", " ", "!", "y"]), _locale(rng)
    if kind == 1:
        return rng.choice(words) + " " + rng.choice(["a", "xa", "la", "kill", "ana"]), None
    if kind == 2:
        return rng.choice(["kill myself", "k1ll myself", "pro ana", "kill  her self"]), None
    return "".join(rng.choices("xy za!", k=_length(rng, max_len))), _locale(rng)


def mutated(rng: random.Random, words: list[str], max_len: int) -> Input:
    """An input of another class, cut and spliced with another (what a hill climber does)."""
    a, _ = rng.choice(_BASE)(rng, words, max_len)
    b, loc = rng.choice(_BASE)(rng, words, max_len)
    i, j = rng.randrange(len(a) + 1), rng.randrange(len(b) + 1)
    return (a[:i] + b[j:])[: max(max_len, 1)], loc


_BASE: list[Generator] = [
    leet_joined,
    script_run,
    invisibles,
    surrogates,
    combining,
    huge_locale,
    mixed_scripts,
    hashtag,
    random_unicode,
    near_miss,
    phrases,
    spelled,
    whitespace,
    long_query,
    digits,
    regex_bait,
]

CLASSES: dict[str, Generator] = {g.__name__: g for g in [*_BASE, mutated]}
"""Every input class, by name."""

WEIGHTS: dict[str, float] = {
    "leet_joined": 8,
    "script_run": 8,
    "invisibles": 8,
    "surrogates": 6,
    "combining": 6,
    "huge_locale": 4,
    "mixed_scripts": 8,
    "hashtag": 10,
    "random_unicode": 8,
    "near_miss": 12,
    "phrases": 8,
    "spelled": 4,
    "whitespace": 3,
    "long_query": 0.5,
    "digits": 6,
    "regex_bait": 1,
    "mutated": 6,
}
"""How often each class is drawn in a stream (relative)."""


# -- rule words and the stress rule set --------------------------------------------------------


def rule_words(ruleset: RuleSet) -> list[str]:
    """The words of every term and exception of ``ruleset``, as written in the rules (sorted,
    so that a seed gives the same stream)."""
    found: set[str] = set()

    def add(text: str) -> None:
        for w in text.replace("*", " ").split():
            if w.isprintable() and not w.startswith(("@", "near")):
                found.add(w.lower())

    for rule in ruleset.rules:
        for term in (*rule.terms, *rule.unless):
            if term.kind is TermKind.NEAR:
                for group in term.groups:
                    for alternative in group:
                        add(alternative.text)
            elif term.kind is not TermKind.REGEX:
                add(term.text)
    return sorted(found)


STRESS_REGEXES = [
    r"\bkill (?:my|her|him)self\b",
    r"pro[\s_-]?ana",
    r"a$",  # anchored: the memo path and the full path must read the same text
    r"^th",
    r"\bana\b.*\btips$",
    r"[\p{Han}]{3}\d",
    r"(?:ab|cd)+z",  # a repeat of disjoint alternatives: linear
    r"\w+\w+\w+!",  # accepted with a REDOS lint warning: polynomial, under the time bound
]


ANCHORED = [p for p in STRESS_REGEXES if "$" in p or "^" in p]
"""The stress set's anchored patterns (the memo path and the full path disagreed on them until
regex terms ran on the whole query only; tests/fuzz/regressions.txt keeps the inputs)."""


def stress_texts(
    words: list[str], seed: int = 15, regexes: Sequence[str] = tuple(STRESS_REGEXES)
) -> dict[str, str]:
    """The generated rule file of the stress set (``stress.yaml``), from ``words``, with the
    regex terms ``regexes``."""
    rng = random.Random(seed)
    ascii_words = [w for w in words if w.isascii() and w.isalpha()]
    long_words = [w for w in ascii_words if len(w) >= 8]
    mid_words = [w for w in ascii_words if len(w) >= 5]
    rules: list[dict[str, object]] = []

    def once(terms: Sequence[object]) -> list[object]:
        """``terms`` without repeats (the loader refuses a term written twice in a rule)."""
        seen: dict[str, object] = {}
        for t in terms:
            key = t if isinstance(t, str) else json.dumps(t, sort_keys=True)
            seen.setdefault(key, t)
        return list(seen.values())

    def rule(rid: str, action: str, written: Sequence[object], **extra: object) -> None:
        terms = once(written)
        if isinstance(extra.get("unless"), list):
            extra["unless"] = [u for u in once(extra["unless"]) if u not in terms]  # type: ignore[arg-type]
        first = terms[0]
        example = first if isinstance(first, str) else "zzz stress example"
        rules.append(
            {
                "id": f"stress.{rid}",
                "action": action,
                "terms": terms,
                "examples": {"match": [example.replace("*", "")]},
                **extra,
            }
        )

    fuzzy = rng.sample(long_words, min(300, len(long_words)))
    for k in range(0, len(fuzzy), 50):
        rule(f"fuzzy{k}", "banner", [{"word": w, "fuzzy": 2} for w in fuzzy[k : k + 50]])
    subs = rng.sample(mid_words, min(300, len(mid_words)))
    rule("substrings", "interstitial", [{"substring": w} for w in subs])
    prefixes = rng.sample(mid_words, min(150, len(mid_words)))
    rule("prefixes", "banner", [{"prefix": w[: max(4, len(w) - 2)]} for w in prefixes])
    phrase_terms = [" ".join(rng.sample(ascii_words, rng.randint(2, 4))) for _ in range(500)]
    rule("phrases", "redirect", phrase_terms, unless=rng.sample(ascii_words, 20))
    near = [
        {
            "near": [rng.sample(mid_words, rng.randint(2, 6)) for _ in range(rng.randint(2, 4))],
            "within": 12,
        }
        for _ in range(30)
    ]
    rule("near", "banner", near)
    rule(
        "overlap",
        "block",
        rng.sample(mid_words, 50),
        unless=[" ".join(rng.sample(ascii_words, 2)) for _ in range(50)],
        unless_scope="overlap",
    )
    rule("scoped", "redirect", rng.sample(mid_words, 50), languages=["sv", "pl"])
    rule(
        "window",
        "block",
        rng.sample(mid_words, 30),
        active={"from": dt.date(2024, 1, 1), "until": dt.date(2024, 6, 30), "yearly": True},
    )
    rule("shadow", "block", rng.sample(mid_words, 50), status="experimental")
    rule(
        "regex",
        "redirect",
        [{"regex": p} for p in regexes],
        examples={"match": ["kill myself"]},
    )
    doc = {"category": "stress", "card": "crisis_support", "rules": rules}
    return {"stress.yaml": yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)}


@contextmanager
def stress_rules(
    words: list[str] | None = None, regexes: Sequence[str] = tuple(STRESS_REGEXES)
) -> Iterator[Path]:
    """A temporary copy of the shipped rules with ``stress.yaml`` added."""
    with tempfile.TemporaryDirectory(prefix="interventions-stress-") as tmp:
        root = Path(tmp) / "rules"
        shutil.copytree(default_rules_path(), root)
        if words is None:
            words = rule_words(Engine.default().ruleset)
        for name, text in stress_texts(words, regexes=regexes).items():
            (root / name).write_text(text, encoding="utf-8")
        yield root


BUILD_TIME_CACHES = frozenset({"interventions._scripts._arabizi_table"})
"""``functools`` caches that hold what building an engine builds (the Arabizi table of a rule
set's Arabic words, made by ``Engine(...)`` before its first query): a fresh process has them
before the first query too, so they are kept; their memos of inputs are emptied."""


def clear_process_caches(engine: Engine | None = None) -> int:
    """Empty every ``functools`` cache of the library's modules (token keys, folded
    characters...), so that a measurement starts as cold as a fresh process would; returns
    how many caches were cleared. The tables an engine builds when it is built
    (``BUILD_TIME_CACHES``) stay, with ``engine``'s memo of Arabizi readings emptied."""
    import sys

    from interventions._scripts import arabizi_table

    cleared = 0
    for name, module in list(sys.modules.items()):
        if not name.startswith("interventions"):
            continue
        for attr, value in list(vars(module).items()):
            clear = getattr(value, "cache_clear", None)
            if callable(clear) and getattr(value, "__module__", None) == name:
                if f"{name}.{attr}" in BUILD_TIME_CACHES:
                    continue
                clear()
                cleared += 1
    if engine is not None:
        arabizi_table(engine._index.segmenter.terms).memo.clear()
        cleared += 1
    return cleared


# -- regression files: one input per line --------------------------------------------------------


def encode_line(ruleset: str, query: str, locale: str | None, known: str = "") -> str:
    """One line of ``tests/fuzz/regressions.txt``: the rule set's name, then the query and
    locale as JSON strings (every character escaped, lone surrogates included), then, for an
    input that still fails, why (the test expects it to fail until that is fixed)."""
    fields = [ruleset, json.dumps(query), json.dumps(locale)]
    return "\t".join([*fields, known] if known else fields)


def decode_line(line: str) -> tuple[str, str, str | None, str]:
    """(rule set, query, locale, known failure or "") of a line of ``regressions.txt``."""
    ruleset, query, locale, *known = line.rstrip("\n").split("\t")
    q = json.loads(query)
    loc = json.loads(locale)
    if not isinstance(q, str) or not (loc is None or isinstance(loc, str)) or len(known) > 1:
        raise ValueError(f"not a regression line: {line!r}")
    return ruleset, q, loc, known[0] if known else ""
