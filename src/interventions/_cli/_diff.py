"""``interventions diff``: which queries of a log change decision between two rule sets."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from interventions._batch import InputFormat
from interventions._cli._batch import add_input_options, columns_from_args, engine_from_path
from interventions._cli._common import add_at_option
from interventions._cli._output import check_outputs, output_stream, write_text_output
from interventions._diff import DEFAULT_FAIL_ON, ChangeKind, diff_rules, parse_kinds
from interventions._errors import InputError
from interventions._report import render_diff_html
from interventions._report import render_diff_text as render_report
from interventions._tables import output_format

__all__ = ["register", "render_report"]

_DEFAULT = ",".join(k.value for k in ChangeKind if k in DEFAULT_FAIL_ON)


def register(sub: Any) -> None:
    kinds = ", ".join(k.value for k in ChangeKind)
    p: argparse.ArgumentParser = sub.add_parser(
        "diff",
        help="compare two rule sets over a query log",
        description="Run OLD and NEW (rules folders or compiled rule sets) over the query log "
        "and report the queries whose decision changes, by kind of change and by rule. Exit "
        "status: 0, or 1 when a change of a --fail-on kind occurred, or 2 on an error.",
    )
    p.add_argument("old", metavar="OLD", help="the rules before the change")
    p.add_argument("new", metavar="NEW", help="the rules after the change")
    p.add_argument(
        "--queries",
        required=True,
        metavar="LOG",
        help="query log (text, TSV or JSONL; '-' for stdin)",
    )
    add_input_options(p)
    p.add_argument(
        "--fail-on",
        default=_DEFAULT,
        metavar="KINDS",
        help=f"comma-separated kinds that make the exit status 1 (default: {_DEFAULT}; "
        f"'any' or 'never' also work). Kinds: {kinds}",
    )
    p.add_argument("-o", "--output", metavar="OUT", help="write each changed query as JSONL")
    p.add_argument("--summary", metavar="FILE", help="also write the report as JSON")
    p.add_argument("--html", metavar="REPORT", help="also write a self-contained HTML report")
    p.add_argument(
        "--examples", type=int, default=5, metavar="N", help="examples per group (default 5)"
    )
    add_at_option(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        fail_on = parse_kinds(args.fail_on)
    except ValueError as exc:
        raise InputError(f"--fail-on: {exc}") from exc
    check_outputs(
        [("-o", args.output), ("--summary", args.summary), ("--html", args.html)],
        [("OLD", args.old), ("NEW", args.new), ("--queries", args.queries)],
    )
    old = engine_from_path(args.old)
    new = engine_from_path(args.new)
    fmt = InputFormat(args.format) if args.format else None
    source = "-" if args.queries == "-" else Path(args.queries)
    name = "<stdin>" if args.queries == "-" else args.queries

    def on_error(line: int, message: str) -> None:
        print(f"{name}:{line}: {message}; skipped", file=sys.stderr)

    with _maybe_output(args.output) as out:
        report = diff_rules(
            old,
            new,
            source,
            out=out,
            locale=args.locale,
            jobs=args.jobs,
            fmt=fmt,
            fail_on=fail_on,
            on_error=on_error,
            at=args.at,
            columns=columns_from_args(args),
            out_format=output_format(args.output, args.output_format),
        )
    data = report.to_dict(args.examples)
    data["old"]["source"] = args.old
    data["new"]["source"] = args.new
    if args.summary:
        write_text_output(args.summary, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    if args.html:
        write_text_output(args.html, render_diff_html(data))
    sys.stdout.write(render_report(data) + "\n")
    return report.exit_code


@contextlib.contextmanager
def _maybe_output(path: str | None) -> Iterator[IO[bytes] | None]:
    if path is None:
        yield None
        return
    with output_stream(path) as out:
        yield out
