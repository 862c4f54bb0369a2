"""Bounded work per query and the failure policy: an enormous input is read up to its bound and
still decided (flagged incomplete); an internal error is a decision, never an exception."""

from __future__ import annotations

import logging
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import OSA

from interventions import Action, Engine, InputError, _match, load_rules
from interventions._artifact import artifact_bytes
from interventions._match import MAX_LONG_WORD_FUZZY, MAX_MEMO_WORD
from interventions._normalize import LONG_WORD_BUDGET, collapse, normalize
from interventions._segment import SEGMENT_BUDGET

from ..conftest import MINI_RULES, SHIPPED_RULES

RULESET = load_rules(SHIPPED_RULES)
FRAGMENTS = ["th1n", "sp0", "pr0", "an4", "m14", "b0ne", "c4t", "k1ll", "5u1c", "1d3", "h4te"]


def _leet_kilobyte(seed: int) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice(FRAGMENTS) + rng.choice(".-_") for _ in range(300))[:1024]


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(RULESET)


def test_the_bounds_are_what_the_docs_say() -> None:
    assert (MAX_MEMO_WORD, LONG_WORD_BUDGET, MAX_LONG_WORD_FUZZY, SEGMENT_BUDGET) == (
        64,
        128,
        16,
        1024,
    )


@pytest.mark.parametrize("seed", range(4))
def test_a_kilobyte_of_glued_leet_is_read_up_to_its_bound(engine: Engine, seed: int) -> None:
    query = _leet_kilobyte(seed)
    norm = normalize(query)
    assert not norm.complete  # tokens past the long-word budget were not read
    assert max(t.start for t in norm.tokens) < LONG_WORD_BUDGET + 8
    decision = engine.check(query)
    assert not decision.complete
    assert decision == engine._check_fully(query, None)  # one path for such words
    assert decision.to_dict()["complete"] is False


def test_ordinary_queries_are_complete(engine: Engine) -> None:
    for query in ["#thinspo", "banana bread", "how to stop cutting", "p.r.o.a.n.a tips"]:
        assert engine.check(query).complete, query


def test_a_long_hashtag_is_still_read(engine: Engine) -> None:
    # one word of 421 characters: split into words within the budget
    decision = engine.check("#" + "thinspoproanaselfharm" * 20)
    assert decision.category == "eating_disorder" and decision.complete


def test_letters_spelled_out_past_the_length_cap_are_still_found(engine: Engine) -> None:
    decision = engine.check(" ".join("thinspo" * 100))
    assert decision.category == "eating_disorder" and decision.truncated


def test_long_words_never_enter_the_word_memo(engine: Engine) -> None:
    word = "x" * (MAX_MEMO_WORD + 1)
    engine.check(word)
    assert engine._words.get(word) is None


def test_an_incomplete_decision_that_found_nothing_fails_closed_when_asked() -> None:
    closed = Engine(RULESET, failure="closed")
    query = "zq9." * 200  # nothing harmful, but past the bound
    d = closed.check(query)
    assert (d.action, d.rule_id, d.card, d.complete) == (Action.INTERSTITIAL, None, None, False)
    assert Engine(RULESET).check(query).action is Action.NONE  # fail-open (the default)
    found = closed.check(_leet_kilobyte(1))
    assert found.rule_id is not None  # what was found decides, closed or open


def test_every_way_to_build_an_engine_takes_the_failure_policy() -> None:
    """A service that loads a compiled artefact chooses the policy as one built from YAML."""
    query = "zq9." * 200  # nothing harmful, but past the bound
    data = artifact_bytes(load_rules(MINI_RULES))[0]
    texts = {
        str(p.relative_to(MINI_RULES)): p.read_text(encoding="utf-8")
        for p in MINI_RULES.rglob("*")
        if p.is_file() and p.suffix in (".yaml", ".txt")
    }
    for closed in (
        Engine.from_path(MINI_RULES, failure="closed"),
        Engine.from_bytes(data, failure="closed"),
        Engine.from_texts(texts, failure="closed"),
    ):
        assert closed.check(query).action is Action.INTERSTITIAL
    assert Engine.from_bytes(data).check(query).action is Action.NONE


class _BoomError(RuntimeError):
    pass


