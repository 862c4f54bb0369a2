"""Lint a rules folder: findings with a severity, a place and a code, one grep-able line each.

``interventions lint`` prints :meth:`Finding.render` lines; ``docs/tooling.md`` lists every code
with its severity and what to do about it. The checks that are about matching (duplicates,
shadowing, common words) ask the compiled engine, never a re-implementation of it, so lint and
production cannot disagree about what a term catches.
"""

from __future__ import annotations

import datetime as dt
import enum
import fnmatch
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from interventions._cards import language_of, locale_chain
from interventions._compile import inside_runs, live_terms
from interventions._engine import Engine
from interventions._errors import InterventionsError, RuleFileError
from interventions._loader import (
    _merge_lexicons,
    _parse_card,
    _parse_lexicon_doc,
    _parse_rule_doc,
    _read_vocabulary,
    is_lexicon_file,
    load_rules,
    rule_files,
)
from interventions._match import find_hits
from interventions._model import (
    Action,
    CardDefinition,
    Intent,
    Lexicon,
    Rule,
    RuleSet,
    Status,
    Term,
    TermKind,
)
from interventions._normalize import LEET, normalize
from interventions._regex_risk import regex_risks
from interventions._scripts import is_unspaced_term, script_of, unspaced_min
from interventions._yaml import TooLargeError, YList, YMap, read_bounded, read_yaml

__all__ = [
    "CODES",
    "DEFAULT_CONFIG",
    "DEFAULT_VOCAB_LANGUAGES",
    "DEFAULT_VOCAB_SIZE",
    "Exclusion",
    "Finding",
    "LintConfig",
    "LintConfigError",
    "LintResult",
    "Severity",
    "VocabWord",
    "exit_code",
    "lint_rules",
    "read_config",
    "read_vocabulary",
    "run_lint",
    "wordfreq_vocabulary",
]

DEFAULT_CONFIG = Path("lint") / "config.yaml"
"""Where the exclusions live, relative to the rules folder. Not ``rules/lint.yaml``: the loader
reads every ``*.yaml`` directly in the rules folder as a rule file."""

DEFAULT_VOCAB_LANGUAGES = ("en", "pl", "sv")
DEFAULT_VOCAB_SIZE = 30_000
DEFAULT_STALE_DAYS = 365
_LISTED_WORDS = 6
_INFLECTION = 3
_LONG_STEM = 7


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


# -- configuration ------------------------------------------------------------------------------


class LintConfigError(InterventionsError):
    """The lint config, a word list or wordfreq (for the default sweep) cannot be used."""


@dataclass(frozen=True, slots=True)
class Exclusion:
    """Silences findings of ``code`` for a rule (``rule`` may be a glob like ``ed.*``), a card,
    or one term; ``reason`` says why, for the reviewer of the next change."""

    code: str
    reason: str
    rule: str | None = None
    card: str | None = None
    term: str | None = None
    line: int = 0

    def covers(self, f: Finding) -> bool:
        if f.code != self.code:
            return False
        if self.rule is not None and not fnmatch.fnmatchcase(f.rule_id or "", self.rule):
            return False
        if self.card is not None and f.card_id != self.card:
            return False
        return self.term is None or f.term == self.term


@dataclass(frozen=True, slots=True)
class LintConfig:
    exclude: tuple[Exclusion, ...] = ()
    stale_after_days: int = DEFAULT_STALE_DAYS
    path: str = ""


_CONFIG_KEYS = ("exclude", "stale_after_days")
_EXCLUSION_KEYS = ("rule", "card", "term", "code", "reason")


