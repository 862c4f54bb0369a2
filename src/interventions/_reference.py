"""The reference matcher: loop over every term and check it against every token, plainly.

It is slow and obviously right, and defines the semantics the compiled indexes in
``_match.py`` must reproduce (tests run both and compare). It shares no code with what it
checks: it reads the rule model (``_model``), the query's readings as the normalizer and the
segmenter made them (the caller passes them in, so both matchers see the same readings), the
script of a character (``_scripts.script_of``) and the function-word list, and states every
matching rule below itself, from ``docs/rule-format.md`` and ``docs/normalization.md``. A
constant that must equal the compiler's is written here again, and a test pins the two
(``tests/engine/test_reference_independent.py``); so is the rule that this module imports
nothing from ``_match``, ``_compile`` or ``_engine``.

How each kind of term accepts a query's tokens (``Token.keys`` are a token's readings: plain
keys, ``COLLAPSED`` + the token with letter runs squeezed, and ``WEAK`` + a squeezed form too
short to stand alone):

- **word**: a token with a plain key equal to the term's token, or a collapsed key whose body
  equals the term's token squeezed (``thinspooo`` → ``thinspo``); weak keys never.
- **prefix**: the same, with "starts with" for "equals".
- **phrase**: its tokens, in order, on consecutive tokens of one reading, each accepted like a
  word or a prefix; inside a phrase weak keys count too (``prro ana tips``). A phrase without a
  prefix before its last word is also its words glued into one token (``proanatips``), when
  that is at least ``MIN_GLUED`` letters, accepted like a word (a prefix when the last word is).
- **substring**: a token with a plain key holding the literal, or a collapsed key holding the
  literal squeezed; weak keys never.
- **fuzzy** (a word term with ``fuzzy: N``): also a token with a key (a collapsed key without
  its mark) of ``MIN_FUZZY_TOKEN`` to ``MAX_FUZZY_TOKEN`` characters within OSA distance N of
  the term (of the term squeezed, for a collapsed key), unless the token is one of the
  one-token terms of the term's own rule (then it is that word, not a typo) or a common word
  (``RuleSet.common_words``: a word of the language, not a typo either).
- **unspaced scripts** (a word or substring term written only in Han, kana or Thai, at least
  two characters with a Han one, else three): also found inside the runs of its script; a
  word term as a whole run is the word's hit already.
- **regex**: the pattern (``regex`` V1) over the folded text with every run of whitespace made
  one space, non-empty matches only, each character mapped back to the query.
- **near**: every group somewhere within ``window`` whitespace-separated words of the query,
  no two groups on the same text, in the written order when ``ordered``; the tightest
  placement is the hit. The anchor group (``_anchor``) matches like terms of their own (glued
  phrases, inside runs); the other groups as token sequences of any reading.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

import regex
from rapidfuzz.distance import OSA

from interventions._function_words import FUNCTION_WORDS
from interventions._model import NO_WORDS, RuleSet, Status, Term, TermKind, WordSet
from interventions._normalize import COLLAPSED, WEAK, Normalized, Token, collapse, normalize
from interventions._scripts import script_of

__all__ = ["reference_hits"]

Hit = tuple[int, int, int]
"""(term id, start, end): the term numbered as the index numbers it, the span in the query."""

MIN_GLUED = 6
"""A phrase matches its words glued into one token from this many letters on (the compiler's
``_compile.MIN_GLUED``; a test pins the two)."""

MIN_FUZZY_TOKEN = 5
MAX_FUZZY_TOKEN = 32
"""Fuzzy terms are tried on tokens of 5-32 characters (``docs/normalization.md``, "Length
cap"; the compiler's ``_compile.MAX_FUZZY_TOKEN``)."""

SHORT_ANCHOR_PREFIX = 4
"""A near group holding a prefix shorter than this is not the one looked up when another group
can be (``docs/rule-format.md``: "no prefix shorter than four letters")."""

UNSPACED_SCRIPTS = frozenset({"HAN", "KANA", "THAI"})
"""Scripts written without spaces, whose terms are found inside runs (``_scripts.UNSPACED``)."""

REGEX_SECONDS = 1.0
"""The reference's own bound on one regex term over one query: generous, since the loader
refuses patterns that backtrack catastrophically and the fast path allows 50 ms for all."""


class _Row(NamedTuple):
    """A term in id order: the index numbers live terms exactly this way."""

    rule: int
    term: Term
    near_part: bool
    """An alternative of a near term's anchor group: numbered, found only as part of it."""


class _Plain(NamedTuple):
    rows: tuple[_Row, ...]
    rule_words: dict[int, tuple[tuple[str, bool], ...]]
    """Per rule, its one-token terms as (token, is prefix): words and glued phrases."""
    patterns: dict[int, regex.Pattern[str]]
    anchors: dict[int, int]
    """Near term id → its anchor group."""


# -- the terms, numbered ------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _function_tokens() -> frozenset[str]:
    """The function words as the normalizer reads them (``się`` → ``sie``)."""
    return frozenset(t.text for word in FUNCTION_WORDS for t in normalize(word).tokens)


def _anchor(term: Term) -> int:
    """The near group looked up in the index: no prefix shorter than ``SHORT_ANCHOR_PREFIX``,
    then not only function words or one- and two-letter words, then the fewest alternatives,
    then the first. It matters to matching: only this group matches like terms of their own."""
    function = _function_tokens()

    def short_prefix(alt: Term) -> bool:
        pairs = zip(alt.tokens, alt.prefix_tokens, strict=True)
        return any(p and len(t) < SHORT_ANCHOR_PREFIX for t, p in pairs)

    def weak(alt: Term) -> bool:
        return all(t in function or len(t) < 3 for t in alt.tokens)

    return min(
        range(len(term.groups)),
        key=lambda g: (
            any(short_prefix(a) for a in term.groups[g]),
            any(weak(a) for a in term.groups[g]),
            len(term.groups[g]),
            g,
        ),
    )


def _glued(term: Term) -> tuple[str, bool] | None:
    """A phrase's words written as one token and whether that is a prefix: only when no word
    before the last is a prefix, and only from ``MIN_GLUED`` letters on."""
    if term.kind is not TermKind.PHRASE or any(term.prefix_tokens[:-1]):
        return None
    joined = "".join(term.tokens)
    return (joined, term.prefix_tokens[-1]) if len(joined) >= MIN_GLUED else None


def _build(ruleset: RuleSet) -> _Plain:
    """Number the live terms: the rules that are not deprecated, in order; per rule its terms,
    then its exceptions; a near term followed by the alternatives of its anchor group."""
    rows: list[_Row] = []
    anchors: dict[int, int] = {}
    live = [r for r in ruleset.rules if r.status is not Status.DEPRECATED]
    for i, rule in enumerate(live):
        for term in (*rule.terms, *rule.unless):
            rows.append(_Row(i, term, False))
            if term.kind is TermKind.NEAR:
                anchors[len(rows) - 1] = g = _anchor(term)
                rows.extend(_Row(i, alt, True) for alt in term.groups[g])
    rule_words: dict[int, list[tuple[str, bool]]] = {}
    for row in rows:
        if row.term.kind is TermKind.WORD:
            rule_words.setdefault(row.rule, []).append((row.term.tokens[0], False))
        glued = _glued(row.term)
        if glued is not None and not glued[1]:
            rule_words.setdefault(row.rule, []).append(glued)
    patterns = {
        tid: regex.compile(row.term.text, regex.V1)
        for tid, row in enumerate(rows)
        if row.term.kind is TermKind.REGEX
    }
    return _Plain(tuple(rows), {k: tuple(v) for k, v in rule_words.items()}, patterns, anchors)


_BUILT: dict[int, tuple[RuleSet, _Plain]] = {}


def _plain(ruleset: RuleSet) -> _Plain:
    """Built once per rule set (the reference is slow by design, not by rebuilding)."""
    cached = _BUILT.get(id(ruleset))
    if cached is None or cached[0] is not ruleset:
        cached = (ruleset, _build(ruleset))
        if len(_BUILT) > 8:
            _BUILT.clear()
        _BUILT[id(ruleset)] = cached
    return cached[1]


# -- how a token is accepted --------------------------------------------------------------------


def _accepts(token: str, is_prefix: bool, keys: tuple[str, ...], *, in_phrase: bool) -> bool:
    """Whether a query token with ``keys`` is the term token ``token`` (starts with it, for a
    prefix): a plain key against the token as written, a collapsed key against the token
    squeezed, a weak key (against the token squeezed) only inside a phrase."""
    squeezed = collapse(token)
    for key in keys:
        if key.startswith(COLLAPSED):
            body, target = key[1:], squeezed
        elif key.startswith(WEAK):
            if not in_phrase:
                continue
            body, target = key[1:], squeezed
        else:
            body, target = key, token
        if body.startswith(target) if is_prefix else body == target:
            return True
    return False


def _sequence_at(term: Term, seq: Sequence[Token], j: int) -> bool:
    """Whether the term's tokens are the tokens of ``seq`` from ``j`` on, one for one."""
    n = len(term.tokens)
    return j + n <= len(seq) and all(
        _accepts(term.tokens[k], term.prefix_tokens[k], seq[j + k].keys, in_phrase=n > 1)
        for k in range(n)
    )


def _holds(literal: str, keys: tuple[str, ...]) -> bool:
    """Whether a key holds a substring term: plain keys the literal, collapsed keys the literal
    squeezed."""
    squeezed = collapse(literal)
    for key in keys:
        if key.startswith(COLLAPSED):
            if squeezed in key[1:]:
                return True
        elif not key.startswith(WEAK) and literal in key:
            return True
    return False


def _typo_of(term: Term, keys: tuple[str, ...]) -> bool:
    """Whether a key is within the fuzzy term's edit distance (OSA: a swap of two neighbouring
    letters is one edit): a plain key against the term, a collapsed key (without its mark)
    against the term squeezed; only keys of ``MIN_FUZZY_TOKEN``-``MAX_FUZZY_TOKEN``
    characters."""
    for key in keys:
        if key.startswith(WEAK):
            continue
        if key.startswith(COLLAPSED):
            body, target = key[1:], collapse(term.tokens[0])
        else:
            body, target = key, term.tokens[0]
        if MIN_FUZZY_TOKEN <= len(body) <= MAX_FUZZY_TOKEN and (
            OSA.distance(body, target) <= term.fuzzy
        ):
            return True
    return False


def _in_runs(term: Term) -> bool:
    """A word or substring term written only in Han, kana or Thai, long enough to be found
    inside runs: two characters with a Han one, else three."""
    if term.kind not in (TermKind.WORD, TermKind.SUBSTRING) or len(term.tokens) != 1:
        return False
    token = term.tokens[0]
    scripts = {script_of(c) for c in token} - {""}
    if not scripts or not scripts <= UNSPACED_SCRIPTS:
        return False
    return len(token) >= (2 if "HAN" in scripts else 3)


def _run_hits(tid: int, needle: str, tok: Token, whole_too: bool) -> list[Hit]:
    """Every place ``needle`` is inside a plain key of the token (as the whole key only when
    ``whole_too``). The span is the needle's own when the key is the token as it was typed
    (same length), else the token's."""
    out: list[Hit] = []
    exact = tok.end - tok.start == len(tok.text)
    for key in tok.keys:
        if key.startswith((COLLAPSED, WEAK)):
            continue
        for i in range(len(key) - len(needle) + 1):
            if key[i : i + len(needle)] != needle:
                continue
            if len(needle) == len(key) and not whole_too:
                continue
            if exact and key == tok.text:
                out.append((tid, tok.start + i, tok.start + i + len(needle)))
            else:
                out.append((tid, tok.start, tok.end))
    return out


# -- one term -----------------------------------------------------------------------------------


def _term_hits(
    tid: int,
    term: Term,
    norm: Normalized,
    rule_words: tuple[tuple[str, bool], ...],
    common: WordSet = NO_WORDS,
) -> list[Hit]:
    """What one word, prefix, phrase, substring or fuzzy term finds in every reading."""
    hits: list[Hit] = []
    runs = _in_runs(term)
    glued = _glued(term)
    n = len(term.tokens)
    for seq in norm.sequences:
        for j, tok in enumerate(seq):
            if runs:
                hits.extend(
                    _run_hits(tid, term.tokens[0], tok, whole_too=term.kind is TermKind.SUBSTRING)
                )
            if term.kind is TermKind.SUBSTRING:
                if not runs and _holds(term.tokens[0], tok.keys):
                    hits.append((tid, tok.start, tok.end))
                continue
            if _sequence_at(term, seq, j):
                hits.append((tid, tok.start, seq[j + n - 1].end))
            if glued is not None and _accepts(*glued, tok.keys, in_phrase=False):
                hits.append((tid, tok.start, tok.end))
            if (
                term.fuzzy
                and tok.text not in common
                and not any(_accepts(w, p, tok.keys, in_phrase=False) for w, p in rule_words)
                and _typo_of(term, tok.keys)
            ):
                hits.append((tid, tok.start, tok.end))
    return hits


def _regex_hits(tid: int, pattern: regex.Pattern[str], norm: Normalized) -> list[Hit]:
    """A regex term over the folded text (``norm.text``) with every run of whitespace made one
    space (none at the ends); a match's span is mapped back through ``norm.origin``."""
    text: list[str] = []
    where: list[int] = []  # the query offset of each character of the text
    for k, c in enumerate(norm.text):
        if c.isspace():
            if text and text[-1] != " ":
                text.append(" ")
                where.append(where[-1])
            continue
        text.append(c)
        where.append(k if norm.origin is None else norm.origin[k])
    if text and text[-1] == " ":
        text.pop()
        where.pop()
    hits: list[Hit] = []
    try:
        for m in pattern.finditer("".join(text), timeout=REGEX_SECONDS):
            a, b = m.span()
            if a != b:
                hits.append((tid, where[a], where[b - 1] + 1))
    except TimeoutError:
        return []
    return hits


def _near_hit(
    tid: int, term: Term, anchor: int, norm: Normalized, anchor_spans: set[tuple[int, int]]
) -> Hit | None:
    """Every way of taking one occurrence per group is tried; the tightest (shortest, then
    earliest) that fits the window in words of the query, keeps the groups on different text
    and, if asked, in order, is the hit."""
    found: list[list[tuple[int, int]]] = []
    for g, group in enumerate(term.groups):
        if g == anchor:
            spans = anchor_spans
        else:
            spans = {
                (seq[j].start, seq[j + len(alt.tokens) - 1].end)
                for alt in group
                for seq in norm.sequences
                for j in range(len(seq))
                if _sequence_at(alt, seq, j)
            }
        found.append(sorted(spans))
    starts: list[int] = []  # where each whitespace-separated word of the query starts
    for k, c in enumerate(norm.query):
        if not c.isspace() and (k == 0 or norm.query[k - 1].isspace()):
            starts.append(k)

    def word(pos: int) -> int:
        return bisect.bisect_right(starts, pos) - 1

    best: tuple[int, int, int] | None = None
    for combo in itertools.product(*found):
        start, end = min(a for a, _ in combo), max(b for _, b in combo)
        if word(end - 1) - word(start) + 1 > term.window:
            continue
        placed = sorted(combo)
        if any(placed[i][1] > placed[i + 1][0] for i in range(len(placed) - 1)):
            continue
        if term.ordered and list(combo) != placed:
            continue
        if best is None or (end - start, start, end) < best:
            best = (end - start, start, end)
    return None if best is None else (tid, best[1], best[2])


def reference_hits(ruleset: RuleSet, norm: Normalized) -> list[Hit]:
    """Every hit of every live term of ``ruleset`` in the readings ``norm`` (a query after
    ``normalize`` and the segmenter's ``extend``), with the term ids the index gives them. A
    near term's anchor alternatives are not hits of their own: the near term is."""
    plain = _plain(ruleset)
    hits: list[Hit] = []
    for tid, row in enumerate(plain.rows):
        term = row.term
        if row.near_part:
            continue
        if term.kind is TermKind.REGEX:
            hits.extend(_regex_hits(tid, plain.patterns[tid], norm))
        elif term.kind is TermKind.NEAR:
            anchor = plain.anchors[tid]
            spans = {
                (a, b)
                for alt in term.groups[anchor]
                for _, a, b in _term_hits(-1, alt, norm, (), ruleset.common_words)
            }
            near = _near_hit(tid, term, anchor, norm, spans)
            if near is not None:
                hits.append(near)
        else:
            rule_words = plain.rule_words.get(row.rule, ())
            hits.extend(_term_hits(tid, term, norm, rule_words, ruleset.common_words))
    return hits
