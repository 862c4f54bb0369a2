"""Parquet and CSV logs in and out of ``batch`` and ``diff``, and columns decided by Arrow."""

from __future__ import annotations

import datetime as dt
import io
import json
import pickle
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from interventions import Engine
from interventions._batch import InputFormat, InputSpec, _BatchWorker, run_batch
from interventions._cli import main
from interventions._diff import diff_rules
from interventions._tables import Columns, OutputFormat
from interventions.arrow import DECISION_FIELDS, decide

SAMPLE = Path(__file__).parents[2] / "benchmarks" / "data" / "sample_queries.txt"
QUERIES = [q for q in SAMPLE.read_text(encoding="utf-8").splitlines() if q.strip()]
CAMPAIGN = dt.datetime(2026, 11, 30, 12)  # inside the 16 Days of Activism window
LATER = dt.datetime(2027, 2, 1)


def _log(tmp_path: Path) -> Path:
    """A Parquet log: queries with nulls and blanks, per-row locales and moments."""
    queries: list[str | None] = [*QUERIES, None, "", "my boyfriend hits me", "my boyfriend hits me"]
    n = len(queries)
    locales = [("pl-PL", None, "sv-SE")[i % 3] for i in range(n)]
    moments = [None] * (n - 2) + [CAMPAIGN, LATER]
    path = tmp_path / "log.parquet"
    pq.write_table(
        pa.table(
            {
                "query": pa.array(queries, pa.string()),
                "locale": pa.array(locales, pa.string()),
                "timestamp": pa.array(moments, pa.timestamp("ms", tz="UTC")),
            }
        ),
        path,
        row_group_size=100,
    )
    return path


def _jsonl_log(tmp_path: Path) -> Path:
    """The same rows as JSONL (without the moments), the format batch always read."""
    table = pq.read_table(_log(tmp_path))
    lines = []
    columns = table.column("query").to_pylist(), table.column("locale").to_pylist()
    for q, loc in zip(*columns, strict=True):
        lines.append(json.dumps({"query": q or "", "locale": loc}) if q else "")
    path = tmp_path / "log.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_parquet_log_decides_as_the_same_jsonl_log(tmp_path: Path) -> None:
    engine = Engine.default()
    parquet, jsonl = _log(tmp_path), _jsonl_log(tmp_path)
    got, want = io.BytesIO(), io.BytesIO()
    s1 = run_batch(parquet, ruleset=engine, out=got, at=LATER)
    s2 = run_batch(jsonl, ruleset=engine, out=want, at=LATER)
    assert s1.queries == s2.queries == len(QUERIES) + 2 and s1.blank == 2
    # the last two rows carry their own moments: only the campaign one gets the campaign card
    rows = [json.loads(x) for x in got.getvalue().splitlines()]
    assert rows[:-2] == [json.loads(x) for x in want.getvalue().splitlines()][:-2]
    campaign = Engine.default().check("my boyfriend hits me", locale="pl-PL", at=CAMPAIGN)
    assert campaign.card is not None and campaign.card.campaign == "sixteen_days"


