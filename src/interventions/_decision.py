"""What the engine returns: a :class:`Decision` with its matches and the card to show."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from interventions._model import CONTACT_KEYS, Action, Intent, Resource, TermKind

__all__ = ["Card", "Decision", "Match"]


def _encodable(text: str) -> str:
    """``text`` with lone surrogates (possible in a Python str, never in UTF-8) as U+FFFD, so
    that ``json.dumps(d.to_dict()).encode()`` never fails on a query cut from odd input."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text)
    return text


@dataclass(frozen=True, slots=True)
class Match:
    """One rule term found in the query.

    ``start``/``end`` index the ORIGINAL query (``text`` is ``query[start:end]``), whatever
    normalization it took to find it.
    """

    rule_id: str
    category: str
    action: Action
    priority: int
    term: str
    kind: TermKind
    start: int
    end: int
    text: str

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "category": self.category,
            "action": self.action.value,
            "priority": self.priority,
            "term": self.term,
            "kind": self.kind.value,
            "span": [self.start, self.end],
            "text": _encodable(self.text),
        }


@dataclass(frozen=True, slots=True)
class Card:
    """A support card resolved for one locale.

    ``text_key`` and ``resources_key`` say which entries of the card file were used (for
    ``pl-PL``: ``pl-PL``, then ``pl``, then ``PL``, then ``default``).
    """

    id: str
    title: str
    body: str
    resources: tuple[Resource, ...]
    text_key: str
    resources_key: str
    campaign: str | None = None
    """The campaign whose variant of the text this is (``sixteen_days``), or None."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "body": self.body,
            "text_key": self.text_key,
            "resources_key": self.resources_key,
            "campaign": self.campaign,
            "resources": [_resource_dict(r) for r in self.resources],
        }


def _resource_dict(r: Resource) -> dict[str, Any]:
    out: dict[str, Any] = {"name": r.name}
    for key in (*CONTACT_KEYS, "hours", "note"):
        value = getattr(r, key)
        if value is not None:
            out[key] = value
    if r.languages:
        out["languages"] = list(r.languages)
    out["source"] = r.source
    out["verified"] = r.verified.isoformat()
    return out


@dataclass(frozen=True, slots=True)
class Decision:
    """The engine's answer for one query.

    ``action`` is the most severe action among the matches (ties: higher rule priority, then the
    smaller rule id); ``rule_id``/``category``/``card`` belong to that winning match. ``matches``
    holds every match that survived its rule's exceptions, winner first. ``ruleset_version`` is
    the content hash of the rule files that produced the decision. ``truncated`` says the query
    was longer than the length cap and only its beginning was checked.

    ``intent`` is ``Intent.SUPPORT`` (equal to ``"support"``) when the query seeks help: the
    winning rule is a help-seeking rule, or a harm match came with a help-seeking cue (``cues``
    holds the cues found, with their spans), which makes the answer a banner with the harm
    rule's card. ``shadow`` holds the matches of rules on trial (``status: experimental``):
    reported, never changing the action.
    """

    action: Action
    category: str | None
    rule_id: str | None
    card: Card | None
    matches: tuple[Match, ...]
    ruleset_version: str
    truncated: bool = False
    intent: Intent | None = None
    cues: tuple[Match, ...] = ()
    shadow: tuple[Match, ...] = ()
    complete: bool = True
    """False when the engine decided on part of the query: the work bound was reached (an
    enormous word, thousands of readings) or an internal error happened; the engine's failure
    policy says what such a decision is (``Engine(..., failure=...)``)."""

    @property
    def intervenes(self) -> bool:
        """True when the search service has something to do (any action but ``none``)."""
        return self.action is not Action.NONE

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.action.value,
            "category": self.category,
            "rule_id": self.rule_id,
            "card": self.card.to_dict() if self.card else None,
            "matches": [m.to_dict() for m in self.matches],
            "ruleset_version": self.ruleset_version,
            "truncated": self.truncated,
            "intent": None if self.intent is None else self.intent.value,
            "cues": [m.to_dict() for m in self.cues],
            "shadow": [m.to_dict() for m in self.shadow],
            "complete": self.complete,
        }
