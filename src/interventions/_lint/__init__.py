"""Lint a rules folder: findings with a severity, a place and a code, one grep-able line each.

``interventions lint`` prints :meth:`Finding.render` lines; ``docs/tooling.md`` lists every code
with its severity and what to do about it. The checks that are about matching (duplicates,
shadowing, common words) ask the compiled engine, never a re-implementation of it, so lint and
production cannot disagree about what a term catches.

One family of findings per module (issue #9), as ruff lays out its rules:

- ``_findings``: :class:`Severity`, :data:`CODES`, :class:`Finding`, :func:`exit_code`
- ``_config``: the lint config and its exclusions; ``UNUSED_EXCLUSION``
- ``_vocabulary``: the benign word lists of the sweep (wordfreq, :func:`read_vocabulary`)
- ``_load``: ``SCHEMA``, and the rule set of the files that parsed
- ``_terms``: each term's plain query through the engine; ``UNMATCHABLE_TERM``,
  ``SELF_CANCELLED``
- ``_overlap``: ``REDUNDANT_TERM``, ``DUPLICATE_TERM``, ``SHADOWED_TERM``
- ``_spelling``: ``NOISY_TERM``, ``SHORT_UNSPACED_TERM``
- ``_broad``: the common-word sweep; ``COMMON_WORD``, ``SUBSTRING_NOT_DISTINCTIVE``,
  ``NO_VOCABULARY``
- ``_regex``: ``REDOS``, ``REGEX_NEVER_MATCHES``
- ``_examples``: ``NO_NEGATIVE_EXAMPLES``
- ``_cards``: ``CARD_LOCALE_MISSING``, and a rule's languages and regions
- ``_verified``: ``STALE_VERIFIED``, ``VERIFIED_IN_FUTURE``
- ``_superseded``: ``SUPERSEDED_NUMBER``
- ``_windows``: ``EXPIRED_WINDOW``
- ``_lexicons``: ``UNUSED_LEXICON``
- ``_run``: the driver, :func:`run_lint` and :func:`lint_rules`

A test that patches a module attribute patches the module that reads it (the word-list limit
is ``interventions._lint._vocabulary.MAX_WORD_LIST_BYTES``); the names below are re-exports.
"""

from __future__ import annotations

from interventions._lint._cards import PRIMARY_REGION as PRIMARY_REGION
from interventions._lint._config import (
    DEFAULT_CONFIG,
    Exclusion,
    LintConfig,
    LintConfigError,
    read_config,
)
from interventions._lint._config import DEFAULT_STALE_DAYS as DEFAULT_STALE_DAYS
from interventions._lint._findings import CODES, Finding, Severity, exit_code
from interventions._lint._run import LintResult, lint_rules, run_lint
from interventions._lint._superseded import SUPERSEDED_FILE as SUPERSEDED_FILE
from interventions._lint._vocabulary import (
    DEFAULT_VOCAB_LANGUAGES,
    DEFAULT_VOCAB_SIZE,
    VocabWord,
    read_vocabulary,
    wordfreq_vocabulary,
)
from interventions._lint._vocabulary import MAX_WORD_LIST_BYTES as MAX_WORD_LIST_BYTES

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
