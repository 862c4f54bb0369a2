from __future__ import annotations

import pytest

from interventions import Engine

from ._engines import Ways, _hostile, stress_ways, ways_of


@pytest.fixture(scope="session")
def words(shipped: Engine) -> list[str]:
    return _hostile.rule_words(shipped.ruleset)


@pytest.fixture(scope="session")
def shipped_ways(shipped: Engine) -> Ways:
    return ways_of(shipped.ruleset)


@pytest.fixture(scope="session")
def stress(words: list[str]) -> Ways:
    return stress_ways(words)
