"""What a lint finding is: its severity, the codes, one grep-able line, and the exit code.

``docs/tooling.md`` lists every code with its severity and what to do about it; each family of
codes has its own module in this package (``_terms``, ``_overlap``, ``_spelling``, ``_broad``,
...).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from interventions._model import Rule, Term, TermKind

__all__ = ["CODES", "Finding", "Severity", "exit_code"]


class Severity(enum.StrEnum):
    """How bad a finding is. ``error`` fails ``lint``; ``warning`` fails it with ``--strict``."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 2, "warning": 1, "info": 0}[self.value]


CODES: dict[str, str] = {
    "SCHEMA": "a rule or card file the loader rejects (the loader's message)",
    "UNMATCHABLE_TERM": "a term that does not match its own text in the compiled engine",
    "SELF_CANCELLED": "a term cancelled by its own rule's unless whenever it is written plainly",
    "DUPLICATE_TERM": "the same term in two rules, one always winning; reported on the loser",
    "SHADOWED_TERM": "a term another rule also catches and always wins, so this one never decides",
    "REDUNDANT_TERM": "a term already caught by a broader term of the same rule",
    "NOISY_TERM": "a term written with capitals, leetspeak, look-alike or styled characters",
    "COMMON_WORD": "a term that matches common words of the benign vocabulary",
    "SUBSTRING_NOT_DISTINCTIVE": "a substring term that hits unrelated common words",
    "NO_NEGATIVE_EXAMPLES": "a rule without no_match examples",
    "SHORT_UNSPACED_TERM": "a Japanese/Chinese/Thai term too short to be found inside longer runs",
    "CARD_LOCALE_MISSING": "a card without text/resources for a language or region a rule needs",
    "STALE_VERIFIED": "a resource whose verified date is older than the limit (365 days)",
    "VERIFIED_IN_FUTURE": "a resource whose verified date is after today (a typo, or a clock)",
    "SUPERSEDED_NUMBER": "a card shows a number listed in quality/superseded_numbers.yaml",
    "REDOS": "a regex at risk of catastrophic backtracking",
    "REGEX_NEVER_MATCHES": "a regex atom that cannot match normalized text (lower-case ASCII)",
    "NO_VOCABULARY": "the common-word sweep did not run (wordfreq missing, no --vocab): an "
    "error for each block/redirect rule with prefix or substring terms",
    "UNUSED_EXCLUSION": "an exclusion in the lint config that matched no finding",
    "UNUSED_LEXICON": "a lexicon (lexicons: in a rule folder) that no rule refers to",
    "EXPIRED_WINDOW": "a rule or campaign whose active window has ended (and does not repeat)",
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One lint finding. ``rule_id`` or ``card_id`` names what it is about (either may be None);
    ``term`` is the term as written, for findings about one term."""

    severity: Severity
    path: str
    line: int | None
    rule_id: str | None
    code: str
    message: str
    card_id: str | None = None
    term: str | None = None

    @property
    def subject(self) -> str:
        return self.rule_id or (f"card:{self.card_id}" if self.card_id else "-")

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def render(self) -> str:
        """``SEVERITY path:line rule-id CODE message``, as ``interventions lint`` prints it."""
        return f"{self.severity.value} {self.location} {self.subject} {self.code} {self.message}"


def exit_code(findings: Iterable[Finding], *, strict: bool = False) -> int:
    """1 if any finding is an error (or, with ``strict``, a warning); else 0. Info never fails."""
    limit = Severity.WARNING.rank if strict else Severity.ERROR.rank
    return int(any(f.severity.rank >= limit for f in findings))


def _about(rule: Rule, term: Term, sev: Severity, code: str, message: str) -> Finding:
    """A finding about one term of a rule, at the term's line."""
    return Finding(sev, rule.path, term.line, rule.id, code, message, term=term.text)


def _describe(term: Term) -> str:
    """A term as messages name it: ``'word'``, ``prefix 'anal*'``, ``phrase 'a b'``..."""
    if term.kind is TermKind.WORD:
        return f"'{term.text}'" + (f" (fuzzy {term.fuzzy})" if term.fuzzy else "")
    if term.kind is TermKind.PREFIX and not term.text.endswith("*"):
        return f"prefix '{term.text}*'"
    return f"{term.kind.value} '{term.text}'"
