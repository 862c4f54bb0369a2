"""Helpers shared by the subcommands: engine selection and line reading."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from interventions._artifact import ruleset_from_path
from interventions._engine import Engine

__all__ = ["add_at_option", "add_rules_option", "engine_from_args", "read_lines"]


def add_rules_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rules",
        metavar="DIR",
        help="rules folder or compiled rule set (default: the shipped rule set)",
    )


def _moment(text: str) -> dt.datetime:
    """``--at 2026-11-30`` or ``--at 2026-11-30T18:00+02:00`` (no zone: UTC)."""
    try:
        at = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date or time like 2026-11-30 or 2026-11-30T18:00+01:00"
        ) from None
    return at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)


def add_at_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--at",
        type=_moment,
        metavar="WHEN",
        help="decide as at this date or time (UTC unless it says otherwise; default now): "
        "rules and card campaigns with an active window, e.g. the 16 Days (25 Nov - 10 Dec)",
    )


def engine_from_args(args: argparse.Namespace) -> Engine:
    if args.rules:
        if Path(args.rules).is_file():  # a compiled rule set: read its index, compile nothing
            return Engine.load(args.rules)
        return Engine(ruleset_from_path(args.rules))
    return Engine.default()


def read_lines(stream: Iterable[bytes] | None = None) -> Iterator[tuple[int, str | None]]:
    """Yield ``(line number, text)`` from binary stdin; text is None for a line that is not
    UTF-8 (reported on stderr, and the run goes on). As ``batch`` reads lines: a byte-order mark
    is not part of the query and blank lines are skipped."""
    buffer = sys.stdin.buffer if stream is None else stream
    for number, raw in enumerate(buffer, start=1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            print(f"line {number}: not valid UTF-8 (byte {exc.start}); skipped", file=sys.stderr)
            yield number, None
            continue
        text = text.rstrip("\r\n").removeprefix("\ufeff")
        if text.strip():
            yield number, text
