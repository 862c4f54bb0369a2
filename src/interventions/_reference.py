"""The reference matcher: loop over every term and check it against every token, plainly.

It is slow and obviously right, and defines the semantics the compiled indexes in
``_match.py`` must reproduce (tests run both and compare). It shares only the normalizer.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable

import regex
from rapidfuzz.distance import OSA

from interventions._compile import (
    MAX_FUZZY_TOKEN,
    Matcher,
    TermRow,
    glued,
    live_terms,
    near_anchor,
    token_matcher,
)
from interventions._match import REGEX_TIMEOUT, Hit, fuzzy_key, matcher_accepts
from interventions._model import RuleSet, Term, TermKind
from interventions._normalize import COLLAPSED, WEAK, Normalized, Token, collapse
from interventions._scripts import script_of

__all__ = ["reference_hits"]


def _word_matchers(rows: list[TermRow]) -> dict[int, list[Matcher]]:
    """Every one-token term (a word, or a phrase glued into one token), by rule."""
    out: dict[int, list[Matcher]] = {}
    for row in rows:
        t = row.term
        if t.kind is TermKind.WORD:
            out.setdefault(row.rule, []).append(token_matcher(t.tokens[0], False))
        else:
            whole = glued(t)
            if whole is not None and not whole[1]:
                out.setdefault(row.rule, []).append(token_matcher(*whole))
    return out


_TABLES: dict[int, tuple[RuleSet, list[TermRow], dict[int, list[Matcher]]]] = {}


def _tables(ruleset: RuleSet) -> tuple[list[TermRow], dict[int, list[Matcher]]]:
    """The rule set's terms in id order and its one-token matchers, built once per rule set
    (the reference is slow by design, not by rebuilding)."""
    cached = _TABLES.get(id(ruleset))
    if cached is None or cached[0] is not ruleset:
        _, rows = live_terms(ruleset)
        cached = (ruleset, rows, _word_matchers(rows))
        if len(_TABLES) > 8:
            _TABLES.clear()
        _TABLES[id(ruleset)] = cached
    return cached[1], cached[2]


def _in_runs(token: str) -> bool:
    """A term token written only in Han, kana or Thai, long enough to be found inside runs:
    two characters with a Han one, else three."""
    scripts = {script_of(c) for c in token} - {""}
    if not scripts or not scripts <= {"HAN", "KANA", "THAI"}:
        return False
    return len(token) >= (2 if "HAN" in scripts else 3)


def _run_hits(tid: int, needle: str, tok: Token, whole_too: bool) -> list[Hit]:
    out: list[Hit] = []
    for key in tok.keys:
        if key.startswith((COLLAPSED, WEAK)) or key.isascii():
            continue
        for i in range(len(key) - len(needle) + 1):
            if key[i : i + len(needle)] != needle:
                continue
            if len(needle) == len(key) and not whole_too:
                continue
            if key == tok.text and tok.end - tok.start == len(tok.text):
                out.append((tid, tok.start + i, tok.start + i + len(needle)))
            else:
                out.append((tid, tok.start, tok.end))
    return out


def _near_hits(
    tid: int, term: Term, norm: Normalized, term_hits: Callable[[int, Term], list[Hit]]
) -> list[Hit]:
    """A near term: its anchor group's alternatives found like terms of their own, every other
    group as token sequences in any reading; then every way of taking one occurrence per group
    is tried, and the tightest that fits the window (in words of the query), keeps the groups
    on different text and, if asked, in order, is the hit."""
    anchor = near_anchor(term)
    found: list[set[tuple[int, int]]] = []
    for g, group in enumerate(term.groups):
        spans: set[tuple[int, int]] = set()
        for alt in group:
            if g == anchor:
                spans |= {(a, b) for _, a, b in term_hits(-1, alt)}
                continue
            size = len(alt.tokens)
            for seq in norm.sequences:
                for j in range(len(seq) - size + 1):
                    if all(
                        matcher_accepts(
                            token_matcher(alt.tokens[k], alt.prefix_tokens[k]),
                            seq[j + k].keys,
                            in_phrase=size > 1,
                        )
                        for k in range(size)
                    ):
                        spans.add((seq[j].start, seq[j + size - 1].end))
        found.append(spans)
    words = [m.start() for m in regex.finditer(r"\S+", norm.query)]

    def word(pos: int) -> int:
        return max(i for i, w in enumerate(words) if w <= pos)

    best: tuple[int, int, int] | None = None
    for combo in itertools.product(*(sorted(s) for s in found)):
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
    return [] if best is None else [(tid, best[1], best[2])]


def reference_hits(ruleset: RuleSet, norm: Normalized) -> list[Hit]:
    """Every hit of every live term of ``ruleset``, with the term ids the index gives them."""
    hits: list[Hit] = []
    rows, word_matchers = _tables(ruleset)
    is_word: dict[tuple[int, int], bool] = {}  # per token and rule: is it one of its terms?

    def token_is_word(tok: Token, rule: int) -> bool:
        """A token that is itself a one-token term of a rule is not a typo of that rule's
        fuzzy terms (it may still be one of another rule's)."""
        key = (id(tok), rule)
        if key not in is_word:
            is_word[key] = any(
                matcher_accepts(m, tok.keys, in_phrase=False) for m in word_matchers.get(rule, ())
            )
        return is_word[key]

    def term_hits(tid: int, term: Term, rule: int) -> list[Hit]:
        """What one word, phrase, prefix, substring or fuzzy term finds, plainly."""
        hits: list[Hit] = []
        runs = term.kind in (TermKind.WORD, TermKind.SUBSTRING) and _in_runs(term.tokens[0])
        # the term's own matchers, the same for every token
        matchers = [
            token_matcher(t, p) for t, p in zip(term.tokens, term.prefix_tokens, strict=True)
        ]
        glued_term = glued(term)
        whole = token_matcher(*glued_term) if glued_term is not None else None
        for seq in norm.sequences:
            for j, tok in enumerate(seq):
                if runs:
                    # Japanese, Chinese, Thai: inside a run of the script (a substring term as
                    # the whole token too; a word term as the whole token is matched below)
                    hits.extend(
                        _run_hits(tid, term.tokens[0], tok, term.kind is TermKind.SUBSTRING)
                    )
                    if term.kind is TermKind.SUBSTRING:
                        continue
                if term.kind is TermKind.SUBSTRING:
                    literal = term.tokens[0]
                    for key in tok.keys:
                        if key.startswith(COLLAPSED):
                            body, needle = key[1:], collapse(literal)
                        else:
                            body, needle = key, literal
                        start = body.find(needle)
                        while start != -1:
                            hits.append((tid, tok.start, tok.end))
                            start = body.find(needle, start + 1)
                    continue
                in_phrase = len(matchers) > 1
                if j + len(matchers) <= len(seq) and all(
                    matcher_accepts(m, seq[j + k].keys, in_phrase=in_phrase)
                    for k, m in enumerate(matchers)
                ):
                    hits.append((tid, tok.start, seq[j + len(matchers) - 1].end))
                if whole is not None and matcher_accepts(whole, tok.keys, in_phrase=False):
                    hits.append((tid, tok.start, tok.end))
                if term.fuzzy and not token_is_word(tok, rule):
                    for raw in tok.keys:
                        key = fuzzy_key(raw)
                        target = term.tokens[0]
                        if raw.startswith(COLLAPSED):
                            target = collapse(target)
                        if 5 <= len(key) <= MAX_FUZZY_TOKEN and (
                            OSA.distance(key, target) <= term.fuzzy
                        ):
                            hits.append((tid, tok.start, tok.end))
        return hits

    for tid, row in enumerate(rows):
        term = row.term
        if term.kind is TermKind.REGEX:
            pattern = regex.compile(term.text, regex.V1)
            # the same text as the fast path, built independently: words joined by one space
            words = [(m.start(), m.end()) for m in regex.finditer(r"\S+", norm.text)]
            text = " ".join(norm.text[a:b] for a, b in words)
            where: list[int] = []
            for n, (a, b) in enumerate(words):
                if n:
                    where.append(where[-1])
                where.extend(range(a, b) if norm.origin is None else norm.origin[a:b])
            try:
                for m in pattern.finditer(text, timeout=REGEX_TIMEOUT):
                    a, b = m.span()
                    if a != b:
                        hits.append((tid, where[a], where[b - 1] + 1))
            except TimeoutError:
                pass
            continue
        if row.part_of >= 0:
            continue  # a near term's anchor alternative: the near term itself is checked below
        if term.kind is TermKind.NEAR:
            hits.extend(_near_hits(tid, term, norm, functools.partial(term_hits, rule=row.rule)))
            continue
        hits.extend(term_hits(tid, term, row.rule))
    return hits
