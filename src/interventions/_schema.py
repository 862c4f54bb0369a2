"""JSON Schemas (draft 2020-12) of rule files and card files, for editors and CI.

The loader is the authority; these schemas describe the same format so that an editor can
complete keys and flag mistakes while typing. ``tests/tooling/test_schema.py`` keeps the two in
sync: the key sets here equal the loader's constants, every shipped file validates, and files
the loader rejects for their shape are rejected here too. Some checks only the loader can do
(duplicate ids across files, a card that exists, term normalization), lint warns of dates in
the future, and YAML dates arrive in an editor as text, so ``verified`` is a date-shaped string
here.
"""

from __future__ import annotations

import json
from typing import Any

from interventions._loader import (
    FUZZY_MIN_LENGTH,
    MIN_PREFIX,
    MIN_SUBSTRING,
    NEAR_MAX_GROUPS,
    NEAR_MAX_WINDOW,
    NEAR_WINDOW,
)
from interventions._model import CONTACT_KEYS, Action, Intent, Status, UnlessScope

__all__ = ["SCHEMA_DIALECT", "card_file_schema", "dumps", "rule_file_schema"]

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

Schema = dict[str, Any]

_TEXT: Schema = {"type": "string", "pattern": r"\S"}
_LANGUAGE: Schema = {
    "type": "string",
    "pattern": r"^[a-z]{2,3}$",
    "description": "An ISO 639 language code like pl or sv.",
}
_LOCALE_KEY = r"^(default|[a-z]{2,3}|[a-z]{2,3}-[A-Z]{2}|[A-Z]{2})$"


def _text(description: str) -> Schema:
    return {**_TEXT, "description": description}


# -- rule files ---------------------------------------------------------------------------------

RULE_FILE_PROPERTIES: dict[str, Schema] = {
    "category": {
        "type": "string",
        "pattern": r"^[a-z][a-z0-9_]*$",
        "description": "The area these rules cover, like eating_disorder.",
    },
    "card": _text("Default support card (a file in cards/) for the rules below."),
    "description": _text("What this file covers."),
    "rules": {
        "type": "array",
        "minItems": 1,
        "items": {"$ref": "#/$defs/rule"},
        "description": "The rules of this area.",
    },
}

RULE_PROPERTIES: dict[str, Schema] = {
    "id": {
        "type": "string",
        "pattern": r"^[a-z0-9][a-z0-9_.-]*$",
        "description": "Unique id in the whole rule set, like ed.thinspo.",
    },
    "action": {
        "enum": [a.value for a in Action if a is not Action.NONE],
        "description": "block > redirect > interstitial > banner.",
    },
    "priority": {
        "type": "integer",
        "description": "Breaks ties between rules with the same action (default 0).",
    },
    "card": _text("Support card for this rule (overrides the file's card)."),
    "status": {
        "enum": [s.value for s in Status],
        "description": "experimental rules are on trial: reported in decision.shadow, never "
        "deciding; deprecated rules are validated but not compiled (default stable).",
    },
    "intent": {
        "enum": [i.value for i in Intent],
        "description": "harm (default); support: the rule answers help-seeking (banner); cue: "
        "help-seeking cues that turn a harm match in the same query into support.",
    },
    "on_help_cue": {
        "enum": ["support", "ignore"],
        "description": "ignore: a help-seeking cue does not soften this harm rule (method "
        "requests where 'stop' is part of the harm). Default support.",
    },
    "active": {"$ref": "#/$defs/window"},
    "languages": {
        "type": "array",
        "items": _LANGUAGE,
        "description": "Only fire when the caller's locale has one of these languages.",
    },
    "description": _text("What the rule is for."),
    "references": {
        "type": "array",
        "minItems": 1,
        "items": {"type": "string", "minLength": 1},
        "description": "Where the terms come from: papers, NGO pages, reports, press (citations).",
    },
    "terms": {
        "type": "array",
        "minItems": 1,
        "items": {"$ref": "#/$defs/term"},
        "description": "What the rule matches; terms go through the query normalizer.",
    },
    "unless": {
        "type": "array",
        "items": {"$ref": "#/$defs/term"},
        "description": "Exceptions that cancel the rule (same term syntax).",
    },
    "unless_scope": {
        "enum": [s.value for s in UnlessScope],
        "description": "query: an exception anywhere cancels; overlap: only where it overlaps.",
    },
    "examples": {"$ref": "#/$defs/examples"},
}