def read_config(path: str | Path) -> LintConfig:
    """Read a lint config (YAML): ``exclude: [{rule, card, term, code, reason}]`` and
    ``stale_after_days``. Unknown keys, unknown codes and missing reasons are errors."""
    display = str(path)
    try:
        doc = read_yaml(Path(path), display)
    except RuleFileError as exc:
        raise LintConfigError(str(exc)) from exc

    def fail(message: str, line: int | None) -> LintConfigError:
        where = f"{display}:{line}" if line else display
        return LintConfigError(f"{where}: {message}")

    if doc is None:
        return LintConfig(path=display)
    if not isinstance(doc, YMap):
        raise fail("a lint config is a mapping with 'exclude' and 'stale_after_days'", 1)
    for key in doc:
        if key not in _CONFIG_KEYS:
            raise fail(
                f"unknown key {key!r} (allowed: {', '.join(_CONFIG_KEYS)})", doc.key_lines[key]
            )
    stale = doc.get("stale_after_days", DEFAULT_STALE_DAYS)
    if not isinstance(stale, int) or isinstance(stale, bool) or stale < 1:
        raise fail(
            "stale_after_days must be a positive whole number",
            doc.key_lines.get("stale_after_days"),
        )
    items = doc.get("exclude", YList())
    if not isinstance(items, YList):
        raise fail("exclude must be a list", doc.key_lines.get("exclude"))
    out: list[Exclusion] = []
    for item, line in zip(items, items.item_lines, strict=True):
        if not isinstance(item, YMap):
            raise fail(
                "an exclusion is a mapping like {rule: ed.x, code: COMMON_WORD, reason: ...}", line
            )
        for key in item:
            if key not in _EXCLUSION_KEYS:
                raise fail(
                    f"unknown key {key!r} in an exclusion (allowed: {', '.join(_EXCLUSION_KEYS)})",
                    item.key_lines[key],
                )
        values: dict[str, str | None] = {}
        for key in _EXCLUSION_KEYS:
            value = item.get(key)
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise fail(f"{key} must be non-empty text", item.key_lines.get(key, line))
            values[key] = value
        code, reason = values["code"], values["reason"]
        if code is None:
            raise fail(f"an exclusion needs a code (one of {', '.join(CODES)})", line)
        if code not in CODES:
            raise fail(f"unknown code {code!r} (known: {', '.join(CODES)})", item.key_lines["code"])
        if code == "SCHEMA":
            raise fail("SCHEMA errors cannot be excluded: the engine cannot load such a file", line)
        if reason is None:
            raise fail("an exclusion needs a reason: say why this finding is acceptable", line)
        out.append(Exclusion(code, reason, values["rule"], values["card"], values["term"], line))
    return LintConfig(tuple(out), stale, display)


# -- vocabulary ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VocabWord:
    """A benign word of the sweep: its language (None if unknown), frequency rank and source."""

    text: str
    language: str | None
    rank: int
    source: str

    def label(self) -> str:
        return f"{self.text} ({self.source} #{self.rank})"


def wordfreq_vocabulary(
    languages: Sequence[str] = DEFAULT_VOCAB_LANGUAGES, size: int = DEFAULT_VOCAB_SIZE
) -> list[VocabWord]:
    """The ``size`` most frequent words of each language, from wordfreq (an optional dependency:
    it is in the ``dev`` extra). Raises :class:`LintConfigError` when wordfreq is missing."""
    try:
        import wordfreq
    except ImportError as exc:
        raise LintConfigError(
            "the common-word sweep needs wordfreq (pip install wordfreq, or the dev extra), "
            "or a word list given with --vocab FILE"
        ) from exc
    out: list[VocabWord] = []
    for lang in languages:
        words = wordfreq.top_n_list(lang, size)
        out.extend(VocabWord(w, lang, i, lang) for i, w in enumerate(words, start=1))
    return out


MAX_WORD_LIST_BYTES = 64 << 20
"""A word list for the common-word sweep is refused past this size (wordfreq's 90,000 most
frequent words of a language are about 1 MB)."""


