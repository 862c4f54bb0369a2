"""The HTTP service's OpenAPI 3.1 document: what ``/openapi.json`` serves, what the request
checks in ``_server`` enforce, and what the schema-based test (tests/server) holds them to."""

from __future__ import annotations

from typing import Any

from interventions._model import Action

__all__ = ["MAX_BATCH", "MAX_BODY", "MAX_LOCALE", "openapi"]

MAX_BATCH = 1000
"""Queries in one batch request."""
MAX_BODY = 1 << 20
"""Bytes in one request body (the engine reads a query's first 1,024 characters anyway)."""
MAX_LOCALE = 64

_NULLABLE_STRING: dict[str, Any] = {"type": ["string", "null"]}

_AT: dict[str, Any] = {
    "description": "Decide as at this moment: an RFC 3339 date or date-time (default: now). "
    "Rules and card campaigns with an active window are judged at it.",
    "anyOf": [
        {"type": "string", "format": "date"},
        {"type": "string", "format": "date-time"},
        {"type": "null"},
    ],
}

_LOCALE: dict[str, Any] = {
    "description": "The caller's locale (pl-PL, sv, en_GB): the card's language and country, "
    "and rules scoped to a language. One the engine cannot read falls back to the default.",
    "type": ["string", "null"],
    "maxLength": MAX_LOCALE,
}

_ERROR_RESPONSE = {
    "description": "The request was refused",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


def _json(ref: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}},
    }


_CHECK_ERRORS = {
    "400": _ERROR_RESPONSE,
    "413": _ERROR_RESPONSE,
    "422": _ERROR_RESPONSE,
}

_SCHEMAS: dict[str, Any] = {
    "CheckRequest": {
        "type": "object",
        "required": ["query"],
        "additionalProperties": False,
        "properties": {
            "query": {"type": "string", "description": "The query as the user typed it."},
            "locale": _LOCALE,
            "at": _AT,
        },
    },
    "BatchRequest": {
        "type": "object",
        "required": ["queries"],
        "additionalProperties": False,
        "properties": {
            "queries": {
                "type": "array",
                "maxItems": MAX_BATCH,
                "items": {"$ref": "#/components/schemas/CheckRequest"},
            },
        },
    },
    "Match": {
        "type": "object",
        "required": ["rule_id", "category", "action", "term", "kind", "span", "text"],
        "properties": {
            "rule_id": {"type": "string"},
            "category": {"type": "string"},
            "action": {"type": "string", "enum": [a.value for a in Action]},
            "priority": {"type": "integer"},
            "term": {"type": "string"},
            "kind": {"type": "string"},
            "span": {
                "type": "array",
                "items": {"type": "integer", "minimum": 0},
                "minItems": 2,
                "maxItems": 2,
                "description": "start and end in the original query",
            },
            "text": {"type": "string"},
        },
    },
    "Resource": {
        "type": "object",
        "required": ["name", "source", "verified"],
        "properties": {
            "name": {"type": "string"},
            "phone": {"type": "string"},
            "sms": {"type": "string"},
            "chat": {"type": "string"},
            "url": {"type": "string"},
            "email": {"type": "string"},
            "hours": {"type": "string"},
            "note": {"type": "string"},
            "languages": {"type": "array", "items": {"type": "string"}},
            "source": {"type": "string"},
            "verified": {"type": "string", "format": "date"},
        },
    },
    "Card": {
        "type": "object",
        "required": ["id", "title", "body", "text_key", "resources_key", "resources"],
        "properties": {
            "id": {"type": "string"},
            "title": {"type": "string"},
            "body": {"type": "string"},
            "text_key": {"type": "string"},
            "resources_key": {"type": "string"},
            "campaign": _NULLABLE_STRING,
            "resources": {"type": "array", "items": {"$ref": "#/components/schemas/Resource"}},
        },
    },
    "Decision": {
        "type": "object",
        "required": [
            "action",
            "category",
            "rule_id",
            "card",
            "matches",
            "ruleset_version",
            "truncated",
            "intent",
            "cues",
            "shadow",
        ],
        "properties": {
            "action": {"type": "string", "enum": [a.value for a in Action]},
            "category": _NULLABLE_STRING,
            "rule_id": _NULLABLE_STRING,
            "card": {"anyOf": [{"$ref": "#/components/schemas/Card"}, {"type": "null"}]},
            "matches": {"type": "array", "items": {"$ref": "#/components/schemas/Match"}},
            "ruleset_version": {"type": "string"},
            "truncated": {"type": "boolean"},
            "intent": {"type": ["string", "null"], "enum": ["support", None]},
            "cues": {"type": "array", "items": {"$ref": "#/components/schemas/Match"}},
            "shadow": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/Match"},
                "description": "matches of rules on trial: what they would have done",
            },
        },
    },
    "BatchResponse": {
        "type": "object",
        "required": ["decisions"],
        "properties": {
            "decisions": {"type": "array", "items": {"$ref": "#/components/schemas/Decision"}}
        },
    },
    "Health": {
        "type": "object",
        "required": ["status"],
        "properties": {"status": {"type": "string", "enum": ["ok"]}},
    },
    "Ready": {
        "type": "object",
        "required": ["status", "ruleset_version", "source", "loaded_at", "last_reload"],
        "properties": {
            "status": {"type": "string", "enum": ["ready"]},
            "ruleset_version": {"type": "string"},
            "candidate_version": _NULLABLE_STRING,
            "source": {"type": "string"},
            "loaded_at": {"type": "string", "format": "date-time"},
            "last_reload": {"$ref": "#/components/schemas/Reload"},
        },
    },
    "Reload": {
        "type": "object",
        "required": ["ok", "at", "trigger", "error"],
        "properties": {
            "ok": {"type": "boolean"},
            "at": {"type": "string", "format": "date-time"},
            "trigger": {"type": "string"},
            "error": {
                "type": ["string", "null"],
                "description": "why the last reload failed (the rule set before it serves on)",
            },
            "ruleset_version": _NULLABLE_STRING,
        },
    },
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {"error": {"type": "string"}},
    },
}


