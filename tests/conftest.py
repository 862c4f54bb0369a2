from __future__ import annotations

import functools
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from interventions import Engine

DATA = Path(__file__).parent / "data"
MINI_RULES = DATA / "mini_rules"
SHIPPED_RULES = Path(__file__).parents[1] / "rules"
SUPPORT_CARD = """\
id: support
text:
  default: {title: Support, body: You are not alone.}
resources:
  default:
    - name: Find A Helpline
      url: "https://findahelpline.com"
      source: test fixture
      verified: 2024-04-01
"""
"""A card file ``cards/support.yaml`` for the small rule sets tests write."""


@pytest.fixture(scope="session")
def mini() -> Engine:
    """An engine over tests/data/mini_rules: small, stable, covers every term kind."""
    return Engine.from_path(MINI_RULES)


@pytest.fixture(scope="session")
def shipped() -> Engine:
    return Engine.default()


# -- the shipped rules are loaded and compiled once per session -----------------------------------
#
# Dozens of tests and CLI runs (lint, test, batch, diff, compile) start from the shipped rules
# folder; loading it takes ~1 s and compiling it ~0.5 s on a 2-core machine, which added up to
# over a minute of `make test`. While the folder is unchanged (every file's size and mtime, so an
# analyst's edit during a run is still read), `load_rules` on it returns the rule set it returned
# before, and `compile_rules` on that rule set (immutable, like its index) the same index. Only
# the shipped folder itself: copies in tmp_path, test data and in-memory rules load as always, so
# the loader's and compiler's own tests are unaffected (tests/docs/_runner.py does the same for
# the folders the docs examples use).


def _fingerprint(folder: Path) -> tuple[Any, ...]:
    entries = []
    for parent, _, files in os.walk(folder):
        for name in files:
            st = os.stat(os.path.join(parent, name))
            entries.append((parent, name, st.st_mtime_ns, st.st_size))
    return tuple(sorted(entries))


def pytest_configure(config: pytest.Config) -> None:
    from interventions import _compile, _loader

    real_load, real_compile = _loader.load_rules, _compile.compile_rules
    shipped = SHIPPED_RULES.resolve()
    loaded: dict[tuple[Any, ...], Any] = {}
    compiled: dict[int, tuple[Any, Any]] = {}

    @functools.wraps(real_load)  # the public name keeps its module (tests/test_public_api.py)
    def load_rules(path: str | Path, **kwargs: Any) -> Any:
        if Path(path).resolve() != shipped:
            return real_load(path, **kwargs)
        key = (_fingerprint(shipped), tuple(sorted(kwargs.items())))
        if key not in loaded:
            loaded.clear()  # the folder changed: keep only its current content
            compiled.clear()
            loaded[key] = real_load(path, **kwargs)
        return loaded[key]

    @functools.wraps(real_compile)
    def compile_rules(ruleset: Any) -> Any:
        if not any(ruleset is r for r in loaded.values()):
            return real_compile(ruleset)
        if id(ruleset) not in compiled:
            compiled[id(ruleset)] = (ruleset, real_compile(ruleset))
        return compiled[id(ruleset)][1]

    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").startswith("interventions"):
            for name, real, memo in (
                ("load_rules", real_load, load_rules),
                ("compile_rules", real_compile, compile_rules),
            ):
                if getattr(module, name, None) is real:
                    setattr(module, name, memo)


class FakeClock:
    """A stand-in for ``time.perf_counter`` (a slow machine, simulated): each reading moves
    time on by ``step`` seconds."""

    def __init__(self, step: float) -> None:
        self.now = 0.0
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now
