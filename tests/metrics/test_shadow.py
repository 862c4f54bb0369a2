"""ShadowEngine: serves the live decision and counts disagreements exactly as `diff` does."""

from __future__ import annotations

import doctest
import threading

import pytest

from interventions import Engine, _shadow, metrics
from interventions.shadow import ShadowEngine
from interventions.tools import ChangeKind, diff_rules

from .conftest import QUERIES


def test_the_live_decision_is_served(mini: Engine, candidate: Engine) -> None:
    shadow = ShadowEngine(mini, candidate)
    for q in QUERIES:
        assert shadow.check(q, locale="sv-SE") == mini.check(q, locale="sv-SE")
    assert shadow.check_many(QUERIES) == mini.check_many(QUERIES)
    assert shadow.version == mini.version
    assert shadow.explain("proana").decision == mini.check("proana")


@pytest.mark.parametrize("batch", [1, 4, 1024])
def test_disagreements_are_counted_as_diff_counts_them(
    mini: Engine, candidate: Engine, batch: int
) -> None:
    queries = [q for q in QUERIES if q]  # diff skips blank lines
    shadow = ShadowEngine(mini, candidate, batch=batch)
    for q in queries:
        shadow.check(q)
    counts = shadow.counts()
    report = diff_rules(mini.ruleset, candidate.ruleset, queries)
    assert counts.queries == report.queries
    assert counts.changed == report.changed > 0
    assert dict(counts.kinds) == {k: g.count for k, g in report.kinds.items()}
    assert ChangeKind.NEWLY_BLOCKED in counts.kinds
    by_rule: dict[str, int] = {}
    for (rule_id, _kind), n in counts.rules.items():
        by_rule[rule_id] = by_rule.get(rule_id, 0) + n
    assert by_rule == {r: g.count for r, g in report.rules.items()}
    assert dict(counts.live_actions) == dict(report.old_actions)
    assert dict(counts.candidate_actions) == dict(report.new_actions)
    data = counts.to_dict()
    assert data["live"]["ruleset_version"] == mini.version
    assert "proana" not in repr(data)  # no query text is kept


def test_counts_from_many_threads(mini: Engine, candidate: Engine) -> None:
    shadow = ShadowEngine(mini, candidate, batch=5)
    threads = [
        threading.Thread(target=lambda: [shadow.check(q) for q in QUERIES * 20]) for _ in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    single = ShadowEngine(mini, candidate)
    single.check_many(QUERIES * 60)
    assert shadow.counts() == single.counts()


def test_docstring_examples() -> None:
    result = doctest.testmod(_shadow)
    assert result.attempted > 0 and result.failed == 0


def test_prometheus_exposition(mini: Engine, candidate: Engine) -> None:
    prometheus_client = pytest.importorskip(
        "prometheus_client", reason="prometheus_client is in the metrics and server extras"
    )
    registry = prometheus_client.CollectorRegistry()
    shadow = ShadowEngine(mini, candidate)
    metrics.prometheus_collector(shadow=lambda: shadow, registry=registry)
    shadow.check("proana")
    shadow.check("banana bread")
    text = prometheus_client.generate_latest(registry).decode()
    v = candidate.version
    assert f'interventions_shadow_queries_total{{candidate="{v}"}} 2.0' in text
    assert f'interventions_shadow_changed_total{{candidate="{v}"}} 1.0' in text
    assert f'interventions_shadow_changes_total{{candidate="{v}",kind="de_escalated"}} 1.0' in text
