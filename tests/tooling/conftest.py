"""Fixtures for the rule tooling tests: the shipped rules, and broken copies of them."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

SHIPPED = Path(__file__).parents[2] / "rules"
DATA = Path(__file__).parent / "data"
VOCAB = DATA / "vocab.txt"

BrokenRules = Callable[..., Path]
KEPT_FOLDERS = {"cards", "quality", "vocabulary", "lint"}


def _packs(folder: str, names: list[str]) -> list[str]:
    here = Path(folder)
    if here == SHIPPED:
        return []
    if here.parent == SHIPPED and here.name not in KEPT_FOLDERS:
        # a language pack: only its lexicons, which the shared rules' help-seeking cues and
        # topic words are made of (the pack's own rules stay out)
        return [n for n in names if n != "lexicons.yaml"]
    return [n for n in names if n.startswith("known_false_positives_")]


def copy_rules(
    root: Path,
    *,
    rules: str | None = None,
    card: str | None = None,
    files: dict[str, str] | None = None,
) -> Path:
    """Copy the shipped rules to ``root`` (once) and add files to the copy.

    ``rules`` becomes ``zz_broken.yaml`` and ``card`` becomes ``cards/zz_card.yaml``; ``files``
    maps other paths in the copy to their text. The shipped files are left as they are, so these
    tests do not depend on the wording of rules that analysts change every week.
    """
    if not root.exists():
        # the shared rules and their cards: the language packs would only make each lint of a
        # copy slower, and what these tests check does not depend on them
        shutil.copytree(SHIPPED, root, ignore=_packs)
    if rules is not None:
        (root / "zz_broken.yaml").write_text(rules, encoding="utf-8")
    if card is not None:
        (root / "cards" / "zz_card.yaml").write_text(card, encoding="utf-8")
    for name, text in (files or {}).items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def broken_rules(tmp_path: Path) -> BrokenRules:
    """:func:`copy_rules` into this test's ``tmp_path``."""

    def make(
        *, rules: str | None = None, card: str | None = None, files: dict[str, str] | None = None
    ) -> Path:
        return copy_rules(tmp_path / "rules", rules=rules, card=card, files=files)

    return make


CARD = """\
id: zz_card
text:
  default: {title: Help, body: Someone can help.}
resources:
  default:
    - name: Find A Helpline
      url: https://findahelpline.com
      source: test fixture
      verified: 2020-01-02
"""
"""A card whose only resource was verified long ago."""
