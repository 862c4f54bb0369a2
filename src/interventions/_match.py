"""Find every term hit in a normalized query, using the compiled indexes.

The result is a list of ``(term index, start, end)`` with spans in the original query. The
plain loop-over-every-term matcher in ``_reference.py`` defines what this must return; tests
compare the two on generated queries.
"""

from __future__ import annotations

import bisect
import itertools
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Protocol

import regex
from rapidfuzz import process
from rapidfuzz.distance import OSA

from interventions._compile import (
    MAX_FUZZY_TOKEN,
    PREFIX_BUCKET,
    Index,
    Matcher,
    Slot,
    deletions,
)
from interventions._memo import ByIdentity, Memo
from interventions._model import TermKind
from interventions._normalize import (
    COLLAPSED,
    WEAK,
    Normalized,
    Token,
    collapse,
    letters_text,
    token_keys,
)

__all__ = [
    "REGEX_TIMEOUT",
    "Hit",
    "Placed",
    "Reading",
    "find_hits",
    "find_hits_bounded",
    "fuzzy_key",
    "group_table",
    "matcher_accepts",
    "phrase_hits",
    "plain_word",
    "regex_may_match",
    "regex_text",
    "resolve_near",
    "word_index",
    "word_profile",
]


REGEX_TIMEOUT = 0.05
"""Seconds all regex terms together may run on one query (per path): the terms not run by then
count as not matching (the loader refuses the patterns that backtrack catastrophically)."""

Hit = tuple[int, int, int]
Span = tuple[int, int]


def matcher_accepts(matcher: Matcher, keys: tuple[str, ...], *, in_phrase: bool) -> bool:
    """Whether a token with these keys is the matcher's word (or starts with its prefix).

    A plain key is compared with the term's token, a collapsed key (``COLLAPSED`` + squeezed)
    with the term's squeezed token; inside a phrase, weak collapsed keys (``WEAK``) count too.
    """
    is_prefix, token, squeezed = matcher
    for key in keys:
        mark = key[:1]
        if mark == COLLAPSED or (mark == WEAK and in_phrase):
            body, target = key[1:], squeezed
        elif mark == WEAK:
            continue
        else:
            body, target = key, token
        if body.startswith(target) if is_prefix else body == target:
            return True
    return False


