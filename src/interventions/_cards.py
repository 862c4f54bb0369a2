"""Resolve a card for a caller's locale: ``pl-PL`` → ``pl`` → ``PL`` → ``default``."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from functools import lru_cache

from interventions._decision import Card
from interventions._model import Campaign, CardDefinition

__all__ = ["campaign_of", "card_keys", "language_of", "locale_chain", "resolve_card"]

_LANG = re.compile(r"[A-Za-z]{2,3}\Z")
_REGION = re.compile(r"[A-Za-z]{2}\Z")


@lru_cache(maxsize=1024)
def locale_chain(locale: str | None) -> tuple[str, ...]:
    """The keys tried for ``locale``, most specific first.

    Accepts BCP 47-ish tags (``pl-PL``, ``pl_PL``, ``zh-Hant-TW``, ``sv``); anything it cannot
    read falls back to ``("default",)``, so a bad locale never fails a search.

    >>> locale_chain("pl-PL")
    ('pl-PL', 'pl', 'PL', 'default')
    """
    if not locale:
        return ("default",)
    parts = re.split(r"[-_]", locale.strip())
    lang = parts[0].lower() if _LANG.match(parts[0]) else None
    region = next((p.upper() for p in parts[1:] if _REGION.match(p)), None)
    chain: list[str] = []
    if lang and region:
        chain.append(f"{lang}-{region}")
    if lang:
        chain.append(lang)
    if region:
        chain.append(region)
    chain.append("default")
    return tuple(chain)


def language_of(locale: str | None) -> str | None:
    chain = locale_chain(locale)
    for key in chain:
        if key.islower() and "-" not in key and key != "default":
            return key
    return None


def card_keys(card: CardDefinition, locale: str | None) -> tuple[str, str]:
    """The text key and the resources key ``locale`` resolves to in ``card``."""
    chain = locale_chain(locale)
    text_key = next(k for k in chain if k in card.text)
    res_key = next(k for k in chain if k in card.resources)
    return text_key, res_key


def campaign_of(card: CardDefinition, text_key: str, day: dt.date | None) -> Campaign | None:
    """The campaign whose text replaces the card's text of ``text_key`` on ``day``: the first
    active one that has that key. None when ``day`` is None (no campaign is asked for)."""
    if day is None:
        return None
    for campaign in card.campaigns:
        if text_key in campaign.text and campaign.active.contains(day):
            return campaign
    return None


def resolve_card(
    card: CardDefinition, text_key: str, res_key: str, campaign: Campaign | None = None
) -> Card:
    """The card as the reader sees it: the text of ``text_key`` (a campaign's variant when one is
    given) and each resource's note in that text's language (a Polish reader in Sweden reads
    Polish text and Polish notes)."""
    text = card.text[text_key] if campaign is None else campaign.text[text_key]
    language = (
        text_key.split("-", maxsplit=1)[0]
        if text_key[:1].islower() and text_key != "default"
        else None
    )
    resources = tuple(
        dataclasses.replace(r, note=r.note_for(language), notes=()) if r.notes else r
        for r in card.resources[res_key]
    )
    return Card(
        card.id,
        text.title,
        text.body,
        resources,
        text_key,
        res_key,
        None if campaign is None else campaign.id,
    )
