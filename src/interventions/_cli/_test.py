"""``interventions test``: run every rule's examples and any case files; exit 1 on a failure."""

from __future__ import annotations

import argparse
import textwrap
from pathlib import Path
from typing import Any

from interventions._cli._output import check_outputs, write_text_output
from interventions._engine import Engine, default_rules_path
from interventions._testing import CASE_COLUMNS, RunReport, read_cases, run_rule_tests

__all__ = ["register"]

_EPILOG = f"""\
case files:
  TSV with the header {"<TAB>".join(CASE_COLUMNS)}
  or YAML: a list of {{query, locale, action, category, rule}}. Empty fields are not checked;
  action 'none' expects no intervention; rule '!ed.x' expects ed.x not to match at all.

exit status: 0 all passed; 1 a case failed; 2 rules or case files could not be read.
"""


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "test",
        help="run the rules' inline examples and case files",
        description="Run every rule's examples (match examples must produce a match of their "
        "rule; no_match examples must not) and the case files CASES against RULES (default: "
        "the shipped rules). Failures are printed with the explain trace.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("rules", nargs="?", help="rules folder (default: the shipped rules)")
    p.add_argument("cases", nargs="*", help="case files (.tsv or .yaml)")
    p.add_argument("--junit", metavar="FILE", help="also write JUnit XML to FILE")
    p.add_argument("-v", "--verbose", action="store_true", help="list passing cases too")
    p.add_argument("--no-trace", action="store_true", help="do not print explain traces")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    rules = args.rules or str(default_rules_path())
    check_outputs(
        [("--junit", args.junit)], [("RULES", rules), *(("CASES", c) for c in args.cases)]
    )
    for path in args.cases:
        read_cases(Path(path))  # a broken case file fails before the rules are compiled
    engine = Engine.from_path(rules)
    report = run_rule_tests(rules, args.cases, engine=engine)
    print_report(report, verbose=args.verbose, trace=not args.no_trace)
    if args.junit:
        write_text_output(args.junit, report.to_junit())
    return 0 if report.ok else 1


def print_report(report: RunReport, *, verbose: bool = False, trace: bool = True) -> None:
    for r in report.results:
        c = r.case
        who = c.rule or "-"
        if r.failure is not None:
            print(f"FAIL {c.location} {who} {c.name}: {r.failure}")
            if trace:
                print(textwrap.indent(r.trace, "    "))
        elif r.skipped is not None and verbose:
            print(f"SKIP {c.location} {who} {c.name}: {r.skipped}")
        elif verbose:
            print(f"PASS {c.location} {who} {c.name}")
    if report.uncovered:
        print(
            f"coverage: {len(report.uncovered)} rule(s) without a passing positive case: "
            + ", ".join(report.uncovered)
        )
    else:
        print("coverage: every rule has a passing positive case")
    print(report.summary())
