"""``EXPIRED_WINDOW``: a rule or campaign whose active window has ended for good."""

from __future__ import annotations

import datetime as dt

from interventions._lint._findings import Finding, Severity
from interventions._model import RuleSet


def _window_findings(ruleset: RuleSet, today: dt.date) -> list[Finding]:
    """Windows that have ended for good: the rule or campaign never shows again (a malformed
    window is a load error)."""
    out = [
        Finding(
            Severity.WARNING,
            r.path,
            r.line,
            r.id,
            "EXPIRED_WINDOW",
            f"active until {r.active.until}: the rule never fires again (remove it, move the "
            "window, or make it yearly: true)",
        )
        for r in ruleset.rules
        if r.active is not None and r.active.expired(today)
    ]
    out += [
        Finding(
            Severity.WARNING,
            card.path,
            c.line,
            None,
            "EXPIRED_WINDOW",
            f"campaign {c.id!r} was active until {c.active.until}: it never shows again",
            card_id=card.id,
        )
        for card in ruleset.cards.values()
        for c in card.campaigns
        if c.active.expired(today)
    ]
    return out
