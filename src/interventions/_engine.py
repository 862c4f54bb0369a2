"""The engine: an immutable compiled rule set that turns queries into decisions.

An :class:`Engine` never changes after construction, so one instance serves any number of
threads. To reload rules, build a new engine and swap the reference: a broken rule file raises
while building and leaves the running engine untouched.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from interventions._cards import campaign_of, card_keys, language_of, resolve_card
from interventions._compile import Index, RuleInfo, compile_rules, paused_gc
from interventions._decision import Card, Decision, Match
from interventions._errors import InputError, InterventionsError
from interventions._loader import load_rules, load_rules_from_texts
from interventions._match import (
    MAX_MEMO_WORD,
    NOTHING,
    Hit,
    Placed,
    find_hits_bounded,
    group_table,
    phrase_hits,
    plain_word,
    regex_may_match,
    resolve_near,
    word_profile,
)
from interventions._memo import Memo, entry_bytes
from interventions._model import Action, Intent, RuleSet, TermKind
from interventions._normalize import (
    COLLAPSED,
    LONG_WORD,
    MAX_QUERY_CHARS,
    Normalized,
    Step,
    Token,
    token_steps,
)
from interventions._scripts import arabizi_table

__all__ = ["Engine", "Explanation", "default_rules_path"]

_LOG = logging.getLogger("interventions")
MEMO_SIZE = 1 << 18
"""Default bound of the word memos, in entries (two generations of half as many)."""
MEMO_BYTES = 64 << 20
"""Default bound of each memo's estimated bytes."""
FUZZY_MEMO = 1 << 16


