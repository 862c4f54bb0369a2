"""Compile a :class:`RuleSet` into lookup indexes, built once per engine.

Per-token dictionary lookups barely slow down from 1k to 100k terms, so every token-shaped
term is a dict key: words and phrases by their first token, prefixes by a short bucket of their
first characters, fuzzy terms by their deletion variants (verified later with rapidfuzz).
Substring and regex terms, which are few, are compiled into patterns.
"""

from __future__ import annotations

import gc
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import regex

from interventions._model import Rule, RuleSet, Status, Term, TermKind
from interventions._normalize import COLLAPSED, WEAK, collapse
from interventions._segment import Segmenter

__all__ = [
    "MAX_FUZZY_TOKEN",
    "Entry",
    "Index",
    "Matcher",
    "TermRef",
    "compile_rules",
    "deletions",
    "glued",
    "token_matcher",
]

MAX_FUZZY_TOKEN = 32
"""Tokens longer than this are not fuzzy-matched (fuzzy terms are at most 30 letters)."""

PREFIX_BUCKET = 4

Matcher = tuple[bool, tuple[str, str, str]]
"""(is_prefix, (plain key, collapsed key, weak collapsed key)) for one token of a term."""

MIN_GLUED = 6
"""A phrase also matches its words glued into one token (``proanatips``) from this length on."""

Entry = tuple[int, int, tuple[Matcher, ...]]
"""(term index, position of the indexed token in the term, matchers of all the term's tokens).

A phrase is indexed under its longest token, not its first: "how to help a friend with
anorexia" waits behind "anorexia", so the common word "how" stays a cheap miss."""


@dataclass(frozen=True, slots=True)
class TermRef:
    """A compiled term: which rule it belongs to and whether it is an exception (``unless``)."""

    rule: int
    unless: bool
    term: Term


@dataclass(frozen=True, slots=True)
class Index:
    rules: tuple[Rule, ...]
    terms: tuple[TermRef, ...]
    words: dict[str, tuple[Entry, ...]]
    prefixes: dict[str, tuple[tuple[str, tuple[Entry, ...]], ...]]
    prefix_buckets: tuple[int, ...]
    substring_plain: regex.Pattern[str] | None
    substring_collapsed: regex.Pattern[str] | None
    substrings: dict[str, tuple[int, ...]]
    fuzzy: dict[str, tuple[int, ...]]
    fuzzy_max: int
    regexes: tuple[tuple[int, regex.Pattern[str]], ...]
    segmenter: Segmenter
    version: str
    members: dict[str, frozenset[int]]
    """Keys of the words of phrases other than the indexed one → those phrases."""
    member_prefixes: dict[str, tuple[tuple[str, frozenset[int]], ...]]
    unless: frozenset[int]
    """Ids of the exception (``unless``) terms."""
    fuzzy_memo: dict[str, tuple[int, ...]] = field(default_factory=dict, compare=False)
    """Fuzzy candidates per token key, filled as queries arrive (a pure function's memo)."""


def token_matcher(token: str, is_prefix: bool) -> Matcher:
    squeezed = collapse(token)
    return (is_prefix, (token, COLLAPSED + squeezed, WEAK + squeezed))


def glued(term: Term) -> tuple[str, bool] | None:
    """The phrase's words written as one token (``pro ana tips`` → ``proanatips``), if any,
    and whether it is a prefix (``zostać anorektyczk*`` → ``zostacanorektyczk…``)."""
    if term.kind is not TermKind.PHRASE or any(term.prefix_tokens[:-1]):
        return None
    joined = "".join(term.tokens)
    return (joined, term.prefix_tokens[-1]) if len(joined) >= MIN_GLUED else None


def deletions(s: str, depth: int) -> set[str]:
    """Every string made by deleting up to ``depth`` characters of ``s``."""
    out = {s}
    frontier = {s}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


def _literal_pattern(literals: list[str]) -> regex.Pattern[str] | None:
    if not literals:
        return None
    alternation = "|".join(regex.escape(x) for x in sorted(set(literals), key=lambda x: -len(x)))
    return regex.compile(alternation)


