"""``interventions batch``: a query log in, JSONL decisions and a summary out."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from interventions._artifact import ruleset_from_path
from interventions._batch import TOP_QUERIES, InputFormat, Progress, run_batch
from interventions._cli._common import add_at_option
from interventions._cli._output import check_outputs, output_stream, write_text_output
from interventions._engine import Engine
from interventions._model import RuleSet
from interventions._report import render_batch_html
from interventions._tables import Columns, OutputFormat, output_format

__all__ = [
    "add_input_options",
    "columns_from_args",
    "engine_from_path",
    "register",
    "render_summary",
    "ruleset_from_args",
]


def add_input_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--locale", help="locale for queries that do not carry one (e.g. pl-PL)")
    p.add_argument(
        "--format",
        choices=[f.value for f in InputFormat],
        help="input layout (default: from the file suffix, else from the first line); "
        "parquet needs the arrow extra",
    )
    p.add_argument(
        "--query-column", metavar="NAME", help="CSV/Parquet: the query column (default: query)"
    )
    p.add_argument(
        "--locale-column", metavar="NAME", help="CSV/Parquet: each row's locale (default: locale)"
    )
    p.add_argument(
        "--time-column",
        metavar="NAME",
        help="CSV/Parquet: each row's moment, a timestamp, date or ISO string, decided as at "
        "that moment (default: a column named timestamp, at, ts or time)",
    )
    p.add_argument(
        "--output-format",
        choices=[f.value for f in OutputFormat],
        help="what -o writes (default: from its suffix, .parquet or .csv, else jsonl)",
    )
    p.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=1,
        metavar="N",
        help="worker processes (default 1; 0 = one per CPU)",
    )


def columns_from_args(args: argparse.Namespace) -> Columns:
    return Columns(args.query_column, args.locale_column, args.time_column)


def engine_from_path(path: str | None) -> Engine:
    """The engine of a compiled rule set (read, not compiled), of a rules folder (compiled), or
    of the shipped rules when ``path`` is None."""
    if path and Path(path).is_file():
        return Engine.load(path)
    return Engine(ruleset_from_path(path)) if path else Engine.default()


def ruleset_from_args(path: str | None) -> RuleSet:
    """A rules folder or compiled artefact, or the shipped rules when ``path`` is None."""
    if path:
        return ruleset_from_path(path)
    return Engine.default().ruleset


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "batch",
        help="run the rules over a query log: JSONL decisions and a summary",
        description="Check every query of QUERIES (plain text, TSV or JSONL; '-' for stdin) "
        "and write one JSON decision per query. A summary goes to stderr. Exit status: 0, or 1 "
        "when some lines could not be read (they are reported and skipped), or 2 on an error.",
    )
    p.add_argument("queries", metavar="QUERIES", help="query log file, or '-' for stdin")
    p.add_argument(
        "--rules", metavar="PATH", help="rules folder or compiled rule set (default: shipped)"
    )
    add_input_options(p)
    p.add_argument("-o", "--output", metavar="OUT", help="write decisions here (default stdout)")
    p.add_argument("--summary", metavar="FILE", help="also write the summary as JSON")
    p.add_argument("--html", metavar="REPORT", help="also write a self-contained HTML report")
    p.add_argument(
        "--top",
        type=int,
        default=TOP_QUERIES,
        metavar="N",
        help=f"top queries kept per rule in the summary (default {TOP_QUERIES})",
    )
    add_at_option(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    check_outputs(
        [("-o", args.output), ("--summary", args.summary), ("--html", args.html)],
        [("QUERIES", args.queries), ("--rules", args.rules)],
    )
    engine = engine_from_path(args.rules)
    fmt = InputFormat(args.format) if args.format else None
    out_format = output_format(args.output, args.output_format)
    source = "-" if args.queries == "-" else Path(args.queries)
    progress = Progress()
    name = "<stdin>" if args.queries == "-" else args.queries

    def on_error(line: int, message: str) -> None:
        progress.message(f"{name}:{line}: {message}; skipped" if line else f"{name}: {message}")

    with output_stream(args.output) as out:
        summary = run_batch(
            source,
            ruleset=engine,
            out=out,
            locale=args.locale,
            jobs=args.jobs,
            fmt=fmt,
            top_n=args.top,
            on_error=on_error,
            progress=progress,
            at=args.at,
            columns=columns_from_args(args),
            out_format=out_format,
        )
    data = summary.to_dict()
    if args.summary:
        write_text_output(args.summary, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    if args.html:
        write_text_output(args.html, render_batch_html(data))
    print(render_summary(data), file=sys.stderr)
    return 1 if summary.errors else 0


def _share(n: int, total: int) -> str:
    return f"{n:,} ({100 * n / total:.1f}%)" if total else f"{n:,}"


def render_summary(s: dict[str, Any], *, examples: int = 3) -> str:
    """The summary as a few aligned lines for a terminal."""
    rate = f"{s['lines_per_second']:,} lines/s" if s["lines_per_second"] else "-"
    lines = [
        f"batch: {s['lines']:,} lines of {s['input']} ({s['format']}): {s['queries']:,} queries, "
        f"{s['blank']:,} blank, {s['errors']:,} unreadable; {s['elapsed_seconds']:.2f} s, {rate}, "
        f"jobs {s['jobs']}; rule set {s['ruleset_version']}",
        f"intervened: {_share(s['intervened'], s['queries'])}",
        "actions:    "
        + "  ".join(f"{a} {_share(n, s['queries'])}" for a, n in s["actions"].items()),
    ]
    if s["categories"]:
        lines.append("categories: " + "  ".join(f"{c} {n:,}" for c, n in s["categories"].items()))
    fired = {r: v for r, v in s["rules"].items() if v["matched"]}
    if fired:
        width = max(len(r) for r in fired)
        lines.append(f"rules:      {'rule':<{width}}  {'matched':>7}  {'decided':>7}  top queries")
        for rule_id, v in fired.items():
            top = ", ".join(f"{t['query']!r} x{t['count']:,}" for t in v["top_queries"][:examples])
            lines.append(
                f"            {rule_id:<{width}}  {v['matched']:>7,}  {v['decisions']:>7,}  {top}"
            )
    if s.get("support"):
        lines.append(f"support:    {_share(s['support'], s['queries'])} help-seeking")
    trial = {r: v for r, v in s["rules"].items() if v.get("shadow")}
    if trial:
        lines.append(
            f"shadow:     {s['shadow']:,} queries matched rules on trial (never deciding): "
            + ", ".join(f"{r} {v['shadow']:,}" for r, v in trial.items())
        )
    silent = [r for r, v in s["rules"].items() if not v["matched"] and not v.get("shadow")]
    if silent:
        lines.append(f"no match:   {len(silent)} rules: {', '.join(silent)}")
    return "\n".join(lines)
