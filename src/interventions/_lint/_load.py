"""``SCHEMA``: every file the loader rejects, each reported in one run, and the rule set of the
files that parsed, so the other checks still run on them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from interventions._errors import RuleFileError
from interventions._lint._findings import Finding, Severity
from interventions._loader import (
    is_lexicon_file,
    load_rules,
    merge_lexicons,
    parse_card,
    parse_lexicon_doc,
    parse_rule_doc,
    read_vocabulary_file,
    rule_files,
)
from interventions._model import CardDefinition, Intent, Lexicon, Rule, RuleSet
from interventions._yaml import read_yaml


def _schema_finding(exc: RuleFileError) -> Finding:
    return Finding(Severity.ERROR, exc.path, exc.line, exc.rule_id, "SCHEMA", exc.reason)


def _yaml_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def _load(root: Path) -> tuple[RuleSet | None, list[Finding]]:
    """The rule set, and a SCHEMA finding per broken file.

    Files are parsed one by one so that every broken file is reported in one run; the checks
    across files (duplicate ids, unknown cards) are the loader's own and run once every file is
    valid. With broken files, the other checks still run on the files that parsed.
    """
    findings: list[Finding] = []
    cards: dict[str, CardDefinition] = {}
    for p in _yaml_files(root / "cards"):
        try:
            card = parse_card(p, str(p))
        except RuleFileError as exc:
            findings.append(_schema_finding(exc))
            continue
        cards.setdefault(card.id, card)
    rules: list[Rule] = []
    docs: list[tuple[Path, Any]] = []
    found: list[Lexicon] = []
    for p in rule_files(root):
        try:
            doc = read_yaml(p, str(p))
            if is_lexicon_file(doc):
                found.extend(parse_lexicon_doc(doc, str(p)))
            else:
                docs.append((p, doc))
        except RuleFileError as exc:
            findings.append(_schema_finding(exc))
    lexicons = merge_lexicons(found)
    for p, doc in docs:
        try:
            parsed, _, _ = parse_rule_doc(doc, str(p), lexicons)
        except RuleFileError as exc:
            findings.append(_schema_finding(exc))
            continue
        rules.extend(parsed)
    vocabulary: set[str] = set()
    vocab_dir = root / "vocabulary"
    for p in sorted(vocab_dir.glob("*.txt")) if vocab_dir.is_dir() else []:
        try:
            vocabulary |= read_vocabulary_file(p, str(p))
        except RuleFileError as exc:
            findings.append(_schema_finding(exc))
    if not findings:
        try:
            return load_rules(root), []
        except RuleFileError as exc:
            findings.append(_schema_finding(exc))
    kept: dict[str, Rule] = {}
    for rule in rules:
        if (rule.card in cards or rule.intent is Intent.CUE) and rule.id not in kept:
            kept[rule.id] = rule
    if not kept:
        return None, findings
    partial = RuleSet(
        tuple(kept.values()), cards, "partial", str(root), vocabulary=frozenset(vocabulary)
    )
    return partial, findings
