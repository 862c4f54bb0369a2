"""Compile a :class:`RuleSet` into lookup indexes, built once per engine.

Per-token dictionary lookups barely slow down from 1k to 100k terms, so every token-shaped
term is a dict key: words and phrases by one of their tokens, prefixes by a short bucket of
their first characters, fuzzy terms by their deletion variants (verified later with rapidfuzz).
Substring and regex terms, which are few, are compiled into patterns.

The index is plain data (ints, strings, tuples, dicts, frozensets) so that a compiled artefact
can store it as it is and load it without compiling again (``_artifact.py``), and it is
compact: a one-token term is a bare term id under its key, and a term's collapsed key
(``\x01`` + the term with letter runs squeezed) is stored only when it differs from the term,
because a query's collapsed key is also looked up without its mark (see ``_match._lookups``).
"""

from __future__ import annotations

import gc
import itertools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NamedTuple

import regex

from interventions._anchors import (
    PREFIX_BUCKET,
    near_anchor,
    near_anchor_problem,
)
from interventions._anchors import function_tokens as _function_tokens
from interventions._model import (
    Action,
    CardDefinition,
    Intent,
    Rule,
    RuleSet,
    Status,
    Term,
    TermKind,
    UnlessScope,
    Window,
)
from interventions._normalize import COLLAPSED, WEAK, collapse
from interventions._scripts import is_unspaced_term, unspaced_min
from interventions._segment import Segmenter

__all__ = [
    "MAX_FUZZY_TOKEN",
    "PREFIX_BUCKET",
    "UNSPACED_MARK",
    "Entry",
    "Index",
    "Matcher",
    "NearSpec",
    "Phrase",
    "RuleInfo",
    "Slot",
    "TermRow",
    "bucket_heads",
    "compile_rules",
    "deletions",
    "glued",
    "inside_runs",
    "literal_pattern",
    "live_terms",
    "near_anchor",
    "near_anchor_problem",
    "paused_gc",
    "quiet_terms",
    "rule_info",
    "token_matcher",
    "unspaced_tables",
]

MAX_FUZZY_TOKEN = 32
"""Tokens longer than this are not fuzzy-matched (fuzzy terms are at most 30 letters)."""

UNSPACED_MARK = "\x03"
"""Marks, in ``Index.substrings``, a term found inside runs of an unspaced script."""

SHORT_EXCEPTION_PIECE = 3
"""Exception (``unless``) words this short are not pieces of a split hashtag."""

MIN_GLUED = 6
"""A phrase also matches its words glued into one token (``proanatips``) from this length on."""

Matcher = tuple[bool, str, str]
"""(is_prefix, token, token with letter runs squeezed) for one token of a term."""

Phrase = tuple[int, int, tuple[Matcher, ...]]
"""(term id, position of the indexed token in the term, matchers of all the term's tokens).

A phrase is indexed under its rarest token in the rule set, then its longest: "how to help a
friend with anorexia" waits behind "anorexia", so the common word "how" stays a cheap miss."""

Entry = int | Phrase
"""A one-token term (a word, a prefix, a phrase glued into one token) is its bare term id."""

Slot = int | tuple[Entry, ...]
"""What one key holds: a single one-token term (the common case), or several entries."""


class RuleInfo(NamedTuple):
    """What a decision needs of a rule."""

    id: str
    category: str
    action: Action
    priority: int
    card: str
    languages: frozenset[str]
    unless_scope: UnlessScope
    intent: Intent = Intent.HARM
    ignore_help_cue: bool = False
    shadow: bool = False
    """On trial (``status: experimental``): reported in ``Decision.shadow``, never decides."""
    active: Window | None = None


def rule_info(r: Rule) -> RuleInfo:
    return RuleInfo(
        r.id,
        r.category,
        r.action,
        r.priority,
        r.card,
        r.languages,
        r.unless_scope,
        r.intent,
        r.ignore_help_cue,
        r.status is Status.EXPERIMENTAL,
        r.active,
    )


