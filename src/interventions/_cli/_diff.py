"""``interventions diff``: which queries of a log change decision between two rule sets."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from interventions._artifact import ruleset_from_path
from interventions._batch import InputFormat
from interventions._cli._batch import add_input_options
from interventions._cli._common import add_at_option
from interventions._cli._output import check_outputs, output_stream, write_text_output
from interventions._diff import DEFAULT_FAIL_ON, ChangeKind, diff_rules, parse_kinds
from interventions._errors import InputError
from interventions._report import render_diff_html

__all__ = ["register"]

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
    old = ruleset_from_path(args.old)
    new = ruleset_from_path(args.new)
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


def _example(x: dict[str, Any]) -> str:
    return f"{x['query']!r} x{x['count']:,}: {x['old']} -> {x['new']}"


def render_report(d: dict[str, Any], *, examples: int = 3) -> str:
    """The diff report as plain text for a terminal or a CI log."""
    total = d["queries"]
    share = f" ({100 * d['changed'] / total:.1f}%)" if total else ""
    lines = [
        f"diff: {d['old']['source']} ({d['old']['ruleset_version']}) -> "
        f"{d['new']['source']} ({d['new']['ruleset_version']})",
        f"over {d['input']} ({d['format']}): {total:,} queries, {d['changed']:,} changed{share}, "
        f"{d['errors']:,} unreadable lines",
        "actions:  "
        + "  ".join(
            f"{a} {v['old']:,}->{v['new']:,}"
            for a, v in d["actions"].items()
            if v["old"] or v["new"]
        ),
    ]
    if d.get("shadow"):
        lines.append(
            "shadow:   "
            + "  ".join(f"{r} {v['old']:,}->{v['new']:,}" for r, v in d["shadow"].items())
            + " (rules on trial: matched, never deciding)"
        )
    if d["rules_added"]:
        lines.append(f"rules added:   {', '.join(d['rules_added'])}")
    if d["rules_removed"]:
        lines.append(f"rules removed: {', '.join(d['rules_removed'])}")
    if d["kinds"]:
        lines.append("by kind:")
        width = max(len(k) for k in d["kinds"])
        for kind, k in d["kinds"].items():
            lines.append(f"  {kind:<{width}}  {k['count']:>6,}")
            lines.extend(f"      {_example(x)}" for x in k["examples"][:examples])
        lines.append("by rule:")
        width = max(len(r) for r in d["rules"])
        for rule_id, r in d["rules"].items():
            kinds = ", ".join(f"{k} {c:,}" for k, c in r["kinds"].items())
            lines.append(f"  {rule_id:<{width}}  {r['count']:>6,}  {kinds}")
            lines.extend(f"      {_example(x)}" for x in r["examples"][:examples])
    else:
        lines.append("no query changes decision")
    fail_on = ", ".join(d["fail_on"]) or "nothing"
    if d["failing"]:
        found = ", ".join(f"{k} {d['kinds'][k]['count']:,}" for k in d["failing"])
        lines.append(f"gate: FAIL ({found}; failing on {fail_on}): exit 1")
    else:
        lines.append(f"gate: pass (failing on {fail_on})")
    return "\n".join(lines)
