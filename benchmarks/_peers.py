"""The alternatives people reach for, each set up the way its documentation suggests.

Every peer gets the same terms the engine compiles, already normalized (they could not match
``przemocą`` otherwise), and each runs the matching a service would: find every term in the
casefolded query. None of them normalizes, and only symspellpy does fuzzy matching, which is
why they are a bar to clear, not a like-for-like comparison. Each ``loop`` returns the number of
hits so that the work cannot be skipped and so that runs can be compared for sanity.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from _workload import PeerTerms

__all__ = ["PEER_NAMES", "Peer", "build_peers"]

Loop = Callable[[Sequence[str]], int]


@dataclass(frozen=True, slots=True)
class Peer:
    name: str
    loop: Loop
    build_seconds: float
    budget: float | None = None
    """Seconds one pass may take; a slow peer runs on a prefix of the stream that fits."""
    note: str = ""


def _aho(terms: PeerTerms) -> Loop:
    import ahocorasick

    automaton = ahocorasick.Automaton()
    prefixes = set(terms.prefixes)
    for lit in terms.literals():
        automaton.add_word(lit, (len(lit), lit in prefixes))
    automaton.make_automaton()
    it = automaton.iter

    def loop(queries: Sequence[str]) -> int:
        hits = 0
        for q in queries:
            s = q.casefold()
            n = len(s)
            for end, (length, is_prefix) in it(s):
                start = end - length + 1
                if start > 0 and s[start - 1].isalnum():
                    continue
                if not is_prefix and end + 1 < n and s[end + 1].isalnum():
                    continue
                hits += 1
        return hits

    return loop


def _flashtext(terms: PeerTerms) -> Loop:
    from flashtext import KeywordProcessor

    kp = KeywordProcessor()
    kp.add_keywords_from_list(terms.literals())
    extract = kp.extract_keywords

    def loop(queries: Sequence[str]) -> int:
        hits = 0
        for q in queries:
            hits += len(extract(q))
        return hits

    return loop


def _regex(terms: PeerTerms) -> Loop:
    prefixes = set(terms.prefixes)
    alternatives = sorted(terms.literals(), key=lambda x: (-len(x), x))
    body = "|".join(re.escape(x) + (r"\w*" if x in prefixes else "") for x in alternatives)
    findall = re.compile(rf"\b(?:{body})\b").findall

    def loop(queries: Sequence[str]) -> int:
        hits = 0
        for q in queries:
            hits += len(findall(q.casefold()))
        return hits

    return loop


def _symspell(terms: PeerTerms) -> Loop:
    from symspellpy import SymSpell, Verbosity

    sym = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
    for word, _ in terms.fuzzy:
        sym.create_dictionary_entry(word, 1)
    lookup = sym.lookup
    top = Verbosity.TOP

    def loop(queries: Sequence[str]) -> int:
        hits = 0
        for q in queries:
            for tok in q.casefold().split():
                hits += len(lookup(tok, top, max_edit_distance=2))
        return hits

    return loop


def _floor(terms: PeerTerms) -> Loop:
    words = frozenset(terms.words)

    def loop(queries: Sequence[str]) -> int:
        hits = 0
        for q in queries:
            for tok in q.casefold().split():
                if tok in words:
                    hits += 1
        return hits

    return loop


_BUILDERS: tuple[tuple[str, Callable[[PeerTerms], Loop], float | None, str], ...] = (
    ("pyahocorasick", _aho, None, "casefold + automaton + word-boundary check"),
    ("flashtext", _flashtext, None, "KeywordProcessor.extract_keywords"),
    ("re alternation", _regex, 2.0, r"one \b(?:t1|t2|...)\b pattern, findall"),
    ("symspellpy", _symspell, 2.0, "lookup(max_edit_distance=2) per token, fuzzy terms only"),
    ("floor", _floor, None, "casefold().split() + one set lookup per token"),
)

PEER_NAMES = tuple(name for name, *_ in _BUILDERS)


def build_peers(terms: PeerTerms, only: Collection[str] | None = None) -> list[Peer]:
    """Build every peer (or those named in ``only``) over ``terms``, timing each build."""
    peers = []
    for name, build, budget, note in _BUILDERS:
        if only is not None and name not in only:
            continue
        t0 = time.perf_counter()
        loop = build(terms)
        peers.append(Peer(name, loop, time.perf_counter() - t0, budget, note))
    return peers
