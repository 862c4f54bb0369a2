"""The whole shipped rule set (every language pack) on the benchmark's query stream.

    python benchmarks/shipped.py            # 200,000 queries, as `make bench`
    python benchmarks/shipped.py --queries 20000

``make bench`` measures synthetic rule sets of 1k/10k/100k terms built on the shared en/pl/sv
rules; this measures the rule set the library ships (18 languages, ~14,000 terms) on the same
stream, warm (the stream run once untimed, as in a running service) and cold (a fresh engine),
next to flashtext over the same words in the same run. Single thread; the numbers are for
comparison within one run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _workload import WorkloadParams, make_workload
from interventions import Engine


def _flashtext(words: list[str]) -> Any:
    try:
        from flashtext import KeywordProcessor
    except ImportError:
        return None
    kp = KeywordProcessor()
    for w in words:
        kp.add_keyword(w)
    return kp


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=200_000)
    args = parser.parse_args(argv)
    queries = make_workload(WorkloadParams(queries=args.queries)).queries
    t = time.perf_counter()
    engine = Engine.default()
    build = time.perf_counter() - t
    rules = engine.ruleset.rules
    terms = sum(len(r.terms) for r in rules)
    print(f"shipped rules: {len(rules)} rules, {terms} terms, built in {build:.2f} s")

    check = engine.check
    t = time.perf_counter()
    for q in queries:
        check(q)
    cold = time.perf_counter() - t
    samples = []
    t = time.perf_counter()
    for q in queries:
        check(q)
    warm = time.perf_counter() - t
    step = max(1, len(queries) // 20_000)
    for q in queries[::step]:
        a = time.perf_counter_ns()
        check(q)
        samples.append((time.perf_counter_ns() - a) / 1000)
    samples.sort()
    p50 = statistics.median(samples)
    p99 = samples[int(len(samples) * 0.99)]
    print(f"engine, first pass (cold memo): {len(queries) / cold:,.0f} queries/s")
    print(f"engine, warm: {len(queries) / warm:,.0f} queries/s; p50 {p50:.1f} us, p99 {p99:.1f} us")

    words = sorted({t.text for r in rules for t in r.terms if t.kind.value == "word"})
    kp = _flashtext(words)
    if kp is not None:
        extract = kp.extract_keywords
        t = time.perf_counter()
        for q in queries:
            extract(q)
        ft = time.perf_counter() - t
        print(f"flashtext ({len(words)} words, exact): {len(queries) / ft:,.0f} queries/s")
        print(f"engine warm / flashtext: {(len(queries) / warm) / (len(queries) / ft):.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