class _Broken(Engine):
    """An engine whose every path fails inside."""

    def _check_fully(self, *args: object, **kwargs: object) -> object:  # type: ignore[override]
        raise _BoomError("broken")

    def _by_words(self, *args: object, **kwargs: object) -> object:  # type: ignore[override]
        raise _BoomError("broken")


@pytest.mark.parametrize(
    ("failure", "action"), [("open", Action.NONE), ("closed", Action.INTERSTITIAL)]
)
def test_an_internal_error_is_a_decision_and_a_log_line_without_the_query(
    caplog: pytest.LogCaptureFixture,
    failure: str,
    action: Action,
) -> None:
    engine = _Broken(RULESET, failure=failure)
    secret = "my secret query about thinspo"
    with caplog.at_level(logging.ERROR, logger="interventions"):
        d = engine.check(secret)
    assert (d.action, d.complete) == (action, False)
    (record,) = caplog.records
    assert "_BoomError" in record.getMessage() and "29 characters" in record.getMessage()
    assert secret not in record.getMessage() and "thinspo" not in caplog.text


def test_a_caller_mistake_is_still_raised(engine: Engine) -> None:
    with pytest.raises(TypeError):
        engine.check(b"bytes")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        engine.check("x", at="tomorrow")  # type: ignore[arg-type]
    with pytest.raises(InputError):
        Engine(RULESET, failure="sometimes")


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(alphabet="thinspoaerx0123$", min_size=5, max_size=40),
        st.sampled_from(["thinspiration", "proanorexia", "bonespiration"]).flatmap(
            lambda t: st.lists(st.sampled_from("x9$e"), max_size=4).map(lambda e: t + "".join(e))
        ),
    )
)
def test_a_key_past_every_fuzzy_terms_reach_is_not_looked_up_and_loses_nothing(key: str) -> None:
    """The fuzzy lookup skips keys longer than any fuzzy term plus its distance, and keys with
    more characters no fuzzy term holds than the largest distance: the full lookup finds
    nothing for them either."""
    index = _ENGINE_FOR_FUZZY._index
    plan = _match._fuzzy_plan(index)
    reach, alphabet, most = plan.longest, plan.alphabet, plan.most
    assert reach == max(len(t) + d for t, d in index.fuzzy_terms.values())
    assert most == max(d for _, d in index.fuzzy_terms.values())
    if len(key) > reach or len(key.translate(alphabet)) > most:
        assert _match._fuzzy_key(index, key) == ()
        assert _match._fuzzy_key(index, key, squeezed=True) == ()


_ENGINE_FOR_FUZZY = Engine(RULESET, memo_size=0)


def _edited(rng: random.Random, word: str, edits: int) -> str:
    chars = list(word)
    for _ in range(edits):
        op = rng.randrange(4)
        i = rng.randrange(len(chars)) if chars else 0
        if op == 0 and chars:
            chars[i] = rng.choice("aeiostnx0$")
        elif op == 1:
            chars.insert(i, rng.choice("aeiostnx0$"))
        elif op == 2 and len(chars) > 1:
            del chars[i]
        elif len(chars) > 1:
            j = min(i + 1, len(chars) - 1)
            chars[i], chars[j] = chars[j], chars[i]
    return "".join(chars)


@pytest.mark.parametrize("way", [0, 1, 2])
@pytest.mark.parametrize("seed", range(4))
def test_the_fuzzy_lookup_finds_every_term_within_its_distance_and_no_other(
    seed: int, way: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each way of looking a key up (comparing with each term near, deletions one deep, two
    deep) finds exactly the terms whose OSA distance to the key (to the term squeezed, for a
    squeezed key) is within theirs, for keys zero to three edits from a fuzzy term."""
    monkeypatch.setattr(_match, "_fuzzy_way", lambda near, two, n: way)
    index = _ENGINE_FOR_FUZZY._index
    rng = random.Random(seed)
    words = [t for t, _ in index.fuzzy_terms.values()]
    keys = [_edited(rng, rng.choice(words), rng.randint(0, 3)) for _ in range(400)]
    found_any = False
    for key in keys:
        for squeezed in (False, True):
            expected = {
                tid
                for tid, (token, d) in index.fuzzy_terms.items()
                if OSA.distance(key, collapse(token) if squeezed else token) <= d
            }
            assert set(_match._fuzzy_key(index, key, squeezed=squeezed)) == expected, key
            found_any = found_any or bool(expected)
    assert found_any