def compile_rules(ruleset: RuleSet) -> Index:
    """Build the indexes. The collector is paused meanwhile: compiling allocates millions of
    small tuples that all stay alive, and scanning them repeatedly is two thirds of the time
    at 100k terms."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _compile(ruleset)
    finally:
        if enabled:
            gc.enable()


def _compile(ruleset: RuleSet) -> Index:
    rules = tuple(r for r in ruleset.rules if r.status is not Status.DEPRECATED)
    terms: list[TermRef] = []
    words: dict[str, list[Entry]] = defaultdict(list)
    prefixes: dict[str, dict[str, list[Entry]]] = defaultdict(lambda: defaultdict(list))
    substrings: dict[str, list[int]] = defaultdict(list)
    plain_literals: list[str] = []
    collapsed_literals: list[str] = []
    fuzzy: dict[str, list[int]] = defaultdict(list)
    fuzzy_max = 0
    regexes: list[tuple[int, regex.Pattern[str]]] = []

    def add(term: Term, rule_index: int, unless: bool) -> None:
        nonlocal fuzzy_max
        tid = len(terms)
        terms.append(TermRef(rule_index, unless, term))
        if term.kind is TermKind.REGEX:
            regexes.append((tid, regex.compile(term.text, regex.V1)))
            return
        if term.kind is TermKind.SUBSTRING:
            literal = term.tokens[0]
            plain_literals.append(literal)
            substrings[literal].append(tid)
            squeezed = collapse(literal)
            collapsed_literals.append(squeezed)
            substrings[COLLAPSED + squeezed].append(tid)
            return
        matchers = tuple(
            token_matcher(tok, is_prefix)
            for tok, is_prefix in zip(term.tokens, term.prefix_tokens, strict=True)
        )
        # the rarest word among the rule set's terms, then the longest: common words ("how",
        # "your") that start many phrases would send every query containing them to the full path
        anchor = min(
            range(len(matchers)),
            key=lambda k: (
                len(term.tokens[k]) < 3,
                uses[term.tokens[k]],
                -len(term.tokens[k]),
                term.prefix_tokens[k],
            ),
        )
        if len(matchers) > 1:
            for k, (member_prefix, member_keys) in enumerate(matchers):
                if k == anchor:
                    continue
                for key in member_keys:
                    if member_prefix:
                        member_starts[key[:PREFIX_BUCKET]][key].add(tid)
                    else:
                        members[key].add(tid)
        is_prefix, keys = matchers[anchor]
        # words of a phrase also accept weak collapsed readings (``prro ana tips``)
        for key in keys if len(matchers) > 1 else keys[:2]:
            if is_prefix:
                prefixes[key[:PREFIX_BUCKET]][key].append((tid, anchor, matchers))
            else:
                words[key].append((tid, anchor, matchers))
        whole = glued(term)
        if whole is not None:
            single = token_matcher(*whole)
            for key in single[1][:2]:
                if whole[1]:
                    prefixes[key[:PREFIX_BUCKET]][key].append((tid, 0, (single,)))
                else:
                    words[key].append((tid, 0, (single,)))
        if term.fuzzy:
            fuzzy_max = max(fuzzy_max, term.fuzzy)
            for variant in deletions(term.tokens[0], term.fuzzy):
                fuzzy[variant].append(tid)

    members: dict[str, set[int]] = defaultdict(set)
    member_starts: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    uses = Counter(
        tok for rule in rules for term in (*rule.terms, *rule.unless) for tok in term.tokens
    )
    for i, rule in enumerate(rules):
        for term in rule.terms:
            add(term, i, False)
        for term in rule.unless:
            add(term, i, True)

    prefix_index = {
        bucket: tuple((key, tuple(entries)) for key, entries in group.items())
        for bucket, group in prefixes.items()
    }
    return Index(
        rules=rules,
        terms=tuple(terms),
        words={k: tuple(v) for k, v in words.items()},
        prefixes=prefix_index,
        prefix_buckets=tuple(sorted({len(b) for b in prefix_index}, reverse=True)),
        substring_plain=_literal_pattern(plain_literals),
        substring_collapsed=_literal_pattern(collapsed_literals),
        substrings={k: tuple(v) for k, v in substrings.items()},
        fuzzy={k: tuple(dict.fromkeys(v)) for k, v in fuzzy.items()},
        fuzzy_max=fuzzy_max,
        regexes=tuple(regexes),
        segmenter=_segmenter(ruleset, terms),
        members={k: frozenset(v) for k, v in members.items()},
        member_prefixes={
            bucket: tuple((key, frozenset(ids)) for key, ids in group.items())
            for bucket, group in member_starts.items()
        },
        version=ruleset.version,
        unless=frozenset(i for i, ref in enumerate(terms) if ref.unless),
    )


def _segmenter(ruleset: RuleSet, terms: list[TermRef]) -> Segmenter:
    words: set[str] = set()
    starts: set[str] = set()
    for ref in terms:
        term = ref.term
        for tok, is_prefix in zip(term.tokens, term.prefix_tokens, strict=True):
            (starts if is_prefix else words).add(tok)
        whole = glued(term)
        if whole is not None:
            (starts if whole[1] else words).add(whole[0])
    return Segmenter.build(ruleset.vocabulary, frozenset(words), frozenset(starts))
