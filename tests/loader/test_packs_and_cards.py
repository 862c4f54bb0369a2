"""Language packs in sub-folders, rule references, and card notes in the reader's language."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from interventions import Engine, RuleFileError, load_rules
from interventions._artifact import write_artifact

from ..conftest import MINI_RULES

PACK = """\
category: self_harm
card: support
rules:
  - id: es.sh.crisis
    action: redirect
    references: ["general knowledge: common Spanish phrasing"]
    terms: [me quiero morir]
    examples:
      match: [me quiero morir]
"""


def copy_rules(tmp_path: Path) -> Path:
    root = tmp_path / "rules"
    shutil.copytree(MINI_RULES, root)
    return root


def test_a_language_pack_in_a_sub_folder_is_loaded(tmp_path: Path) -> None:
    root = copy_rules(tmp_path)
    (root / "es").mkdir()
    (root / "es" / "self_harm.yaml").write_text(PACK, encoding="utf-8")
    ruleset = load_rules(root)
    rule = next(r for r in ruleset.rules if r.id == "es.sh.crisis")
    assert rule.references == ("general knowledge: common Spanish phrasing",)
    assert rule.path.endswith("es/self_harm.yaml")
    decision = Engine.from_path(root).check("me quiero morir", locale="es-ES")
    assert decision.rule_id == "es.sh.crisis"


def test_a_pack_changes_the_rule_set_version(tmp_path: Path) -> None:
    root = copy_rules(tmp_path)
    before = load_rules(root).version
    (root / "es").mkdir()
    (root / "es" / "self_harm.yaml").write_text(PACK, encoding="utf-8")
    assert load_rules(root).version != before


def test_reserved_and_hidden_folders_are_not_rule_packs(tmp_path: Path) -> None:
    root = copy_rules(tmp_path)
    for folder in ("quality", ".git"):
        (root / folder).mkdir(exist_ok=True)
        (root / folder / "other.yaml").write_text("entries: []\n", encoding="utf-8")
    assert load_rules(root).rules  # neither file was read as a rule file


def test_a_broken_pack_file_names_its_path_and_line(tmp_path: Path) -> None:
    root = copy_rules(tmp_path)
    (root / "es").mkdir()
    bad = PACK.replace(
        'references: ["general knowledge: common Spanish phrasing"]', "references: [3]"
    )
    (root / "es" / "self_harm.yaml").write_text(bad, encoding="utf-8")
    with pytest.raises(RuleFileError) as info:
        load_rules(root)
    assert info.value.path.endswith("es/self_harm.yaml")
    assert info.value.line == 6
    assert info.value.rule_id == "es.sh.crisis"
    assert "reference" in info.value.reason


CARD = """\
id: support
text:
  default: {title: Support, body: You are not alone.}
  pl: {title: Wsparcie, body: Nie jesteś sam.}
resources:
  default:
    - {name: Find A Helpline, url: "https://findahelpline.com", source: test, verified: 2024-04-01}
  PL:
    - name: Test PL line
      phone: "000 000 000"
      note:
        default: Free of charge.
        pl: Bezpłatnie.
      remarks: no national eating-disorder line was found
      source: test fixture
      verified: 2024-04-01
"""


@pytest.mark.parametrize(
    ("locale", "note"),
    [("pl-PL", "Bezpłatnie."), ("en-PL", "Free of charge."), ("de-PL", "Free of charge.")],
)
def test_a_note_is_shown_in_the_readers_language(tmp_path: Path, locale: str, note: str) -> None:
    root = copy_rules(tmp_path)
    (root / "cards" / "support.yaml").write_text(CARD, encoding="utf-8")
    decision = Engine.from_path(root).check("thinspo", locale=locale)
    assert decision.card is not None
    assert decision.card.resources[0].note == note


def test_remarks_are_never_shown_to_users(tmp_path: Path) -> None:
    root = copy_rules(tmp_path)
    (root / "cards" / "support.yaml").write_text(CARD, encoding="utf-8")
    engine = Engine.from_path(root)
    shown = json.dumps(engine.check("thinspo", locale="pl-PL").to_dict(), ensure_ascii=False)
    assert "Bezpłatnie." in shown
    assert "no national" not in shown
    assert "remarks" not in shown


def test_notes_and_remarks_survive_the_artefact(tmp_path: Path) -> None:
    root = copy_rules(tmp_path)
    (root / "cards" / "support.yaml").write_text(CARD, encoding="utf-8")
    path = tmp_path / "rules.bin"
    write_artifact(load_rules(root), path)
    loaded = Engine.load(path)
    card = loaded.ruleset.cards["support"]
    assert card.resources["PL"][0].remarks == "no national eating-disorder line was found"
    decision = loaded.check("thinspo", locale="pl-PL")
    assert decision.card is not None
    assert decision.card.resources[0].note == "Bezpłatnie."


def test_a_note_mapping_needs_a_default(tmp_path: Path) -> None:
    root = copy_rules(tmp_path)
    (root / "cards" / "support.yaml").write_text(
        CARD.replace("        default: Free of charge.\n", ""), encoding="utf-8"
    )
    with pytest.raises(RuleFileError) as info:
        load_rules(root)
    assert "default" in info.value.reason
    assert info.value.line == 11


def test_lint_refuses_a_superseded_number_on_a_card(tmp_path: Path) -> None:
    from interventions._lint import lint_rules

    root = copy_rules(tmp_path)
    (root / "quality").mkdir(exist_ok=True)
    (root / "quality" / "superseded_numbers.yaml").write_text(
        'numbers:\n  - {number: "000-000 000", replacement: "the new line", source: test}\n',
        encoding="utf-8",
    )
    findings = [f for f in lint_rules(root, vocab=[]) if f.code == "SUPERSEDED_NUMBER"]
    # the PL "000 000 000" and SE "000-00 00 00" test lines: compared digits only
    assert sorted(f.message.split("(")[1][:2] for f in findings) == ["PL", "SE"]
    assert all(f.card_id == "support" and "the new line" in f.message for f in findings)
