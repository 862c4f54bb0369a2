"""Rows per second on a realistic query log: one process, ``--jobs 2`` and Spark ``local[2]``.

    python benchmarks/real_log.py                    # 2,000,000 rows (a ~30 MB Parquet file)
    python benchmarks/real_log.py --rows 200000 --no-spark

The log is generated with a fixed seed and kept (``--log``): queries of 1-4 words in 12
languages, each word drawn by Zipf's law (p ~ 1/rank) from wordfreq's 60,000 most frequent words
of its language, with typos (one letter dropped, doubled, swapped or replaced) in 8% of words,
@handles and #hashtags with digits, numbers, and a few harmful terms; a locale per row. So the
log holds hundreds of thousands of distinct words, far more than the word memo's default bound
(its young generation holds 131,072), as real traffic does.

It prints rows/s for ``run_batch`` over the Parquet file (decisions and the summary, no output
file), in one process with the default memo and with a memo large enough to hold every word
(their ratio says whether the memo thrashes: before the two-generation memo, the bigger one ran
1.75x faster), with ``jobs=2``, and with ``interventions.spark.decide`` in ``local[2]`` (the
decisions aggregated by action in Spark). Times include opening the file; the rule set is built
before the clock starts.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable
from itertools import accumulate
from pathlib import Path

LANGS = {
    "en": "en-US",
    "pl": "pl-PL",
    "sv": "sv-SE",
    "de": "de-DE",
    "es": "es-ES",
    "fr": "fr-FR",
    "it": "it-IT",
    "pt": "pt-BR",
    "nl": "nl-NL",
    "tr": "tr-TR",
    "ru": "ru-RU",
    "id": "id-ID",
}
SHARE = [30, 10, 8, 8, 8, 8, 6, 6, 4, 4, 4, 4]  # of rows, per language in LANGS order
WORDS_PER_LANG = 60_000
HARMFUL = ["thinspo", "proana", "#thinspo", "how to kill myself", "ana buddy", "bonespo"]
SEED = 2026


def make_log(path: Path, rows: int) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq
    from wordfreq import top_n_list

    rng = random.Random(SEED)
    vocab = {lang: top_n_list(lang, WORDS_PER_LANG) for lang in LANGS}
    zipf = {
        lang: list(accumulate(1.0 / r for r in range(1, len(v) + 1))) for lang, v in vocab.items()
    }
    langs = list(LANGS)
    lang_cum = list(accumulate(SHARE))
    letters = "abcdefghijklmnopqrstuvwxyz"
    queries: list[str] = []
    locales: list[str] = []
    writer = pq.ParquetWriter(path, pa.schema([("query", pa.string()), ("locale", pa.string())]))

    def word(lang: str) -> str:
        w: str = rng.choices(vocab[lang], cum_weights=zipf[lang])[0]
        r = rng.random()
        if r < 0.08 and len(w) > 3:  # a typo
            i = rng.randrange(len(w))
            kind = rng.randrange(4)
            if kind == 0:
                w = w[:i] + w[i + 1 :]
            elif kind == 1:
                w = w[:i] + w[i] + w[i:]
            elif kind == 2 and i < len(w) - 1:
                w = w[:i] + w[i + 1] + w[i] + w[i + 2 :]
            else:
                w = w[:i] + rng.choice(letters) + w[i + 1 :]
        elif r < 0.11:
            w = f"@{w}{rng.randrange(10_000)}"
        elif r < 0.13:
            w = f"#{w}{rng.choice(['', str(rng.randrange(100))])}"
        elif r < 0.16:
            w = str(
                rng.choice([rng.randrange(100), rng.randrange(1900, 2030), rng.randrange(10**6)])
            )
        return w

    for n in range(rows):
        lang = rng.choices(langs, cum_weights=lang_cum)[0]
        if rng.random() < 0.005:
            q = rng.choice(HARMFUL)
        else:
            q = " ".join(word(lang) for _ in range(rng.choice((1, 1, 2, 2, 2, 3, 3, 4))))
        queries.append(q)
        locales.append(LANGS[lang])
        if len(queries) == 100_000 or n == rows - 1:
            writer.write_table(pa.table({"query": queries, "locale": locales}))
            queries, locales = [], []
    writer.close()


def distinct_words(path: Path) -> tuple[int, int]:
    import pyarrow.parquet as pq

    words: set[str] = set()
    total = 0
    for batch in pq.ParquetFile(path).iter_batches(columns=["query"]):
        for q in batch.column(0).to_pylist():
            split = q.split()
            total += len(split)
            words.update(split)
    return len(words), total


def memo_misses(path: Path, max_items: int | None) -> int:
    """Words the word memo would compute over the log's stream (a miss computes a word's
    profile, about a millisecond for a new word on the shipped rules): the engine's memo policy
    replayed alone, with the default bounds (entries, and bytes with a plain word's estimate)
    or unbounded (None). Misses beyond the distinct words are words evicted and computed
    again: the thrashing."""
    import pyarrow.parquet as pq

    from interventions._engine import MEMO_BYTES, MEMO_SIZE
    from interventions._memo import Memo, entry_bytes

    items = MEMO_SIZE if max_items is None else max_items
    max_bytes = MEMO_BYTES if max_items is None else 1 << 40
    memo: Memo[str, bool] = Memo(items, max_bytes, lambda k, v: entry_bytes(k))
    misses = 0
    for batch in pq.ParquetFile(path).iter_batches(columns=["query"]):
        for q in batch.column(0).to_pylist():
            for w in q.split():
                if memo.get(w) is None:
                    misses += 1
                    memo.put(w, True)
    return misses


def one_machine(path: Path, rows: int, jobs: int, memo_size: int | None = None) -> float:
    from interventions import Engine
    from interventions._batch import run_batch

    engine = (
        Engine.default()
        if memo_size is None
        else Engine(Engine.default().ruleset, memo_size=memo_size, memo_bytes=1 << 31)
    )
    started = time.perf_counter()
    summary = run_batch(path, ruleset=engine, jobs=jobs)
    elapsed = time.perf_counter() - started
    assert summary.queries == rows, summary.queries
    return rows / elapsed


def spark_rows_per_second(path: Path, rows: int) -> float:
    from pyspark.sql import SparkSession

    from interventions import Engine
    from interventions._artifact import write_artifact
    from interventions.spark import decide

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    rules = path.with_name("shipped.irs")
    write_artifact(Engine.default().ruleset, rules)
    try:
        df = spark.read.parquet(str(path))
        started = time.perf_counter()
        counts = decide(df, rules, locale="locale").groupBy("action").count().collect()
        elapsed = time.perf_counter() - started
    finally:
        spark.stop()
    assert sum(r["count"] for r in counts) == rows
    return rows / elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--log", type=Path, help="where the generated log is kept")
    parser.add_argument("--no-spark", action="store_true")
    parser.add_argument(
        "--only", help="comma-separated: memo-sim, 1, memo, jobs2, spark (default: all)"
    )
    args = parser.parse_args(argv)
    path = args.log or Path(f"/tmp/interventions-real-log-{args.rows}.parquet")
    if not path.exists():
        t = time.perf_counter()
        partial = path.with_suffix(".partial")
        make_log(partial, args.rows)
        partial.replace(path)
        print(f"generated {path} in {time.perf_counter() - t:.0f} s")
    distinct, words = distinct_words(path)
    print(
        f"log: {args.rows:,} rows, {words:,} words, {distinct:,} distinct words, "
        f"{path.stat().st_size / 1e6:.1f} MB"
    )
    chosen = set(args.only.split(",")) if args.only else {"memo-sim", "1", "memo", "jobs2", "spark"}
    if args.no_spark:
        chosen.discard("spark")
    runs: list[tuple[str, str, Callable[[], float]]] = [
        ("1", "1 process, default memo", lambda: one_machine(path, args.rows, 1)),
        (
            "memo",
            "1 process, memo holding every word",
            lambda: one_machine(path, args.rows, 1, memo_size=4 * distinct),
        ),
        ("jobs2", "--jobs 2", lambda: one_machine(path, args.rows, 2)),
        ("spark", "Spark local[2]", lambda: spark_rows_per_second(path, args.rows)),
    ]
    if "memo-sim" in chosen:
        bounded = memo_misses(path, None)
        unbounded = memo_misses(path, 1 << 30)
        print(
            f"word memo misses: {bounded:,} with the default bounds, {unbounded:,} unbounded "
            f"({distinct:,} distinct words): {bounded / unbounded:.3f}x",
            flush=True,
        )
    results: dict[str, float] = {}
    for key, label, run in runs:
        if key in chosen:
            results[label] = run()
            print(f"{label:<38} {results[label]:>10,.0f} rows/s", flush=True)
    base = results.get("1 process, default memo")
    if base:
        for label, rate in results.items():
            print(f"{label:<38} {rate / base:5.2f}x the default memo in one process")
    return 0


if __name__ == "__main__":
    sys.exit(main())