def default_rules_path() -> Path:
    """Where the shipped rules are: inside the installed package, or in a source checkout."""
    here = Path(__file__).resolve().parent
    packaged = here / "_rules"
    if packaged.is_dir():
        return packaged
    checkout = here.parents[1] / "rules"
    if checkout.is_dir():
        return checkout
    raise InterventionsError(f"the shipped rules are missing (looked in {packaged} and {checkout})")


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a query got its decision: the text after each normalization step, the tokens with
    their candidate keys and original spans, and the decision itself."""

    query: str
    steps: tuple[Step, ...]
    sequences: tuple[tuple[Token, ...], ...]
    decision: Decision

    def render(self) -> str:
        """A human-readable report, as printed by ``interventions check --explain``."""
        lines = [f"query: {self.query!r}", "normalization:"]
        width = max(len(s.name) for s in self.steps)
        lines += [f"  {s.name:<{width}}  {s.text!r}" for s in self.steps]
        for i, seq in enumerate(self.sequences):
            label = "tokens" if i == 0 else f"also read as ({seq[0].origin})"
            lines.append(f"{label}:")
            for tok in seq:
                original = self.query[tok.start : tok.end]
                keys = ", ".join(k.replace(COLLAPSED, "~") for k in tok.keys)
                lines.append(f"  [{tok.start}:{tok.end}] {original!r} -> {keys}")
        lines.append("  (~ marks a collapsed reading)")
        d = self.decision
        lines.append(
            f"decision: {d.action.value}" + (f" ({d.category}, {d.rule_id})" if d.rule_id else "")
        )
        for m in d.matches:
            lines.append(
                f"  match {m.rule_id} {m.action.value} term={m.term!r} ({m.kind.value}) "
                f"span=[{m.start}:{m.end}] {m.text!r}"
            )
        for m in d.cues:
            lines.append(f"  cue {m.rule_id} term={m.term!r} span=[{m.start}:{m.end}] {m.text!r}")
        for m in d.shadow:
            lines.append(
                f"  shadow {m.rule_id} {m.action.value} term={m.term!r} ({m.kind.value}) "
                f"span=[{m.start}:{m.end}] {m.text!r}"
            )
        if d.intent is not None:
            lines.append(f"intent: {d.intent.value}")
        if d.card:
            campaign = f", campaign {d.card.campaign}" if d.card.campaign else ""
            lines.append(
                f"card: {d.card.id} (text {d.card.text_key}, resources {d.card.resources_key}"
                f"{campaign})"
            )
        lines.append(f"ruleset: {d.ruleset_version}")
        return "\n".join(lines)


class Engine:
    """Decides, for a query, whether to intervene and how.

    >>> engine = Engine.default()
    >>> engine.check("banana bread").action
    <Action.NONE: 'none'>
    >>> engine.check("#thinspo").category
    'eating_disorder'
    """

    __slots__ = (
        "_artifact",
        "_cache",
        "_cache_size",
        "_card_of",
        "_cards",
        "_clock",
        "_closed",
        "_failure",
        "_fuzzy",
        "_index",
        "_langs",
        "_log_tracebacks",
        "_memo_bytes",
        "_memo_size",
        "_none",
        "_none_truncated",
        "_open",
        "_readings",
        "_ruleset",
        "_ruleset_source",
        "_unless",
        "_windowed",
        "_words",
    )

    def __init__(
        self,
        ruleset: RuleSet,
        *,
        memo_size: int = MEMO_SIZE,
        cache_size: int = 0,
        memo_bytes: int = MEMO_BYTES,
        failure: str = "open",
    ) -> None:
        """Compile ``ruleset``.

        ``memo_size`` bounds the memo of words already seen (0 turns the fast path off).
        ``cache_size`` bounds an optional cache of whole decisions per (query, locale), off by
        default. ``memo_bytes`` bounds the estimated bytes of each memo. The memos keep the words
        in use when full (no cliff, see ``_memo``) and are safe to share between threads.

        ``failure`` is the failure policy, for an internal error and for a query whose work
        bound was reached (``Decision.complete`` is False): ``"open"`` answers with what was
        found (nothing, for an error); ``"closed"`` answers an error, or an incomplete decision
        that found nothing, with an interstitial without a rule or card. Errors are logged to
        the ``interventions`` logger without the query's text (see docs/reliability.md).
        """
        self._setup(compile_rules(ruleset), memo_size, cache_size, memo_bytes, failure)
        self._ruleset: RuleSet | None = ruleset
        self._ruleset_source: Callable[[], RuleSet] | None = None

    def _setup(
        self,
        index: Index,
        memo_size: int,
        cache_size: int,
        memo_bytes: int,
        failure: str = "open",
    ) -> None:
        if failure not in ("open", "closed"):
            raise InputError(f"failure must be 'open' or 'closed', got {failure!r}")
        self._failure = failure
        self._log_tracebacks = False
        for name, value in (
            ("memo_size", memo_size),
            ("cache_size", cache_size),
            ("memo_bytes", memo_bytes),
        ):
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise InputError(f"{name} must be a whole number >= 0, got {value!r}")
        self._index = index
        self._none = Decision(Action.NONE, None, None, None, (), index.version)
        self._none_truncated = Decision(Action.NONE, None, None, None, (), index.version, True)
        self._open = Decision(Action.NONE, None, None, None, (), index.version, complete=False)
        self._closed = Decision(
            Action.INTERSTITIAL, None, None, None, (), index.version, complete=False
        )
        self._cards: dict[tuple[str, str, str, str], Card] = {}
        self._card_of: dict[tuple[str, str | None], Card] = {}
        self._langs: dict[str | None, str | None] = {}
        self._words: Memo[str, _Chunk] = Memo(
            memo_size,
            memo_bytes,
            _chunk_bytes,
            flag=_is_quiet,
            marks=(_has_members, _is_letter, _is_anchor),
        )
        self._unless: Memo[str, _Unless] = Memo(memo_size, memo_bytes, _unless_bytes)
        self._readings: Memo[str, tuple[tuple[Token, ...], ...]] = Memo(
            memo_size, memo_bytes, _reading_bytes
        )
        self._fuzzy: Memo[str, tuple[int, ...]] = Memo(
            min(memo_size, FUZZY_MEMO), memo_bytes, _fuzzy_bytes
        )
        self._memo_size = memo_size
        self._memo_bytes = memo_bytes
        self._artifact: bytes | None = None  # what a pickle carries; made when first pickled
        self._cache: Memo[tuple[str, str | None, dt.date | None], Decision] = Memo(
            cache_size, memo_bytes, _decision_bytes
        )
        self._cache_size = cache_size
        # rules or cards with an active window: only then does a decision look at the date
        self._windowed = any(r.active is not None for r in index.rules) or any(
            c.campaigns for c in index.cards.values()
        )
        self._clock: tuple[dt.date, float] = (dt.date.min, -1.0)  # (UTC day, when it ends)
        _prepare(index)

    @classmethod
    def from_path(
        cls,
        path: str | Path,
        *,
        memo_size: int = MEMO_SIZE,
        cache_size: int = 0,
        memo_bytes: int = MEMO_BYTES,
        failure: str = "open",
    ) -> Engine:
        """Load, validate and compile the rules folder at ``path`` (options as for the
        constructor)."""
        return cls(
            load_rules(path),
            memo_size=memo_size,
            cache_size=cache_size,
            memo_bytes=memo_bytes,
            failure=failure,
        )

    @classmethod
    def from_texts(
        cls,
        files: Mapping[str, str | bytes],
        *,
        memo_size: int = MEMO_SIZE,
        cache_size: int = 0,
        memo_bytes: int = MEMO_BYTES,
        failure: str = "open",
    ) -> Engine:
        """Rules from memory, as a folder would hold them: ``{"harm.yaml": "...",
        "cards/support.yaml": "..."}`` (validated the same way; errors name the keys; options
        as for the constructor)."""
        return cls(
            load_rules_from_texts(files),
            memo_size=memo_size,
            cache_size=cache_size,
            memo_bytes=memo_bytes,
            failure=failure,
        )

    @classmethod
    def load(
        cls,
        path: str | Path,
        *,
        memo_size: int = MEMO_SIZE,
        cache_size: int = 0,
        memo_bytes: int = MEMO_BYTES,
        key: bytes | None = None,
        failure: str = "open",
    ) -> Engine:
        """Build the engine from a compiled artefact (``interventions compile RULES -o FILE``):
        the compiled index is read as it is, without parsing YAML, validating or compiling.
        Raises :class:`ArtifactError` for a file that is tampered with, truncated or of another
        format version. The rule set itself (:attr:`ruleset`) is read when first asked for.

        With ``key`` (the bytes given to ``compile --key-file``), a file is loaded only if its
        HMAC was made with that key: use it for files that cross a trust boundary. The other
        options are the constructor's."""
        from interventions._artifact import read_artifact_file

        return cls._from_artifact(
            read_artifact_file(path),
            str(path),
            memo_size=memo_size,
            cache_size=cache_size,
            memo_bytes=memo_bytes,
            key=key,
            failure=failure,
        )

    @classmethod
    def from_bytes(
        cls,
        data: bytes,
        *,
        memo_size: int = MEMO_SIZE,
        cache_size: int = 0,
        memo_bytes: int = MEMO_BYTES,
        key: bytes | None = None,
        failure: str = "open",
    ) -> Engine:
        """:meth:`load` for the bytes of a compiled artefact (from a Spark file, an object
        store, a message), with the same checks: hash, format version, normalizer, and with
        ``key`` the HMAC. Raises :class:`ArtifactError` for bytes that are refused."""
        if not isinstance(data, bytes | bytearray | memoryview):
            raise TypeError(f"data must be bytes, not {type(data).__name__}")
        return cls._from_artifact(
            bytes(data),
            "<bytes>",
            memo_size=memo_size,
            cache_size=cache_size,
            memo_bytes=memo_bytes,
            key=key,
            failure=failure,
        )

    @classmethod
    def _from_artifact(
        cls,
        data: bytes,
        where: str,
        *,
        memo_size: int,
        cache_size: int,
        memo_bytes: int,
        key: bytes | None,
        failure: str = "open",
    ) -> Engine:
        from interventions._artifact import read_compiled_bytes

        with paused_gc():
            index, source = read_compiled_bytes(data, key=key, where=where)
            engine = cls.__new__(cls)
            engine._setup(index, memo_size, cache_size, memo_bytes, failure)
            engine._ruleset = None
            engine._ruleset_source = source
            engine._artifact = data  # a pickle sends these bytes on, compiling nothing
        return engine

    def __reduce__(self) -> tuple[Callable[..., Engine], tuple[bytes, int, int, int, str]]:
        """Pickle by the compiled artefact's bytes, which are checked again when unpickled
        (as :meth:`from_bytes` checks them), and never by the memos: this is what
        multiprocessing, Spark, Dask and Ray send to their workers. An engine built from YAML
        encodes its artefact once, when first pickled, from the index it already compiled."""
        data = self._artifact
        if data is None:
            from interventions._artifact import artifact_bytes

            # uncompressed: zlib would take longer than sending the difference
            data = artifact_bytes(self.ruleset, index=self._index, compress=False)[0]
            self._artifact = data
        options = (self._memo_size, self._cache_size, self._memo_bytes, self._failure)
        return _unpickle, (data, *options)

    @property
    def ruleset(self) -> RuleSet:
        """The validated rule set this engine was built from."""
        ruleset = self._ruleset
        if ruleset is None:
            assert self._ruleset_source is not None
            ruleset = self._ruleset = self._ruleset_source()  # a race only reads it twice
        return ruleset

    @classmethod
    def default(cls) -> Engine:
        """The engine for the shipped rule set (built once, then shared)."""
        return _default_engine()

    @property
    def version(self) -> str:
        """Content hash of the rule files this engine was built from."""
        return self._index.version

    def check(
        self, query: str, *, locale: str | None = None, at: dt.date | None = None
    ) -> Decision:
        """Decide what to do for ``query``.

        ``locale`` (``pl-PL``, ``sv``, ``en-GB``...) picks the card's language and country and
        enables rules scoped to that language. ``at`` (a datetime, naive meaning UTC, or a date;
        default now) is the moment that rules and card campaigns with an active window are
        judged at; the clock is only looked at for a query that has a match. Any ``str`` gets
        a decision in bounded time.
        """
        if not isinstance(query, str):
            raise TypeError(f"query must be str, not {type(query).__name__}")
        if locale is not None and not isinstance(locale, str):
            raise TypeError(f"locale must be str or None, not {type(locale).__name__}")
        day = None if at is None else _utc_day(at)  # a wrong type is the caller's TypeError
        try:
            if day is not None:
                return self._check(query, locale, day)
            if self._cache_size:
                key = (query, locale, self._today() if self._windowed else None)
                cached = self._cache.get(key)
                if cached is None:
                    cached = self._check(query, locale, key[2])
                    self._cache.put(key, cached)
                return cached
            # the common case inline (a call is a tenth of it): every word known and quiet,
            # tested in C as a set inclusion
            if self._memo_size and len(query) <= MAX_QUERY_CHARS:
                words = query.split()
                flagged = self._words.flagged
                if flagged.issuperset(words):
                    return self._none
                if self._quiet_rest(words, flagged):
                    return self._none
                hits = self._by_words(query, words)
                if hits is not None:
                    return self._decide(query, hits, locale, False) if hits else self._none
            return self._check_fully(query, locale)
        except Exception as exc:  # the failure policy: a query is never an error
            return self._failed(query, exc)

    def _quiet_rest(self, words: list[str], flagged: set[str]) -> bool:
        """Whether a query with some loud words has no hit after all, in C set operations: the
        next most common queries after all-quiet ones. Its loud words are letters (``i``,
        ``a``: loud only as a letter of a word spelled out, which takes three) or anchors of
        phrases (``home``, ``make``) with no word of the query a member of those phrases."""
        sets = self._words.sets
        if sets[0] is not flagged:  # a new generation began meanwhile
            return False
        _, members, letters, anchors = sets
        rest = [w for w in words if w not in flagged]
        if len(rest) < 3 and letters.issuperset(rest):
            return True
        others = [w for w in rest if w not in anchors]
        if len(others) >= 3 or not letters.issuperset(others):
            return False
        among = members.intersection(words)
        if not among:
            return True
        # a phrase spans words only if one word anchors it and another is its member
        young = self._words.young
        held: set[int] = set()
        for w in rest:
            if w in anchors:
                state = young.get(w)
                if state is None:  # a new generation began meanwhile
                    return False
                held.update(state.anchors)
        for w in among:
            state = young.get(w)
            if state is None or not held.isdisjoint(state.members):
                return False
        return True

    def _failed(self, query: str, exc: Exception) -> Decision:
        """What a query gets when something inside the engine went wrong: the failure policy."""
        _LOG.error(
            "interventions: internal error %s deciding a query of %d characters "
            "(ruleset %s); answered %s",
            type(exc).__name__,
            len(query),
            self._index.version,
            "fail-closed" if self._failure == "closed" else "fail-open",
            exc_info=self._log_tracebacks,
        )
        return self._closed if self._failure == "closed" else self._open

    def _check(self, query: str, locale: str | None, day: dt.date | None) -> Decision:
        if self._memo_size and len(query) <= MAX_QUERY_CHARS:
            hits = self._by_words(query, query.split())
            if hits is not None:
                return self._decide(query, hits, locale, False, day=day) if hits else self._none
        return self._check_fully(query, locale, day)

    def _check_fully(self, query: str, locale: str | None, day: dt.date | None = None) -> Decision:
        norm = self._index.segmenter.read(query)
        hits, complete = find_hits_bounded(self._index, norm, self._fuzzy)
        complete = complete and norm.complete
        if not hits:
            decision = self._none_truncated if norm.truncated else self._none
        else:
            decision = self._decide(norm.query, hits, locale, norm.truncated, norm=norm, day=day)
        if complete:
            return decision
        return self._incomplete(decision)

    def _incomplete(self, decision: Decision) -> Decision:
        """A decision made on part of the query's readings (the work bound was reached). Under
        ``failure="closed"`` one that found nothing intervenes."""
        if decision.action is Action.NONE and self._failure == "closed":
            return dataclasses.replace(self._closed, truncated=decision.truncated)
        return dataclasses.replace(decision, complete=False)

    def _today(self) -> dt.date:
        """Today in UTC, from a clock read at most once per decision with a match (the day is
        kept until it ends)."""
        day, ends = self._clock
        now = time.time()
        if now >= ends or now < ends - 86400:
            day = dt.datetime.fromtimestamp(now, dt.UTC).date()
            self._clock = (day, now - now % 86400 + 86400)  # one assignment: safe to race
        return day

    def _by_words(self, query: str, words: list[str]) -> list[Hit] | None:
        """The query's hits from the memo of its words, or None when only the full path knows.

        Every normalization step works inside one whitespace-separated word except phrases
        (tracked by which phrases each word anchors or belongs to), letters spelled out across
        words (``t h i n``, tracked as runs) and regex terms (checked on the folded words). When
        none of those can span words, the query's hits are its words' hits.
        """
        chunks = self._words.young
        run = 0  # letters spelled out in a row, across words: ``t.h i.n``
        joined = 0  # ... and how many words they come from (within one word they are read)
        hit = False
        anchors: list[frozenset[int]] = []
        members: list[frozenset[int]] = []
        folded: list[str] = []
        for word in words:
            state = chunks.get(word)
            if state is _PLAIN:
                run = joined = 0
                continue
            if state is None:
                if len(word) > MAX_MEMO_WORD:
                    return None  # never memoized: read once, on the full path
                state = self._chunk(word)
            if state is _LONG:
                return None
            if not state.loud:  # plain, a phrase's other word, or no token at all
                if state.members:
                    members.append(state.members)
                if state.tokens:
                    run = joined = 0
                continue
            if state.hits:
                hit = True
            if state.anchors:
                anchors.append(state.anchors)
            if state.members:
                members.append(state.members)
            if state.folded:
                folded.append(state.folded)
            if state.tokens == 0:
                continue
            if state.lead == state.tokens:
                run += state.tokens
                joined += 1
            else:
                if state.lead:
                    run += state.lead
                    joined += 1
                    if run >= 3 and joined > 1:
                        return None
                run = state.trail
                joined = 1 if run else 0
            if run >= 3 and joined > 1:
                return None
        # a phrase may span words: one word holds its indexed token, another its other one
        spans = False
        if anchors and members:
            held = anchors[0] if len(anchors) == 1 else frozenset().union(*anchors)
            for m in members:
                if not held.isdisjoint(m):
                    spans = True
                    break
        if self._index.regexes and self._regex_may_match(folded):
            return None
        return self._compose(query, words, spans) if hit or spans else _NO_HITS

    def _regex_may_match(self, folded: list[str]) -> bool:
        return regex_may_match(self._index, " ".join(folded))

    def _compose(self, query: str, words: list[str], spans: bool) -> list[Hit] | None:
        """The hits of a query from its words: each word's hits and exceptions (``unless``),
        moved to where the word is, plus the phrases that span words (``spans``, or an
        exception phrase that may), matched on the words' tokens laid side by side. That needs
        every word to read as at most one token; otherwise None: the full path decides."""
        hits: list[Hit] = []
        ux_anchors: set[int] = set()
        ux_members: set[int] = set()
        placed: list[tuple[int, _Chunk, _Unless]] = []
        pos = 0
        for word in words:
            pos = query.find(word, pos)  # words hold no whitespace: the first one found is it
            state = self._words.young.get(word)
            if state is None:
                state = self._chunk(word)
            if state.hits:
                hits.extend((tid, a + pos, b + pos) for tid, a, b in state.hits)
            ux = self._unless.get(word)
            if ux is None:
                ux = self._unless_of(word)
            if ux is not _NO_UNLESS:
                hits.extend((tid, a + pos, b + pos) for tid, a, b in ux.hits)
                ux_anchors.update(ux.anchors)
                ux_members.update(ux.members)
            placed.append((pos, state, ux))
            pos += len(word)
        if spans or (ux_anchors and not ux_anchors.isdisjoint(ux_members)):
            seq: list[Placed] = []
            anchored: list[int] = []  # where a phrase's indexed token may be
            for pos, state, ux in placed:
                token = state.token
                if token is None and state is _PLAIN:
                    if ux is _NO_UNLESS:  # no phrase holds it: keeps the others apart
                        seq.append(_Place(pos, pos, ()))
                        continue
                    token = ux.token
                if token is not None:
                    if state.anchors or ux.anchors:
                        anchored.append(len(seq))
                    seq.append(_Place(token.start + pos, token.end + pos, token.keys))
                elif state.tokens:
                    return None  # a word that reads as several tokens: the full path decides
            hits.extend(phrase_hits(self._index, seq, anchored))
        return hits

    def _profile(self, word: str) -> tuple[Normalized, list[Hit], frozenset[int], frozenset[int]]:
        norm = self._index.segmenter.read(word)
        return norm, *word_profile(self._index, norm, self._fuzzy)

    def _chunk(self, word: str) -> _Chunk:
        known = self._words.get(word)  # in the old generation of the memo
        if known is not None:
            return known
        plain = plain_word(self._index, word, self._fuzzy)
        if plain is not None:  # most words: read the short way, nothing found
            if self._index.regexes:
                state = _Chunk(True, (), 1, 0, 0, plain.text, NOTHING, NOTHING, plain)
            else:
                state = _PLAIN
            self._words.put(word, state)
            return state
        norm, hits, anchors, members = self._profile(word)
        if not norm.complete or len(norm.text) > LONG_WORD:
            self._words.put(word, _LONG)  # read on the full path, under the query's work bound
            return _LONG
        unless = self._index.quiet  # exceptions and cues matter only next to a hit
        tokens = norm.tokens
        # a letter spelled out: one letter after folding, or one written character (ß → ss)
        singles = [len(t.text) == 1 or t.end - t.start == 1 for t in tokens]
        lead = next((i for i, single in enumerate(singles) if not single), len(singles))
        trail = next((i for i, single in enumerate(reversed(singles)) if not single), len(singles))
        folded = " ".join(norm.text.split()) if self._index.regexes else ""
        positive = tuple(h for h in hits if h[0] not in unless)
        anchors = frozenset(t for t in anchors if t not in unless) or NOTHING
        members = frozenset(t for t in members if t not in unless) or NOTHING
        loud = bool(positive or lead or trail or folded or anchors)
        token = _single_token(norm)
        state = _Chunk(loud, positive, len(tokens), lead, trail, folded, anchors, members, token)
        if not (loud or members) and state.tokens:
            state = _PLAIN  # the common case, shared
        self._words.put(word, state)
        return state

    def _words_reading(self, query: str) -> _Laid | None:
        """The query as one token sequence made of its words' readings (remembered per word), or
        None when a word has more than one reading (then the near terms read the whole query).
        Only the memo path asks: its queries are read word by word, as the full path reads
        them."""
        seq: list[_Place] = []
        pos = 0
        readings = self._readings
        for word in query.split():
            pos = query.find(word, pos)
            sequences = readings.get(word)
            if sequences is None:
                sequences = self._index.segmenter.read(word).sequences
                readings.put(word, sequences)
            if len(sequences) != 1:
                return None
            seq.extend(_Place(t.start + pos, t.end + pos, t.keys) for t in sequences[0])
            pos += len(word)
        return _Laid((tuple(seq),))

    def _unless_of(self, word: str) -> _Unless:
        """The exception terms in ``word``: only needed for queries with a hit, so computed
        then, and remembered apart from the word memo."""
        norm, hits, anchors, members = self._profile(word)
        unless = self._index.quiet
        found = tuple(h for h in hits if h[0] in unless)
        ux_anchors = frozenset(t for t in anchors if t in unless)
        ux_members = frozenset(t for t in members if t in unless)
        if found or ux_anchors or ux_members:
            ux: _Unless | None = _Unless(found, ux_anchors, ux_members, _single_token(norm))
        else:
            ux = None
        state = _NO_UNLESS if ux is None else ux
        self._unless.put(word, state)
        return state

    def check_many(
        self,
        queries: Iterable[str],
        *,
        locale: str | None = None,
        locales: Iterable[str | None] | None = None,
        at: dt.date | None = None,
    ) -> list[Decision]:
        """:meth:`check` for each query, in order: with one ``locale`` for all, or ``locales``
        giving each query its own (None allowed; as many as there are queries)."""
        check = self.check
        if locales is None:
            return [check(q, locale=locale, at=at) for q in queries]
        if locale is not None:
            raise InputError("give locale (one for all) or locales (one per query), not both")
        queries = list(queries)
        locales = list(locales)
        if len(locales) != len(queries):
            raise InputError(f"{len(queries)} queries but {len(locales)} locales")
        return [check(q, locale=loc, at=at) for q, loc in zip(queries, locales, strict=True)]

    def explain(
        self, query: str, *, locale: str | None = None, at: dt.date | None = None
    ) -> Explanation:
        """The decision for ``query`` with the normalization trace that led to it."""
        if not isinstance(query, str):
            raise TypeError(f"query must be str, not {type(query).__name__}")
        steps: list[Step] = []
        norm = self._index.segmenter.read(query, trace=steps)
        steps.extend(token_steps(norm))
        decision = self.check(query, locale=locale, at=at)
        return Explanation(norm.query, tuple(steps), norm.sequences, decision)

    # -- internals ------------------------------------------------------------------------------

    def _decide(
        self,
        query: str,
        hits: list[Hit],
        locale: str | None,
        truncated: bool,
        *,
        norm: Normalized | None = None,
        day: dt.date | None = None,
    ) -> Decision:
        index = self._index
        if index.near_parts:
            parts = index.near_parts
            if norm is None and any(h[0] in parts for h in hits):
                # the word memo's path: the query's words, each read once, laid side by side
                hits = resolve_near(index, query, hits, self._words_reading(query))
            else:
                hits = resolve_near(index, query, hits, norm)
        langs = self._langs
        if locale in langs:
            lang = langs[locale]
        else:
            lang = language_of(locale)
            if locale is None or len(locale) <= _LOCALE_KEY:  # a 100 KB "locale" is not kept
                if len(langs) >= _LOCALE_MEMO:
                    langs.clear()
                langs[locale] = lang
        if day is None and self._windowed:
            day = self._today()
        positive: dict[int, dict[tuple[int, int, int], None]] = {}
        exceptions: dict[int, list[tuple[int, int]]] = {}
        term_rule = index.term_rule
        unless = index.unless
        for tid, start, end in hits:
            if tid in unless:
                exceptions.setdefault(term_rule[tid], []).append((start, end))
            else:
                positive.setdefault(term_rule[tid], {})[(tid, start, end)] = None
        matches: list[Match] = []
        cues: list[Match] = []
        shadow: list[Match] = []
        info: dict[str, RuleInfo] = {}
        for rule_index, found in positive.items():
            rule = index.rules[rule_index]
            if rule.languages and lang not in rule.languages:
                continue
            if rule.active is not None and (day is None or not rule.active.contains(day)):
                continue
            spans = exceptions.get(rule_index)
            if spans and rule.unless_scope == "query":
                continue
            if rule.intent is Intent.CUE:
                into = cues
            elif rule.shadow:
                into = shadow
            else:
                into = matches
                info[rule.id] = rule
            for tid, start, end in found:
                if spans and any(a < end and start < b for a, b in spans):
                    continue
                into.append(
                    Match(
                        rule.id,
                        rule.category,
                        rule.action,
                        rule.priority,
                        index.term_text[tid],
                        index.term_kind[tid],
                        start,
                        end,
                        query[start:end],
                    )
                )
        if not matches:
            if shadow:
                shadow.sort(key=_match_order)
                return Decision(
                    Action.NONE,
                    None,
                    None,
                    None,
                    (),
                    index.version,
                    truncated,
                    shadow=tuple(shadow),
                )
            return self._none_truncated if truncated else self._none
        cue_spans = [(m.start, m.end) for m in cues]

        def answer(m: Match) -> tuple[Action, bool]:
            """The action a match asks for, and whether a help-seeking cue made it support: a
            cue elsewhere in the query (not inside the match) turns harm into a banner."""
            rule = info[m.rule_id]
            if rule.intent is Intent.SUPPORT:
                return m.action, True
            if (
                cue_spans
                and rule.intent is Intent.HARM
                and not rule.ignore_help_cue
                and any(b <= m.start or a >= m.end for a, b in cue_spans)
            ):
                return min(m.action, Action.BANNER), True
            return m.action, False

        if cue_spans:
            answers = {id(m): answer(m) for m in matches}
            matches.sort(key=lambda m: (-answers[id(m)][0].severity, *_match_order(m)[1:]))
            action, support = answers[id(matches[0])]
            cues.sort(key=_match_order)
        else:
            if len(matches) > 1:
                # a total order, so that the same hits found in another order give the same
                # decision; on one span the most specific kind of term first (a word, not a
                # substring)
                matches.sort(key=_match_order)
            action, support = answer(matches[0])
        if shadow:
            shadow.sort(key=_match_order)
        top = matches[0]
        return Decision(
            action,
            top.category,
            top.rule_id,
            self._card(info[top.rule_id].card, locale, day),
            tuple(matches),
            index.version,
            truncated,
            Intent.SUPPORT if support else None,
            tuple(cues) if support else (),
            tuple(shadow),
        )

    def _card(self, card_id: str, locale: str | None, day: dt.date | None = None) -> Card:
        # callers choose locales, so the memo by locale is bounded; resolved cards are kept by
        # what the locale resolves to, which the card files bound
        card = self._card_of.get((card_id, locale))
        definition = self._index.cards[card_id]
        if card is None:
            text_key, res_key = card_keys(definition, locale)
            card = self._resolved(card_id, text_key, res_key, "")
            if locale is None or len(locale) <= _LOCALE_KEY:
                if len(self._card_of) >= _LOCALE_MEMO:
                    self._card_of.clear()
                self._card_of[(card_id, locale)] = card
        if definition.campaigns:
            campaign = campaign_of(definition, card.text_key, day)
            if campaign is not None:
                return self._resolved(card_id, card.text_key, card.resources_key, campaign.id)
        return card

    def _resolved(self, card_id: str, text_key: str, res_key: str, campaign_id: str) -> Card:
        key = (card_id, text_key, res_key, campaign_id)
        card = self._cards.get(key)
        if card is None:
            definition = self._index.cards[card_id]
            campaign = next((c for c in definition.campaigns if c.id == campaign_id), None)
            card = resolve_card(definition, text_key, res_key, campaign)
            self._cards[key] = card
        return card


