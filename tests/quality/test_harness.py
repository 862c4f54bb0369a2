"""The quality harness itself: the generator does what each family says, deterministically, and
the reviewed false-positive file is read and applied exactly."""

from __future__ import annotations

import random
import re
import sys
import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest
from unidecode import unidecode

from interventions import RuleSet, TermKind, load_rules

from ..conftest import MINI_RULES

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import quality
from _obfuscate import (
    FAMILIES,
    INVISIBLES,
    PAIRS,
    STYLES,
    damerau,
    obfuscate,
    strip_marks,
)

TERMS = [("thinspo",), ("pro", "ana"), ("ätstörningar",), ("przemocy",), ("bluewhalechallenge",)]


def _variants(family: str, style: str) -> list[tuple[tuple[str, ...], str]]:
    out = []
    for words in TERMS:
        for k in range(5):
            v = obfuscate(words, {family: style}, random.Random(f"t|{words}|{style}|{k}"))
            if v is not None:
                out.append((words, v.text))
    return out


def _letters(text: str) -> str:
    return "".join(c for c in text if c.isalpha())


# -- the generator --------------------------------------------------------------------------------


def test_every_style_changes_every_term() -> None:
    for fam in FAMILIES:
        for style in STYLES[fam]:
            for words, text in _variants(fam, style):
                assert text != " ".join(words), (fam, style, words)


def test_generation_is_deterministic() -> None:
    item = quality.Item("r", "c", "pro ana", TermKind.PHRASE, 0, ("pro", "ana"), None)
    a = quality.build_probes([item], quality.FULL)
    b = quality.build_probes([item], quality.FULL)
    assert [p.variant for p in a] == [p.variant for p in b]
    other = quality.build_probes([item], replace(quality.FULL, seed=1))
    assert [p.variant for p in a] != [p.variant for p in other]


def test_pairs_are_every_two_families_but_the_two_typo_families() -> None:
    assert len(PAIRS) == len(FAMILIES) * (len(FAMILIES) - 1) // 2 - 1
    assert ("typo1", "typo2") not in PAIRS


def test_zero_width_only_inserts_invisible_characters() -> None:
    for style in STYLES["zero_width"]:
        for words, text in _variants("zero_width", style):
            visible = "".join(c for c in text if unicodedata.category(c) != "Cf")
            visible = visible.replace("\u034f", "")
            assert visible == " ".join(words)
            assert any(c in INVISIBLES or unicodedata.category(c) == "Cf" for c in text)


def test_homoglyphs_look_like_the_term() -> None:
    for style in STYLES["homoglyph"]:
        for words, text in _variants("homoglyph", style):
            base = " ".join(words)
            assert len(text) == len(base)
            changed = [c for c, b in zip(text, base, strict=True) if c != b]
            assert changed and all(not c.isascii() for c in changed), (style, text)
            if style in ("fullwidth", "math"):
                assert unicodedata.normalize("NFKC", text) == base


def test_leet_puts_digits_or_symbols_for_letters() -> None:
    for style in STYLES["leet"]:
        for words, text in _variants("leet", style):
            base = " ".join(words)
            assert len(text) == len(base)
            changed = [(c, b) for c, b in zip(text, base, strict=True) if c != b]
            assert changed and all(not c.isalpha() and b.isalpha() for c, b in changed)


def test_separators_keep_the_letters_in_order() -> None:
    for style in STYLES["separators"]:
        for words, text in _variants("separators", style):
            assert _letters(text) == _letters("".join(words))
            assert re.search(r"[\s._*-]", text)


def test_repeats_only_stretch_letters() -> None:
    for style in STYLES["repeats"]:
        for words, text in _variants("repeats", style):
            base = " ".join(words)
            assert len(text) > len(base)
            assert re.sub(r"(.)\1+", r"\1", text) == re.sub(r"(.)\1+", r"\1", base)


@pytest.mark.parametrize(("family", "edits"), [("typo1", 1), ("typo2", 2)])
def test_typos_are_exactly_n_edits_away(family: str, edits: int) -> None:
    for style in STYLES[family]:
        for words, text in _variants(family, style):
            assert damerau(text, " ".join(words)) == edits, (style, text)