class Placed(Protocol):
    """What phrase matching reads of a token: its keys and its span in the query."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def keys(self) -> tuple[str, ...]: ...


def _extend(hits: list[Hit], slot: Slot, seq: Sequence[Placed], j: int, phrases_only: bool) -> bool:
    """Record the entries of ``slot`` that match with their indexed token at ``seq[j]``; say
    whether a one-token term was among them. ``phrases_only`` (a weak key) skips one-token
    terms."""
    if isinstance(slot, int):
        if phrases_only:
            return False
        hits.append((slot, seq[j].start, seq[j].end))
        return True
    word = False
    n = len(seq)
    for entry in slot:
        if isinstance(entry, int):
            if not phrases_only:
                hits.append((entry, seq[j].start, seq[j].end))
                word = True
            continue
        tid, anchor, matchers = entry
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


_MARKS = (COLLAPSED, WEAK)


def fuzzy_key(key: str) -> str:
    return key[1:] if key.startswith(COLLAPSED) else key


def _lookups(index: Index, key: str) -> Iterator[tuple[Slot, bool, bool]]:
    """The slots a token key reaches, each with (is a word slot, phrases only).

    A term is stored under its token and, when squeezing its letter runs changes it, under
    ``COLLAPSED`` + the squeezed token too (``WEAK`` + it for a phrase's indexed token). A
    query's collapsed key is therefore looked up as it is and without its mark: a term whose
    token has no runs is its own squeezed form. A weak key reaches phrases only.
    """
    mark = key[:1]
    if mark in _MARKS:
        yield from _slots(index, key, False)
        yield from _slots(index, key[1:], mark == WEAK)
    else:
        yield from _slots(index, key, False)


def _slots(index: Index, key: str, phrases_only: bool) -> Iterator[tuple[Slot, bool, bool]]:
    slot = index.words.get(key)
    if slot is not None:
        yield slot, True, phrases_only
    group = index.prefixes.get(key[:PREFIX_BUCKET])
    if group is not None:
        for prefix, pslot in group:
            if key.startswith(prefix):
                yield pslot, False, phrases_only
    for n in index.prefix_heads:  # prefixes shorter than a bucket (two Han characters)
        if len(key) > n:
            for prefix, pslot in index.prefixes.get(key[:n], ()):
                if key.startswith(prefix):
                    yield pslot, False, phrases_only


MAX_LONG_WORD_FUZZY = 16
"""Tokens of one very long whitespace-separated word (over ``MAX_MEMO_WORD`` characters) that
get a fuzzy reading: past them the query's decision is incomplete, and its work bounded."""
MAX_MEMO_WORD = 64
"""Longer words are never in the word memo (they go to the full path, read once)."""
_NOT_SPACE = r"[^\s\x1c-\x1f]"
r"""A character of a word as ``str.split`` cuts words (the word memo's words): the regex module's
``\S`` also takes U+001C-U+001F, which Python counts as whitespace."""
_LONG_WORD_RE = regex.compile(rf"{_NOT_SPACE}{{{MAX_MEMO_WORD + 1},}}")


def find_hits(
    index: Index, norm: Normalized, fuzzy_memo: Memo[str, tuple[int, ...]] | None = None
) -> list[Hit]:
    """Every term of ``index`` found in ``norm``, as (term id, start, end) with spans into the
    original query. ``fuzzy_memo`` (the engine's) remembers fuzzy candidates per token key."""
    return find_hits_bounded(index, norm, fuzzy_memo)[0]


def find_hits_bounded(
    index: Index,
    norm: Normalized,
    fuzzy_memo: Memo[str, tuple[int, ...]] | None = None,
    *,
    regexes: bool = True,
    anchors: set[int] | None = None,
) -> tuple[list[Hit], bool]:
    """:func:`find_hits`, and whether every reading was matched: in a whitespace-separated word
    longer than ``MAX_MEMO_WORD`` characters only the first ``MAX_LONG_WORD_FUZZY`` tokens get
    fuzzy readings (such words are never in the word memo, so both paths read them alike).
    ``anchors``, when given, receives the multi-token terms whose indexed token a key reaches
    (what :func:`word_profile` needs, gathered by the same lookups)."""
    hits: list[Hit] = []
    fuzzy = index.fuzzy
    sub_plain = index.substring_plain
    sub_collapsed = index.substring_collapsed
    local: dict[str, tuple[int, ...]] = {}  # fuzzy candidates of the keys seen in this query
    complete = True
    long_words = [m.span() for m in _LONG_WORD_RE.finditer(norm.query)] if fuzzy else []
    fuzzed: dict[int, set[tuple[int, int]]] = {}
    # a token in several readings (a hashtag's segmentations, leet variants of its neighbours)
    # is read once for what depends on it alone: fuzzy, substrings, unspaced runs
    done: set[tuple[int, int, tuple[str, ...]]] = set()
    for seq in norm.sequences:
        for j, tok in enumerate(seq):
            exact: set[int] | None = None  # rules with a one-token term that is this token
            for key in tok.keys:
                for slot, is_word, phrases_only in _lookups(index, key):
                    if anchors is not None and not isinstance(slot, int):
                        anchors.update(e[0] for e in slot if not isinstance(e, int))
                    before = len(hits)
                    if _extend(hits, slot, seq, j, phrases_only) and is_word:
                        if exact is None:
                            exact = set()
                        exact.update(
                            index.term_rule[t]
                            for t, a, b in hits[before:]
                            if a == tok.start and b == tok.end
                        )
            if len(norm.sequences) > 1:
                seen_as = (tok.start, tok.end, tok.keys)
                if seen_as in done:
                    continue
                done.add(seen_as)
            do_fuzzy = bool(fuzzy)
            if do_fuzzy and long_words:
                word = next((w for w, (a, b) in enumerate(long_words) if a <= tok.start < b), -1)
                if word >= 0:
                    seen = fuzzed.setdefault(word, set())
                    span = (tok.start, tok.end)
                    if span not in seen:
                        if len(seen) >= MAX_LONG_WORD_FUZZY:
                            complete = do_fuzzy = False
                        else:
                            seen.add(span)
            if do_fuzzy:
                if exact is None:
                    _fuzzy(index, tok, hits, fuzzy_memo, local)
                else:
                    # a token that is a term of a rule is no typo of that rule's fuzzy terms,
                    # but may be one of another rule's
                    found: list[Hit] = []
                    _fuzzy(index, tok, found, fuzzy_memo, local)
                    hits.extend(h for h in found if index.term_rule[h[0]] not in exact)
            if sub_plain is not None or sub_collapsed is not None:
                _substrings(index, tok, hits)
            if index.unspaced_lengths and not tok.text.isascii():
                _unspaced(index, tok, hits)
    if regexes and index.regexes and not _regexes(index, norm, hits):
        complete = False
    return hits, complete


def phrase_hits(index: Index, seq: Sequence[Placed], at: Iterable[int]) -> list[Hit]:
    """The multi-token terms whose indexed token is at one of the positions ``at`` of ``seq``
    and that match there (what ``find_hits`` finds of phrases)."""
    hits: list[Hit] = []
    for j in at:
        for key in seq[j].keys:
            for slot, _, _ in _lookups(index, key):
                if not isinstance(slot, int):
                    _extend(hits, slot, seq, j, True)
    return hits


def _fuzzy(
    index: Index,
    tok: Token,
    hits: list[Hit],
    memo: Memo[str, tuple[int, ...]] | None,
    local: dict[str, tuple[int, ...]] | None = None,
) -> None:
    if tok.text in index.segmenter.common:
        return  # a word of the language, not a typo
    seen: set[int] = set()
    plan = _fuzzy_plan(index)
    longest, alphabet, most = plan.longest, plan.alphabet, plan.most
    for raw in tok.keys:
        key = fuzzy_key(raw)
        n = len(key)
        if n < 5 or n > longest or len(key.translate(alphabet)) > most:
            continue
        found = local.get(raw) if local is not None else None
        if found is None:
            found = memo.get(raw) if memo is not None else None
            if found is None:
                found = _fuzzy_key(index, key, squeezed=raw.startswith(COLLAPSED), plan=plan)
                if memo is not None:
                    memo.put(raw, found)
            if local is not None:
                local[raw] = found
        for tid in found:
            if tid not in seen:
                seen.add(tid)
                hits.append((tid, tok.start, tok.end))


_Reach = tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...]]
"""Terms as (their texts, their ids, their distances), in id order."""
_NO_REACH: _Reach = ((), (), ())


