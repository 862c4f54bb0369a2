"""The typed rule-set model: what the loader produces and the compiler consumes."""

from __future__ import annotations

import bisect
import datetime as _dt
import enum
import itertools
import operator
import zlib
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

__all__ = [
    "CONTACT_KEYS",
    "Action",
    "Campaign",
    "CardDefinition",
    "CardText",
    "Example",
    "Intent",
    "Resource",
    "Rule",
    "RuleSet",
    "Status",
    "Term",
    "TermKind",
    "UnlessScope",
    "Window",
]


class Action(enum.StrEnum):
    """What the search service should do, from most to least severe.

    ``block``: no results, the card is shown. ``redirect``: a resource page instead of results.
    ``interstitial``: a warning the user may click through. ``banner``: results plus the card.
    ``none``: nothing to do.
    """

    BLOCK = "block"
    REDIRECT = "redirect"
    INTERSTITIAL = "interstitial"
    BANNER = "banner"
    NONE = "none"

    @property
    def severity(self) -> int:
        """Higher is more severe; ``none`` is 0."""
        return _SEVERITY[self]

    # Actions order by severity (``Action.BLOCK > Action.BANNER``), not as strings: a str
    # enum would otherwise compare alphabetically and put ``none`` above ``block``.
    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Action):
            return NotImplemented
        return _SEVERITY[self] < _SEVERITY[other]

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Action):
            return NotImplemented
        return _SEVERITY[self] <= _SEVERITY[other]

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Action):
            return NotImplemented
        return _SEVERITY[self] > _SEVERITY[other]

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Action):
            return NotImplemented
        return _SEVERITY[self] >= _SEVERITY[other]


_SEVERITY = {
    Action.BLOCK: 4,
    Action.REDIRECT: 3,
    Action.INTERSTITIAL: 2,
    Action.BANNER: 1,
    Action.NONE: 0,
}


class TermKind(enum.StrEnum):
    """How a term is matched against the normalized query."""

    WORD = "word"
    PHRASE = "phrase"
    PREFIX = "prefix"
    SUBSTRING = "substring"
    REGEX = "regex"
    NEAR = "near"


class Intent(enum.StrEnum):
    """What a rule's matches say about the person searching.

    ``harm``: the query touches the harm (the default). ``support``: the query seeks help,
    recovery or education; such a rule answers with a banner and its card. ``cue``: the rule's
    terms are help-seeking cues (stop, quit, report, helpline ...): never a match on their own;
    with a harm match in the same query, the query is answered as support.
    """

    HARM = "harm"
    SUPPORT = "support"
    CUE = "cue"


class Status(enum.StrEnum):
    """A rule's life stage. ``experimental`` rules are on trial (shadow rules): evaluated and
    reported in ``Decision.shadow``, never changing the action."""

    EXPERIMENTAL = "experimental"
    TEST = "test"
    STABLE = "stable"
    DEPRECATED = "deprecated"


class UnlessScope(enum.StrEnum):
    """Where a rule's ``unless`` exception must be to cancel a match.

    ``query`` (the default): anywhere in the query. ``overlap``: only overlapping the match.
    """

    QUERY = "query"
    OVERLAP = "overlap"


@dataclass(frozen=True, slots=True)
class Term:
    """One term of a rule as written, with where it was written.

    ``tokens`` is the term normalized into tokens (empty for regex terms); ``prefix_last`` marks
    tokens that match as prefixes (written with a trailing ``*``).
    """

    kind: TermKind
    text: str
    tokens: tuple[str, ...]
    prefix_tokens: tuple[bool, ...]
    fuzzy: int
    line: int
    #: A ``near`` term: groups of words, phrases or prefixes that must all occur within
    #: ``window`` words of the query (in this order when ``ordered``).
    groups: tuple[tuple[Term, ...], ...] = ()
    window: int = 0
    ordered: bool = False


