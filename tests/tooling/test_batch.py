"""``interventions batch``: a query log in, one JSON decision per query and a summary out."""

from __future__ import annotations

import io
import itertools
import json
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from interventions import Engine, load_rules
from interventions._batch import (
    CHUNK_LINES,
    MAX_LINE_BYTES,
    InputFormat,
    InputSpec,
    LineError,
    Progress,
    TopCounter,
    parse_line,
    run_batch,
    sniff_format,
)

from ..conftest import MINI_RULES
from ._batch_helpers import SAMPLE, SHIPPED, broken_copy, run_cli, sample_lines


def _records(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines()]


# -- the command on the shipped rules -------------------------------------------------------------


def test_batch_text_log_matches_engine_on_every_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    summary_path = tmp_path / "summary.json"
    code, out, err = run_cli(
        capsys, "batch", str(SAMPLE), "--rules", str(SHIPPED), "--summary", str(summary_path)
    )
    assert code == 0
    engine = Engine.default()
    lines = sample_lines()
    records = _records(out)
    assert [r["line"] for r in records] == [i for i, q in enumerate(lines, 1) if q.strip()]
    for record in records:
        query = lines[int(str(record["line"])) - 1]
        decision = engine.check(query)
        assert record["query"] == query
        assert record["action"] == decision.action.value
        assert record["rule_id"] == decision.rule_id
        assert record["category"] == decision.category
        spans = [m["span"] for m in record["matches"]]  # type: ignore[attr-defined]
        assert spans == [[m.start, m.end] for m in decision.matches]
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    assert summary["queries"] == len(records)
    assert sum(summary["actions"].values()) == len(records)
    assert summary["intervened"] > 0 and summary["actions"]["none"] > 0
    assert sum(r["decisions"] for r in summary["rules"].values()) == summary["intervened"]
    assert "batch:" in err and "actions:" in err and "rules:" in err


def test_batch_broken_rules_exit_2_with_file_and_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rules = broken_copy(tmp_path)
    code, out, err = run_cli(capsys, "batch", str(SAMPLE), "--rules", str(rules))
    assert code == 2
    assert out == ""
    assert "zz_broken.yaml:5:" in err and "zz.broken" in err and "action" in err


def test_batch_missing_log_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run_cli(capsys, "batch", str(tmp_path / "nope.txt"))
    assert code == 2
    assert "nope.txt: cannot read" in err


