"""Where the engine's time goes, per query, on the benchmark workload.

Three views, because each alone misleads:

1. Steady state as ``make bench`` measures it (word memo on, decision cache off): the time of
   every query by class, and how much of the total the full path (memo miss) takes.
2. cProfile of the same pass, with every function's own time put in a bucket (normalization,
   token keys, lookups, fuzzy, substrings, phrases, decisions...). Built-ins and generated
   ``__init__`` methods are charged to their callers. cProfile inflates Python calls, so the
   shares are a map, not a measurement.
3. Ablation of the full path without a profiler: normalization alone (ASCII and Unicode), then
   ``find_hits`` with each index part removed in turn, then the whole check; the differences
   are what each part costs.

    benchmarks/profile_engine.py                 # the 10k rule set, 200,000 queries
    benchmarks/profile_engine.py --compile 100k  # also profile compiling the 100k set
    benchmarks/profile_engine.py --smoke         # tiny, to prove it runs

This reads engine internals (``_normalize``, ``_match``, ``Index``) on purpose; when they change,
adjust the ablation here.
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import dataclasses
import gc
import os
import pstats
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _workload import CLASSES, Workload, WorkloadParams, make_workload
from interventions import Engine
from interventions import _match as match_module
from interventions._compile import Index, compile_rules, deletions
from interventions._match import Hit, find_hits
from interventions._normalize import COLLAPSED, Token, normalize, token_keys

# (file suffix, function) -> bucket; a function not listed takes its file's bucket.
BUCKETS: dict[tuple[str, str], str] = {
    ("_engine.py", "check"): "engine: check() entry",
    ("_engine.py", "_check"): "engine: check() entry",
    ("_engine.py", "_check_fully"): "engine: full-path dispatch",
    ("_engine.py", "_benign"): "fast path: word memo (_benign)",
    ("_engine.py", "_chunk"): "fast path: memo miss (_chunk)",
    ("_engine.py", "_decide"): "decision building",
    ("_engine.py", "_card"): "decision building",
    ("_engine.py", "<lambda>"): "decision building",
    ("_normalize.py", "normalize"): "normalize: tokenizing (normalize body)",
    ("_normalize.py", "token_keys"): "normalize: token_keys (leet/collapse)",
    ("_normalize.py", "_forms"): "normalize: token_keys (leet/collapse)",
    ("_normalize.py", "_leet_variants"): "normalize: token_keys (leet/collapse)",
    ("_normalize.py", "collapse"): "normalize: token_keys (leet/collapse)",
    ("_normalize.py", "_joined"): "normalize: separators (_joined)",
    ("_normalize.py", "_join"): "normalize: separators (_joined)",
    ("_normalize.py", "_camel"): "normalize: hashtags (_camel)",
    ("_normalize.py", "_has_upper"): "normalize: hashtags (_camel)",
    ("_match.py", "find_hits"): "match: word dict + prefix buckets (find_hits loop)",
    ("_match.py", "_extend"): "match: entries + phrase checks (_extend)",
    ("_match.py", "matcher_accepts"): "match: entries + phrase checks (_extend)",
    ("_match.py", "_fuzzy"): "match: fuzzy (deletions + Levenshtein)",
    ("_match.py", "fuzzy_key"): "match: fuzzy (deletions + Levenshtein)",
    ("_compile.py", "deletions"): "match: fuzzy (deletions + Levenshtein)",
    ("_compile.py", "<setcomp>"): "match: fuzzy (deletions + Levenshtein)",
    ("_match.py", "_substrings"): "match: substring regex",
    ("_match.py", "_regexes"): "match: regex terms",
    ("_match.py", "regex_text"): "match: regex terms",
    ("_match.py", "word_profile"): "fast path: memo miss (_chunk)",
}
FILE_BUCKETS = {
    "_normalize.py": "normalize: Unicode path (steps 1-4)",
    "_decision.py": "decision building",
    "_cards.py": "decision building",
    "_match.py": "match: other",
    "_engine.py": "engine: other",
    "profile_engine.py": "harness loop",
}
CHARGE_TO_CALLER = ("~", "<string>", "functools.py", "enum.py", "re/__init__.py", "_regex_core")


def bucket_of(key: tuple[str, int, str]) -> str | None:
    """The bucket of a profiled function, or None when its time belongs to its callers."""
    file, _, func = key
    if file == "~" or file.startswith("<") or any(file.endswith(s) for s in CHARGE_TO_CALLER):
        return None
    for (suffix, name), bucket in BUCKETS.items():
        if func == name and file.endswith(suffix):
            return bucket
    for suffix, bucket in FILE_BUCKETS.items():
        if file.endswith(suffix):
            return bucket
    return f"other: {Path(file).name}:{func}"


def bucketed(stats: pstats.Stats) -> dict[str, float]:
    """Own time per bucket; time of built-ins goes to their callers, recursively."""
    raw: dict[tuple[str, int, str], Any] = stats.stats  # type: ignore[attr-defined]
    memo: dict[tuple[str, int, str], dict[str, float]] = {}

    def shares(key: tuple[str, int, str], depth: int = 0) -> dict[str, float]:
        """How a second of ``key``'s own time splits over buckets."""
        if key in memo:
            return memo[key]
        b = bucket_of(key)
        if b is not None or depth > 8:
            out = {b or "other": 1.0}
        else:
            callers = raw[key][4]
            total = sum(v[2] for v in callers.values()) or 1.0
            out = {}
            for caller, v in callers.items():
                for cb, frac in shares(caller, depth + 1).items():
                    out[cb] = out.get(cb, 0.0) + frac * v[2] / total
            if not out:
                out = {"other": 1.0}
        memo[key] = out
        return out

    totals: dict[str, float] = {}
    for key, (_, _, tt, _, _) in raw.items():
        for b, frac in shares(key).items():
            totals[b] = totals.get(b, 0.0) + tt * frac
    return totals


