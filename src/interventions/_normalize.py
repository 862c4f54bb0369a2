"""One normalizer for rule terms and queries, with an offset map back to the original text.

The steps, in order (``docs/normalization.md`` has the why of each):

1. ``nfkc``            NFKC per character (``𝓽`` → ``t``, ``Ｔ`` → ``T``, ``ﬁ`` → ``fi``);
                       enclosed letters NFKC leaves alone (``🅣``) become letters.
2. ``ignorables``      zero-width, bidi controls, soft hyphen, variation selectors are dropped;
                       control characters, lone surrogates and private-use become spaces.
3. ``confusables``     look-alike letters of other scripts become Latin inside tokens that mix
                       scripts (``thinѕро`` with Cyrillic ``ѕ р о``).
4. ``fold``            case folding and transliteration (``przemocą`` → ``przemoca``).
5. ``leet``            ``0→o 1→i|l 3→e 4→a 5→s 7→t @→a $→s !→i |→l|i``: a capped set of
                       candidates per token, never replacing the token as written.
6. ``collapse``        runs of one letter (``thinspooo`` → ``thinspo``) as an extra candidate.
7. ``separators``      ``p.r.o.a.n.a``, ``t h i n s p o``, ``pro-ana`` also yield the joined token.
8. ``hashtags``        ``#ThinspoTips`` also yields ``thinspo`` + ``tips``.

Steps 1-4 run only for non-ASCII input; for ASCII, ``str.lower`` is all they would do.
Steps 5-8 add candidates: a token keeps its written form, so nothing a rule says can become
unmatchable, and every token knows its span in the original query.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

import regex
from unidecode import unidecode

from interventions._confusables import ALWAYS, LATIN_TO_CYRILLIC, MIXED_SCRIPT
from interventions._scripts import fold_native, native_readings, script_of

__all__ = [
    "COLLAPSED",
    "MAX_QUERY_CHARS",
    "WEAK",
    "Normalized",
    "Step",
    "Token",
    "TokenOrigin",
    "collapse",
    "letters_text",
    "normalize",
    "original_span",
    "token_keys",
    "token_steps",
]

MAX_QUERY_CHARS = 1024
"""Queries are matched on their first 1,024 characters (a search box rarely allows 300); the
decision says ``truncated=True`` when more was cut. This bounds the time of every check."""

WEAK = "\x02"
"""Marks a collapsed key too short to stand alone; accepted only inside phrases."""

STRONG_COLLAPSE = 4

COLLAPSED = "\x01"
"""Marks a key whose letter runs were collapsed. Collapsed keys live in their own namespace so
that ``anna`` never meets the term ``ana``; see :func:`token_keys`."""

LEET: dict[str, str] = {
    "0": "o",
    "1": "il",
    "3": "e",
    "4": "a",
    "5": "s",
    "7": "t",
    "8": "b",
    "9": "g",
    "2": "z",
    "@": "a",
    "$": "s",
    "!": "i",
    "|": "li",
}
MAX_LEET_VARIANTS = 8
MAX_NUMBER_LETTERS = 2
"""Digits at the start of a number glued to a leet word that may still be the word's letters."""
_EDGE = "@$!|"
_DIGITS = "0123456789"
_TOKEN_RE = re.compile(r"[a-z0-9@$!|]+")
_KNOWN = (
    r"\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Hangul}\p{Devanagari}\p{Bengali}\p{Tamil}"
    r"\p{Arabic}\p{Hebrew}\p{Cyrillic}\p{Greek}\p{Armenian}\p{Georgian}"
)
# After folding, Latin is ASCII; every other script is a token of its own, one run per script
# (Japanese mixes Han and kana in one word, so they form one run).
_SCRIPT_TOKEN_RE = regex.compile(
    r"[a-z0-9@$!|]+"
    r"|[\p{Han}\p{Hiragana}\p{Katakana}\u30fc\u3005\u3006]+"
    r"|\p{Thai}+|\p{Hangul}+|\p{Devanagari}+|\p{Bengali}+|\p{Tamil}+"
    r"|[\p{Arabic}&&[\p{L}\p{M}]]+|[\p{Hebrew}&&[\p{L}\p{M}]]+"
    r"|\p{Cyrillic}+|\p{Greek}+|\p{Armenian}+|\p{Georgian}+"
    r"|[[\p{L}\p{M}]--[\x00-\x7f" + _KNOWN + "]]+",
    regex.V1,
)
_RUN_RE = re.compile(r"(.)\1+")
_RUN3_RE = re.compile(r"(.)\1\1")
_RUN3PLUS_RE = re.compile(r"([a-z])\1\1+")
_JOINERS = frozenset("-_.'*+~/\\")
_SINGLE_GAP_MAX = 3
_MAX_CHAIN = 4
_ASCII_CONTROLS = {c: " " for c in [*range(32), 127]}


