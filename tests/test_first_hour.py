"""Traps a new user met in the first hour: each is fixed and pinned here."""

from __future__ import annotations

import json

import pytest

from interventions import Action, Engine, __version__
from interventions._cli import main

from .conftest import MINI_RULES


def test_actions_order_by_severity_not_alphabet() -> None:
    assert Action.BLOCK > Action.REDIRECT > Action.INTERSTITIAL > Action.BANNER > Action.NONE
    assert not Action.NONE > Action.BLOCK
    assert max(Action) is Action.BLOCK
    assert sorted([Action.NONE, Action.BLOCK, Action.BANNER]) == [
        Action.NONE,
        Action.BANNER,
        Action.BLOCK,
    ]


def test_version_flag(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"interventions {__version__}"


def test_check_exit_code_tells_an_intervention_apart(capsys: pytest.CaptureFixture[str]) -> None:
    rules = ["--rules", str(MINI_RULES)]
    assert main(["check", "banana bread", *rules, "--exit-code"]) == 0
    assert main(["check", "thinspo", *rules, "--exit-code"]) == 3
    assert main(["check", "thinspo", *rules]) == 0  # without the flag, as before
    capsys.readouterr()


def test_to_dict_is_json_for_a_query_with_a_lone_surrogate() -> None:
    engine = Engine.from_path(MINI_RULES)
    decision = engine.check("thinspo\ud800")
    encoded = json.dumps(decision.to_dict(), ensure_ascii=False).encode("utf-8")
    assert b"thinspo" in encoded


def test_from_path_takes_the_memo_and_cache_options() -> None:
    engine = Engine.from_path(MINI_RULES, memo_size=0, cache_size=16)
    assert engine.check("thinspo").action is not Action.NONE
    assert engine.check("thinspo") is engine.check("thinspo")  # the decision cache
