"""Counting decisions as they are made: per action, category and rule, cheaply enough to leave on.

A query costs one list append (in a buffer of the calling thread) and, every ``batch`` queries,
one pass over the buffer under that thread's own lock: no lock and no dictionary update per
query. A reader (``snapshot()``, a Prometheus scrape) takes each thread's lock in turn and adds
what its buffer holds so far, so nothing recorded is missed or counted twice.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from interventions._decision import Decision

__all__ = ["BATCH", "DecisionCounter", "DecisionCounts", "DecisionKey", "Tally"]

BATCH = 1024
"""Decisions a thread buffers before it folds them into its counts."""

T = TypeVar("T")
K = TypeVar("K")

DecisionKey = tuple[str, str | None, str | None, str | None]
"""(action, category, deciding rule id, intent) of one decision."""


class _Local(Generic[T, K]):
    """One thread's buffer and counts; only that thread appends and folds."""

    __slots__ = ("buffer", "counts", "lock", "thread")

    def __init__(self) -> None:
        self.buffer: list[T] = []
        self.counts: Counter[K] = Counter()
        self.lock = threading.Lock()
        self.thread = threading.current_thread()


class Tally(Generic[T, K]):
    """Items recorded by many threads, counted in batches by ``count`` into a ``Counter``.

    ``count(items, counts)`` adds a list of recorded items to ``counts``; it runs in the
    recording thread once per ``batch`` items, and in the reader for what is still buffered.
    """

    def __init__(self, count: Callable[[list[T], Counter[K]], None], *, batch: int = BATCH) -> None:
        if not isinstance(batch, int) or isinstance(batch, bool) or batch < 1:
            raise ValueError(f"batch must be a whole number >= 1, got {batch!r}")
        self._count = count
        self._batch = batch
        self._tls = threading.local()
        self._locals: list[_Local[T, K]] = []
        self._retired: Counter[K] = Counter()  # the counts of threads that ended
        self._lock = threading.Lock()  # guards _locals and _retired (never per query)

    def add(self, item: T) -> None:
        try:
            local: _Local[T, K] = self._tls.local
        except AttributeError:
            local = self._register()
        buffer = local.buffer
        buffer.append(item)
        if len(buffer) >= self._batch:
            with local.lock:
                self._count(buffer, local.counts)
                buffer.clear()

    def _register(self) -> _Local[T, K]:
        local: _Local[T, K] = _Local()
        self._tls.local = local
        with self._lock:
            self._locals.append(local)
        return local

    def totals(self) -> Counter[K]:
        """Everything recorded so far, buffered items included."""
        total: Counter[K] = Counter()
        with self._lock:
            alive: list[_Local[T, K]] = []
            for local in self._locals:
                # asked before the copies: a thread found ended has appended its last item, so
                # what is copied next is all it recorded. (Asked after, a thread could append
                # between the copies and its end, and its last items were folded away unseen.)
                ended = not local.thread.is_alive()
                with local.lock:
                    # list() and copy() are single C calls: the owner's append cannot tear them
                    pending = list(local.buffer)
                    counts = local.counts.copy()
                if not ended:
                    alive.append(local)
                    total.update(counts)
                    if pending:
                        self._count(pending, total)
                else:  # the thread is gone: nothing more will be appended, fold it for good
                    self._retired.update(counts)
                    if pending:
                        self._count(pending, self._retired)
            self._locals = alive
            total.update(self._retired)
        return total


def _decision_key(d: Decision) -> DecisionKey:
    return (d.action.value, d.category, d.rule_id, None if d.intent is None else d.intent.value)


_SHADOW = "shadow"


def _count_decisions(items: list[Decision], counts: Counter[Any]) -> None:
    # Most decisions are the engine's one shared "none" object: count objects by identity in C
    # first, then look at each distinct object once.
    seen: dict[int, Decision] = {id(d): d for d in items}
    for ident, n in Counter(map(id, items)).items():
        d = seen[ident]
        counts[_decision_key(d)] += n
        for rule_id in dict.fromkeys(m.rule_id for m in d.shadow):
            counts[(_SHADOW, rule_id)] += n


@dataclass(frozen=True)
class DecisionCounts:
    """A snapshot of a :class:`DecisionCounter`.

    ``decisions`` counts decisions by (action, category, rule id, intent); ``actions``,
    ``categories`` and ``rules`` are its sums by action, by category and by deciding rule (the
    last two without ``none``); ``shadow`` counts the queries each rule on trial
    (``status: experimental``) matched.
    """

    decisions: Counter[DecisionKey] = field(default_factory=Counter)
    shadow: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.decisions.values())

    @property
    def actions(self) -> Counter[str]:
        return self._by(0)

    @property
    def categories(self) -> Counter[str]:
        return self._by(1)

    @property
    def rules(self) -> Counter[str]:
        return self._by(2)

    @property
    def support(self) -> int:
        """Decisions that answered a help-seeking query (``intent: support``)."""
        return sum(n for key, n in self.decisions.items() if key[3] is not None)

    def _by(self, i: int) -> Counter[str]:
        out: Counter[str] = Counter()
        for key, n in self.decisions.items():
            value = key[i]
            if value is not None:
                out[value] += n
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "actions": dict(self.actions),
            "categories": dict(self.categories),
            "rules": dict(self.rules),
            "support": self.support,
            "shadow": dict(self.shadow),
        }


class DecisionCounter:
    """Counts decisions per action, category, deciding rule and intent, and the matches of rules
    on trial. Opt-in: call :meth:`record` with each decision the service uses. Safe to share
    between threads; a decision costs a list append (counted in batches of ``batch``).

    >>> from interventions import Engine
    >>> engine = Engine.from_path("tests/data/mini_rules")
    >>> counter = DecisionCounter()
    >>> for q in ["#thinspo", "banana bread", "banana bread"]:
    ...     _ = counter.record(engine.check(q))
    >>> counts = counter.snapshot()
    >>> counts.total, counts.actions["none"], counts.rules["t.redirect"]
    (3, 2, 1)
    """

    def __init__(self, *, batch: int = BATCH) -> None:
        self._tally: Tally[Decision, Any] = Tally(_count_decisions, batch=batch)

    def record(self, decision: Decision) -> Decision:
        """Count ``decision`` and return it (so ``counter.record(engine.check(q))`` reads well)."""
        self._tally.add(decision)
        return decision

    def record_many(self, decisions: Iterable[Decision]) -> list[Decision]:
        """Count each decision; the decisions as a list (``record_many(engine.check_many(qs))``)."""
        out = list(decisions)
        add = self._tally.add
        for d in out:
            add(d)
        return out

    def snapshot(self) -> DecisionCounts:
        decisions: Counter[DecisionKey] = Counter()
        shadow: Counter[str] = Counter()
        for key, n in self._tally.totals().items():
            if key[0] == _SHADOW:
                shadow[key[1]] += n
            else:
                decisions[key] += n
        return DecisionCounts(decisions, shadow)
