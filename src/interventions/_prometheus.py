"""Decision and shadow counters as Prometheus metrics (needs ``prometheus_client``: the
``metrics`` or ``server`` extra). Counts are read at scrape time; nothing is done per query."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.registry import Collector

from interventions._metrics import DecisionCounter
from interventions._shadow import ShadowEngine

__all__ = ["DecisionCollector"]


class DecisionCollector(Collector):
    """Yields ``<prefix>_decisions_total{action,category,rule,intent}``,
    ``<prefix>_shadow_matches_total{rule}`` and, with a shadow engine,
    ``<prefix>_shadow_queries_total``, ``<prefix>_shadow_changed_total`` and
    ``<prefix>_shadow_changes_total{kind}`` and ``<prefix>_shadow_rule_changes_total{rule,kind}``
    (each also labelled with the candidate's rule set version).
    A label that does not apply (the category of ``none``) is the empty string."""

    def __init__(
        self,
        counter: DecisionCounter | None = None,
        shadow: ShadowEngine | Callable[[], ShadowEngine | None] | None = None,
        *,
        prefix: str = "interventions",
    ) -> None:
        self._counter = counter
        self._shadow = shadow
        self._prefix = prefix

    def collect(self) -> Iterator[Metric]:
        p = self._prefix
        if self._counter is not None:
            counts = self._counter.snapshot()
            decisions = CounterMetricFamily(
                f"{p}_decisions",
                "Decisions made, by action, category, deciding rule and intent",
                labels=["action", "category", "rule", "intent"],
            )
            for (action, category, rule, intent), n in sorted(
                counts.decisions.items(), key=lambda kv: tuple(x or "" for x in kv[0])
            ):
                decisions.add_metric([action, category or "", rule or "", intent or ""], n)
            yield decisions
            shadow = CounterMetricFamily(
                f"{p}_shadow_matches",
                "Queries matched by each rule on trial (status: experimental)",
                labels=["rule"],
            )
            for rule, n in sorted(counts.shadow.items()):
                shadow.add_metric([rule], n)
            yield shadow
        engine = self._shadow() if callable(self._shadow) else self._shadow
        if engine is not None:
            sc = engine.counts()
            queries = CounterMetricFamily(
                f"{p}_shadow_queries",
                "Queries decided by both the live and the candidate rule set",
                labels=["candidate"],
            )
            queries.add_metric([sc.candidate_version], sc.queries)
            yield queries
            changed = CounterMetricFamily(
                f"{p}_shadow_changed",
                "Queries whose candidate decision differs from the live one",
                labels=["candidate"],
            )
            changed.add_metric([sc.candidate_version], sc.changed)
            yield changed
            kinds = CounterMetricFamily(
                f"{p}_shadow_changes",
                "Changed queries by kind of change, as interventions diff counts them",
                labels=["candidate", "kind"],
            )
            for kind, n in sorted(sc.kinds.items()):
                kinds.add_metric([sc.candidate_version, kind.value], n)
            yield kinds
            rules = CounterMetricFamily(
                f"{p}_shadow_rule_changes",
                "Changed queries by deciding rule (live or candidate) and primary kind",
                labels=["candidate", "rule", "kind"],
            )
            for (rule, kind), n in sorted(sc.rules.items()):
                rules.add_metric([sc.candidate_version, rule, kind.value], n)
            yield rules