def read_vocabulary(path: str | Path) -> list[VocabWord]:
    """A word list, most frequent first: one word per line, optionally followed by a tab and its
    language (``word<TAB>sv``). Blank lines and lines starting with ``#`` are skipped; a word's
    rank is its position among the words."""
    p = Path(path)
    try:
        text = read_bounded(p, MAX_WORD_LIST_BYTES).decode("utf-8")
    except (OSError, UnicodeDecodeError, TooLargeError) as exc:
        raise LintConfigError(f"{path}: cannot read the word list: {exc}") from exc
    out: list[VocabWord] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        word, _, lang = line.partition("\t")
        out.append(VocabWord(word.strip(), lang.strip() or None, len(out) + 1, p.name))
    return out


# -- loading ------------------------------------------------------------------------------------


def _schema_finding(exc: RuleFileError) -> Finding:
    return Finding(Severity.ERROR, exc.path, exc.line, exc.rule_id, "SCHEMA", exc.reason)


def _yaml_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def _load(root: Path) -> tuple[RuleSet | None, list[Finding]]:
    """The rule set, and a SCHEMA finding per broken file.

    Files are parsed one by one so that every broken file is reported in one run; the checks
    across files (duplicate ids, unknown cards) are the loader's own and run once every file is
    valid. With broken files, the other checks still run on the files that parsed.
    """
    findings: list[Finding] = []
    cards: dict[str, CardDefinition] = {}
    for p in _yaml_files(root / "cards"):
        try:
            card = _parse_card(p, str(p))
        except RuleFileError as exc:
            findings.append(_schema_finding(exc))
            continue
        cards.setdefault(card.id, card)
    rules: list[Rule] = []
    docs: list[tuple[Path, Any]] = []
    found: list[Lexicon] = []
    for p in rule_files(root):
        try:
            doc = read_yaml(p, str(p))
            if is_lexicon_file(doc):
                found.extend(_parse_lexicon_doc(doc, str(p)))
            else:
                docs.append((p, doc))
        except RuleFileError as exc:
            findings.append(_schema_finding(exc))
    lexicons = _merge_lexicons(found)
    for p, doc in docs:
        try:
            parsed, _, _ = _parse_rule_doc(doc, str(p), lexicons)
        except RuleFileError as exc:
            findings.append(_schema_finding(exc))
            continue
        rules.extend(parsed)
    vocabulary: set[str] = set()
    vocab_dir = root / "vocabulary"
    for p in sorted(vocab_dir.glob("*.txt")) if vocab_dir.is_dir() else []:
        try:
            vocabulary |= _read_vocabulary(p, str(p))
        except RuleFileError as exc:
            findings.append(_schema_finding(exc))
    if not findings:
        try:
            return load_rules(root), []
        except RuleFileError as exc:
            findings.append(_schema_finding(exc))
    kept: dict[str, Rule] = {}
    for rule in rules:
        if (rule.card in cards or rule.intent is Intent.CUE) and rule.id not in kept:
            kept[rule.id] = rule
    if not kept:
        return None, findings
    partial = RuleSet(
        tuple(kept.values()), cards, "partial", str(root), vocabulary=frozenset(vocabulary)
    )
    return partial, findings


# -- the entry point ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LintResult:
    """The findings of a lint run, and those an exclusion silenced (with the exclusion)."""

    findings: tuple[Finding, ...]
    excluded: tuple[tuple[Finding, Exclusion], ...]

    def count(self, severity: Severity) -> int:
        return sum(f.severity is severity for f in self.findings)


def lint_rules(
    path: str | Path,
    *,
    vocab: Iterable[VocabWord] | None = None,
    config: LintConfig | str | Path | None = None,
    today: dt.date | None = None,
) -> list[Finding]:
    """Lint the rules folder at ``path`` and return the findings, sorted by place.

    ``vocab`` is the benign vocabulary of the common-word sweep; None means wordfreq's top
    :data:`DEFAULT_VOCAB_SIZE` words of en, pl and sv when wordfreq is installed (otherwise the
    sweep cannot run: a ``NO_VOCABULARY`` error for each block or redirect rule with prefix or
    substring terms, an info if there is none); an empty list turns the sweep off. ``config`` is a
    :class:`LintConfig` or the path of one; None reads ``<path>/lint/config.yaml`` if it exists.

    Raises :class:`RuleFileError` if ``path`` is not a folder and :class:`LintConfigError` for a
    broken config; every problem in the rules themselves is a finding.

    >>> from interventions._engine import default_rules_path
    >>> [f for f in lint_rules(default_rules_path(), vocab=[]) if f.severity is Severity.ERROR]
    []
    """
    return list(run_lint(path, vocab=vocab, config=config, today=today).findings)


