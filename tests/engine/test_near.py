"""Near terms (groups within a window of words) and shared lexicons (``@partner``)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interventions import Engine, RuleFileError, load_rules
from interventions._artifact import write_artifact
from interventions._match import find_hits, resolve_near
from interventions._reference import reference_hits

NEAR_RULES = Path(__file__).parent.parent / "data" / "near_rules"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.from_path(NEAR_RULES)


@pytest.mark.parametrize(
    ("query", "span"),
    [
        ("my boyfriend keeps hitting me", "boyfriend keeps hitting me"),
        ("boyfriend hit me again", "boyfriend hit me"),
        ("he hits me, my husband", "hits me, my husband"),  # any order
        ("my ex boyfriend beat me up", "boyfriend beat me"),  # the tightest placement
        ("chłopak mnie bije", "chłopak mnie bije"),
        ("mój chłopak mnie pobił", "chłopak mnie pobił"),
        ("min sambo slår mig", "sambo slår mig"),
        ("MY BOYFRIEND H1TS ME", "BOYFRIEND H1TS ME"),  # every group through the normalizer
    ],
)
def test_groups_within_the_window_match(engine: Engine, query: str, span: str) -> None:
    d = engine.check(query)
    assert d.rule_id == "t.disclosure", (query, d.matches)
    (m,) = [m for m in d.matches if m.rule_id == "t.disclosure"]
    assert query[m.start : m.end] == span
    assert m.kind.value == "near"


@pytest.mark.parametrize(
    "query",
    [
        "boyfriend",
        "my boyfriend hits",  # a group missing
        "me and my boyfriend went hiking and he hit a ball",  # beyond five words
        "hit me baby one more time",  # no partner
    ],
)
def test_missing_group_or_too_far_does_not_match(engine: Engine, query: str) -> None:
    assert engine.check(query).rule_id != "t.disclosure"


def test_ordered_groups_must_come_in_order(engine: Engine) -> None:
    assert engine.check("how to poison my husband").rule_id == "t.ordered"
    assert engine.check("jak poisoning my partner").rule_id == "t.ordered"
    assert engine.check("my husband how poison").rule_id != "t.ordered"


def test_a_lexicon_in_unless_cancels(engine: Engine) -> None:
    assert engine.check("how to poison my husband helpline").rule_id != "t.ordered"


def test_lexicons_are_loaded_and_tracked(engine: Engine) -> None:
    lexicons = engine.ruleset.lexicons
    assert lexicons["partner"].languages == ("en", "pl", "sv")
    assert lexicons["partner"].used and lexicons["help"].used
    assert not lexicons["unused"].used


def test_the_memo_path_decides_as_the_full_path(engine: Engine) -> None:
    fresh = Engine.from_path(NEAR_RULES, memo_size=0)
    for q in ["my boyfriend keeps hitting me", "boyfriend hit me again", "hit me my partner"]:
        for _ in range(2):  # the second time from the memo
            assert engine.check(q) == fresh.check(q), q


def test_near_terms_survive_the_artefact(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "rules.bin"
    write_artifact(engine.ruleset, path)
    loaded = Engine.load(path)
    for q in ["my boyfriend keeps hitting me", "how to poison my husband", "boyfriend"]:
        assert loaded.check(q) == engine.check(q), q
    rule = next(r for r in loaded.ruleset.rules if r.id == "t.ordered")
    assert rule.terms[0].ordered and rule.terms[0].window == 6


FRAGMENTS = [
    "my", "boyfriend", "husband", "ex", "hit", "hits", "hitting", "beat", "up", "me", "mnie",
    "chłopak", "bije", "sambo", "slår", "mig", "how", "to", "poison", "poisoning", "helpline",
    "again", "and", "the", "b0yfriend", "#", "-", ".", " ", "  ",
]  # fmt: skip


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=14).map(" ".join))
def test_near_fast_path_equals_the_reference(query: str) -> None:
    engine = _ENGINE
    index = engine._index
    norm = index.segmenter.read(query)
    fast = resolve_near(index, query, find_hits(index, norm), norm)
    assert set(fast) == set(reference_hits(engine.ruleset, norm)), query


_ENGINE = Engine.from_path(NEAR_RULES)


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "rules"
    shutil.copytree(NEAR_RULES, root)
    return root


def _error(root: Path) -> RuleFileError:
    with pytest.raises(RuleFileError) as info:
        load_rules(root)
    return info.value


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('["@partner"]', '["@partners"]', "unknown lexicon '@partners'"),
        ("        within: 5\n", "        within: 40\n", "within must be between"),
        (
            '[["@partner"], [hit*, beat*, hits, bije, pobił, slår, "beat up"], [me, mnie, mig]]',
            '[["@partner"]]',
            "near needs 2 to 4 groups",
        ),
        ("[me, mnie, mig]", "[{substring: mnieee}]", "a near group holds words"),
        ('    unless: ["@help"]', "    unless: [{near: [[a1], [b1]]}]", "not for unless"),
    ],
)
def test_mistakes_name_file_line_and_rule(tmp_path: Path, old: str, new: str, message: str) -> None:
    root = _copy(tmp_path)
    path = root / "violence.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    exc = _error(root)
    assert message in exc.reason, exc.reason
    assert exc.path.endswith("violence.yaml") and exc.line and exc.rule_id


def test_a_lexicon_may_not_nest(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    path = root / "lexicons.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("[nothing]", '["@help"]'), encoding="utf-8"
    )
    exc = _error(root)
    assert "do not nest" in exc.reason and exc.path.endswith("lexicons.yaml") and exc.line == 8


def test_lint_reports_an_unused_lexicon() -> None:
    from interventions._lint import lint_rules

    findings: list[Any] = [
        f for f in lint_rules(NEAR_RULES, vocab=[]) if f.code == "UNUSED_LEXICON"
    ]
    assert [f.message for f in findings] == [
        "lexicon @unused is not used by any rule: refer to it or remove it"
    ]


@pytest.mark.parametrize(
    "query",
    [
        "my boyfriend keeps hitting me",
        "my b0yfriend h1ts me",  # words with several readings: the whole query is read
        "#myboyfriendhitsme and more",
        "boyfriend. hit! me?",
        "how to poison my husband",
        "how to poison my husband helpline",
        "chłopak mnie bije",
        "x " * 30 + "boyfriend hit me",
    ],
)
def test_the_word_memo_reads_near_terms_as_the_full_path(engine: Engine, query: str) -> None:
    """On the memo path the near groups are read from the words' readings laid side by side."""
    for _ in range(2):  # the second time every word is known
        assert engine.check(query) == engine._check_fully(query, None), query
