"""Concatenations are read as words only when every piece is a known word."""

from __future__ import annotations

import pytest

from interventions import Action, Engine, TermKind
from interventions._segment import Segmenter


@pytest.mark.parametrize(
    ("query", "rule"),
    [
        ("#proanatips", "t.block"),
        ("#anorexiadiary", "t.banner_a"),
        ("anorexiadiary", "t.banner_a"),  # long enough without '#'
        ("#MyAnorexiaDiary", "t.banner_a"),
        ("#pr0anatips", "t.block"),  # leet first, then the split
    ],
)
def test_concatenations_are_split(mini: Engine, query: str, rule: str) -> None:
    assert rule in {m.rule_id for m in mini.check(query).matches}


@pytest.mark.parametrize("query", ["#bananabread", "bananabread", "#breadtips", "anorexiax"])
def test_unknown_pieces_block_the_split(mini: Engine, query: str) -> None:
    assert mini.check(query).action is Action.NONE


def test_split_reading_keeps_the_hashtag_span(mini: Engine) -> None:
    q = "see #anorexiadiary now"
    m = next(m for m in mini.check(q).matches if m.rule_id == "t.banner_a")
    assert q[m.start : m.end] == "anorexiadiary" and m.kind is TermKind.WORD


def test_segmenter_rules() -> None:
    words = frozenset({"buddy", "ban", "bread", "tips"})
    seg = Segmenter.build(words, frozenset({"ana", "proana"}))
    assert seg.split("anabuddy", hashtag=True) == ("ana", "buddy")
    assert seg.split("anabuddy", hashtag=False) is None  # short term needs a hashtag
    assert seg.split("proanatips", hashtag=False) == ("proana", "tips")  # fewest pieces
    assert seg.split("bananabread", hashtag=True) is None  # ban+ana+bread: short term inside
    assert seg.split("banana", hashtag=True) is None  # ban+ana: the other piece is too short
    assert seg.split("breadana", hashtag=True) == ("bread", "ana")
    assert seg.split("proana2024", hashtag=True) == ("proana", "2024")
    assert seg.split("buddytips", hashtag=True) is None  # no rule term among the pieces
    assert Segmenter.build(frozenset(), frozenset({"ana"})).split("anaana", hashtag=True) == (
        "ana",
        "ana",
    )


def test_a_known_word_is_never_split() -> None:
    seg = Segmenter.build(frozenset({"banana", "ban", "na"}), frozenset({"ana"}))
    assert seg.split("banana", hashtag=True) is None
