"""Exceptions raised by interventions.

    InterventionsError              (base of everything this library raises on purpose)
    ├── RuleFileError               a rule or card file is wrong: carries path, line, rule id
    ├── ArtifactError               a compiled rule set is unreadable, tampered or too new/old
    ├── InputError (ValueError)     an argument the caller passed cannot be used (e.g. a locale)
    │   └── OutputError             the CLI cannot write an output file (_cli._output)
    ├── CaseFileError               a case file of ``interventions test`` (tools, _testing)
    ├── LintConfigError             lint's config, a word list or wordfreq (tools, _lint)
    └── UnguardedMainError          ``jobs > 1`` from a script without a main guard (tools)

Internal signals that never leave the library (``_flat.FlatIndexError`` becomes an
``ArtifactError``, ``_batch.LineError`` a counted unreadable line, ``_yaml.TooLargeError`` the
reader's own error) are not part of the tree.

A query is never an error: any ``str`` gets a decision. A query that is not a ``str`` is a
programming error and raises the built-in ``TypeError``.
"""

from __future__ import annotations

__all__ = ["ArtifactError", "InputError", "InterventionsError", "RuleFileError"]


class InterventionsError(Exception):
    """Base class of every error this library raises on purpose."""


class RuleFileError(InterventionsError):
    """A rule or card file cannot be used.

    The message starts with ``path:line`` and names the rule id when there is one, so it can be
    pasted into an editor's "go to" box.
    """

    def __init__(
        self, message: str, *, path: str, line: int | None = None, rule_id: str | None = None
    ) -> None:
        self.path = path
        self.line = line
        self.rule_id = rule_id
        self.reason = message
        where = f"{path}:{line}" if line is not None else path
        who = f" rule {rule_id}:" if rule_id else ""
        super().__init__(f"{where}:{who} {message}")


class ArtifactError(InterventionsError):
    """A compiled rule-set artefact cannot be loaded."""


class InputError(InterventionsError, ValueError):
    """An argument cannot be used (for example a malformed locale)."""