def quiet_terms(
    rules: tuple[RuleInfo, ...], term_rule: tuple[int, ...], unless: frozenset[int]
) -> frozenset[int]:
    """Terms that matter only when the query has a hit: exceptions and help-seeking cues. The
    word memo keeps them apart, so a word that is only a cue ("stop") costs nothing."""
    cues = (tid for tid, r in enumerate(term_rule) if rules[r].intent is Intent.CUE)
    return unless.union(cues)


class TermRow(NamedTuple):
    """A term in the order the index numbers them: ``live_terms`` gives the same rows."""

    rule: int
    unless: bool
    term: Term
    part_of: int = -1
    """For an alternative of a near term's anchor group: the near term's id."""


NearSpec = tuple[int, bool, int, tuple[tuple[tuple[Matcher, ...], ...], ...]]
"""A near term as the matcher needs it: (window in words, ordered, anchor group, groups), each
group a tuple of alternatives, each alternative the matchers of its tokens."""


@dataclass(frozen=True, slots=True)
class Index:
    """Everything the matcher needs, as plain data. Term ids index ``term_*``."""

    version: str
    rules: tuple[RuleInfo, ...]
    cards: dict[str, CardDefinition]
    term_rule: tuple[int, ...]
    term_text: tuple[str, ...]
    term_kind: tuple[TermKind, ...]
    unless: frozenset[int]
    """Ids of the exception (``unless``) terms."""
    quiet: frozenset[int]
    """Ids of the terms that only matter next to a hit: exceptions and cues (``quiet_terms``)."""
    words: dict[str, Slot]
    prefixes: dict[str, tuple[tuple[str, Slot], ...]]
    """Prefix terms by their first ``PREFIX_BUCKET`` characters, then by the whole prefix."""
    substring_plain: regex.Pattern[str] | None
    substring_collapsed: regex.Pattern[str] | None
    substrings: dict[str, tuple[int, ...]]
    fuzzy: dict[str, int | tuple[int, ...]]
    """Deletion variants of fuzzy terms → the terms they come from."""
    fuzzy_terms: dict[int, tuple[str, int]]
    """Fuzzy term id → (its token, the edit distance it allows)."""
    fuzzy_max: int
    regexes: tuple[tuple[int, regex.Pattern[str]], ...]
    segmenter: Segmenter
    members: dict[str, int | frozenset[int]]
    """Tokens (and squeezed tokens) of phrases other than the indexed one → those phrases."""
    member_prefixes: dict[str, tuple[tuple[str, int | frozenset[int]], ...]]
    unspaced: dict[str, tuple[int, ...]]
    """Terms of unspaced scripts looked for inside runs (``inside_runs``), by their text."""
    unspaced_lengths: tuple[int, ...]
    near: dict[int, NearSpec]
    """Near terms by id (``_match.resolve_near`` completes them)."""
    near_parts: dict[int, int]
    """Ids of the anchor-group alternatives of near terms → the near term's id."""
    prefix_heads: tuple[int, ...] = ()
    """The lengths, under ``PREFIX_BUCKET``, of prefixes filed under their whole text (a Han,
    kana or Hangul prefix may have two characters): a token is looked up under its first
    characters of each such length too (``bucket_heads``)."""
    member_heads: tuple[int, ...] = ()
    """The same for ``member_prefixes``."""


def bucket_heads(table: Iterable[str]) -> tuple[int, ...]:
    """The bucket lengths under ``PREFIX_BUCKET`` in a table of prefixes by their first
    characters (a prefix shorter than a bucket is filed under its whole text)."""
    return tuple(sorted({len(k) for k in table if len(k) < PREFIX_BUCKET}))


def inside_runs(term: Term) -> bool:
    """Whether a term is looked for inside runs of an unspaced script (Japanese, Chinese, Thai
    have no spaces between words): a word or substring term written wholly in such a script,
    long enough (``_scripts.unspaced_min``) not to fire inside ordinary longer words."""
    if term.kind not in (TermKind.WORD, TermKind.SUBSTRING) or len(term.tokens) != 1:
        return False
    token = term.tokens[0]
    return is_unspaced_term(token) and len(token) >= unspaced_min(token)


def unspaced_tables(
    substrings: dict[str, tuple[int, ...]],
) -> tuple[dict[str, tuple[int, ...]], tuple[int, ...]]:
    """The unspaced-script terms (by their text) and their lengths, from ``Index.substrings``."""
    table = {k[1:]: v for k, v in substrings.items() if k.startswith(UNSPACED_MARK)}
    return table, tuple(sorted({len(k) for k in table}))


