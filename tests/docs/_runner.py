"""Parse the console examples of a Markdown file and run them as a reader would.

An example is a ``console`` fence: lines starting with ``$ `` are commands (a trailing ``\\``
continues one on the next line), the lines after a command up to the next are its output. The
output shown must match what the command prints, stdout and stderr together as on a terminal
(in a pipeline, stderr that does not go through the pipe comes after the pipeline's output),
with two wildcards for what changes from run to run:

- ``...`` inside a line matches any text on that line (timings, hashes, dates);
- a line that is ``...`` alone, or ``...`` followed by two spaces and a note, matches any
  number of lines (elided output).

An HTML comment right before the fence (invisible on GitHub) controls how it runs:

- ``<!-- docs-test: skip REASON -->`` does not run it; the reason is reported;
- ``<!-- docs-test: setup COMMANDS -->`` runs the shell commands first, unshown (a draft rule
  added to the copy of the rules the example works on).

Every example of one file runs in the same scratch folder, in order, so later examples may
read what earlier ones wrote. That folder holds a copy of ``rules/`` and links to
``benchmarks/`` and ``tests/``. ``interventions`` runs in this process (its ``main``), with rule
folders loaded and compiled once per content, which is what keeps dozens of commands within a
few seconds; every other command runs in ``bash``.
"""

from __future__ import annotations

import io
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parents[2]
MARKER = re.compile(r"<!--\s*docs-test:\s*(skip|setup|slow)\b\s*(.*?)\s*-->", re.S)
ELLIPSIS_LINE = re.compile(r"^\.\.\.(\s{2,}.*)?$")


@dataclass
class Command:
    text: str
    line: int
    expected: list[str] = field(default_factory=list)