@dataclass(frozen=True, slots=True)
class _Chunk:
    """What one whitespace-separated word can contribute to a decision."""

    loud: bool
    """The word matters on its own: it hits, anchors a phrase, has single letters or (with
    regex terms) folded text. A query of quiet words has no hit: being a phrase's member
    (``members``) only matters next to that phrase's anchor."""
    hits: tuple[Hit, ...]  # the word's own positive hits, spans relative to the word
    tokens: int
    lead: int  # single-letter tokens at the start (for "t h i n s p o" across words)
    trail: int  # ... and at the end
    folded: str  # the word after steps 1-4, when regex terms need it
    anchors: frozenset[int]  # phrases whose indexed word is here
    members: frozenset[int]  # phrases with another of their words here
    token: Token | None = None
    """The word's token, when it reads as exactly one (no other reading): phrases that span
    words are matched on these, laid side by side."""


_PLAIN = _Chunk(False, (), 1, 0, 0, "", NOTHING, NOTHING)
_LONG = _Chunk(True, (), 0, 0, 0, "", NOTHING, NOTHING)  # a word only the full path reads
_KIND_RANK = {kind: rank for rank, kind in enumerate(TermKind)}
_LOCALE_MEMO = 4096  # locales (and card, locale pairs) remembered per engine
_LOCALE_KEY = 64  # longer locale strings are resolved each time, never kept