def run_all(check: Callable[[str], object], queries: Sequence[str]) -> None:
    for q in queries:
        check(q)


def timed(fn: Callable[[], object], repeat: int = 3) -> float:
    """The fastest of ``repeat`` runs: noise from other processes only ever adds time."""
    times = []
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


# -- 1: steady state by class ---------------------------------------------------------------


def steady_state(engine: Engine, wl: Workload) -> None:
    check = engine.check
    run_all(check, wl.queries)  # warm: memo and token_keys caches as in `make bench`
    clock = time.perf_counter_ns
    per: dict[str, list[int]] = {c: [] for c in CLASSES}
    gc.collect()
    for q, cls in zip(wl.queries, wl.classes, strict=True):
        t0 = clock()
        check(q)
        per[cls].append(clock() - t0)
    full = full_path_flags(engine, wl.queries)
    all_ns = [ns for v in per.values() for ns in v]
    total = sum(all_ns)
    print("\n== 1. steady state (memo on, cache off): time by query class ==")
    print(
        f"{'class':<20}{'queries':>9}{'share of time':>15}{'mean us':>9}{'p50 us':>8}{'p99 us':>8}"
    )
    for cls, ns in per.items():
        if not ns:
            continue
        s = sorted(ns)
        print(
            f"{cls:<20}{len(ns):>9,}{sum(ns) / total:>15.1%}{statistics.fmean(ns) / 1e3:>9.2f}"
            f"{s[len(s) // 2] / 1e3:>8.2f}{s[int(len(s) * 0.99)] / 1e3:>8.2f}"
        )
    print(f"{'all':<20}{len(all_ns):>9,}{1:>15.1%}{total / len(all_ns) / 1e3:>9.2f}")
    if full is not None:
        ordered = timings_in_order(per, wl.classes)
        ns_full = [ns for ns, f in zip(ordered, full.reasons, strict=True) if f]
        rest_us = (total - sum(ns_full)) / max(1, len(full.reasons) - len(ns_full)) / 1e3
        print(
            f"full path (what spans words and the memo cannot compose): {len(ns_full):,} queries "
            f"({len(ns_full) / len(full.reasons):.1%}), {sum(ns_full) / total:.1%} of the time, "
            f"mean {statistics.fmean(ns_full) / 1e3 if ns_full else 0:.1f} us; the memo path "
            f"answers the rest at {rest_us:.2f} us"
        )
        by_reason: dict[str, list[int]] = {}
        for one, why in zip(ordered, full.reasons, strict=True):
            if why:
                by_reason.setdefault(why, []).append(one)
        for why, nss in sorted(by_reason.items(), key=lambda kv: -sum(kv[1])):
            print(
                f"  {why}: {len(nss):,} queries, {sum(nss) / total:.1%} of the time, "
                f"mean {statistics.fmean(nss) / 1e3:.1f} us"
            )
        words_why = why_words_hit(engine, list(full.hot_words))
        print(
            f"  {full.known_plain_words / max(1, full.full_path_words):.0%} of the words in "
            "full-path queries were quiet in the memo (yet are normalized and matched again)"
        )
        top = full.hot_words.most_common(15)
        if top:
            print("  words reading as several tokens that most often send a query down it:")
            for w, n in top:
                print(f"    {n:>6,}  {w!r}: {words_why[w][1]}")
    slow = sorted(all_ns)[int(len(all_ns) * 0.99) :]
    print(f"the slowest 1% of queries take {sum(slow) / total:.1%} of all time")


