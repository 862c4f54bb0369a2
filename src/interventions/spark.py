"""Decide and diff Spark DataFrames of queries (``pip install 'interventions[spark]'``).

The compiled rule set reaches the executors as a file: :func:`ship_rules` adds it with
``SparkContext.addFile`` (or it came with ``spark-submit --files``), and each executor's Python
worker loads it once (:meth:`Engine.load`) and keeps the engine for every task after. Rows go
through the engine as Arrow batches (``mapInArrow``), and every count is a Spark aggregation.

:func:`diff` gives the same :class:`~interventions.tools.DiffReport` as ``interventions diff``
over the same rows: the same summary, HTML report (``report.to_html()``) and ``--fail-on``
gate (``report.exit_code``). docs/scale.md has a ``spark-submit`` example.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

from interventions._diff import (
    DEFAULT_FAIL_ON,
    ChangeKind,
    DiffReport,
    Verdict,
    _Group,
    _live_ids,
    classify,
)
from interventions._engine import Engine
from interventions.arrow import DECISION_FIELDS, decide_values, decision_arrays

__all__ = ["decide", "diff", "ship_rules"]

_ENGINES: dict[tuple[str, int, int], Engine] = {}
"""One engine per executor process (per Python worker), by file path, size and mtime."""


def ship_rules(spark: Any, rules: str | os.PathLike[str]) -> str:
    """Make a rule set readable by every executor; return the name they open it by.

    ``rules`` is a compiled rule set (``interventions compile``) at any path Spark reads
    (local, ``hdfs://``, ``s3a://``...), or a rules folder, which is compiled here first. A
    file already shipped under that name (``spark-submit --files``) is not added again."""
    from pyspark import SparkFiles

    path = os.fspath(rules)
    if Path(path).is_dir():
        from interventions._artifact import write_artifact
        from interventions._loader import load_rules

        ruleset = load_rules(path)
        folder = tempfile.mkdtemp(prefix="interventions-spark-")
        path = os.path.join(folder, f"rules-{ruleset.version}.irs")
        write_artifact(ruleset, path)
    name = os.path.basename(path.rstrip("/"))
    if not os.path.isfile(SparkFiles.get(name)):
        spark.sparkContext.addFile(path)
    return name


def _engine(name: str) -> Engine:
    from pyspark import SparkFiles

    path = SparkFiles.get(name)
    st = os.stat(path)
    key = (path, st.st_size, st.st_mtime_ns)
    engine = _ENGINES.get(key)
    if engine is None:
        engine = _ENGINES[key] = Engine.load(path)
    return engine


def _driver_engine(spark: Any, name: str) -> Engine:
    from pyspark import SparkFiles

    del spark
    return Engine.load(SparkFiles.get(name))


def _columns(
    batch: Any, query: str, locale: str | None, moment: str | None
) -> tuple[list[Any], list[Any] | None, list[Any] | None]:
    qs = batch.column(query).to_pylist()
    locs = None if locale is None else batch.column(locale).to_pylist()
    times = None if moment is None else batch.column(moment).to_pylist()
    return qs, locs, times


def decide(
    df: Any,
    rules: str | os.PathLike[str],
    *,
    query: str = "query",
    locale: str | None = None,
    moment: str | None = None,
    default_locale: str | None = None,
    at: dt.date | None = None,
    prefix: str = "",
) -> Any:
    """``df`` with the decision of its ``query`` column appended, one column per field of
    :data:`interventions.arrow.DECISION_FIELDS` (named with ``prefix``).

    ``locale`` and ``moment`` name columns giving each row its locale and moment (nulls allowed:
    ``default_locale`` and ``at``, else now). ``rules`` is as for :func:`ship_rules`."""
    import pyarrow as pa
    from pyspark.sql import SparkSession

    spark = SparkSession.getActiveSession() or df.sparkSession
    name = ship_rules(spark, rules)
    fields = [prefix + f for f in DECISION_FIELDS]
    clash = sorted(set(fields) & set(df.columns))
    if clash:
        raise ValueError(f"the DataFrame has columns {clash} already; give a prefix")
    from pyspark.sql import types

    # a new StructType: .add() would change the DataFrame's own (cached) schema in place
    out_schema = types.StructType(
        [
            *df.schema.fields,
            *(types.StructField(f, _spark_type(f[len(prefix) :])) for f in fields),
        ]
    )

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        engine = _engine(name)
        for batch in batches:
            qs, locs, times = _columns(batch, query, locale, moment)
            arrays = decision_arrays(
                pa, decide_values(engine, qs, locs, times, locale=default_locale, at=at)
            )
            yield pa.RecordBatch.from_arrays(
                [*batch.columns, *arrays], names=[*batch.schema.names, *fields]
            )

    return df.mapInArrow(run, out_schema)


def _spark_type(field: str) -> Any:
    from pyspark.sql import types

    if field in ("matched", "shadow"):
        return types.ArrayType(types.StringType())
    if field == "truncated":
        return types.BooleanType()
    return types.StringType()


_DIFF_SCHEMA = (
    "rec string, side string, key string, n long, query string, old_desc string, "
    "new_desc string, old_rule string, new_rule string, kinds array<string>"
)
"""What the diff's mapInArrow emits: ``count`` rows (per batch: lines, queries, actions and
shadow matches per side, counted by Arrow) and one ``change`` row per changed query."""


def diff(
    df: Any,
    old: str | os.PathLike[str],
    new: str | os.PathLike[str],
    *,
    query: str = "query",
    locale: str | None = None,
    moment: str | None = None,
    default_locale: str | None = None,
    at: dt.datetime | None = None,
    fail_on: Collection[ChangeKind | str] = DEFAULT_FAIL_ON,
    examples: int = 5,
    name: str = "<DataFrame>",
) -> DiffReport:
    """Run the ``old`` and ``new`` rule sets over the ``query`` column of ``df`` in one pass and
    report what ``interventions diff`` reports over the same rows.

    ``report.to_dict(examples)`` equals the one-machine report's (but for ``input``, ``format``
    and timings) for up to ``examples`` examples per group; counts are exact (the one-machine
    report's examples are exact while a group has fewer than 1,000 distinct changes).
    ``report.to_html()`` is the HTML report and ``report.exit_code`` the ``--fail-on`` gate."""
    import pyarrow as pa
    import pyarrow.compute as pc
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F  # noqa: N812 - as Spark's docs write it
    from pyspark.sql.window import Window

    started = time.perf_counter()
    spark = SparkSession.getActiveSession() or df.sparkSession
    old_name, new_name = ship_rules(spark, old), ship_rules(spark, new)
    old_rs = _driver_engine(spark, old_name).ruleset
    new_rs = _driver_engine(spark, new_name).ruleset
    cols = [c for c in (query, locale, moment) if c is not None]

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        old_e, new_e = _engine(old_name), _engine(new_name)
        for batch in batches:
            qs, locs, times = _columns(batch, query, locale, moment)
            live = [q if q is not None and q.strip() else None for q in qs]
            old_ds = decide_values(old_e, live, locs, times, locale=default_locale, at=at)
            new_ds = decide_values(new_e, live, locs, times, locale=default_locale, at=at)
            yield _diff_batch(pa, pc, len(qs), live, old_ds=old_ds, new_ds=new_ds)

    out = df.select(*cols).mapInArrow(run, _DIFF_SCHEMA).persist()
    try:
        report = _report(out, F, Window, examples)
    finally:
        out.unpersist()
    old_ids, new_ids = _live_ids(old_rs), _live_ids(new_rs)
    report.old_version, report.new_version = old_rs.version, new_rs.version
    report.old_source, report.new_source = old_rs.source, new_rs.source
    report.input, report.format, report.locale = name, "spark", default_locale
    report.fail_on = frozenset(ChangeKind(k) for k in fail_on)
    report.rules_added = tuple(sorted(new_ids - old_ids))
    report.rules_removed = tuple(sorted(old_ids - new_ids))
    report.at = None if at is None else at.isoformat()
    report.elapsed = time.perf_counter() - started
    return report


def _diff_batch(
    pa: Any, pc: Any, lines: int, queries: list[Any], *, old_ds: list[Any], new_ds: list[Any]
) -> Any:
    """One Arrow batch of count rows and change rows for one input batch."""
    rec: list[str] = []
    side: list[str | None] = []
    key: list[str | None] = []
    n: list[int | None] = []
    changes: list[tuple[str, Verdict, Verdict, tuple[ChangeKind, ...]]] = []
    olds: list[str] = []
    news: list[str] = []
    old_shadow: list[str] = []
    new_shadow: list[str] = []
    for q, od, nd in zip(queries, old_ds, new_ds, strict=True):
        if q is None:
            continue
        o, w = Verdict.of(od), Verdict.of(nd)
        olds.append(o.action.value)
        news.append(w.action.value)
        if od.shadow:
            old_shadow.extend(dict.fromkeys(m.rule_id for m in od.shadow))
        if nd.shadow:
            new_shadow.extend(dict.fromkeys(m.rule_id for m in nd.shadow))
        kinds = classify(o, w)
        if kinds:
            changes.append((q, o, w, kinds))

    def count(label: str, values: list[str]) -> None:
        if not values:
            return
        for item in pc.value_counts(pa.array(values, pa.string())).to_pylist():
            rec.append("count")
            side.append(label)
            key.append(item["values"])
            n.append(item["counts"])

    rec += ["count", "count"]
    side += ["lines", "queries"]
    key += [None, None]
    n += [lines, len(olds)]
    count("old", olds)
    count("new", news)
    count("old_shadow", old_shadow)
    count("new_shadow", new_shadow)
    counts = len(rec)
    rec += ["change"] * len(changes)
    pad: list[None] = [None] * counts
    return pa.RecordBatch.from_arrays(
        [
            pa.array(rec, pa.string()),
            pa.array(side + [None] * len(changes), pa.string()),
            pa.array(key + [None] * len(changes), pa.string()),
            pa.array(n + [None] * len(changes), pa.int64()),
            pa.array(pad + [c[0] for c in changes], pa.string()),
            pa.array(pad + [c[1].describe() for c in changes], pa.string()),
            pa.array(pad + [c[2].describe() for c in changes], pa.string()),
            pa.array(pad + [c[1].rule_id for c in changes], pa.string()),
            pa.array(pad + [c[2].rule_id for c in changes], pa.string()),
            pa.array(pad + [[k.value for k in c[3]] for c in changes], pa.list_(pa.string())),
        ],
        names=[
            "rec",
            "side",
            "key",
            "n",
            "query",
            "old_desc",
            "new_desc",
            "old_rule",
            "new_rule",
            "kinds",
        ],
    )


def _report(out: Any, F: Any, Window: Any, examples: int) -> DiffReport:  # noqa: N803
    report = DiffReport("", "")
    totals = (
        out.where(F.col("rec") == "count").groupBy("side", "key").agg(F.sum("n").alias("n"))
    ).collect()
    for row in totals:
        side, key, n = row["side"], row["key"], int(row["n"])
        if side == "lines":
            report.lines = n
        elif side == "queries":
            report.queries = n
        elif side == "old":
            report.old_actions[key] = n
        elif side == "new":
            report.new_actions[key] = n
        elif side == "old_shadow":
            report.old_shadow[key] = n
        elif side == "new_shadow":
            report.new_shadow[key] = n
    changes = out.where(F.col("rec") == "change")
    example = ["query", "old_desc", "new_desc"]
    by_kind = changes.select(F.explode("kinds").alias("group"), *example)
    involved = F.array_distinct(F.filter(F.array("old_rule", "new_rule"), lambda x: x.isNotNull()))
    by_rule = changes.select(
        F.explode(involved).alias("group"), F.element_at("kinds", 1).alias("primary"), *example
    )
    report.changed = changes.count()
    for kind, group in _groups(by_kind, F, Window, examples).items():
        report.kinds[ChangeKind(kind)] = group
    rules = _groups(by_rule, F, Window, examples)
    for row in by_rule.groupBy("group", "primary").count().collect():
        rules[row["group"]].kinds[row["primary"]] = int(row["count"])
    report.rules = rules
    return report


def _groups(rows: Any, F: Any, Window: Any, examples: int) -> dict[str, _Group]:  # noqa: N803
    """Per group: the number of changed queries and the ``examples`` most frequent examples,
    ties broken as the one-machine report breaks them (by query, old, new)."""
    groups: dict[str, _Group] = {}
    for row in rows.groupBy("group").count().collect():
        groups[row["group"]] = _Group(count=int(row["count"]))
    counted = rows.groupBy("group", "query", "old_desc", "new_desc").count()
    order = Window.partitionBy("group").orderBy(
        F.col("count").desc(), F.col("query"), F.col("old_desc"), F.col("new_desc")
    )
    top = counted.withColumn("rank", F.row_number().over(order)).where(F.col("rank") <= examples)
    for row in top.orderBy("group", "rank").collect():
        item = (row["query"], row["old_desc"], row["new_desc"])
        groups[row["group"]].top.add_counted(item, int(row["count"]))
    return groups