def openapi(*, version: str, admin: bool) -> dict[str, Any]:
    """The document; the admin reload path is in it only when the service has an admin token."""
    paths: dict[str, Any] = {
        "/v1/check": {
            "post": {
                "operationId": "check",
                "summary": "Decide for one query",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/CheckRequest"}
                        }
                    },
                },
                "responses": {"200": _json("Decision", "The decision"), **_CHECK_ERRORS},
            }
        },
        "/v1/check/batch": {
            "post": {
                "operationId": "checkBatch",
                "summary": f"Decide for up to {MAX_BATCH} queries, in order",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/BatchRequest"}
                        }
                    },
                },
                "responses": {
                    "200": _json("BatchResponse", "One decision per query, in order"),
                    **_CHECK_ERRORS,
                },
            }
        },
        "/healthz": {
            "get": {
                "operationId": "health",
                "summary": "Liveness: the process answers",
                "responses": {"200": _json("Health", "Alive")},
            }
        },
        "/readyz": {
            "get": {
                "operationId": "ready",
                "summary": "Readiness: a rule set is loaded and serving, and how the last reload "
                "went (a failed reload keeps the rule set before it serving, and says why)",
                "responses": {"200": _json("Ready", "Serving")},
            }
        },
        "/metrics": {
            "get": {
                "operationId": "metrics",
                "summary": "Prometheus metrics: decisions by action, category, rule and intent; "
                "shadow disagreements; request latency; reloads",
                "responses": {
                    "200": {
                        "description": "Prometheus text exposition format",
                        "content": {"text/plain": {"schema": {"type": "string"}}},
                    }
                },
            }
        },
    }
    if admin:
        paths["/v1/admin/reload"] = {
            "post": {
                "operationId": "reload",
                "summary": "Load the rules again from their source; a broken rule set is refused "
                "and the one before it keeps serving",
                "security": [{"bearer": []}],
                "responses": {
                    "200": _json("Reload", "Reloaded"),
                    "401": _ERROR_RESPONSE,
                    "422": _json("Reload", "The new rule set is broken; nothing changed"),
                },
            }
        }
    doc: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "interventions",
            "version": version,
            "description": "Decides whether a search query touches a harmful area and what to "
            "show instead. Queries are never logged unless the service was started with "
            "--log-queries.",
        },
        "paths": paths,
        "components": {"schemas": _SCHEMAS},
    }
    if admin:
        doc["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
    return doc
