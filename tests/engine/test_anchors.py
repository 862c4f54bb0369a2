"""Which token a phrase waits behind: a speed choice that must never change what matches."""

from __future__ import annotations

from interventions import Engine, load_rules
from interventions._compile import compile_rules
from interventions._function_words import FUNCTION_WORDS
from interventions._normalize import normalize
from tests.conftest import MINI_RULES


def _anchors(engine: Engine) -> dict[str, str]:
    """Each phrase's text -> the key it is indexed under."""
    index = engine._index
    out: dict[str, str] = {}
    for key, slot in index.words.items():
        if isinstance(slot, tuple):
            for entry in slot:
                if not isinstance(entry, int):
                    out.setdefault(index.term_text[entry[0]], key)
    return out


def _anchor_of(engine: Engine, phrase: str) -> str:
    found = _anchors(engine).get(phrase)
    assert found is not None, f"{phrase!r} is not indexed"
    return found


def test_phrases_are_not_anchored_on_function_words(shipped: Engine) -> None:
    anchors = _anchors(shipped)
    assert anchors["blood and honour"] in {"blood", "honour"}
    for rule in shipped.ruleset.rules:
        for term in rule.terms:
            tokens = [t for t in term.tokens if len(t) >= 3]
            if term.kind.value != "phrase" or all(t in FUNCTION_WORDS for t in tokens):
                continue
            if any(term.prefix_tokens):
                continue  # prefix anchors live in the prefix buckets
            assert anchors[term.text] not in FUNCTION_WORDS, term.text


def test_function_words_are_folded_like_queries() -> None:
    from interventions._anchors import function_tokens as _function_tokens

    folded = _function_tokens()
    for word in ("się", "för", "är", "über", "że"):
        assert normalize(word).tokens[0].text in folded


def test_the_anchor_does_not_change_matches(shipped: Engine) -> None:
    # the same rules compiled twice give the same index, and the phrase still matches
    index = compile_rules(load_rules(MINI_RULES))
    assert index == compile_rules(load_rules(MINI_RULES))
    assert shipped.check("blood and honour").rule_id is not None
    assert shipped.check("honour and blood").rule_id is None
