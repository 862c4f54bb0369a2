"""``interventions schema`` stays in sync with the loader.

The key sets equal the loader's constants; every shipped file validates; and files the loader
rejects for their shape (unknown key, wrong type, missing key) are rejected by the schema too.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from interventions._cli import main
from interventions._errors import RuleFileError
from interventions._loader import (
    CARD_KEYS,
    RESOURCE_KEYS,
    RULE_FILE_KEYS,
    RULE_KEYS,
    TERM_KINDS,
    UNLESS_SCOPES,
    load_rules,
)
from interventions._model import CONTACT_KEYS, Action, Status
from interventions._schema import (
    CARD_PROPERTIES,
    EXAMPLE_PROPERTIES,
    EXAMPLES_PROPERTIES,
    RESOURCE_PROPERTIES,
    RULE_FILE_PROPERTIES,
    RULE_PROPERTIES,
    TERM_KIND_PROPERTIES,
    TEXT_PROPERTIES,
    card_file_schema,
    rule_file_schema,
)
from tests.tooling.conftest import SHIPPED, BrokenRules

jsonschema = pytest.importorskip("jsonschema")

Doc = dict[str, Any]


def as_editor_sees_it(doc: Any) -> Any:
    """YAML as JSON: an editor's YAML server reads unquoted dates as text."""
    return json.loads(json.dumps(doc, default=lambda o: o.isoformat()))


def errors(schema: Doc, doc: Any) -> list[str]:
    cls = jsonschema.Draft202012Validator
    validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
    return [e.message for e in validator.iter_errors(as_editor_sees_it(doc))]


# -- the key sets are the loader's -------------------------------------------------------------


def test_key_sets_equal_the_loader_constants() -> None:
    assert tuple(RULE_FILE_PROPERTIES) == RULE_FILE_KEYS
    assert tuple(RULE_PROPERTIES) == RULE_KEYS
    assert tuple(TERM_KIND_PROPERTIES) == TERM_KINDS
    assert tuple(CARD_PROPERTIES) == CARD_KEYS
    assert tuple(RESOURCE_PROPERTIES) == RESOURCE_KEYS
    # the loader spells these inline; the broken-file tests below pin them
    assert tuple(EXAMPLES_PROPERTIES) == ("match", "no_match")
    assert tuple(EXAMPLE_PROPERTIES) == ("query", "locale")
    assert tuple(TEXT_PROPERTIES) == ("title", "body")


def test_enums_and_contacts_equal_the_model() -> None:
    rule = rule_file_schema()["$defs"]["rule"]["properties"]
    assert rule["action"]["enum"] == [a.value for a in Action if a is not Action.NONE]
    assert rule["status"]["enum"] == [s.value for s in Status]
    assert tuple(rule["unless_scope"]["enum"]) == UNLESS_SCOPES
    resource = card_file_schema()["$defs"]["resource"]
    assert [k for alt in resource["anyOf"] for k in alt["required"]] == list(CONTACT_KEYS)


def test_schemas_are_valid_draft_2020_12() -> None:
    for schema in (rule_file_schema(), card_file_schema()):
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        jsonschema.Draft202012Validator.check_schema(schema)