def timings_in_order(per: dict[str, list[int]], classes: Sequence[str]) -> list[int]:
    cursors = dict.fromkeys(per, 0)
    out = []
    for cls in classes:
        out.append(per[cls][cursors[cls]])
        cursors[cls] += 1
    return out


@dataclasses.dataclass(slots=True)
class PathReport:
    reasons: list[str | None]  # per query: None for the memo path, else why the full path ran
    hot_words: collections.Counter[str]  # words reading as several tokens in full-path queries
    hitting: list[tuple[str, ...]]  # per query: those words (empty unless that was the reason)
    known_plain_words: int  # words of full-path queries that the memo knows to be quiet
    full_path_words: int  # all words of full-path queries


def full_path_flags(engine: Engine, queries: Sequence[str]) -> PathReport | None:
    """For each query, whether (and why) the engine left the memo path.

    Needs ``Engine._check_fully`` and the ``_chunks`` memo; returns None when they are gone.
    """
    if not hasattr(Engine, "_check_fully"):
        return None
    flags: list[bool] = []

    class Probe(Engine):
        def _check_fully(self, query: str, locale: str | None, day: Any = None) -> Any:
            flags.append(True)
            return super()._check_fully(query, locale, day)

    probe = Probe(engine.ruleset)
    word_memo = getattr(probe, "_words", None)
    memo: dict[str, Any] | None = getattr(word_memo, "young", None)
    if memo is None:
        return None
    run_all(probe.check, queries)  # warm the probe's memo
    flags.clear()
    reasons: list[str | None] = []
    hot: collections.Counter[str] = collections.Counter()
    per_query: list[tuple[str, ...]] = []
    known_plain = all_words = 0
    for q in queries:
        words = q.split()
        before = len(flags)
        probe.check(q)
        if len(flags) == before:
            reasons.append(None)
            per_query.append(())
            continue
        states = [memo.get(w) for w in words]  # as the check left them
        all_words += len(words)
        known_plain += sum(st is not None and not st.loud for st in states)
        if any(st is not None and (st.lead or st.trail) for st in states):
            reasons.append("letters spelled out across words (t h i n s p o)")
            per_query.append(())
            continue
        if len(q) > 1024 or probe._index.regexes:
            reasons.append("a long query, or a regex term")
            per_query.append(())
            continue
        # a phrase may span words, and one of its words reads as several tokens
        several = tuple(
            w for w, st in zip(words, states, strict=True) if st is not None and st.token is None
        )
        hot.update(several)
        per_query.append(several)
        reasons.append("a phrase across a word that reads as several tokens")
    return PathReport(reasons, hot, per_query, known_plain, all_words)


def why_words_hit(engine: Engine, words: Sequence[str]) -> dict[str, tuple[str, str]]:
    """For each word: a category, and the terms it touches on its own (kind, unless, languages).

    Categories: ``term`` (hits a rule term alone), ``unless`` (hits only exceptions, which can
    never make a decision by themselves), ``anchor`` (no hit alone: the indexed word of a phrase,
    or a prefix/fuzzy/substring near miss).
    """
    index = getattr(engine, "_index", None) or compile_rules(engine.ruleset)
    segmenter = getattr(index, "segmenter", None)
    out = {}
    for w in words:
        norm = normalize(w)
        if segmenter is not None:
            norm = segmenter.extend(norm)
        hits = find_hits(index, norm)
        parts = []
        unless_only = True
        for tid in dict.fromkeys(t for t, _, _ in hits):
            rule = index.rules[index.term_rule[tid]]
            unless = tid in index.unless
            tag = "unless" if unless else index.term_kind[tid].value
            unless_only = unless_only and unless
            if tid in index.fuzzy_terms:
                tag = f"fuzzy {index.fuzzy_terms[tid][1]}"
            if rule.languages:
                tag += f", only {'/'.join(sorted(rule.languages))}"
            parts.append(f"{index.term_text[tid]!r} ({tag}, {rule.id})")
        if not parts:
            out[w] = ("anchor", "no hit alone: a phrase's indexed word or a near miss")
        else:
            out[w] = ("unless" if unless_only else "term", "; ".join(parts[:3]))
    return out


# -- 2: cProfile ----------------------------------------------------------------------------


