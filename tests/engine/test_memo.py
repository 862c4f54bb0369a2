"""The engine's memos: bounded in entries and bytes, keeping hot words when full (no cliff), and
never changing a decision."""

from __future__ import annotations

import random
import string

from hypothesis import given, settings
from hypothesis import strategies as st

from interventions import Engine, load_rules
from interventions._memo import Memo, entry_bytes

from ..conftest import SHIPPED_RULES, SUPPORT_CARD


def _size(key: str, value: int) -> int:
    return entry_bytes(key)


def test_a_hot_key_survives_a_flood_of_new_keys() -> None:
    memo: Memo[str, int] = Memo(100, 1 << 30, _size)
    memo.put("hot", 1)
    for i in range(10_000):
        memo.put(f"new{i}", i)
        if i % 40 == 0:  # used at least once per generation (50 entries)
            assert memo.get("hot") == 1
    assert memo.get("hot") == 1
    assert len(memo) <= 100


def test_a_cold_key_is_dropped_after_two_generations() -> None:
    memo: Memo[str, int] = Memo(100, 1 << 30, _size)
    memo.put("cold", 1)
    for i in range(100):
        memo.put(f"new{i}", i)
    assert memo.get("cold") is None


def test_bytes_bound_the_memo() -> None:
    memo: Memo[str, int] = Memo(1 << 20, 100_000, _size)
    long = "x" * 1000
    for i in range(1000):
        memo.put(f"{long}{i}", i)
    # each generation holds about half the bytes: at most one entry over
    assert memo.bytes_estimate <= 50_000 + entry_bytes(long + "999")
    assert len(memo) <= 2 * (50_000 // entry_bytes(long) + 1)


def test_a_memo_of_size_zero_keeps_nothing() -> None:
    memo: Memo[str, int] = Memo(0, 1000, _size)
    memo.put("a", 1)
    assert memo.get("a") is None and len(memo) == 0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abcdefgh"), st.integers(0, 3)), max_size=200))
def test_a_memo_answers_the_last_value_put_or_nothing(ops: list[tuple[str, int]]) -> None:
    memo: Memo[str, int] = Memo(4, 1 << 20, _size)
    last: dict[str, int] = {}
    for key, value in ops:
        got = memo.get(key)
        assert got is None or got == last[key]
        memo.put(key, value)
        last[key] = value


def _stream(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    hot = ["thinspo", "pro ana", "banana bread", "#edrecovery", "weather", "news today"]
    out = []
    for _ in range(n):
        if rng.random() < 0.3:
            out.append(rng.choice(hot))
        else:
            word = "".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 9)))
            out.append(f"{word} {rng.choice(hot)}" if rng.random() < 0.2 else word)
    return out


def test_a_small_memo_under_churn_decides_as_no_memo() -> None:
    ruleset = load_rules(SHIPPED_RULES)
    tiny = Engine(ruleset, memo_size=64)
    plain = Engine(ruleset, memo_size=0)
    for query in _stream(3000, seed=7):
        assert tiny.check(query) == plain.check(query), query
    assert len(tiny._words) <= 64
    assert tiny._words.get("thinspo") is not None  # a hot word stays


def test_a_byte_bound_holds_with_long_words() -> None:
    engine = Engine.from_path(SHIPPED_RULES, memo_bytes=200_000)
    rng = random.Random(3)
    for _ in range(2000):
        engine.check("".join(rng.choices(string.ascii_lowercase, k=200)))
    assert engine._words.bytes_estimate <= 100_000 + entry_bytes("x" * 200, 10_000)


def test_the_decision_cache_decides_as_without_it() -> None:
    ruleset = load_rules(SHIPPED_RULES)
    cached = Engine(ruleset, cache_size=32)
    plain = Engine(ruleset)
    for query in _stream(1500, seed=11):
        for locale in (None, "pl-PL"):
            assert cached.check(query, locale=locale) == plain.check(query, locale=locale)
    assert len(cached._cache) <= 32


