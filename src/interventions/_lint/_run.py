"""The driver: read the config, load the rules folder, run every family of checks, apply the
exclusions and sort the findings by place."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from interventions._engine import Engine
from interventions._errors import RuleFileError
from interventions._lint._broad import _sweep, _sweep_vocabulary
from interventions._lint._cards import _card_docs, _locale_findings
from interventions._lint._config import (
    DEFAULT_CONFIG,
    Exclusion,
    LintConfig,
    _apply_exclusions,
    read_config,
)
from interventions._lint._examples import _example_findings
from interventions._lint._findings import CODES, Finding, Severity
from interventions._lint._lexicons import _lexicon_findings
from interventions._lint._load import _load
from interventions._lint._regex import _regex_findings
from interventions._lint._superseded import _superseded_findings
from interventions._lint._terms import _term_findings
from interventions._lint._verified import _verified_findings
from interventions._lint._vocabulary import VocabWord
from interventions._lint._windows import _window_findings

__all__ = ["LintResult", "lint_rules", "run_lint"]


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
        cards = _card_docs(ruleset)
        findings += _locale_findings(ruleset, cards)
        findings += _verified_findings(ruleset, cards, config.stale_after_days, today)
        findings += _superseded_findings(root, ruleset)
        findings += _window_findings(ruleset, today)
        findings += _lexicon_findings(ruleset)
        words = _sweep_vocabulary(vocab, ruleset, findings)
        if words:
            findings += _sweep(ruleset, engine, words)
        else:
            ran -= {"COMMON_WORD", "SUBSTRING_NOT_DISTINCTIVE"}
    kept, excluded = _apply_exclusions(findings, config, ran)
    return LintResult(tuple(sorted(kept, key=_place)), tuple(excluded))


def _place(f: Finding) -> tuple[str, int, str, str, str]:
    return (f.path, f.line or 0, f.code, f.subject, f.message)
