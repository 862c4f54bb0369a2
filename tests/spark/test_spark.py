"""Spark local mode: decisions and the diff equal the one-machine ones, exactly."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from interventions import Engine
from interventions._artifact import write_artifact
from interventions._diff import diff_rules
from interventions._loader import load_rules
from interventions.arrow import decide as decide_column

pytestmark = pytest.mark.spark

ROOT = Path(__file__).parents[2]
SAMPLE = ROOT / "benchmarks" / "data" / "sample_queries.txt"
LOCALES = [None, "pl-PL", "sv-SE", "en-GB", "de-DE"]


@pytest.fixture(scope="module")
def rule_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """The shipped rules compiled, a changed copy compiled, and a Parquet log."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    root = tmp_path_factory.mktemp("spark")
    new_rules = root / "new-rules"
    shutil.copytree(ROOT / "rules", new_rules)
    ed = new_rules / "eating_disorders.yaml"
    text = ed.read_text(encoding="utf-8")
    start = text.index("id: ed.thinspo\n")
    end = text.index("action: redirect", start)
    ed.write_text(text[:end] + "action: block" + text[end + 16 :], encoding="utf-8")
    old_file, new_file = root / "old.irs", root / "new.irs"
    write_artifact(load_rules(ROOT / "rules"), old_file)
    write_artifact(load_rules(new_rules), new_file)
    queries: list[str | None] = []
    for q in SAMPLE.read_text(encoding="utf-8").splitlines():
        queries.append(q)
    queries = queries * 5 + [None, "", "   ", "my boyfriend hits me"]
    n = len(queries)
    locales = [LOCALES[i % len(LOCALES)] for i in range(n)]
    moments = [dt.datetime(2026, 11, 30) if i % 3 == 0 else None for i in range(n)]
    table = pa.table(
        {
            "query": pa.array(queries, pa.string()),
            "locale": pa.array(locales, pa.string()),
            "timestamp": pa.array(moments, pa.timestamp("us")),
        }
    )
    log = root / "log.parquet"
    pq.write_table(table, log, row_group_size=300)
    return old_file, new_file, log


def _volatile(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if k not in ("input", "format", "elapsed_seconds")}


def test_spark_diff_equals_the_one_machine_diff(spark: Any, rule_files: tuple[Path, ...]) -> None:
    from interventions.spark import diff

    old, new, log = rule_files
    here = diff_rules(Engine.load(old), Engine.load(new), log)
    df = spark.read.parquet(str(log)).repartition(3)  # order must not matter
    there = diff(df, old, new, locale="locale", moment="timestamp", name=str(log))
    assert here.changed > 0 and here.exit_code == 1
    assert _volatile(there.to_dict()) == _volatile(here.to_dict())
    assert there.to_dict(2) == {**there.to_dict(2), **_volatile(here.to_dict(2))}
    assert there.exit_code == here.exit_code and there.failing == here.failing
    assert there.render().splitlines()[2:] == here.render().splitlines()[2:]
    assert _html_body(there.to_html()) == _html_body(here.to_html())


def _html_body(page: str) -> str:
    # the page names its input and its timing; everything else must be the same
    return "\n".join(
        line for line in page.splitlines() if "log.parquet" not in line and " s<" not in line
    )


def test_spark_decide_equals_the_arrow_column(spark: Any, rule_files: tuple[Path, ...]) -> None:
    import pyarrow.parquet as pq

    from interventions.spark import decide

    old, _, log = rule_files
    df = spark.read.parquet(str(log))
    got = decide(df, old, locale="locale", moment="timestamp").toArrow()
    table = pq.read_table(log)
    want = decide_column(
        table.column("query"),
        locales=table.column("locale"),
        at=table.column("timestamp"),
        engine=Engine.load(old),
    )
    for name in want.column_names:
        assert got.column(name).to_pylist() == want.column(name).to_pylist(), name
    assert got.column("query").to_pylist() == table.column("query").to_pylist()


def test_the_spark_submit_example_runs(rule_files: tuple[Path, ...], tmp_path: Path) -> None:
    old, new, log = rule_files
    submit = Path(sys.executable).parent / "spark-submit"
    html = tmp_path / "diff.html"
    result = subprocess.run(
        [
            str(submit),
            "--master",
            "local[2]",
            "--conf",
            "spark.ui.enabled=false",
            "--files",
            f"{old},{new}",
            str(ROOT / "tools" / "spark_diff.py"),
            old.name,
            new.name,
            str(log),
            "--locale-column",
            "locale",
            "--time-column",
            "timestamp",
            "--html",
            str(html),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PYSPARK_PYTHON": sys.executable},
        timeout=600,
        check=False,
    )
    assert result.returncode == 1, result.stderr[-3000:]  # newly_blocked fails the gate
    assert "gate: FAIL (newly_blocked" in result.stdout
    here = diff_rules(Engine.load(old), Engine.load(new), log)
    printed = result.stdout.splitlines()
    start = next(i for i, line in enumerate(printed) if line.startswith("diff: "))
    assert printed[start + 2 :] == here.render().splitlines()[2:]
    assert "<html" in html.read_text(encoding="utf-8")
