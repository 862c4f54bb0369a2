"""``run_batch(..., jobs=2)`` from a script without a main guard fails fast instead of hanging.

Worker processes are spawned, and a spawned process re-runs the parent's main script; these
tests save the documented snippet as a script and run it in a subprocess with a time limit.
"""

from __future__ import annotations

import py_compile
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from interventions._batch import UnguardedMainError, refuse_unguarded_main

from ..conftest import MINI_RULES
from ._batch_helpers import SAMPLE

TIMEOUT = 60  # seconds; a run that hangs is killed and the test fails

SNIPPET = """\
from interventions import load_rules
from interventions.tools import run_batch

with open("decisions.jsonl", "wb") as out:
    summary = run_batch({log!r}, ruleset=load_rules({rules!r}), out=out, jobs=2,
                        locale={locale!r})
print("queries", summary.queries, "jobs", summary.jobs)
"""


def _script(tmp_path: Path, *, guarded: bool, locale: str = "en-GB") -> Path:
    body = SNIPPET.format(log=str(SAMPLE), rules=str(MINI_RULES), locale=locale)
    if guarded:
        body = 'if __name__ == "__main__":\n' + textwrap.indent(body, "    ")
    script = tmp_path / "snippet.py"
    script.write_text(body, encoding="utf-8")
    return script


def _run(tmp_path: Path, script: Path) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            [sys.executable, str(script)],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:  # pragma: no cover - the bug this file is about
        pytest.fail(f"{script.name} hung for {TIMEOUT} s")


def test_the_snippet_without_a_guard_raises_a_clear_error(tmp_path: Path) -> None:
    script = _script(tmp_path, guarded=False)
    result = _run(tmp_path, script)
    assert result.returncode == 1
    assert "UnguardedMainError" in result.stderr
    assert f"{script}, line 5, is not under an 'if __name__ == \"__main__\":'" in result.stderr
    assert "queries" not in result.stdout


def test_the_snippet_under_a_guard_runs_with_two_workers(tmp_path: Path) -> None:
    result = _run(tmp_path, _script(tmp_path, guarded=True))
    assert result.returncode == 0, result.stderr
    lines = len(SAMPLE.read_bytes().splitlines())
    assert result.stdout.split() == ["queries", str(lines), "jobs", "2"]
    assert len((tmp_path / "decisions.jsonl").read_bytes().splitlines()) == lines


def test_a_script_whose_source_cannot_be_read_fails_in_the_worker_not_hangs(
    tmp_path: Path,
) -> None:
    # Only the compiled script exists, so the parent cannot see the missing guard: the worker
    # notices it is re-running the script and exits, and the parent reports the dead worker.
    # The locale is longer than a pipe's buffer, as a real rule set is: the worker's state
    # must not be written into the pipe that a dying worker stops reading.
    source = _script(tmp_path, guarded=False, locale="x" * 200_000)
    compiled = tmp_path / "snippet.pyc"
    py_compile.compile(str(source), cfile=str(compiled), doraise=True)
    source.unlink()
    result = _run(tmp_path, compiled)
    assert result.returncode == 1
    assert "a worker process died" in result.stderr
    assert 'if __name__ == "__main__":\' guard' in result.stderr


def test_calls_from_functions_and_tests_are_not_refused() -> None:
    # pytest's own main module is guarded; a call from a test is fine
    refuse_unguarded_main()
    assert issubclass(UnguardedMainError, Exception)