def _is_quiet(state: _Chunk) -> bool:
    return not state.loud


def _has_members(state: _Chunk) -> bool:
    return bool(state.members)


def _is_letter(state: _Chunk) -> bool:
    """A word loud only as one letter of a word spelled out (``i``, ``a``): no hit, no phrase
    anchor, no regex text, one token. Fewer than three such words in an otherwise quiet query
    cannot spell anything."""
    return (
        state.loud
        and state.tokens == 1
        and not state.hits
        and not state.anchors
        and not state.folded
    )


def _is_anchor(state: _Chunk) -> bool:
    """A word loud only as the indexed word of phrases (``home``, ``make``): no hit, no regex
    text, no letter at its edges. Without a member of its phrases elsewhere it matches nothing."""
    return (
        state.loud
        and bool(state.anchors)
        and not state.hits
        and not state.folded
        and not state.lead
        and not state.trail
    )


def _chunk_bytes(word: str, state: _Chunk) -> int:
    if state is _PLAIN:
        return entry_bytes(word)  # shared by every plain word
    return entry_bytes(word, 200 + 40 * len(state.hits) + 8 * len(state.folded))


def _unless_bytes(word: str, state: _Unless) -> int:
    return entry_bytes(word, 0 if state is _NO_UNLESS else 200 + 40 * len(state.hits))


