"""``interventions compile --key-file``: an artefact only the key's holders can make."""

from __future__ import annotations

from pathlib import Path

import pytest

from interventions import ArtifactError, Engine
from interventions._cli import main

from ..conftest import MINI_RULES


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_compile_with_a_key_file_signs_the_artefact(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    key = tmp_path / "key"
    key.write_bytes(b"a key of more than sixteen bytes\n")  # the newline is part of the key
    out = tmp_path / "rules.irs"
    code, printed, _ = run(capsys, "compile", MINI_RULES, "-o", out, "--key-file", key)
    assert code == 0
    assert "HMAC-SHA256 with the key" in printed
    assert Engine.load(out, key=key.read_bytes()).check("thinspo").intervenes
    with pytest.raises(ArtifactError, match="HMAC does not match"):
        Engine.load(out, key=b"a key of more than sixteen bytes")


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"short\n", "a key has at least 16 bytes, this one 6"), (b"k" * 5000, "at most 4096")],
)
def test_a_weak_or_odd_key_file_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes, message: str
) -> None:
    key = tmp_path / "key"
    key.write_bytes(content)
    code, _, err = run(capsys, "compile", MINI_RULES, "-o", tmp_path / "o.irs", "--key-file", key)
    assert code == 2
    assert message in err and err.count("\n") == 1
    assert not (tmp_path / "o.irs").exists()


def test_a_missing_key_file_or_one_named_as_the_output_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(
        capsys, "compile", MINI_RULES, "-o", tmp_path / "o.irs", "--key-file", tmp_path / "no"
    )
    assert code == 2 and "cannot read" in err
    key = tmp_path / "key"
    key.write_bytes(b"k" * 32)
    code, _, err = run(capsys, "compile", MINI_RULES, "-o", key, "--key-file", key)
    assert code == 2 and "-o is the input --key-file" in err
    assert key.read_bytes() == b"k" * 32