def test_the_time_column_is_the_moment_of_each_row(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(
        "query,locale,timestamp\n"
        "my boyfriend hits me,pl-PL,2026-11-30\n"
        "my boyfriend hits me,pl-PL,2027-02-01T10:00:00+00:00\n"
        "my boyfriend hits me,pl-PL,\n"
        "x,,not a date\n",
        encoding="utf-8",
    )
    out, errors = io.BytesIO(), []
    summary = run_batch(
        path,
        out=out,
        out_format=OutputFormat.CSV,
        at=LATER,
        on_error=lambda n, m: errors.append((n, m)),
    )
    assert errors == [(5, "time: 'not a date' is not an ISO date or time")]
    assert summary.lines == 5 and summary.queries == 3 and summary.errors == 1
    text = out.getvalue().decode()
    assert text.splitlines()[0] == ",".join(
        (
            "line",
            "query",
            "locale",
            "action",
            "category",
            "rule_id",
            "card",
            "intent",
            "matched",
            "shadow",
            "truncated",
        )
    )
    engine = Engine.default()
    cards = [
        engine.check("my boyfriend hits me", locale="pl-PL", at=when).card
        for when in (CAMPAIGN, LATER, LATER)
    ]
    assert cards[0] is not None and cards[0].campaign == "sixteen_days"
    assert cards[1] is not None and cards[1].campaign is None


def test_parquet_out_has_typed_columns(tmp_path: Path) -> None:
    out = io.BytesIO()
    run_batch(_log(tmp_path), out=out, out_format=OutputFormat.PARQUET)
    table = pq.read_table(io.BytesIO(out.getvalue()))
    assert table.schema.field("matched").type == pa.list_(pa.string())
    assert table.schema.field("line").type == pa.int64()
    first = table.slice(0, 1).to_pylist()[0]
    d = Engine.default().check(QUERIES[0], locale="pl-PL")
    assert first["action"] == d.action.value and first["line"] == 1
    assert table.num_rows == len(QUERIES) + 2


def test_columns_can_be_named(tmp_path: Path) -> None:
    path = tmp_path / "named.parquet"
    pq.write_table(
        pa.table({"id": [1, 2], "q": ["#thinspo", "banana bread"], "lang": ["sv", None]}), path
    )
    summary = run_batch(path, columns=Columns(query="q", locale="lang"))
    assert summary.queries == 2 and summary.actions["redirect"] == 1
    with pytest.raises(Exception, match="no query column 'nope'"):
        run_batch(path, columns=Columns(query="nope"))


def test_cli_batch_and_diff_with_parquet_and_jobs_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = _log(tmp_path)
    for jobs in ("1", "2"):
        out = tmp_path / f"d{jobs}.parquet"
        code = main(
            [
                "batch",
                str(log),
                "-o",
                str(out),
                "--jobs",
                jobs,
                "--summary",
                str(tmp_path / f"s{jobs}.json"),
            ]
        )
        assert code == 0, capsys.readouterr().err
    assert pq.read_table(tmp_path / "d1.parquet").equals(pq.read_table(tmp_path / "d2.parquet"))
    s1, s2 = (json.loads((tmp_path / f"s{j}.json").read_text()) for j in "12")
    for volatile in ("jobs", "elapsed_seconds", "lines_per_second"):
        s1.pop(volatile), s2.pop(volatile)
    assert s1 == s2
    code = main(
        [
            "diff",
            "rules",
            "rules",
            "--queries",
            str(log),
            "-o",
            str(tmp_path / "c.csv"),
            "--jobs",
            "2",
        ]
    )
    assert code == 0
    assert (tmp_path / "c.csv").read_text().splitlines() == [
        "line,query,locale,kinds,old_action,old_category,old_rule_id,old_card,"
        "new_action,new_category,new_rule_id,new_card"
    ]


def test_diff_of_a_table_writes_parquet_changes(tmp_path: Path) -> None:
    old = Engine.default()
    new = Engine.from_path(Path(__file__).parents[1] / "data" / "mini_rules")
    out = io.BytesIO()
    report = diff_rules(old, new, _log(tmp_path), out=out, out_format=OutputFormat.PARQUET)
    table = pq.read_table(io.BytesIO(out.getvalue()))
    assert table.num_rows == report.changed > 0
    assert table.schema.field("kinds").type == pa.list_(pa.string())


def test_workers_get_the_engine_not_the_rules_to_compile() -> None:
    engine = Engine.default()
    worker = _BatchWorker(engine, InputSpec(InputFormat.TEXT), None)
    shipped = pickle.loads(pickle.dumps(worker))
    assert shipped.engine is not engine and shipped.engine.version == engine.version


# -- interventions.arrow ------------------------------------------------------------------------


def test_decide_an_arrow_column_with_locales_and_moments() -> None:
    engine = Engine.default()
    queries = pa.chunked_array([["#thinspo", None], ["my boyfriend hits me", "banana bread"]])
    locales = pa.array(["sv-SE", "pl-PL", None, "pl-PL"])
    moments = pa.array([None, None, CAMPAIGN, None], pa.timestamp("s"))
    table = decide(queries, locales=locales, at=moments, engine=engine)
    assert table.column_names == list(DECISION_FIELDS)
    rows = table.to_pylist()
    assert rows[1] == dict.fromkeys(DECISION_FIELDS)  # a null query: a null decision
    assert rows[0]["action"] == "redirect" and rows[0]["matched"][0] == "ed.thinspo"
    d = engine.check("my boyfriend hits me", at=CAMPAIGN)
    assert rows[2]["card"] == (d.card.id if d.card else None)
    assert rows[3] == {
        **dict.fromkeys(DECISION_FIELDS),
        "action": "none",
        "matched": [],
        "shadow": [],
        "truncated": False,
    }


def test_pandas_nulls_never_raise() -> None:
    pd = pytest.importorskip("pandas")
    np = pytest.importorskip("numpy")
    engine = Engine.default()
    df = pd.DataFrame(
        {
            "q": ["#thinspo", "banana bread", None, "proana"],
            "loc": ["sv-SE", np.nan, pd.NA, None],
            "ts": [pd.NaT, pd.Timestamp("2026-11-30"), pd.NaT, pd.NaT],
        }
    )
    got = decide(df["q"], locales=df["loc"], at=df["ts"], engine=engine).column("action")
    assert got.to_pylist() == ["redirect", "none", None, "redirect"]
    all_nan = pd.Series([np.nan] * 4)
    assert decide(df["q"], locales=all_nan, engine=engine).num_rows == 4
    assert decide(df["q"].astype("string"), engine=engine).column("action")[0].as_py() == "redirect"


def test_decide_refuses_what_is_not_text() -> None:
    with pytest.raises(TypeError, match="queries must hold strings"):
        decide(pa.array([1, 2]), engine=Engine.default())
    with pytest.raises(ValueError, match="2 queries but 1 locales"):
        decide(["a", "b"], locales=["pl"], engine=Engine.default())