class _FuzzyPlan:
    """How to look up a key among the fuzzy terms of one index (derived once per index).

    A key can be within a term's distance only if it is at most as long as the term plus its
    distance (the OSA distance is at least the difference in length, and a squeezed term is no
    longer; never over ``MAX_FUZZY_TOKEN``: ``longest``), and holds at most the largest
    distance (``most``) of characters that no fuzzy term holds, each needing an edit of its
    own (``key.translate(alphabet)`` keeps only those). Other keys are not looked up: on
    hostile input (long glued digits and leet) they were the costliest.

    ``near``/``near_squeezed``: for a key length, the terms whose length (squeezed, for a
    squeezed key) is within their distance of it; ``two``/``two_squeezed``: those of distance
    2. :func:`_fuzzy_key` takes the cheapest of three exact ways for a key: compare it with
    every term near; look its deletions up one edit deep (all terms) and compare it with the
    terms of distance 2; look its deletions up two edits deep."""

    __slots__ = ("alphabet", "longest", "most", "near", "near_squeezed", "two", "two_squeezed")

    def __init__(self, terms: dict[int, tuple[str, int]]) -> None:
        self.longest = min(MAX_FUZZY_TOKEN, max((len(t) + d for t, d in terms.values()), default=0))
        self.alphabet: dict[int, None] = dict.fromkeys(
            sorted({ord(c) for t, _ in terms.values() for c in t})
        )
        self.most = max((d for _, d in terms.values()), default=0)
        two = {tid: (t, d) for tid, (t, d) in terms.items() if d == 2}
        self.near = self._by_length(terms, lambda t: t)
        self.near_squeezed = self._by_length(terms, collapse)
        self.two = self._by_length(two, lambda t: t)
        self.two_squeezed = self._by_length(two, collapse)

    @staticmethod
    def _by_length(
        terms: dict[int, tuple[str, int]], form: Callable[[str], str]
    ) -> dict[int, _Reach]:
        out: dict[int, tuple[list[str], list[int], list[int]]] = {}
        for tid in sorted(terms):
            token, d = terms[tid]
            text = form(token)
            for n in range(max(1, len(text) - d), len(text) + d + 1):
                texts, ids, ds = out.setdefault(n, ([], [], []))
                texts.append(text)
                ids.append(tid)
                ds.append(d)
        return {n: (tuple(t), tuple(i), tuple(d)) for n, (t, i, d) in out.items()}


