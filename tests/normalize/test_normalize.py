"""The normalizer: each step, the offset map back to the original text, and its bounds."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interventions._normalize import (
    COLLAPSED,
    MAX_LEET_VARIANTS,
    MAX_NUMBER_LETTERS,
    MAX_QUERY_CHARS,
    WEAK,
    Normalized,
    Step,
    collapse,
    normalize,
    token_keys,
)
from interventions._scripts import script_of


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


def test_real_greek_and_russian_words_stay_in_their_script_not_confused() -> None:
    # a Russian word is read in Cyrillic (so it never meets a Latin word that transliterates
    # alike: "ана" is not "ana"), with ё folded to е
    assert texts(normalize("анорексия")) == ["анорексия"]
    assert texts(normalize("Всё")) == ["все"]
    assert texts(normalize("ана")) != ["ana"]


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


KNOWN_SCRIPTS = frozenset(
    {"HAN", "KANA", "THAI", "HANGUL", "DEVANAGARI", "BENGALI", "TAMIL", "ARABIC", "HEBREW"}
    | {"CYRILLIC", "GREEK", "ARMENIAN", "GEORGIAN", "LATIN"}
)


@settings(max_examples=400, deadline=None)
@given(any_text)
def test_any_text_gives_well_formed_tokens(q: str) -> None:
    n = normalize(q)
    for seq in n.sequences:
        for t in seq:
            assert 0 <= t.start < t.end <= len(q)
            assert t.keys and t.keys[0] == t.text
    for t in n.tokens:
        # a token as written is ASCII (Latin, transliterated) or a run of one other script
        # (Japanese: Han and kana); scripts the tokenizer does not name may share a run
        scripts = {script_of(c) for c in t.text} & KNOWN_SCRIPTS
        assert t.text.isascii() or len(scripts) <= 1 or scripts <= {"HAN", "KANA"}
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


# -- leet with trailing digits, stretched letters, letters spelled out word by word ------------


@pytest.mark.parametrize(
    ("token", "reading"),
    [
        ("han9my$elf99", "hangmyself"),  # '99' is a count, not 'gg'
        ("v111h@4n0r3x!2025", "villhaanorexi"),  # '!' before the year is still a letter
        ("74m1773937|!v2", "tamittegetliv"),
    ],
)
def test_leet_without_trailing_digits(token: str, reading: str) -> None:
    assert reading in token_keys(token)


def test_leet_candidates_are_capped_per_form() -> None:
    keys = token_keys("1|1|1|1|1|1|1|1|x2024")
    plain = [k for k in keys if not k.startswith(COLLAPSED)]
    # as written, core, trimmed; decoded: the core, without the number, with 1..2 of its digits
    assert len(plain) <= 3 + (2 + MAX_NUMBER_LETTERS) * MAX_LEET_VARIANTS
    assert "7h!n$p0" not in keys and "thinspo" in token_keys("7h!n$p024")


def test_stretched_letters_undone_doubles_kept() -> None:
    # a typo in a stretched word: one edit from 'skinnytok' only with the double 'nn' kept
    assert "skinnyotk" in token_keys("skinnyotkkk")
    assert "thinspoo" in token_keys("thiiinspoo")  # the run of three goes, the double stays
    # only runs of three letters mark stretching: doubles and digit runs get no such key
    assert token_keys("committee") == ("committee", COLLAPSED + "comite")
    assert "18" not in token_keys("1888") and "ib" not in token_keys("1888")


def word_readings(query: str) -> list[list[str]]:
    return [[t.text for t in s] for s in normalize(query).sequences[1:]]


@pytest.mark.parametrize(
    "query",
    [
        "p.r.o a.n.a",  # dots inside words, a space between them
        "p r o  a n a",  # wider spaces between words
        "p-r*o a_n-a",  # joiners inside words
    ],
)
def test_letters_spelled_out_word_by_word_make_words(query: str) -> None:
    assert ["pro", "ana"] in word_readings(query)
    assert ["proana"] in word_readings(query)  # the whole run joined, as before


def test_letters_spelled_out_evenly_make_one_word() -> None:
    assert word_readings("t h i n s p o") == [["thinspo"]]
    assert word_readings("p.r.o.a.n.a") == [["proana"]]


def test_a_letter_that_folds_to_two_is_still_one_letter() -> None:
    # 'ß' folds to 'ss': spelled out, it is one letter like the others
    assert ["grosser", "austausch"] in word_readings("g r o ß e r  a u s t a u s c h")


def test_words_spelled_out_keep_their_spans() -> None:
    q = "x p.r.o a.n.a y"
    reading = next(r for r in normalize(q).sequences[1:] if len(r) == 4)
    assert [(t.text, q[t.start : t.end]) for t in reading] == [
        ("x", "x"),
        ("pro", "p.r.o"),
        ("ana", "a.n.a"),
        ("y", "y"),
    ]


letters = st.text(st.characters(min_codepoint=97, max_codepoint=122), min_size=2, max_size=8)


@settings(max_examples=300, deadline=None)
@given(st.lists(letters, min_size=2, max_size=4), st.sampled_from(".-_*"))
def test_spelled_out_words_are_read_back(words: list[str], joiner: str) -> None:
    dotted = " ".join(joiner.join(w) for w in words)
    spaced = "  ".join(" ".join(w) for w in words)
    for query in (dotted, spaced):
        readings = word_readings(query)
        assert words in readings, (query, readings)
        assert ["".join(words)] in readings


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(min_codepoint=97, max_codepoint=122), min_size=1, max_size=16))
def test_every_collapsed_or_destretched_key_is_the_same_word(word: str) -> None:
    # extra keys only undo letter runs: collapsed, each is the token collapsed
    for key in token_keys(word):
        assert collapse(key.lstrip(COLLAPSED + WEAK)) == collapse(word)


@settings(max_examples=300, deadline=None)
@given(
    st.text(st.characters(min_codepoint=97, max_codepoint=122), min_size=2, max_size=12),
    st.text(st.characters(min_codepoint=48, max_codepoint=57), min_size=1, max_size=4),
)
def test_a_leet_word_with_a_number_after_it_decodes(word: str, digits: str) -> None:
    # unambiguous leet letters only (a 1 is i or l), and a last letter that is not a digit
    encoded = word[:-1].translate(str.maketrans("aest", "4357")) + word[-1]
    assert word in token_keys(encoded + digits)
