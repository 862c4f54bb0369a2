"""``interventions test``: inline examples and case files, failures with traces, JUnit XML."""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from interventions._cli import main
from interventions._engine import Engine
from interventions._model import Action
from interventions._testing import (
    CaseFileError,
    CaseKind,
    inline_cases,
    read_cases,
    run_cases,
    run_rule_tests,
)
from tests.tooling.conftest import SHIPPED, BrokenRules

SUMMARY_RE = re.compile(r"^(\d+) passed, (\d+) failed(, \d+ skipped)?$")


@pytest.fixture(scope="module")
def shipped() -> Engine:
    return Engine.from_path(SHIPPED)


# -- the shipped rules -------------------------------------------------------------------------


def test_shipped_examples_all_pass(shipped: Engine) -> None:
    report = run_rule_tests(SHIPPED, engine=shipped)
    failures = [
        f"{r.case.location} {r.case.name}: {r.failure}" for r in report.results if r.failure
    ]
    assert failures == []
    assert report.uncovered == ()
    cases = inline_cases(shipped.ruleset)
    assert report.passed == len(cases) > 0
    assert {c.kind for c in cases} == {CaseKind.MATCH, CaseKind.NO_MATCH}


def test_cli_on_shipped_rules(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    junit = tmp_path / "junit.xml"
    assert main(["test", str(SHIPPED), "--junit", str(junit)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-2] == "coverage: every rule has a passing positive case"
    m = SUMMARY_RE.match(lines[-1])
    assert m and int(m.group(1)) > 100 and m.group(2) == "0"
    root = ET.parse(junit).getroot()
    assert root.tag == "testsuites" and root.get("failures") == "0"
    assert int(root.get("tests", "0")) == int(m.group(1))


# -- broken copies -----------------------------------------------------------------------------

FAILING = """\
category: zz_test
card: ed_support
rules:
  - id: zz.thin
    action: interstitial
    terms: [zzthin]
    examples:
      match: ["zzthin", "zzthick"]
      no_match: ["zzthin mint"]
  - id: zz.sv
    action: banner
    languages: [sv]
    terms: [zzfick]
    examples:
      match: [{query: zzfick, locale: sv-SE}, zzfick]
  - id: zz.old
    action: banner
    status: deprecated
    terms: [zzold]
    examples: {match: [zzold]}
"""


def test_failing_examples_are_reported_with_trace(
    broken_rules: BrokenRules, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = broken_rules(rules=FAILING)
    junit = tmp_path / "out.xml"
    assert main(["test", str(root), "--junit", str(junit)]) == 1
    out = capsys.readouterr().out
    fails = [line for line in out.splitlines() if line.startswith("FAIL ")]
    assert len(fails) == 3
    assert re.search(
        r"^FAIL \S+zz_broken\.yaml:8 zz\.thin match: 'zzthick': expected a match of zz\.thin, "
        r"got no match$",
        out,
        re.M,
    )
    assert re.search(
        r"^FAIL \S+zz_broken\.yaml:9 zz\.thin no_match: 'zzthin mint': expected no match of "
        r"zz\.thin, but term 'zzthin' matched 'zzthin'$",
        out,
        re.M,
    )
    # a scoped rule's example without a locale fails, and says why
    assert "give the example a locale" in out
    # the explain trace follows each failure, indented
    assert "\n    query: 'zzthick'\n    normalization:" in out
    assert "\n    decision: interstitial (zz_test, zz.thin)" in out
    summary = out.splitlines()[-1]
    m = SUMMARY_RE.match(summary)
    assert m and m.group(2) == "3" and m.group(3) == ", 1 skipped"
    root_xml = ET.parse(junit).getroot()
    assert root_xml.get("failures") == "3" and root_xml.get("skipped") == "1"
    suite = next(s for s in root_xml if s.get("name") == "zz.thin")
    failed = [c for c in suite if c.find("failure") is not None]
    assert [c.get("name") for c in failed] == ["match: 'zzthick'", "no_match: 'zzthin mint'"]
    failure = failed[0].find("failure")
    assert failure is not None and "normalization:" in (failure.text or "")


def test_coverage_lists_rules_without_a_passing_positive_case(broken_rules: BrokenRules) -> None:
    root = broken_rules(rules=FAILING.replace('match: ["zzthin", "zzthick"]', 'match: ["zzthick"]'))
    report = run_rule_tests(root)
    assert report.uncovered == ("zz.thin",)  # zz.sv passes with its locale; zz.old is deprecated
    assert not report.ok


# -- case files --------------------------------------------------------------------------------

TSV = (
    "query\tlocale\taction\tcategory\trule\n"
    "#thinspo\t\tredirect\teating_disorder\ted.thinspo\n"
    "banana bread\ten-US\tnone\t\t\n"
    "#thinspo\t\tbanner\t\t\n"
    "Anaheim hotels\t\t\t\t!ed.topic\n"
    "\n"
)

YAML = """\
- {query: "#thinspo", action: redirect, rule: ed.thinspo}
- {query: "anti thinspo", action: banner, category: eating_disorder, rule: ed.topic}
- {query: "banana bread", rule: "!ed.topic"}
- {query: "banana bread", category: eating_disorder}
"""


def test_case_files(tmp_path: Path, shipped: Engine) -> None:
    tsv = tmp_path / "cases.tsv"
    tsv.write_text(TSV, encoding="utf-8")
    yml = tmp_path / "cases.yaml"
    yml.write_text(YAML, encoding="utf-8")
    cases = read_cases(tsv)
    assert [c.line for c in cases] == [2, 3, 4, 5]
    assert cases[1].action is Action.NONE and cases[1].locale == "en-US"
    assert cases[0].category == "eating_disorder" and cases[2].rule is None
    report = run_cases(shipped, [*cases, *read_cases(yml)])
    failed = [(r.case.location, r.failure) for r in report.results if r.failure]
    assert failed == [
        (f"{tsv}:4", "expected action banner, got redirect"),
        (f"{yml}:4", "expected category eating_disorder, got none"),
    ]
    assert report.summary() == "6 passed, 2 failed"


def test_cli_with_case_files(
    tmp_path: Path, broken_rules: BrokenRules, capsys: pytest.CaptureFixture[str]
) -> None:
    tsv = tmp_path / "cases.tsv"
    tsv.write_text(TSV, encoding="utf-8")
    assert main(["test", str(SHIPPED), str(tsv), "--no-trace"]) == 1
    out = capsys.readouterr().out
    assert f"FAIL {tsv}:4 - case: '#thinspo': expected action banner, got redirect" in out
    assert "query:" not in out  # --no-trace


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("c.tsv", "q\tlocale\n", "the header must name the columns"),
        ("c.tsv", "query\taction\nx\tnuke\n", r"c\.tsv:2: action must be one of"),
        ("c.tsv", "query\taction\n\tnone\n", "the query is empty"),
        ("c.tsv", "query\nx\ty\n", "2 fields for 1 columns"),
        ("c.yaml", "- {query: x, colour: red}\n", "unknown key 'colour'"),
        ("c.yaml", "- {query: x, locale: 12}\n", "locale must be text"),
        ("c.yaml", "query: x\n", "a YAML case file is a list"),
        ("c.csv", "query\n", "case files are .tsv or .yaml"),
    ],
)
def test_bad_case_files(
    tmp_path: Path, name: str, text: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CaseFileError, match=message):
        read_cases(path)
    assert main(["test", str(SHIPPED), str(path)]) == 2
    assert "error:" in capsys.readouterr().err


def test_rules_that_do_not_load_exit_2(
    broken_rules: BrokenRules, capsys: pytest.CaptureFixture[str]
) -> None:
    root = broken_rules(rules=FAILING.replace("action: banner", "action: nuke", 1))
    assert main(["test", str(root)]) == 2
    assert "action must be one of" in capsys.readouterr().err
