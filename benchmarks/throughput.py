"""Throughput, latency, compile/load time and memory of the engine against its peers.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/throughput.py``). Everything runs in
one process, single-threaded and pinned to one CPU where the OS allows, on the workload of
``_workload.py``; peers run in the same passes as the engine, interleaved, so that a noisy
neighbour slows all of them alike. Each figure is the median of several passes; the spread
column says how much the passes disagreed. The engine first runs the whole stream once,
untimed: its word memo is part of its steady state, as it would be in a running service.
Peak memory is measured in a fresh subprocess per size, so that the peers, wordfreq and the
other sizes do not count.

    benchmarks/throughput.py                  # 1k, 10k, 100k terms; 200,000 queries; all streams
    benchmarks/throughput.py --sizes 1k,10k   # some sizes only
    benchmarks/throughput.py --mixed 0        # without the mixed-script stream
    benchmarks/throughput.py --zipf 0 --cold 0           # without issue 11's two streams
    benchmarks/throughput.py --only streams   # issue 11's part only (no size tables, no mixed)
    benchmarks/throughput.py --smoke          # tiny, a few seconds: proves the harness runs

After the sizes, a stream that mixes scripts (``_mixed.py``: Latin, Cyrillic, Arabic,
Devanagari, Hangul, Han/kana, Thai) runs on the 10k rule set, the engine warm (word memo filled
by one untimed pass) and cold (``memo_size=0``), beside the peers, in the same passes.

Then issue 11's part (``--only streams`` runs it alone; the streams are built by
``_streams.py``), every engine there built fresh, with default options, and not warmed:

- first queries after build, at every size: ``Engine(ruleset)``, then each of the ordinary
  stream's first 1,000 queries timed (p50/p99/max; no garbage collection in between);
- benign hit rate, at every size: the share of the ordinary stream's benign queries (classes
  ``plain`` and ``hashtag``) the engine answers with an action, next to the share in which
  flashtext and pyahocorasick find a term (same terms);
- the cold stream (``--cold``, 20,000 queries, most words new) on the 10k rule set: a fresh
  engine per pass against the peers (COLD numbers), then p50/p99/p99.9 on another fresh engine;
- the Zipf stream (``--zipf``, 5,000,000 queries, ~1.3M distinct words: more than the word memo
  holds) on the 10k and 100k rule sets: one fresh engine per size timed over the whole stream
  once (cold start to steady state) and the peers over the same chunks, interleaved;
- their targets, PASS/FAIL.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import inspect
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _mixed import mixed_stream
from _peers import PEER_NAMES, build_peers
from _streams import (
    COLD_SEED,
    ZIPF_SEED,
    Stream,
    StreamParams,
    avoid_filler,
    cold_stream,
    term_surfaces,
    zipf_stream,
)
from _workload import (
    CLASSES,
    QUERY_TERMS_FROM,
    Workload,
    WorkloadParams,
    build_ruleset,
    digest,
    make_workload,
    parse_specs,
    peer_terms,
    read_specs,
    write_snapshot,
    write_specs,
    write_yaml,
)
from interventions import Action, Engine, RuleSet, load_rules

Loop = Callable[[Sequence[str]], int]

LATENCY_SAMPLE = 50_000
NO_MEMO_BUDGET = 4.0
CALIBRATION = 500
ARTEFACT_NA = "n/a (artefact not available)"
CACHE_NA = "n/a (engine has no cache option)"
MEMO_NA = "n/a (engine has no memo option)"

# The targets of issue 5 (cache off, single thread).
TARGET_VS_FLASHTEXT = 1.0
TARGET_VS_AHO = {"10k": 0.35, "100k": 0.6}
TARGET_SCALING = 0.7
TARGET_P99_US = 25.0
TARGET_COMPILE_S = 3.0
TARGET_ARTEFACT_S = 0.5
TARGET_MEMORY_MB = 200.0


# -- measuring -------------------------------------------------------------------------------


@dataclass(slots=True)
class Runner:
    name: str
    loop: Loop | None
    budget: float | None = None
    note: str = ""
    build_seconds: float | None = None
    warm_all: bool = False
    """Run the whole stream once before timing: the engine's word memo is a steady-state thing."""
    n: int = 0
    rates: list[float] = field(default_factory=list)
    hits: int = 0

    @property
    def qps(self) -> float | None:
        return statistics.median(self.rates) if self.rates else None

    @property
    def spread(self) -> float | None:
        if len(self.rates) < 2:
            return None
        return (max(self.rates) - min(self.rates)) / statistics.median(self.rates)


def engine_loop(engine: Engine) -> Loop:
    check = engine.check
    none = Action.NONE

    def loop(queries: Sequence[str]) -> int:
        hits = 0
        for q in queries:
            if check(q).action is not none:
                hits += 1
        return hits

    return loop


def engine_option(names: Sequence[str], value: int) -> dict[str, Any] | None:
    """HOOK(options): the first of ``names`` that ``Engine`` accepts, set to ``value``."""
    params = inspect.signature(Engine).parameters
    for name in names:
        if name in params:
            if isinstance(params[name].default, bool):
                return {name: bool(value)}
            return {name: value}
    return None


def cache_option() -> dict[str, Any] | None:
    """The keyword that turns the engine's decision cache on, if it has one."""
    return engine_option(("cache_size", "decision_cache", "cache"), 65_536)


def memo_off_option() -> dict[str, Any] | None:
    """The keyword that turns the engine's memo of benign words off, if it has one."""
    return engine_option(("memo_size",), 0)