def test_a_huge_locale_is_not_kept() -> None:
    engine = Engine.from_path(SHIPPED_RULES)
    before = len(engine._langs)
    decision = engine.check("#thinspo", locale="pl-" + "x" * 100_000)
    assert decision.intervenes
    assert len(engine._langs) == before
    assert all(len(k[1] or "") < 100 for k in engine._card_of)


def test_marks_join_their_sets_and_a_new_generation_starts_them_afresh() -> None:
    memo: Memo[str, int] = Memo(4, 1 << 20, _size, flag=lambda v: v == 0, marks=(bool,))
    memo.put("zero", 0)
    memo.put("one", 1)
    flagged, marked = memo.sets
    assert flagged is memo.flagged and flagged == {"zero"} and marked == {"one"}
    for i in range(2, 4):  # the young generation fills up: a new one begins
        memo.put(f"k{i}", i)
    assert memo.sets[0] is memo.flagged and "zero" not in memo.flagged
    assert "one" not in memo.sets[1] and memo.get("one") == 1 and "one" in memo.sets[1]


LETTER_RULES = """\
category: c
card: support
rules:
  - id: a.thin
    action: redirect
    terms: [thin]
    examples: {match: [t h i n]}
  - id: a.phrase
    action: banner
    terms: [{phrase: home alone tips}, {phrase: sweet home}, {phrase: weather alone}]
    examples: {match: [home alone tips]}
"""

_LETTERS_AND_ANCHORS = [
    *["i", "a", "t", "h", "n", "I", "home", "alone", "tips", "weather", "x-", "sweet", "day"],
    # letters spelled out inside a word (read with the word) and across words (not)
    *["t.h.i.n", "t.h", "i.n", "x.t.h", "h.i.nx", "thi.n", "-", "t.h.i.n.t.h"],
]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_LETTERS_AND_ANCHORS), max_size=7))
def test_letters_and_phrase_words_decide_as_without_the_memo(words: list[str]) -> None:
    """Queries whose only loud words are single letters and a phrase's indexed word take a
    shortcut of set tests on a warm memo, and letters spelled out within one word are read
    with that word; they decide as an engine without the memo."""
    texts = {"r.yaml": LETTER_RULES, "cards/support.yaml": SUPPORT_CARD}
    warm = _warm_engine(texts)
    query = " ".join(words)
    assert warm.check(query) == _plain_engine(texts).check(query), query


_ENGINES: dict[str, Engine] = {}


def _warm_engine(texts: dict[str, str]) -> Engine:
    if "warm" not in _ENGINES:
        engine = _ENGINES["warm"] = Engine.from_texts(texts)
        for word in _LETTERS_AND_ANCHORS:  # every word known: the shortcut applies
            engine.check(word)
    return _ENGINES["warm"]


def _plain_engine(texts: dict[str, str]) -> Engine:
    if "plain" not in _ENGINES:
        _ENGINES["plain"] = Engine.from_texts(texts, memo_size=0)
    return _ENGINES["plain"]


def test_the_shortcut_is_taken_and_right_for_letters_and_anchors() -> None:
    engine = _warm_engine({"r.yaml": LETTER_RULES, "cards/support.yaml": SUPPORT_CARD})
    assert engine.check("i want weather").action.value == "none"
    assert engine.check("home weather a").action.value == "none"
    assert engine._quiet_rest(["i", "a", "weather"], engine._words.flagged)
    assert engine._quiet_rest(["home", "weather"], engine._words.flagged)
    # three letters may spell a word; a phrase's other word may complete it
    assert not engine._quiet_rest(["t", "h", "i"], engine._words.flagged)
    assert not engine._quiet_rest(["sweet", "home"], engine._words.flagged)
    # `weather` anchors `weather alone`; `home` is a member of the two other phrases only
    assert engine._quiet_rest(["weather", "home", "day"], engine._words.flagged)
    assert not engine._quiet_rest(["weather", "day", "alone"], engine._words.flagged)
    assert engine.check("t h i n").action.value == "redirect"
    assert engine.check("home alone tips").action.value == "banner"
    assert engine.check("weather alone").action.value == "banner"
