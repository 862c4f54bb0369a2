"""The normalizer: each step, the offset map back to the original text, and its bounds."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interventions._normalize import (
    COLLAPSED,
    MAX_LEET_VARIANTS,
    MAX_QUERY_CHARS,
    Normalized,
    Step,
    normalize,
    token_keys,
)


def texts(n: Normalized) -> list[str]:
    return [t.text for t in n.tokens]


def all_keys(n: Normalized) -> set[str]:
    return {k for seq in n.sequences for t in seq for k in t.keys}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("THINSPO", ["thinspo"]),
        ("ＴＨＩＮＳＰＯ", ["thinspo"]),  # full-width
        ("𝓽𝓱𝓲𝓷𝓼𝓹𝓸", ["thinspo"]),  # mathematical script
        ("🅣🅗🅘🅝🅢🅟🅞", ["thinspo"]),  # negative circled letters NFKC leaves alone
        ("th\u200bin\u200dsp\u00ado", ["thinspo"]),  # zero-width space/joiner, soft hyphen
        ("\u202ethinspo\u202c", ["thinspo"]),  # bidi override and pop
        ("thinѕро", ["thinspo"]),  # Cyrillic ѕ р о inside a Latin word
        ("przemocą", ["przemoca"]),
        ("ätstörning", ["atstorning"]),
        ("Straße", ["strasse"]),
        ("İstanbul", ["istanbul"]),
        ("#ThinspoTips", ["thinspotips"]),
        ("pro-ana", ["pro", "ana"]),
    ],
)
def test_token_texts(query: str, expected: list[str]) -> None:
    assert texts(normalize(query)) == expected


def test_real_greek_and_russian_words_are_transliterated_not_confused() -> None:
    # all-Cyrillic words whose letters are not all look-alikes keep their transliteration
    assert texts(normalize("анорексия")) == ["anoreksiia"]


def test_greek_capital_eta_reads_as_h_in_a_latin_word() -> None:
    # folding first would turn Η into η, which looks like n
    assert texts(normalize("tΗinspo")) == ["thinspo"]


@pytest.mark.parametrize(
    ("token", "reading"),
    [
        ("th1nsp0", "thinspo"),
        ("pr0@n@", "proana"),
        ("$h!t", "shit"),
        ("7h1n5p0", "thinspo"),
        ("thinspo!!", "thinspo"),
        ("thinspiration2024", "thinspiration"),
        ("|ose", "lose"),
    ],
)
def test_leet_readings(token: str, reading: str) -> None:
    assert reading in token_keys(token)


def test_leet_keeps_the_token_as_written() -> None:
    assert token_keys("1488")[0] == "1488"
    assert token_keys("th1nsp0")[0] == "th1nsp0"


def test_leet_candidates_are_capped() -> None:
    keys = token_keys("1|1|1|1|1|1|1|1|x")
    plain = [k for k in keys if not k.startswith(COLLAPSED)]
    assert len(plain) <= 2 + 2 * MAX_LEET_VARIANTS


def test_collapse_only_when_distinctive_or_stretched() -> None:
    assert COLLAPSED + "thinspo" in token_keys("thinspooo")
    assert COLLAPSED + "thighgap" in token_keys("thighgapp")  # long enough
    assert COLLAPSED + "ana" not in token_keys("anna")  # a name, not a stretched "ana"
    assert COLLAPSED + "ana" in token_keys("aaana")  # a run of three is deliberate


@pytest.mark.parametrize(
    ("query", "joined"),
    [
        ("t h i n s p o", "thinspo"),
        ("p.r.o.a.n.a", "proana"),
        ("pro-ana", "proana"),
        ("pro_ana", "proana"),
        ("pro.ana.tips", "proanatips"),
    ],
)
def test_separator_joining(query: str, joined: str) -> None:
    readings = [s[0].text for s in normalize(query).sequences[1:] if s[0].origin == "joined"]
    assert joined in readings


def test_spaces_never_glue_real_words() -> None:
    # only letters spelled one by one are joined across spaces
    readings = [s[0].text for s in normalize("the rapist").sequences[1:]]
    assert "therapist" not in readings
    readings = [s[0].text for s in normalize("p.r.o.a.n.a").sequences[1:]]
    assert readings == ["proana"]  # no fragments such as "ana"


def test_camel_case_hashtag_split_with_spans() -> None:
    n = normalize("#ThinspoTips now")
    camel = [s for s in n.sequences[1:] if s[0].origin == "hashtag"]
    assert [(t.text, n.query[t.start : t.end]) for t in camel[0]] == [
        ("thinspo", "Thinspo"),
        ("tips", "Tips"),
    ]


def test_spans_point_into_the_original_query() -> None:
    q = "Ｉ ａｍ th\u200bin\u200dspo \u2066now"
    n = normalize(q)
    assert [q[t.start : t.end] for t in n.tokens] == ["Ｉ", "ａｍ", "th\u200bin\u200dspo", "now"]


def test_trace_names_every_character_step() -> None:
    steps: list[Step] = []
    normalize("Th\u200bınѕpo", trace=steps)
    assert [s.name for s in steps] == ["input", "nfkc", "ignorables", "confusables", "fold"]
    assert steps[-1].text == "thinspo"


def test_length_cap() -> None:
    n = normalize("a " * MAX_QUERY_CHARS)
    assert n.truncated
    assert len(n.query) == MAX_QUERY_CHARS
    assert not normalize("short").truncated


# -- properties ---------------------------------------------------------------------------------

any_text = st.text(max_size=80)
ascii_text = st.text(st.characters(max_codepoint=127), max_size=80)


@settings(max_examples=400, deadline=None)
@given(any_text)
def test_any_text_gives_well_formed_tokens(q: str) -> None:
    n = normalize(q)
    for seq in n.sequences:
        for t in seq:
            assert 0 <= t.start < t.end <= len(q)
            assert t.keys and t.keys[0] == t.text
            assert t.text.isascii()
    starts = [t.start for t in n.tokens]
    assert starts == sorted(starts)


@settings(max_examples=400, deadline=None)
@given(ascii_text)
def test_ascii_fast_path_equals_the_full_path(q: str) -> None:
    # the fast path skips steps 1-4 for ASCII; tracing forces the full path
    assert normalize(q).sequences == normalize(q, trace=[]).sequences


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(min_codepoint=97, max_codepoint=122), min_size=1, max_size=20))
def test_invisible_characters_and_case_change_nothing(word: str) -> None:
    base = normalize(word).tokens
    noisy = "\u200b".join(word.upper())
    assert [t.text for t in normalize(noisy).tokens] == [t.text for t in base]
    full_width = "".join(chr(ord(c) - 0x61 + 0xFF41) for c in word)
    assert [t.text for t in normalize(full_width).tokens] == [t.text for t in base]


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(min_codepoint=97, max_codepoint=122), min_size=1, max_size=12))
def test_a_word_is_always_one_of_its_own_keys(word: str) -> None:
    assert word in all_keys(normalize(word))
