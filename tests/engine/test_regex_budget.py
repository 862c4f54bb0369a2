"""Regex terms share one time bound per query: once it is spent, the remaining patterns count as
not matching (the full path) or as 'may match' (the word memo hands the query to the full path)."""

from __future__ import annotations

from pathlib import Path

import pytest

from interventions import Engine
from interventions._match import REGEX_TIMEOUT, find_hits, regex_may_match
from interventions._normalize import normalize

from ..conftest import SUPPORT_CARD, FakeClock

RULES = """\
category: self_harm
card: support
rules:
  - id: t.one
    action: banner
    terms: [{regex: "alpha"}]
    examples: {match: [alpha], no_match: [beta]}
  - id: t.two
    action: banner
    terms: [{regex: "beta"}]
    examples: {match: [beta], no_match: [alpha]}
  - id: t.three
    action: banner
    terms: [{regex: "gamma"}]
    examples: {match: [gamma], no_match: [alpha]}
"""


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    (tmp_path / "cards").mkdir()
    (tmp_path / "cards" / "support.yaml").write_text(SUPPORT_CARD)
    (tmp_path / "rules.yaml").write_text(RULES)
    return Engine.from_path(tmp_path)


def test_all_patterns_run_within_the_budget(engine: Engine) -> None:
    hits = find_hits(engine._index, normalize("alpha beta gamma"))
    assert len(hits) == 3


def test_the_budget_is_shared_by_the_patterns_of_one_query(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the deadline is read once, then once per pattern: with each reading 0.4 budgets later,
    # the first pattern runs and the budget is gone before the third
    monkeypatch.setattr("interventions._match.time.perf_counter", FakeClock(0.4 * REGEX_TIMEOUT))
    hits = find_hits(engine._index, normalize("alpha beta gamma"))
    rules = {engine._index.rules[engine._index.term_rule[t]].id for t, _, _ in hits}
    assert rules == {"t.one", "t.two"}


def test_the_memo_path_hands_a_spent_budget_to_the_full_path(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("interventions._match.time.perf_counter", FakeClock(2 * REGEX_TIMEOUT))
    assert regex_may_match(engine._index, "nothing here")  # not run: the full path decides
    decision = engine.check("nothing here")
    assert not decision.intervenes
