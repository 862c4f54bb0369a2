"""Find every term hit in a normalized query, using the compiled indexes.

The result is a list of ``(term index, start, end)`` with spans in the original query. The
plain loop-over-every-term matcher in ``_reference.py`` defines what this must return; tests
compare the two on generated queries.
"""

from __future__ import annotations

from collections.abc import Iterator

from rapidfuzz.distance import OSA

from interventions._compile import (
    MAX_FUZZY_TOKEN,
    PREFIX_BUCKET,
    Entry,
    Index,
    Matcher,
    deletions,
)
from interventions._normalize import COLLAPSED, Normalized, Token

__all__ = [
    "REGEX_TIMEOUT",
    "Hit",
    "find_hits",
    "fuzzy_key",
    "matcher_accepts",
    "regex_text",
    "word_profile",
]

FUZZY_MEMO = 1 << 16
"""Tokens whose fuzzy candidates are remembered per index (cleared when full)."""

REGEX_TIMEOUT = 0.05
"""Seconds a regex term may run on one query before it counts as not matching."""

Hit = tuple[int, int, int]


def matcher_accepts(matcher: Matcher, keys: tuple[str, ...], *, in_phrase: bool) -> bool:
    """Whether a token with these keys is the matcher's word (or starts with its prefix).
    Inside a phrase, weak collapsed readings count too."""
    is_prefix, keys_of = matcher
    accepted: tuple[str, ...] = keys_of if in_phrase else keys_of[:2]
    if is_prefix:
        return any(k.startswith(accepted) for k in keys)
    return any(a in keys for a in accepted)


def _extend(hits: list[Hit], entries: tuple[Entry, ...], seq: tuple[Token, ...], j: int) -> bool:
    """Record the entries that match with their indexed token at ``seq[j]``; say whether a
    one-token term was among them."""
    word = False
    n = len(seq)
    for tid, anchor, matchers in entries:
        if len(matchers) == 1:
            hits.append((tid, seq[j].start, seq[j].end))
            word = True
            continue
        first = j - anchor
        last = first + len(matchers) - 1
        if first < 0 or last >= n:
            continue
        for k, matcher in enumerate(matchers):
            if k != anchor and not matcher_accepts(matcher, seq[first + k].keys, in_phrase=True):
                break
        else:
            hits.append((tid, seq[first].start, seq[last].end))
    return word


def fuzzy_key(key: str) -> str:
    return key[1:] if key.startswith(COLLAPSED) else key


def _lookups(index: Index, key: str) -> Iterator[tuple[tuple[Entry, ...], bool]]:
    """The index entries a token key reaches: its word entries (flagged True), then the entries
    of every prefix it starts with (False)."""
    entries = index.words.get(key)
    if entries is not None:
        yield entries, True
    for b in index.prefix_buckets:
        group = index.prefixes.get(key[:b])
        if group is not None:
            for prefix, pentries in group:
                if key.startswith(prefix):
                    yield pentries, False


def find_hits(index: Index, norm: Normalized) -> list[Hit]:
    hits: list[Hit] = []
    fuzzy = index.fuzzy
    sub_plain = index.substring_plain
    sub_collapsed = index.substring_collapsed
    for seq in norm.sequences:
        for j, tok in enumerate(seq):
            exact = False
            for key in tok.keys:
                for entries, is_word in _lookups(index, key):
                    if _extend(hits, entries, seq, j) and is_word:
                        exact = True
            if fuzzy and not exact:
                _fuzzy(index, tok, hits)
            if sub_plain is not None or sub_collapsed is not None:
                _substrings(index, tok, hits)
    if index.regexes:
        _regexes(index, norm, hits)
    return hits


def _fuzzy(index: Index, tok: Token, hits: list[Hit]) -> None:
    seen: set[int] = set()
    for raw in tok.keys:
        key = fuzzy_key(raw)
        n = len(key)
        if n < 5 or n > MAX_FUZZY_TOKEN:
            continue
        found = index.fuzzy_memo.get(key)
        if found is None:
            found = _fuzzy_key(index, key)
            if len(index.fuzzy_memo) >= FUZZY_MEMO:
                index.fuzzy_memo.clear()
            index.fuzzy_memo[key] = found
        for tid in found:
            if tid not in seen:
                seen.add(tid)
                hits.append((tid, tok.start, tok.end))


def _fuzzy_key(index: Index, key: str) -> tuple[int, ...]:
    """The fuzzy terms within their edit distance (OSA) of ``key``, via the deletion index."""
    terms = index.terms
    found: dict[int, None] = {}
    depth = min(index.fuzzy_max, 1 if len(key) < 6 else 2)
    for variant in deletions(key, depth):
        for tid in index.fuzzy.get(variant, ()):
            if tid in found:
                continue
            term = terms[tid].term
            if OSA.distance(key, term.tokens[0], score_cutoff=term.fuzzy) <= term.fuzzy:
                found[tid] = None
    return tuple(found)


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


def regex_text(norm: Normalized) -> tuple[str, list[int]]:
    """The text regex terms run on: the folded query (steps 1-4) with every run of whitespace
    made one space, and where each of its characters came from in the original query."""
    text = norm.text
    origin = norm.origin
    out: list[str] = []
    where: list[int] = []
    pending = False
    for k, c in enumerate(text):
        if c.isspace():
            pending = bool(out)
            continue
        if pending:
            out.append(" ")
            where.append(where[-1])
            pending = False
        out.append(c)
        where.append(k if origin is None else origin[k])
    return "".join(out), where


def _regexes(index: Index, norm: Normalized, hits: list[Hit]) -> None:
    text, where = regex_text(norm)
    for tid, pattern in index.regexes:
        try:
            for m in pattern.finditer(text, timeout=REGEX_TIMEOUT):
                a, b = m.span()
                if a != b:
                    hits.append((tid, where[a], where[b - 1] + 1))
        except TimeoutError:
            continue


NOTHING: frozenset[int] = frozenset()


def word_profile(
    index: Index, norm: Normalized
) -> tuple[list[Hit], frozenset[int], frozenset[int]]:
    """What one whitespace-separated word of a query contributes, for the word memo.

    Returns ``(hits, anchors, members)``: ``hits``, what :func:`find_hits` finds in the word
    alone; ``anchors``, the multi-token terms whose indexed token the word holds; ``members``,
    the multi-token terms of which it holds another token. A phrase spanning words needs its
    indexed token in one word and another of its tokens in another, so when no term is in both
    the ``anchors`` and the ``members`` of a query's words (and no letters are spelled out
    across words, and no regex term matches), the query's hits are its words' hits, each moved
    by its word's offset. Regex terms are not covered here.
    """
    anchors: set[int] = set()
    members: set[int] = set()
    for seq in norm.sequences:
        for tok in seq:
            for key in tok.keys:
                for entries, _ in _lookups(index, key):
                    for tid, _, matchers in entries:
                        if len(matchers) > 1:
                            anchors.add(tid)
                found = index.members.get(key)
                if found is not None:
                    members.update(found)
                for p, ids in index.member_prefixes.get(key[:PREFIX_BUCKET], ()):
                    if key.startswith(p):
                        members.update(ids)
    return find_hits(index, norm), frozenset(anchors) or NOTHING, frozenset(members) or NOTHING
