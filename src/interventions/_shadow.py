"""A rule set on trial beside the one that serves: decide with both, answer with the live one, and
count where they disagree, by the kinds of change ``interventions diff`` reports."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from interventions._decision import Decision
from interventions._diff import ChangeKind, Verdict, classify
from interventions._engine import Engine, Explanation
from interventions._metrics import BATCH, Tally
from interventions._model import Action

__all__ = ["ShadowCounts", "ShadowEngine"]

_QUERIES = "q"
_CHANGED = "c"
_KIND = "k"
_RULE = "r"
_LIVE = "l"
_CANDIDATE = "n"


def _count_pairs(items: list[tuple[Decision, Decision]], counts: Counter[Any]) -> None:
    counts[(_QUERIES,)] += len(items)
    for live, cand in items:
        # the common case: neither intervenes (often the engines' shared "none" objects)
        if live.action is Action.NONE and cand.action is Action.NONE:
            counts[(_LIVE, "none")] += 1
            counts[(_CANDIDATE, "none")] += 1
            continue
        old, new = Verdict.of(live), Verdict.of(cand)
        counts[(_LIVE, old.action.value)] += 1
        counts[(_CANDIDATE, new.action.value)] += 1
        kinds = classify(old, new)
        if not kinds:
            continue
        counts[(_CHANGED,)] += 1
        for kind in kinds:
            counts[(_KIND, kind)] += 1
        for rule_id in dict.fromkeys((old.rule_id, new.rule_id)):
            if rule_id is not None:
                counts[(_RULE, rule_id, kinds[0])] += 1


@dataclass(frozen=True)
class ShadowCounts:
    """Disagreements between the live and the candidate rule set so far, counted as
    ``interventions diff`` counts them: ``kinds`` per kind of change (a query counts under every
    kind it has), ``rules`` per (rule, primary kind) for the old or new deciding rule, and the
    actions each side chose. No query text is kept."""

    live_version: str
    candidate_version: str
    queries: int = 0
    changed: int = 0
    kinds: Counter[ChangeKind] = field(default_factory=Counter)
    rules: Counter[tuple[str, ChangeKind]] = field(default_factory=Counter)
    live_actions: Counter[str] = field(default_factory=Counter)
    candidate_actions: Counter[str] = field(default_factory=Counter)

    def to_dict(self) -> dict[str, Any]:
        return {
            "live": {"ruleset_version": self.live_version, "actions": dict(self.live_actions)},
            "candidate": {
                "ruleset_version": self.candidate_version,
                "actions": dict(self.candidate_actions),
            },
            "queries": self.queries,
            "changed": self.changed,
            "kinds": {k.value: self.kinds[k] for k in ChangeKind if k in self.kinds},
            "rules": [
                {"rule_id": rule_id, "kind": kind.value, "count": n}
                for (rule_id, kind), n in sorted(self.rules.items())
            ],
        }


class ShadowEngine:
    """Serves ``live``'s decisions and decides every query with ``candidate`` too, counting the
    disagreements the way ``interventions diff`` classifies them (:class:`ShadowCounts`).

    A query costs both engines' time, plus a list append; the comparison runs in batches of
    ``batch`` queries. The candidate never changes an answer. Safe to share between threads.

    >>> from interventions import Engine
    >>> live = Engine.from_path("tests/data/mini_rules")
    >>> shadow = ShadowEngine(live, Engine.from_path("tests/data/mini_rules"))
    >>> shadow.check("#thinspo").rule_id
    't.redirect'
    >>> counts = shadow.counts()
    >>> counts.queries, counts.changed
    (1, 0)
    """

    __slots__ = ("_tally", "candidate", "live")

    def __init__(self, live: Engine, candidate: Engine, *, batch: int = BATCH) -> None:
        self.live = live
        self.candidate = candidate
        self._tally: Tally[tuple[Decision, Decision], Any] = Tally(_count_pairs, batch=batch)

    @property
    def version(self) -> str:
        """The live rule set's version (what the decisions served carry)."""
        return self.live.version

    def check(
        self, query: str, *, locale: str | None = None, at: dt.date | None = None
    ) -> Decision:
        """``live.check(...)``, after deciding the same query with the candidate."""
        decision = self.live.check(query, locale=locale, at=at)
        self._tally.add((decision, self.candidate.check(query, locale=locale, at=at)))
        return decision

    def check_many(
        self,
        queries: Iterable[str],
        *,
        locale: str | None = None,
        locales: Iterable[str | None] | None = None,
        at: dt.date | None = None,
    ) -> list[Decision]:
        """As :meth:`Engine.check_many`, comparing each query."""
        queries = list(queries)
        if locales is not None:
            locales = list(locales)
        live = self.live.check_many(queries, locale=locale, locales=locales, at=at)
        cand = self.candidate.check_many(queries, locale=locale, locales=locales, at=at)
        add = self._tally.add
        for pair in zip(live, cand, strict=True):
            add(pair)
        return live

    def explain(
        self, query: str, *, locale: str | None = None, at: dt.date | None = None
    ) -> Explanation:
        """The live engine's explanation (not counted)."""
        return self.live.explain(query, locale=locale, at=at)

    def counts(self) -> ShadowCounts:
        """The disagreements counted so far."""
        totals = self._tally.totals()
        out = ShadowCounts(
            self.live.version,
            self.candidate.version,
            queries=totals[(_QUERIES,)],
            changed=totals[(_CHANGED,)],
        )
        for key, n in totals.items():
            tag = key[0]
            if tag == _KIND:
                out.kinds[key[1]] += n
            elif tag == _RULE:
                out.rules[(key[1], key[2])] += n
            elif tag == _LIVE:
                out.live_actions[key[1]] += n
            elif tag == _CANDIDATE:
                out.candidate_actions[key[1]] += n
        return out
