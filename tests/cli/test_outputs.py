"""What the CLI writes: never over an input, only whole files, and every failure is one line
on stderr with exit 2 (130 after Ctrl-C), never a traceback."""

from __future__ import annotations

import errno
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from interventions._cli import INTERRUPTED, _output, main

from ..conftest import MINI_RULES

QUERIES = "thinspo\nbanana bread\np r o a n a\n"


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(err: str) -> str:
    assert "Traceback" not in err
    assert err.count("\n") == 1, err
    return err


def leftovers(folder: Path) -> list[str]:
    """Temporary files an interrupted write would leave behind."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def written(folder: Path, size: int = 1) -> bool:
    """Whether a temporary output in ``folder`` holds ``size`` bytes yet."""
    return any(p.stat().st_size >= size for p in folder.iterdir() if p.name.startswith("."))


@pytest.fixture
def queries(tmp_path: Path) -> Path:
    path = tmp_path / "q.txt"
    path.write_text(QUERIES, encoding="utf-8")
    return path


# -- an output is never one of the inputs ------------------------------------------------------


def test_batch_refuses_to_write_over_its_input(
    capsys: pytest.CaptureFixture[str], queries: Path
) -> None:
    code, _, err = run(capsys, "batch", queries, "--rules", MINI_RULES, "-o", queries)
    assert code == 2
    assert "-o is the input QUERIES" in one_line_error(err)
    assert queries.read_text(encoding="utf-8") == QUERIES


@pytest.mark.parametrize("link", ["symlink", "hardlink"])
def test_a_link_to_the_input_is_the_input(
    capsys: pytest.CaptureFixture[str], queries: Path, link: str
) -> None:
    alias = queries.with_name("alias.txt")
    (os.symlink if link == "symlink" else os.link)(queries, alias)
    for option in ("-o", "--summary", "--html"):
        code, _, err = run(capsys, "batch", queries, "--rules", MINI_RULES, option, alias)
        assert code == 2
        assert f"{option} is the input QUERIES" in one_line_error(err)
    assert queries.read_text(encoding="utf-8") == QUERIES


def test_two_outputs_naming_one_file_are_refused(
    capsys: pytest.CaptureFixture[str], queries: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.jsonl"
    code, _, err = run(capsys, "batch", queries, "--rules", MINI_RULES, "-o", out, "--summary", out)
    assert code == 2
    assert "--summary and -o name the same file" in one_line_error(err)


def test_diff_refuses_to_write_over_its_query_log(
    capsys: pytest.CaptureFixture[str], queries: Path
) -> None:
    args = ("diff", MINI_RULES, MINI_RULES, "--queries", queries)
    for option in ("-o", "--summary", "--html"):
        code, _, err = run(capsys, *args, option, queries)
        assert code == 2
        assert f"{option} is the input --queries" in one_line_error(err)
    assert queries.read_text(encoding="utf-8") == QUERIES


def test_compile_refuses_to_write_into_its_rules_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(MINI_RULES, rules)
    harm = next(rules.glob("*.yaml"))
    before = harm.read_bytes()
    code, _, err = run(capsys, "compile", rules, "-o", harm)
    assert code == 2
    assert "inside the input folder RULES" in one_line_error(err)
    assert harm.read_bytes() == before


def test_test_refuses_junit_over_a_case_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cases = tmp_path / "cases.tsv"
    cases.write_text("query\tlocale\taction\tcategory\trule\nthinspo\t\t\t\t\n", encoding="utf-8")
    before = cases.read_bytes()
    code, _, err = run(capsys, "test", MINI_RULES, cases, "--junit", cases)
    assert code == 2
    assert "--junit is the input CASES" in one_line_error(err)
    assert cases.read_bytes() == before


# -- path errors are a message and exit 2 ------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["schema", "-o", "{missing}/schema.json"], "no such folder"),
        (["schema", "-o", "{tmp}"], "-o is a folder, not a file"),
        (["test", str(MINI_RULES), "--junit", "{missing}/junit.xml"], "no such folder"),
        (["test", str(MINI_RULES), "{missing}/cases.tsv"], "cannot read"),
        (["batch", "{missing}/q.txt", "--rules", str(MINI_RULES)], "cannot read"),
        (["batch", "{queries}", "--rules", str(MINI_RULES), "-o", "{missing}/o"], "no such folder"),
        (["batch", "{queries}", "--rules", "{missing}"], "no such rules folder"),
        (["compile", str(MINI_RULES), "-o", "{missing}/rules.irs"], "no such folder"),
        (["compile", "{missing}", "-o", "{tmp}/rules.irs"], "not a folder of rule files"),
        (["diff", str(MINI_RULES), str(MINI_RULES), "--queries", "{missing}/q"], "cannot read"),
    ],
)
def test_path_errors_are_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, queries: Path, argv: list[str], message: str
) -> None:
    names = {"missing": tmp_path / "missing", "tmp": tmp_path, "queries": queries}
    code, _, err = run(capsys, *(a.format(**names) for a in argv))
    assert code == 2
    assert err.startswith("error: ")
    assert message in one_line_error(err)


def test_an_unexpected_os_error_is_still_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from interventions._cli import _schema

    def denied(*_: Any) -> str:
        raise PermissionError(errno.EACCES, "Permission denied", "/somewhere/secret")

    monkeypatch.setattr(_schema, "rule_file_schema", denied)
    code, _, err = run(capsys, "schema")
    assert code == 2
    assert one_line_error(err) == "error: /somewhere/secret: Permission denied\n"


# -- outputs are whole or absent ---------------------------------------------------------------


class _FullDisk(io.FileIO):
    """A file on a disk with no space left."""

    def write(self, data: Any) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    def fake_open(path: Path, mode: str, buffering: int = -1) -> io.FileIO:
        return _FullDisk(path, mode)

    monkeypatch.setattr(_output, "open", fake_open, raising=False)


@pytest.mark.parametrize("option", ["-o", "--summary", "--html"])
def test_a_full_disk_leaves_the_old_output_and_exits_2(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    queries: Path,
    tmp_path: Path,
    option: str,
) -> None:
    out = tmp_path / "out.txt"
    out.write_text("the previous run\n", encoding="utf-8")
    full_disk(monkeypatch)
    code, _, err = run(capsys, "batch", queries, "--rules", MINI_RULES, option, out)
    assert code == 2
    assert one_line_error(err) == f"error: {out}: cannot write: No space left on device\n"
    assert out.read_text(encoding="utf-8") == "the previous run\n"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    "argv",
    [
        ["schema", "-o", "{out}"],
        ["test", str(MINI_RULES), "--junit", "{out}"],
        ["diff", str(MINI_RULES), str(MINI_RULES), "--queries", "{queries}", "--summary", "{out}"],
    ],
)
def test_a_full_disk_fails_every_writer_the_same_way(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    queries: Path,
    tmp_path: Path,
    argv: list[str],
) -> None:
    out = tmp_path / "out.txt"
    full_disk(monkeypatch)
    code, _, err = run(capsys, *(a.format(out=out, queries=queries) for a in argv))
    assert code == 2
    assert one_line_error(err) == f"error: {out}: cannot write: No space left on device\n"
    assert not out.exists()
    assert leftovers(tmp_path) == []


def test_a_full_disk_while_compiling_leaves_no_artefact(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from interventions._cli import _compile

    def no_space(*_: Any, **__: Any) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(_compile, "write_artifact", no_space)
    out = tmp_path / "rules.irs"
    code, _, err = run(capsys, "compile", MINI_RULES, "-o", out)
    assert code == 2
    assert one_line_error(err) == f"error: {out}: cannot write: No space left on device\n"
    assert leftovers(tmp_path) == []
    assert not out.exists()


def interrupt_after_writing(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> None:
    """Make ``module.name`` write part of its output, then get Ctrl-C."""
    real: Callable[..., Any] = getattr(module, name)

    def interrupted(*args: Any, out: Any = None, **kwargs: Any) -> Any:
        if out is not None:
            out.write(b'{"query": "thinspo", "action": "redirect"}\n')
        raise KeyboardInterrupt

    assert callable(real)
    monkeypatch.setattr(module, name, interrupted)


def test_ctrl_c_leaves_no_output_that_looks_complete(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    queries: Path,
    tmp_path: Path,
) -> None:
    from interventions._cli import _batch

    interrupt_after_writing(monkeypatch, _batch, "run_batch")
    out = tmp_path / "out.jsonl"
    code, _, err = run(capsys, "batch", queries, "--rules", MINI_RULES, "-o", out)
    assert code == INTERRUPTED == 130
    assert one_line_error(err).startswith("interrupted")
    assert not out.exists()
    assert leftovers(tmp_path) == []


def test_ctrl_c_in_diff_keeps_the_previous_output(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    queries: Path,
    tmp_path: Path,
) -> None:
    from interventions._cli import _diff

    interrupt_after_writing(monkeypatch, _diff, "diff_rules")
    out = tmp_path / "changes.jsonl"
    out.write_text("the previous run\n", encoding="utf-8")
    argv = ("diff", MINI_RULES, MINI_RULES, "--queries", queries, "-o", out)
    code, _, err = run(capsys, *argv)
    assert code == 130
    assert one_line_error(err).startswith("interrupted")
    assert out.read_text(encoding="utf-8") == "the previous run\n"
    assert leftovers(tmp_path) == []


def test_ctrl_c_while_compiling_leaves_no_artefact(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from interventions import Engine

    def interrupted(*_: Any, **__: Any) -> Engine:
        raise KeyboardInterrupt  # while the written file is being read back

    monkeypatch.setattr(Engine, "load", interrupted)
    out = tmp_path / "rules.irs"
    code, _, err = run(capsys, "compile", MINI_RULES, "-o", out)
    assert code == 130
    assert one_line_error(err).startswith("interrupted")
    assert not out.exists()
    assert leftovers(tmp_path) == []


def test_a_finished_output_is_complete_and_leaves_nothing_else(
    capsys: pytest.CaptureFixture[str], queries: Path, tmp_path: Path
) -> None:
    out, summary, html = tmp_path / "out.jsonl", tmp_path / "s.json", tmp_path / "r.html"
    argv = ("batch", queries, "--rules", MINI_RULES, "-o", out, "--summary", summary)
    code, _, _ = run(capsys, *argv, "--html", html)
    assert code == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 3
    assert summary.read_text(encoding="utf-8").endswith("}\n")
    assert html.read_text(encoding="utf-8").rstrip().endswith("</html>")
    assert leftovers(tmp_path) == []


def test_compile_onto_a_symlink_replaces_the_link_not_its_target(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("not an artefact\n", encoding="utf-8")
    link = tmp_path / "rules.irs"
    link.symlink_to(target)
    code, _, _ = run(capsys, "compile", MINI_RULES, "-o", link)
    assert code == 0
    assert not link.is_symlink()
    assert link.read_bytes().startswith(b'{"format": "interventions.ruleset"')
    assert target.read_text(encoding="utf-8") == "not an artefact\n"
    assert leftovers(tmp_path) == []


def test_a_real_ctrl_c_mid_batch_exits_130_without_traceback(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("thinspo tips\nbanana bread\n" * 200_000, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    argv = ["-m", "interventions", "batch", str(big), "--rules", str(MINI_RULES), "-o", str(out)]
    proc = subprocess.Popen(
        [sys.executable, *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        start_new_session=True,  # its own process group, signalled as a terminal does
    )
    deadline = time.monotonic() + 60
    # decisions reach the temporary output: the run is under way
    while not written(tmp_path, 1 << 16) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert proc.poll() is None, proc.communicate()  # still running, to be interrupted
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    text = err.decode()
    assert proc.returncode == 130, text
    assert "Traceback" not in text
    assert text.splitlines()[-1].startswith("interrupted")
    assert not out.exists()
    assert leftovers(tmp_path) == []
