"""Every script the platform's users type: a term is found in each of its written forms, with its
span in the ORIGINAL query, and short terms of unspaced scripts stay quiet inside longer words."""

from __future__ import annotations

import dataclasses
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interventions import Engine, RuleFileError, load_rules
from interventions._match import find_hits, resolve_near
from interventions._normalize import Normalized
from interventions._reference import reference_hits
from interventions._scripts import script_of

SCRIPT_RULES = Path(__file__).parent.parent / "data" / "script_rules"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.from_path(SCRIPT_RULES)


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


ZWJ, ZWNJ, ZWSP = "\u200d", "\u200c", "\u200b"

# (rule, written form, the part of the query the match must cover; None: must not match)
FORMS: list[tuple[str, str, str | None]] = [
    # Japanese and Chinese: inside a run of the script, no spaces
    ("s.ja", "プロアナ", "プロアナ"),
    ("s.ja", "プロアナ垢", "プロアナ"),
    ("s.ja", "#プロアナさんと繋がりたい", "プロアナ"),
    ("s.ja", "ﾌﾟﾛｱﾅ", "ﾌﾟﾛｱﾅ"),  # half-width katakana
    ("s.ja", "自殺したい", "自殺"),
    ("s.ja", "楽に自殺する方法", "自殺"),
    ("s.ja", "アナ", "アナ"),  # a short term still matches as the whole query
    ("s.zh", "我有厌食症吗", "厌食症"),
    # Thai: inside the run
    ("s.th", "อยากฆ่าตัวตาย", "ฆ่าตัวตาย"),
    # Korean: particles, decomposed jamo, compatibility jamo
    ("s.ko", "프로아나", "프로아나"),
    ("s.ko", "프로아나가", "프로아나가"),
    ("s.ko", "프로아나를 하고 싶어", "프로아나를"),
    ("s.ko", "자해를", "자해를"),
    ("s.ko", "자해에서", "자해에서"),
    ("s.ko", nfd("프로아나"), nfd("프로아나")),
    ("s.ko", nfd("프로아나를") + " ok", nfd("프로아나를")),
    ("s.ko", "ㅈㅏㅎㅐ", "ㅈㅏㅎㅐ"),  # typed as compatibility jamo
    # Arabic: harakat, tatweel, alef forms, article and wa-, Persian letter forms
    ("s.ar", "داعش", "داعش"),
    ("s.ar", "دَاعِش", "دَاعِش"),
    ("s.ar", "داعـــش", "داعـــش"),
    ("s.ar", "الداعش", "الداعش"),
    ("s.ar", "وداعش", "وداعش"),
    ("s.ar", "أريد أن أموت", "أريد أن أموت"),
    ("s.ar", "اريد ان اموت", "اريد ان اموت"),
    ("s.ar", "إريد أنْ أموتُ", "إريد أنْ أموتُ"),
    ("s.fa", "خودكشي", "خودكشي"),  # Arabic kaf and ya for Persian keheh and farsi yeh
    ("s.fa", "خودکشی", "خودکشی"),
    # Cyrillic: case, ё, Latin look-alikes inside a Cyrillic word
    ("s.ru", "проана", "проана"),
    ("s.ru", "ПРОАНА", "ПРОАНА"),
    ("s.ru", "прoана", "прoана"),  # Latin o
    ("s.ru", "ПPOAHA", "ПPOAHA"),  # Latin P, O, A, H, A
    ("s.ru", "про" + ZWSP + "ана", "про" + ZWSP + "ана"),
    ("s.ru", "синий кит", "синий кит"),
    ("s.ru", "сіній кит", "сіній кит"),  # Ukrainian і typed for и is another word: see below
    ("s.uk", "самогубство", "самогубство"),
    ("s.uk", "гвалт", "гвалт"),  # ґ typed as г
    ("s.uk", "ҐВАЛТ", "ҐВАЛТ"),
    # Turkish dotted and dotless i
    ("s.tr", "intihar", "intihar"),
    ("s.tr", "İNTİHAR", "İNTİHAR"),
    ("s.tr", "ıntıhar", "ıntıhar"),
    # Vietnamese with and without tone marks, composed or not
    ("s.vi", "tự tử", "tự tử"),
    ("s.vi", "tu tu", "tu tu"),
    ("s.vi", nfd("Tự Tử"), nfd("Tự Tử")),
    # Devanagari: nukta, ZWJ/ZWNJ
    ("s.hi", "आत्महत्या", "आत्महत्या"),
    ("s.hi", "आत्म" + ZWJ + "हत्या", "आत्म" + ZWJ + "हत्या"),
    ("s.hi", "आत्म" + ZWNJ + "हत्या", "आत्म" + ZWNJ + "हत्या"),
    ("s.hi", "ज़हर", "ज़हर"),  # precomposed nukta letter
    ("s.hi", "जहर", "जहर"),  # typed without the nukta
    ("s.hi", nfd("ज़हर"), nfd("ज़हर")),
    # Greek: accents and case
    ("s.el", "αυτοκτονία", "αυτοκτονία"),
    ("s.el", "ΑΥΤΟΚΤΟΝΙΑ", "ΑΥΤΟΚΤΟΝΙΑ"),
    # Arabizi: Latin letters and digits read as the Arabic words of the rule set
    ("s.arabizi", "ente7ar", "ente7ar"),  # 7 = ح, e = the alef a word starts with
    ("s.arabizi", "enti7ar", "enti7ar"),  # another vowel for the short vowel
    ("s.arabizi", "ENTE7AR", "ENTE7AR"),
    ("s.arabizi", "ｅｎｔｅ７ａｒ", "ｅｎｔｅ７ａｒ"),  # full-width
    ("s.arabizi", "#ente7ar", "ente7ar"),
    ("s.arabizi", "el-ente7ar", "ente7ar"),
    ("s.arabizi", "elente7ar", "elente7ar"),  # the article glued on
    ("s.arabizi", "ana 3ayez ente7ar", "ente7ar"),
    ("s.arabizi", "sa2ante7er", "sa2ante7er"),  # 2 = hamza
    ("s.arabizi", "a7eb", "a7eb"),
    ("s.arabizi", "a7ib", "a7ib"),
    ("s.arabizi", "eghte9ab", "eghte9ab"),  # gh = غ, 9 = ص
    ("s.arabizi", "e3'te9ab", "e3'te9ab"),  # 3' = غ
    ("s.arabizi", "m5adarat", "m5adarat"),  # 5 = خ
    ("s.arabizi", "mo7'addarat", "mo7'addarat"),  # 7' = خ, dd = د with shadda
    ("s.arabizi", "2a6a3", "2a6a3"),  # 2 = ق (Cairo), 6 = ط, 3 = ع
    ("s.arabizi", "8a6a3", "8a6a3"),  # 8 = ق
    ("s.arabizi", "9a6a3", "9a6a3"),  # 9 = ق (Gulf)
    ("s.arabizi", "9'arb", "9'arb"),  # 9' = ض
    ("s.arabizi", "3ayez amoot", None),  # amoot has no digit: not read (see below)
    ("s.arabizi", "3ayez 2amoot", "3ayez 2amoot"),  # 2 = the hamza of أ: every word read
    ("s.arabizi", "3ayez أموت", "3ayez أموت"),  # a phrase goes on in Arabic letters
    ("s.arabizi", "3ayez\u00a0اموت", "3ayez\u00a0اموت"),
    ("s.ar", "da3esh", "da3esh"),  # 3 = ع, sh = ش
    ("s.ar", "da3ech", "da3ech"),  # ch = ش (Maghreb)
    ("s.ar", "Da3eSH", "Da3eSH"),
]


