"""The service's tests need the server extra; each module skips, saying so, when it is missing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

MINI_RULES = Path(__file__).parents[1] / "data" / "mini_rules"

EXTRA = "the server extra is not installed: pip install -e '.[server]' (make test installs it)"


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    """A copy of mini_rules that a test may break and mend."""
    folder = tmp_path / "rules"
    shutil.copytree(MINI_RULES, folder)
    return folder


def break_rules(folder: Path) -> None:
    harm = folder / "harm.yaml"
    harm.write_text(harm.read_text(encoding="utf-8") + "\n  - id: t.block\n", encoding="utf-8")


def change_rules(folder: Path) -> None:
    """t.block's action lowered from block to redirect: a new, valid rule set."""
    harm = folder / "harm.yaml"
    text = harm.read_text(encoding="utf-8")
    harm.write_text(
        text.replace("id: t.block\n    action: block", "id: t.block\n    action: redirect"),
        encoding="utf-8",
    )