_FUZZY_PLANS: ByIdentity[dict[int, tuple[str, int]], _FuzzyPlan] = ByIdentity(64)

# What each way of looking a key of n letters up costs, in microseconds (fitted on the cold
# benchmark's words at 10k and 100k terms): comparing with the terms near (a call, and each
# term); deleting letters one deep (per letter) and two deep (per letter squared).
_COMPARE_CALL, _COMPARE_EACH = 0.9, 0.047
_DELETE_ONE, _DELETE_TWO = 0.3, 0.12


def _fuzzy_way(near: int, two: int, n: int) -> int:
    """The cheapest way to look a key of ``n`` letters up with ``near`` terms near it, ``two``
    of them of distance 2: 0, compare with each; 1, deletions one deep and compare with the
    ``two``; 2, deletions two deep."""
    compare = _COMPARE_CALL + _COMPARE_EACH * near
    one = _DELETE_ONE * n + (_COMPARE_CALL + _COMPARE_EACH * two if two else 0.0)
    deep = _DELETE_TWO * n * n if two else one
    best = min(compare, one, deep)
    return 0 if best == compare else 1 if best == one else 2


def _fuzzy_plan(index: Index) -> _FuzzyPlan:
    """The plan of ``index``'s fuzzy terms, kept per fuzzy table object, as
    :func:`group_table` keeps its tables."""
    return _FUZZY_PLANS.get(index.fuzzy_terms, _FuzzyPlan)


def _fuzzy_key(
    index: Index, key: str, *, squeezed: bool = False, plan: _FuzzyPlan | None = None
) -> tuple[int, ...]:
    """The fuzzy terms within their edit distance (OSA) of ``key``; a collapsed key
    (``squeezed``) is compared with the term collapsed.

    The deletion index holds every term's (and its squeezed form's) deletions as deep as its
    distance; a key's deletions as deep meet them exactly when the two are that many edits
    apart at most (a substitution or transposition is one deletion on each side, an insertion
    one on one side). Comparing with each term near finds the same (:class:`_FuzzyPlan`)."""
    if plan is None:
        plan = _fuzzy_plan(index)
    n = len(key)
    texts, ids, ds = (plan.near_squeezed if squeezed else plan.near).get(n, _NO_REACH)
    if not texts:
        return ()
    two = (plan.two_squeezed if squeezed else plan.two).get(n, _NO_REACH)
    way = _fuzzy_way(len(texts), len(two[0]), n)
    found: dict[int, None] = {}
    if way == 0:
        for _, score, k in process.extract(
            key, texts, scorer=OSA.distance, score_cutoff=2, limit=None
        ):
            if score <= ds[k]:
                found[ids[k]] = None
        return tuple(found)
    table = index.fuzzy
    if way == 1:
        candidates = table.keys() & deletions(key, 1)  # a set operation, in C
        if two[0]:
            for _, _, k in process.extract(
                key, two[0], scorer=OSA.distance, score_cutoff=2, limit=None
            ):
                found[two[1][k]] = None
    else:
        candidates = table.keys() & deletions(key, 2)
    targets = index.fuzzy_terms
    for variant in candidates:
        entry = table[variant]
        for tid in (entry,) if isinstance(entry, int) else entry:
            if tid in found:
                continue
            token, distance = targets[tid]
            if squeezed:
                token = collapse(token)
            if OSA.distance(key, token, score_cutoff=distance) <= distance:
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