@dataclass
class Example:
    path: Path
    line: int
    commands: list[Command]
    skip: str | None = None
    setup: list[str] = field(default_factory=list)
    slow: str | None = None
    """Why the example runs in ``make test-slow`` only (``<!-- docs-test: slow REASON -->``)."""

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def console_examples(path: Path) -> list[Example]:
    """Every ``console`` fence of a Markdown file, with the markers before it."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    out: list[Example] = []
    i = 0
    while i < len(lines):
        if lines[i].strip() != "```console":
            i += 1
            continue
        skip, setup, slow = _markers(lines, i)
        example = Example(path, i + 1, [], skip, setup, slow)
        i += 1
        while i < len(lines) and lines[i].strip() != "```":
            line = lines[i]
            if line.startswith("$ "):
                command = Command(line[2:], i + 1)
                while command.text.endswith("\\") and i + 1 < len(lines):
                    i += 1
                    command.text = command.text[:-1].rstrip() + " " + lines[i].strip()
                example.commands.append(command)
            elif example.commands:
                example.commands[-1].expected.append(line)
            i += 1
        out.append(example)
        i += 1
    return out


def _markers(lines: list[str], fence: int) -> tuple[str | None, list[str], str | None]:
    """The docs-test comments in the paragraph right above line ``fence``."""
    start = fence
    while start > 0 and lines[start - 1].strip():
        start -= 1
    skip: str | None = None
    slow: str | None = None
    setup: list[str] = []
    for kind, body in MARKER.findall("\n".join(lines[start:fence])):
        if kind == "skip":
            skip = body or "no reason given"
        elif kind == "slow":
            slow = body or "no reason given"
        else:
            # a comment may wrap: its lines are joined, spaces inside a line kept (YAML indents)
            setup.append(" ".join(line.strip() for line in body.splitlines() if line.strip()))
    return skip, setup, slow


def matches(expected: list[str], actual: list[str]) -> bool:
    """Whether ``actual`` lines match ``expected`` with the two ``...`` wildcards."""
    pattern = []
    for line in expected:
        if ELLIPSIS_LINE.match(line.rstrip()):
            pattern.append(r"(?:[^\n]*\n)*?")
        else:
            parts = [re.escape(p) for p in line.rstrip().split("...")]
            pattern.append("[^\n]*".join(parts) + r"[ \t]*\n")
    text = "".join(line.rstrip() + "\n" for line in actual)
    return re.fullmatch("".join(pattern), text) is not None


# -- running ----------------------------------------------------------------------------------


def _split(command: str, separators: tuple[str, ...]) -> list[tuple[str, str]]:
    """Split at top-level separators outside quotes; drop a trailing ``# comment``.
    Returns ``(separator before, part)`` pairs."""
    parts: list[tuple[str, str]] = []
    quote = ""
    sep, start, i = "", 0, 0
    while i < len(command):
        c = command[i]
        if quote:
            if c == quote:
                quote = ""
        elif c in "'\"":
            quote = c
        elif c == "#" and (i == 0 or command[i - 1].isspace()):
            break
        else:
            hit = next((s for s in separators if command.startswith(s, i)), None)
            if hit is not None and not command.startswith("||", i):
                parts.append((sep, command[start:i].strip()))
                sep, start, i = hit, i + len(hit), i + len(hit)
                continue
        i += 1
    parts.append((sep, command[start:i].strip()))
    return parts


class Shell:
    """Runs commands in one folder, keeping the last exit status for ``echo $?``."""

    def __init__(self, cwd: Path, cli: Callable[[list[str]], int]) -> None:
        self.cwd = cwd
        self.cli = cli
        self.status = 0
        self.env = dict(os.environ, PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}")

    def run(self, command: str) -> list[str]:
        output = b""
        for sep, part in _split(command, ("&&",)):
            if sep == "&&" and self.status != 0:
                break
            output += self._pipeline(part)
        return output.decode("utf-8", "replace").splitlines()

    def _pipeline(self, pipeline: str) -> bytes:
        data, aside = b"", b""
        stages = [part for _, part in _split(pipeline, ("|",))]
        for n, stage in enumerate(stages):
            last = n == len(stages) - 1
            if stage.startswith("interventions ") or stage == "interventions":
                argv = shlex.split(stage)[1:]
                merged = last or "2>&1" in argv
                argv = [a for a in argv if a != "2>&1"]
                self.status, out, err = self._cli(argv, data, merged)
            else:
                done = subprocess.run(
                    ["bash", "-c", f"(exit {self.status}); {stage}"],
                    input=data,
                    capture_output=True,
                    cwd=self.cwd,
                    env=self.env,
                    timeout=60,
                    check=False,
                )
                self.status, out, err = done.returncode, done.stdout, done.stderr
            data = out
            aside += err
            if last:
                return data + aside
        return data + aside

    def _cli(self, argv: list[str], stdin: bytes, merged: bool) -> tuple[int, bytes, bytes]:
        # on a terminal (or with 2>&1) stdout and stderr share one buffer, so that their lines
        # keep the order they were written in
        out = io.BytesIO()
        err = out if merged else io.BytesIO()
        with _redirected(stdin, out, err), _cwd(self.cwd):
            try:
                status = self.cli(argv)
            except SystemExit as exc:
                status = exc.code if isinstance(exc.code, int) else 1
        return status, out.getvalue(), b"" if merged else err.getvalue()


@contextmanager
def _redirected(stdin: bytes, out: io.BytesIO, err: io.BytesIO) -> Iterator[None]:
    saved = sys.stdin, sys.stdout, sys.stderr
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    sys.stdout = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
    sys.stderr = io.TextIOWrapper(err, encoding="utf-8", write_through=True)
    try:
        yield
    finally:
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
            stream.detach()
        sys.stdin, sys.stdout, sys.stderr = saved


@contextmanager
def _cwd(path: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


# -- loading and compiling once per content -------------------------------------------------


def _fingerprint(path: Path) -> tuple[Any, ...]:
    if path.is_file():
        st = path.stat()
        return (str(path.resolve()), st.st_mtime_ns, st.st_size)
    entries = []
    for folder, _, files in os.walk(path):
        for name in files:
            st = os.stat(os.path.join(folder, name))
            entries.append((folder, name, st.st_mtime_ns, st.st_size))
    return (str(path.resolve()), tuple(sorted(entries)))


@contextmanager
def cached_loading() -> Iterator[None]:
    """Replace ``load_rules`` and ``compile_rules`` everywhere in the package with versions
    that remember their result per folder content (and per rule set)."""
    from interventions import _compile, _loader

    loaded: dict[tuple[Any, ...], Any] = {}
    compiled: dict[int, tuple[Any, Any]] = {}
    real_load, real_compile = _loader.load_rules, _compile.compile_rules

    def load_rules(path: str | Path, **kwargs: Any) -> Any:
        key = _fingerprint(Path(path))
        if key not in loaded:
            loaded[key] = real_load(path, **kwargs)
        return loaded[key]

    def compile_rules(ruleset: Any) -> Any:
        if id(ruleset) not in compiled:
            compiled[id(ruleset)] = (ruleset, real_compile(ruleset))
        return compiled[id(ruleset)][1]

    replaced: list[tuple[Any, str, Any]] = []
    for module in list(sys.modules.values()):
        if not getattr(module, "__name__", "").startswith("interventions"):
            continue
        for name, fake, real in (
            ("load_rules", load_rules, real_load),
            ("compile_rules", compile_rules, real_compile),
        ):
            if getattr(module, name, None) is real:
                replaced.append((module, name, real))
                setattr(module, name, fake)
    try:
        yield
    finally:
        for module, name, real in replaced:
            setattr(module, name, real)