def test_damerau_counts_a_swap_as_one_edit() -> None:
    assert damerau("thinspo", "thnispo") == 1
    assert damerau("thinspo", "thinspo") == 0
    assert damerau("abc", "") == 3


def test_case_and_diacritics_keep_the_word() -> None:
    for style in STYLES["case_diacritics"]:
        for words, text in _variants("case_diacritics", style):
            plain = unidecode(strip_marks(" ".join(words))).casefold()
            assert unidecode(strip_marks(text)).casefold() == plain, (style, text)


def test_concatenation_glues_the_term_into_one_token() -> None:
    for style in STYLES["concatenation"]:
        for words, text in _variants("concatenation", style):
            assert " " not in text
            assert "".join(words) in text.casefold()


def test_pairs_compose_both_families() -> None:
    v = obfuscate(["thinspo"], {"leet": "all", "concatenation": "suffix"}, random.Random(3))
    assert v is not None
    assert v.styles == ("leet:all", "concatenation:suffix")
    assert "7h1n" in v.text
    assert len(v.text.lstrip("#")) > len("thinspo")


def test_prefix_terms_get_a_real_ending() -> None:
    vocab = {
        "pl": ["w", "przemocy", "przemoc", "przemocą", "relacji"],
        "en": ["relationship", "relation", "bread"],
        "sv": ["i", "nära", "relationer", "relation"],
    }
    completer = quality._Completer(vocab, ["przemoc", "relation", "zzzq"])
    rng = random.Random(0)
    assert completer.complete("przemoc", [], rng) == "przemocy"
    assert completer.complete("relation", [], rng) == "relationship"  # the best rank wins
    assert completer.complete("relation", ["i", "nära"], rng) == "relationer"  # sv context
    assert completer.complete("zzzq", [], rng).startswith("zzzq")
    assert len(completer.complete("zzzq", [], rng)) > 4


def test_typos_are_in_scope_only_for_fuzzy_word_terms() -> None:
    fuzzy2 = quality.Item("r", "c", "t", TermKind.WORD, 2, ("thinspiration",), None)
    fuzzy1 = replace(fuzzy2, fuzzy=1)
    plain = replace(fuzzy2, fuzzy=0)
    assert quality._in_scope(fuzzy2, ["typo2"]) and quality._in_scope(fuzzy1, ["typo1"])
    assert not quality._in_scope(fuzzy1, ["typo2"])
    assert not quality._in_scope(plain, ["typo1"])
    assert quality._in_scope(plain, ["leet", "separators"])


# -- benign queries and support queries ---------------------------------------------------------


def test_benign_queries_are_seeded_and_two_to_four_words() -> None:
    words = {"en": ["banana", "bread", "blue", "sky", "red"], "sv": ["hej", "katt", "hund"]}
    a = quality.build_queries(words, 400, seed=7)
    assert a == quality.build_queries(words, 400, seed=7)
    for lang, style, q in a:
        if style == "hashtag":
            assert q.startswith("#") and q[1:].islower()
            continue
        pieces = [p for p in re.split(r"[\s#-]+|(?<=[a-z])(?=[A-Z])", q) if p]
        assert 2 <= len(pieces) <= 4, q
        assert all(p.lower() in words[lang] for p in pieces), q
    assert {s for _, s, _ in a} == {"spaces", "hyphen", "hashtag", "camel"}


def test_support_queries_cover_three_languages() -> None:
    queries = quality.load_support()
    assert len(queries) >= 60
    langs = {locale.split("-")[0] for locale, _ in queries}
    assert {"en", "pl", "sv"} <= langs
    assert len({q for _, q in queries}) == len(queries)


# -- the reviewed false positives ----------------------------------------------------------------


@pytest.fixture(scope="module")
def mini_rules() -> RuleSet:
    return load_rules(MINI_RULES)


