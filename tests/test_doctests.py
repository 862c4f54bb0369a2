"""The examples in docstrings are part of the docs; they must stay true."""

from __future__ import annotations

import doctest
from types import ModuleType

import pytest

import interventions
from interventions import _cards, _engine, _normalize


@pytest.mark.parametrize("module", [interventions, _engine, _cards, _normalize])
def test_docstring_examples(module: ModuleType) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
