"""Arabizi: Latin runs with Arabizi digits read as Arabic words, with spans into the ORIGINAL
query. Properties: a spelling made from the documented letter mapping is read back as its
word; the reading of a run does not depend on what surrounds it (so the word memo and the full
path agree) nor on case or width; its keys are fixed points of the normalizer; Latin text
without an Arabizi digit is never read."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from interventions._normalize import normalize, token_keys
from interventions._scripts import (
    ArabiziTable,
    arabic_skeleton,
    arabizi_units,
    is_arabizi,
    script_of,
)
from interventions._segment import arabizi_reading


def folded(word: str) -> str:
    return normalize(word).tokens[0].text


WORDS = frozenset(
    folded(w)
    for w in [
        "انتحار", "سأنتحر", "هنتحر", "تحرش", "اغتصاب", "مخدرات", "قطع", "ضرب", "أحب", "عايز",
        "عايزة", "أموت", "داعش", "الانتحار", "مساعدة", "ساعدني", "بروانا", "أقتل", "نفسي",
        "هقتل", "حبوب", "خلاص", "صبر", "طبيعي", "ظلام", "غريب", "قلب", "شنطة", "ذبح", "ثلاثة",
        "مسؤول", "سؤال", "رأي", "جرح", "فضيحة",
    ]
)  # fmt: skip
TABLE = ArabiziTable(WORDS)

# The letter mapping of docs/normalization.md, from Arabic to Latin (what a writer may type).
LATIN_OF: dict[str, list[str]] = {
    "ء": ["2", ""], "ب": ["b"], "ت": ["t"], "ث": ["th", "s"], "ج": ["j", "g"], "ح": ["7"],
    "خ": ["5", "7'", "kh"], "د": ["d"], "ذ": ["dh", "z", "th"], "ر": ["r"], "ز": ["z"],
    "س": ["s"], "ش": ["sh", "ch"], "ص": ["9", "s"], "ض": ["9'", "d"], "ط": ["6", "t"],
    "ظ": ["6'", "z", "dh"], "ع": ["3"], "غ": ["3'", "gh"], "ف": ["f", "v"],
    "ق": ["2", "8", "9", "q", "g"], "ك": ["k", "g"], "ل": ["l"], "م": ["m"], "ن": ["n"],
    "ه": ["h"], "و": ["o", "u", "oo", "ou", "w"], "ي": ["i", "ee", "y"],
}  # fmt: skip
DIGRAPH_STARTS = {"s", "c", "k", "g", "t", "d"}  # + h (or d + j) would read as one letter


@st.composite
def spellings(draw: st.DrawFn) -> tuple[str, str]:
    """An Arabic word of the table and an Arabizi spelling of it: each letter by one of its
    documented Latin forms, alef as a vowel, a final ه (ة) as a / e / ah / eh, and short
    vowels (or none) between letters."""
    word = draw(st.sampled_from(sorted(WORDS)))
    out = ""
    for k, c in enumerate(word):
        if c == "ا":
            piece = draw(st.sampled_from(["a", "e", "i", "o", "2a"] if k == 0 else ["a", "aa"]))
        elif c == "ه" and k == len(word) - 1:
            piece = draw(st.sampled_from(["a", "e", "ah", "eh"]))
        else:
            piece = draw(st.sampled_from(LATIN_OF[c]))
        if piece[:1] in ("h", "j") and out[-1:] in DIGRAPH_STARTS:
            piece = draw(st.sampled_from("aeiou")) + piece
        out += piece
        if k < len(word) - 1 and c not in "اوي" and piece and piece[-1] not in "aeiou":
            out += draw(st.sampled_from(["", "", "a", "e", "i", "o", "u"]))
    return word, out


@settings(max_examples=400, deadline=None)
@given(spellings())
def test_a_spelling_from_the_documented_mapping_is_read_as_its_word(pair: tuple[str, str]) -> None:
    word, latin = pair
    assume(is_arabizi(latin))
    assert word in TABLE.read(latin), (latin, word)


# -- queries mixing Arabizi, Latin and Arabic -----------------------------------------------------

FRAGMENTS = [
    "ente7ar", "3ayez", "2amoot", "a7eb", "e3'te9ab", "mo7'addarat", "da3esh", "sa3edny",
    "ha2tel", "b2b", "mp3", "7eleven", "th1nspo", "l33t", "thinspo", "ana", "intihar",
    "أموت", "داعش", "و", " ", "  ", "-", "#", "!", "'", ".", "\u200b", "\u00a0",
]  # fmt: skip


def wide(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s)


def same(s: str) -> str:
    return s


FORMS: list[Callable[[str], str]] = [same, str.upper, str.title, wide]
queries = st.lists(st.tuples(st.sampled_from(FRAGMENTS), st.sampled_from(FORMS)), max_size=8).map(
    lambda parts: "".join(f(x) for x, f in parts)
)


@settings(max_examples=400, deadline=None)
@given(queries)
def test_an_arabizi_token_spans_its_run_in_the_original_query(query: str) -> None:
    norm = normalize(query)
    reading = arabizi_reading(norm, WORDS)
    if reading is None:
        return
    starts = [t.start for t in reading]
    assert starts == sorted(starts)
    for a, b in itertools.pairwise(reading):
        assert a.end <= b.start
    for tok in (t for t in reading if t.origin == "arabizi"):
        assert 0 <= tok.start < tok.end <= len(query)
        # the run alone, cut from the original query, reads the same: the reading is local to
        # the run (the word memo reads words alone) and its span is the run as typed
        alone = arabizi_reading(normalize(query[tok.start : tok.end]), WORDS)
        assert alone is not None and len(alone) == 1, (query, tok)
        assert alone[0].keys == tok.keys
        assert (alone[0].start, alone[0].end) == (0, tok.end - tok.start)


@settings(max_examples=300, deadline=None)
@given(queries)
def test_arabizi_keys_are_arabic_fixed_points_of_the_normalizer(query: str) -> None:
    reading = arabizi_reading(normalize(query), WORDS)
    for tok in [t for t in reading or () if t.origin == "arabizi"]:
        assert tok.text in WORDS
        for key in tok.keys:
            assert all(script_of(c) == "ARABIC" for c in key), key
        # normalizing the reading again changes nothing: the same word, the same keys
        again = normalize(tok.text)
        assert [t.text for t in again.tokens] == [tok.text]
        assert set(token_keys(tok.text)) <= set(tok.keys)
        assert arabizi_reading(again, WORDS) is None


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(FRAGMENTS[:11]), st.sampled_from(FORMS[1:]))
def test_case_and_width_do_not_change_a_reading(run: str, form: Callable[[str], str]) -> None:
    plain = arabizi_reading(normalize(run), WORDS)
    other = arabizi_reading(normalize(form(run)), WORDS)
    assert (plain is None) == (other is None)
    if plain is not None and other is not None:
        assert [t.keys for t in plain] == [t.keys for t in other]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz014' -#!.", max_size=40))
def test_latin_without_an_arabizi_digit_is_never_read(query: str) -> None:
    assert arabizi_reading(normalize(query), WORDS) is None


def test_ordinary_text_is_not_even_scanned_for_runs() -> None:
    # the whole-text hint fails first: the table is not built for a text without the digits
    assert arabizi_reading(normalize("how to help a friend"), frozenset()) is None
    assert arabizi_reading(normalize("ente7ar"), frozenset()) is None  # no Arabic words


@pytest.mark.parametrize(
    ("word", "skeleton"),
    [("انتحار", "نتحر"), ("عايزه", "عز"), ("مسوول", "مسل"), ("اموت", "مت"), ("حبوب", "حب")],
)
def test_the_skeleton_keeps_consonants_only(word: str, skeleton: str) -> None:
    assert arabic_skeleton(word) == skeleton


@pytest.mark.parametrize(
    ("run", "units"),
    [
        ("ente7ar", ["e", "n", "t", "e", "7", "a", "r"]),
        ("3'ayez", ["3'", "a", "y", "e", "z"]),
        ("mo7'addarat", ["m", "o", "7'", "a", "d", "a", "r", "a", "t"]),
        ("da3esh", ["d", "a", "3", "e", "sh"]),
    ],
)
def test_units(run: str, units: list[str]) -> None:
    found = arabizi_units(run)
    assert found is not None and [u.text for u in found] == units


def test_a_character_with_no_arabic_letter_is_no_arabizi() -> None:
    assert arabizi_units("x7ar") is None
    assert not is_arabizi("th1nspo") and not is_arabizi("a4") and not is_arabizi("covid19")
    assert not is_arabizi("intihar")  # no digit
    assert is_arabizi("3ayez") and is_arabizi("a7eb") and is_arabizi("ba3'")
