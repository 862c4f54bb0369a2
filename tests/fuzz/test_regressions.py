"""Every input of ``tests/fuzz/regressions.txt``, decided three ways that must agree; and the
regex patterns the worst-case search found the loader accepting although they backtrack
exponentially.

A line with a reason still fails: its test is an expected failure (strict, so a fix is noticed
and the reason removed from the file).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from interventions import Engine, RuleFileError, _match

from ..conftest import FakeClock
from ._engines import Ways, _hostile

REGRESSIONS = Path(__file__).with_name("regressions.txt")


def _cases() -> list[Any]:
    cases = []
    for n, line in enumerate(REGRESSIONS.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        ruleset, query, locale, known = _hostile.decode_line(line)
        marks = [pytest.mark.xfail(strict=True, reason=known)] if known else []
        cases.append(pytest.param(ruleset, query, locale, id=f"line{n}", marks=marks))
    return cases


@pytest.mark.parametrize(("ruleset", "query", "locale"), _cases())
def test_a_found_input_is_decided_the_same_three_ways(
    shipped_ways: Ways, stress: Ways, ruleset: str, query: str, locale: str | None
) -> None:
    ways = {"shipped": shipped_ways, "stress": stress}[ruleset]
    ways.decide(query, locale)


CARD = """\
id: support
text: {default: {title: T, body: B}}
resources:
  default: [{name: N, url: "https://example.org", source: s, verified: 2024-01-01}]
"""


@pytest.mark.parametrize("pattern", [r"(?:x+x+)+y", r"(?:q|qq)+z", r"(?:xx+)+y"])
def test_an_exponential_regex_is_refused_at_load(pattern: str) -> None:
    rules = (
        "category: c\ncard: support\nrules:\n  - id: a.b\n    action: banner\n"
        f"    terms: [{{regex: '{pattern}'}}]\n    examples: {{match: [xy]}}\n"
    )
    with pytest.raises(RuleFileError):
        Engine.from_texts({"r.yaml": rules, "cards/support.yaml": CARD})


Q_RULES = """\
category: c
card: support
rules:
  - id: a.q
    action: banner
    terms: [{regex: '(?:q|r)+z'}]
    examples: {match: [qz]}
"""


def test_the_regex_bound_is_spent_once_per_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Counted, not timed: the deadlines regex terms run under during one check (one for the
    memo path, one for the full path when the memo path hands the query over)."""
    engine = Engine.from_texts({"r.yaml": Q_RULES, "cards/support.yaml": CARD})
    deadlines: set[float] = set()
    real = _match._regex_spans

    def spans(pattern: Any, text: str, deadline: float) -> Any:
        deadlines.add(deadline)
        return real(pattern, text, deadline)

    monkeypatch.setattr(_match, "_regex_spans", spans)
    engine.check(" ".join(f"qq{c}" for c in "abcdefghij"))
    assert len(deadlines) <= 2


def test_a_regex_left_unrun_makes_the_decision_incomplete(monkeypatch: pytest.MonkeyPatch) -> None:
    """A slow machine, simulated: every clock reading is two regex budgets later, so the
    pattern never gets to run."""
    rules = Q_RULES.replace("(?:q|qq)+z", "alpha").replace("[qz]", "[alpha]")
    texts = {"r.yaml": rules, "cards/support.yaml": CARD}
    engines = [Engine.from_texts(texts, memo_size=0), Engine.from_texts(texts)]
    monkeypatch.setattr(
        "interventions._match.time.perf_counter", FakeClock(2 * _match.REGEX_TIMEOUT)
    )
    for engine in engines:  # the full path, and the word memo's, which hands over to it
        decision = engine.check("alpha")
        assert not decision.intervenes and not decision.complete
    # under the fail-closed policy an incomplete decision that found nothing intervenes
    closed = Engine.from_texts(texts, memo_size=0, failure="closed")
    assert closed.check("alpha").intervenes