def _reading_bytes(word: str, sequences: tuple[tuple[Token, ...], ...]) -> int:
    return entry_bytes(word, 56 + sum(56 + 250 * len(seq) for seq in sequences))


def _fuzzy_bytes(key: str, ids: tuple[int, ...]) -> int:
    return entry_bytes(key, 56 + 8 * len(ids))


def _decision_bytes(key: tuple[str, str | None, dt.date | None], d: Decision) -> int:
    query, locale, _ = key
    return entry_bytes(query, 600 + 300 * len(d.matches) + (len(locale) if locale else 0))


def _match_order(m: Match) -> tuple[int, int, str, int, int, int, str]:
    return (-m.action.severity, -m.priority, m.rule_id, m.start, m.end, _KIND_RANK[m.kind], m.term)


_NO_HITS: list[Hit] = []  # never mutated: returned for "no hits" by the word memo


_COLLECT_FROM = 5_000
"""Term rows from which building an engine runs the collection (a small index makes no pause
worth moving, and tests build hundreds of small engines)."""


def _prepare(index: Index) -> None:
    """Build now what the first queries would otherwise build (the near groups' tables, the
    Arabizi table), then age the new objects with one collection: the compiled index is hundreds
    of thousands of containers, and the collector's first full pass over them fell on the first
    query after a build (about 0.2 s)."""
    for _, _, anchor, groups in index.near.values():
        for g, alternatives in enumerate(groups):
            if g != anchor:
                group_table(alternatives)
    if index.segmenter.terms:
        arabizi_table(index.segmenter.terms)
    if gc.isenabled() and len(index.term_rule) >= _COLLECT_FROM:
        gc.collect()


