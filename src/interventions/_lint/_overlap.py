"""Terms that overlap: ``REDUNDANT_TERM`` (a broader term of the same rule catches it),
``DUPLICATE_TERM`` (the same term in a rule that always wins) and ``SHADOWED_TERM`` (another
term of a rule that always wins catches it). Each asks the compiled engine what matched, never a
re-implementation of matching."""

from __future__ import annotations

from collections.abc import Sequence

from interventions._decision import Match
from interventions._lint._findings import Finding, Severity, _about, _describe
from interventions._lint._spelling import _noise
from interventions._model import Rule, Term, TermKind

_BREADTH = {TermKind.WORD: 0, TermKind.PHRASE: 0, TermKind.PREFIX: 1, TermKind.SUBSTRING: 2}


def _term_key(term: Term) -> tuple[TermKind, tuple[str, ...], tuple[bool, ...], int]:
    return (term.kind, term.tokens or (term.text,), term.prefix_tokens, term.fuzzy)


def _covers(broad: Term, narrow: Term) -> bool:
    """Whether ``broad``, which matches the text of ``narrow``, catches all that ``narrow`` does."""
    if TermKind.REGEX in (broad.kind, narrow.kind) or TermKind.NEAR in (broad.kind, narrow.kind):
        return False
    if _BREADTH[broad.kind] < _BREADTH[narrow.kind]:
        return False
    if broad.kind is TermKind.PHRASE and narrow.kind is not TermKind.PHRASE:
        return False
    return broad.fuzzy >= narrow.fuzzy


def _wins(a: Rule, b: Rule) -> bool:
    """Whether ``a`` decides over ``b`` when both match (the engine's documented order)."""
    return (-a.action.severity, -a.priority, a.id) < (-b.action.severity, -b.priority, b.id)


def _always_wins(winner: Rule, loser: Rule) -> bool:
    """Whether ``winner`` is cancelled only where ``loser`` is too: no exception of its own and
    no narrower language scope. Otherwise ``loser`` is the fallback for the queries the winner's
    exceptions cancel (how help-seeking queries reach a banner), and sharing terms is the point.
    """
    own = {_term_key(t) for t in loser.unless}
    if any(_term_key(t) not in own for t in winner.unless):
        return False
    if not winner.languages:
        return True
    return bool(loser.languages) and loser.languages <= winner.languages


def _redundant(
    rule: Rule, term: Term, own: Sequence[Match], term_of: dict[tuple[str, str, TermKind], Term]
) -> Finding | None:
    """``REDUNDANT_TERM``: another term of the rule, among those that matched ``term``'s plain
    query (``own``), catches all that ``term`` does. A noisy term is left to ``NOISY_TERM``."""
    redundant = [
        term_of[(rule.id, m.term, m.kind)]
        for m in own
        if (m.term, m.kind) != (term.text, term.kind)
    ]
    broader = next((t for t in redundant if _covers(t, term)), None)
    if broader is None or _noise(term, rule):
        return None
    return _about(
        rule,
        term,
        Severity.INFO,
        "REDUNDANT_TERM",
        f"term {_describe(term)} is already caught by {_describe(broader)} "
        f"(line {broader.line}) of this rule",
    )


def _duplicate(rule: Rule, term: Term, other: Rule, other_term: Term) -> Finding | None:
    """``DUPLICATE_TERM``: ``other`` has the same term and always wins over ``rule``."""
    if _term_key(other_term) != _term_key(term) or not (
        _wins(other, rule) and _always_wins(other, rule)
    ):
        return None
    return _about(
        rule,
        term,
        Severity.WARNING,
        "DUPLICATE_TERM",
        f"term {_describe(term)} is also a term of {other.id} "
        f"({other.path}:{other_term.line}, {other.action.value}), which "
        f"wins over this rule ({rule.action.value})",
    )


def _shadowed(rule: Rule, term: Term, probe: str, other: Rule, other_term: Term) -> Finding | None:
    """``SHADOWED_TERM``: another term of ``other``, which always wins over ``rule``, catches
    ``term``'s plain query."""
    if _term_key(other_term) == _term_key(term) or not (
        _wins(other, rule) and _always_wins(other, rule)
    ):
        return None
    return _about(
        rule,
        term,
        Severity.WARNING,
        "SHADOWED_TERM",
        f"{probe!r} (term {_describe(term)}) is also caught by {other.id} "
        f"(term {_describe(other_term)}, {other.action.value}), which wins: "
        f"this rule ({rule.action.value}) never decides it",
    )
