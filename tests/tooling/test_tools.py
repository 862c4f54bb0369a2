"""``interventions.tools``: the tooling a CI job or notebook imports, on the stable mini rules."""

from __future__ import annotations

import doctest
import io
import json
import shutil
from pathlib import Path

import pytest

from interventions import RuleFileError, load_rules, tools
from interventions._artifact import write_artifact
from interventions.tools import (
    ChangeKind,
    Severity,
    VocabWord,
    diff_rules,
    lint_rules,
    read_vocabulary,
    run_batch,
    run_rule_tests,
)

from ..conftest import MINI_RULES

QUERIES = ["proana", "banana bread", "", "thinspo", "meanspo"]


def test_batch_takes_a_folder_a_ruleset_or_an_artefact(tmp_path: Path) -> None:
    artefact = tmp_path / "mini.irs"
    write_artifact(load_rules(MINI_RULES), artefact)
    summaries = [
        run_batch(QUERIES, ruleset=rules).to_dict()
        for rules in (MINI_RULES, str(MINI_RULES), load_rules(MINI_RULES), artefact)
    ]
    for s in summaries:
        del s["elapsed_seconds"], s["lines_per_second"]
    assert all(s == summaries[0] for s in summaries)
    assert summaries[0]["queries"] == 4 and summaries[0]["blank"] == 1
    assert summaries[0]["actions"]["block"] == 1


def test_batch_writes_jsonl_and_reports_unreadable_lines(tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    log.write_text('{"query": "proana"}\n{"query": 42}\n', encoding="utf-8")
    errors: list[tuple[int, str]] = []
    out = io.BytesIO()
    summary = run_batch(
        log, ruleset=MINI_RULES, out=out, fmt="jsonl", on_error=lambda n, m: errors.append((n, m))
    )
    assert [json.loads(line)["rule_id"] for line in out.getvalue().splitlines()] == ["t.block"]
    assert summary.errors == 1 and errors[0][0] == 2


def test_diff_reports_and_gates(tmp_path: Path) -> None:
    new = tmp_path / "new"
    shutil.copytree(MINI_RULES, new)
    harm = new / "harm.yaml"
    harm.write_text(harm.read_text(encoding="utf-8").replace("action: redirect", "action: block"))
    report = diff_rules(MINI_RULES, new, QUERIES)
    assert report.changed == 1
    assert report.exit_code == 1 and ChangeKind.NEWLY_BLOCKED in report.failing
    assert diff_rules(MINI_RULES, new, QUERIES, fail_on=["rule_changed"]).exit_code == 0
    with pytest.raises(ValueError):
        diff_rules(MINI_RULES, new, QUERIES, fail_on=["sooner_or_later"])


def test_lint_returns_findings_with_a_vocabulary(tmp_path: Path) -> None:
    words = tmp_path / "words.txt"
    words.write_text("banana\nthinspiring\tsv\n", encoding="utf-8")
    vocab = read_vocabulary(words)
    assert vocab[1] == VocabWord("thinspiring", "sv", 2, "words.txt")
    findings = lint_rules(MINI_RULES, vocab=vocab)
    assert not [f for f in findings if f.severity is Severity.ERROR]
    assert all(isinstance(f.render(), str) for f in findings)


def test_lint_reports_a_broken_file_as_a_finding(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(MINI_RULES, rules)
    (rules / "zz.yaml").write_text("category: x\ncard: support\nrules: 3\n", encoding="utf-8")
    findings = lint_rules(rules, vocab=[])
    assert [f.code for f in findings if f.severity is Severity.ERROR] == ["SCHEMA"]


def test_rule_tests_pass_and_fail_without_raising(tmp_path: Path) -> None:
    assert run_rule_tests(MINI_RULES).ok
    cases = tmp_path / "cases.tsv"
    cases.write_text("query\taction\nproana\tblock\nbanana bread\tblock\n", encoding="utf-8")
    report = run_rule_tests(MINI_RULES, [cases])
    assert not report.ok and report.failed == 1
    assert report.summary().endswith("1 failed")
    assert "<testsuites" in report.to_junit()


def test_rule_tests_raise_for_rules_that_do_not_load(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="no such rules folder"):
        run_rule_tests(tmp_path / "missing")
    rules = tmp_path / "rules"
    shutil.copytree(MINI_RULES, rules)
    (rules / "zz.yaml").write_text("category: x\ncard: support\nrules: 3\n", encoding="utf-8")
    with pytest.raises(RuleFileError):
        run_rule_tests(rules)


def test_the_docstring_examples() -> None:
    result = doctest.testmod(tools)
    assert result.attempted > 0 and result.failed == 0


def test_batch_and_diff_take_the_cli_table_options(tmp_path: Path) -> None:
    """Named columns, a moment and a table output, as `batch --query-column ... --at ... -o
    x.csv` has them: the library API is not a smaller tool than the CLI."""
    import datetime as dt

    import pyarrow as pa
    import pyarrow.parquet as pq

    log = tmp_path / "log.parquet"
    pq.write_table(pa.table({"q": ["#thinspo", "banana bread"], "loc": ["pl-PL", None]}), log)
    out = io.BytesIO()
    summary = tools.run_batch(
        log,
        ruleset=MINI_RULES,
        query_column="q",
        locale_column="loc",
        at=dt.datetime(2026, 11, 30, tzinfo=dt.UTC),
        out=out,
        out_format="csv",
    )
    assert (summary.queries, summary.intervened) == (2, 1)
    header, first, *_ = out.getvalue().decode().splitlines()
    assert header.startswith("line,query,locale,action,") and first.startswith("1,#thinspo,pl-PL,")
    with pytest.raises(ValueError):
        tools.run_batch(["x"], ruleset=MINI_RULES, out_format="xml")
    report = tools.diff_rules(MINI_RULES, MINI_RULES, log, query_column="q", locale_column="loc")
    assert report.changed == 0
