"""The compiled indexes must find exactly what the plain loop over every term finds."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interventions import Engine
from interventions._match import find_hits
from interventions._normalize import normalize
from interventions._reference import reference_hits

FRAGMENTS = [
    "thinspo", "th1nsp0", "thinspiration", "thinspirat1on", "thinspiratoin", "proana", "pro",
    "ana", "tips", "anorexia", "anoreksja", "przemocy", "domowej", "ofiarom", "meanspo", "no",
    "recovery", "anti", "kill", "myself", "fick", "våld", "i", "nära", "relationer", "banana",
    "#", "-", ".", " ", "_", "\u200b", "ѕ", "Т", "ooo", "4", "1", "|", "!", "@",
]  # fmt: skip

SETTINGS: dict[str, Any] = {
    "deadline": None,  # the reference loops over every term: slow by design
    "suppress_health_check": [HealthCheck.function_scoped_fixture],
}

queries = st.lists(st.sampled_from(FRAGMENTS), max_size=12).map("".join)
noisy = st.tuples(queries, st.text(max_size=6), queries).map("".join)


def same_hits(engine: Engine, query: str) -> None:
    index = engine._index
    norm = index.segmenter.extend(normalize(query))
    assert set(find_hits(index, norm)) == set(reference_hits(index, norm)), query


@settings(max_examples=600, **SETTINGS)
@given(queries)
def test_mini_rules(mini: Engine, query: str) -> None:
    same_hits(mini, query)


@settings(max_examples=300, **SETTINGS)
@given(noisy)
def test_mini_rules_with_noise(mini: Engine, query: str) -> None:
    same_hits(mini, query)


@settings(max_examples=100, **SETTINGS)
@given(queries)
def test_shipped_rules(shipped: Engine, query: str) -> None:
    same_hits(shipped, query)


def test_shipped_rules_on_their_own_examples(shipped: Engine) -> None:
    for rule in shipped.ruleset.rules:
        for example in (*rule.match_examples, *rule.no_match_examples):
            same_hits(shipped, example.query)


# -- the benign fast path: it may only ever say "none" when the full path says so too ------------

words = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4)), max_size=10).map(
    " ".join
)


def fast_equals_full(engine: Engine, query: str) -> None:
    assert engine.check(query) == engine._check_fully(query, None), query


@settings(max_examples=800, **SETTINGS)
@given(words)
def test_fast_path_mini(mini: Engine, query: str) -> None:
    fast_equals_full(mini, query)


@settings(max_examples=300, **SETTINGS)
@given(words)
def test_fast_path_shipped(shipped: Engine, query: str) -> None:
    fast_equals_full(shipped, query)


def test_fast_path_letters_spelled_across_words(mini: Engine) -> None:
    for q in ["t h i n s p o", "p r o-a n a", "t  h.i.n s p o", "pro a n a"]:
        fast_equals_full(mini, q)
    assert mini.check("p r o a n a").rule_id == "t.block"
