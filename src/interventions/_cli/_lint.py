"""``interventions lint``: check a rules folder, one ``SEVERITY path:line rule-id CODE message``
line per finding, exit code by the worst severity."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from interventions._engine import default_rules_path
from interventions._errors import RuleFileError
from interventions._lint import (
    CODES,
    DEFAULT_CONFIG,
    DEFAULT_VOCAB_LANGUAGES,
    DEFAULT_VOCAB_SIZE,
    LintConfigError,
    Severity,
    VocabWord,
    exit_code,
    read_vocabulary,
    run_lint,
    wordfreq_vocabulary,
)

__all__ = ["register"]

_EPILOG = f"""\
exit status: 0 no errors (warnings and info do not fail unless --strict); 1 errors, or
warnings with --strict; 2 lint could not run (no such folder, broken config or word list).

codes:
{chr(10).join(f"  {code:<26} {text}" for code, text in CODES.items())}
"""


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "lint",
        help="check a rules folder for mistakes, over-broad terms and stale resources",
        description="Lint RULES (default: the shipped rule set). Prints one line per finding: "
        "SEVERITY path:line rule-id CODE message. Exclusions with reasons are read from "
        f"RULES/{DEFAULT_CONFIG.as_posix()} or --config.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("rules", nargs="?", help="rules folder (default: the shipped rules)")
    p.add_argument(
        "--vocab",
        metavar="FILE",
        action="append",
        help="benign word list for the common-word sweep (one word per line, optionally "
        "'word<TAB>lang'); repeatable; replaces wordfreq",
    )
    p.add_argument(
        "--vocab-size",
        type=int,
        default=DEFAULT_VOCAB_SIZE,
        metavar="N",
        help=f"wordfreq words per language (default {DEFAULT_VOCAB_SIZE})",
    )
    p.add_argument(
        "--vocab-lang",
        default=",".join(DEFAULT_VOCAB_LANGUAGES),
        metavar="LANGS",
        help=f"wordfreq languages, comma-separated (default {','.join(DEFAULT_VOCAB_LANGUAGES)})",
    )
    p.add_argument("--no-sweep", action="store_true", help="skip the common-word sweep")
    p.add_argument("--config", metavar="FILE", help="lint config with exclusions")
    p.add_argument("--strict", action="store_true", help="warnings fail too (exit 1)")
    p.add_argument(
        "--severity",
        choices=[s.value for s in Severity],
        default="info",
        help="show findings of this severity and worse (default: info, i.e. all)",
    )
    p.add_argument("--json", action="store_true", help="one JSON object per finding")
    p.add_argument(
        "--today",
        type=dt.date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="date to judge 'verified' against (default: today), for reproducible reports",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    rules = args.rules or str(default_rules_path())
    if not Path(rules).is_dir():
        raise RuleFileError("not a folder of rule files", path=rules)
    vocab: list[VocabWord] | None
    if args.no_sweep:
        vocab = []
    elif args.vocab:
        vocab = [w for path in args.vocab for w in read_vocabulary(path)]
    else:
        languages = [x.strip() for x in args.vocab_lang.split(",") if x.strip()]
        try:
            vocab = wordfreq_vocabulary(languages, args.vocab_size)
        except LintConfigError:
            vocab = None  # wordfreq is missing: lint runs without the sweep and says so
    result = run_lint(rules, vocab=vocab, config=args.config, today=args.today)
    floor = Severity(args.severity).rank
    for f in result.findings:
        if f.severity.rank < floor:
            continue
        if args.json:
            print(
                json.dumps(
                    {
                        "severity": f.severity.value,
                        "path": f.path,
                        "line": f.line,
                        "rule_id": f.rule_id,
                        "card_id": f.card_id,
                        "code": f.code,
                        "term": f.term,
                        "message": f.message,
                    },
                    ensure_ascii=False,
                )
            )
        else:
            print(f.render())
    counts = ", ".join(_plural(result.count(s), s) for s in Severity)
    excluded = f" ({len(result.excluded)} excluded by config)" if result.excluded else ""
    print(f"lint: {counts}{excluded}", file=sys.stderr)
    return exit_code(result.findings, strict=args.strict)


def _plural(n: int, severity: Severity) -> str:
    word = severity.value
    return f"{n} {word}" if n == 1 or severity is Severity.INFO else f"{n} {word}s"
