"""The typed rule-set model: what the loader produces and the compiler consumes."""

from __future__ import annotations

import datetime as _dt
import enum
from dataclasses import dataclass, field

__all__ = [
    "Action",
    "CardDefinition",
    "CardText",
    "Example",
    "Resource",
    "Rule",
    "RuleSet",
    "Status",
    "Term",
    "TermKind",
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


class Status(enum.StrEnum):
    EXPERIMENTAL = "experimental"
    TEST = "test"
    STABLE = "stable"
    DEPRECATED = "deprecated"


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
    unless_scope: str = "query"
    priority: int = 0
    status: Status = Status.STABLE
    languages: frozenset[str] = frozenset()
    description: str = ""
    match_examples: tuple[Example, ...] = ()
    no_match_examples: tuple[Example, ...] = ()
    references: tuple[str, ...] = ()
    path: str = ""
    line: int = 0


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


@dataclass(frozen=True, slots=True)
class RuleSet:
    """A validated rule set: rules, cards and the content hash of the files they came from."""

    rules: tuple[Rule, ...]
    cards: dict[str, CardDefinition]
    version: str
    source: str = ""
    categories: tuple[str, ...] = field(default=())
    vocabulary: frozenset[str] = frozenset()
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
