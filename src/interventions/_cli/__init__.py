"""The ``interventions`` command line. Each subcommand lives in its own module here."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from interventions._cli import _batch, _check, _compile, _diff, _lint, _schema, _serve, _test
from interventions._errors import InterventionsError
from interventions._version import __version__

__all__ = ["main"]

COMMANDS = (_check, _batch, _diff, _compile, _lint, _test, _schema, _serve)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="interventions",
        description="Check search queries against intervention rules.",
    )
    parser.add_argument("--version", action="version", version=f"interventions {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS:
        module.register(sub)
    return parser


INTERRUPTED = 130
"""The exit status after Ctrl-C (128 + SIGINT), as shells report it."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand. Every failure the user can cause (a bad path, a broken file, a full
    disk, Ctrl-C) is one line on stderr and an exit status, never a traceback: 2 for an error,
    130 for an interruption. Output files are replaced only when complete (see ``_output``)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.run(args)
    except InterventionsError as exc:
        return _fail(str(exc))
    except BrokenPipeError:  # `interventions ... | head`
        sys.stderr.close()
        return 0
    except OSError as exc:  # a path no subcommand anticipated: still one line, not a traceback
        where = f"{exc.filename}: " if exc.filename is not None else ""
        return _fail(f"{where}{exc.strerror or exc}")
    except KeyboardInterrupt:
        print("interrupted: output files not yet complete were not written", file=sys.stderr)
        return INTERRUPTED
    return code


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2