def _unspaced(index: Index, tok: Token, hits: list[Hit]) -> None:
    """Terms of unspaced scripts inside the token's run (``_compile.inside_runs``). A word term
    that is the whole token is the word index's hit already. The span is the term's own when
    the token kept its length through normalization, else the token's."""
    table = index.unspaced
    lengths = index.unspaced_lengths
    exact = tok.end - tok.start == len(tok.text)
    for key in tok.keys:
        if key[:1] in _MARKS:
            continue
        n = len(key)
        for i in range(n):
            for size in lengths:
                if i + size > n:
                    break
                ids = table.get(key[i : i + size])
                if ids is None:
                    continue
                whole = size == n
                for tid in ids:
                    if whole and index.term_kind[tid] is TermKind.WORD:
                        continue
                    if exact and key == tok.text:
                        hits.append((tid, tok.start + i, tok.start + i + size))
                    else:
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


def _regexes(index: Index, norm: Normalized, hits: list[Hit]) -> bool:
    """Adds the regex terms' hits; False when a pattern was left unrun or cut short because
    the query's regex time ran out (the decision is then incomplete)."""
    text, where = regex_text(norm)
    deadline = time.perf_counter() + REGEX_TIMEOUT
    complete = True
    for tid, pattern in index.regexes:
        spans = _regex_spans(pattern, text, deadline)
        if spans is None:
            complete = False
            continue
        for a, b in spans:
            hits.append((tid, where[a], where[b - 1] + 1))
    return complete


def _regex_spans(pattern: regex.Pattern[str], text: str, deadline: float) -> list[Span] | None:
    """The one place regex terms run: the non-empty spans of ``pattern`` in ``text``, or None
    when the query's regex time (``REGEX_TIMEOUT`` for all patterns, up to ``deadline``) ran
    out (the full path then counts it as not matching and the decision as incomplete: the
    query is never the reason a search fails)."""
    remaining = deadline - time.perf_counter()
    if remaining <= 0:
        return None
    try:
        return [m.span() for m in pattern.finditer(text, timeout=remaining) if m.end() > m.start()]
    except TimeoutError:
        return None


def regex_may_match(index: Index, text: str) -> bool:
    """Whether a regex term may match ``text``: the word memo's check before it answers a
    query from its words. Running out of time says yes, so the full path, which runs the
    patterns the same way, decides."""
    deadline = time.perf_counter() + REGEX_TIMEOUT
    for _, pattern in index.regexes:
        spans = _regex_spans(pattern, text, deadline)
        if spans is None or spans:
            return True
    return False


# -- near terms -------------------------------------------------------------------------------

_WORD_RE = regex.compile(rf"{_NOT_SPACE}+")
_NEAR_CANDIDATES = 32
"""Occurrences of one group considered around an anchor (a bound on the work per query)."""


def word_index(query: str) -> Callable[[int], int]:
    """Which whitespace-separated word of ``query`` a character offset is in."""
    starts = [m.start() for m in _WORD_RE.finditer(query)]
    return lambda pos: bisect.bisect_right(starts, pos) - 1


class Reading(Protocol):
    """What near terms read of a query: its token sequences (a :class:`Normalized`, or the word
    memo's tokens of the query's words laid side by side)."""

    @property
    def sequences(self) -> Sequence[Sequence[Placed]]: ...


def group_spans(norm: Reading, alternatives: Sequence[tuple[Matcher, ...]]) -> list[Span]:
    """Where any alternative of a near group (a word, prefix or phrase) occurs, as the tokens it
    covers, in any reading of the query. A group (a lexicon of hundreds of words in many
    languages) is looked up by each token's keys, not scanned."""
    table = group_table(alternatives)
    found: dict[Span, None] = {}
    for seq in norm.sequences:
        n = len(seq)
        for j in range(n):
            for alt in table.candidates(seq[j].keys):
                k = len(alt)
                if j + k <= n and all(
                    matcher_accepts(m, seq[j + i].keys, in_phrase=k > 1) for i, m in enumerate(alt)
                ):
                    found[(seq[j].start, seq[j + k - 1].end)] = None
    return sorted(found)


