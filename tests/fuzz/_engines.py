"""The engines the fuzz tests decide with: the shipped rules and the stress set, each three ways
(``check`` on an engine with memos, its full path, an engine with ``memo_size=0``), as
``benchmarks/fuzz.py`` does for ``make fuzz``."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from interventions import Decision, Engine, RuleSet, load_rules

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
if str(BENCHMARKS) not in sys.path:
    sys.path.insert(0, str(BENCHMARKS))

import _hostile  # noqa: E402

__all__ = ["Ways", "_hostile", "stress_ways", "ways_of"]


@dataclass(frozen=True)
class Ways:
    """One rule set, decided three ways."""

    warm: Engine
    cold: Engine

    def decide(self, query: str, locale: str | None) -> Decision:
        """The decision for ``query``, after asserting that each way gives one and that they
        are the same."""
        by_memo = self.warm.check(query, locale=locale)
        full = self.warm._check_fully(query, locale)
        cold = self.cold.check(query, locale=locale)
        for d in (by_memo, full, cold):
            assert isinstance(d, Decision), (query, locale, d)
        differ = by_memo != full or by_memo != cold
        if differ and _hostile.timed_out(self.warm, (by_memo, full, cold)):
            return by_memo  # the regex time ran out on some path (under load): incomplete
        assert by_memo == full, (query, locale, by_memo, full)
        assert by_memo == cold, (query, locale, by_memo, cold)
        return by_memo


def ways_of(ruleset: RuleSet) -> Ways:
    return Ways(Engine(ruleset), Engine(ruleset, memo_size=0))


def stress_ways(words: list[str]) -> Ways:
    """The stress set, every regex term included."""
    with _hostile.stress_rules(words) as root:
        return ways_of(load_rules(root))
