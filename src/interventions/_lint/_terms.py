"""The checks of each term against the compiled engine: every term's plainest query is run
through the engine once, and each family of codes reads what came back.

This module holds that loop and ``UNMATCHABLE_TERM`` / ``SELF_CANCELLED`` (a term that does not
match its own text); the other codes of a term are in ``_overlap`` (``REDUNDANT_TERM``,
``DUPLICATE_TERM``, ``SHADOWED_TERM``) and ``_spelling`` (``SHORT_UNSPACED_TERM``,
``NOISY_TERM``).
"""

from __future__ import annotations

from collections.abc import Iterator

from interventions._compile import Index, TermRow, live_terms
from interventions._decision import Decision
from interventions._engine import Engine
from interventions._lint._findings import Finding, Severity, _about, _describe
from interventions._lint._overlap import _duplicate, _redundant, _shadowed
from interventions._lint._spelling import _noisy, _short_unspaced
from interventions._match import find_hits
from interventions._model import Intent, Rule, RuleSet, Status, Term, TermKind
from interventions._normalize import normalize


def _probe(term: Term) -> str | None:
    """The plainest query a term is written to catch: its normalized tokens."""
    if term.kind is TermKind.REGEX:
        return None
    if term.kind is TermKind.NEAR:
        # the first alternative of each group, in order: the plainest query it catches
        return " ".join(" ".join(group[0].tokens) for group in term.groups)
    return " ".join(term.tokens)


def _locale_for(rule: Rule) -> str | None:
    return sorted(rule.languages)[0] if rule.languages else None


def _term_findings(ruleset: RuleSet, engine: Engine) -> list[Finding]:
    index = engine._index  # built from ruleset just before
    live, rows = live_terms(ruleset)
    by_id = {r.id: r for r in live}
    term_of: dict[tuple[str, str, TermKind], Term] = {}
    for r in live:
        for t in r.terms:
            term_of.setdefault((r.id, t.text, t.kind), t)
    findings: list[Finding] = []
    for ri, rule in enumerate(live):
        locale = _locale_for(rule)
        for term in rule.terms:
            probe = _probe(term)
            if probe is None:
                continue
            at = rule.active.start if rule.active is not None else None
            decision = engine.check(probe, locale=locale, at=at)
            # a rule on trial matches in ``shadow``; a cue is never a match on its own, so its
            # terms are looked for in the raw hits
            own = [m for m in (*decision.matches, *decision.shadow) if m.rule_id == rule.id]
            hit_self = (
                _cue_hits_itself(index, rows, ri, term, probe)
                if rule.intent is Intent.CUE
                else any(m.term == term.text and m.kind is term.kind for m in own)
            )
            if not hit_self:
                if _cancelled_by_own_unless(index, rows, ri, term, probe):
                    findings.append(_self_cancelled(rule, term, probe))
                else:
                    findings.append(_unmatchable(rule, term, probe))
                continue
            found = [_redundant(rule, term, own, term_of)]
            for other, other_term in _contenders(rule, decision, by_id, term_of):
                found.append(_duplicate(rule, term, other, other_term))
                found.append(_shadowed(rule, term, probe, other, other_term))
            found.append(_short_unspaced(rule, term))
            found.append(_noisy(rule, term, engine, locale))
            findings += [f for f in found if f is not None]
    return findings


def _cue_hits_itself(index: Index, rows: list[TermRow], ri: int, term: Term, probe: str) -> bool:
    """Whether a cue's term is among the raw hits of its own plain query: a cue is never a
    match on its own."""
    return any(
        rows[tid].rule == ri and rows[tid].term is term
        for tid, _, _ in find_hits(index, normalize(probe))
    )


def _cancelled_by_own_unless(
    index: Index, rows: list[TermRow], ri: int, term: Term, probe: str
) -> bool:
    """Whether the index finds ``term`` in its plain query at all (so its rule's ``unless``
    cancelled it)."""
    raw = find_hits(index, normalize(probe))
    return any(
        rows[tid].rule == ri and not rows[tid].unless and rows[tid].term is term
        for tid, _, _ in raw
    )


def _self_cancelled(rule: Rule, term: Term, probe: str) -> Finding:
    """``SELF_CANCELLED``: the term is found, and its own rule's ``unless`` cancels it."""
    return _about(
        rule,
        term,
        Severity.WARNING,
        "SELF_CANCELLED",
        f"term {_describe(term)} is cancelled by this rule's own unless when "
        f"the query is just {probe!r}",
    )


def _unmatchable(rule: Rule, term: Term, probe: str) -> Finding:
    """``UNMATCHABLE_TERM``: the compiled engine does not find the term in its own text."""
    return _about(
        rule,
        term,
        Severity.ERROR,
        "UNMATCHABLE_TERM",
        f"term {_describe(term)} does not match its own text {probe!r} in the "
        "compiled engine (a normalizer or compiler bug: please report it)",
    )


def _contenders(
    rule: Rule,
    decision: Decision,
    by_id: dict[str, Rule],
    term_of: dict[tuple[str, str, TermKind], Term],
) -> Iterator[tuple[Rule, Term]]:
    """The other rules that matched the term's plain query, once each, with the term that
    matched. A cue and a rule on trial never decide: no other rule can shadow them."""
    if rule.intent is Intent.CUE or rule.status is Status.EXPERIMENTAL:
        return
    seen: set[str] = set()
    for m in decision.matches:
        if m.rule_id == rule.id or m.rule_id in seen:
            continue
        seen.add(m.rule_id)
        other = by_id[m.rule_id]
        yield other, term_of[(other.id, m.term, m.kind)]
