"""``interventions schema``: print the JSON Schema of rule files (or, with --cards, of cards)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from interventions._cli._output import check_outputs, write_text_output
from interventions._schema import card_file_schema, dumps, rule_file_schema

__all__ = ["register"]


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "schema",
        help="print the JSON Schema of rule files (or --cards: card files)",
        description="Print the JSON Schema (draft 2020-12) of rule files, or of card files with "
        "--cards, for editor validation and completion (see docs/tooling.md).",
    )
    p.add_argument("--cards", action="store_true", help="the schema of card files")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    text = dumps(card_file_schema() if args.cards else rule_file_schema())
    if args.output:
        check_outputs([("-o", args.output)], [])
        write_text_output(args.output, text)
    else:
        sys.stdout.write(text)
    return 0
