"""A token that is exactly a term of one rule can still be a typo of another rule's fuzzy term
(an Indonesian word in one list must not hide a Polish misspelling from another rule)."""

from __future__ import annotations

from pathlib import Path

from interventions import Engine, load_rules
from interventions._match import find_hits
from interventions._reference import reference_hits

from ..conftest import SUPPORT_CARD

RULES = """\
category: eating_disorder
card: support
rules:
  - id: t.pl_topic
    action: banner
    terms:
      - {word: anoreksja, fuzzy: 1}
      - {word: bulimia, fuzzy: 1}
    examples:
      match: [anoreksja, anoreksia]
      no_match: [banana]
  - id: t.id_topic
    action: banner
    terms: [anoreksia]
    examples:
      match: [anoreksia]
      no_match: [banana]
  - id: t.same_rule
    action: interstitial
    terms:
      - bulimiax
      - {word: bulimiaz, fuzzy: 1}
    examples:
      match: [bulimiax]
      no_match: [banana]
"""


def _engine(tmp_path: Path) -> Engine:
    (tmp_path / "cards").mkdir()
    (tmp_path / "cards" / "support.yaml").write_text(SUPPORT_CARD)
    (tmp_path / "eating.yaml").write_text(RULES)
    return Engine.from_path(tmp_path)


def test_an_exact_term_of_one_rule_does_not_hide_another_rules_typo(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    d = engine.check("anoreksia")
    assert {m.rule_id for m in d.matches} == {"t.pl_topic", "t.id_topic"}
    assert engine.check("anoreksia") == engine._check_fully("anoreksia", None)


def test_a_term_is_not_its_own_rules_typo(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    d = engine.check("bulimiax")
    # t.same_rule matches the word exactly: its fuzzy bulimiaz adds no second hit; t.pl_topic's
    # fuzzy bulimia (distance 1) still reads it
    assert sorted((m.rule_id, m.term) for m in d.matches) == [
        ("t.pl_topic", "bulimia"),
        ("t.same_rule", "bulimiax"),
    ]


def test_the_reference_agrees(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    ruleset = load_rules(tmp_path)
    index = engine._index
    for query in ["anoreksia", "bulimiax", "anoreksja bulimiaz", "bulimia"]:
        norm = index.segmenter.read(query)
        assert sorted(find_hits(index, norm)) == sorted(reference_hits(ruleset, norm)), query
