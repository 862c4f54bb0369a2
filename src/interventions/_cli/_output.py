"""Where the subcommands write: never over one of their inputs, and never a file that looks
complete when it is not.

Every output file is written to a temporary file beside it and renamed into place once the
command has finished writing it, so an interrupted run (Ctrl-C, a full disk, a crash) leaves the
previous file or nothing, never a truncated one. ``os.replace`` renames over the directory
entry: when the output path is a symbolic link, the link itself is replaced by the new file and
the file it pointed to is left as it was.
"""

from __future__ import annotations

import contextlib
import io
import os
import secrets
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from interventions._errors import InputError

__all__ = [
    "OutputError",
    "atomic_output",
    "check_outputs",
    "output_stream",
    "write_text_output",
]

STDIO = "-"
"""The path that means stdin (for an input) or stdout (for an output)."""


class OutputError(InputError):
    """An output file cannot be written (no such folder, no space left, not allowed...)."""


def _cannot_write(path: str | Path, exc: OSError) -> OutputError:
    return OutputError(f"{path}: cannot write: {exc.strerror or exc}")


def check_outputs(
    outputs: Iterable[tuple[str, str | None]], inputs: Iterable[tuple[str, str | None]]
) -> None:
    """Refuse, before any work is done, outputs that would overwrite an input, that name the
    same file twice, or whose folder does not exist.

    ``outputs`` and ``inputs`` are ``(what, path)`` pairs such as ``("-o", "out.jsonl")`` or
    ``("QUERIES", "q.txt")``; a path of None or ``-`` (stdin/stdout) is skipped. Two paths are
    the same file when ``os.path.samefile`` says so (symbolic and hard links included); an
    existing output inside an input folder is refused too, since that folder is read.
    """
    ins = [(what, p) for what, p in inputs if p and p != STDIO and os.path.exists(p)]
    seen: list[tuple[str, str]] = []
    for what, out in outputs:
        if not out or out == STDIO:
            continue
        if os.path.isdir(out):
            raise OutputError(f"{out}: {what} is a folder, not a file")
        folder = os.path.dirname(os.path.abspath(out))
        if not os.path.isdir(folder):
            raise OutputError(f"{out}: cannot write: no such folder {folder}")
        exists = os.path.exists(out)
        for in_what, path in ins:
            if exists and os.path.samefile(out, path):
                raise OutputError(
                    f"{out}: {what} is the input {in_what} ({path}); write to another file"
                )
            if exists and os.path.isdir(path) and _inside(out, path):
                raise OutputError(
                    f"{out}: {what} is inside the input folder {in_what} ({path}); "
                    "write to another file"
                )
        for other_what, other in seen:
            if _same_entry(out, other):
                raise OutputError(f"{out}: {what} and {other_what} name the same file")
        seen.append((what, out))


def _inside(path: str, folder: str) -> bool:
    real, root = os.path.realpath(path), os.path.realpath(folder)
    return os.path.commonpath([real, root]) == root


def _same_entry(a: str, b: str) -> bool:
    if os.path.abspath(a) == os.path.abspath(b):
        return True
    return os.path.exists(a) and os.path.exists(b) and os.path.samefile(a, b)


class _Writer(io.BufferedWriter):
    """A buffered file whose write errors (ENOSPC, EIO...) name the output they concern."""

    def __init__(self, raw: io.FileIO, display: str) -> None:
        super().__init__(raw)
        self.display = display

    def write(self, data: bytes) -> int:  # type: ignore[override]
        try:
            return super().write(data)
        except OSError as exc:
            raise _cannot_write(self.display, exc) from exc

    def flush(self) -> None:
        try:
            super().flush()
        except OSError as exc:
            raise _cannot_write(self.display, exc) from exc


@contextlib.contextmanager
def atomic_output(path: str | Path) -> Iterator[IO[bytes]]:
    """A binary file that becomes ``path`` only when the ``with`` block ends without an error.

    The data goes to a hidden temporary file in the same folder (so the rename cannot cross
    file systems), is flushed to disk, then renamed over ``path``. On any exception, Ctrl-C
    included, the temporary file is removed and ``path`` is left as it was. Write errors raise
    :class:`OutputError` naming ``path``.
    """
    target = Path(path)
    # open(..., "xb") rather than mkstemp: the file gets the user's umask, not mode 0600.
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        raw = open(tmp, "xb", buffering=0)  # noqa: SIM115 - closed below
    except OSError as exc:
        raise _cannot_write(path, exc) from exc
    try:
        with _Writer(raw, str(path)) as f:
            yield f
            f.flush()
            try:
                os.fsync(f.fileno())
            except OSError as exc:
                raise _cannot_write(path, exc) from exc
        try:
            os.replace(tmp, target)
        except OSError as exc:
            raise _cannot_write(path, exc) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def output_stream(path: str | None) -> Iterator[IO[bytes]]:
    """Binary stdout (for None or ``-``), or an :func:`atomic_output` at ``path``."""
    if path is None or path == STDIO:
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    with atomic_output(path) as f:
        yield f


def write_text_output(path: str | Path, text: str) -> None:
    """Write ``text`` as UTF-8 to ``path`` atomically (stray surrogates as escapes)."""
    with atomic_output(path) as f:
        f.write(text.encode("utf-8", "backslashreplace"))
