"""The common-word sweep: terms over-broad for a benign vocabulary. ``COMMON_WORD`` (a term
matching common words, its own forms or unrelated ones), ``SUBSTRING_NOT_DISTINCTIVE`` (a
substring term hitting unrelated words) and ``NO_VOCABULARY`` (the sweep could not run). The
vocabulary is run through the compiled engine, so lint and production cannot disagree about what
a term catches."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from interventions._engine import Engine
from interventions._lint._config import LintConfigError
from interventions._lint._findings import Finding, Severity, _describe
from interventions._lint._vocabulary import VocabWord, wordfreq_vocabulary
from interventions._model import Action, Rule, RuleSet, Term, TermKind
from interventions._normalize import normalize

_LISTED_WORDS = 6
_INFLECTION = 3
_LONG_STEM = 7


def _folded(text: str) -> str:
    return " ".join(t.text for t in normalize(text).tokens)


def _sweep_vocabulary(
    vocab: Iterable[VocabWord] | None, ruleset: RuleSet, findings: list[Finding]
) -> list[VocabWord]:
    if vocab is not None:
        return list(vocab)
    try:
        return wordfreq_vocabulary()
    except LintConfigError as exc:
        unchecked = _unswept(ruleset)
        findings += unchecked
        if not unchecked:
            findings.append(
                Finding(
                    Severity.INFO,
                    ruleset.source,
                    None,
                    None,
                    "NO_VOCABULARY",
                    f"common-word sweep skipped: {exc}",
                )
            )
        return []


_SWEPT_KINDS = (TermKind.PREFIX, TermKind.SUBSTRING)


def _unswept(ruleset: RuleSet) -> list[Finding]:
    """Without a vocabulary, the prefix and substring terms of block and redirect rules are
    errors: only the sweep finds the unrelated words they hit (``anal*`` in "data analysis"),
    and a missing optional package must not let such a rule pass."""
    out = []
    for rule in ruleset.rules:
        if rule.action not in (Action.BLOCK, Action.REDIRECT) or rule.status.value == "deprecated":
            continue
        terms = [t for t in rule.terms if t.kind in _SWEPT_KINDS]
        if terms:
            listed = ", ".join(_describe(t) for t in terms[:_LISTED_WORDS])
            more = f" and {len(terms) - _LISTED_WORDS} more" if len(terms) > _LISTED_WORDS else ""
            out.append(
                Finding(
                    Severity.ERROR,
                    rule.path,
                    terms[0].line,
                    rule.id,
                    "NO_VOCABULARY",
                    f"{listed}{more} of a {rule.action.value} rule could not be checked against "
                    "common words: the sweep needs wordfreq (pip install wordfreq) or a word "
                    "list (--vocab FILE); --no-sweep skips it knowingly",
                )
            )
    return out


def _sweep(ruleset: RuleSet, engine: Engine, vocab: list[VocabWord]) -> list[Finding]:
    live = {r.id: r for r in ruleset.rules}
    scoped = sorted({lang for r in live.values() for lang in r.languages})
    hits: dict[tuple[str, str, TermKind], dict[str, VocabWord]] = defaultdict(dict)
    for word in vocab:
        locales: list[str | None] = [word.language] if word.language else [None, *scoped]
        for locale in locales:
            for m in engine.check(word.text, locale=locale).matches:
                found = hits[(m.rule_id, m.term, m.kind)]
                best = found.get(word.text)
                if best is None or word.rank < best.rank:
                    found[word.text] = word
    terms = {(r.id, t.text, t.kind): t for r in live.values() for t in r.terms}
    findings: list[Finding] = []
    for (rule_id, text, kind), words in hits.items():
        rule = live[rule_id]
        term = terms[(rule_id, text, kind)]
        own_forms = {
            " ".join(t.tokens) for t in rule.terms if t.kind in (TermKind.WORD, TermKind.PHRASE)
        }
        own: list[VocabWord] = []
        other: list[VocabWord] = []
        for w in sorted(words.values(), key=lambda w: (w.rank, w.text)):
            (own if _is_own(_folded(w.text), term, own_forms) else other).append(w)
        if own:
            findings.append(_own_forms(rule, term, own))
        if other:
            findings.append(_unrelated_words(rule, term, other))
    return findings


def _severe(rule: Rule) -> bool:
    return rule.action in (Action.BLOCK, Action.REDIRECT)


def _own_forms(rule: Rule, term: Term, own: list[VocabWord]) -> Finding:
    """``COMMON_WORD`` for the term itself or its forms: a warning for a block or redirect
    rule, else info."""
    return Finding(
        Severity.WARNING if _severe(rule) else Severity.INFO,
        rule.path,
        term.line,
        rule.id,
        "COMMON_WORD",
        f"term {_describe(term)} matches common words (the term itself or its forms; "
        f"{rule.action.value}): {_listing(own)}",
        term=term.text,
    )


def _unrelated_words(rule: Rule, term: Term, other: list[VocabWord]) -> Finding:
    """``SUBSTRING_NOT_DISTINCTIVE`` for a substring term, ``COMMON_WORD`` for the others, when
    the term hits unrelated words: an error for a block or redirect rule, else a warning."""
    code = "SUBSTRING_NOT_DISTINCTIVE" if term.kind is TermKind.SUBSTRING else "COMMON_WORD"
    return Finding(
        Severity.ERROR if _severe(rule) else Severity.WARNING,
        rule.path,
        term.line,
        rule.id,
        code,
        f"term {_describe(term)} hits unrelated common words ({rule.action.value}): "
        f"{_listing(other)}",
        term=term.text,
    )


def _is_own(folded: str, term: Term, own_forms: set[str]) -> bool:
    """Whether a vocabulary word is the term itself (or another plain term of its rule) or a
    form of a prefix/substring term, rather than an unrelated word it happens to hit.

    A form adds an ending of at most 3 letters to a 6-letter stem (``suicid*`` → ``suicidal``)
    and at most 2 to a shorter one; a stem of 7 letters or more may take any ending or be part
    of a compound (``våldtäkt*`` → ``våldtäktsman``, ``gruppvåldtäkt``): long stems do not
    collide by accident, and compounding makes long endings normal in sv, de and pl. Short stems
    are where Scunthorpe-style collisions happen (``anal*`` → ``analysis``, ``analyst``).
    """
    if folded in own_forms:
        return True
    stems = [t for t, p in zip(term.tokens, term.prefix_tokens, strict=True) if p]
    if term.kind is TermKind.SUBSTRING:
        stems = list(term.tokens)
    if term.kind in (TermKind.PREFIX, TermKind.SUBSTRING) and stems:
        return _is_form(folded, stems[0])
    if term.kind is TermKind.PHRASE and stems:
        words = folded.split()
        return len(words) == len(term.tokens) and all(
            _is_form(w, t) if p else w == t
            for w, t, p in zip(words, term.tokens, term.prefix_tokens, strict=True)
        )
    return False


def _is_form(word: str, stem: str) -> bool:
    if stem not in word:
        return False
    if len(stem) >= _LONG_STEM:
        return True
    ending = _INFLECTION if len(stem) >= _LONG_STEM - 1 else _INFLECTION - 1
    return word.startswith(stem) and len(word) - len(stem) <= ending


def _listing(words: list[VocabWord]) -> str:
    shown = ", ".join(w.label() for w in words[:_LISTED_WORDS])
    more = len(words) - _LISTED_WORDS
    return shown + (f" and {more} more" if more > 0 else "")