def run_lint(
    path: str | Path,
    *,
    vocab: Iterable[VocabWord] | None = None,
    config: LintConfig | str | Path | None = None,
    today: dt.date | None = None,
) -> LintResult:
    """:func:`lint_rules`, also returning what the exclusions silenced."""
    root = Path(path)
    if not root.is_dir():
        raise RuleFileError("not a folder of rule files", path=str(path))
    if config is None:
        default = root / DEFAULT_CONFIG
        config = read_config(default) if default.is_file() else LintConfig()
    elif not isinstance(config, LintConfig):
        config = read_config(config)
    today = today or dt.date.today()

    ruleset, findings = _load(root)
    ran = set(CODES) - {"SCHEMA"} if ruleset is not None and not findings else set()
    if ruleset is not None:
        engine = Engine(ruleset)
        findings += _term_findings(ruleset, engine)
        findings += _example_findings(ruleset)
        findings += _regex_findings(ruleset)
        findings += _card_findings(ruleset, config.stale_after_days, today)
        findings += _superseded_findings(root, ruleset)
        findings += _window_findings(ruleset, today)
        findings += [
            Finding(
                Severity.WARNING,
                lex.path,
                lex.line,
                None,
                "UNUSED_LEXICON",
                f"lexicon @{lex.name} is not used by any rule: refer to it or remove it",
            )
            for lex in ruleset.lexicons.values()
            if not lex.used
        ]
        words = _vocabulary(vocab, ruleset, findings)
        if words:
            findings += _sweep(ruleset, engine, words)
        else:
            ran -= {"COMMON_WORD", "SUBSTRING_NOT_DISTINCTIVE"}
    kept, excluded = _apply_exclusions(findings, config, ran)
    return LintResult(tuple(sorted(kept, key=_place)), tuple(excluded))


def _place(f: Finding) -> tuple[str, int, str, str, str]:
    return (f.path, f.line or 0, f.code, f.subject, f.message)


def _apply_exclusions(
    findings: list[Finding], config: LintConfig, ran: set[str]
) -> tuple[list[Finding], list[tuple[Finding, Exclusion]]]:
    """Drop excluded findings; report exclusions that silenced nothing, for the checks that ran
    in full (a partial run, or one without the sweep, proves nothing about the others)."""
    used: set[int] = set()
    kept: list[Finding] = []
    excluded: list[tuple[Finding, Exclusion]] = []
    for f in findings:
        hit = next((i for i, e in enumerate(config.exclude) if e.covers(f)), None)
        if hit is None:
            kept.append(f)
        else:
            used.add(hit)
            excluded.append((f, config.exclude[hit]))
    for i, e in enumerate(config.exclude):
        if i in used or e.code not in ran:
            continue
        who = e.rule or (f"card:{e.card}" if e.card else "every rule")
        kept.append(
            Finding(
                Severity.INFO,
                config.path,
                e.line,
                None,
                "UNUSED_EXCLUSION",
                f"the exclusion of {e.code} for {who}"
                + (f" (term {e.term!r})" if e.term else "")
                + " matched no finding: remove it",
            )
        )
    return kept, excluded


# -- terms: duplicates, shadowing, redundancy, noise --------------------------------------------


def _term_key(term: Term) -> tuple[TermKind, tuple[str, ...], tuple[bool, ...], int]:
    return (term.kind, term.tokens or (term.text,), term.prefix_tokens, term.fuzzy)