def _utc_day(at: dt.date) -> dt.date:
    """The UTC day of ``at``: a datetime (naive means UTC) or a date."""
    if isinstance(at, dt.datetime):
        if at.tzinfo is not None:
            at = at.astimezone(dt.UTC)
        return at.date()
    if isinstance(at, dt.date):
        return at
    raise TypeError(f"at must be a datetime or a date, not {type(at).__name__}")


def _single_token(norm: Normalized) -> Token | None:
    """A word's token when it reads as exactly one, with no other reading."""
    return norm.tokens[0] if len(norm.tokens) == 1 and len(norm.sequences) == 1 else None


class _Place(NamedTuple):
    """A word's token moved to where the word is in the query."""

    start: int
    end: int
    keys: tuple[str, ...]


class _Laid(NamedTuple):
    """A query's token sequence laid out from its words' readings (what near terms read)."""

    sequences: tuple[tuple[_Place, ...], ...]


@dataclass(frozen=True, slots=True)
class _Unless:
    """The exception terms of one word: hits, and phrases it anchors or belongs to."""

    hits: tuple[Hit, ...]
    anchors: frozenset[int]
    members: frozenset[int]
    token: Token | None  # as _Chunk.token


_NO_UNLESS = _Unless((), NOTHING, NOTHING, None)


def _unpickle(
    data: bytes, memo_size: int, cache_size: int, memo_bytes: int, failure: str = "open"
) -> Engine:
    return Engine._from_artifact(
        data,
        "<pickle>",
        memo_size=memo_size,
        cache_size=cache_size,
        memo_bytes=memo_bytes,
        key=None,
        failure=failure,
    )


@lru_cache(maxsize=1)
def _default_engine() -> Engine:
    return Engine.from_path(default_rules_path())