def profile_pass(label: str, check: Callable[[str], object], queries: Sequence[str]) -> None:
    prof = cProfile.Profile()
    prof.enable()
    run_all(check, queries)
    prof.disable()
    stats = pstats.Stats(prof)
    totals = bucketed(stats)
    total = sum(totals.values())
    print(f"\n== 2. cProfile, {label}: own time by bucket ({len(queries):,} queries) ==")
    for name, t in sorted(totals.items(), key=lambda kv: -kv[1]):
        if t / total >= 0.005:
            print(f"{t / total:>7.1%}  {t / len(queries) * 1e6:>6.2f} us/q  {name}")
    print("top functions by own time:")
    stats.sort_stats("tottime").print_stats(12)


# -- 3: ablation of the full path -----------------------------------------------------------


def ablation(engine: Engine, wl: Workload, sample: int) -> None:
    index = compile_rules(engine.ruleset)
    queries = wl.queries[:sample]
    ascii_q = [q for q in queries if q.isascii()]
    other_q = [q for q in queries if not q.isascii()]
    segmenter = getattr(index, "segmenter", None)
    base = [normalize(q) for q in queries]  # also warms token_keys
    norms = [segmenter.extend(nm) for nm in base] if segmenter is not None else base

    def per_q(fn: Callable[[], object], n: int) -> float:
        return timed(fn) / max(1, n) * 1e6

    def hits_with(ix: Any) -> Callable[[], object]:
        return lambda: [find_hits(ix, nm) for nm in norms]

    rows: list[tuple[str, float]] = []
    rows.append(
        ("normalize, ASCII queries", per_q(lambda: run_all(normalize, ascii_q), len(ascii_q)))
    )
    rows.append(
        ("normalize, non-ASCII queries", per_q(lambda: run_all(normalize, other_q), len(other_q)))
    )
    t_norm = per_q(lambda: run_all(normalize, queries), len(queries))
    rows.append(("normalize, all", t_norm))

    def cold_pass() -> None:
        token_keys.cache_clear()
        run_all(normalize, queries)

    t_cold = per_q(cold_pass, len(queries))
    rows.append(("normalize, all, token_keys cache empty at start", t_cold))
    run_all(normalize, queries)
    t_seg = 0.0
    if segmenter is not None:
        t_seg = per_q(lambda: [segmenter.extend(nm) for nm in base], len(queries))
        rows.append(("segmenter.extend (splitting concatenations)", t_seg))
    t_hits = per_q(hits_with(index), len(queries))
    rows.append(("find_hits, full index (on normalized queries)", t_hits))
    variants: dict[str, dict[str, Any]] = {
        "fuzzy": {"fuzzy": {}},
        "prefixes": {"prefixes": {}},
        "substrings": {"substring_plain": None, "substring_collapsed": None},
    }
    phrase_free = {
        k: v if isinstance(v, int) else tuple(e for e in v if isinstance(e, int))
        for k, v in index.words.items()
    }
    variants["phrases"] = {"words": {k: v for k, v in phrase_free.items() if v != ()}}
    for name, change in variants.items():
        try:
            ix = dataclasses.replace(index, **change)
        except (TypeError, ValueError) as exc:
            rows.append((f"find_hits without {name}: n/a ({exc})", float("nan")))
            continue
        t = per_q(hits_with(ix), len(queries))
        rows.append((f"  cost of {name} = full - without", t_hits - t))
    t_cached = fuzzy_cache_prototype(index, norms)
    if t_cached is not None:
        rows.append(("find_hits with a per-key fuzzy result cache (prototype, cold)", t_cached))
    nomemo = Engine(engine.ruleset, memo_size=0)
    t_check = per_q(lambda: run_all(nomemo.check, queries), len(queries))
    rows.append(("check, memo off (normalize + segmenter + find_hits + decide)", t_check))
    rows.append(
        (
            "  the rest (decisions, dispatch, GC) = check - normalize - segmenter - find_hits",
            t_check - t_norm - t_seg - t_hits,
        )
    )
    t_memo = per_q(lambda: run_all(engine.check, queries), len(queries))
    rows.append(("check, memo on, warm (as benchmarked)", t_memo))
    print(f"\n== 3. ablation, full path, no profiler ({len(queries):,} queries, us/query) ==")
    for name, us in rows:
        print(f"{us:>8.2f}  {name}")

    toks = sum(len(n.tokens) for n in norms)
    seqs = sum(len(n.sequences) for n in norms)
    keys = sum(len(t.keys) for n in norms for s in n.sequences for t in s)
    all_toks = sum(len(s) for n in norms for s in n.sequences)
    fuzzy_variants = 0
    fuzzy_tokens = 0
    for norm in norms:
        for seq in norm.sequences:
            for tok in seq:
                for k in tok.keys:
                    key = k[1:] if k.startswith(COLLAPSED) else k
                    if 5 <= len(key) <= 32 and index.fuzzy:
                        depth = min(index.fuzzy_max, 1 if len(key) < 6 else 2)
                        fuzzy_tokens += 1
                        fuzzy_variants += len(deletions(key, depth))
    q = len(queries)
    print(
        f"per query: {toks / q:.2f} tokens, {seqs / q:.2f} sequences, {all_toks / q:.2f} tokens "
        f"in all sequences, {keys / q:.2f} keys; fuzzy looks up {fuzzy_tokens / q:.2f} keys "
        f"with {fuzzy_variants / q:.0f} deletion variants (upper bound: exact hits skip fuzzy)"
    )
    print(f"token_keys cache: {token_keys.cache_info()}")


