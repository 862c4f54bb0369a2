"""What counting decisions costs per query: DecisionCounter and ShadowEngine beside bare checks.

    python benchmarks/metrics_cost.py                 # 200,000 queries a pass, 5 passes
    python benchmarks/metrics_cost.py --queries 20000

Over the shipped rules, warm (every query seen once untimed, as in a running service), single
thread, on two streams: ``sample`` (benchmarks/data/sample_queries.txt, two thirds of which
intervene: each hit is a new Decision to count) and ``benign`` (its queries that get none: the
engine's shared "none" decision). Prints the median CPU ns per query of each loop (the loops
interleaved) and the cost added; the numbers compare loops of one run, not machines.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from interventions import Action, Engine
from interventions._engine import default_rules_path
from interventions.metrics import DecisionCounter
from interventions.shadow import ShadowEngine

DATA = Path(__file__).resolve().parent / "data"


def _time(loops: list[Callable[[list[str]], None]], queries: list[str], passes: int) -> list[float]:
    """Median ns per query of each loop, the loops interleaved pass by pass so that what else
    the machine does falls on all of them alike; CPU time of this thread, not wall time."""
    runs: list[list[float]] = [[] for _ in loops]
    for _ in range(passes):
        for i, loop in enumerate(loops):
            start = time.thread_time()
            loop(queries)
            runs[i].append((time.thread_time() - start) / len(queries) * 1e9)
    return [statistics.median(r) for r in runs]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=200_000, help="queries a pass")
    parser.add_argument("--passes", type=int, default=5)
    args = parser.parse_args(argv)

    live = Engine.default()
    candidate = Engine.from_path(default_rules_path())
    sample = [q for q in (DATA / "sample_queries.txt").read_text("utf-8").splitlines() if q]
    benign = [q for q in sample if live.check(q).action is Action.NONE]
    counter = DecisionCounter()
    shadow = ShadowEngine(live, candidate)

    def bare(qs: list[str]) -> None:
        check = live.check
        for q in qs:
            check(q)

    def counted(qs: list[str]) -> None:
        check, record = live.check, counter.record
        for q in qs:
            record(check(q))

    def shadowed(qs: list[str]) -> None:
        check = shadow.check
        for q in qs:
            check(q)

    print(f"{args.queries:,} queries a pass, median of {args.passes} passes, ns per query")
    print(f"{'stream':8} {'check':>8} {'+counter':>9} {'added':>7} {'shadow':>8} {'added':>7}")
    for name, base in (("sample", sample), ("benign", benign)):
        queries = (base * (args.queries // len(base) + 1))[: args.queries]
        for loop in (bare, counted, shadowed):  # warm: every word seen, every batch path taken
            loop(queries[: len(base) * 2])
        t_bare, t_counted, t_shadow = _time([bare, counted, shadowed], queries, args.passes)
        print(
            f"{name:8} {t_bare:8.0f} {t_counted:9.0f} {t_counted - t_bare:+7.0f} "
            f"{t_shadow:8.0f} {t_shadow - t_bare:+7.0f}"
        )
    counts = counter.snapshot()
    assert counts.total > 0
    print(f"counted {counts.total:,} decisions; shadow: {shadow.counts().changed} changed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
