"""``interventions check``: what on-call people type, and what scripts parse."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from interventions._cli import main

from ..conftest import MINI_RULES


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_check_one_query(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "#thinspo", "--rules", str(MINI_RULES), "--locale", "pl-PL")
    assert code == 0
    assert "redirect (eating_disorder, rule t.redirect)" in out
    assert "matched 'thinspo' at [1:8]" in out
    assert "Wsparcie" in out and "Test PL line" in out


def test_check_with_a_compiled_rule_set_reads_the_same(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from interventions import load_rules
    from interventions._artifact import write_artifact

    compiled = tmp_path / "mini.irs"
    write_artifact(load_rules(MINI_RULES), compiled)
    for query in ["#thinspo", "p r o a n a", "banana bread", "przemocy domowej"]:
        args = ("check", query, "--explain", "--locale", "pl-PL", "--rules")
        assert run(capsys, *args, str(compiled)) == run(capsys, *args, str(MINI_RULES))


def test_check_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "banana bread", "--json", "--rules", str(MINI_RULES))
    assert code == 0
    assert json.loads(out)["action"] == "none"


def test_check_explain_json_has_steps_and_tokens(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "check", "th1nsp0oo", "--explain", "--json", "--rules", str(MINI_RULES))
    data = json.loads(out)
    assert [s["name"] for s in data["steps"]][:2] == ["input", "nfkc"]
    assert data["tokens"][0][0]["span"] == [0, 9]
    assert data["matches"][0]["span"] == [0, 9]


def test_check_reads_stdin_lines_and_survives_bad_bytes(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(b"proana\n\xff\xfe\nbanana\n"))
    monkeypatch.setattr(sys, "stdin", stdin)
    code, out, err = run(capsys, "check", "--json", "--rules", str(MINI_RULES))
    assert code == 1
    assert [json.loads(line)["action"] for line in out.splitlines()] == ["block", "none"]
    assert "line 2: not valid UTF-8" in err


def test_broken_rules_exit_2_with_file_and_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    root = tmp_path / "rules"
    shutil.copytree(MINI_RULES, root)
    harm = root / "harm.yaml"
    harm.write_text(harm.read_text().replace("action: block", "action: blokc"))
    code, _, err = run(capsys, "check", "x", "--rules", str(root))
    assert code == 2
    assert f"{harm}:6: rule t.block: action must be one of" in err


def test_console_script_runs() -> None:
    exe = Path(sys.executable).parent / "interventions"
    result = subprocess.run(
        [str(exe), "check", "proana", "--rules", str(MINI_RULES)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "block" in result.stdout
