"""The segmenter's readings: inflected prefixes, one-letter glue words, unknown pieces."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interventions._normalize import COLLAPSED, WEAK
from interventions._segment import (
    MAX_SPLIT_OFF,
    MAX_TAIL,
    MAX_UNKNOWN_READINGS,
    MAX_WITH_UNKNOWN,
    MIN_UNKNOWN,
    Segmenter,
)

VOCABULARY = frozenset({"tips", "quotes", "my", "me", "best", "world", "girl", "moja", "porady"})
SEG = Segmenter.build(
    VOCABULARY,
    frozenset({"sie", "do", "na", "w", "z", "a", "wymiotow", "thinspiration", "ana", "nie"}),
    frozenset({"przemoc", "zwiazk", "zaglodz", "zmusi", "zaburz", "odzywian", "bulimi", "gwalt"}),
)


def readings(word: str, *, hashtag: bool = True) -> list[tuple[str, ...]]:
    return SEG.readings(word, hashtag=hashtag)


@pytest.mark.parametrize(
    ("word", "pieces"),
    [
        ("zaglodzicsie", ("zaglodzic", "sie")),  # a prefix, its ending, then a word
        ("zmusicsiedowymiotow", ("zmusic", "sie", "do", "wymiotow")),  # not zmusicsiedo + ...
        ("bulimieporady", ("bulimie", "porady")),
        ("zaburzeniaodzywiania", ("zaburzenia", "odzywiania")),  # prefix, then prefix to the end
    ],
)
def test_prefix_pieces_run_to_the_next_word(word: str, pieces: tuple[str, ...]) -> None:
    assert readings(word)[0] == pieces
    assert SEG.split(word, hashtag=False) == pieces


def test_a_one_letter_word_is_also_split_off_an_ending() -> None:
    # przemocyw + związku is the cheapest; przemocy + w + związku is the other reading
    found = readings("przemocywzwiazku")
    assert found[0] == ("przemocyw", "zwiazku")
    assert ("przemocy", "w", "zwiazku") in found
    # each letter alone, then both: the phrase decides which reading it needs
    both = readings("przemocywzaburzeniaodzywiania")
    assert ("przemocy", "w", "zaburzenia", "odzywiania") in both
    assert ("przemocyw", "zaburzeni", "a", "odzywiania") in both
    assert len(both) <= 1 + MAX_SPLIT_OFF


def test_endings_are_bounded() -> None:
    tail = "x" * (MAX_TAIL + 1)
    assert readings(f"zaglodz{tail}sie") == []  # too long an ending before another piece
    assert readings(f"myzaglodz{tail}") == [("my", f"zaglodz{tail}")]  # at the end: any ending


def test_glue_letters_stand_between_rule_pieces() -> None:
    # gwałt + o + w + nie: two glue letters in a row, and 'o' next to an ordinary word
    seg = Segmenter.build(frozenset(), frozenset({"gwalt", "nie", "o", "w"}), frozenset())
    assert seg.readings("gwaltownie", hashtag=False) == []


def test_a_misspelled_term_among_vocabulary_words_is_a_piece() -> None:
    assert ("thynspiration", "quotes") in readings("thynspirationquotes")
    assert SEG.split("thynspirationquotes", hashtag=True) is None  # split: known pieces only
    # where the unknown piece starts is a guess: every way, fewest pieces first
    found = readings("measnpoworld")
    assert ("measnpo", "world") in found and ("me", "asnpo", "world") in found
    assert len(found) <= MAX_UNKNOWN_READINGS


def test_unknown_pieces_have_limits() -> None:
    assert readings("mexyzw") == []  # the unknown piece would be shorter than MIN_UNKNOWN
    assert readings("tipsworld") == []  # both pieces are vocabulary words: nothing unknown
    # outside a hashtag, only longer vocabulary words stand next to it
    assert readings("mediating", hashtag=False) == []
    assert readings("mediating", hashtag=True) == [("me", "diating")]
    assert readings("prosuicidrgirl", hashtag=False) == [("prosuicidr", "girl")]
    long_word = "my" + "x" * (MAX_WITH_UNKNOWN - 1)
    assert readings(long_word) == []
    # a rule word never stands next to an unknown piece: it would match on its own
    assert readings("anaxxxxxx") == []


def test_collapsed_readings_stay_in_the_collapsed_namespace() -> None:
    vocabulary = frozenset({"buddy", "moja"})
    seg = Segmenter.build(vocabulary, frozenset({"ana", "collarbonechallenge"}))
    norm = seg.read("#mojacolllllarbonechallenge")
    segmented = [s for s in norm.sequences if s[0].origin == "segmented"]
    keys = {t.text: t.keys for s in segmented for t in s}
    assert keys["colarbonechalenge"] == (COLLAPSED + "colarbonechalenge",)
    # a short collapsed piece is weak: #annabuddy does not hold the code word 'ana'
    norm = seg.read("#annabuddy")
    pieces = [t for s in norm.sequences if s[0].origin == "segmented" for t in s]
    assert all(t.keys != ("ana",) for t in pieces)
    assert any(t.keys == (WEAK + "ana",) for t in pieces)


# -- properties ----------------------------------------------------------------------------------

lower = st.characters(min_codepoint=97, max_codepoint=122)
pieces = st.sampled_from(
    ["tips", "my", "best", "przemocy", "zaglodzic", "sie", "w", "ana", "porady", "thinspiration"]
)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.one_of(pieces, st.text(lower, min_size=1, max_size=7)), min_size=1, max_size=6),
    st.booleans(),
)
def test_readings_are_the_word_cut_into_pieces(parts: list[str], hashtag: bool) -> None:
    word = "".join(parts)
    found = SEG.readings(word, hashtag=hashtag)
    assert len(found) == len(set(found))
    assert len(found) <= 1 + MAX_SPLIT_OFF + MAX_UNKNOWN_READINGS
    for reading in found:
        assert "".join(reading) == word
        assert len(reading) >= 2 and all(reading)
        known = SEG.vocabulary | SEG.letters
        unknown = [p for p in reading if p not in known and not p.isdigit()]
        # every piece is known, or a rule prefix with its ending, or the one unknown piece
        loose = [p for p in unknown if not any(p.startswith(x) for x in SEG.prefixes)]
        assert len(loose) <= 1
        if loose:
            assert len(loose[0]) >= MIN_UNKNOWN
            assert all(p in VOCABULARY or p.isdigit() for p in reading if p != loose[0])


@settings(max_examples=200, deadline=None)
@given(st.text(lower, min_size=1, max_size=40))
def test_a_vocabulary_word_is_never_split(word: str) -> None:
    seg = Segmenter.build(VOCABULARY | {word}, frozenset({"ana", "tips"}), frozenset({"przemoc"}))
    assert seg.readings(word, hashtag=True) == []


@pytest.mark.parametrize(
    "word", ["tips" * 256, "przemocy" * 128, "przemocyw" * 113, "my" * 512, "2024tips" * 128]
)
def test_a_long_token_gets_a_bounded_number_of_readings(word: str) -> None:
    # tokens are capped at 1,024 characters; no unknown piece past MAX_WITH_UNKNOWN
    found = SEG.readings(word[:1024], hashtag=True)
    assert len(found) <= 1 + MAX_SPLIT_OFF
    assert all("".join(r) == word[:1024] for r in found)
