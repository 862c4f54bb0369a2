"""Common words (``rules/vocabulary/common/``): a token that is a frequent word of its language is
read as itself, never split into rule words nor taken for a typo of a fuzzy term, and is still
matched exactly; the list survives compiling, and a bad line is an error with its line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interventions import Action, Engine, RuleFileError
from interventions._artifact import write_artifact
from interventions._loader import COMMON_KEYS, common_keys_bytes
from interventions._model import WordSet

from ..conftest import MINI_RULES

ROOT = Path(__file__).parents[2]

RULES = """\
category: eating_disorder
card: support
rules:
  - id: t.fuzzy
    action: redirect
    terms: [{word: thinspiration, fuzzy: 2}, skattad, proana]
    examples:
      match: [thinspiratoin, uppskattad]
"""


def _engine(tmp_path: Path, common: str | None) -> Engine:
    (tmp_path / "cards").mkdir(parents=True)
    card = (MINI_RULES / "cards" / "support.yaml").read_text(encoding="utf-8")
    (tmp_path / "cards" / "support.yaml").write_text(card, encoding="utf-8")
    (tmp_path / "harm.yaml").write_text(RULES, encoding="utf-8")
    (tmp_path / "vocabulary").mkdir()
    (tmp_path / "vocabulary" / "xx.txt").write_text("upp\n", encoding="utf-8")
    if common is not None:
        (tmp_path / "vocabulary" / "common").mkdir()
        (tmp_path / "vocabulary" / "common" / "xx.txt").write_text(common, encoding="utf-8")
    return Engine.from_path(tmp_path)


def test_a_common_word_is_no_typo_and_is_not_split(tmp_path: Path) -> None:
    without = _engine(tmp_path / "a", None)
    # read without the list: inspiration is two edits from thinspiration, uppskattad splits
    assert without.check("inspiration").action is Action.REDIRECT
    assert without.check("uppskattad").action is Action.REDIRECT
    common = _engine(tmp_path / "b", "# a comment\ninspiration\nuppskattad\nproana\n")
    assert common.check("inspiration").action is Action.NONE
    assert common.check("Inspiration").action is Action.NONE
    assert common.check("uppskattad").action is Action.NONE
    # still found: a typo that is no common word, a word of the rule, a glued unknown word
    assert common.check("thinspiratoin").action is Action.REDIRECT
    assert common.check("proana").action is Action.REDIRECT
    assert common.check("#proanaskattad").action is Action.REDIRECT


def test_common_words_survive_compiling(tmp_path: Path) -> None:
    engine = _engine(tmp_path / "rules", "inspiration\n")
    artefact = tmp_path / "rules.ivr"
    write_artifact(engine.ruleset, artefact)
    loaded = Engine.load(artefact)
    assert loaded.ruleset.common_words == engine.ruleset.common_words
    assert loaded.check("inspiration").action is Action.NONE
    assert loaded.check("thinspiratoin").action is Action.REDIRECT


@pytest.mark.parametrize("line", ["Inspiration", "two words", "x" * 65])
def test_a_word_not_in_normalized_form_is_an_error_with_its_line(tmp_path: Path, line: str) -> None:
    with pytest.raises(RuleFileError) as info:
        _engine(tmp_path, f"inspiration\n{line}\n")
    assert info.value.line == 2
    assert "xx.txt" in str(info.value)


def test_the_shipped_rules_know_the_common_words_of_their_languages(shipped: Engine) -> None:
    common = shipped.ruleset.common_words
    assert len(common) > 100_000
    for word in ("informacje", "uppskattad", "inspiration", "powstanie", "hoppas"):
        assert word in common, word
    assert "anoreksja" not in common  # a rule's word stays the rule's
    assert shipped.check("inspiration").action is Action.NONE


@settings(max_examples=300, deadline=None)
@given(st.sets(st.text(min_size=1, max_size=12), max_size=40), st.text(max_size=12))
def test_a_word_set_holds_its_words_and_reads_back_from_its_bytes(
    words: set[str], other: str
) -> None:
    ws = WordSet(words)
    assert all(w in ws for w in words)
    assert len(ws) == len(words)
    back = WordSet.from_bytes(ws.data)
    assert back == ws
    assert all(w in back for w in words)
    assert (other in ws) == (other in words)  # keys of distinct short words do not collide
    assert 3 not in ws


def test_word_set_bytes_that_are_not_sorted_keys_are_refused() -> None:
    data = WordSet(["alpha", "beta", "gamma"]).data
    with pytest.raises(ValueError, match="sorted"):
        WordSet.from_bytes(data[8:16] + data[:8] + data[16:])
    with pytest.raises(ValueError, match="64-bit"):
        WordSet.from_bytes(data[:-1])


def test_a_keys_file_is_read_instead_of_the_lists_and_must_match_them(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    lists = _engine(folder, "inspiration\nuppskattad\n")
    common = folder / "vocabulary" / "common"
    (common / COMMON_KEYS).write_bytes(common_keys_bytes(sorted(common.glob("*.txt"))))
    keyed = Engine.from_path(folder)
    assert keyed.ruleset.common_words == lists.ruleset.common_words
    assert keyed.check("inspiration").action is Action.NONE
    (common / "xx.txt").write_text("inspiration\n", encoding="utf-8")  # edited, keys not
    with pytest.raises(RuleFileError, match=r"common_words\.py --keys-only") as info:
        Engine.from_path(folder)
    assert COMMON_KEYS in str(info.value)
    (common / COMMON_KEYS).write_bytes(b"\0" * 33)
    with pytest.raises(RuleFileError):
        Engine.from_path(folder)


def test_the_shipped_keys_are_made_from_the_shipped_lists() -> None:
    common = ROOT / "rules" / "vocabulary" / "common"
    assert (common / COMMON_KEYS).read_bytes() == common_keys_bytes(sorted(common.glob("*.txt")))


@pytest.mark.slow
def test_the_shipped_lists_are_what_the_tool_writes() -> None:
    """``tools/common_words.py --check``: the files match the shipped rules and wordfreq."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "common_words.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