_GROUP_BUCKET = 3  # near groups hold prefixes of 3 letters or more (MIN_NEAR_PREFIX)


class _GroupTable:
    """A near group's alternatives by their first token: whole words by text, prefixes by their
    first letters (each under its plain and its squeezed form). ``candidates`` is a superset of
    the alternatives a token can start; each is then checked in full."""

    __slots__ = ("_exact", "_prefixes", "_short")

    def __init__(self, alternatives: Sequence[tuple[Matcher, ...]]) -> None:
        self._exact: dict[str, list[tuple[Matcher, ...]]] = {}
        self._prefixes: dict[str, list[tuple[Matcher, ...]]] = {}
        self._short: list[tuple[Matcher, ...]] = []
        for alt in alternatives:
            is_prefix, token, squeezed = alt[0]
            for text in dict.fromkeys((token, squeezed)):
                if not is_prefix:
                    self._exact.setdefault(text, []).append(alt)
                elif len(text) >= _GROUP_BUCKET:
                    self._prefixes.setdefault(text[:_GROUP_BUCKET], []).append(alt)
                else:
                    self._short.append(alt)

    def candidates(self, keys: tuple[str, ...]) -> list[tuple[Matcher, ...]]:
        out: dict[tuple[Matcher, ...], None] = dict.fromkeys(self._short)
        for key in keys:
            body = key[1:] if key[:1] in _MARKS else key
            for alt in self._exact.get(body, ()):
                out[alt] = None
            for alt in self._prefixes.get(body[:_GROUP_BUCKET], ()):
                out[alt] = None
        return list(out)


_GROUP_TABLES: ByIdentity[Sequence[tuple[Matcher, ...]], _GroupTable] = ByIdentity(4096)


def group_table(alternatives: Sequence[tuple[Matcher, ...]]) -> _GroupTable:
    """The table of a group, built once per group object of a compiled index (kept with the
    object, so an id reused after it is gone never returns a stale table)."""
    return _GROUP_TABLES.get(alternatives, _GroupTable)


def resolve_near(
    index: Index, query: str, hits: list[Hit], norm: Reading | None = None
) -> list[Hit]:
    """Complete near terms: a hit of an anchor-group alternative becomes the near term's hit when
    every other group occurs too, all within the term's window of words (in order when it says
    ``ordered``), no two groups on the same text; the hit spans them all. Parts never reach a
    decision. ``norm`` is the query's full reading when the caller has it."""
    parts = index.near_parts
    if not parts or not any(h[0] in parts for h in hits):
        return hits
    out = [h for h in hits if h[0] not in parts]
    anchors: dict[int, list[Span]] = {}
    for tid, start, end in hits:
        if tid in parts:
            anchors.setdefault(parts[tid], []).append((start, end))
    if norm is None:
        norm = index.segmenter.read(query)
    word_of = word_index(query)
    for near_tid, spans in anchors.items():
        window, ordered, anchor, groups = index.near[near_tid]
        found: list[list[Span]] = []
        for g, alternatives in enumerate(groups):
            found.append(sorted(set(spans)) if g == anchor else group_spans(norm, alternatives))
        best = _best_near(found, anchor, window, ordered, word_of)
        if best is not None:
            out.append((near_tid, best[0], best[1]))
    return out


