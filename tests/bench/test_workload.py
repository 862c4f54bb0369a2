"""The benchmark harness: the workload is deterministic and the script runs end to end.

No timing assertions: these only prove that ``make bench`` measures what it says.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

pytest.importorskip("wordfreq")

import _workload  # noqa: E402
from interventions import Engine  # noqa: E402


@pytest.fixture(scope="module")
def smoke() -> _workload.Workload:
    return _workload.make_workload(_workload.WorkloadParams.smoke())


def test_the_workload_is_the_same_every_time(smoke: _workload.Workload) -> None:
    again = _workload.make_workload(_workload.WorkloadParams.smoke())
    assert _workload.digest(again) == _workload.digest(smoke)
    assert again.queries == smoke.queries
    assert again.classes == smoke.classes


def test_the_workload_has_its_advertised_shape(smoke: _workload.Workload) -> None:
    params = smoke.params
    assert len(smoke.queries) == params.queries
    for label, n in params.sizes.items():
        terms = [t for r in smoke.rulesets[label].rules for t in r.terms]
        assert len(terms) == max(n, int(smoke.stats["seed_terms"]))
    small, large = (smoke.rulesets[k].rules for k in params.sizes)
    assert large[: len(small) - 1] == small[: len(small) - 1]  # sizes nest
    assert set(smoke.classes) <= set(_workload.CLASSES)
    assert 0.03 < smoke.classes.count("hashtag") / len(smoke.queries) < 0.12
    # 1-5 words for ordinary queries (an obfuscated rule term spelled out letter by letter,
    # "v å l d t ä k t", is legitimately longer)
    ordinary = [q for q, c in zip(smoke.queries, smoke.classes, strict=True) if c == "plain"]
    assert all(1 <= len(q.split()) <= 9 for q in ordinary)


def test_filler_terms_are_normalized_like_the_loader_does(smoke: _workload.Workload) -> None:
    spec = next(s for s in smoke.specs if not s.text.isascii())
    term = _workload.parse_spec(spec)
    assert all(tok.isascii() for tok in term.tokens)


def test_ordinary_queries_rarely_hit_filler(smoke: _workload.Workload) -> None:
    label = list(smoke.params.sizes)[-1]
    engine = Engine(smoke.rulesets[label])
    plain = [q for q, c in zip(smoke.queries, smoke.classes, strict=True) if c == "plain"]
    fired = [
        q for q in plain if any(m.rule_id.startswith("bench.") for m in engine.check(q).matches)
    ]
    assert len(fired) <= 0.01 * len(plain), fired[:10]


def test_the_benchmark_runs_in_smoke_mode() -> None:
    for module in ("ahocorasick", "flashtext", "symspellpy"):
        pytest.importorskip(module)
    proc = subprocess.run(
        [sys.executable, str(BENCHMARKS / "throughput.py"), "--smoke"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for needle in ("queries/s", "pyahocorasick", "flashtext", "symspellpy", "floor", "targets"):
        assert needle in out
    assert "memory child failed" not in out


def test_the_cold_words_profile_runs() -> None:
    """``benchmarks/cold_words.py --smoke``: the per-kind table of new words prints."""
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "cold_words.py"), "--smoke"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "plain, a common word" in done.stdout or "plain, a rarer word" in done.stdout
