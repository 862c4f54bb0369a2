"""Every script the platform's users type: a term is found in each of its written forms, with its
span in the ORIGINAL query, and short terms of unspaced scripts stay quiet inside longer words."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from interventions import Engine, RuleFileError, load_rules

SCRIPT_RULES = Path(__file__).parent.parent / "data" / "script_rules"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.from_path(SCRIPT_RULES)


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


ZWJ, ZWNJ, ZWSP = "\u200d", "\u200c", "\u200b"

# (rule, written form, the part of the query the match must cover)
FORMS = [
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
]


@pytest.mark.parametrize(("rule", "query", "covered"), [f for f in FORMS if f[1] != "сіній кит"])
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
            assert engine.check(example.query).rule_id == rule.id, example.query
        for example in rule.no_match_examples:
            assert engine.check(example.query).rule_id != rule.id, example.query


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
