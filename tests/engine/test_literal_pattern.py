"""The substring index's pattern: a trie of the literals that matches what one alternation of
them, longest first, matches, at every position (``finditer(..., overlapped=True)``)."""

from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from interventions._compile import _TRIE_DEPTH, literal_pattern

_LETTERS = "anorexi.$*(|+?"  # regex metacharacters too: every literal is escaped


def _alternation(literals: list[str]) -> regex.Pattern[str]:
    unique = sorted({x for x in literals if x}, key=lambda x: (-len(x), x))
    return regex.compile("|".join(regex.escape(x) for x in unique))


def _found(pattern: regex.Pattern[str], text: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group()) for m in pattern.finditer(text, overlapped=True)]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.text(alphabet=_LETTERS, min_size=1, max_size=8), min_size=1, max_size=30),
    st.text(alphabet=_LETTERS, max_size=60),
)
def test_the_trie_matches_what_the_longest_first_alternation_matches(
    literals: list[str], text: str
) -> None:
    trie = literal_pattern(literals)
    assert trie is not None
    assert _found(trie, text) == _found(_alternation(literals), text)


def test_literals_past_the_trie_depth_are_still_found_first() -> None:
    long = "a" * (_TRIE_DEPTH + 5)
    literals = [long, "aaa", "ab"]
    text = "b" + long + "ab"
    trie = literal_pattern(literals)
    assert trie is not None
    assert _found(trie, text) == _found(_alternation(literals), text)


def test_no_literal_no_pattern() -> None:
    assert literal_pattern([]) is None and literal_pattern([""]) is None
