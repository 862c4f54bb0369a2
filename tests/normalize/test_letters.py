"""The cold path's short way through steps 1-4 (``letters_text``) reads a word as ``normalize``
does, or declines."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interventions._normalize import _forms, letters_text, normalize, token_keys

LATIN = "".join(chr(c) for c in range(0xC0, 0x250) if chr(c).isalpha())
VIETNAMESE = "ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹĐđ"
OTHER = "ß\ufb01\u0301\u200b'-1$ѕеΑ"  # two-letter folds, a combining mark, leet, look-alikes

words = st.text(alphabet=string.ascii_letters + LATIN + VIETNAMESE + OTHER, min_size=1, max_size=16)


@settings(max_examples=3000, deadline=None)
@given(words)
def test_a_word_read_the_short_way_reads_as_normalize_reads_it(word: str) -> None:
    text = letters_text(word)
    if text is None:
        return
    norm = normalize(word)
    assert len(norm.sequences) == 1, word
    (tok,) = norm.sequences[0]
    assert (tok.text, tok.start, tok.end, tok.hashtag) == (text, 0, len(word), False), word
    assert tok.keys == token_keys(text)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=20))
def test_a_word_of_letters_has_no_other_form(word: str) -> None:
    """``token_keys`` skips ``_forms`` for a word of ASCII letters: it has no leet, edge or
    number forms."""
    assert _forms(word) == [word]


@pytest.mark.parametrize(
    ("word", "text"),
    [
        ("mountain", "mountain"),
        ("Kitchen", "kitchen"),
        ("MOUNTAIN", "mountain"),
        ("Ärger", "arger"),
        ("zażółć", "zazolc"),
        ("việt", "viet"),
        ("ab", "ab"),
    ],
)
def test_ordinary_words_take_the_short_way(word: str, text: str) -> None:
    assert letters_text(word) == text


@pytest.mark.parametrize(
    "word",
    ["ThinspoTips", "Straße", "th1nspo", "pro-ana", "nai\u0308ve", "ѕеху", "thin\u200bspo", "#ana"],
)
def test_other_words_go_the_whole_way(word: str) -> None:
    assert letters_text(word) is None