def test_undecodable_lines_are_reported_counted_and_skipped(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    log = tmp_path / "log.txt"
    log.write_bytes(b"#thinspo\n\xff\xfe broken\n\nbanana bread\n")
    summary_path = tmp_path / "s.json"
    code, out, err = run_cli(capsys, "batch", str(log), "--summary", str(summary_path))
    assert code == 1
    assert f"{log}:2: not valid UTF-8 (byte 0: 0xff); skipped" in err
    assert [r["line"] for r in _records(out)] == [1, 4]
    summary = json.loads(summary_path.read_text())
    assert (summary["lines"], summary["queries"], summary["blank"], summary["errors"]) == (
        4,
        2,
        1,
        1,
    )
    assert summary["error_examples"] == [{"line": 2, "error": "not valid UTF-8 (byte 0: 0xff)"}]


def test_jsonl_from_stdin_with_locales_and_bad_lines(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = (
        b'{"query": "#thinspo", "locale": "pl-PL"}\n'
        b'{"query": "banana bread"}\n'
        b"{not json\n"
        b'{"locale": "sv-SE"}\n'
        b'["#thinspo"]\n'
    )
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    code, out, err = run_cli(capsys, "batch", "-", "--locale", "en-GB")
    assert code == 1
    records = _records(out)
    assert [(r["line"], r.get("locale")) for r in records] == [(1, "pl-PL"), (2, None)]
    assert records[0]["action"] == Engine.default().check("#thinspo", locale="pl-PL").action.value
    assert "<stdin>:3: not JSON" in err
    assert '<stdin>:4: "query" is missing' in err
    assert "<stdin>:5: expected an object" in err


def test_tsv_with_header_uses_named_columns(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    log = tmp_path / "log.tsv"
    log.write_text("count\tlocale\tquery\n12\tsv-SE\t#thinspo\n3\t\tbanana bread\n1\n")
    code, out, err = run_cli(capsys, "batch", str(log))
    assert code == 1
    records = _records(out)
    assert [(r["line"], r["query"], r.get("locale")) for r in records] == [
        (2, "#thinspo", "sv-SE"),
        (3, "banana bread", None),
    ]
    assert f"{log}:4: no column 3 (the query)" in err


def test_format_option_overrides_sniffing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    log = tmp_path / "log.tsv"
    log.write_text('{"query": "x"}\ta\tb\n')
    code, out, _ = run_cli(capsys, "batch", str(log), "--format", "text")
    assert code == 0
    assert _records(out)[0]["query"] == '{"query": "x"}\ta\tb'


@pytest.mark.parametrize(
    ("first", "name", "expected"),
    [
        (b'{"query": "a"}\n', None, InputSpec(InputFormat.JSONL)),
        (b"{braces in a query}\n", None, InputSpec(InputFormat.TEXT)),
        (b"a query\twith a tab\n", None, InputSpec(InputFormat.TSV)),
        (b"query\tlocale\n", None, InputSpec(InputFormat.TSV, 0, 1, header=True)),
        (b"locale\tsearch\n", None, InputSpec(InputFormat.TSV, 1, 0, header=True)),
        (b"plain query\n", None, InputSpec(InputFormat.TEXT)),
        (b"plain query\n", "log.jsonl", InputSpec(InputFormat.JSONL)),
        (b'\xef\xbb\xbf{"query": "a"}\n', None, InputSpec(InputFormat.JSONL)),
    ],
)
def test_sniff_format(first: bytes, name: str | None, expected: InputSpec) -> None:
    assert sniff_format(first, name=name) == expected


def test_parse_line_errors() -> None:
    spec = InputSpec(InputFormat.JSONL)
    assert parse_line(b'{"query": "a", "locale": null}\n', spec) == ("a", None)
    assert parse_line(b"  \n", spec) is None
    with pytest.raises(LineError, match="locale"):
        parse_line(b'{"query": "a", "locale": 5}', spec)
    with pytest.raises(LineError, match="UTF-8"):
        parse_line(b"\xc3(", InputSpec(InputFormat.TEXT))


def test_overlong_line_is_skipped_without_holding_it(tmp_path: Path) -> None:
    log = tmp_path / "log.txt"
    log.write_bytes(b"a" * (3 * MAX_LINE_BYTES) + b"\n#thinspo\n")
    errors: list[tuple[int, str]] = []
    out = io.BytesIO()
    summary = run_batch(log, out=out, on_error=lambda n, m: errors.append((n, m)))
    assert errors and errors[0][0] == 1 and "longer than" in errors[0][1]
    assert [json.loads(x)["line"] for x in out.getvalue().splitlines()] == [2]
    assert summary.errors == 1


def test_lone_surrogate_in_jsonl_stays_valid_output() -> None:
    out = io.BytesIO()
    run_batch([b'{"query": "a\\ud800b #thinspo"}\n'], out=out, fmt=InputFormat.JSONL)
    record = json.loads(out.getvalue().decode("utf-8"))
    assert record["query"] == "a\ud800b #thinspo"


# -- jobs -------------------------------------------------------------------------------------


def test_jobs_2_gives_the_same_output_as_jobs_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # more than two chunks, so that ordering across workers is exercised
    lines = sample_lines()
    log = tmp_path / "log.txt"
    log.write_text("\n".join(itertools.islice(itertools.cycle(lines), 3 * CHUNK_LINES + 17)))
    outputs = []
    summaries = []
    for jobs in ("1", "2"):
        summary = tmp_path / f"s{jobs}.json"
        code, out, _ = run_cli(capsys, "batch", str(log), "--jobs", jobs, "--summary", str(summary))
        assert code == 0
        outputs.append(out)
        data = json.loads(summary.read_text())
        for volatile in ("jobs", "elapsed_seconds", "lines_per_second"):
            del data[volatile]
        summaries.append(data)
    assert outputs[0] == outputs[1]
    assert summaries[0] == summaries[1]
    assert len(outputs[0].splitlines()) == 3 * CHUNK_LINES + 17


# -- streaming in constant memory -----------------------------------------------------------------


class _Sink:
    """An output that keeps nothing, and notes how far the input had been read at each write."""

    def __init__(self, produced: list[int]) -> None:
        self.produced = produced
        self.writes = 0
        self.max_lead = 0

    def write(self, data: bytes) -> int:
        self.writes += 1
        self.max_lead = max(self.max_lead, self.produced[0] - self.writes)
        return len(data)


_WORDS = [
    b"banana",
    b"#thinspo",
    b"bread",
    b"weather",
    b"pro",
    b"ana",
    b"tips",
    b"help",
    b"x",
    b"y",
]


def _generated(n: int, produced: list[int]) -> Iterator[bytes]:
    """``n`` new line objects drawn from a small vocabulary (so that engine memos stay small
    and any growth would be the batch runner's)."""
    k = len(_WORDS)
    for i in range(n):
        produced[0] = i + 1
        yield b"%s %s %s\n" % (_WORDS[i % k], _WORDS[(i // k) % k], _WORDS[(i // k // k) % k])


def _cheap(n: int, produced: list[int]) -> Iterator[bytes]:
    for i in range(n):
        produced[0] = i + 1
        yield b"#thinspo\n" if i % 100 == 0 else b"x\n"


def test_200k_line_generator_is_streamed_not_materialized() -> None:
    produced = [0]
    sink = _Sink(produced)
    summary = run_batch(_cheap(200_000, produced), out=sink)  # type: ignore[arg-type]
    assert summary.queries == sink.writes == 200_000
    # the reader never runs more than one chunk ahead of the writer
    assert sink.max_lead <= CHUNK_LINES


def test_memory_does_not_grow_with_the_log() -> None:
    # the small test rules: each run compiles its engine under tracemalloc, which takes ~40 s
    # for the shipped rules on a 2-core machine, and their 35 MB peak would hide the runner's
    ruleset = load_rules(MINI_RULES)
    peaks = []
    for n in (3_000, 15_000):
        produced = [0]
        tracemalloc.start()
        try:
            lines = _generated(n, produced)
            run_batch(lines, ruleset=ruleset, out=_Sink(produced))  # type: ignore[arg-type]
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
    # five times the lines may not cost more than a little slack (holding the extra 12,000
    # input lines alone would take ~600 KB)
    assert peaks[1] < peaks[0] + 200_000, peaks


# -- the bounded top-N counter ---------------------------------------------------------------------


def test_top_counter_is_exact_below_capacity() -> None:
    top = TopCounter[str](capacity=10)
    for q in "abcabcaab":
        top.add(q)
    assert top.most_common(3) == [("a", 4, 0), ("b", 3, 0), ("c", 2, 0)]


def test_top_counter_keeps_heavy_hitters_in_bounded_space() -> None:
    top = TopCounter[str](capacity=50)
    heavy = ["heavy-1", "heavy-2", "heavy-3"]
    stream = []
    for i in range(20_000):
        stream.append(heavy[i % 3] if i % 4 == 0 else f"rare-{i}")
    for q in stream:
        top.add(q)
    assert len(top) == 50
    best = top.most_common(3)
    assert sorted(q for q, _, _ in best) == heavy
    for q, count, error in best:
        true = stream.count(q)
        assert count - error <= true <= count


def test_progress_only_on_a_terminal() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Tty()
    progress = Progress(stream=tty)
    progress.update(1234, force=True)
    progress.clear()
    assert "1,234 lines" in tty.getvalue() and "lines/s" in tty.getvalue()
    plain = io.StringIO()
    quiet = Progress(stream=plain)
    quiet.update(1234, force=True)
    assert plain.getvalue() == ""