def fuzzy_cache_prototype(ix: Index, norms: Sequence[Any]) -> float | None:
    """us/query of ``find_hits`` if fuzzy results were cached per token (empty at each pass)."""
    original = getattr(match_module, "_fuzzy", None)
    if original is None:
        return None
    cache: dict[tuple[str, ...], list[int]] = {}

    def cached(
        index: Index, tok: Token, hits: list[Hit], memo: Any = None, local: Any = None
    ) -> None:
        tids = cache.get(tok.keys)
        if tids is None:
            found: list[Hit] = []
            original(index, tok, found, None, None)
            tids = [t for t, _, _ in found]
            cache[tok.keys] = tids
        for t in tids:
            hits.append((t, tok.start, tok.end))

    def run() -> None:
        cache.clear()
        for nm in norms:
            find_hits(ix, nm)

    match_module._fuzzy = cached
    try:
        return timed(run) / max(1, len(norms)) * 1e6
    finally:
        match_module._fuzzy = original


def compile_profile(wl: Workload, label: str) -> None:
    ruleset = wl.rulesets[label]
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    compile_rules(ruleset)
    prof.disable()
    print(f"\n== compile {label}: {time.perf_counter() - t0:.2f} s under cProfile ==")
    pstats.Stats(prof).sort_stats("tottime").print_stats(12)
    gc.collect()
    tracemalloc.start()
    index = compile_rules(ruleset)
    snap = tracemalloc.take_snapshot()
    tracemalloc.stop()
    stats = snap.statistics("lineno")
    total = sum(st.size for st in stats)
    print(f"memory held by the compiled index of {label}: {total / 1e6:.0f} MB; by line:")
    for st in stats[:8]:
        frame = st.traceback[0]
        print(f"  {st.size / 1e6:>6.1f} MB  {Path(frame.filename).name}:{frame.lineno}")
    sizes = {
        name: len(value)
        for name, value in ((f.name, getattr(index, f.name)) for f in dataclasses.fields(index))
        if isinstance(value, dict | tuple | frozenset)
    }
    print("  entries: " + ", ".join(f"{k} {v:,}" for k, v in sizes.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Profile the engine on the benchmark workload.")
    parser.add_argument("--size", default="10k")
    parser.add_argument("--compile", help="also profile compiling this size, e.g. 100k")
    parser.add_argument("--sample", type=int, default=40_000, help="queries in the ablation")
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args(argv)
    try:
        cpus = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpus[-1]})
    except (AttributeError, OSError):
        pass
    sizes = {
        args.size: int(float(args.size.rstrip("k")) * (1000 if args.size.endswith("k") else 1))
    }
    if args.compile:
        sizes[args.compile] = int(float(args.compile.rstrip("k")) * 1000)
    base = WorkloadParams.smoke() if args.smoke else WorkloadParams()
    params = dataclasses.replace(base, sizes=sizes)
    wl = make_workload(params)
    engine = Engine(wl.rulesets[args.size])
    print(
        f"profiling {args.size} ({sum(len(r.terms) for r in engine.ruleset.rules):,} terms), "
        f"{len(wl.queries):,} queries, load average {os.getloadavg()[0]:.2f}"
    )
    gc.collect()
    gc.freeze()
    steady_state(engine, wl)
    profile_pass("steady state (memo on, warm)", engine.check, wl.queries)
    cold = Engine(engine.ruleset, memo_size=0)
    profile_pass("full path (memo off)", cold.check, wl.queries[: args.sample])
    ablation(engine, wl, min(args.sample, len(wl.queries)))
    if args.compile:
        compile_profile(wl, args.compile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
