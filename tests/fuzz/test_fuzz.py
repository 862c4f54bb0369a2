"""A short slice of ``make fuzz``: hostile inputs of every class of issue #15 (``_hostile.py``)
on the shipped rules and the stress set, each decided three ways that must agree.

No time is asserted here (the machine may be busy): ``make fuzz`` reports the slowest inputs of
a million, and ``benchmarks/worst_case.py`` measures the bound. Examples are derandomized, so
``make test`` checks the same inputs every run; ``make fuzz`` explores.
"""

from __future__ import annotations

import random
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interventions import Decision

from ._engines import Ways, _hostile

SETTINGS: dict[str, Any] = {
    "deadline": None,
    "derandomize": True,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
MAX_LEN = 120
"""Shorter than ``make fuzz``'s inputs, to keep ``make test`` quick; the classes that need
length (``long_query``, huge locales) still go past the 1,024-character cap."""

classes = st.sampled_from(sorted(_hostile.CLASSES))
any_text = st.text(st.characters(codec=None, categories=None), max_size=60)
"""Any code point, lone surrogates included."""


def _input(name: str, rnd: random.Random, words: list[str]) -> _hostile.Input:
    return _hostile.CLASSES[name](rnd, words, MAX_LEN)


@settings(max_examples=150, **SETTINGS)
@given(classes, st.randoms(use_true_random=False))
def test_every_class_on_the_shipped_rules(
    shipped_ways: Ways, words: list[str], name: str, rnd: random.Random
) -> None:
    query, locale = _input(name, rnd, words)
    assert isinstance(shipped_ways.decide(query, locale), Decision)


@settings(max_examples=100, **SETTINGS)
@given(classes, st.randoms(use_true_random=False))
def test_every_class_on_the_stress_set(
    stress: Ways, words: list[str], name: str, rnd: random.Random
) -> None:
    query, locale = _input(name, rnd, words)
    assert isinstance(stress.decide(query, locale), Decision)


@settings(max_examples=100, **SETTINGS)
@given(any_text, st.one_of(st.none(), any_text))
def test_any_text_and_locale(
    shipped_ways: Ways, stress: Ways, query: str, locale: str | None
) -> None:
    shipped_ways.decide(query, locale)
    stress.decide(query, locale)


def test_every_class_generates_what_it_says() -> None:
    """Each class gives a str query and a str or None locale, the same for the same seed."""
    words = ["thinspo", "pro", "ana", "przemoc", "självskada"]
    for name, gen in _hostile.CLASSES.items():
        for seed in range(20):
            query, locale = gen(random.Random(seed), words, MAX_LEN)
            assert isinstance(query, str), name
            assert locale is None or isinstance(locale, str), name
            assert gen(random.Random(seed), words, MAX_LEN) == (query, locale), name
