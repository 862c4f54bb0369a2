"""Compare two rule sets over a query log: which queries change decision, and how.

Each changed query gets every kind of change that applies (a query that goes from nothing to
``block`` is both *newly blocked* and *newly intervened*); its first kind, in the order of
:class:`ChangeKind`, is its primary kind. Counts are kept per kind and per rule, with the most
frequent example queries, in memory bounded by the number of rules.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import os
import time
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NamedTuple

from interventions._batch import (
    MAX_ERROR_EXAMPLES,
    TRACKED_PER_RULE,
    Chunk,
    InputFormat,
    InputSpec,
    TopCounter,
    map_chunks,
    open_log,
    parse_row,
    read_chunks,
)
from interventions._decision import Decision
from interventions._engine import Engine
from interventions._model import Action, RuleSet, Status
from interventions._tables import CHANGE_COLUMNS, Columns, OutputFormat, TableSink

__all__ = [
    "DEFAULT_FAIL_ON",
    "ChangeKind",
    "DiffReport",
    "Verdict",
    "classify",
    "diff_rules",
    "parse_kinds",
]

EXAMPLES = 5


class ChangeKind(enum.StrEnum):
    """How a query's decision changed from the old rule set to the new one.

    In priority order: the first that applies is a change's primary kind.
    """

    NEWLY_BLOCKED = "newly_blocked"
    """New action is ``block``; old was anything else."""
    NEWLY_REDIRECTED = "newly_redirected"
    """New action is ``redirect``; old was ``none``, ``banner`` or ``interstitial``."""
    NEWLY_INTERVENED = "newly_intervened"
    """Old action was ``none``; new is any intervention."""
    NO_LONGER_HELPED = "no_longer_helped"
    """Old action showed a card (any intervention); new is ``none``."""
    ESCALATED = "escalated"
    """Both intervene and the new action is more severe."""
    DE_ESCALATED = "de_escalated"
    """Both intervene and the new action is less severe."""
    CATEGORY_CHANGED = "category_changed"
    """Both intervene, in different categories."""
    CARD_CHANGED = "card_changed"
    """Both intervene, with different cards."""
    RULE_CHANGED = "rule_changed"
    """Same action and category; only the deciding rule differs."""

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


DEFAULT_FAIL_ON = frozenset({ChangeKind.NEWLY_BLOCKED, ChangeKind.NO_LONGER_HELPED})
"""What fails a CI run by default: innocent searches newly blocked, people newly left without
help."""


class Verdict(NamedTuple):
    """The parts of a decision a diff compares."""

    action: Action
    category: str | None
    rule_id: str | None
    card: str | None

    @classmethod
    def of(cls, d: Decision) -> Verdict:
        return cls(d.action, d.category, d.rule_id, d.card.id if d.card else None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.action.value,
            "category": self.category,
            "rule_id": self.rule_id,
            "card": self.card,
        }

    def describe(self) -> str:
        if self.action is Action.NONE:
            return "none"
        return f"{self.action.value} ({self.rule_id})"


def classify(old: Verdict, new: Verdict) -> tuple[ChangeKind, ...]:
    """Every kind of change from ``old`` to ``new``, primary first; empty when unchanged.

    >>> none = Verdict(Action.NONE, None, None, None)
    >>> block = Verdict(Action.BLOCK, "eating_disorder", "ed.proana", "ed_support")
    >>> [k.value for k in classify(none, block)]
    ['newly_blocked', 'newly_intervened']
    >>> classify(block, block)
    ()
    """
    if old == new:
        return ()
    kinds: list[ChangeKind] = []
    o, n = old.action, new.action
    if n is Action.BLOCK and o is not Action.BLOCK:
        kinds.append(ChangeKind.NEWLY_BLOCKED)
    if n is Action.REDIRECT and o.severity < n.severity:
        kinds.append(ChangeKind.NEWLY_REDIRECTED)
    if o is Action.NONE:
        kinds.append(ChangeKind.NEWLY_INTERVENED)
        return tuple(kinds)
    if n is Action.NONE:
        return (ChangeKind.NO_LONGER_HELPED,)
    if n.severity > o.severity:
        kinds.append(ChangeKind.ESCALATED)
    elif n.severity < o.severity:
        kinds.append(ChangeKind.DE_ESCALATED)
    if old.category != new.category:
        kinds.append(ChangeKind.CATEGORY_CHANGED)
    if old.card != new.card:
        kinds.append(ChangeKind.CARD_CHANGED)
    if not kinds:
        kinds.append(ChangeKind.RULE_CHANGED)
    return tuple(kinds)


def parse_kinds(text: str) -> frozenset[ChangeKind]:
    """Kinds from a comma-separated list; ``any`` is every kind, ``never`` (or empty) none.

    Dashes and spaces may stand for underscores (``newly-blocked``).

    >>> sorted(k.value for k in parse_kinds("newly-blocked, escalated"))
    ['escalated', 'newly_blocked']
    """
    out: set[ChangeKind] = set()
    for part in text.split(","):
        name = part.strip().lower().replace("-", "_").replace(" ", "_")
        if not name or name == "never":
            continue
        if name == "any":
            out.update(ChangeKind)
            continue
        try:
            out.add(ChangeKind(name))
        except ValueError:
            known = ", ".join(k.value for k in ChangeKind)
            raise ValueError(
                f"unknown kind of change {part.strip()!r} (known: {known}, any, never)"
            ) from None
    return frozenset(out)


class Change(NamedTuple):
    """One line whose decision changed (or could not be read, when ``error`` is set)."""

    line: int
    query: str
    locale: str | None
    old: Verdict
    new: Verdict
    kinds: tuple[ChangeKind, ...]
    error: str | None = None


class _DiffWorker:
    """Checks chunks of lines with both engines; built once per process, from the engines the
    parent pickled (their compiled artefacts' bytes: nothing is compiled again)."""

    def __init__(
        self,
        old: Engine,
        new: Engine,
        spec: InputSpec,
        locale: str | None,
        at: dt.datetime | None = None,
    ) -> None:
        self.old = old
        self.new = new
        self.spec = spec
        self.locale = locale
        self.at = at

    def __call__(self, chunk: Chunk) -> tuple[int, list[Change], Counter[str], Counter[str]]:
        """Lines with a query, the changed lines, and old/new action counts (with the shadow
        matches of rules on trial counted apart, as ``shadow:old:<rule>`` and
        ``shadow:new:<rule>``)."""
        start, lines = chunk
        changes: list[Change] = []
        old_actions: Counter[str] = Counter()
        new_actions: Counter[str] = Counter()
        queries = 0
        none = Verdict(Action.NONE, None, None, None)
        for number, raw in enumerate(lines, start):
            parsed = parse_row(raw, self.spec)
            if parsed is None:
                continue
            if isinstance(parsed, str):
                changes.append(Change(number, "", None, none, none, (), parsed))
                continue
            query, locale, moment = parsed
            queries += 1
            loc = locale or self.locale
            when = moment or self.at
            old_d = self.old.check(query, locale=loc, at=when)
            new_d = self.new.check(query, locale=loc, at=when)
            old, new = Verdict.of(old_d), Verdict.of(new_d)
            old_actions[old.action.value] += 1
            new_actions[new.action.value] += 1
            if old_d.shadow:
                for rule_id in dict.fromkeys(m.rule_id for m in old_d.shadow):
                    old_actions[_SHADOW + rule_id] += 1
            if new_d.shadow:
                for rule_id in dict.fromkeys(m.rule_id for m in new_d.shadow):
                    new_actions[_SHADOW + rule_id] += 1
            kinds = classify(old, new)
            if kinds:
                changes.append(Change(number, query, locale, old, new, kinds))
        return queries, changes, old_actions, new_actions


Example = tuple[str, str, str]
"""(query, old decision, new decision) as shown in reports."""


@dataclass
class _Group:
    count: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    top: TopCounter[Example] = field(default_factory=lambda: TopCounter[Example](TRACKED_PER_RULE))


@dataclass
class DiffReport:
    """What changed between two rule sets over one log.

    ``kinds`` counts changed queries per kind (a query counts under each kind it has);
    ``rules`` counts them per rule involved (the old or the new deciding rule).
    """

    old_version: str
    new_version: str
    old_source: str = ""
    new_source: str = ""
    input: str = ""
    format: str = ""
    locale: str | None = None
    fail_on: frozenset[ChangeKind] = DEFAULT_FAIL_ON
    lines: int = 0
    queries: int = 0
    errors: int = 0
    error_examples: list[tuple[int, str]] = field(default_factory=list)
    changed: int = 0
    old_actions: Counter[str] = field(default_factory=Counter)
    new_actions: Counter[str] = field(default_factory=Counter)
    kinds: dict[ChangeKind, _Group] = field(default_factory=dict)
    rules: dict[str, _Group] = field(default_factory=dict)
    rules_added: tuple[str, ...] = ()
    rules_removed: tuple[str, ...] = ()
    elapsed: float = 0.0
    old_shadow: Counter[str] = field(default_factory=Counter)
    """Queries each rule on trial (``status: experimental``) matched in the old rule set."""
    new_shadow: Counter[str] = field(default_factory=Counter)
    at: str | None = None

    def add(self, change: Change) -> None:
        if change.error is not None:
            self.errors += 1
            if len(self.error_examples) < MAX_ERROR_EXAMPLES:
                self.error_examples.append((change.line, change.error))
            return
        self.changed += 1
        example = (change.query, change.old.describe(), change.new.describe())
        for kind in change.kinds:
            group = self.kinds.setdefault(kind, _Group())
            group.count += 1
            group.top.add(example)
        for rule_id in dict.fromkeys((change.old.rule_id, change.new.rule_id)):
            if rule_id is None:
                continue
            group = self.rules.setdefault(rule_id, _Group())
            group.count += 1
            group.kinds[change.kinds[0].value] += 1
            group.top.add(example)

    @property
    def failing(self) -> tuple[ChangeKind, ...]:
        """The kinds named by ``fail_on`` that occurred, in :class:`ChangeKind` order."""
        return tuple(k for k in ChangeKind if k in self.fail_on and k in self.kinds)

    @property
    def exit_code(self) -> int:
        """1 when a change of a ``fail_on`` kind occurred, else 0."""
        return 1 if self.failing else 0

    def to_html(self, examples: int = EXAMPLES) -> str:
        """The report as one self-contained HTML page (what ``--html REPORT`` writes)."""
        from interventions._report import render_diff_html

        return render_diff_html(self.to_dict(examples))

    def render(self, examples: int = 3) -> str:
        """The report as plain text for a terminal or a CI log (what ``diff`` prints)."""
        from interventions._report import render_diff_text

        return render_diff_text(self.to_dict(max(examples, EXAMPLES)), examples=examples)

    def to_dict(self, examples: int = EXAMPLES) -> dict[str, Any]:
        """The report as JSON-ready data (what ``--summary FILE`` writes)."""

        def ex(group: _Group) -> list[dict[str, Any]]:
            return [
                {"query": q, "old": o, "new": n, "count": c}
                for (q, o, n), c, _ in group.top.most_common(examples)
            ]

        return {
            "old": {"source": self.old_source, "ruleset_version": self.old_version},
            "new": {"source": self.new_source, "ruleset_version": self.new_version},
            "input": self.input,
            "format": self.format,
            "locale": self.locale,
            "lines": self.lines,
            "queries": self.queries,
            "errors": self.errors,
            "error_examples": [{"line": n, "error": e} for n, e in self.error_examples],
            "changed": self.changed,
            "actions": {
                a.value: {
                    "old": self.old_actions.get(a.value, 0),
                    "new": self.new_actions.get(a.value, 0),
                }
                for a in Action
            },
            "kinds": {
                k.value: {"count": self.kinds[k].count, "examples": ex(self.kinds[k])}
                for k in ChangeKind
                if k in self.kinds
            },
            "rules": {
                rule_id: {
                    "count": g.count,
                    "kinds": _by_count(g.kinds),
                    "examples": ex(g),
                }
                for rule_id, g in sorted(self.rules.items(), key=lambda kv: (-kv[1].count, kv[0]))
            },
            "rules_added": list(self.rules_added),
            "rules_removed": list(self.rules_removed),
            "at": self.at,
            "shadow": {
                rule_id: {"old": self.old_shadow.get(rule_id, 0), "new": self.new_shadow[rule_id]}
                for rule_id in sorted(set(self.old_shadow) | set(self.new_shadow))
            },
            "fail_on": [k.value for k in ChangeKind if k in self.fail_on],
            "failing": [k.value for k in self.failing],
            "exit_code": self.exit_code,
            "elapsed_seconds": round(self.elapsed, 3),
        }


def _by_count(kinds: Counter[str]) -> dict[str, int]:
    # ties in ChangeKind order, not in the order the log happened to show them: the same log
    # split across processes or Spark tasks gives the same report
    order = {k.value: i for i, k in enumerate(ChangeKind)}
    return dict(sorted(kinds.items(), key=lambda kv: (-kv[1], order.get(kv[0], len(order)))))


def _change_row(c: Change) -> tuple[Any, ...]:
    """The :data:`CHANGE_COLUMNS` of one changed line."""
    o, n = c.old, c.new
    return (
        c.line,
        c.query,
        c.locale,
        [k.value for k in c.kinds],
        o.action.value,
        o.category,
        o.rule_id,
        o.card,
        n.action.value,
        n.category,
        n.rule_id,
        n.card,
    )


def _change_record(c: Change) -> bytes:
    obj: dict[str, Any] = {"line": c.line, "query": c.query}
    if c.locale is not None:
        obj["locale"] = c.locale
    obj["kinds"] = [k.value for k in c.kinds]
    obj["old"] = c.old.to_dict()
    obj["new"] = c.new.to_dict()
    return (json.dumps(obj, ensure_ascii=False) + "\n").encode("utf-8", "backslashreplace")


_SHADOW = "shadow:"  # action counters also carry shadow matches per rule, under this prefix


def _live_ids(ruleset: RuleSet) -> set[str]:
    return {r.id for r in ruleset.rules if r.status is not Status.DEPRECATED}


def diff_rules(
    old: RuleSet | Engine,
    new: RuleSet | Engine,
    source: str | Path | IO[bytes] | Iterable[bytes | str],
    *,
    out: IO[bytes] | None = None,
    locale: str | None = None,
    jobs: int = 1,
    fmt: InputFormat | None = None,
    fail_on: Collection[ChangeKind] = DEFAULT_FAIL_ON,
    on_error: Callable[[int, str], None] | None = None,
    at: dt.datetime | None = None,
    columns: Columns | None = None,
    out_format: OutputFormat = OutputFormat.JSONL,
) -> DiffReport:
    """Run both rule sets over the log ``source`` and report the queries whose decision changes.

    ``out`` receives one JSON line per changed query (line, query, kinds, old, new), or a CSV
    or Parquet row (``out_format``). ``source``, ``locale``, ``at`` and ``columns`` are as for
    :func:`run_batch`. The report's :attr:`DiffReport.exit_code` is 1 when a change of a kind
    in ``fail_on`` occurred.
    """
    jobs = jobs if jobs > 0 else (os.cpu_count() or 1)
    old_engine = old if isinstance(old, Engine) else Engine(old)
    new_engine = new if isinstance(new, Engine) else Engine(new)
    old, new = old_engine.ruleset, new_engine.ruleset
    log = open_log(source, fmt=fmt, columns=columns)
    sink = None
    if out is not None and out_format is not OutputFormat.JSONL:
        sink = TableSink(out, out_format, CHANGE_COLUMNS, ("kinds",))
    old_ids, new_ids = _live_ids(old), _live_ids(new)
    report = DiffReport(
        old.version,
        new.version,
        old_source=old.source,
        new_source=new.source,
        input=log.name,
        format=log.spec.format.value,
        locale=locale,
        fail_on=frozenset(fail_on),
        rules_added=tuple(sorted(new_ids - old_ids)),
        rules_removed=tuple(sorted(old_ids - new_ids)),
        at=None if at is None else at.isoformat(),
        lines=1 if log.spec.header else 0,
    )
    started = time.perf_counter()
    try:
        chunks = read_chunks(log.lines, first_line=log.first_line_number)
        results = map_chunks(
            _DiffWorker,
            (old_engine, new_engine, log.spec, locale, at),
            _counted(chunks, report),
            jobs=jobs,
        )
        for queries, changes, old_actions, new_actions in results:
            report.queries += queries
            for counts, actions, shadow in (
                (old_actions, report.old_actions, report.old_shadow),
                (new_actions, report.new_actions, report.new_shadow),
            ):
                for key, n in counts.items():
                    if key.startswith(_SHADOW):
                        shadow[key[len(_SHADOW) :]] += n
                    else:
                        actions[key] += n
            for change in changes:
                report.add(change)
                if change.error is not None:
                    if on_error is not None:
                        on_error(change.line, change.error)
                elif sink is not None:
                    sink.write(_change_row(change))
                elif out is not None:
                    out.write(_change_record(change))
        if sink is not None:
            sink.close()
    finally:
        log.close()
    report.elapsed = time.perf_counter() - started
    return report


def _counted(chunks: Iterable[Chunk], report: DiffReport) -> Iterable[Chunk]:
    for chunk in chunks:
        report.lines += len(chunk[1])
        yield chunk