def token_matcher(token: str, is_prefix: bool) -> Matcher:
    squeezed = collapse(token)
    return (is_prefix, token, token if squeezed == token else squeezed)


def glued(term: Term) -> tuple[str, bool] | None:
    """The phrase's words written as one token (``pro ana tips`` → ``proanatips``), if any,
    and whether it is a prefix (``zostać anorektyczk*`` → ``zostacanorektyczk…``)."""
    if term.kind is not TermKind.PHRASE or any(term.prefix_tokens[:-1]):
        return None
    joined = "".join(term.tokens)
    return (joined, term.prefix_tokens[-1]) if len(joined) >= MIN_GLUED else None


def deletions(s: str, depth: int) -> set[str]:
    """Every string made by deleting up to ``depth`` characters of ``s``
    (``itertools.combinations`` keeps the letters in order, in C loops: a cold word's fuzzy
    lookup is mostly this)."""
    n = len(s)
    out = {s}
    for k in range(1, min(depth, n) + 1):
        out.update(map("".join, itertools.combinations(s, n - k)))
    return out


def live_terms(ruleset: RuleSet) -> tuple[tuple[Rule, ...], list[TermRow]]:
    """The rules an index serves (all but deprecated ones) and their terms in id order."""
    rules = tuple(r for r in ruleset.rules if r.status is not Status.DEPRECATED)
    rows: list[TermRow] = []
    for i, rule in enumerate(rules):
        for unless, terms in ((False, rule.terms), (True, rule.unless)):
            for term in terms:
                rows.append(TermRow(i, unless, term))
                if term.kind is TermKind.NEAR:
                    # the anchor group's alternatives are looked up like terms of their own
                    near = len(rows) - 1
                    for alt in term.groups[near_anchor(term)]:
                        rows.append(TermRow(i, unless, alt, near))
    return rules, rows


def _with_shorter_literals(substrings: dict[str, list[int]]) -> dict[str, tuple[int, ...]]:
    """The substring table with each literal's terms joined by those of the literals it starts
    with: the pattern finds one literal per place, the longest (``proanatips``), and the
    shorter ones starting there (``proana``) match there too. Literals inside runs of unspaced
    scripts are found another way and keep their own terms."""
    out: dict[str, tuple[int, ...]] = {}
    for key, ids in substrings.items():
        mark = key[:1] if key[:1] in (COLLAPSED, UNSPACED_MARK) else ""
        found = dict.fromkeys(ids)
        if mark != UNSPACED_MARK:
            body = key[len(mark) :]
            for end in range(1, len(body)):
                for tid in substrings.get(mark + body[:end], ()):
                    found[tid] = None
        out[key] = tuple(sorted(found))
    return out


_TRIE_DEPTH = 64
"""Literals up to this length go into the trie of :func:`literal_pattern` (its nesting);
longer ones are alternatives of their own, tried first."""


def literal_pattern(literals: Iterable[str]) -> regex.Pattern[str] | None:
    """A pattern that matches, at each position, the longest of the literals starting there
    (what one alternation of them, longest first, matches), written as a trie of their
    characters: ``ana|anor|anorexia`` is ``ana(?:...)?``-shaped, so a position is dismissed at
    its first character and shared beginnings are read once. An alternation of hundreds of
    literals cost the `regex` module about 3 us per character of a long token (1.6 ms for
    540 characters of glued leet), the trie about 0.2 us. Fixed order: compiling is
    reproducible."""
    unique = sorted({x for x in literals if x}, key=lambda x: (-len(x), x))
    if not unique:
        return None
    long = [regex.escape(x) for x in unique if len(x) > _TRIE_DEPTH]
    trie = _trie_regex([x for x in unique if len(x) <= _TRIE_DEPTH])
    return regex.compile("|".join([*long, trie] if trie else long))