def _write(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "known.yaml"
    p.write_text(body, encoding="utf-8")
    return p


def test_known_file_lookup(tmp_path: Path, mini_rules: RuleSet) -> None:
    p = _write(
        tmp_path,
        "entries:\n"
        "  - {word: Anorexia, rule: t.banner_a, verdict: intended, reason: topic}\n"
        "  - {word: fick, rule: t.sv_only, verdict: accepted, reason: x, lang: sv}\n"
        "  - {query: 'pro ana tips', rule: t.block, verdict: accepted, reason: y}\n",
    )
    known = quality.load_known(p, mini_rules)
    assert known.lookup(lang="en", word="anorexia", query=None, rule="t.banner_a") == "intended"
    assert known.lookup(lang="en", word="anorexia", query=None, rule="t.banner_b") is None
    assert known.lookup(lang="sv", word="fick", query=None, rule="t.sv_only") == "accepted"
    assert known.lookup(lang="pl", word="fick", query=None, rule="t.sv_only") is None
    assert known.lookup(lang="en", word=None, query="pro ana tips", rule="t.block") == "accepted"
    assert known.lookup(lang="en", word=None, query="pro ana  tips", rule="t.block") is None
    assert known.lookup(lang="en", word="pro ana tips", query=None, rule="t.block") is None


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{word: a, rule: t.block, verdict: intended}", "'reason' is required"),
        ("{word: a, rule: t.nope, verdict: intended, reason: r}", "no rule 't.nope'"),
        ("{word: a, rule: t.block, verdict: fine, reason: r}", "verdict must be"),
        ("{word: a, query: b, rule: t.block, verdict: intended, reason: r}", "exactly one"),
        ("{rule: t.block, verdict: intended, reason: r}", "exactly one"),
        ("{word: a, rule: t.block, verdict: intended, reason: r, why: x}", "unknown keys"),
    ],
)
def test_known_file_errors(tmp_path: Path, mini_rules: RuleSet, entry: str, message: str) -> None:
    p = _write(tmp_path, f"entries:\n  - {entry}\n")
    with pytest.raises(quality.KnownFileError, match=message) as info:
        quality.load_known(p, mini_rules)
    assert f"{p}:2" in str(info.value)


def test_known_file_duplicates(tmp_path: Path, mini_rules: RuleSet) -> None:
    entry = "  - {word: a, rule: t.block, verdict: intended, reason: r}\n"
    p = _write(tmp_path, "entries:\n" + entry + entry.replace("word: a", "word: A"))
    with pytest.raises(quality.KnownFileError, match="duplicate"):
        quality.load_known(p, mini_rules)


def test_a_hit_is_a_false_positive_unless_every_rule_is_intended() -> None:
    def hit(*verdicts: tuple[str, str]) -> quality.BenignHit:
        return quality.BenignHit("en", "w", "banner", (), verdicts)

    assert not hit(("a", "intended")).false_positive
    assert hit(("a", "intended"), ("b", "accepted")).false_positive
    assert not hit(("a", "accepted")).unlisted
    assert hit(("a", "unlisted")).false_positive and hit(("a", "unlisted")).unlisted


def test_shipped_known_file_is_valid() -> None:
    rules = Path(__file__).resolve().parents[2] / "rules"
    known = quality.load_known(rules / quality.KNOWN_NAME, load_rules(rules))
    assert known.entries
    assert all(e.reason for e in known.entries)


# -- end to end, on the stable test rules ---------------------------------------------------------


def test_harness_runs_on_a_fixed_rule_set(tmp_path: Path) -> None:
    config = replace(
        quality.FAST,
        words_per_language=300,
        queries=300,
        pair_term_share=1.0,
        single_term_share=1.0,
    )
    report = quality.run(config, rules=MINI_RULES, known_path=tmp_path / "none.yaml")
    keys = {t.key for t in report.targets()}
    assert {"identity", "recall:leet", "recall:typo1", "pairwise", "fp_queries"} <= keys
    n, r, _ = report.recall("identity")
    assert n == r > 0
    n, _, _ = report.recall("typo2")
    assert n == len(STYLES["typo2"])  # thinspiration is the one fuzzy: 2 term
    text = quality.render(report)
    assert "4. Targets" in text and "PASS" in text
    assert quality.to_json(report)["targets"]
