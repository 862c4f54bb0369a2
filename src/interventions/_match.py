"""Find every term hit in a normalized query, using the compiled indexes.

The result is a list of ``(term index, start, end)`` with spans in the original query. The
plain loop-over-every-term matcher in ``_reference.py`` defines what this must return; tests
compare the two on generated queries.
"""

from __future__ import annotations

from rapidfuzz.distance import Levenshtein

from interventions._compile import MAX_FUZZY_TOKEN, Entry, Index, Matcher, deletions
from interventions._normalize import COLLAPSED, Normalized, Token

__all__ = ["REGEX_TIMEOUT", "Hit", "find_hits", "fuzzy_key", "matcher_accepts"]

REGEX_TIMEOUT = 0.05
"""Seconds a regex term may run on one query before it counts as not matching."""

Hit = tuple[int, int, int]


def matcher_accepts(matcher: Matcher, keys: tuple[str, ...]) -> bool:
    is_prefix, (plain, collapsed) = matcher
    if is_prefix:
        return any(k.startswith(plain) or k.startswith(collapsed) for k in keys)
    return plain in keys or collapsed in keys


def _extend(hits: list[Hit], entries: tuple[Entry, ...], seq: tuple[Token, ...], j: int) -> bool:
    """Record the entries that match at ``seq[j]``; say whether a one-token term was among them."""
    word = False
    tok = seq[j]
    for tid, rest in entries:
        if not rest:
            hits.append((tid, tok.start, tok.end))
            word = True
            continue
        last = j + len(rest)
        if last >= len(seq):
            continue
        for k, matcher in enumerate(rest, start=j + 1):
            if not matcher_accepts(matcher, seq[k].keys):
                break
        else:
            hits.append((tid, tok.start, seq[last].end))
    return word


def fuzzy_key(key: str) -> str:
    return key[1:] if key.startswith(COLLAPSED) else key


def find_hits(index: Index, norm: Normalized) -> list[Hit]:
    hits: list[Hit] = []
    words = index.words
    prefixes = index.prefixes
    buckets = index.prefix_buckets
    fuzzy = index.fuzzy
    sub_plain = index.substring_plain
    sub_collapsed = index.substring_collapsed
    for seq in norm.sequences:
        for j, tok in enumerate(seq):
            exact = False
            for key in tok.keys:
                entries = words.get(key)
                if entries is not None and _extend(hits, entries, seq, j):
                    exact = True
                for b in buckets:
                    group = prefixes.get(key[:b])
                    if group is not None:
                        for prefix, pentries in group:
                            if key.startswith(prefix):
                                _extend(hits, pentries, seq, j)
            if fuzzy and not exact:
                _fuzzy(index, tok, hits)
            if sub_plain is not None or sub_collapsed is not None:
                _substrings(index, tok, hits)
    if index.regexes:
        _regexes(index, norm, hits)
    return hits


def _fuzzy(index: Index, tok: Token, hits: list[Hit]) -> None:
    terms = index.terms
    seen: set[int] = set()
    for raw in tok.keys:
        key = fuzzy_key(raw)
        n = len(key)
        if n < 5 or n > MAX_FUZZY_TOKEN:
            continue
        depth = min(index.fuzzy_max, 1 if n < 6 else 2)
        for variant in deletions(key, depth):
            for tid in index.fuzzy.get(variant, ()):
                if tid in seen:
                    continue
                term = terms[tid].term
                if Levenshtein.distance(key, term.tokens[0], score_cutoff=term.fuzzy) <= term.fuzzy:
                    seen.add(tid)
                    hits.append((tid, tok.start, tok.end))


def _substrings(index: Index, tok: Token, hits: list[Hit]) -> None:
    for key in tok.keys:
        if key.startswith(COLLAPSED):
            pattern, body, mark = index.substring_collapsed, key[1:], COLLAPSED
        else:
            pattern, body, mark = index.substring_plain, key, ""
        if pattern is None:
            continue
        for m in pattern.finditer(body, overlapped=True):
            for tid in index.substrings.get(mark + m.group(), ()):
                hits.append((tid, tok.start, tok.end))


def _regexes(index: Index, norm: Normalized, hits: list[Hit]) -> None:
    origin = norm.origin
    for tid, pattern in index.regexes:
        try:
            for m in pattern.finditer(norm.text, timeout=REGEX_TIMEOUT):
                a, b = m.span()
                if a == b:
                    continue
                if origin is None:
                    hits.append((tid, a, b))
                else:
                    hits.append((tid, origin[a], origin[b - 1] + 1))
        except TimeoutError:
            continue
