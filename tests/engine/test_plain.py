"""``plain_word`` (the word memo's short way) says a word holds nothing only where reading it
the whole way (``Segmenter.read`` and ``word_profile``) finds nothing: no hit, no phrase anchored
or joined, one token, no other reading."""

from __future__ import annotations

import random
import string
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interventions import Engine
from interventions._match import plain_word, word_profile
from interventions._model import TermKind

from ..conftest import MINI_RULES

LATIN = "ąćęłńóśźżäöåüéèàçñ"

ORDINARY = [
    "mountain", "Garden", "bread", "holiday", "informacje", "communication", "Ärger",
    "zażółć", "möjligheter", "recipes", "Fahrrad", "tomorrow", "biblioteka", "välkommen",
]  # fmt: skip


def _term_words(engine: Engine) -> list[str]:
    words = {
        tok
        for rule in engine.ruleset.rules
        for term in (*rule.terms, *rule.unless)
        if term.kind is not TermKind.REGEX
        for tok in term.tokens
        if tok.isalpha()
    }
    return sorted(words)


def _edited(word: str, rng: random.Random) -> str:
    chars = list(word)
    for _ in range(rng.randint(0, 3)):
        op = rng.randrange(5)
        i = rng.randrange(len(chars)) if chars else 0
        if op == 0 and chars:
            chars[i] = rng.choice(string.ascii_lowercase + LATIN)
        elif op == 1:
            chars.insert(i, rng.choice(string.ascii_lowercase))
        elif op == 2 and len(chars) > 2:
            del chars[i]
        elif op == 3 and len(chars) > 1:
            j = min(i + 1, len(chars) - 1)
            chars[i], chars[j] = chars[j], chars[i]
        elif chars:
            chars.insert(i, chars[i])  # a doubled letter
    word = "".join(chars)
    return word.capitalize() if rng.random() < 0.2 else word


def _assert_plain_is_nothing(engine: Engine, word: str) -> bool:
    index = engine._index
    tok = plain_word(index, word)
    if tok is None:
        return False
    norm = index.segmenter.read(word)
    hits, anchors, members = word_profile(index, norm)
    assert (hits, anchors, members) == ([], frozenset(), frozenset()), word
    assert norm.sequences == ((tok,),), word
    return True


def _words(engine: Engine) -> st.SearchStrategy[str]:
    terms = _term_words(engine)
    glued = st.lists(st.sampled_from(terms), min_size=1, max_size=3).map("".join)
    edited = st.tuples(glued, st.randoms(use_true_random=False)).map(lambda p: _edited(*p))
    letters = st.text(alphabet=string.ascii_lowercase + LATIN, min_size=2, max_size=14)
    return st.one_of(edited, letters, st.sampled_from(ORDINARY))


SETTINGS: dict[str, Any] = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture],
}


@pytest.fixture(scope="module")
def fuzzy_heavy(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """Fuzzy terms of both distances, a prefix, a phrase and a substring, so that every way of
    the fuzzy lookup and every check of the short way has something to find."""
    folder = tmp_path_factory.mktemp("fuzzy_rules")
    (folder / "cards").mkdir()
    (folder / "cards" / "support.yaml").write_text(
        (MINI_RULES / "cards" / "support.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    words = ["thinspiration", "bonespiration", "anorexia", "proanorexia", "meanspiration"]
    fuzzy = ", ".join(f"{{word: {w}, fuzzy: 2}}" for w in words)
    (folder / "harm.yaml").write_text(
        f"""\
category: eating_disorder
card: support
rules:
  - id: fuzzy.heavy
    action: banner
    terms: [{fuzzy}, {{word: skinny, fuzzy: 1}}, {{word: thigh, fuzzy: 1}},
            "przemoc*", "pro ana tips", {{substring: thinspo}}]
    examples:
      match: [thinspiratoin]
""",
        encoding="utf-8",
    )
    return Engine.from_path(folder)


@settings(max_examples=400, **SETTINGS)
@given(data=st.data())
def test_shipped_rules(shipped: Engine, data: st.DataObject) -> None:
    _assert_plain_is_nothing(shipped, data.draw(_words(shipped)))


@settings(max_examples=400, **SETTINGS)
@given(data=st.data())
def test_mini_rules(mini: Engine, data: st.DataObject) -> None:
    _assert_plain_is_nothing(mini, data.draw(_words(mini)))


@settings(max_examples=400, **SETTINGS)
@given(data=st.data())
def test_fuzzy_terms_of_both_distances(fuzzy_heavy: Engine, data: st.DataObject) -> None:
    _assert_plain_is_nothing(fuzzy_heavy, data.draw(_words(fuzzy_heavy)))


def test_ordinary_words_take_the_short_way_and_rule_words_do_not(shipped: Engine) -> None:
    """Not vacuous: most ordinary words are read the short way, and a rule's word, its typo and
    a glued phrase are not."""
    taken = [w for w in ORDINARY if _assert_plain_is_nothing(shipped, w)]
    assert len(taken) >= len(ORDINARY) - 2, taken
    index = shipped._index
    for word in ("thinspo", "Thinspiration", "thinspiratoin", "proanatips", "anoreksja"):
        assert plain_word(index, word) is None, word