def _best_near(
    found: list[list[Span]], anchor: int, window: int, ordered: bool, word_of: Callable[[int], int]
) -> Span | None:
    """The tightest placement of the groups: the smallest span (then the earliest) covering one
    occurrence of each group, within ``window`` words. Only occurrences within the window of an
    anchor occurrence can take part, so each group is cut to those first."""
    if any(not spans for spans in found):
        return None
    best: tuple[int, int, int] | None = None
    for a in found[anchor]:
        lo, hi = word_of(a[0]) - window + 1, word_of(a[1] - 1) + window - 1
        choices = [
            [a]
            if g == anchor
            else [s for s in spans if lo <= word_of(s[0]) and word_of(s[1] - 1) <= hi][
                :_NEAR_CANDIDATES
            ]
            for g, spans in enumerate(found)
        ]
        for combo in itertools.product(*choices):
            start = min(s[0] for s in combo)
            end = max(s[1] for s in combo)
            if word_of(end - 1) - word_of(start) + 1 > window:
                continue
            placed = sorted(combo)
            if any(x[1] > y[0] for x, y in itertools.pairwise(placed)):
                continue  # two groups on the same text
            if ordered and list(combo) != placed:
                continue
            key = (end - start, start, end)
            if best is None or key < best:
                best = key
    return None if best is None else (best[1], best[2])


NOTHING: frozenset[int] = frozenset()


def word_profile(
    index: Index, norm: Normalized, fuzzy_memo: Memo[str, tuple[int, ...]] | None = None
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
    # a key in several readings (a token and its splits) is one key for its members
    for key in dict.fromkeys(k for seq in norm.sequences for tok in seq for k in tok.keys):
        body = key[1:] if key[:1] in _MARKS else key
        _take(members, index.members.get(body))
        for p, ids in _member_prefixes(index, body):
            if body.startswith(p):
                _take(members, ids)
    # regex terms run on the whole query only (``regex_may_match`` on the memo path, then the
    # full path): on one word they would see its edges as the query's (``a$``) and spend a time
    # bound per word; the anchors come from find_hits' own lookups
    hits, _ = find_hits_bounded(index, norm, fuzzy_memo, regexes=False, anchors=anchors)
    return hits, frozenset(anchors) or NOTHING, frozenset(members) or NOTHING


def plain_word(
    index: Index, word: str, fuzzy_memo: Memo[str, tuple[int, ...]] | None = None
) -> Token | None:
    """The token of ``word`` when it is known cheaply that the word reads as that one token
    (:func:`letters_text`), is not split (``Segmenter.splits``) and that no term of ``index``
    hits, is anchored or has a member there: :func:`word_profile` of its reading would find
    nothing. None otherwise, and for words too long for the word memo's fuzzy bound: the caller
    reads the word the whole way. Most words a search box gets are such words; this reads one
    in a few microseconds, where the whole way takes tens."""
    n = len(word)
    if n < 2 or n > MAX_PLAIN_WORD:
        return None
    text = letters_text(word)
    if text is None:
        return None
    keys = token_keys(text)
    for key in keys:
        for _ in _lookups(index, key):
            return None
        body = key[1:] if key[:1] in _MARKS else key
        if body in index.members:
            return None
        for p, _ in _member_prefixes(index, body):
            if body.startswith(p):
                return None
    # a common word is neither split nor a typo: asked once here, not by splits and _fuzzy each
    common = text in index.segmenter.common
    if not common and index.segmenter.splits(text, keys):
        return None
    tok = Token(text, 0, n, keys)
    hits: list[Hit] = []
    if index.substring_plain is not None or index.substring_collapsed is not None:
        _substrings(index, tok, hits)
        if hits:
            return None
    if index.fuzzy and not common:
        _fuzzy(index, tok, hits, None)  # the word memo will hold the word
    return None if hits else tok


MAX_PLAIN_WORD = 32
"""The longest word :func:`plain_word` reads (longer ones are rare; they take the whole way)."""


def _member_prefixes(index: Index, body: str) -> Iterator[tuple[str, int | frozenset[int]]]:
    """The phrase-member prefixes that may start ``body``: its bucket, and the buckets of
    prefixes shorter than one (``Index.member_heads``)."""
    yield from index.member_prefixes.get(body[:PREFIX_BUCKET], ())
    for n in index.member_heads:
        if len(body) > n:
            yield from index.member_prefixes.get(body[:n], ())


def _take(into: set[int], ids: int | frozenset[int] | None) -> None:
    if ids is None:
        return
    if isinstance(ids, int):
        into.add(ids)
    else:
        into.update(ids)