@dataclass(frozen=True, slots=True)
class Window:
    """When a rule or a campaign card is active: ``start`` to ``until``, both days included, in
    UTC. A ``yearly`` window repeats on the same days every year (its year is ignored)."""

    start: _dt.date
    until: _dt.date
    yearly: bool = False

    def contains(self, day: _dt.date) -> bool:
        if not self.yearly:
            return self.start <= day <= self.until
        md = (day.month, day.day)
        first = (self.start.month, self.start.day)
        last = (self.until.month, self.until.day)
        if first <= last:
            return first <= md <= last
        return md >= first or md <= last  # a window across the new year

    def expired(self, day: _dt.date) -> bool:
        """Over for good by ``day`` (a yearly window never is)."""
        return not self.yearly and self.until < day


@dataclass(frozen=True, slots=True)
class Example:
    query: str
    locale: str | None
    line: int


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    category: str
    action: Action
    card: str
    terms: tuple[Term, ...]
    unless: tuple[Term, ...] = ()
    unless_scope: UnlessScope = UnlessScope.QUERY
    priority: int = 0
    status: Status = Status.STABLE
    languages: frozenset[str] = frozenset()
    description: str = ""
    match_examples: tuple[Example, ...] = ()
    no_match_examples: tuple[Example, ...] = ()
    references: tuple[str, ...] = ()
    path: str = ""
    line: int = 0
    intent: Intent = Intent.HARM
    #: A harm rule with ``on_help_cue: ignore``: a help-seeking cue in the query does not turn
    #: its match into support (method requests, where "stop" is part of the harm).
    ignore_help_cue: bool = False
    #: The days the rule is active (a campaign), or None for always.
    active: Window | None = None


CONTACT_KEYS = ("phone", "sms", "chat", "url", "email")
"""The ways to reach a resource, in the order they are shown; a resource has at least one."""


@dataclass(frozen=True, slots=True)
class Resource:
    """A helpline or support service. Every contact carries its source and verification date."""

    name: str
    source: str
    verified: _dt.date
    phone: str | None = None
    sms: str | None = None
    chat: str | None = None
    url: str | None = None
    email: str | None = None
    hours: str | None = None
    note: str | None = None
    languages: tuple[str, ...] = ()
    #: The note per language (``(("default", ...), ("pl", ...))``) when the file gives a mapping;
    #: a resolved card carries the reader's one in ``note``.
    notes: tuple[tuple[str, str], ...] = ()
    #: For analysts only (why a row is here, what is still unconfirmed): never shown to users.
    remarks: str | None = None

    def note_for(self, language: str | None) -> str | None:
        """The note in ``language``, else the default note."""
        if language is not None:
            for key, text in self.notes:
                if key == language:
                    return text
        return self.note


@dataclass(frozen=True, slots=True)
class CardText:
    title: str
    body: str


@dataclass(frozen=True, slots=True)
class Campaign:
    """A card variant for a campaign (the 16 Days of Activism against gender-based violence):
    in its window, the card shows the campaign's text in the languages it has, with the card's
    usual local resources."""

    id: str
    active: Window
    text: dict[str, CardText]
    line: int = 0


@dataclass(frozen=True, slots=True)
class CardDefinition:
    """A support card as written: text per language key, resources per region key.

    Keys are ``default``, a language (``pl``), a locale (``pl-PL``) or a region (``PL``).
    A decision carries the :class:`~interventions.Card` resolved for the caller's locale.
    """

    id: str
    text: dict[str, CardText]
    resources: dict[str, tuple[Resource, ...]]
    path: str = ""
    line: int = 0
    campaigns: tuple[Campaign, ...] = ()