@pytest.mark.parametrize(
    ("rule", "query", "covered"), [f for f in FORMS if f[1] != "сіній кит" and f[2] is not None]
)
def test_a_term_is_found_in_each_written_form(
    engine: Engine, rule: str, query: str, covered: str
) -> None:
    decision = engine.check(query)
    matches = [m for m in decision.matches if m.rule_id == rule]
    assert matches, (query, decision.matches)
    spans = {query[m.start : m.end] for m in matches}
    assert covered in spans, (query, spans)


@pytest.mark.parametrize(
    "query",
    [
        "アナ雪",  # Frozen: アナ is too short to be looked for inside a run
        "アナウンサー",  # announcer
        "バナナ",  # banana
        "ana",  # a Latin word never meets a Cyrillic or kana term
        "ана",
        "proana",  # the Latin spelling is not the Russian term (an English rule may have it)
        "자해자",  # 자해 + a syllable that is not a particle
        "داعم",  # another Arabic word sharing letters
        "intiharlar"[:5],
        "tu",
    ],
)
def test_short_and_other_words_stay_quiet(engine: Engine, query: str) -> None:
    assert engine.check(query).action.value == "none", engine.check(query).matches


def test_all_examples_in_the_script_rules_pass(engine: Engine) -> None:
    for rule in engine.ruleset.rules:
        for example in rule.match_examples:
            decision = engine.check(example.query, locale=example.locale)
            assert decision.rule_id == rule.id, example.query
        for example in rule.no_match_examples:
            decision = engine.check(example.query, locale=example.locale)
            assert decision.rule_id != rule.id, example.query


