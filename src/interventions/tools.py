"""The rule tooling as a library: what a CI job or a notebook imports.

Four functions, one per command of ``interventions``, each returning a report object rather than
printing: :func:`run_batch` (decide every query of a log), :func:`diff_rules` (which queries
change decision between two rule sets), :func:`lint_rules` (findings for a rules folder) and
:func:`run_rule_tests` (the rules' examples and case files). Wherever rules are asked for, a
:class:`~interventions.RuleSet`, a rules folder or a compiled rule set file
(``interventions compile``) will do. ``docs/api.md`` documents each with an example.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Collection, Iterable, Sequence
from pathlib import Path
from typing import IO, TypeAlias

from interventions._artifact import ruleset_from_path
from interventions._batch import TOP_QUERIES, BatchSummary, InputFormat, UnguardedMainError
from interventions._batch import run_batch as _run_batch
from interventions._diff import DEFAULT_FAIL_ON, ChangeKind, DiffReport
from interventions._diff import diff_rules as _diff_rules
from interventions._lint import Finding, LintConfigError, Severity, VocabWord, read_vocabulary
from interventions._lint import lint_rules as _lint_rules
from interventions._model import RuleSet
from interventions._tables import Columns, OutputFormat
from interventions._testing import Case, CaseFileError, CaseResult, RunReport
from interventions._testing import run_rule_tests as _run_rule_tests

__all__ = [
    "DEFAULT_FAIL_ON",
    "BatchSummary",
    "Case",
    "CaseFileError",
    "CaseResult",
    "ChangeKind",
    "DiffReport",
    "Finding",
    "InputFormat",
    "LintConfigError",
    "RunReport",
    "Severity",
    "UnguardedMainError",
    "VocabWord",
    "diff_rules",
    "lint_rules",
    "read_vocabulary",
    "run_batch",
    "run_rule_tests",
]

Rules: TypeAlias = "RuleSet | str | os.PathLike[str]"
"""A loaded rule set, a rules folder, or a compiled rule set file."""
Queries: TypeAlias = "str | os.PathLike[str] | IO[bytes] | Iterable[bytes | str]"
"""A log file's path (``"-"``: stdin), a binary stream, or any iterable of lines."""


def _ruleset(rules: Rules) -> RuleSet:
    return rules if isinstance(rules, RuleSet) else ruleset_from_path(os.fspath(rules))


def _source(queries: Queries) -> str | Path | IO[bytes] | Iterable[bytes | str]:
    return Path(queries) if isinstance(queries, os.PathLike) else queries


def _format(fmt: InputFormat | str | None) -> InputFormat | None:
    return None if fmt is None else InputFormat(fmt)


def _columns(query: str | None, locale: str | None, time: str | None) -> Columns | None:
    return (
        None if query is None and locale is None and time is None else Columns(query, locale, time)
    )


def run_batch(
    queries: Queries,
    *,
    ruleset: Rules | None = None,
    out: IO[bytes] | None = None,
    locale: str | None = None,
    jobs: int = 1,
    fmt: InputFormat | str | None = None,
    top_n: int = TOP_QUERIES,
    on_error: Callable[[int, str], None] | None = None,
    at: dt.datetime | None = None,
    query_column: str | None = None,
    locale_column: str | None = None,
    time_column: str | None = None,
    out_format: OutputFormat | str = "jsonl",
) -> BatchSummary:
    """Decide every query of a log; write one decision per query to ``out``, if given.

    ``ruleset`` defaults to the shipped rules. ``locale`` applies to lines that carry none of
    their own (TSV and JSONL lines may), ``at`` (the moment rules and campaigns are judged at;
    default: now) to lines without a moment of their own. ``fmt`` is ``"text"``, ``"tsv"``,
    ``"jsonl"``, ``"csv"`` or ``"parquet"``; None guesses from the file name or the first line.
    A CSV or Parquet table's ``query_column``, ``locale_column`` and ``time_column`` are found
    by name when not given (``query``, ``locale``, ``timestamp``), as ``interventions batch
    --query-column ...`` does. ``out_format`` writes ``out`` as ``"jsonl"``, ``"csv"`` or
    ``"parquet"`` (CSV and Parquet need the ``arrow`` extra). Lines that cannot be read go to
    ``on_error(line_number, message)`` and are counted; the run goes on. Memory stays constant
    however long the log is. With ``jobs > 1`` (0: one per CPU) the work is spread over worker
    processes, and a script must then call this under ``if __name__ == "__main__":``
    (:class:`UnguardedMainError` otherwise). The returned summary's ``to_dict()`` is what
    ``interventions batch --summary`` writes.

    >>> summary = run_batch(["#thinspo", "banana bread", ""])
    >>> summary.queries, summary.blank, summary.intervened
    (2, 1, 1)
    """
    return _run_batch(
        _source(queries),
        ruleset=None if ruleset is None else _ruleset(ruleset),
        out=out,
        locale=locale,
        jobs=jobs,
        fmt=_format(fmt),
        top_n=top_n,
        on_error=on_error,
        at=at,
        columns=_columns(query_column, locale_column, time_column),
        out_format=OutputFormat(out_format),
    )