class WordSet:
    """A large set of words (hundreds of thousands) in little memory: a sorted array of a 64-bit
    key per word (CRC-32 and Adler-32 of its UTF-8, side by side), which ``in`` bisects in C. A
    ``frozenset`` of 200,000 words takes ~20 MB and seconds to rebuild from a file; this takes 8
    bytes a word and is read back from a compiled artefact as bytes. The keys are the same in
    every process (unlike ``hash``). ``in`` may say yes for a word not in the set when two keys
    collide (well under once in 10^9 lookups for a set of 200,000 words); it never says no for a
    word in it. The words themselves are not kept."""

    __slots__ = ("_keys",)

    def __init__(self, words: Iterable[str] = ()) -> None:
        self._keys = _sorted_keys([words])

    @classmethod
    def of_parts(cls, parts: Iterable[Iterable[str]]) -> WordSet:
        """The union of ``parts`` (one language's list each), read one part at a time: the
        words of a part are dropped once their keys are taken, so that half a million words
        never sit in memory as strings at once."""
        words = cls.__new__(cls)
        words._keys = _sorted_keys(parts)
        return words

    @classmethod
    def from_bytes(cls, data: bytes | memoryview) -> WordSet:
        """The set written as :attr:`data` (sorted keys; refused otherwise)."""
        words = cls.__new__(cls)
        keys = array("Q")
        if len(data) % keys.itemsize:
            raise ValueError("a word set's bytes are whole 64-bit keys")
        keys.frombytes(data)
        if not all(map(operator.lt, keys, itertools.islice(keys, 1, None))):  # C loops
            raise ValueError("a word set's keys are sorted and unique")
        words._keys = keys
        return words

    @property
    def data(self) -> bytes:
        """The keys as bytes (what :meth:`from_bytes` reads; little-endian on every machine
        this library runs on)."""
        return self._keys.tobytes()

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        k = word_key(word)
        keys = self._keys
        i = bisect.bisect_left(keys, k)
        return i < len(keys) and keys[i] == k

    def __len__(self) -> int:
        return len(self._keys)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WordSet) and self._keys == other._keys

    def __hash__(self) -> int:
        # equal sets have equal keys: a few of them (not 4 MB of bytes) make the hash
        keys = self._keys
        n = len(keys)
        return hash((n, keys[0], keys[n // 2], keys[-1])) if n else 0

    def __repr__(self) -> str:
        return f"WordSet({len(self)} words)"


def _keys_of(words: Iterable[str]) -> Iterator[int]:
    """:func:`word_key` of each word, in C loops (500,000 words in a tenth of a second)."""
    data = [w.encode("utf-8", "surrogatepass") for w in words if w]
    crc = map(operator.lshift, map(zlib.crc32, data), itertools.repeat(32))
    return map(operator.or_, crc, map(zlib.adler32, data))


def _sorted_keys(parts: Iterable[Iterable[str]]) -> array[int]:
    """The keys of every part's words, sorted, each once. Sorted in 256 buckets by their top
    byte, so that no list of half a million ints is ever made: the peak memory of loading the
    rules is what this bounds (a list and a set of them took ~40 MB)."""
    buckets = [array("Q") for _ in range(256)]
    for part in parts:
        for k in _keys_of(part):
            buckets[k >> 56].append(k)
    out = array("Q")
    for b, bucket in enumerate(buckets):
        out.extend(sorted(set(bucket)))
        buckets[b] = array("Q")  # freed as it goes
    return out


def word_key(word: str) -> int:
    """The 64-bit key of a word in a :class:`WordSet`."""
    data = word.encode("utf-8", "surrogatepass")
    return zlib.crc32(data) << 32 | zlib.adler32(data)


NO_WORDS = WordSet()


@dataclass(frozen=True, slots=True)
class RuleSet:
    """A validated rule set: rules, cards and the content hash of the files they came from."""

    rules: tuple[Rule, ...]
    cards: dict[str, CardDefinition]
    version: str
    source: str = ""
    categories: tuple[str, ...] = field(default=())
    vocabulary: frozenset[str] = frozenset()
    common_words: WordSet = NO_WORDS
    """Frequent words of the languages (``rules/vocabulary/common/*.txt``), normalized: a token
    that is one is read as itself, never split into pieces nor taken for a typo of a fuzzy
    term."""
    lexicons: dict[str, Lexicon] = field(default_factory=dict, compare=False)
    """Named shared term lists (``@partner``), as loaded; rules hold them expanded, so a rule
    set read back from a compiled artefact (which keeps only the rules) has none and is still
    equal."""


@dataclass(frozen=True, slots=True)
class Lexicon:
    """A named, shared list of terms (``@help``), per language where the file says one."""

    name: str
    terms: tuple[Term, ...]
    languages: tuple[str, ...]
    path: str
    line: int
    used: bool = False
    """Words used to split concatenations (``rules/vocabulary/*.txt``), normalized."""
