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


def _mini_texts() -> dict[str, str]:
    return {
        str(p.relative_to(MINI_RULES)): p.read_text(encoding="utf-8")
        for p in MINI_RULES.rglob("*")
        if p.is_file() and p.suffix in (".yaml", ".txt")
    }


def test_rules_load_from_memory_as_from_the_folder() -> None:
    from interventions import load_rules

    folder = load_rules(MINI_RULES)
    engine = Engine.from_texts(_mini_texts())
    assert engine.version == folder.version  # the same files, the same hash
    assert [r.id for r in engine.ruleset.rules] == [r.id for r in folder.rules]
    assert engine.check("#thinspo") == Engine(folder).check("#thinspo")
    assert all(not r.path.startswith("/") for r in engine.ruleset.rules)


def test_a_mistake_in_rules_from_memory_names_the_key() -> None:
    from interventions import InputError, RuleFileError

    texts = _mini_texts()
    name = next(k for k in texts if k.endswith(".yaml") and not k.startswith("cards/"))
    texts[name] = texts[name].replace("action:", "acton:", 1)
    with pytest.raises(RuleFileError) as info:
        Engine.from_texts(texts)
    assert info.value.path == name and str(info.value).startswith(f"{name}:")
    for bad in ({"../x.yaml": ""}, {"/etc/x.yaml": ""}, {"x.py": ""}, {}):
        with pytest.raises(InputError):
            Engine.from_texts(bad)


def test_check_reads_stdin_as_batch_does(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io
    import sys

    stdin = io.TextIOWrapper(io.BytesIO(b"\xef\xbb\xbf#thinspo\n\n   \nbanana\n"), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    assert main(["check", "--rules", str(MINI_RULES)]) == 0
    out = capsys.readouterr().out
    queries = [line.split("': ")[0] + "'" for line in out.splitlines() if line.startswith("'")]
    assert queries == ["'#thinspo'", "'banana'"]  # no byte-order mark, no blank lines