class TokenOrigin(enum.StrEnum):
    """Which reading of the query a token belongs to.

    ``token``: the query's own tokens. ``joined``: tokens written apart by separators, joined
    (``pro-ana`` → ``proana``). ``hashtag``: a camel-case word split (``ThinspoTips``).
    ``segmented``: a glued word split into known words (see ``_segment``). ``arabizi``: Arabic
    written in Latin letters and digits, read back into Arabic script.
    """

    TOKEN = "token"
    JOINED = "joined"
    HASHTAG = "hashtag"
    SEGMENTED = "segmented"
    ARABIZI = "arabizi"


@dataclass(frozen=True, slots=True)
class Token:
    """A token of the normalized query.

    ``text`` is the token as normalized by steps 1-4; ``keys`` are every candidate form the
    matcher looks up (steps 5-6); ``start``/``end`` are its span in the ORIGINAL query.
    """

    text: str
    start: int
    end: int
    keys: tuple[str, ...]
    origin: TokenOrigin = TokenOrigin.TOKEN
    hashtag: bool = False  # written right after '#'


@dataclass(frozen=True, slots=True)
class Step:
    """One normalization step for :meth:`Engine.explain`: its name and the text after it."""

    name: str
    text: str


@dataclass(frozen=True, slots=True)
class Normalized:
    """A query after normalization.

    ``sequences[0]`` is the query's own tokens in order; later sequences are the extra readings
    from separator joining and hashtag splitting. Phrases match within one sequence.
    """

    query: str
    text: str
    sequences: tuple[tuple[Token, ...], ...]
    truncated: bool
    origin: list[int] | None = None
    """Original index of each character of ``text``; None when they are the same (ASCII)."""
    complete: bool = True
    """False when a reading was left out to bound the work per query (a token too long to
    split into words, see ``_segment.MAX_SEGMENT_CHARS``)."""

    @property
    def tokens(self) -> tuple[Token, ...]:
        return self.sequences[0]


# -- steps 1-4: characters -------------------------------------------------------------------

