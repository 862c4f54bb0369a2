from __future__ import annotations

from pathlib import Path

import pytest

from interventions import Engine

DATA = Path(__file__).parent / "data"
MINI_RULES = DATA / "mini_rules"
SHIPPED_RULES = Path(__file__).parents[1] / "rules"


@pytest.fixture(scope="session")
def mini() -> Engine:
    """An engine over tests/data/mini_rules: small, stable, covers every term kind."""
    return Engine.from_path(MINI_RULES)


@pytest.fixture(scope="session")
def shipped() -> Engine:
    return Engine.default()