def test_a_short_unspaced_prefix_or_substring_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "rules"
    (root / "cards").mkdir(parents=True)
    (root / "cards" / "support.yaml").write_text(
        (SCRIPT_RULES / "cards" / "support.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    body = """\
category: eating_disorder
card: support
rules:
  - id: s.short
    action: banner
    terms: [{substring: アナ}]
    examples:
      match: [アナ]
"""
    (root / "r.yaml").write_text(body, encoding="utf-8")
    with pytest.raises(RuleFileError) as info:
        load_rules(root)
    assert "shorter than 3 characters" in info.value.reason
    (root / "r.yaml").write_text(body.replace("{substring: アナ}", "{prefix: 자}"), "utf-8")
    with pytest.raises(RuleFileError) as info:
        load_rules(root)
    assert "shorter than 2 characters" in info.value.reason


# -- Arabizi --------------------------------------------------------------------------------------

# Latin text with digits that is not Arabic: product codes, numbers, English shorthand, and the
# leet the engine already reads. None may be read as an Arabic word of any rule set shipped.
BENIGN_LATIN = [
    "b2b", "p2p", "mp3", "mp4", "a4", "covid19", "7eleven", "3d", "3ds", "l33t", "th1nspo",
    "th1nsp0", "sk8", "gr8", "h8", "w8", "m8", "2day", "2nite", "me2", "9gag", "3am", "2nd",
    "3rd", "5th", "7th", "9th", "4ever", "b4", "k9", "ps5", "x5", "t2", "r2d2", "c3po", "s3",
    "ec2", "h2o", "co2", "5g", "3g", "g7", "b52", "f35", "a380", "7up", "3m", "5star",
    "9to5", "24h", "365", "1488", "v1llh@4n0r3x!2025", "#han9my$elf99", "d3ath", "5uicide",
    "su1c1d3", "k1ll", "pr0ana", "an4", "s3lfharm", "cu77ing", "bl00d", "7h!n$p024",
]  # fmt: skip


@pytest.mark.parametrize("query", BENIGN_LATIN)
def test_benign_latin_with_digits_gets_no_arabic_reading(shipped: Engine, query: str) -> None:
    index = shipped._index
    norm = index.segmenter.read(query)
    assert not [t for seq in norm.sequences for t in seq if t.origin == "arabizi"], query
    before = shipped.check(query)
    assert all(not m.rule_id.startswith("ar.") for m in before.matches), query


@pytest.mark.parametrize("query", BENIGN_LATIN)
def test_benign_latin_with_digits_stays_quiet_in_the_script_rules(
    engine: Engine, query: str
) -> None:
    assert not [m for m in engine.check(query).matches if m.rule_id.startswith("s.arabizi")]


def test_the_reading_is_only_for_tokens_with_an_arabizi_digit(engine: Engine) -> None:
    # plain Latin is never read as Arabic: intihar is a Turkish word, and the Turkish rule's
    assert [m.rule_id for m in engine.check("intihar").matches] == ["s.tr"]
    assert engine.check("amoot").action.value == "none"
    assert engine.check("entehar").action.value == "none"
    # leet digits (0 1 4) make a token leet, never Arabizi
    assert engine.check("ente7ar4").action.value == "none"


def test_an_arabizi_reading_never_fires_a_rule_written_in_latin_letters(engine: Engine) -> None:
    # ente7ar spells the Arabic انتحار; the Latin intihar (s.tr) is the same word transliterated
    for query in ("ente7ar", "inti7ar", "enti7ar"):
        rules = {m.rule_id for m in engine.check(query).matches}
        assert rules == {"s.arabizi"}, (query, rules)
    norm = engine._index.segmenter.read("ente7ar 3ayez da3esh")
    readings = [t for seq in norm.sequences for t in seq if t.origin == "arabizi"]
    assert readings
    for tok in readings:
        for key in tok.keys:
            assert all(script_of(c) == "ARABIC" for c in key), key


def test_an_arabizi_reading_of_a_scoped_rule_follows_its_locale(engine: Engine) -> None:
    assert engine.check("ta7arosh", locale="ar-EG").rule_id == "s.arabizi.scoped"
    assert engine.check("ta7arosh", locale="en-US").action.value == "none"


def test_a_phrase_needs_every_word_read(engine: Engine) -> None:
    # amoot has no Arabizi digit, so it is not read as اموت: a phrase whose other words carry
    # no digit needs its Latin spelling as a term (rules/ar has "3ayez amoot")
    assert engine.check("3ayez amoot").action.value == "none"


def test_arabizi_spans_point_into_the_original_query(engine: Engine) -> None:
    query = "ＡＮＡ  3ayez\u200b أموت و ｅｎｔｅ７ａｒ! E3'TE9AB"
    decision = engine.check(query)
    spans = {query[m.start : m.end] for m in decision.matches if m.rule_id == "s.arabizi"}
    # the token's span, as for any token: the ! is a leet letter (i) the token holds
    assert spans == {"3ayez\u200b أموت", "ｅｎｔｅ７ａｒ!", "E3'TE9AB"}, spans


def test_arabizi_readings_of_the_shipped_rules_reach_only_terms_written_in_arabic(
    shipped: Engine,
) -> None:
    # the Arabic pack's, and the Arabic words of the shared multi-language lexicons (help cues,
    # topic words of near terms), which are there for Arabic queries; never a Latin-written term
    index = shipped._index
    for query in ARABIZI_SHIPPED:
        norm = index.segmenter.read(query)
        readings = [seq for seq in norm.sequences if any(t.origin == "arabizi" for t in seq)]
        assert readings, query
        only = Normalized(norm.query, norm.text, tuple(readings), norm.truncated, norm.origin)
        hits = find_hits(index, only)
        assert hits, query
        for tid, _, _ in hits:
            text = index.term_text[tid]
            assert any(script_of(c) == "ARABIC" for c in text), (query, text)


ARABIZI_SHIPPED = ["ente7ar", "hante7er", "ta7arosh", "eghte9ab", "sa2ante7er", "elente7ar"]


# -- Arabizi on both paths: the reference loop and the word memo see the same reading -------------

ARABIZI_FRAGMENTS = [
    "ente7ar", "3ayez", "2amoot", "amoot", "أموت", "اموت", "hante7er", "ta7arosh", "el", "3'",
    "sa2ante7er", "e3'te9ab", "mosa3da", "sa3edny", "da3esh", "b2b", "mp3", "thinspo", "ana",
    "-", " ", "  ", "'", "!", "#", ".", "\u200b", "ｅ",
]  # fmt: skip
SETTINGS: dict[str, Any] = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture],
}


@pytest.fixture(scope="module")
def arabic_pack(shipped: Engine) -> Engine:
    """The shipped Arabic pack and the shared rules (the reference loops over every term)."""
    root = Path(shipped.ruleset.source).resolve()
    rules = tuple(
        r
        for r in shipped.ruleset.rules
        if Path(r.path).parent.resolve() == root or Path(r.path).parent.name == "ar"
    )
    return Engine(dataclasses.replace(shipped.ruleset, rules=rules))


def same_hits(engine: Engine, query: str) -> None:
    index = engine._index
    norm = index.segmenter.read(query)
    fast = resolve_near(index, query, find_hits(index, norm), norm)
    assert set(fast) == set(reference_hits(engine.ruleset, norm)), query


def fast_equals_full(engine: Engine, query: str, locale: str | None) -> None:
    full = engine._check_fully(query, locale)
    engine._words.clear()
    engine._unless.clear()
    assert engine.check(query, locale=locale) == full, query
    assert engine.check(query, locale=locale) == full, query  # words seen before


arabizi_queries = st.lists(st.sampled_from(ARABIZI_FRAGMENTS), max_size=8).map("".join)


@settings(max_examples=150, **SETTINGS)
@given(arabizi_queries)
def test_arabizi_indexes_agree_with_the_reference(engine: Engine, query: str) -> None:
    same_hits(engine, query)


@settings(max_examples=60, **SETTINGS)
@given(arabizi_queries)
def test_arabizi_indexes_agree_with_the_reference_on_the_arabic_pack(
    arabic_pack: Engine, query: str
) -> None:
    same_hits(arabic_pack, query)


@settings(max_examples=200, **SETTINGS)
@given(arabizi_queries, st.sampled_from([None, "ar-EG", "en-US"]))
def test_arabizi_word_memo_equals_full_path(
    engine: Engine, arabic_pack: Engine, query: str, locale: str | None
) -> None:
    fast_equals_full(engine, query, locale)
    fast_equals_full(arabic_pack, query, locale)


def test_two_engines_of_equal_rules_share_one_arabizi_table_found_by_identity() -> None:
    """A reloaded engine holds a word set equal to the old one's: the table is shared, and
    each set finds it by identity, never by comparing 20,000 words per lookup."""
    from interventions import _scripts

    words = frozenset({"انتحار", "اموت", "ضرب"})
    twin = frozenset(set(words))
    assert twin is not words and twin == words
    table = _scripts.arabizi_table(words)
    assert _scripts.arabizi_table(twin) is table
    for s in (words, twin):
        assert s in _scripts._ARABIZI_BY_ID  # each found by its own identity
        assert _scripts.arabizi_table(s) is table
