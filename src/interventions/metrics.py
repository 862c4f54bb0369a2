"""Counting decisions in a running service: per action, category, deciding rule and intent, and
the matches of rules on trial; opt-in, a list append per decision.

``prometheus_collector`` exposes the counts (and a :class:`~interventions.shadow.ShadowEngine`'s
disagreements) to ``prometheus_client``, which the ``metrics`` extra installs
(``pip install 'interventions[metrics]'``); nothing else here needs it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from interventions._metrics import DecisionCounter, DecisionCounts

if TYPE_CHECKING:
    from prometheus_client.registry import Collector, CollectorRegistry

    from interventions._shadow import ShadowEngine

__all__ = ["DecisionCounter", "DecisionCounts", "prometheus_collector"]


def prometheus_collector(
    counter: DecisionCounter | None = None,
    shadow: ShadowEngine | Callable[[], ShadowEngine | None] | None = None,
    *,
    registry: CollectorRegistry | None = None,
    prefix: str = "interventions",
) -> Collector:
    """A ``prometheus_client`` collector of ``counter``'s decisions and ``shadow``'s
    disagreements (``shadow`` may be a function returning the shadow engine in use), registered
    with ``registry`` when one is given (``prometheus_client.REGISTRY`` for the default one).

    Metrics: ``interventions_decisions_total{action,category,rule,intent}``,
    ``interventions_shadow_matches_total{rule}``, and with a shadow engine
    ``interventions_shadow_queries_total``, ``interventions_shadow_changed_total``,
    ``interventions_shadow_changes_total{kind}`` and
    ``interventions_shadow_rule_changes_total{rule,kind}`` (labelled with the candidate's
    version). Raises ``ImportError`` naming the extra when ``prometheus_client`` is missing.
    """
    try:
        from interventions._prometheus import DecisionCollector
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "prometheus_collector needs prometheus_client: pip install 'interventions[metrics]'"
        ) from exc
    collector = DecisionCollector(counter, shadow, prefix=prefix)
    if registry is not None:
        registry.register(collector)
    return collector