def _trie_regex(words: Iterable[str]) -> str:
    """The trie of ``words`` as a regex that matches the longest word at a position: at each
    node the longer continuations are tried before stopping there (a greedy ``?``)."""
    root: dict[str, Any] = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = None  # a word ends here

    def emit(node: dict[str, Any]) -> str:
        kids = [regex.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not kids:
            return ""
        body = kids[0] if len(kids) == 1 else "(?:" + "|".join(kids) + ")"
        if "" not in node:
            return body
        return f"(?:{body})?"

    return emit(root)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building an index: that allocates hundreds of
    thousands of containers that all stay alive, and scanning them again and again as they
    arrive was two thirds of compiling 100k terms."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def compile_rules(ruleset: RuleSet) -> Index:
    """Build the indexes (with the collector paused)."""
    with paused_gc():
        return _compile(ruleset)


def _add(d: dict[str, Any], key: str, value: Any) -> None:
    """Add ``value`` under ``key``: a lone int stays bare, anything more becomes a list.
    (Most keys hold one term id; 100k one-element lists were most of compiling's peak.)"""
    old = d.get(key)
    if old is None:
        d[key] = value if isinstance(value, int) else [value]
    elif type(old) is list:
        old.append(value)
    else:
        d[key] = [old, value]


def _finish(d: dict[str, Any], convert: Callable[[list[Any]], Any]) -> None:
    """Turn the lists left by ``_add`` into their final form, in place."""
    for key in [k for k, v in d.items() if type(v) is list]:
        d[key] = convert(d[key])


def _unique_ids(ids: list[int]) -> int | tuple[int, ...]:
    unique = tuple(dict.fromkeys(ids))
    return unique[0] if len(unique) == 1 else unique


def _id_set(ids: list[int]) -> int | frozenset[int]:
    unique = frozenset(ids)
    return next(iter(unique)) if len(unique) == 1 else unique


def _compile(ruleset: RuleSet) -> Index:
    rules, rows = live_terms(ruleset)
    words: dict[str, Any] = {}  # str -> int | list[Entry] while building (see _add)
    prefixes: dict[str, dict[str, Any]] = defaultdict(dict)
    substrings: dict[str, list[int]] = defaultdict(list)
    plain_literals: list[str] = []
    collapsed_literals: list[str] = []
    fuzzy: dict[str, Any] = {}
    fuzzy_terms: dict[int, tuple[str, int]] = {}
    regexes: list[tuple[int, regex.Pattern[str]]] = []
    members: dict[str, Any] = {}
    member_starts: dict[str, dict[str, Any]] = defaultdict(dict)
    uses = Counter(tok for row in rows for tok in row.term.tokens)
    function = _function_tokens()

    def put(key: str, is_prefix: bool, entry: Entry) -> None:
        _add(prefixes[key[:PREFIX_BUCKET]] if is_prefix else words, key, entry)

    def keys(matcher: Matcher, weak: bool) -> tuple[str, ...]:
        _, token, squeezed = matcher
        if squeezed == token:
            return (token,)
        strong = (token, COLLAPSED + squeezed)
        return (*strong, WEAK + squeezed) if weak else strong

    near: dict[int, NearSpec] = {}
    near_parts: dict[int, int] = {}
    for tid, row in enumerate(rows):
        term = row.term
        if row.part_of >= 0:
            near_parts[tid] = row.part_of
        if term.kind is TermKind.NEAR:
            near[tid] = (
                term.window,
                term.ordered,
                near_anchor(term),
                tuple(
                    tuple(
                        tuple(
                            token_matcher(tok, p)
                            for tok, p in zip(alt.tokens, alt.prefix_tokens, strict=True)
                        )
                        for alt in group
                    )
                    for group in term.groups
                ),
            )
            continue
        if term.kind is TermKind.REGEX:
            regexes.append((tid, regex.compile(term.text, regex.V1)))
            continue
        if inside_runs(term):
            substrings[UNSPACED_MARK + term.tokens[0]].append(tid)
            if term.kind is TermKind.SUBSTRING:
                continue
        if term.kind is TermKind.SUBSTRING:
            literal = term.tokens[0]
            plain_literals.append(literal)
            substrings[literal].append(tid)
            squeezed = collapse(literal)
            collapsed_literals.append(squeezed)
            substrings[COLLAPSED + squeezed].append(tid)
            continue
        matchers = tuple(
            token_matcher(tok, is_prefix)
            for tok, is_prefix in zip(term.tokens, term.prefix_tokens, strict=True)
        )
        if len(matchers) == 1:
            for key in keys(matchers[0], False):
                put(key, matchers[0][0], tid)
        else:
            # not a function word ("and", "to", "się"), then the rarest word among the rule
            # set's terms, then the longest: a common anchor makes every query holding it look
            # at the phrase
            anchor = min(
                range(len(matchers)),
                key=lambda k: (
                    len(term.tokens[k]) < 3,
                    term.tokens[k] in function,
                    uses[term.tokens[k]],
                    -len(term.tokens[k]),
                    term.prefix_tokens[k],
                ),
            )
            for k, (member_prefix, token, squeezed) in enumerate(matchers):
                if k == anchor:
                    continue
                for key in sorted({token, squeezed}):  # a set's order varies by hash seed
                    _add(member_starts[key[:PREFIX_BUCKET]] if member_prefix else members, key, tid)
            # words of a phrase also accept weak collapsed readings (``prro ana tips``)
            phrase: Phrase = (tid, anchor, matchers)
            for key in keys(matchers[anchor], True):
                put(key, matchers[anchor][0], phrase)
        whole = glued(term)
        if whole is not None:
            single = token_matcher(*whole)
            for key in keys(single, False):
                put(key, whole[1], tid)
        if term.fuzzy:
            fuzzy_terms[tid] = (term.tokens[0], term.fuzzy)
            # the collapsed term's deletions too: a collapsed key is compared with it
            token = term.tokens[0]
            for variant in deletions(token, term.fuzzy) | deletions(collapse(token), term.fuzzy):
                _add(fuzzy, variant, tid)

    _finish(words, tuple)
    _finish(fuzzy, _unique_ids)
    _finish(members, _id_set)
    for group in prefixes.values():
        _finish(group, tuple)
    for group in member_starts.values():
        _finish(group, _id_set)

    frozen_substrings = _with_shorter_literals(substrings)
    unspaced, unspaced_lengths = unspaced_tables(frozen_substrings)
    infos = tuple(rule_info(r) for r in rules)
    term_rule = tuple(row.rule for row in rows)
    unless = frozenset(tid for tid, row in enumerate(rows) if row.unless)
    return Index(
        version=ruleset.version,
        rules=infos,
        cards=ruleset.cards,
        term_rule=term_rule,
        term_text=tuple(row.term.text for row in rows),
        term_kind=tuple(row.term.kind for row in rows),
        unless=unless,
        quiet=quiet_terms(infos, term_rule, unless),
        words=words,
        prefixes={bucket: tuple(group.items()) for bucket, group in prefixes.items()},
        substring_plain=literal_pattern(plain_literals),
        substring_collapsed=literal_pattern(collapsed_literals),
        substrings=frozen_substrings,
        fuzzy=fuzzy,
        fuzzy_terms=fuzzy_terms,
        fuzzy_max=max((d for _, d in fuzzy_terms.values()), default=0),
        regexes=tuple(regexes),
        segmenter=_segmenter(ruleset, rows),
        members=members,
        member_prefixes={bucket: tuple(group.items()) for bucket, group in member_starts.items()},
        prefix_heads=bucket_heads(prefixes),
        member_heads=bucket_heads(member_starts),
        unspaced=unspaced,
        unspaced_lengths=unspaced_lengths,
        near=near,
        near_parts=near_parts,
    )


def _segmenter(ruleset: RuleSet, rows: list[TermRow]) -> Segmenter:
    words: set[str] = set()
    starts: set[str] = set()
    for row in rows:
        term = row.term
        for tok, is_prefix in zip(term.tokens, term.prefix_tokens, strict=True):
            if row.unless and len(tok) <= SHORT_EXCEPTION_PIECE and not is_prefix:
                # a short exception word ("nia", the Indian agency) is no reason to cut an
                # ordinary word around it (zaburze + nia)
                continue
            (starts if is_prefix else words).add(tok)
        whole = glued(term)
        if whole is not None:
            (starts if whole[1] else words).add(whole[0])
    return Segmenter.build(
        ruleset.vocabulary, frozenset(words), frozenset(starts), common=ruleset.common_words
    )
