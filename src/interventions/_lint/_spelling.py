"""How a term is written: ``NOISY_TERM`` (capitals, leetspeak, look-alike or styled characters
the normalizer removes from queries) and ``SHORT_UNSPACED_TERM`` (a Japanese, Chinese or Thai
term too short to be found inside longer runs)."""

from __future__ import annotations

import unicodedata

from interventions._compile import inside_runs
from interventions._engine import Engine
from interventions._lint._cards import _rule_languages
from interventions._lint._findings import Finding, Severity, _about
from interventions._model import Rule, Term, TermKind
from interventions._normalize import LEET
from interventions._scripts import is_unspaced_term, script_of, unspaced_min

_NO_DIACRITICS = frozenset({"en"})


def _noise(term: Term, rule: Rule) -> tuple[list[str], str] | None:
    """Why a term is written noisily, and its plain spelling; None for a plain term.

    Terms are folded like queries, so capitals, look-alike letters and styled characters are
    noise the normalizer removes anyway. Leetspeak is worse: queries are leet-decoded but terms
    are not, so ``th1nspo`` matches only that spelling, never ``thinspo``. Diacritics count as
    noise only in rules whose languages have none (``en``). Stretched letters are left alone:
    ``essstörung`` and ``kkk`` are real spellings, and a stretched copy of a term of the same
    rule is already a ``REDUNDANT_TERM``.
    """
    if term.kind is TermKind.REGEX:
        return None
    text = term.text
    reasons: list[str] = []
    if any(c.isupper() for c in text):
        reasons.append("capitals")
    if any(unicodedata.normalize("NFKC", c) != c for c in text):
        reasons.append("styled or full-width characters")
    if any(unicodedata.category(c) == "Cf" for c in text):
        reasons.append("invisible characters")
    for word in text.split():
        scripts = {script_of(c) for c in word if c.isalpha()}
        if "LATIN" in scripts and len(scripts) > 1:
            reasons.append("look-alike letters of another script")
            break
    languages = _rule_languages(rule)
    if (
        languages
        and languages <= _NO_DIACRITICS
        and any(unicodedata.decomposition(c) and c.isalpha() for c in text)
    ):
        reasons.append(f"diacritics (the rule is {', '.join(sorted(languages))})")
    tokens: list[str] = []
    leet = False
    for tok in term.tokens:
        inner = [
            i
            for i in range(1, len(tok) - 1)
            if tok[i] in LEET and tok[i - 1].isalpha() and tok[i + 1].isalpha()
        ]
        leet = leet or bool(inner)
        tokens.append("".join(LEET[c][0] if i in inner else c for i, c in enumerate(tok)))
    if leet:
        reasons.append("leetspeak")
    if not reasons:
        return None
    return reasons, " ".join(tokens)


def _noisy(rule: Rule, term: Term, engine: Engine, locale: str | None) -> Finding | None:
    """``NOISY_TERM``: a warning when the rule does not match the plain spelling, else info."""
    noise = _noise(term, rule)
    if not noise:
        return None
    reasons, clean = noise
    plain = engine.check(clean, locale=locale)
    caught = any(m.rule_id == rule.id for m in plain.matches)
    message = (
        f"term '{term.text}' is written with {' and '.join(reasons)}, which the "
        f"normalizer removes from queries: write {clean!r}"
    )
    if caught:
        return _about(rule, term, Severity.INFO, "NOISY_TERM", message)
    return _about(
        rule,
        term,
        Severity.WARNING,
        "NOISY_TERM",
        message + f" (as written, this rule does not match {clean!r})",
    )


def _short_unspaced(rule: Rule, term: Term) -> Finding | None:
    """``SHORT_UNSPACED_TERM``: a one-word term of an unspaced script that only ever matches a
    whole run of that script."""
    if not (
        term.kind is TermKind.WORD
        and len(term.tokens) == 1
        and is_unspaced_term(term.tokens[0])
        and not inside_runs(term)
    ):
        return None
    return _about(
        rule,
        term,
        Severity.WARNING,
        "SHORT_UNSPACED_TERM",
        f"term '{term.text}' is shorter than {unspaced_min(term.tokens[0])} "
        "characters, so it matches only a whole run of its script (as a query "
        "or between spaces and punctuation), never inside longer text: "
        "write the longer words it occurs in",
    )