TERM_KIND_PROPERTIES: dict[str, Schema] = {
    "word": _text("A whole token (the default for plain text)."),
    "phrase": _text("Tokens in order, adjacent (two words or more)."),
    "prefix": _text(f"A token beginning (at least {MIN_PREFIX} letters)."),
    "substring": _text(f"Inside longer tokens; distinctive terms only ({MIN_SUBSTRING}+ letters)."),
    "regex": _text("A regex-module pattern over the normalized query; rare."),
    "near": {
        "type": "array",
        "minItems": 2,
        "maxItems": NEAR_MAX_GROUPS,
        "items": {
            "type": "array",
            "minItems": 1,
            "items": {"$ref": "#/$defs/group_item"},
            "description": "One group: words, phrases, prefixes (word*) or @lexicon references.",
        },
        "description": "Groups that must all occur within `within` words of the query "
        "(any order unless `ordered`): [[boyfriend, husband, @partner], [hit*, beat*], [me]].",
    },
}

NEAR_OPTIONS: dict[str, Schema] = {
    "within": {
        "type": "integer",
        "minimum": 2,
        "maximum": NEAR_MAX_WINDOW,
        "description": f"Words from the first group to the last (default {NEAR_WINDOW}).",
    },
    "ordered": {"type": "boolean", "description": "The groups in the order written."},
}

_GROUP_ITEM: Schema = {
    "oneOf": [
        _TEXT,
        *(
            {
                "type": "object",
                "properties": {k: TERM_KIND_PROPERTIES[k]},
                "required": [k],
                "additionalProperties": False,
            }
            for k in ("word", "phrase", "prefix")
        ),
    ]
}

