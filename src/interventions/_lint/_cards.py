"""``CARD_LOCALE_MISSING``: a card without text or resources for a language or region its rules
target. Also what lint knows of a rule's languages and regions, and the cards' YAML read back for
line numbers."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from interventions._cards import language_of, locale_chain
from interventions._errors import RuleFileError
from interventions._lint._findings import Finding, Severity
from interventions._model import CardDefinition, Rule, RuleSet
from interventions._yaml import YMap, read_yaml

__all__ = ["PRIMARY_REGION"]

PRIMARY_REGION = {
    "pl": "PL",
    "sv": "SE",
    "de": "DE",
    "fr": "FR",
    "it": "IT",
    "nl": "NL",
    "da": "DK",
    "fi": "FI",
    "nb": "NO",
    "no": "NO",
    "cs": "CZ",
    "hu": "HU",
    "ro": "RO",
    "el": "GR",
    "uk": "UA",
}
"""The country most speakers of a language live in; used to ask whether a card has resources
for a rule's language. Languages spread over many countries (en, es, pt, ar) are left out."""


def _rule_languages(rule: Rule) -> set[str]:
    """A rule's languages: its ``languages`` key plus the languages of its examples' locales.

    Terms are not language-detected: to tell lint a rule is Polish without scoping it, give its
    examples a locale (``{query: ..., locale: pl-PL}``).
    """
    out = set(rule.languages)
    for ex in (*rule.match_examples, *rule.no_match_examples):
        lang = language_of(ex.locale)
        if lang:
            out.add(lang)
    return out


def _rule_regions(rule: Rule) -> set[str]:
    out = {PRIMARY_REGION[lang] for lang in _rule_languages(rule) if lang in PRIMARY_REGION}
    for ex in (*rule.match_examples, *rule.no_match_examples):
        for key in locale_chain(ex.locale):
            if key.isupper():
                out.add(key)
    return out


def _card_lines(card: CardDefinition) -> YMap | None:
    try:
        doc = read_yaml(Path(card.path), card.path)
    except RuleFileError:
        return None
    return doc if isinstance(doc, YMap) else None


def _card_docs(ruleset: RuleSet) -> dict[str, YMap | None]:
    """Every card's YAML, by card id (None where it cannot be read as a mapping)."""
    return {cid: _card_lines(c) for cid, c in ruleset.cards.items()}


def _who(rules: list[str]) -> str:
    shown = ", ".join(rules[:3])
    return shown + (f" and {len(rules) - 3} more" if len(rules) > 3 else "")


def _key_line(raw: dict[str, YMap | None], card_id: str, key: str) -> int | None:
    doc = raw.get(card_id)
    return doc.key_lines.get(key) if doc is not None else None


def _locale_findings(ruleset: RuleSet, raw: dict[str, YMap | None]) -> list[Finding]:
    """Cards missing text for a language, then cards missing resources for a region, that a
    rule showing them targets."""
    needs_text: dict[tuple[str, str], list[str]] = defaultdict(list)
    needs_res: dict[tuple[str, str], list[str]] = defaultdict(list)
    for rule in ruleset.rules:
        card = ruleset.cards.get(rule.card)
        if card is None:
            continue
        for lang in sorted(_rule_languages(rule)):
            if not any(k == lang or k.startswith(lang + "-") for k in card.text):
                needs_text[(card.id, lang)].append(rule.id)
        for region in sorted(_rule_regions(rule)):
            if not any(k == region or k.endswith("-" + region) for k in card.resources):
                needs_res[(card.id, region)].append(rule.id)
    findings = [
        _missing_text(ruleset.cards[card_id], lang, rules, _key_line(raw, card_id, "text"))
        for (card_id, lang), rules in needs_text.items()
    ]
    findings += [
        _missing_resources(
            ruleset.cards[card_id], region, rules, _key_line(raw, card_id, "resources")
        )
        for (card_id, region), rules in needs_res.items()
    ]
    return findings


def _missing_text(card: CardDefinition, lang: str, rules: list[str], line: int | None) -> Finding:
    return Finding(
        Severity.WARNING,
        card.path,
        line,
        None,
        "CARD_LOCALE_MISSING",
        f"no {lang!r} text, but {_who(rules)} target {lang}: those callers see the default text",
        card_id=card.id,
    )


def _missing_resources(
    card: CardDefinition, region: str, rules: list[str], line: int | None
) -> Finding:
    return Finding(
        Severity.WARNING,
        card.path,
        line,
        None,
        "CARD_LOCALE_MISSING",
        f"no resources for {region}, but {_who(rules)} target callers there: they get "
        "the default (international) resources",
        card_id=card.id,
    )