def _describe(term: Term) -> str:
    if term.kind is TermKind.WORD:
        return f"'{term.text}'" + (f" (fuzzy {term.fuzzy})" if term.fuzzy else "")
    if term.kind is TermKind.PREFIX and not term.text.endswith("*"):
        return f"prefix '{term.text}*'"
    return f"{term.kind.value} '{term.text}'"


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


_BREADTH = {TermKind.WORD: 0, TermKind.PHRASE: 0, TermKind.PREFIX: 1, TermKind.SUBSTRING: 2}


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


def _about(rule: Rule, term: Term, sev: Severity, code: str, message: str) -> Finding:
    return Finding(sev, rule.path, term.line, rule.id, code, message, term=term.text)


def _window_findings(ruleset: RuleSet, today: dt.date) -> list[Finding]:
    """Windows that have ended for good: the rule or campaign never shows again (a malformed
    window is a load error)."""
    out = [
        Finding(
            Severity.WARNING,
            r.path,
            r.line,
            r.id,
            "EXPIRED_WINDOW",
            f"active until {r.active.until}: the rule never fires again (remove it, move the "
            "window, or make it yearly: true)",
        )
        for r in ruleset.rules
        if r.active is not None and r.active.expired(today)
    ]
    out += [
        Finding(
            Severity.WARNING,
            card.path,
            c.line,
            None,
            "EXPIRED_WINDOW",
            f"campaign {c.id!r} was active until {c.active.until}: it never shows again",
            card_id=card.id,
        )
        for card in ruleset.cards.values()
        for c in card.campaigns
        if c.active.expired(today)
    ]
    return out


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
            hit_self = any(m.term == term.text and m.kind is term.kind for m in own)
            if rule.intent is Intent.CUE:
                hit_self = any(
                    rows[tid].rule == ri and rows[tid].term is term
                    for tid, _, _ in find_hits(index, normalize(probe))
                )

            def finding(sev: Severity, code: str, message: str) -> Finding:
                return _about(rule, term, sev, code, message)  # noqa: B023 (used at once)

            if not hit_self:
                raw = find_hits(index, normalize(probe))
                matched = any(
                    rows[tid].rule == ri and not rows[tid].unless and rows[tid].term is term
                    for tid, _, _ in raw
                )
                if matched:
                    findings.append(
                        finding(
                            Severity.WARNING,
                            "SELF_CANCELLED",
                            f"term {_describe(term)} is cancelled by this rule's own unless when "
                            f"the query is just {probe!r}",
                        )
                    )
                else:
                    findings.append(
                        finding(
                            Severity.ERROR,
                            "UNMATCHABLE_TERM",
                            f"term {_describe(term)} does not match its own text {probe!r} in the "
                            "compiled engine (a normalizer or compiler bug: please report it)",
                        )
                    )
                continue
            redundant = [
                term_of[(rule.id, m.term, m.kind)]
                for m in own
                if (m.term, m.kind) != (term.text, term.kind)
            ]
            broader = next((t for t in redundant if _covers(t, term)), None)
            if broader is not None and not _noise(term, rule):
                findings.append(
                    finding(
                        Severity.INFO,
                        "REDUNDANT_TERM",
                        f"term {_describe(term)} is already caught by {_describe(broader)} "
                        f"(line {broader.line}) of this rule",
                    )
                )
            seen: set[str] = set()
            # a cue and a rule on trial never decide: no other rule can shadow them
            contenders = (
                ()
                if rule.intent is Intent.CUE or rule.status is Status.EXPERIMENTAL
                else (decision.matches)
            )
            for m in contenders:
                if m.rule_id == rule.id or m.rule_id in seen:
                    continue
                seen.add(m.rule_id)
                other = by_id[m.rule_id]
                other_term = term_of[(other.id, m.term, m.kind)]
                wins = _wins(other, rule) and _always_wins(other, rule)
                if _term_key(other_term) == _term_key(term):
                    if wins:
                        findings.append(
                            finding(
                                Severity.WARNING,
                                "DUPLICATE_TERM",
                                f"term {_describe(term)} is also a term of {other.id} "
                                f"({other.path}:{other_term.line}, {other.action.value}), which "
                                f"wins over this rule ({rule.action.value})",
                            )
                        )
                elif wins:
                    findings.append(
                        finding(
                            Severity.WARNING,
                            "SHADOWED_TERM",
                            f"{probe!r} (term {_describe(term)}) is also caught by {other.id} "
                            f"(term {_describe(other_term)}, {other.action.value}), which wins: "
                            f"this rule ({rule.action.value}) never decides it",
                        )
                    )
            if (
                term.kind is TermKind.WORD
                and len(term.tokens) == 1
                and is_unspaced_term(term.tokens[0])
                and not inside_runs(term)
            ):
                findings.append(
                    finding(
                        Severity.WARNING,
                        "SHORT_UNSPACED_TERM",
                        f"term '{term.text}' is shorter than {unspaced_min(term.tokens[0])} "
                        "characters, so it matches only a whole run of its script (as a query "
                        "or between spaces and punctuation), never inside longer text: "
                        "write the longer words it occurs in",
                    )
                )
            noise = _noise(term, rule)
            if noise:
                reasons, clean = noise
                plain = engine.check(clean, locale=locale)
                caught = any(m.rule_id == rule.id for m in plain.matches)
                message = (
                    f"term '{term.text}' is written with {' and '.join(reasons)}, which the "
                    f"normalizer removes from queries: write {clean!r}"
                )
                if caught:
                    findings.append(finding(Severity.INFO, "NOISY_TERM", message))
                else:
                    findings.append(
                        finding(
                            Severity.WARNING,
                            "NOISY_TERM",
                            message + f" (as written, this rule does not match {clean!r})",
                        )
                    )
    return findings


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


