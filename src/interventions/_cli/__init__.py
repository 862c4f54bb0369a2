"""The ``interventions`` command line. Each subcommand lives in its own module here."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from interventions._cli import _batch, _check, _compile, _diff, _lint, _schema, _test
from interventions._errors import InterventionsError

__all__ = ["main"]

COMMANDS = (_check, _batch, _diff, _compile, _lint, _test, _schema)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="interventions",
        description="Check search queries against intervention rules.",
    )
    parser.add_argument("--version", action="version", version=f"interventions {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS:
        module.register(sub)
    return parser


def _version() -> str:
    from interventions import __version__

    return __version__


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.run(args)
    except InterventionsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `interventions ... | head`
        sys.stderr.close()
        return 0
    return code