LEXICON_FILE_PROPERTIES: dict[str, Schema] = {
    "lexicons": {
        "type": "object",
        "propertyNames": {"pattern": "^[a-z][a-z0-9_]*$"},
        "additionalProperties": {
            "oneOf": [
                {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/group_item"}},
                {
                    "type": "object",
                    "propertyNames": {"pattern": "^[a-z]{2,3}$"},
                    "additionalProperties": {
                        "type": "array",
                        "minItems": 1,
                        "items": {"$ref": "#/$defs/group_item"},
                    },
                },
            ]
        },
        "description": "Named shared term lists, referred to as @name in terms, unless and "
        "near groups; a list, or a mapping language -> list.",
    },
    "description": _text("What these lexicons are for."),
}

FUZZY: Schema = {
    "enum": sorted(FUZZY_MIN_LENGTH),
    "description": "Edit distance for a word term: 1 (5+ letters) or 2 (8+ letters).",
}

EXAMPLES_PROPERTIES: dict[str, Schema] = {
    "match": {
        "type": "array",
        "minItems": 1,
        "items": {"$ref": "#/$defs/example"},
        "description": "Queries that must produce a match of this rule.",
    },
    "no_match": {
        "type": "array",
        "items": {"$ref": "#/$defs/example"},
        "description": "Near-misses that must not produce a match of this rule.",
    },
}

EXAMPLE_PROPERTIES: dict[str, Schema] = {
    "query": {"type": "string"},
    "locale": {"type": "string", "description": "Caller locale, like pl-PL or sv."},
}


def _term_schema() -> Schema:
    mappings: list[Schema] = []
    for kind, schema in TERM_KIND_PROPERTIES.items():
        properties = {kind: schema}
        if kind == "word":
            properties["fuzzy"] = FUZZY
        if kind == "near":
            properties.update(NEAR_OPTIONS)
        mappings.append(
            {
                "type": "object",
                "properties": properties,
                "required": [kind],
                "additionalProperties": False,
            }
        )
    return {
        "description": "Text (a word, a phrase, or a prefix ending in *) or a mapping that "
        "names the kind: {prefix: przemoc}, {substring: proana}, {word: x, fuzzy: 2}.",
        "oneOf": [_TEXT, *mappings],
    }


def rule_file_schema() -> Schema:
    """The JSON Schema of a rule file (``rules/<area>.yaml``)."""
    return {
        "$schema": SCHEMA_DIALECT,
        "title": "interventions rule file",
        "description": "One area of rules: see docs/rule-format.md.",
        "type": "object",
        # a file of shared term lists (lexicons:) or of rules
        "if": {"required": ["lexicons"]},
        "then": {
            "properties": LEXICON_FILE_PROPERTIES,
            "required": ["lexicons"],
            "additionalProperties": False,
        },
        "else": {
            "properties": RULE_FILE_PROPERTIES,
            "required": ["category", "rules"],
            "additionalProperties": False,
        },
        "$defs": {
            "group_item": _GROUP_ITEM,
            "window": WINDOW,
            "rule": {
                "type": "object",
                "properties": RULE_PROPERTIES,
                "required": ["id", "terms", "examples"],
                # a cue rule needs no action (it never decides)
                "if": {"properties": {"intent": {"const": "cue"}}, "required": ["intent"]},
                "else": {"required": ["action"]},
                "additionalProperties": False,
                "dependentRequired": {"unless_scope": ["unless"]},
            },
            "term": _term_schema(),
            "examples": {
                "type": "object",
                "properties": EXAMPLES_PROPERTIES,
                "required": ["match"],
                "additionalProperties": False,
                "description": "Run as tests by `interventions test`.",
            },
            "example": {
                "oneOf": [
                    {"type": "string"},
                    {
                        "type": "object",
                        "properties": EXAMPLE_PROPERTIES,
                        "required": ["query"],
                        "additionalProperties": False,
                    },
                ]
            },
        },
    }


# -- card files ---------------------------------------------------------------------------------

CARD_PROPERTIES: dict[str, Schema] = {
    "id": _text("The card id; equals the file name."),
    "text": {
        "type": "object",
        "propertyNames": {"pattern": _LOCALE_KEY},
        "additionalProperties": {"$ref": "#/$defs/text"},
        "required": ["default"],
        "description": "Text by key: default, a language (pl), a locale (pl-PL) or a region.",
    },
    "resources": {
        "type": "object",
        "propertyNames": {"pattern": _LOCALE_KEY},
        "additionalProperties": {
            "type": "array",
            "minItems": 1,
            "items": {"$ref": "#/$defs/resource"},
        },
        "required": ["default"],
        "description": "Resources by key: default (international), a region (PL), a locale.",
    },
    "description": _text("What the card is for."),
    "campaigns": {
        "type": "array",
        "minItems": 1,
        "items": {
            "type": "object",
            "properties": {
                "id": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
                "active": {"$ref": "#/$defs/window"},
                "text": {
                    "type": "object",
                    "propertyNames": {"pattern": _LOCALE_KEY},
                    "additionalProperties": {"$ref": "#/$defs/text"},
                    "description": "Replaces the card's text of the same key in the window.",
                },
                "description": _text("What the campaign is."),
            },
            "required": ["id", "active", "text"],
            "additionalProperties": False,
        },
        "description": "Campaign variants of the card text (the 16 Days of Activism).",
    },
}

WINDOW: Schema = {
    "type": "object",
    "properties": {
        "from": {"type": "string", "format": "date", "description": "First day (UTC)."},
        "until": {"type": "string", "format": "date", "description": "Last day (UTC)."},
        "yearly": {"type": "boolean", "description": "Repeat on the same days every year."},
    },
    "required": ["from", "until"],
    "additionalProperties": False,
    "description": "When the rule or campaign is active: {from: 2026-11-25, until: 2026-12-10}.",
}

TEXT_PROPERTIES: dict[str, Schema] = {
    "title": _text("Card title."),
    "body": _text("Card body."),
}

RESOURCE_PROPERTIES: dict[str, Schema] = {
    "name": _text("Name of the service."),
    "phone": _text('Phone number, as text: write it in quotes ("988").'),
    "sms": _text("SMS number or short code, as text."),
    "chat": _text("Chat address."),
    "url": {**_TEXT, "pattern": r"^https?://", "description": "Web address (https://...)."},
    "email": _text("E-mail address."),
    "hours": _text("Opening hours, like 24/7."),
    "languages": {"type": "array", "items": _LANGUAGE, "description": "Languages served."},
    "note": {
        "oneOf": [
            {"type": "string", "minLength": 1},
            {
                "type": "object",
                "required": ["default"],
                "additionalProperties": {"type": "string", "minLength": 1},
                "propertyNames": {"pattern": "^(default|[a-z]{2,3})$"},
            },
        ],
        "description": (
            "What the reader should know, in the reader's language: text, or a mapping "
            "language -> text with a default."
        ),
    },
    "remarks": _text("For analysts only (never shown to users): why the row is here, gaps."),
    "source": _text("Where the contact was confirmed (required: resource data must be real)."),
    "verified": {
        "type": "string",
        "format": "date",
        "pattern": r"^\d{4}-\d{2}-\d{2}$",
        "description": "Date of the most recent confirmation, unquoted: 2025-07-04.",
    },
}


def card_file_schema() -> Schema:
    """The JSON Schema of a card file (``rules/cards/<id>.yaml``)."""
    return {
        "$schema": SCHEMA_DIALECT,
        "title": "interventions support card",
        "description": "A support card: see docs/rule-format.md.",
        "type": "object",
        "properties": CARD_PROPERTIES,
        "required": ["id", "text", "resources"],
        "additionalProperties": False,
        "$defs": {
            "window": WINDOW,
            "text": {
                "type": "object",
                "properties": TEXT_PROPERTIES,
                "required": ["title", "body"],
                "additionalProperties": False,
            },
            "resource": {
                "type": "object",
                "properties": RESOURCE_PROPERTIES,
                "required": ["name", "source", "verified"],
                "additionalProperties": False,
                "anyOf": [{"required": [key]} for key in CONTACT_KEYS],
            },
        },
    }


def dumps(schema: Schema) -> str:
    """The schema as indented JSON with a trailing newline, as ``interventions schema`` prints."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