# -- examples -----------------------------------------------------------------------------------


def _example_findings(ruleset: RuleSet) -> list[Finding]:
    return [
        Finding(
            Severity.INFO,
            rule.path,
            rule.line,
            rule.id,
            "NO_NEGATIVE_EXAMPLES",
            "no no_match examples: add near-misses the rule must leave alone (they run as tests)",
        )
        for rule in ruleset.rules
        if not rule.no_match_examples
    ]


# -- cards: locales and verification dates ------------------------------------------------------

PRIMARY_REGION = {
    "pl": "PL",
    "sv": "SE",
    "de": "DE",
    "fr": "FR",
    "it": "IT",
    "nl": "NL",
    "da": "DK",
    "fi": "FI",
    "nb": "NO",
    "no": "NO",
    "cs": "CZ",
    "hu": "HU",
    "ro": "RO",
    "el": "GR",
    "uk": "UA",
}
"""The country most speakers of a language live in; used to ask whether a card has resources
for a rule's language. Languages spread over many countries (en, es, pt, ar) are left out."""


def _rule_languages(rule: Rule) -> set[str]:
    """A rule's languages: its ``languages`` key plus the languages of its examples' locales.

    Terms are not language-detected: to tell lint a rule is Polish without scoping it, give its
    examples a locale (``{query: ..., locale: pl-PL}``).
    """
    out = set(rule.languages)
    for ex in (*rule.match_examples, *rule.no_match_examples):
        lang = language_of(ex.locale)
        if lang:
            out.add(lang)
    return out


def _rule_regions(rule: Rule) -> set[str]:
    out = {PRIMARY_REGION[lang] for lang in _rule_languages(rule) if lang in PRIMARY_REGION}
    for ex in (*rule.match_examples, *rule.no_match_examples):
        for key in locale_chain(ex.locale):
            if key.isupper():
                out.add(key)
    return out


def _card_lines(card: CardDefinition) -> YMap | None:
    try:
        doc = read_yaml(Path(card.path), card.path)
    except RuleFileError:
        return None
    return doc if isinstance(doc, YMap) else None


