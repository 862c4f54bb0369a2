"""The docs cannot drift: every console example of README.md and docs/*.md runs, and its output
is compared with what the page shows; every ``>>>`` snippet of a ``python`` fence runs as a
doctest. How examples are written (the ``...`` wildcards, the skip and setup markers) is in
``_runner.py`` and in README.md's "Development" section.
"""

from __future__ import annotations

import doctest
import os
import re
import shutil
from pathlib import Path

import pytest

from interventions._cli import main

from ._runner import ROOT, Example, Shell, cached_loading, console_examples, matches

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
PYTHON_FENCE = re.compile(r"^```python\n(.*?)^```", re.S | re.M)
RAN: dict[str, int] = {"commands": 0, "skipped": 0, "doctests": 0}
SKIPPED: list[str] = []


def _scratch(tmp_path: Path) -> Path:
    """A folder like a fresh clone for the examples to work in (they may add rule files)."""
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    for name in ("benchmarks", "tests", "docs"):
        (tmp_path / name).symlink_to(ROOT / name)
    return tmp_path


def _report(example: Example, command: str, expected: list[str], actual: list[str]) -> str:
    shown = "\n".join(f"    {line}" for line in expected)
    got = "\n".join(f"    {line}" for line in actual)
    return f"{example.where}: $ {command}\n  the page shows:\n{shown}\n  it prints:\n{got}"


def _run_examples(doc: Path, tmp_path: Path, *, slow: bool) -> None:
    examples = console_examples(doc)
    shell = Shell(_scratch(tmp_path), main)
    failures: list[str] = []
    with cached_loading():
        for example in examples:
            if example.skip is not None:
                RAN["skipped"] += len(example.commands)
                SKIPPED.append(f"{example.where} ({len(example.commands)}): {example.skip}")
                continue
            if (example.slow is not None) != slow:
                continue
            for setup in example.setup:
                shell.run(setup)
                assert shell.status == 0, f"{example.where}: setup failed: {setup}"
            for command in example.commands:
                actual = shell.run(command.text)
                RAN["commands"] += 1
                if not matches(command.expected, actual):
                    failures.append(_report(example, command.text, command.expected, actual))
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_console_examples(doc: Path, tmp_path: Path) -> None:
    _run_examples(doc, tmp_path, slow=False)


SLOW_DOCS = [doc for doc in DOCS if any(e.slow for e in console_examples(doc))]


@pytest.mark.slow
@pytest.mark.parametrize("doc", SLOW_DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_slow_console_examples(doc: Path, tmp_path: Path) -> None:
    """The examples marked ``docs-test: slow`` (a lint of the 18-language rules is about 25 s
    each): they run in ``make test-slow``, which CI runs too."""
    _run_examples(doc, tmp_path, slow=True)


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_python_snippets(doc: Path, tmp_path: Path) -> None:
    text = doc.read_text(encoding="utf-8")
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    scratch = _scratch(tmp_path)
    before = Path.cwd()
    os.chdir(scratch)
    try:
        globs: dict[str, object] = {}
        for match in PYTHON_FENCE.finditer(text):
            if ">>>" not in match.group(1):
                continue
            line = text.count("\n", 0, match.start()) + 2
            test = parser.get_doctest(match.group(1), globs, doc.name, str(doc), line - 1)
            runner.run(test, clear_globs=False)
            globs.update(test.globs)  # a page is one session: later snippets use earlier names
            RAN["doctests"] += len(test.examples)
    finally:
        os.chdir(before)
    assert runner.failures == 0, f"{runner.failures} doctest(s) of {doc.name} failed (above)"


def test_the_large_majority_of_examples_run() -> None:
    total = sum(len(e.commands) for doc in DOCS for e in console_examples(doc))
    skipped = sum(len(e.commands) for doc in DOCS for e in console_examples(doc) if e.skip)
    assert total > 20
    assert skipped <= total // 5, f"{skipped} of {total} console commands are skipped"