def diff_rules(
    old: Rules,
    new: Rules,
    queries: Queries,
    *,
    out: IO[bytes] | None = None,
    locale: str | None = None,
    jobs: int = 1,
    fmt: InputFormat | str | None = None,
    fail_on: Collection[ChangeKind | str] = DEFAULT_FAIL_ON,
    on_error: Callable[[int, str], None] | None = None,
    at: dt.datetime | None = None,
    query_column: str | None = None,
    locale_column: str | None = None,
    time_column: str | None = None,
    out_format: OutputFormat | str = "jsonl",
) -> DiffReport:
    """Run two rule sets over the same log and report the queries whose decision changes.

    ``out`` receives one JSON line per changed query. ``fail_on`` names the kinds of change
    (:class:`ChangeKind` or their values, ``"newly_blocked"``) that make the report's
    ``exit_code`` 1; by default a newly blocked query and a person who loses a support card.
    ``queries``, ``locale``, ``jobs``, ``fmt``, ``on_error``, ``at``, the columns and
    ``out_format`` are as for :func:`run_batch`.
    """
    return _diff_rules(
        _ruleset(old),
        _ruleset(new),
        _source(queries),
        out=out,
        locale=locale,
        jobs=jobs,
        fmt=_format(fmt),
        fail_on=frozenset(ChangeKind(k) for k in fail_on),
        on_error=on_error,
        at=at,
        columns=_columns(query_column, locale_column, time_column),
        out_format=OutputFormat(out_format),
    )


def lint_rules(
    folder: str | os.PathLike[str],
    *,
    vocab: Iterable[VocabWord] | None = None,
    config: str | os.PathLike[str] | None = None,
) -> list[Finding]:
    """The lint findings for a rules folder, sorted by file and line.

    ``vocab`` is the benign vocabulary of the common-word sweep (:func:`read_vocabulary` reads
    one from a file); None uses wordfreq's most frequent words when wordfreq is installed, and
    the word list shipped with the package otherwise; an empty list turns the sweep off.
    ``config`` is a lint config file (exclusions); None reads ``<folder>/lint/config.yaml`` if
    it exists. A rule file the loader rejects is a ``SCHEMA`` finding, not an exception.
    """
    return _lint_rules(
        os.fspath(folder), vocab=vocab, config=None if config is None else os.fspath(config)
    )


def run_rule_tests(rules: Rules, case_files: Sequence[str | os.PathLike[str]] = ()) -> RunReport:
    """Run every rule's inline examples, then the case files (TSV or YAML), and report.

    A failing case is in the report (``report.ok`` is False), never an exception; a rule file
    or case file that cannot be read raises :class:`~interventions.RuleFileError` or
    :class:`CaseFileError`. ``report.to_junit()`` is JUnit XML for CI.
    """
    from interventions._engine import Engine

    engine = Engine(_ruleset(rules))
    return _run_rule_tests("", [os.fspath(p) for p in case_files], engine=engine)