def _card_findings(ruleset: RuleSet, stale_days: int, today: dt.date) -> list[Finding]:
    findings: list[Finding] = []
    needs_text: dict[tuple[str, str], list[str]] = defaultdict(list)
    needs_res: dict[tuple[str, str], list[str]] = defaultdict(list)
    for rule in ruleset.rules:
        card = ruleset.cards.get(rule.card)
        if card is None:
            continue
        for lang in sorted(_rule_languages(rule)):
            if not any(k == lang or k.startswith(lang + "-") for k in card.text):
                needs_text[(card.id, lang)].append(rule.id)
        for region in sorted(_rule_regions(rule)):
            if not any(k == region or k.endswith("-" + region) for k in card.resources):
                needs_res[(card.id, region)].append(rule.id)
    raw = {cid: _card_lines(c) for cid, c in ruleset.cards.items()}

    def key_line(card_id: str, key: str) -> int | None:
        doc = raw.get(card_id)
        return doc.key_lines.get(key) if doc is not None else None

    def who(rules: list[str]) -> str:
        shown = ", ".join(rules[:3])
        return shown + (f" and {len(rules) - 3} more" if len(rules) > 3 else "")

    for (card_id, lang), rules in needs_text.items():
        card = ruleset.cards[card_id]
        findings.append(
            Finding(
                Severity.WARNING,
                card.path,
                key_line(card_id, "text"),
                None,
                "CARD_LOCALE_MISSING",
                f"no {lang!r} text, but {who(rules)} target {lang}: those callers see the "
                "default text",
                card_id=card_id,
            )
        )
    for (card_id, region), rules in needs_res.items():
        card = ruleset.cards[card_id]
        findings.append(
            Finding(
                Severity.WARNING,
                card.path,
                key_line(card_id, "resources"),
                None,
                "CARD_LOCALE_MISSING",
                f"no resources for {region}, but {who(rules)} target callers there: they get "
                "the default (international) resources",
                card_id=card_id,
            )
        )
    for card_id, doc in raw.items():
        if doc is None:
            continue
        findings += _stale(ruleset.cards[card_id], doc, stale_days, today)
    return findings


SUPERSEDED_FILE = Path("quality") / "superseded_numbers.yaml"
_NUMBER_RE = re.compile(r"\+?\d[\d\s\-./()]{2,}\d")


def _digits(text: str) -> set[str]:
    """The phone numbers in a text, as digits only (``0800 111 0 111`` -> ``08001110111``)."""
    return {re.sub(r"\D", "", m.group()) for m in _NUMBER_RE.finditer(text)}


def _superseded_findings(root: Path, ruleset: RuleSet) -> list[Finding]:
    """Numbers known to be closed or replaced (NEDA's helpline, Korea's 1393 ...) must never be
    shown: every phone, SMS and note on every card is compared with the list, digits only."""
    path = root / SUPERSEDED_FILE
    if not path.is_file():
        return []
    display = str(path)
    try:
        doc = read_yaml(path, display)
    except RuleFileError as exc:
        return [Finding(Severity.ERROR, display, exc.line, None, "SUPERSEDED_NUMBER", exc.reason)]
    entries = doc.get("numbers") if isinstance(doc, YMap) else None
    if not isinstance(entries, YList):
        return [
            Finding(
                Severity.ERROR, display, 1, None, "SUPERSEDED_NUMBER", "expected a 'numbers' list"
            )
        ]
    known: dict[str, tuple[str, str]] = {}
    for item, line in zip(entries, entries.item_lines, strict=True):
        number = item.get("number") if isinstance(item, YMap) else None
        if not isinstance(number, str) or not re.sub(r"\D", "", number):
            return [
                Finding(
                    Severity.ERROR,
                    display,
                    line,
                    None,
                    "SUPERSEDED_NUMBER",
                    "every entry needs a 'number' written as text (in quotes)",
                )
            ]
        replacement = item.get("replacement")
        known[re.sub(r"\D", "", number)] = (
            number,
            replacement if isinstance(replacement, str) else "see the list",
        )
    findings: list[Finding] = []
    for card in ruleset.cards.values():
        for key, resources in card.resources.items():
            for r in resources:
                notes = [r.note or "", *(n for _, n in r.notes)]
                fields = {re.sub(r"\D", "", f) for f in (r.phone, r.sms) if f}
                for digits in fields.union(*(_digits(t) for t in notes)):
                    if digits in known:
                        number, replacement = known[digits]
                        findings.append(
                            Finding(
                                Severity.ERROR,
                                card.path,
                                card.line or None,
                                None,
                                "SUPERSEDED_NUMBER",
                                f"resource {r.name!r} ({key}) shows {number}, which is superseded "
                                f"({SUPERSEDED_FILE}): {replacement}",
                                card_id=card.id,
                            )
                        )
    return findings