def calibrate(runner: Runner, queries: Sequence[str]) -> None:
    """Warm the runner up and, for a slow peer, choose how much of the stream fits its budget."""
    assert runner.loop is not None
    if runner.warm_all:
        runner.loop(queries if runner.budget is None else queries[: len(queries) // 4])
    head = queries[:CALIBRATION]
    t0 = time.perf_counter()
    runner.loop(head)
    per_query = (time.perf_counter() - t0) / max(1, len(head))
    runner.n = len(queries)
    if runner.budget is not None and per_query * len(queries) > runner.budget:
        runner.n = max(len(head), int(runner.budget / per_query))


def measure(runners: list[Runner], queries: Sequence[str], passes: int) -> None:
    live = [r for r in runners if r.loop is not None]
    for r in live:
        calibrate(r, queries)
    for _ in range(passes):
        for r in live:
            assert r.loop is not None
            part = queries[: r.n]
            gc.collect()
            t0 = time.perf_counter()
            r.hits = r.loop(part)
            r.rates.append(len(part) / (time.perf_counter() - t0))


def latency(engine: Engine, queries: Sequence[str], *, collect: bool = True) -> array[int]:
    """Nanoseconds of each ``check`` over a contiguous run of the stream (repeats included).

    ``collect=False``: no garbage collection first (a collection owed by the build stays with
    the first queries, as in a service)."""
    check = engine.check
    clock = time.perf_counter_ns
    out = array("q")
    if collect:
        gc.collect()
    for q in queries:
        t0 = clock()
        check(q)
        out.append(clock() - t0)
    return out


def decide_all(
    engine: Engine, queries: Sequence[str], classes: Sequence[str]
) -> tuple[dict[str, tuple[int, int]], str]:
    """Untimed: how many queries of each class get a decision, and a digest of all decisions."""
    h = hashlib.sha256()
    counts: dict[str, list[int]] = {}
    for q, cls in zip(queries, classes, strict=True):
        d = engine.check(q)
        h.update(f"{d.action.value} {d.rule_id}\n".encode())
        c = counts.setdefault(cls, [0, 0])
        c[0] += d.action is not Action.NONE
        c[1] += 1
    return {cls: (c[0], c[1]) for cls, c in sorted(counts.items())}, h.hexdigest()[:16]


def percentile(sorted_values: Sequence[int], p: float) -> float:
    k = min(len(sorted_values) - 1, max(0, round(p / 100 * (len(sorted_values) - 1))))
    return float(sorted_values[k])


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median seconds of ``repeat`` calls and the last result."""
    times = []
    result = None
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def artefact_load(ruleset: RuleSet, folder: Path) -> tuple[float | None, str]:
    """HOOK(artefact): seconds from a compiled artefact file to an engine ready to serve.

    Uses ``Engine.load(path)`` when it exists; otherwise ``_artifact.read_artifact(path)`` and,
    when that returns a RuleSet, ``Engine(ruleset)`` on top (both parts are reported).
    """
    try:
        from interventions import _artifact
    except ImportError:
        return None, ARTEFACT_NA
    write = getattr(_artifact, "write_artifact", None)
    read = getattr(_artifact, "read_artifact", None)
    if write is None or read is None:
        return None, ARTEFACT_NA
    path = folder / "rules.artefact"
    try:
        write(ruleset, path)
        size = f"{path.stat().st_size / 1e6:.1f} MB file"
        load = getattr(Engine, "load", None)
        if load is not None:
            seconds, _ = timed(lambda: load(path), 3)
            return seconds, f"Engine.load ({size})"
        read_s, loaded = timed(lambda: read(path), 3)
        if isinstance(loaded, Engine):
            return read_s, f"read_artifact ({size})"
        if isinstance(loaded, RuleSet):
            compile_s, _ = timed(lambda: Engine(loaded), 1)
            return read_s + compile_s, (
                f"read_artifact {read_s:.3f} s + Engine(ruleset) {compile_s:.3f} s ({size})"
            )
        return None, f"n/a (read_artifact returned {type(loaded).__name__})"
    except Exception as exc:  # a hook: report, never crash the benchmark
        return None, f"n/a (artefact hook failed: {type(exc).__name__}: {exc})"


def memory_child(args: argparse.Namespace) -> None:
    """In a fresh process: peak RSS after imports, the RuleSet, the Engine and 2k checks."""

    def peak_mb() -> float:
        # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forked parent across exec.
        try:
            for line in Path("/proc/self/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    out = {"imports": peak_mb()}
    seed = load_rules(Path(args.seed_dir))  # not load_seed: its copy of the files is the harness's
    need = max(0, args.terms - sum(len(r.terms) for r in seed.rules))
    filler = parse_specs(read_specs(Path(args.specs))[:need])
    ruleset = build_ruleset(seed, filler, args.terms, "memory")
    del filler
    gc.collect()
    out["ruleset"] = peak_mb()
    engine = Engine(ruleset)
    out["engine"] = peak_mb()
    for q in json.loads(Path(args.queries_file).read_text(encoding="utf-8")):
        engine.check(q)
    out["checks"] = peak_mb()
    print(json.dumps(out))


def peak_memory(
    label: str, terms: int, specs: Path, queries: Path, seed_dir: Path
) -> dict[str, float] | str:
    cmd = [
        sys.executable,
        __file__,
        "--memory-child",
        label,
        "--specs",
        str(specs),
        "--terms",
        str(terms),
        "--queries-file",
        str(queries),
        "--seed-dir",
        str(seed_dir),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
    if proc.returncode != 0:
        return f"n/a (memory child failed: {proc.stderr.strip().splitlines()[-1:]})"
    result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


# -- reporting -------------------------------------------------------------------------------


@dataclass(slots=True)
class SizeResult:
    label: str
    terms: int
    kinds: str
    runners: dict[str, Runner]
    compile_s: float
    ruleset_s: float
    yaml_s: float | None
    artefact_s: float | None
    artefact_note: str
    p50_us: float
    p99_us: float
    p999_us: float
    max_us: float
    latency_n: int
    cold_p50_us: float | None
    cold_p99_us: float | None
    memory: dict[str, float] | str
    by_class: dict[str, tuple[int, int]]
    decisions: str


def fmt_qps(x: float | None) -> str:
    if x is None:
        return "n/a"
    if x >= 1e6:
        return f"{x / 1e6:.2f}M"
    return f"{x / 1e3:.0f}k"


def fmt_ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "n/a"
    return f"{a / b:.2f}x"


def print_size(res: SizeResult) -> None:
    print(f"\n== {res.label} terms: {res.terms:,} ({res.kinds}) ==")
    engine = res.runners["engine"].qps
    print(
        f"{'runner':<16}{'queries/s':>11}{'engine/peer':>13}{'us/query':>10}"
        f"{'best':>8}{'spread':>8}{'queries':>9}{'hits':>8}{'build s':>9}  what"
    )
    for r in res.runners.values():
        qps = r.qps
        us = f"{1e6 / qps:.2f}" if qps else "n/a"
        spread = f"{r.spread:.0%}" if r.spread is not None else "-"
        best = fmt_qps(max(r.rates)) if r.rates else "n/a"
        ratio = "" if r.name == "engine" else fmt_ratio(engine, qps)
        build = f"{r.build_seconds:.2f}" if r.build_seconds is not None else "-"
        n = f"{r.n:,}" if r.loop is not None else "-"
        hits = f"{r.hits:,}" if r.loop is not None else "-"
        print(
            f"{r.name:<16}{fmt_qps(qps):>11}{ratio:>13}{us:>10}{best:>8}{spread:>8}{n:>9}{hits:>8}"
            f"{build:>9}  {r.note}"
        )
    print(
        f"engine latency per check (n={res.latency_n:,}, cache off): p50 {res.p50_us:.1f} us, "
        f"p99 {res.p99_us:.1f} us, p99.9 {res.p999_us:.1f} us, max {res.max_us:.0f} us"
    )
    if res.cold_p50_us is not None and res.cold_p99_us is not None:
        print(
            f"engine latency with the word memo off: p50 {res.cold_p50_us:.1f} us, "
            f"p99 {res.cold_p99_us:.1f} us"
        )
    shares = ", ".join(
        f"{c} {hit / max(1, n):.2%} of {n:,}" for c, (hit, n) in res.by_class.items()
    )
    print(f"engine decisions other than none: {shares}")
    print(f"decisions digest {res.decisions} (same workload + same digest = same behaviour)")
    yaml = f"{res.yaml_s:.2f} s" if res.yaml_s is not None else "n/a"
    print(
        f"RuleSet -> Engine (compile): {res.compile_s:.3f} s | YAML files -> RuleSet "
        f"(load_rules): {yaml} | filler terms -> RuleSet (in memory): {res.ruleset_s:.2f} s"
    )
    art = f"{res.artefact_s:.3f} s: {res.artefact_note}" if res.artefact_s else res.artefact_note
    print(f"load compiled artefact: {art}")
    if isinstance(res.memory, str):
        print(f"peak memory: {res.memory}")
    else:
        m = res.memory
        print(
            f"peak memory (RSS of a fresh process): {m['checks']:.0f} MB "
            f"(after imports {m['imports']:.0f}, RuleSet built {m['ruleset']:.0f}, "
            f"Engine compiled {m['engine']:.0f}, 2k checks {m['checks']:.0f})"
        )


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")


def print_targets(results: dict[str, SizeResult]) -> None:
    print("\n== summary (cache off, single thread, pinned) ==")
    labels = list(results)
    head = f"{'':<34}" + "".join(f"{label:>12}" for label in labels)
    print(head)
    rows: list[tuple[str, Callable[[SizeResult], str]]] = [
        ("engine queries/s", lambda r: fmt_qps(r.runners["engine"].qps)),
        ("engine + cache queries/s", lambda r: fmt_qps(r.runners["engine+cache"].qps)),
        ("engine, memo off queries/s", lambda r: fmt_qps(r.runners["engine no memo"].qps)),
    ]

    def peer_cell(name: str) -> Callable[[SizeResult], str]:
        return lambda r: fmt_qps(r.runners[name].qps)

    rows += [(f"{name} queries/s", peer_cell(name)) for name in PEER_NAMES]
    rows += [
        ("engine p50 / p99 us", lambda r: f"{r.p50_us:.1f}/{r.p99_us:.1f}"),
        ("compile s", lambda r: f"{r.compile_s:.2f}"),
        ("load artefact s", lambda r: f"{r.artefact_s:.3f}" if r.artefact_s else "n/a"),
        (
            "peak memory MB",
            lambda r: f"{r.memory['checks']:.0f}" if isinstance(r.memory, dict) else "n/a",
        ),
    ]
    for name, cell in rows:
        print(f"{name:<34}" + "".join(f"{cell(results[label]):>12}" for label in labels))

    def qps(label: str, runner: str) -> float | None:
        res = results.get(label)
        return res.runners[runner].qps if res else None

    print("\n== targets (issue 5) ==")
    lines: list[tuple[str, str, bool | None]] = []
    for label in labels:
        e, f = qps(label, "engine"), qps(label, "flashtext")
        ok = None if e is None or f is None else e >= TARGET_VS_FLASHTEXT * f
        lines.append((f"{label}: engine >= flashtext", fmt_ratio(e, f), ok))
    for label, need in TARGET_VS_AHO.items():
        e, a = qps(label, "engine"), qps(label, "pyahocorasick")
        ok = None if e is None or a is None else e >= need * a
        lines.append((f"{label}: engine >= {need}x pyahocorasick", fmt_ratio(e, a), ok))
    e1, e100 = qps("1k", "engine"), qps("100k", "engine")
    ok = None if e1 is None or e100 is None else e100 >= TARGET_SCALING * e1
    lines.append((f"100k >= {TARGET_SCALING}x own 1k throughput", fmt_ratio(e100, e1), ok))
    r10 = results.get("10k")
    lines.append(
        (
            f"10k: p99 <= {TARGET_P99_US:.0f} us",
            f"{r10.p99_us:.1f} us" if r10 else "n/a",
            None if r10 is None else r10.p99_us <= TARGET_P99_US,
        )
    )
    r100 = results.get("100k")
    lines.append(
        (
            f"100k: compile <= {TARGET_COMPILE_S:.0f} s",
            f"{r100.compile_s:.2f} s" if r100 else "n/a",
            None if r100 is None else r100.compile_s <= TARGET_COMPILE_S,
        )
    )
    art = r100.artefact_s if r100 else None
    lines.append(
        (
            f"100k: load artefact <= {TARGET_ARTEFACT_S} s",
            f"{art:.3f} s" if art else "n/a",
            None if art is None else art <= TARGET_ARTEFACT_S,
        )
    )
    mem = r100.memory["checks"] if r100 and isinstance(r100.memory, dict) else None
    lines.append(
        (
            f"100k: peak memory <= {TARGET_MEMORY_MB:.0f} MB",
            f"{mem:.0f} MB" if mem else "n/a",
            None if mem is None else mem <= TARGET_MEMORY_MB,
        )
    )
    for name, value, ok in lines:
        print(f"{name:<38}{value:>12}  {verdict(ok)}")


# -- the run ---------------------------------------------------------------------------------


def pin() -> str:
    try:
        cpus = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpus[-1]})
        return f"pinned to CPU {cpus[-1]} (of {len(cpus)})"
    except (AttributeError, OSError) as exc:
        return f"not pinned ({exc})"


def machine() -> str:
    model = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{model}, {os.cpu_count()} CPUs, Python {platform.python_version()} "
        f"({platform.python_implementation()}), {platform.system()} {platform.release()}"
    )


def loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def kinds(ruleset: RuleSet) -> str:
    counts: dict[str, int] = {}
    for rule in ruleset.rules:
        for term in rule.terms:
            key = "fuzzy" if term.fuzzy else term.kind.value
            counts[key] = counts.get(key, 0) + 1
    return ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))


def run_size(label: str, wl: Workload, *, passes: int, tmp: Path, queries_file: Path) -> SizeResult:
    """Everything for one size. The workload and the other sizes' objects are the harness's:
    they are frozen out of the collector so that compile and load times are the engine's own
    (at 100k terms, full collections over a big live heap would otherwise add seconds)."""
    gc.collect()
    gc.freeze()
    try:
        return _run_size(label, wl, passes=passes, tmp=tmp, queries_file=queries_file)
    finally:
        gc.unfreeze()


def _run_size(
    label: str, wl: Workload, *, passes: int, tmp: Path, queries_file: Path
) -> SizeResult:
    ruleset = wl.rulesets[label]
    terms = sum(len(r.terms) for r in ruleset.rules)
    seed_terms = int(wl.stats["seed_terms"])
    ruleset_s, _ = timed(
        lambda: build_ruleset(
            wl.seed_rules, parse_specs(wl.specs[: max(0, terms - seed_terms)]), terms, label
        ),
        1,
    )
    first, engine = timed(lambda: Engine(ruleset), 1)
    compile_s = first if first > 2.0 else timed(lambda: Engine(ruleset), 3)[0]
    assert isinstance(engine, Engine)

    yaml_dir = tmp / f"yaml-{label}"
    write_yaml(ruleset, wl, yaml_dir)
    yaml_s, loaded = timed(lambda: load_rules(yaml_dir), 1)
    if sum(len(r.terms) for r in loaded.rules) != terms:
        raise RuntimeError(f"{label}: the YAML written for load_rules lost terms")
    del loaded
    shutil.rmtree(yaml_dir)
    artefact_s, artefact_note = artefact_load(ruleset, tmp)

    runners: dict[str, Runner] = {"engine": Runner("engine", engine_loop(engine), warm_all=True)}
    runners["engine"].note = "Engine(ruleset).check(q), decision cache off"
    option = cache_option()
    if option is None:
        runners["engine+cache"] = Runner("engine+cache", None, note=CACHE_NA)
    else:
        cached = Engine(ruleset, **option)
        runners["engine+cache"] = Runner(
            "engine+cache", engine_loop(cached), note=f"Engine(ruleset, {option})", warm_all=True
        )
    nomemo: Engine | None = None
    option = memo_off_option()
    if option is None:
        runners["engine no memo"] = Runner("engine no memo", None, note=MEMO_NA)
    else:
        nomemo = Engine(ruleset, **option)
        runners["engine no memo"] = Runner(
            "engine no memo",
            engine_loop(nomemo),
            note=f"Engine(ruleset, {option}): every word cold",
        )
    for peer in build_peers(peer_terms(ruleset)):
        runners[peer.name] = Runner(
            peer.name, peer.loop, peer.budget, peer.note, peer.build_seconds
        )
    runners["engine"].build_seconds = compile_s

    gc.collect()
    gc.freeze()  # the rule sets and indexes are long-lived: keep full collections off them
    measure(list(runners.values()), wl.queries, passes)
    lat = sorted(latency(engine, wl.queries[:LATENCY_SAMPLE]))
    cold = sorted(latency(nomemo, wl.queries[:LATENCY_SAMPLE])) if nomemo else None
    # only the filler this size needs, so that reading it does not set the peak
    size_specs = tmp / f"specs-{label}.json"
    write_specs(wl.specs[: max(0, terms - seed_terms)], size_specs)
    memory = peak_memory(label, terms, size_specs, queries_file, tmp / "seed")
    by_class, decisions = decide_all(engine, wl.queries, wl.classes)
    return SizeResult(
        label=label,
        terms=terms,
        kinds=kinds(ruleset),
        runners=runners,
        compile_s=compile_s,
        ruleset_s=ruleset_s,
        yaml_s=yaml_s,
        artefact_s=artefact_s,
        artefact_note=artefact_note,
        p50_us=percentile(lat, 50) / 1e3,
        p99_us=percentile(lat, 99) / 1e3,
        p999_us=percentile(lat, 99.9) / 1e3,
        max_us=lat[-1] / 1e3,
        latency_n=len(lat),
        cold_p50_us=percentile(cold, 50) / 1e3 if cold else None,
        cold_p99_us=percentile(cold, 99) / 1e3 if cold else None,
        memory=memory,
        by_class=by_class,
        decisions=decisions,
    )


MIXED_QUERIES = 20_000
MIXED_COLD_BUDGET = 2.0
MIXED_PEERS = ("pyahocorasick", "flashtext", "floor")
PER_SCRIPT_COLD = 2_000


def run_mixed(wl: Workload, label: str, n: int, passes: int) -> None:
    """The mixed-script stream on the ``label`` rule set: engine warm and cold, and the peers
    that keep up, interleaved in the same passes; then the engine per script."""
    ruleset = wl.rulesets[label]
    first_terms = [t for r in ruleset.rules for t in r.terms][:QUERY_TERMS_FROM]
    stream = mixed_stream(n, first_terms)
    queries = stream.queries
    shares: dict[str, int] = {}
    for script in stream.scripts:
        shares[script] = shares.get(script, 0) + 1
    ascii_share = sum(q.isascii() for q in queries) / max(1, len(queries))
    print(f"\n== mixed scripts: {len(queries):,} queries on the {label} rule set ==")
    print(
        "scripts: "
        + ", ".join(f"{k} {v / len(queries):.0%}" for k, v in shares.items())
        + f"; {ascii_share:.0%} ASCII, {len(set(queries)) / len(queries):.0%} distinct"
    )
    for note in stream.missing:
        print(f"left out: {note}")
    warm = Engine(ruleset)
    option = memo_off_option() or {}
    cold = Engine(ruleset, **option)
    runners = [
        Runner(
            "engine WARM",
            engine_loop(warm),
            note="word memo filled by one untimed pass over the stream",
            warm_all=True,
        ),
        Runner(
            "engine COLD",
            engine_loop(cold),
            MIXED_COLD_BUDGET,
            note=f"Engine(ruleset, {option}): every query normalized and matched in full",
        ),
    ]
    for peer in build_peers(peer_terms(ruleset), only=MIXED_PEERS):
        runners.append(Runner(peer.name, peer.loop, peer.budget, peer.note, peer.build_seconds))
    gc.collect()
    measure(runners, queries, passes)
    w, c = runners[0].qps, runners[1].qps
    print(
        f"{'runner':<16}{'queries/s':>11}{'warm/peer':>11}{'cold/peer':>11}{'us/query':>10}"
        f"{'spread':>8}{'queries':>9}{'hits':>8}  what"
    )
    for r in runners:
        qps = r.qps
        is_peer = not r.name.startswith("engine")
        us = f"{1e6 / qps:.2f}" if qps else "n/a"
        spread = f"{r.spread:.0%}" if r.spread is not None else "-"
        print(
            f"{r.name:<16}{fmt_qps(qps):>11}{fmt_ratio(w, qps) if is_peer else '':>11}"
            f"{fmt_ratio(c, qps) if is_peer else '':>11}{us:>10}{spread:>8}{r.n:>9,}{r.hits:>8,}"
            f"  {r.note}"
        )
    # per script: the warm engine on each script's queries, the cold one on a prefix of them
    print("engine per script (queries/s): WARM = memo warm, COLD = memo off")
    check_warm, check_cold = warm.check, cold.check
    for script in shares:
        part = [q for q, s in zip(queries, stream.scripts, strict=True) if s == script]
        gc.collect()
        t0 = time.perf_counter()
        for q in part:
            check_warm(q)
        warm_qps = len(part) / (time.perf_counter() - t0)
        head = part[:PER_SCRIPT_COLD]
        t0 = time.perf_counter()
        for q in head:
            check_cold(q)
        cold_qps = len(head) / (time.perf_counter() - t0)
        print(
            f"  {script:<12} WARM {fmt_qps(warm_qps):>7}   COLD {fmt_qps(cold_qps):>6}"
            f"   ({len(part):,} queries)"
        )


# -- issue 11: first queries, benign hit rates, the Zipf and the cold streams ---------------

# The targets of issue 11 (same run, single thread, default engine options).
TARGET_ZIPF_VS_FLASHTEXT = 1.0
TARGET_COLD_VS_FLASHTEXT = 0.3
TARGET_COLD_P99_US = 100.0
TARGET_BENIGN_VS_EXACT = 1.2
BENIGN_PEER = "pyahocorasick"
"""The exact peer the engine's benign hit rate is held against: like the engine it matches
prefix terms as prefixes (flashtext matches their stems as whole words only)."""

ZIPF_SIZES = ("10k", "100k")
COLD_SIZE = "10k"
STREAM_PEERS = ("flashtext", "pyahocorasick", "floor")
EXACT_PEERS = ("flashtext", "pyahocorasick")
STREAM_CHUNK = 100_000
FIRST_QUERIES = 1_000
BENIGN = tuple(c for c in CLASSES if not c.startswith("rule"))


@dataclass(slots=True)
class StreamRunner:
    """A runner of a stream: ``make`` is called before each pass, untimed, and returns the loop
    (a fresh engine for the engine, the same loop for a peer)."""

    name: str
    label: str
    make: Callable[[], Loop]
    note: str = ""
    rates: list[float] = field(default_factory=list)
    late_rates: list[float] = field(default_factory=list)
    """Queries/s over the second half of the stream."""
    hits: int = 0

    @property
    def qps(self) -> float | None:
        return statistics.median(self.rates) if self.rates else None

    @property
    def late_qps(self) -> float | None:
        return statistics.median(self.late_rates) if self.late_rates else None

    @property
    def spread(self) -> float | None:
        if len(self.rates) < 2:
            return None
        return (max(self.rates) - min(self.rates)) / statistics.median(self.rates)


def measure_fresh(
    runners: Sequence[StreamRunner], queries: Sequence[str], passes: int, chunk: int
) -> None:
    """Each pass: every runner's loop made anew, then the stream in chunks, each chunk run by
    every runner in turn (interleaved, so that a noisy neighbour slows all alike)."""
    late_from = -(-(len(queries) // 2) // chunk) * chunk
    late_n = len(queries) - late_from
    for _ in range(passes):
        loops = [r.make() for r in runners]
        gc.collect()
        gc.freeze()  # indexes are long-lived: keep full collections off them, as in _run_size
        spent = [0.0] * len(runners)
        late = [0.0] * len(runners)
        hits = [0] * len(runners)
        try:
            for start in range(0, len(queries), chunk):
                part = queries[start : start + chunk]
                for i, loop in enumerate(loops):
                    t0 = time.perf_counter()
                    hits[i] += loop(part)
                    seconds = time.perf_counter() - t0
                    spent[i] += seconds
                    if start >= late_from:
                        late[i] += seconds
        finally:
            del loops
            gc.unfreeze()
        for r, total, tail, h in zip(runners, spent, late, hits, strict=True):
            r.rates.append(len(queries) / total)
            if late_n and tail:
                r.late_rates.append(late_n / tail)
            r.hits = h


def fresh_engine(ruleset: RuleSet) -> Callable[[], Loop]:
    return lambda: engine_loop(Engine(ruleset))


def stream_chunk(stream: Stream) -> int:
    """Chunks of the stream that runners take turns on: at most ``STREAM_CHUNK``, at least 20."""
    return max(1, min(STREAM_CHUNK, len(stream.queries) // 20))


def same(loop: Loop) -> Callable[[], Loop]:
    return lambda: loop


def stream_runners(wl: Workload, label: str) -> list[StreamRunner]:
    ruleset = wl.rulesets[label]
    runners = [
        StreamRunner(
            "engine",
            label,
            fresh_engine(ruleset),
            "Engine(ruleset), default options, built fresh: memo empty at the first query",
        )
    ]
    for peer in build_peers(peer_terms(ruleset), only=STREAM_PEERS):
        runners.append(StreamRunner(peer.name, label, same(peer.loop), peer.note))
    return runners


def print_stream_table(runners: Sequence[StreamRunner]) -> None:
    engines = {r.label: r.qps for r in runners if r.name == "engine"}
    print(
        f"{'runner':<20}{'queries/s':>11}{'engine/peer':>13}{'us/query':>10}"
        f"{'2nd half':>10}{'spread':>8}{'hits':>10}  what"
    )
    for r in runners:
        qps = r.qps
        us = f"{1e6 / qps:.2f}" if qps else "n/a"
        ratio = "" if r.name == "engine" else fmt_ratio(engines.get(r.label), qps)
        spread = f"{r.spread:.0%}" if r.spread is not None else "-"
        print(
            f"{r.label + ' ' + r.name:<20}{fmt_qps(qps):>11}{ratio:>13}{us:>10}"
            f"{fmt_qps(r.late_qps):>10}{spread:>8}{r.hits:>10,}  {r.note}"
        )


def memo_words() -> int | None:
    """HOOK(memo): how many words the engine's word memo holds at most, if it says."""
    from interventions import _engine

    size = getattr(_engine, "MEMO_SIZE", None)
    return size if isinstance(size, int) else None


def memo_replay(queries: Sequence[str]) -> str:
    """HOOK(memo): the engine's word memo policy replayed alone over the stream's words, with
    the default bounds (as ``real_log.py --only memo-sim``): how many words it computes, against
    the distinct words (the misses no memo avoids). Untimed; a hook, it never fails the run."""
    try:
        from interventions._engine import MEMO_BYTES, MEMO_SIZE
        from interventions._memo import Memo, entry_bytes

        memo: Memo[str, bool] = Memo(MEMO_SIZE, MEMO_BYTES, lambda k, v: entry_bytes(k))
        get, put = memo.get, memo.put
        misses = 0
        seen: set[str] = set()
        for q in queries:
            for w in q.split():
                if get(w) is None:
                    misses += 1
                    put(w, True)
                    seen.add(w)
    except Exception as exc:  # a hook: report, never crash the benchmark
        return f"n/a ({type(exc).__name__}: {exc})"
    return (
        f"{misses:,} words computed with the default bounds, against {len(seen):,} distinct: "
        f"{misses / max(1, len(seen)):.2f}x the misses no memo avoids"
    )


def describe(stream: Stream, seed: int) -> str:
    n = len(stream.queries)
    memo = memo_words()
    versus = f" (the word memo holds at most {memo:,} words)" if memo else ""
    return (
        f"stream {stream.digest} (seed {seed}), built in {stream.seconds:.1f} s: {n:,} queries, "
        f"{stream.words:,} words ({stream.words / max(1, n):.2f} a query), "
        f"{stream.distinct:,} distinct{versus}; {stream.generated / max(1, stream.words):.0%} "
        "of words generated (typos, @handles, #hashtags, numbers, product codes)"
        + (f"; {stream.rule_queries:,} queries with a rule term" if stream.rule_queries else "")
    )


@dataclass(slots=True)
class FirstQueries:
    label: str
    build_s: float
    p50_us: float
    p99_us: float
    max_us: float
    mean_us: float
    n: int


@dataclass(slots=True)
class BenignRate:
    label: str
    n: int
    engine: int
    peers: dict[str, int]

    def rate(self, name: str = "engine") -> float:
        hits = self.engine if name == "engine" else self.peers[name]
        return hits / max(1, self.n)


def first_and_benign(wl: Workload, label: str) -> tuple[FirstQueries, BenignRate]:
    """A fresh engine: each of the ordinary stream's first queries timed right after the build
    (no collection in between); then, on the same engine, the benign queries of the stream
    answered with an action, against the queries in which each exact peer finds a term."""
    ruleset = wl.rulesets[label]
    gc.collect()
    gc.freeze()  # the harness's objects, as in run_size
    try:
        t0 = time.perf_counter()
        engine = Engine(ruleset)
        build_s = time.perf_counter() - t0
        lat = sorted(latency(engine, wl.queries[:FIRST_QUERIES], collect=False))
        first = FirstQueries(
            label,
            build_s,
            percentile(lat, 50) / 1e3,
            percentile(lat, 99) / 1e3,
            lat[-1] / 1e3,
            statistics.fmean(lat) / 1e3,
            len(lat),
        )
        benign = [q for q, c in zip(wl.queries, wl.classes, strict=True) if c in BENIGN]
        check = engine.check
        none = Action.NONE
        hits = sum(1 for q in benign if check(q).action is not none)
        peers = {
            p.name: sum(1 for q in benign if p.loop((q,)) > 0)
            for p in build_peers(peer_terms(ruleset), only=EXACT_PEERS)
        }
    finally:
        gc.unfreeze()
    return first, BenignRate(label, len(benign), hits, peers)


def print_first_and_benign(firsts: Sequence[FirstQueries], rates: Sequence[BenignRate]) -> None:
    print(
        f"\n== first queries after build: Engine(ruleset), then each of the ordinary stream's "
        f"first {FIRST_QUERIES:,} queries timed (cold memo) =="
    )
    print(f"{'size':<8}{'build s':>9}{'p50 us':>9}{'p99 us':>9}{'max us':>9}{'mean us':>9}")
    for f in firsts:
        print(
            f"{f.label:<8}{f.build_s:>9.2f}{f.p50_us:>9.1f}{f.p99_us:>9.1f}{f.max_us:>9.0f}"
            f"{f.mean_us:>9.1f}"
        )
    if not rates:
        return
    print(
        f"\n== benign hit rate: {' and '.join(BENIGN)} queries of the ordinary stream "
        f"({rates[0].n:,}) that get an action / in which an exact peer finds a term =="
    )
    print(f"{'size':<8}{'engine':>10}" + "".join(f"{p:>15}" for p in EXACT_PEERS) + "  engine/peer")
    for r in rates:
        ratios = ", ".join(
            f"{fmt_ratio(r.rate(), r.rate(p))} {p}" for p in EXACT_PEERS if p in r.peers
        )
        print(
            f"{r.label:<8}{r.rate():>10.2%}"
            + "".join(f"{r.rate(p) if p in r.peers else float('nan'):>15.2%}" for p in EXACT_PEERS)
            + f"  {ratios}"
        )


def run_zipf(wl: Workload, labels: Sequence[str], stream: Stream, seed: int) -> list[StreamRunner]:
    """The Zipf stream on the ``labels`` rule sets: per size a fresh engine and the peers, all in
    one pass over the stream, chunk by chunk."""
    print(f"\n== Zipf stream on the {' and '.join(labels)} rule sets ==")
    print(describe(stream, seed))
    replay = memo_replay(stream.queries)
    print(f"word memo policy replayed alone (as real_log.py --only memo-sim): {replay}")
    print(
        "COLD START TO STEADY STATE: each engine is built fresh (empty word memo) and timed over "
        "the whole stream, once; the peers run the same chunks of "
        f"{stream_chunk(stream):,} queries, interleaved with the engines; "
        "'2nd half' is queries/s over the second half"
    )
    sys.stdout.flush()
    runners = [r for label in labels for r in stream_runners(wl, label)]
    measure_fresh(runners, stream.queries, 1, stream_chunk(stream))
    print_stream_table(runners)
    return runners


@dataclass(slots=True)
class ColdResult:
    label: str
    runners: list[StreamRunner]
    p50_us: float
    p99_us: float
    p999_us: float
    max_us: float


def run_cold(wl: Workload, label: str, stream: Stream, seed: int, passes: int) -> ColdResult:
    """The cold stream on the ``label`` rule set: per pass a fresh engine (COLD: every word new
    to it) and the peers over the whole stream; then latency on another fresh engine."""
    print(f"\n== cold stream (most words new) on the {label} rule set ==")
    print(describe(stream, seed))
    print(
        f"COLD: each pass ({passes}) builds a fresh engine (empty word memo, default options) and "
        "times it over the stream once; the peers run the same stream in each pass"
    )
    runners = stream_runners(wl, label)
    measure_fresh(runners, stream.queries, passes, len(stream.queries))
    print_stream_table(runners)
    engine = Engine(wl.rulesets[label])
    gc.collect()
    gc.freeze()
    try:
        lat = sorted(latency(engine, stream.queries))
    finally:
        gc.unfreeze()
    res = ColdResult(
        label,
        runners,
        percentile(lat, 50) / 1e3,
        percentile(lat, 99) / 1e3,
        percentile(lat, 99.9) / 1e3,
        lat[-1] / 1e3,
    )
    print(
        f"engine latency per check on a second fresh engine (n={len(lat):,}, COLD): "
        f"p50 {res.p50_us:.1f} us, p99 {res.p99_us:.1f} us, p99.9 {res.p999_us:.1f} us, "
        f"max {res.max_us:.0f} us"
    )
    return res


def print_stream_targets(
    zipf: Sequence[StreamRunner], cold: ColdResult | None, rates: Sequence[BenignRate]
) -> None:
    print("\n== targets (issue 11) ==")
    lines: list[tuple[str, str, bool | None]] = []

    def qps(runners: Sequence[StreamRunner], label: str, name: str) -> float | None:
        return next((r.qps for r in runners if r.label == label and r.name == name), None)

    labels = list(dict.fromkeys(r.label for r in zipf)) or list(ZIPF_SIZES)
    for label in labels:
        e, f = qps(zipf, label, "engine"), qps(zipf, label, "flashtext")
        ok = None if e is None or f is None else e >= TARGET_ZIPF_VS_FLASHTEXT * f
        name = f"{label} Zipf: engine >= {TARGET_ZIPF_VS_FLASHTEXT}x flashtext"
        lines.append((name, fmt_ratio(e, f), ok))
    label = cold.label if cold else COLD_SIZE
    e = f = None
    if cold:
        e, f = qps(cold.runners, label, "engine"), qps(cold.runners, label, "flashtext")
    ok = None if e is None or f is None else e >= TARGET_COLD_VS_FLASHTEXT * f
    lines.append(
        (f"{label} cold: engine >= {TARGET_COLD_VS_FLASHTEXT}x flashtext", fmt_ratio(e, f), ok)
    )
    lines.append(
        (
            f"{label} cold: p99 <= {TARGET_COLD_P99_US:.0f} us",
            f"{cold.p99_us:.1f} us" if cold else "n/a",
            None if cold is None else cold.p99_us <= TARGET_COLD_P99_US,
        )
    )
    big = next((r for r in rates if r.label == "100k"), None)
    value, ok = "n/a", None
    if big and BENIGN_PEER in big.peers:
        value = fmt_ratio(big.rate(), big.rate(BENIGN_PEER))
        ok = big.rate() <= TARGET_BENIGN_VS_EXACT * big.rate(BENIGN_PEER)
    lines.append((f"100k: benign hits <= {TARGET_BENIGN_VS_EXACT}x {BENIGN_PEER}", value, ok))
    for name, value, ok in lines:
        print(f"{name:<38}{value:>12}  {verdict(ok)}")


def run_streams(wl: Workload, sp: StreamParams, *, zipf: int, cold: int, passes: int) -> None:
    """Issue 11's measurements: first queries and benign hit rates at every size, the cold
    stream, the Zipf stream, and their targets."""
    labels = list(wl.params.sizes)
    firsts: list[FirstQueries] = []
    rates: list[BenignRate] = []
    for label in labels:
        first, rate = first_and_benign(wl, label)
        firsts.append(first)
        rates.append(rate)
    print_first_and_benign(firsts, rates)
    sys.stdout.flush()
    # the streams leave out the filler words of the largest rule set (see _streams.Avoid)
    largest = max(wl.rulesets.values(), key=lambda rs: sum(len(r.terms) for r in rs.rules))
    terms = sum(len(r.terms) for r in largest.rules)
    avoid = avoid_filler(wl.specs[: max(0, terms - int(wl.stats["seed_terms"]))], wl.params.vocab)
    cold_res = None
    if cold:
        label = COLD_SIZE if COLD_SIZE in wl.rulesets else labels[-1]
        stream = cold_stream(sp, avoid, cold)
        cold_res = run_cold(wl, label, stream, COLD_SEED, passes)
        del stream
        sys.stdout.flush()
    zipf_runners: list[StreamRunner] = []
    if zipf:
        chosen = [label for label in ZIPF_SIZES if label in wl.rulesets] or labels[-1:]
        first_terms = [t for r in largest.rules for t in r.terms][:QUERY_TERMS_FROM]
        stream = zipf_stream(sp, avoid, term_surfaces(first_terms), zipf)
        zipf_runners = run_zipf(wl, chosen, stream, ZIPF_SEED)
        del stream
    print_stream_targets(zipf_runners, cold_res, rates)


PARTS = ("sizes", "mixed", "streams")


def parse_only(text: str) -> set[str]:
    parts = {p.strip() for p in text.split(",") if p.strip()}
    unknown = parts - set(PARTS)
    if unknown or not parts:
        raise argparse.ArgumentTypeError(f"--only takes some of {', '.join(PARTS)}")
    return parts


def parse_sizes(text: str) -> dict[str, int]:
    sizes = {}
    for raw in text.split(","):
        part = raw.strip().lower()
        if not part:
            continue
        n = int(float(part[:-1]) * 1000) if part.endswith("k") else int(part)
        sizes[f"{n // 1000}k" if n % 1000 == 0 else str(n)] = n
    if not sizes:
        raise argparse.ArgumentTypeError("no sizes given")
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes and 2k queries")
    parser.add_argument("--sizes", type=parse_sizes, help="e.g. 1k,10k (default 1k,10k,100k)")
    parser.add_argument("--queries", type=int, help="length of the query stream")
    parser.add_argument("--passes", type=int, help="timed passes per runner (median is shown)")
    parser.add_argument(
        "--mixed", type=int, help=f"queries of the mixed-script stream (default {MIXED_QUERIES:,})"
    )
    parser.add_argument(
        "--zipf",
        type=int,
        help=f"queries of the Zipf stream (default {StreamParams().zipf_queries:,}; 0: off)",
    )
    parser.add_argument(
        "--cold",
        type=int,
        help=f"queries of the cold stream (default {StreamParams().cold_queries:,}; 0: off)",
    )
    parser.add_argument(
        "--only",
        type=parse_only,
        help="comma-separated parts to run: sizes, mixed, streams (default: all)",
    )
    parser.add_argument("--memory-child", help=argparse.SUPPRESS)
    parser.add_argument("--specs", help=argparse.SUPPRESS)
    parser.add_argument("--terms", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--queries-file", help=argparse.SUPPRESS)
    parser.add_argument("--seed-dir", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child:
        memory_child(args)
        return 0

    params = WorkloadParams.smoke() if args.smoke else WorkloadParams()
    if args.sizes:
        params = WorkloadParams(
            sizes=args.sizes, queries=params.queries, vocab=params.vocab, rare_end=params.rare_end
        )
    if args.queries:
        params = WorkloadParams(
            sizes=params.sizes, queries=args.queries, vocab=params.vocab, rare_end=params.rare_end
        )
    passes = args.passes or (1 if args.smoke else 3)

    started = time.perf_counter()
    print(f"machine: {machine()}")
    print(f"{pin()}; load average at start {loadavg()}")
    wl = make_workload(params)
    s = wl.stats
    n = len(wl.queries)
    print(
        f"workload {digest(wl)} (seed {params.seed}), built in "
        f"{time.perf_counter() - started:.1f} s: {n:,} queries, {s['words']:.2f} words avg, "
        f"{s['distinct'] / n:.0%} distinct, {s['ascii'] / n:.0%} ASCII, "
        f"{s['hashtag'] / n:.1%} hashtags, {s['rule'] / n:.2%} with a rule term "
        f"({s['obfuscated'] / max(1, s['rule']):.0%} of them obfuscated)"
    )
    print(
        f"seed rules: {wl.seed_source} (version {wl.seed_rules.version}), "
        f"{int(s['seed_terms'])} terms; the rest is filler"
    )
    print(f"passes: {passes} per runner, interleaved; slow peers run on a prefix of the stream")

    only = args.only or set(PARTS)
    results: dict[str, SizeResult] = {}
    if "sizes" in only:
        with tempfile.TemporaryDirectory(prefix="interventions-bench-") as name:
            tmp = Path(name)
            write_snapshot(wl.seed_files, tmp / "seed")
            queries_file = tmp / "queries.json"
            queries_file.write_text(json.dumps(wl.queries[:2_000]), encoding="utf-8")
            for label in params.sizes:
                results[label] = run_size(
                    label, wl, passes=passes, tmp=tmp, queries_file=queries_file
                )
                print_size(results[label])
                sys.stdout.flush()
        print_targets(results)
    mixed = args.mixed if args.mixed is not None else (1_000 if args.smoke else MIXED_QUERIES)
    if mixed and "mixed" in only:
        label = "10k" if "10k" in wl.rulesets else list(wl.rulesets)[-1]
        run_mixed(wl, label, mixed, passes)
    if "streams" in only:
        sp = StreamParams.smoke() if args.smoke else StreamParams()
        run_streams(
            wl,
            sp,
            zipf=sp.zipf_queries if args.zipf is None else args.zipf,
            cold=sp.cold_queries if args.cold is None else args.cold,
            passes=passes,
        )
    print(
        f"\nfinished in {time.perf_counter() - started:.0f} s; load average at end {loadavg()} "
        "(other processes on this machine make every number noisy; compare ratios, not absolutes)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
