"""``SUPERSEDED_NUMBER``: a card shows a phone number listed as closed or replaced in
``quality/superseded_numbers.yaml``."""

from __future__ import annotations

import re
from pathlib import Path

from interventions._errors import RuleFileError
from interventions._lint._findings import Finding, Severity
from interventions._model import RuleSet
from interventions._yaml import YList, YMap, read_yaml

__all__ = ["SUPERSEDED_FILE"]

SUPERSEDED_FILE = Path("quality") / "superseded_numbers.yaml"
_NUMBER_RE = re.compile(r"\+?\d[\d\s\-./()]{2,}\d")


def _digits(text: str) -> set[str]:
    """The phone numbers in a text, as digits only (``0800 111 0 111`` -> ``08001110111``)."""
    return {re.sub(r"\D", "", m.group()) for m in _NUMBER_RE.finditer(text)}


def _superseded_findings(root: Path, ruleset: RuleSet) -> list[Finding]:
    """Numbers known to be closed or replaced (NEDA's helpline, Korea's 1393 ...) must never be
    shown: every phone, SMS and note on every card is compared with the list, digits only."""
    path = root / SUPERSEDED_FILE
    if not path.is_file():
        return []
    display = str(path)
    try:
        doc = read_yaml(path, display)
    except RuleFileError as exc:
        return [Finding(Severity.ERROR, display, exc.line, None, "SUPERSEDED_NUMBER", exc.reason)]
    entries = doc.get("numbers") if isinstance(doc, YMap) else None
    if not isinstance(entries, YList):
        return [
            Finding(
                Severity.ERROR, display, 1, None, "SUPERSEDED_NUMBER", "expected a 'numbers' list"
            )
        ]
    known: dict[str, tuple[str, str]] = {}
    for item, line in zip(entries, entries.item_lines, strict=True):
        number = item.get("number") if isinstance(item, YMap) else None
        if not isinstance(number, str) or not re.sub(r"\D", "", number):
            return [
                Finding(
                    Severity.ERROR,
                    display,
                    line,
                    None,
                    "SUPERSEDED_NUMBER",
                    "every entry needs a 'number' written as text (in quotes)",
                )
            ]
        replacement = item.get("replacement")
        known[re.sub(r"\D", "", number)] = (
            number,
            replacement if isinstance(replacement, str) else "see the list",
        )
    findings: list[Finding] = []
    for card in ruleset.cards.values():
        for key, resources in card.resources.items():
            for r in resources:
                notes = [r.note or "", *(n for _, n in r.notes)]
                fields = {re.sub(r"\D", "", f) for f in (r.phone, r.sms) if f}
                for digits in fields.union(*(_digits(t) for t in notes)):
                    if digits in known:
                        number, replacement = known[digits]
                        findings.append(
                            Finding(
                                Severity.ERROR,
                                card.path,
                                card.line or None,
                                None,
                                "SUPERSEDED_NUMBER",
                                f"resource {r.name!r} ({key}) shows {number}, which is superseded "
                                f"({SUPERSEDED_FILE}): {replacement}",
                                card_id=card.id,
                            )
                        )
    return findings
