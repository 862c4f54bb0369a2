from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from interventions import Engine

MINI_RULES = Path(__file__).parents[1] / "data" / "mini_rules"

QUERIES = [
    "proana",
    "pro ana tips",
    "#thinspo",
    "th1nsp0",
    "thinspo recovery",
    "meanspo",
    "anorexia",
    "banana bread",
    "banana bread",
    "weather tomorrow",
    "",
]


@pytest.fixture(scope="session")
def candidate(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """mini_rules with t.block's action lowered to redirect and t.banner_a raised to block."""
    folder = tmp_path_factory.mktemp("candidate") / "rules"
    shutil.copytree(MINI_RULES, folder)
    harm = folder / "harm.yaml"
    text = harm.read_text(encoding="utf-8")
    text = text.replace("id: t.block\n    action: block", "id: t.block\n    action: redirect")
    text = text.replace("id: t.banner_a\n    action: banner", "id: t.banner_a\n    action: block")
    harm.write_text(text, encoding="utf-8")
    return Engine.from_path(folder)