def _stale(card: CardDefinition, doc: YMap, stale_days: int, today: dt.date) -> list[Finding]:
    out: list[Finding] = []
    resources = doc.get("resources")
    if not isinstance(resources, YMap):
        return out
    for key, items in resources.items():
        if not isinstance(items, YList):
            continue
        for item in items:
            if not isinstance(item, YMap):
                continue
            verified = item.get("verified")
            if not isinstance(verified, dt.date):
                continue
            age = (today - verified).days
            if age < 0:  # a warning, not a load error: loading never depends on the clock
                out.append(
                    Finding(
                        Severity.WARNING,
                        card.path,
                        item.key_lines.get("verified", item.line),
                        None,
                        "VERIFIED_IN_FUTURE",
                        f"resource {item.get('name')!r} ({key}) was verified {verified}, "
                        f"{-age} days after today ({today}): check the date",
                        card_id=card.id,
                    )
                )
            elif age > stale_days:
                out.append(
                    Finding(
                        Severity.WARNING,
                        card.path,
                        item.key_lines.get("verified", item.line),
                        None,
                        "STALE_VERIFIED",
                        f"resource {item.get('name')!r} ({key}) was verified {verified}, {age} "
                        f"days ago (limit {stale_days}): confirm it again and update source and "
                        "verified",
                        card_id=card.id,
                    )
                )
    return out


# -- regexes ------------------------------------------------------------------------------------


def _regex_findings(ruleset: RuleSet) -> list[Finding]:
    findings: list[Finding] = []
    for rule in ruleset.rules:
        for term in (*rule.terms, *rule.unless):
            if term.kind is not TermKind.REGEX:
                continue
            for risk in regex_risks(term.text):
                findings.append(
                    Finding(
                        Severity(risk.severity),
                        rule.path,
                        term.line,
                        rule.id,
                        risk.code,
                        f"regex '{term.text}': {risk.message}",
                        term=term.text,
                    )
                )
    return findings


# -- the common-word sweep ----------------------------------------------------------------------


def _folded(text: str) -> str:
    return " ".join(t.text for t in normalize(text).tokens)


def _vocabulary(
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
        severe = rule.action in (Action.BLOCK, Action.REDIRECT)
        if own:
            sev = Severity.WARNING if severe else Severity.INFO
            findings.append(
                Finding(
                    sev,
                    rule.path,
                    term.line,
                    rule.id,
                    "COMMON_WORD",
                    f"term {_describe(term)} matches common words (the term itself or its forms; "
                    f"{rule.action.value}): {_listing(own)}",
                    term=term.text,
                )
            )
        if other:
            sev = Severity.ERROR if severe else Severity.WARNING
            code = "SUBSTRING_NOT_DISTINCTIVE" if kind is TermKind.SUBSTRING else "COMMON_WORD"
            findings.append(
                Finding(
                    sev,
                    rule.path,
                    term.line,
                    rule.id,
                    code,
                    f"term {_describe(term)} hits unrelated common words ({rule.action.value}): "
                    f"{_listing(other)}",
                    term=term.text,
                )
            )
    return findings


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
