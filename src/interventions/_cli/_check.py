"""``interventions check``: the decision for one query, or for each line of stdin."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from interventions._cli._common import (
    add_at_option,
    add_rules_option,
    engine_from_args,
    read_lines,
)
from interventions._decision import Decision
from interventions._engine import Engine
from interventions._model import CONTACT_KEYS

__all__ = ["register"]


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "check",
        help="decide for one query (or one query per stdin line)",
        description="Print the decision for QUERY, or for each line of stdin when QUERY is "
        "omitted or '-'.",
    )
    p.add_argument("query", nargs="?", default="-", help="the query (default: read stdin)")
    p.add_argument("--locale", help="caller locale, e.g. pl-PL, sv-SE, en-GB")
    p.add_argument("--json", action="store_true", help="print JSON (one object per line)")
    p.add_argument("--explain", action="store_true", help="show the normalization trace")
    p.add_argument(
        "--exit-code",
        action="store_true",
        help="exit 3 when any query gets an intervention (0 when none does, 2 on errors)",
    )
    add_at_option(p)
    add_rules_option(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    engine = engine_from_args(args)
    if args.query != "-":
        hit = _emit(engine, args.query, args)
        return INTERVENED if hit and args.exit_code else 0
    status = 0
    any_hit = False
    for _, line in read_lines():
        if line is None:
            status = 1
            continue
        any_hit |= _emit(engine, line, args)
    if status == 0 and any_hit and args.exit_code:
        return INTERVENED
    return status


INTERVENED = 3
"""The exit status of ``check --exit-code`` when a query got an intervention."""


def _emit(engine: Engine, query: str, args: argparse.Namespace) -> bool:
    """Print the decision for ``query``; whether it intervenes."""
    if args.explain:
        explanation = engine.explain(query, locale=args.locale, at=args.at)
        if args.json:
            out = explanation.decision.to_dict()
            out["query"] = query
            out["steps"] = [{"name": s.name, "text": s.text} for s in explanation.steps]
            out["tokens"] = [
                [
                    {
                        "span": [t.start, t.end],
                        "text": t.text,
                        "keys": list(t.keys),
                        "origin": t.origin.value,
                    }
                    for t in seq
                ]
                for seq in explanation.sequences
            ]
            print(json.dumps(out, ensure_ascii=False))
        else:
            print(explanation.render())
        return explanation.decision.intervenes
    decision = engine.check(query, locale=args.locale, at=args.at)
    if args.json:
        out = {"query": query, **decision.to_dict()}
        print(json.dumps(out, ensure_ascii=False))
    else:
        print(render(query, decision))
    sys.stdout.flush()
    return decision.intervenes


def render(query: str, d: Decision) -> str:
    shadow = [
        f"  shadow {m.rule_id} would {m.action.value}: {m.text!r} at [{m.start}:{m.end}]"
        for m in d.shadow
    ]
    if not d.intervenes:
        return "\n".join([f"{query!r}: none", *shadow])
    intent = f", intent {d.intent.value}" if d.intent else ""
    lines = [f"{query!r}: {d.action.value} ({d.category}, rule {d.rule_id}{intent})"]
    for m in d.matches:
        lines.append(
            f"  matched {m.text!r} at [{m.start}:{m.end}] by {m.rule_id} "
            f"({m.kind.value} {m.term!r}, {m.action.value})"
        )
    for m in d.cues:
        lines.append(f"  help-seeking cue {m.text!r} at [{m.start}:{m.end}] ({m.rule_id})")
    lines += shadow
    if d.card:
        c = d.card
        campaign = f", campaign: {c.campaign}" if c.campaign else ""
        lines.append(f"  card {c.id} [text: {c.text_key}, resources: {c.resources_key}{campaign}]")
        lines.append(f"    {c.title}")
        lines.append(f"    {c.body}")
        for r in c.resources:
            contact = ", ".join(f"{k} {getattr(r, k)}" for k in CONTACT_KEYS if getattr(r, k))
            hours = f" ({r.hours})" if r.hours else ""
            lines.append(f"    - {r.name}: {contact}{hours}")
    return "\n".join(lines)
