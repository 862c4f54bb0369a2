"""``STALE_VERIFIED`` and ``VERIFIED_IN_FUTURE``: a card's resource verified too long ago, or
on a date after today. Only lint judges dates: loading never depends on the clock."""

from __future__ import annotations

import datetime as dt

from interventions._lint._findings import Finding, Severity
from interventions._model import CardDefinition, RuleSet
from interventions._yaml import YList, YMap


def _verified_findings(
    ruleset: RuleSet, raw: dict[str, YMap | None], stale_days: int, today: dt.date
) -> list[Finding]:
    findings: list[Finding] = []
    for card_id, doc in raw.items():
        if doc is None:
            continue
        findings += _stale(ruleset.cards[card_id], doc, stale_days, today)
    return findings


def _stale(card: CardDefinition, doc: YMap, stale_days: int, today: dt.date) -> list[Finding]:
    out: list[Finding] = []
    resources = doc.get("resources")
    if not isinstance(resources, YMap):
        return out
    for key, items in resources.items():
        if not isinstance(items, YList):
            continue
        for item in items:
            if not isinstance(item, YMap):
                continue
            verified = item.get("verified")
            if not isinstance(verified, dt.date):
                continue
            age = (today - verified).days
            if age < 0:  # a warning, not a load error: loading never depends on the clock
                out.append(_in_future(card, key, item, verified, today))
            elif age > stale_days:
                out.append(
                    _too_old(card, key, item, verified=verified, today=today, limit=stale_days)
                )
    return out


def _in_future(
    card: CardDefinition, key: str, item: YMap, verified: dt.date, today: dt.date
) -> Finding:
    return Finding(
        Severity.WARNING,
        card.path,
        item.key_lines.get("verified", item.line),
        None,
        "VERIFIED_IN_FUTURE",
        f"resource {item.get('name')!r} ({key}) was verified {verified}, "
        f"{(verified - today).days} days after today ({today}): check the date",
        card_id=card.id,
    )


def _too_old(
    card: CardDefinition, key: str, item: YMap, *, verified: dt.date, today: dt.date, limit: int
) -> Finding:
    age = (today - verified).days
    return Finding(
        Severity.WARNING,
        card.path,
        item.key_lines.get("verified", item.line),
        None,
        "STALE_VERIFIED",
        f"resource {item.get('name')!r} ({key}) was verified {verified}, {age} "
        f"days ago (limit {limit}): confirm it again and update source and "
        "verified",
        card_id=card.id,
    )