_DROP_CATEGORIES = frozenset({"Cf"})
_SPACE_CATEGORIES = frozenset({"Cc", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"})
_EXTRA_IGNORABLE = frozenset(
    "\u034f\u115f\u1160\u3164\uffa0\u180b\u180c\u180d\u180f"
    + "".join(chr(c) for c in range(0xFE00, 0xFE10))
)


def _is_ignorable(c: str) -> bool:
    return (
        unicodedata.category(c) in _DROP_CATEGORIES
        or c in _EXTRA_IGNORABLE
        or 0xE0100 <= ord(c) <= 0xE01EF
    )


_APOSTROPHES = frozenset("\u02bc\u02bb\u2019\u2018")
"""Apostrophes written as letters or quotes (Ukrainian б\u02bcє, м\u2019ясо) read as ``'``."""


@lru_cache(maxsize=1 << 14)
def _fold_char(c: str) -> str:
    """Step 4 for one character: case folding, then Latin transliterated to ASCII and every
    other script folded in its own way (``_scripts.fold_native``); digits of any script become
    ASCII digits."""
    if c < "\x80":
        return c.lower()
    if c in _APOSTROPHES:
        return "'"
    category = unicodedata.category(c)
    if category == "Nd":
        return str(unicodedata.digit(c, 0))
    script = script_of(c)
    if script and script != "LATIN":
        return fold_native(c, script)
    folded = c.casefold()
    if folded.isascii():
        return folded
    return str(unidecode(folded)).lower()


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c in LEET or unicodedata.category(c) in ("Mn", "Mc")


Chars = list[tuple[str, int]]


def _joins_previous(c: str, prev: str) -> bool:
    """Whether ``c`` composes with what precedes it: a combining mark, or a Hangul jamo after
    a jamo or syllable (text typed or stored decomposed)."""
    if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Mc", "Me"):
        return True
    if c in "\uff9e\uff9f":  # half-width (semi-)voiced sound marks: ﾌﾟ is プ
        return True
    leading = "\u1100" <= c <= "\u115f" or "\ua960" <= c <= "\ua97f"  # starts a syllable
    return not leading and _is_jamo(c) and (_is_jamo(prev) or "\uac00" <= prev <= "\ud7a3")


def _is_jamo(c: str) -> bool:
    return (
        "\u1100" <= c <= "\u11ff"
        or "\u3131" <= c <= "\u318e"
        or "\ua960" <= c <= "\ua97f"
        or "\ud7b0" <= c <= "\ud7ff"
    )


def _step_nfkc(q: str) -> Chars:
    """NFKC per cluster (a character with the marks or jamo that compose with it), keeping
    where each output character came from: a cluster's output points at its first character."""
    out: Chars = []
    n = len(q)
    i = 0
    while i < n:
        ch = q[i]
        j = i + 1
        if ch >= "\x80" or (j < n and q[j] >= "\x80"):
            while j < n and q[j] >= "\x80" and _joins_previous(q[j], q[j - 1]):
                j += 1
        if j == i + 1 and ch < "\x80":
            out.append((ch, i))
        else:
            nf = unicodedata.normalize("NFKC", q[i:j])
            k = len(nf)
            for m, c in enumerate(nf):
                # the outputs spread over the cluster (a span that ends in it is moved to its
                # end by _cluster_end)
                out.append((ALWAYS.get(c, c), i + m * (j - i) // k))
        i = j
    return out


def _step_ignorables(chars: Chars) -> Chars:
    out: Chars = []
    for c, i in chars:
        if c < "\x80":
            out.append((" " if c < " " or c == "\x7f" else c, i))
        elif _is_ignorable(c):
            continue
        elif unicodedata.category(c) in _SPACE_CATEGORIES:
            out.append((" ", i))
        else:
            out.append((c, i))
    return out


_LOOKALIKE_SCRIPTS = frozenset({"LATIN", "CYRILLIC", "GREEK", "ARMENIAN"})


def _step_confusables(chars: Chars) -> Chars:
    """Map look-alikes inside words that mix Latin, Cyrillic, Greek and Armenian letters: to
    Latin (``thinѕро``, ``αոоrехια``) or, for a Cyrillic word with Latin look-alikes, to
    Cyrillic (``прoана``)."""
    out = list(chars)
    n = len(out)
    k = 0
    while k < n:
        if not _is_word_char(out[k][0]):
            k += 1
            continue
        j = k
        scripts: set[str] = set()
        while j < n and _is_word_char(out[j][0]):
            s = script_of(out[j][0])
            if s:
                scripts.add(s)
            j += 1
        scripts.discard("INHERITED")
        leet = sum(1 for c, _ in out[k:j] if c < "\x80" and not c.isalpha())
        if leet:
            scripts.add("LATIN")  # digits and symbols in a word are leetspeak, a Latin habit
        if j - k == 1 and out[k][0] in MIXED_SCRIPT:
            # a letter standing alone is read with its neighbours (p.r.о.а.n.a), where
            # look-alikes mean Latin
            out[k] = (MIXED_SCRIPT[out[k][0]], out[k][1])
        elif len(scripts) > 1 and len(scripts & _LOOKALIKE_SCRIPTS) > 1:
            latin_letters = [c for c, _ in out[k:j] if script_of(c) == "LATIN"]
            other_letters = [
                c for c, _ in out[k:j] if script_of(c) not in ("LATIN", "", "INHERITED")
            ]
            # which script the word is in: the one whose look-alikes explain the other letters;
            # when both can, the one with more letters
            cyrillic = scripts <= {"LATIN", "CYRILLIC"} and all(
                c in LATIN_TO_CYRILLIC for c in latin_letters
            )
            latin = all(c in MIXED_SCRIPT for c in other_letters)
            if cyrillic and (not latin or len(latin_letters) + leet < len(other_letters)):
                # a Cyrillic word with Latin look-alikes: прoана
                for m in range(k, j):
                    c, i = out[m]
                    if c in LATIN_TO_CYRILLIC:
                        out[m] = (LATIN_TO_CYRILLIC[c], i)
            elif latin or len(latin_letters) + leet >= len(other_letters):
                # a Latin word with look-alikes of other scripts: thinѕро, ΗΕLLΟ; what does not
                # look Latin is transliterated, so the word stays one token (ПPOAHA)
                for m in range(k, j):
                    c, i = out[m]
                    if script_of(c) not in ("LATIN", "", "INHERITED"):
                        out[m] = (MIXED_SCRIPT.get(c) or _latin_of(c), i)
        k = j
    return out


@lru_cache(maxsize=1 << 12)
def _latin_of(c: str) -> str:
    """A letter of another script inside a Latin word, as ASCII (one character, so the offset
    map stays one to one here); ``?`` when it has no transliteration."""
    latin = str(unidecode(c)).lower()
    return latin[:1] if latin[:1].isalpha() else "?"


def _step_fold(chars: Chars) -> Chars:
    out: Chars = []
    for c, i in chars:
        for f in _fold_char(c):
            out.append((f, i))
    return out


def _fold_unicode(q: str, trace: list[Step] | None) -> tuple[str, list[int]]:
    chars = _step_nfkc(q)
    if trace is not None:
        trace.append(Step("nfkc", "".join(c for c, _ in chars)))
    chars = _step_ignorables(chars)
    if trace is not None:
        trace.append(Step("ignorables", "".join(c for c, _ in chars)))
    chars = _step_confusables(chars)
    if trace is not None:
        trace.append(Step("confusables", "".join(c for c, _ in chars)))
    chars = _step_fold(chars)
    text = "".join(c for c, _ in chars)
    if trace is not None:
        trace.append(Step("fold", text))
    return text, [i for _, i in chars]


# -- steps 5-6: candidate keys per token -----------------------------------------------------


def collapse(s: str) -> str:
    """Collapse every run of one character to a single character."""
    # most words have no run: a search is a quarter of a substitution's cost
    return _RUN_RE.sub(r"\1", s) if _RUN_RE.search(s) else s


def _leet_variants(s: str) -> list[str]:
    variants = [""]
    for c in s:
        choices = LEET.get(c, c)
        if len(choices) > 1 and len(variants) * len(choices) <= MAX_LEET_VARIANTS:
            variants = [v + x for v in variants for x in choices]
        else:
            variants = [v + choices[0] for v in variants]
    return variants


def _forms(tok: str) -> list[str]:
    """The readings of one token: as written, without edge symbols/digits, leet-decoded.

    Tokens without a letter are decoded too (``70`` → ``to``, ``1$!$`` → ``isis``): in a
    phrase they are words written in digits; on their own they stay ``1488`` as written. A token
    that ends in a number is also decoded without it (``v1llh@4n0r3x!2025`` →
    ``villhaanorexi``): a year or a count glued to a leet word is not part of the word; and, as
    its first digits may be the word's last letters (``7h!n$p024``), without all but its first
    one or two (``thinspo``).
    """
    forms = [tok]
    core = tok.strip(_EDGE)
    if core and core != tok:
        forms.append(core)
    trimmed = core.strip(_DIGITS).strip(_EDGE)
    if trimmed and trimmed != core and any(c.isalpha() for c in trimmed):
        forms.append(trimmed)
    decoded = [core, tok]
    # without the trailing number, the rest decoded on its own (#han9my$elf99 → hangmyself);
    # the number may start with the word's last letters written as digits (#7h!n$p024 →
    # thinspo + 24), so also with one or two of its digits kept
    number = len(core) - len(core.rstrip(_DIGITS))
    if number and number < len(core):
        decoded += [
            core[: len(core) - number + k] for k in range(min(number, MAX_NUMBER_LETTERS + 1))
        ]
    for f in dict.fromkeys(decoded):
        if f and any(c in LEET for c in f):
            forms.extend(_leet_variants(f))
    return list(dict.fromkeys(forms))


@lru_cache(maxsize=1 << 16)
def token_keys(tok: str) -> tuple[str, ...]:
    """Every key under which the token ``tok`` (steps 1-4 done) is looked up.

    A collapsed reading (``thinspooo`` → ``thinspo``) is a strong key (``COLLAPSED``) when it is
    long enough to be distinctive (≥ 4 letters) or the token shows a run of three, the mark of
    deliberate stretching; so ``anna`` does not become the word ``ana`` but ``aaana`` does.
    Otherwise it is a weak key (``WEAK``), which only words inside a phrase accept: ``prro ana
    tips`` still reads as the phrase ``pro ana tips``. A token with a run of three also gets a
    plain key with only those runs undone (``skinnyotkkk`` → ``skinnyotk``), so that a typo in
    a stretched word is still one edit from a term with a double letter.
    """
    if not tok.isascii():
        return _native_keys(tok)
    # a word of letters has no leet, edge or number forms: itself
    forms = [tok] if tok.isalpha() else _forms(tok)
    keys = dict.fromkeys(forms)
    for f in forms:
        c = collapse(f)
        if c != f:
            # a run of three or more shortens the form by two letters at least
            stretched = len(f) - len(c) >= 2 and _RUN3_RE.search(f)
            keys[(COLLAPSED if len(c) >= STRONG_COLLAPSE or stretched else WEAK) + c] = None
            if stretched:
                # stretched letters undone, doubled letters kept: skinnyotkkk → skinnyotk, a
                # typo away from skinnytok, where the collapsed skinyotk is two
                destretched = _RUN3PLUS_RE.sub(r"\1", f)
                if destretched != c:
                    keys[destretched] = None
    return tuple(keys)


def _native_keys(tok: str) -> tuple[str, ...]:
    """Keys of a token in a non-Latin script: as written, its readings without a particle or
    article (``_scripts.native_readings``), the collapsed form of stretched letters, and, for a
    word written wholly in letters that look Latin (``ѕеху``), the Latin reading's keys."""
    script = script_of(tok[0])
    keys: dict[str, None] = dict.fromkeys((tok, *native_readings(tok, script)))
    for f in list(keys):
        c = collapse(f)
        if c != f and _RUN3_RE.search(f):
            keys[COLLAPSED + c] = None
    if all(c in MIXED_SCRIPT for c in tok):
        latin = "".join(MIXED_SCRIPT[c] for c in tok)
        keys.update(dict.fromkeys(token_keys(latin)))
    return tuple(keys)


# -- steps 7-8: extra readings ----------------------------------------------------------------


def _joined(
    text: str, spans: list[tuple[int, int]], tokens: list[Token]
) -> list[tuple[Token, ...]]:
    """Readings that join letters split by separators: ``t h i n s p o``, ``pro-ana``.

    The query's tokens with every joined group in place of its parts form one reading, so a
    phrase can continue after it (``p.r.o.a.n.a tips``); parts of glued word chains
    (``pro-ana-tips`` → ``proana``, ``anatips``) are readings of their own. Letters spelled out
    word by word (``p.r.o a.n.a``, ``p r o  a n a``) also make a reading with one token per
    word, where the separators show the words: see :func:`_letter_words`.
    """
    extra: list[tuple[Token, ...]] = []
    groups: list[tuple[int, int]] = []
    words: dict[tuple[int, int], list[tuple[int, int]]] = {}
    n = len(tokens)
    letter = [_is_letter(span, tok) for span, tok in zip(spans, tokens, strict=True)]
    k = 0
    # spaced or dotted single letters: t h i n s p o / p.r.o.a.n.a
    while k < n:
        j = k
        while (
            j + 1 < n
            and letter[j]
            and letter[j + 1]
            and spans[j + 1][0] - spans[j][1] <= _SINGLE_GAP_MAX
        ):
            j += 1
        if j - k + 1 >= 3:
            groups.append((k, j))
            cut = _letter_words(text, spans, k, j)
            if cut is not None:
                words[k, j] = cut
            k = j + 1
        else:
            k += 1
    # words glued by one in-word separator: pro-ana, pro_ana, pro.ana
    k = 0
    while k < n:
        j = k
        while j + 1 < n and spans[j + 1][0] - spans[j][1] == 1 and text[spans[j][1]] in _JOINERS:
            j += 1
        if j > k:
            chain = tokens[k : j + 1]
            if not any(a <= k and j <= b for a, b in groups):
                groups.append((k, j))
            if not any(len(t.text) == 1 for t in chain):
                # letters spelled one by one only make the whole word; words make every part
                for a in range(len(chain)):
                    for b in range(a + 2, min(len(chain), a + _MAX_CHAIN) + 1):
                        if b - a < len(chain):
                            extra.append((_join(chain[a:b]),))
        k = j + 1
    if groups:
        readings = [tuple(_merge(tokens, sorted(groups), {}))]
        if words:
            readings.append(tuple(_merge(tokens, sorted(groups), words)))
        extra[:0] = readings
    return extra


def _merge(
    tokens: list[Token],
    groups: list[tuple[int, int]],
    words: dict[tuple[int, int], list[tuple[int, int]]],
) -> list[Token]:
    """``tokens`` with each group (sorted, first wins on overlap) joined into one token, or,
    for a group in ``words``, into one token per word."""
    merged: list[Token] = []
    k = 0
    for a, b in groups:
        if a < k:
            continue
        merged.extend(tokens[k:a])
        for x, y in words.get((a, b), [(a, b)]):
            merged.append(_join(tokens[x : y + 1]) if y > x else tokens[x])
        k = b + 1
    merged.extend(tokens[k:])
    return merged


def _is_letter(span: tuple[int, int], tok: Token) -> bool:
    """One letter as written: one character after folding, or one written character that
    folds to two (``ß`` → ``ss``, ``æ`` → ``ae``)."""
    size = span[1] - span[0]
    return size == 1 or (size == 2 and tok.end - tok.start == 1)


def _letter_words(
    text: str, spans: list[tuple[int, int]], a: int, b: int
) -> list[tuple[int, int]] | None:
    """The words of the letters ``a..b`` when the separators show them: a space between words
    and none inside them (``p.r.o a.n.a``, ``p-r-o a_n_a``), or wider spaces between words
    (``p r o  a n a``). None when every gap looks the same."""
    gaps = [text[spans[m][1] : spans[m + 1][0]] for m in range(a, b)]
    spaced = [any(c.isspace() for c in g) for g in gaps]
    if all(spaced):
        shortest = min(map(len, gaps))
        cut = [len(g) > shortest for g in gaps]
    else:
        cut = spaced
    if not any(cut):
        return None
    out: list[tuple[int, int]] = []
    start = a
    for m, c in zip(range(a, b), cut, strict=True):
        if c:
            out.append((start, m))
            start = m + 1
    out.append((start, b))
    return out


def _join(tokens: list[Token] | tuple[Token, ...]) -> Token:
    text = "".join(t.text for t in tokens)
    return Token(text, tokens[0].start, tokens[-1].end, token_keys(text), TokenOrigin.JOINED)


def _camel(
    query: str, text: str, span: tuple[int, int], origin: list[int] | None
) -> tuple[Token, ...] | None:
    """``ThinspoTips`` → ``thinspo`` + ``tips``: split where lower case meets upper case."""
    a, b = span
    cuts = [a]
    for k in range(a + 1, b):
        o, p = (k, k - 1) if origin is None else (origin[k], origin[k - 1])
        if o != p and query[o].isupper() and query[p].islower():
            cuts.append(k)
    cuts.append(b)
    # a one-letter piece is random capitals (``HArM``), not a word boundary
    cuts = [c for k, c in enumerate(cuts) if k in (0, len(cuts) - 1) or (c - cuts[k - 1] >= 2)]
    if len(cuts) > 2 and cuts[-1] - cuts[-2] < 2:
        del cuts[-2]
    if len(cuts) <= 2:
        return None
    pieces = []
    for x, y in pairwise(cuts):
        piece = text[x:y]
        start = x if origin is None else origin[x]
        end = y if origin is None else origin[y - 1] + 1
        pieces.append(Token(piece, start, end, token_keys(piece), TokenOrigin.HASHTAG))
    return tuple(pieces)


# -- words of letters ------------------------------------------------------------------------


_LATIN_BLOCKS = ((0x00C0, 0x0250), (0x1E00, 0x1F00))
"""Latin-1 letters, Latin Extended-A/B and Latin Extended Additional (Vietnamese)."""


@lru_cache(maxsize=1)
def _letter_fold() -> dict[int, int]:
    """``str.translate`` table of the letters that steps 1-4 fold one to one into an ASCII
    letter inside a word of Latin letters (``Ä`` → ``a``, ``ł`` → ``l``), ASCII capitals
    included; not ``ß`` (two letters) nor a letter followed by a combining mark (not here)."""
    table = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}
    for lo, hi in _LATIN_BLOCKS:
        for code in range(lo, hi):
            c = chr(code)
            if not c.isalpha() or script_of(c) != "LATIN":
                continue
            # between two letters, as inside a word (one letter alone reads otherwise)
            text, origin = _fold_unicode(f"a{c}a", None)
            if len(text) == 3 and origin == [0, 1, 2] and text[1].isascii() and text[1].isalpha():
                table[code] = ord(text[1])
    return table


def letters_text(word: str) -> str | None:
    """What steps 1-4 make of ``word`` when it is a word of letters that reads as one token of
    its own length, each letter folded alone (``Ärger`` → ``arger``) and not split where the
    case changes (``ThinspoTips``); None for any other word (digits, symbols, marks, other
    scripts, ``ß``...), which :func:`normalize` reads. The engine's cold path takes the short
    way for such words; ``tests/normalize/test_letters.py`` holds it to :func:`normalize`."""
    if word.isascii():
        if not word.isalpha():
            return None
        text = word.lower()
    else:
        text = word.translate(_letter_fold())
        if not (text.isascii() and text.isalpha()):
            return None
    if len(word) >= 4 and not (word[1:].islower() or word.isupper()):
        return None  # a capital inside: normalize may read it as camel case
    return text


# -- the whole pipeline -----------------------------------------------------------------------


def normalize(query: str, *, trace: list[Step] | None = None) -> Normalized:
    """Normalize a query (or a rule term) into tokens with candidate keys and original spans.

    ``trace``, when given, receives the text after each character step; the token steps are
    visible in the returned tokens. Pure ASCII input skips steps 1-4 (only case folding applies)
    unless a trace is asked for.

    >>> [t.text for t in normalize("#Th1nspoTips").sequences[1]]
    ['th1nspo', 'tips']
    """
    truncated = len(query) > MAX_QUERY_CHARS
    if truncated:
        query = query[:MAX_QUERY_CHARS]
    origin: list[int] | None
    if trace is None and query.isascii():
        text, origin = query.lower(), None
        if not text.isprintable():
            text = text.translate(_ASCII_CONTROLS)
    else:
        if trace is not None:
            trace.append(Step("input", query))
        text, origin = _fold_unicode(query, trace)

    spans: list[tuple[int, int]] = []
    tokens: list[Token] = []
    limits = _long_word_limits(text)
    complete = True
    for m in (_TOKEN_RE if text.isascii() else _SCRIPT_TOKEN_RE).finditer(text):
        a, b = m.span()
        if limits and any(lo <= a < hi and a >= cut for lo, hi, cut in limits):
            complete = False  # past the work bound of very long words
            continue
        tok = m.group()
        if origin is None:
            start, end = a, b
        else:
            start, end = origin[a], _cluster_end(query, origin[b - 1] + 1)
        spans.append((a, b))
        hashtag = a > 0 and text[a - 1] == "#"
        tokens.append(Token(tok, start, end, token_keys(tok), hashtag=hashtag))

    sequences: list[tuple[Token, ...]] = [tuple(tokens)]
    if len(tokens) > 1:
        sequences.extend(_joined(text, spans, tokens))
    for span, token in zip(spans, tokens, strict=True):
        if _has_upper(query, token):
            camel = _camel(query, text, span, origin)
            if camel:
                sequences.append(camel)
    return Normalized(query, text, tuple(sequences), truncated, origin, complete)


LONG_WORD = 64
"""Characters of normalized text from which a whitespace-separated word counts as very long.
Such words are never in the engine's word memo."""
LONG_WORD_BUDGET = 128
"""Characters of very long words read per query, all together: the tokens that start past it
are not read, and the decision says it is incomplete. Real queries have no such words; a
kilobyte of glued leet fragments would otherwise cost a second."""
_LONG_WORD_RE = re.compile(rf"\S{{{LONG_WORD + 1},}}")


def _long_word_limits(text: str) -> list[tuple[int, int, int]]:
    """For each very long word of ``text``: its span and where reading it stops."""
    if len(text) <= LONG_WORD:
        return []
    out: list[tuple[int, int, int]] = []
    left = LONG_WORD_BUDGET
    for m in _LONG_WORD_RE.finditer(text):
        a, b = m.span()
        take = min(b - a, left)
        left -= take
        out.append((a, b, a + take))
    return out


def original_span(norm: Normalized, a: int, b: int) -> tuple[int, int]:
    """Where the characters ``a..b`` of ``norm.text`` came from in the query, as a span that
    never ends inside a cluster (as every token's)."""
    if norm.origin is None:
        return a, b
    return norm.origin[a], _cluster_end(norm.query, norm.origin[b - 1] + 1)


def _cluster_end(query: str, end: int) -> int:
    """``end`` moved past the marks and jamo that compose with the character before it, so
    that a span never ends inside a cluster (decomposed accents, Hangul typed as jamo)."""
    n = len(query)
    while end < n and query[end] >= "\x80" and _joins_previous(query[end], query[end - 1]):
        end += 1
    return end


def _has_upper(query: str, tok: Token) -> bool:
    if tok.end - tok.start < 4:
        return False
    seg = query[tok.start + 1 : tok.end]
    return not seg.islower() and any(c.isupper() for c in seg)


def token_steps(norm: Normalized) -> list[Step]:
    """Steps 5-8 as readable lines, for :meth:`Engine.explain`."""
    tokens = norm.tokens
    leet = []
    collapsed = []
    for tok in tokens:
        plain = [k for k in tok.keys if not k.startswith((COLLAPSED, WEAK)) and k != tok.text]
        if plain:
            leet.append(f"{tok.text}→{'|'.join(plain)}")
        squeezed = [k[1:] for k in tok.keys if k.startswith((COLLAPSED, WEAK))]
        if squeezed:
            collapsed.append(f"{tok.text}→{'|'.join(squeezed)}")
    joined = [t.text for s in norm.sequences[1:] for t in s if t.origin is TokenOrigin.JOINED]
    hashtags = [
        " + ".join(t.text for t in s)
        for s in norm.sequences[1:]
        if s[0].origin in (TokenOrigin.HASHTAG, TokenOrigin.SEGMENTED)
    ]
    return [
        Step("tokens", " ".join(t.text for t in tokens)),
        Step("leet", ", ".join(leet) or "-"),
        Step("collapse", ", ".join(collapsed) or "-"),
        Step("separators", ", ".join(joined) or "-"),
        Step("hashtags", ", ".join(hashtags) or "-"),
    ]