# -- every shipped file validates ----------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(SHIPPED.glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_rule_files_validate(path: Path) -> None:
    assert errors(rule_file_schema(), yaml.safe_load(path.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize("path", sorted(SHIPPED.glob("cards/*.yaml")), ids=lambda p: p.name)
def test_shipped_card_files_validate(path: Path) -> None:
    assert errors(card_file_schema(), yaml.safe_load(path.read_text(encoding="utf-8"))) == []


# -- broken files: the loader and the schema both reject them ----------------------------------

RULE_FILE: Doc = {
    "category": "zz_test",
    "card": "zz_card",
    "rules": [
        {
            "id": "zz.rule",
            "action": "banner",
            "priority": 1,
            "status": "test",
            "languages": ["sv"],
            "description": "A valid rule.",
            "terms": [
                "zzword",
                "zz phrase",
                {"prefix": "zzpref"},
                {"word": "zzfuzzyword", "fuzzy": 1},
            ],
            "unless": [{"phrase": "not this"}],
            "unless_scope": "overlap",
            "examples": {"match": [{"query": "zzword", "locale": "sv-SE"}], "no_match": ["x"]},
        }
    ],
}

CARD_FILE: Doc = {
    "id": "zz_card",
    "text": {
        "default": {"title": "Help", "body": "Someone can help."},
        "sv": {"title": "Hjälp", "body": "Ring."},
    },
    "resources": {
        "default": [
            {
                "name": "Find A Helpline",
                "url": "https://findahelpline.com",
                "languages": ["en"],
                "source": "fixture",
                "verified": dt.date(2024, 4, 1),
            }
        ],
        "SE": [{"name": "X", "phone": "112", "source": "fixture", "verified": dt.date(2024, 1, 1)}],
    },
}

Mutation = Callable[[Doc], None]


def rule(doc: Doc) -> Doc:
    r: Doc = doc["rules"][0]
    return r


def resource(doc: Doc) -> Doc:
    r: Doc = doc["resources"]["default"][0]
    return r


RULE_BREAKS: dict[str, Mutation] = {
    # unknown keys
    "unknown file key": lambda d: d.update(colour="red"),
    "unknown rule key": lambda d: rule(d).update(colour="red"),
    "unknown term key": lambda d: rule(d)["terms"].append({"prefix": "zzabc", "colour": "red"}),
    "two term kinds": lambda d: rule(d)["terms"].append({"prefix": "zzabc", "word": "zzabc"}),
    "fuzzy on a prefix": lambda d: rule(d)["terms"].append({"prefix": "zzabcdef", "fuzzy": 1}),
    "unknown examples key": lambda d: rule(d)["examples"].update(maybe=["x"]),
    "unknown example key": lambda d: rule(d)["examples"]["match"].append(
        {"query": "x", "why": "y"}
    ),
    # wrong types
    "priority as text": lambda d: rule(d).update(priority="high"),
    "priority as bool": lambda d: rule(d).update(priority=True),
    "action unknown": lambda d: rule(d).update(action="nuke"),
    "status unknown": lambda d: rule(d).update(status="final"),
    "terms as text": lambda d: rule(d).update(terms="zzword"),
    "term as number": lambda d: rule(d)["terms"].append(42),
    "languages as text": lambda d: rule(d).update(languages="sv"),
    "language too long": lambda d: rule(d).update(languages=["swedish"]),
    "id with capitals": lambda d: rule(d).update(id="ZZ.Rule"),
    "category with capitals": lambda d: d.update(category="Eating"),
    "fuzzy 3": lambda d: rule(d)["terms"].append({"word": "zzabcdefgh", "fuzzy": 3}),
    "unless_scope unknown": lambda d: rule(d).update(unless_scope="file"),
    "examples as list": lambda d: rule(d).update(examples=["x"]),
    "example query as number": lambda d: rule(d)["examples"]["match"].append({"query": 5}),
    "blank description": lambda d: rule(d).update(description="  "),
    "rules as mapping": lambda d: d.update(rules={"a": 1}),
    # missing or empty
    "missing category": lambda d: d.pop("category"),
    "missing rules": lambda d: d.pop("rules"),
    "empty rules": lambda d: d.update(rules=[]),
    "missing id": lambda d: rule(d).pop("id"),
    "missing action": lambda d: rule(d).pop("action"),
    "missing terms": lambda d: rule(d).pop("terms"),
    "empty terms": lambda d: rule(d).update(terms=[]),
    "missing examples": lambda d: rule(d).pop("examples"),
    "missing match examples": lambda d: rule(d)["examples"].pop("match"),
    "empty match examples": lambda d: rule(d)["examples"].update(match=[]),
    "unless_scope without unless": lambda d: rule(d).pop("unless"),
}

CARD_BREAKS: dict[str, Mutation] = {
    "unknown card key": lambda d: d.update(colour="red"),
    "unknown resource key": lambda d: resource(d).update(fax="123"),
    "unknown text key": lambda d: d["text"]["default"].update(subtitle="x"),
    "phone as number": lambda d: resource(d).update(phone=988),
    "verified as text": lambda d: resource(d).update(verified="last year"),
    "url without scheme": lambda d: resource(d).update(url="findahelpline.com"),
    "bad locale key": lambda d: d["text"].update(Swedish={"title": "x", "body": "y"}),
    "resources as mapping": lambda d: d["resources"].update(PL={"name": "x"}),
    "empty resource list": lambda d: d["resources"].update(PL=[]),
    "missing id": lambda d: d.pop("id"),
    "missing default text": lambda d: d["text"].pop("default"),
    "missing default resources": lambda d: d["resources"].pop("default"),
    "missing title": lambda d: d["text"]["default"].pop("title"),
    "missing source": lambda d: resource(d).pop("source"),
    "missing verified": lambda d: resource(d).pop("verified"),
    "no contact": lambda d: resource(d).pop("url"),
}


def write(root: Path, rule_file: Doc, card_file: Doc) -> Path:
    (root / "cards").mkdir(parents=True, exist_ok=True)
    (root / "zz.yaml").write_text(yaml.safe_dump(rule_file, allow_unicode=True), encoding="utf-8")
    (root / "cards" / "zz_card.yaml").write_text(
        yaml.safe_dump(card_file, allow_unicode=True), encoding="utf-8"
    )
    return root


def test_the_valid_fixtures_are_valid(tmp_path: Path) -> None:
    ruleset = load_rules(write(tmp_path, RULE_FILE, CARD_FILE), today=dt.date(2026, 1, 1))
    assert [r.id for r in ruleset.rules] == ["zz.rule"]
    assert errors(rule_file_schema(), RULE_FILE) == []
    assert errors(card_file_schema(), CARD_FILE) == []


@pytest.mark.parametrize("name", RULE_BREAKS)
def test_broken_rule_file_rejected_by_loader_and_schema(tmp_path: Path, name: str) -> None:
    doc = copy.deepcopy(RULE_FILE)
    RULE_BREAKS[name](doc)
    with pytest.raises(RuleFileError):
        load_rules(write(tmp_path, doc, CARD_FILE), today=dt.date(2026, 1, 1))
    assert errors(rule_file_schema(), doc), f"the schema accepts: {name}"


@pytest.mark.parametrize("name", CARD_BREAKS)
def test_broken_card_file_rejected_by_loader_and_schema(tmp_path: Path, name: str) -> None:
    doc = copy.deepcopy(CARD_FILE)
    CARD_BREAKS[name](doc)
    with pytest.raises(RuleFileError):
        load_rules(write(tmp_path, RULE_FILE, doc), today=dt.date(2026, 1, 1))
    assert errors(card_file_schema(), doc), f"the schema accepts: {name}"


@pytest.mark.parametrize(
    "name", sorted(p.name for p in SHIPPED.glob("*.yaml") if p.name != "lexicons.yaml")
)
def test_broken_copy_of_a_shipped_file_rejected_by_both(
    broken_rules: BrokenRules, name: str
) -> None:
    root = broken_rules()
    doc = yaml.safe_load((root / name).read_text(encoding="utf-8"))
    doc["rules"][0]["colour"] = "red"
    (root / name).write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RuleFileError, match="unknown key 'colour'"):
        load_rules(root)
    assert any("colour" in e for e in errors(rule_file_schema(), doc))


# -- the command ---------------------------------------------------------------------------------


def test_cli_prints_the_schemas(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == rule_file_schema()
    assert main(["schema", "--cards"]) == 0
    assert json.loads(capsys.readouterr().out) == card_file_schema()
    out = tmp_path / "card.schema.json"
    assert main(["schema", "--cards", "-o", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8")) == card_file_schema()
