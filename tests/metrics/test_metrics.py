"""DecisionCounter: exact counts per action, category and rule, from any number of threads."""

from __future__ import annotations

import doctest
import threading
from collections import Counter

import pytest

from interventions import Engine, _metrics, metrics
from interventions.metrics import DecisionCounter

from .conftest import QUERIES


def expected(engine: Engine, queries: list[str]) -> tuple[Counter[str], Counter[str], Counter[str]]:
    actions: Counter[str] = Counter()
    categories: Counter[str] = Counter()
    rules: Counter[str] = Counter()
    for q in queries:
        d = engine.check(q)
        actions[d.action.value] += 1
        if d.category:
            categories[d.category] += 1
        if d.rule_id:
            rules[d.rule_id] += 1
    return actions, categories, rules


@pytest.mark.parametrize("batch", [1, 3, 1024])
def test_counts_match_the_decisions(mini: Engine, batch: int) -> None:
    counter = DecisionCounter(batch=batch)
    for q in QUERIES * 5:
        assert counter.record(mini.check(q)) is not None
    counts = counter.snapshot()
    actions, categories, rules = expected(mini, QUERIES * 5)
    assert counts.total == len(QUERIES) * 5
    assert counts.actions == actions
    assert counts.categories == categories
    assert counts.rules == rules
    # a snapshot reads, it does not drain: the same numbers again
    assert counter.snapshot() == counts


def test_record_many_returns_the_decisions_in_order(mini: Engine) -> None:
    counter = DecisionCounter()
    decisions = counter.record_many(mini.check_many(QUERIES))
    assert [d.action for d in decisions] == [mini.check(q).action for q in QUERIES]
    assert counter.snapshot().total == len(QUERIES)


def test_threads_that_record_and_end_are_all_counted(mini: Engine) -> None:
    counter = DecisionCounter(batch=7)
    per_thread = 200
    barrier = threading.Barrier(4)

    def work() -> None:
        barrier.wait()
        for i in range(per_thread):
            counter.record(mini.check(QUERIES[i % len(QUERIES)]))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    # read while they record: never more than was recorded, never an error
    while any(t.is_alive() for t in threads):
        assert counter.snapshot().total <= 4 * per_thread
    for t in threads:
        t.join()
    first = counter.snapshot()  # folds the ended threads into the retired counts
    second = counter.snapshot()
    assert first == second
    assert first.total == 4 * per_thread
    queries = [QUERIES[i % len(QUERIES)] for i in range(per_thread)] * 4
    assert first.actions == expected(mini, queries)[0]


def test_intent_and_shadow_matches_are_counted(shipped: Engine) -> None:
    counter = DecisionCounter()
    d = counter.record(shipped.check("quitting pro ana"))
    counts = counter.snapshot()
    assert d.intent is not None
    assert counts.support == 1
    assert counts.to_dict()["support"] == 1


def test_a_bad_batch_size_is_refused() -> None:
    with pytest.raises(ValueError, match="batch"):
        DecisionCounter(batch=0)


def test_docstring_examples() -> None:
    result = doctest.testmod(_metrics)
    assert result.attempted > 0 and result.failed == 0


def test_prometheus_exposition(mini: Engine) -> None:
    prometheus_client = pytest.importorskip(
        "prometheus_client", reason="prometheus_client is in the metrics and server extras"
    )
    registry = prometheus_client.CollectorRegistry()
    counter = DecisionCounter()
    metrics.prometheus_collector(counter, registry=registry)
    for q in ["proana", "banana bread", "banana bread"]:
        counter.record(mini.check(q))
    text = prometheus_client.generate_latest(registry).decode()
    assert (
        'interventions_decisions_total{action="block",category="eating_disorder",'
        'intent="",rule="t.block"} 1.0' in text
    )
    assert 'interventions_decisions_total{action="none",category="",intent="",rule=""} 2.0' in text
