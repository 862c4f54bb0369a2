"""Run a rule set over a query log: JSONL decisions out, a bounded-memory summary on the side.

The log is streamed in chunks; nothing holds more than a few chunks of lines, so a log of any
length runs in constant memory. With ``jobs > 1`` the chunks go to worker processes (each builds
its :class:`Engine` once) and come back in input order, so the output does not depend on
``jobs``.
"""

from __future__ import annotations

import ast
import datetime as dt
import enum
import heapq
import json
import linecache
import multiprocessing
import os
import pickle
import signal
import sys
import tempfile
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Generic, NamedTuple, Protocol, TypeVar, cast

from interventions._decision import Decision
from interventions._engine import Engine
from interventions._errors import InputError, InterventionsError
from interventions._model import Action, RuleSet, Status
from interventions._tables import (
    DECISION_COLUMNS,
    Columns,
    OutputFormat,
    Row,
    TableSink,
    decision_row,
    read_csv_rows,
    read_parquet_rows,
)

__all__ = [
    "CHUNK_LINES",
    "MAX_LINE_BYTES",
    "BatchSummary",
    "Chunk",
    "ChunkWorker",
    "InputFormat",
    "InputSpec",
    "LineError",
    "Log",
    "Outcome",
    "Progress",
    "RawLine",
    "TopCounter",
    "UnguardedMainError",
    "decision_record",
    "map_chunks",
    "open_log",
    "parse_line",
    "parse_or_error",
    "parse_row",
    "read_chunks",
    "run_batch",
    "sniff_format",
]

CHUNK_LINES = 1000
"""Lines per chunk handed to a worker: large enough that inter-process overhead is small, small
enough that the chunks in flight (at most ``2 * jobs + 2``) stay a few megabytes."""

MAX_LINE_BYTES = 64 * 1024
"""A longer line is reported and skipped without being held in memory (queries are matched on
their first 1,024 characters anyway)."""

TOP_QUERIES = 10
TRACKED_PER_RULE = 1000


class InputFormat(enum.StrEnum):
    """How a query log is laid out."""

    TEXT = "text"
    """One query per line, the whole line (without its line break)."""
    TSV = "tsv"
    """Tab-separated; the first column is the query unless a header names a ``query`` column,
    and a header column named ``locale`` gives each query's locale."""
    JSONL = "jsonl"
    """One JSON object per line: ``{"query": "...", "locale": "pl-PL"}`` (locale optional)."""
    CSV = "csv"
    """Comma-separated with a header row naming ``query`` (and ``locale``, ``timestamp``)."""
    PARQUET = "parquet"
    """A Parquet file with a string ``query`` column (``locale``, ``timestamp`` optional)."""


@dataclass(frozen=True, slots=True)
class InputSpec:
    """The layout of a log: its format and, for TSV, which columns hold what."""

    format: InputFormat
    query_column: int = 0
    locale_column: int | None = None
    header: bool = False


_SUFFIXES = {
    ".txt": InputFormat.TEXT,
    ".log": InputFormat.TEXT,
    ".tsv": InputFormat.TSV,
    ".tab": InputFormat.TSV,
    ".jsonl": InputFormat.JSONL,
    ".ndjson": InputFormat.JSONL,
    ".csv": InputFormat.CSV,
    ".parquet": InputFormat.PARQUET,
    ".pq": InputFormat.PARQUET,
}


def _tsv_spec(first_line: bytes) -> InputSpec:
    names = [
        c.strip().lower() for c in first_line.decode("utf-8", "replace").rstrip("\r\n").split("\t")
    ]
    if "query" in names:
        locale = names.index("locale") if "locale" in names else None
        return InputSpec(InputFormat.TSV, names.index("query"), locale, header=True)
    if "locale" in names:
        locale = names.index("locale")
        return InputSpec(InputFormat.TSV, 1 if locale == 0 else 0, locale, header=True)
    return InputSpec(InputFormat.TSV)


def sniff_format(
    first_line: bytes, *, name: str | None = None, fmt: InputFormat | None = None
) -> InputSpec:
    """The layout of a log from its first line, its file name and an explicit format.

    An explicit ``fmt`` wins, then the file suffix (``.txt``, ``.tsv``, ``.jsonl``...), then the
    first line: a JSON object means JSONL, a tab means TSV, anything else is plain text.

    >>> sniff_format(b'{"query": "x"}\\n').format
    <InputFormat.JSONL: 'jsonl'>
    >>> sniff_format(b"locale\\tquery\\n")
    InputSpec(format=<InputFormat.TSV: 'tsv'>, query_column=1, locale_column=0, header=True)
    """
    if fmt is None and name:
        fmt = _SUFFIXES.get(Path(name).suffix.lower())
    if fmt is None:
        stripped = first_line.lstrip(b"\xef\xbb\xbf \t")
        if stripped.startswith(b"{"):
            try:
                obj = json.loads(first_line)
            except ValueError:
                obj = None
            fmt = InputFormat.JSONL if isinstance(obj, dict) else InputFormat.TEXT
        elif b"\t" in first_line:
            fmt = InputFormat.TSV
        else:
            fmt = InputFormat.TEXT
    if fmt is InputFormat.TSV:
        return _tsv_spec(first_line)
    return InputSpec(fmt)


class LineError(ValueError):
    """A line of the log that cannot be read; the message says why."""


def parse_line(raw: bytes | str, spec: InputSpec) -> tuple[str, str | None] | None:
    """``(query, locale)`` from one line of the log, None for a blank line.

    Raises :class:`LineError` for a line that is not UTF-8 or not valid for the format.
    """
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise LineError(f"not valid UTF-8 (byte {exc.start}: {raw[exc.start]:#04x})") from None
    else:
        text = raw
    text = text.rstrip("\r\n").removeprefix("\ufeff")
    if not text.strip():
        return None
    if spec.format is InputFormat.TEXT:
        return text, None
    if spec.format is InputFormat.TSV:
        cols = text.split("\t")
        if spec.query_column >= len(cols):
            raise LineError(f"no column {spec.query_column + 1} (the query); found {len(cols)}")
        query = cols[spec.query_column]
        locale = None
        if spec.locale_column is not None and spec.locale_column < len(cols):
            locale = cols[spec.locale_column].strip() or None
        return (query, locale) if query.strip() else None
    try:
        obj = json.loads(text)
    except ValueError as exc:
        raise LineError(f"not JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise LineError(f'expected an object like {{"query": ...}}, got {type(obj).__name__}')
    value = obj.get("query")
    loc = obj.get("locale")
    if not isinstance(value, str):
        raise LineError('"query" is missing or not a string')
    if loc is not None and not isinstance(loc, str):
        raise LineError('"locale" must be a string or null')
    return value, loc or None


# -- reading the log in chunks -------------------------------------------------------------------


class _Overlong:
    """Stands in for a line longer than :data:`MAX_LINE_BYTES`, which is never held whole."""

    __slots__ = ("length",)

    def __init__(self, length: int) -> None:
        self.length = length


RawLine = bytes | str | _Overlong | Row
Chunk = tuple[int, list[RawLine]]
"""(number of the first line, the lines)."""


def _bounded_lines(stream: IO[bytes]) -> Iterator[bytes | _Overlong]:
    readline = stream.readline
    while True:
        line = readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            length = len(line)
            while True:
                rest = readline(MAX_LINE_BYTES)
                length += len(rest)
                if not rest or rest.endswith(b"\n"):
                    break
            yield _Overlong(length)
        else:
            yield line


def read_chunks(
    lines: Iterable[RawLine], *, first_line: int = 1, size: int = CHUNK_LINES
) -> Iterator[Chunk]:
    """Group ``lines`` into chunks of ``size``, each with the number of its first line."""
    chunk: list[RawLine] = []
    start = first_line
    for line in lines:
        chunk.append(line)
        if len(chunk) >= size:
            yield start, chunk
            start += len(chunk)
            chunk = []
    if chunk:
        yield start, chunk


@dataclass
class Log:
    """An opened query log: its lines (first line already read for sniffing), name and size."""

    name: str
    spec: InputSpec
    lines: Iterator[RawLine]
    first_line_number: int
    size: int | None
    opened: IO[bytes] | None = None
    """A file this module opened (and so closes); never the caller's stream or stdin."""

    def close(self) -> None:
        if self.opened is not None:
            self.opened.close()


def open_log(
    source: str | Path | IO[bytes] | Iterable[bytes | str],
    *,
    fmt: InputFormat | None = None,
    columns: Columns | None = None,
) -> Log:
    """Open a query log: a path, ``"-"`` for stdin, a binary stream, or an iterable of lines.

    The first line is read to detect the format; a TSV or CSV header line is consumed (line
    numbers still count it). A Parquet or CSV log (by ``fmt`` or the file suffix) yields
    :class:`Row` objects; ``columns`` names its query, locale and time columns.
    """
    table = _open_table(source, fmt, columns or Columns())
    if table is not None:
        return table
    stream: IO[bytes] | None = None
    opened: IO[bytes] | None = None
    size: int | None = None
    name = "<lines>"
    if isinstance(source, str | Path):
        if str(source) == "-":
            stream, name = sys.stdin.buffer, "<stdin>"
        else:
            try:
                stream = opened = open(source, "rb")  # noqa: SIM115 - closed by Log.close
                size = os.fstat(stream.fileno()).st_size
            except OSError as exc:
                raise InputError(f"{source}: cannot read: {exc.strerror or exc}") from exc
            name = str(source)
    elif hasattr(source, "readline"):
        stream = cast("IO[bytes]", source)
        name = str(getattr(source, "name", "<stream>"))
    lines: Iterator[RawLine] = (
        _bounded_lines(stream)
        if stream is not None
        else iter(cast("Iterable[bytes | str]", source))
    )
    first = next(lines, None)
    spec: InputSpec
    if first is None:
        spec = InputSpec(fmt or InputFormat.TEXT)
        rest: Iterator[RawLine] = iter(())
    else:
        if isinstance(first, _Overlong | Row):
            first_bytes = b""
        elif isinstance(first, str):
            first_bytes = first.encode("utf-8", "replace")
        else:
            first_bytes = first
        spec = sniff_format(first_bytes, name=name if stream is not None else None, fmt=fmt)
        rest = lines if spec.header else _prepend(first, lines)
    return Log(name, spec, rest, 2 if spec.header else 1, size, opened)


def _open_table(
    source: str | Path | IO[bytes] | Iterable[bytes | str],
    fmt: InputFormat | None,
    columns: Columns,
) -> Log | None:
    is_path = isinstance(source, str | Path) and str(source) != "-"
    if fmt is None and is_path:
        fmt = _SUFFIXES.get(Path(cast("str | Path", source)).suffix.lower())
    if fmt is InputFormat.PARQUET:
        if not is_path:
            raise InputError("a Parquet log must be a file (it is read by row group)")
        path = cast("str | Path", source)
        if not Path(path).is_file():
            raise InputError(f"{path}: cannot read: no such file")
        rows = read_parquet_rows(path, columns)
        return Log(str(path), InputSpec(fmt), cast("Iterator[RawLine]", rows), 1, None)
    if fmt is not InputFormat.CSV:
        return None
    opened: IO[bytes] | None = None
    stream: IO[bytes]
    if is_path:
        try:
            stream = opened = open(cast("str | Path", source), "rb")  # noqa: SIM115
        except OSError as exc:
            raise InputError(f"{source}: cannot read: {exc.strerror or exc}") from exc
        name = str(source)
    elif str(source) == "-":
        stream, name = sys.stdin.buffer, "<stdin>"
    elif hasattr(source, "readline"):
        stream = cast("IO[bytes]", source)
        name = str(getattr(source, "name", "<stream>"))
    else:
        lines = (x if isinstance(x, bytes) else x.encode() for x in cast("Iterable[Any]", source))
        stream, name = cast("IO[bytes]", _LineStream(lines)), "<lines>"
    try:
        header, rows = read_csv_rows(stream, columns)
    except BaseException:
        if opened is not None:
            opened.close()
        raise
    spec = InputSpec(InputFormat.CSV, header=header)
    return Log(name, spec, cast("Iterator[RawLine]", rows), 2 if header else 1, None, opened)


class _LineStream:
    """An iterable of byte lines as a readable binary stream (for the csv module)."""

    def __init__(self, lines: Iterator[bytes]) -> None:
        self._lines = lines
        self._buf = b""
        self.closed = False

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return False

    def seekable(self) -> bool:
        return False

    def flush(self) -> None:
        return None

    def read1(self, n: int = -1) -> bytes:
        return self.read(n)

    def read(self, n: int = -1) -> bytes:
        while n < 0 or len(self._buf) < n:
            line = next(self._lines, None)
            if line is None:
                break
            self._buf += line if line.endswith(b"\n") else line + b"\n"
        if n < 0:
            n = len(self._buf)
        out, self._buf = self._buf[:n], self._buf[n:]
        return out

    def readinto(self, b: Any) -> int:
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)


def _prepend(first: RawLine, rest: Iterator[RawLine]) -> Iterator[RawLine]:
    yield first
    yield from rest


# -- checking, in this process or in workers -----------------------------------------------------


class Outcome(NamedTuple):
    """What became of one line: a decision summary and its JSON line, an error, or a blank."""

    line: int
    query: str | None
    action: str
    category: str | None
    rule_id: str | None
    matched: tuple[str, ...]
    output: bytes | None
    error: str | None
    shadow: tuple[str, ...] = ()
    """Rules on trial that matched (``Decision.shadow``): counted apart, never deciding."""
    support: bool = False
    """The decision was help-seeking (``Decision.intent`` is support)."""
    locale: str | None = None
    """The line's own locale (not ``--locale``)."""
    card: str | None = None
    truncated: bool = False


def decision_record(
    query: str, decision: Decision, *, line: int | None = None, locale: str | None = None
) -> dict[str, Any]:
    """The JSON object ``batch`` writes for one query (the card is named, not inlined)."""
    out: dict[str, Any] = {}
    if line is not None:
        out["line"] = line
    out["query"] = query
    if locale is not None:
        out["locale"] = locale
    out["action"] = decision.action.value
    out["category"] = decision.category
    out["rule_id"] = decision.rule_id
    out["card"] = decision.card.id if decision.card else None
    out["matches"] = [
        {
            "rule_id": m.rule_id,
            "action": m.action.value,
            "term": m.term,
            "kind": m.kind.value,
            "span": [m.start, m.end],
            "text": m.text,
        }
        for m in decision.matches
    ]
    if decision.intent is not None:
        out["intent"] = decision.intent.value
    if decision.cues:
        out["cues"] = [{"text": m.text, "span": [m.start, m.end]} for m in decision.cues]
    if decision.shadow:
        out["shadow"] = [
            {"rule_id": m.rule_id, "action": m.action.value, "span": [m.start, m.end]}
            for m in decision.shadow
        ]
    if decision.truncated:
        out["truncated"] = True
    return out


def _encode(obj: dict[str, Any]) -> bytes:
    # A JSONL query may hold a lone surrogate ("\ud800"); backslashreplace writes it back as the
    # same JSON escape, so the output stays valid UTF-8 and valid JSON.
    return (json.dumps(obj, ensure_ascii=False) + "\n").encode("utf-8", "backslashreplace")


Moment = dt.datetime | dt.date | None


def parse_row(raw: RawLine, spec: InputSpec) -> tuple[str, str | None, Moment] | str | None:
    """``(query, locale, moment)`` of a line or table row, its error message (a ``str``), or
    None for a blank one. The moment is the row's own (a table's time column), else None."""
    if type(raw) is Row:
        if raw.error is not None:
            return raw.error
        if raw.query is None or not raw.query.strip():
            return None
        return raw.query, raw.locale, raw.at
    parsed = parse_or_error(raw, spec)
    if parsed is None or isinstance(parsed, str):
        return parsed
    return parsed[0], parsed[1], None


def parse_or_error(raw: RawLine, spec: InputSpec) -> tuple[str, str | None] | str | None:
    """:func:`parse_line`, except that an error comes back as its message (a ``str``)."""
    if isinstance(raw, Row):
        row = parse_row(raw, spec)
        return row if row is None or isinstance(row, str) else row[:2]
    if isinstance(raw, _Overlong):
        return f"line is {raw.length} bytes, longer than the {MAX_LINE_BYTES}-byte limit"
    try:
        return parse_line(raw, spec)
    except LineError as exc:
        return str(exc)


class _BatchWorker:
    """Checks chunks of lines with one engine; built once per process, from the engine the
    parent pickled (its compiled artefact's bytes: nothing is compiled again). With ``encode``
    each decision's JSON line is made here, in the worker."""

    def __init__(
        self,
        engine: Engine,
        spec: InputSpec,
        locale: str | None,
        at: dt.datetime | None = None,
        encode: bool = True,
    ) -> None:
        self.engine = engine
        self.spec = spec
        self.locale = locale
        self.at = at
        self.encode = encode

    def __call__(self, chunk: Chunk) -> list[Outcome]:
        start, lines = chunk
        check = self.engine.check
        out: list[Outcome] = []
        for number, raw in enumerate(lines, start):
            parsed = parse_row(raw, self.spec)
            if parsed is None:
                out.append(Outcome(number, None, "", None, None, (), None, None))
                continue
            if isinstance(parsed, str):
                out.append(Outcome(number, None, "", None, None, (), None, parsed))
                continue
            query, locale, moment = parsed
            d = check(query, locale=locale or self.locale, at=moment or self.at)
            output = None
            if self.encode:
                output = _encode(decision_record(query, d, line=number, locale=locale))
            matched = tuple(dict.fromkeys(m.rule_id for m in d.matches))
            out.append(
                Outcome(
                    number,
                    query,
                    d.action.value,
                    d.category,
                    d.rule_id,
                    matched,
                    output,
                    None,
                    tuple(dict.fromkeys(m.rule_id for m in d.shadow)),
                    d.intent is not None,
                    locale,
                    d.card.id if d.card else None,
                    d.truncated,
                )
            )
        return out


# Multiprocessing plumbing: a worker process holds one state object, made by its initializer.
_R_co = TypeVar("_R_co", covariant=True)


class ChunkWorker(Protocol[_R_co]):
    def __call__(self, chunk: Chunk) -> _R_co: ...


_STATE: Any = None


def _init_worker(state_file: str) -> None:
    global _STATE  # noqa: PLW0603 - one state per worker process, by design
    # Ctrl-C reaches the whole process group: the parent stops the run and says so in one
    # line, so a worker must not print a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with open(state_file, "rb") as f:
        factory, args = pickle.load(f)  # written by map_chunks, in its own temporary folder
    _STATE = factory(*args)


def _run_chunk(chunk: Chunk) -> Any:
    return _STATE(chunk)


_R = TypeVar("_R")


def map_chunks(
    factory: Callable[..., ChunkWorker[_R]],
    args: tuple[Any, ...],
    chunks: Iterable[Chunk],
    *,
    jobs: int = 1,
) -> Iterator[_R]:
    """``factory(*args)(chunk)`` for each chunk, in input order, with ``jobs`` processes.

    At most ``2 * jobs + 2`` chunks are in flight, so memory stays bounded however long the
    input is (``Pool.imap`` would read the whole input ahead).
    """
    if jobs <= 1:
        worker = factory(*args)
        for chunk in chunks:
            yield worker(chunk)
        return
    refuse_unguarded_main()
    # spawn, not fork: a forked child inherits locks held by other threads of the parent.
    # ProcessPoolExecutor rather than Pool: a worker that dies raises BrokenProcessPool here
    # instead of being restarted forever while the parent waits.
    # The worker's state goes through a file, not the initializer's arguments: those are
    # written into a pipe to the new process, and when the process dies before reading them
    # all (a rule set is larger than a pipe's buffer) that write blocks forever.
    ctx = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory(prefix="interventions-") as tmp:
        state_file = os.path.join(tmp, "worker.pickle")
        with open(state_file, "wb") as f:
            pickle.dump((factory, args), f, protocol=pickle.HIGHEST_PROTOCOL)
        yield from _map_in_pool(ctx, state_file, chunks, jobs)


def _map_in_pool(
    ctx: multiprocessing.context.BaseContext, state_file: str, chunks: Iterable[Chunk], jobs: int
) -> Iterator[Any]:
    with ProcessPoolExecutor(
        jobs, mp_context=ctx, initializer=_init_worker, initargs=(state_file,)
    ) as pool:
        pending: deque[Future[Any]] = deque()
        limit = 2 * jobs + 2
        try:
            for chunk in chunks:
                pending.append(pool.submit(_run_chunk, chunk))
                if len(pending) >= limit:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        except BrokenProcessPool as exc:
            raise InterventionsError(
                f"a worker process died ({exc}); try --jobs 1, and check that the script "
                "calling interventions runs it under an 'if __name__ == \"__main__\":' guard"
            ) from exc


class UnguardedMainError(InterventionsError):
    """``jobs > 1`` was asked for from the top level of a script without a main guard."""


def _main_guard_test(test: ast.expr) -> bool:
    return any(isinstance(n, ast.Name) and n.id == "__name__" for n in ast.walk(test))


def _guarded(tree: ast.Module, line: int) -> bool:
    """Whether ``line`` sits in the body of an ``if __name__ ...:`` block of a module (at any
    depth), so that re-running the module as ``__mp_main__`` skips it."""
    return any(
        isinstance(node, ast.If)
        and _main_guard_test(node.test)
        and node.body[0].lineno <= line <= (node.body[-1].end_lineno or node.lineno)
        for node in ast.walk(tree)
    )


def refuse_unguarded_main() -> None:
    """Raise :class:`UnguardedMainError` when worker processes would re-run the caller's script.

    Worker processes are spawned, and a spawned process imports the parent's ``__main__`` module
    again (as ``__mp_main__``). If the statement of that script that is running now is not under
    an ``if __name__ == "__main__":`` guard, every worker would run it again: open and truncate
    the same output file, start workers of its own, and the parent would wait forever. Asked
    from inside such a re-run (a worker's bootstrap), this raises too, so the worker exits at
    once instead of hanging. Scripts whose source cannot be read, notebooks and ``python -c``
    are not checked (the last two have no file to re-run).
    """
    frame = sys._getframe(1)
    outer = None
    while frame is not None:
        if frame.f_code.co_name == "<module>":
            name = frame.f_globals.get("__name__")
            if name == "__mp_main__":
                raise UnguardedMainError(_UNGUARDED.format(where="this worker's __main__"))
            if name == "__main__":
                outer = frame
        frame = frame.f_back  # type: ignore[assignment]
    if outer is None:
        return
    filename, line = outer.f_code.co_filename, outer.f_lineno
    source = "".join(linecache.getlines(filename))
    if not source:
        return
    try:
        tree = ast.parse(source, filename)
    except (SyntaxError, ValueError):
        return
    if not _guarded(tree, line):
        raise UnguardedMainError(_UNGUARDED.format(where=f"{filename}, line {line},"))


_UNGUARDED = (
    "jobs > 1 starts worker processes, and each imports the main script again: {where} is not "
    "under an 'if __name__ == \"__main__\":' guard, so every worker would run it again (and "
    "the run would never finish). Put the script's top-level code under that guard, or use "
    "jobs=1."
)


# -- the summary -----------------------------------------------------------------------------


_K = TypeVar("_K", bound="str | tuple[str, ...]")


class TopCounter(Generic[_K]):
    """The most frequent items of a stream in bounded memory (Space-Saving, Metwally et al. 2005).

    It keeps at most ``capacity`` counters. While fewer distinct items than that have been seen,
    every count is exact. After that, a new item replaces the least-counted one and inherits its
    count (+1), so counts may be over by at most ``error``; any item seen more than
    ``total / capacity`` times is guaranteed to be present.

    >>> top = TopCounter[str](capacity=2)
    >>> for q in ["a", "b", "a", "c", "a"]:
    ...     top.add(q)
    >>> top.most_common(1)
    [('a', 3, 0)]
    """

    __slots__ = ("_counts", "_errors", "_heap", "capacity", "total")

    def __init__(self, capacity: int = TRACKED_PER_RULE) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self.total = 0
        self._counts: dict[_K, int] = {}
        self._errors: dict[_K, int] = {}
        # One entry per tracked item; an entry's count may lag the item's real count (bumped
        # lazily when it reaches the top), which keeps add() O(1) for tracked items.
        self._heap: list[tuple[int, _K]] = []

    def add(self, item: _K) -> None:
        self.total += 1
        counts = self._counts
        if item in counts:
            counts[item] += 1
            return
        if len(counts) < self.capacity:
            counts[item] = 1
            heapq.heappush(self._heap, (1, item))
            return
        heap = self._heap
        while True:
            count, smallest = heap[0]
            real = counts[smallest]
            if real == count:
                break
            heapq.heapreplace(heap, (real, smallest))
        del counts[smallest]
        self._errors.pop(smallest, None)
        counts[item] = count + 1
        self._errors[item] = count
        heapq.heapreplace(heap, (count + 1, item))

    def add_counted(self, item: _K, count: int) -> None:
        """Record an item counted elsewhere, exactly (a Spark aggregate); only while fewer than
        ``capacity`` items are held, as the counts of a bounded table would then be exact."""
        if item in self._counts or len(self._counts) >= self.capacity:
            raise ValueError("add_counted takes new items, up to the capacity")
        self.total += count
        self._counts[item] = count
        heapq.heappush(self._heap, (count, item))

    def most_common(self, n: int) -> list[tuple[_K, int, int]]:
        """The ``n`` most counted items as ``(item, count, error)``, ties by item."""
        best = heapq.nsmallest(n, self._counts.items(), key=lambda kv: (-kv[1], kv[0]))
        return [(k, c, self._errors.get(k, 0)) for k, c in best]

    def __len__(self) -> int:
        return len(self._counts)


MAX_ERROR_EXAMPLES = 20


@dataclass
class _RuleStats:
    category: str
    action: str
    decisions: int = 0
    matched: int = 0
    shadow: int = 0  # queries it matched while on trial (status: experimental)
    top: TopCounter[str] = field(default_factory=lambda: TopCounter[str](TRACKED_PER_RULE))


@dataclass
class BatchSummary:
    """Counts over a batch run, in memory bounded by the number of rules (not of lines).

    ``rules`` maps each rule id to how many queries it decided (``decisions``: it was the
    winning match) and matched (``matched``: any surviving match), and its most frequent
    matched queries.
    """

    ruleset_version: str
    input: str = ""
    format: str = ""
    locale: str | None = None
    jobs: int = 1
    top_n: int = TOP_QUERIES
    tracked: int = TRACKED_PER_RULE
    lines: int = 0
    queries: int = 0
    blank: int = 0
    errors: int = 0
    error_examples: list[tuple[int, str]] = field(default_factory=list)
    actions: Counter[str] = field(default_factory=Counter)
    categories: Counter[str] = field(default_factory=Counter)
    rules: dict[str, _RuleStats] = field(default_factory=dict)
    elapsed: float = 0.0
    at: str | None = None
    support: int = 0
    shadow: int = 0

    @classmethod
    def for_ruleset(cls, ruleset: RuleSet, **kwargs: Any) -> BatchSummary:
        summary = cls(ruleset.version, **kwargs)
        for rule in ruleset.rules:
            if rule.status is not Status.DEPRECATED:
                summary.rules[rule.id] = _RuleStats(
                    rule.category, rule.action.value, top=TopCounter[str](summary.tracked)
                )
        return summary

    def add(self, o: Outcome) -> None:
        self.lines += 1
        if o.error is not None:
            self.errors += 1
            if len(self.error_examples) < MAX_ERROR_EXAMPLES:
                self.error_examples.append((o.line, o.error))
            return
        if o.query is None:
            self.blank += 1
            return
        self.queries += 1
        self.actions[o.action] += 1
        if o.category is not None:
            self.categories[o.category] += 1
        if o.rule_id is not None:
            self.rules[o.rule_id].decisions += 1
        for rule_id in o.matched:
            stats = self.rules[rule_id]
            stats.matched += 1
            stats.top.add(o.query)
        if o.support:
            self.support += 1
        if o.shadow:
            self.shadow += 1
            for rule_id in o.shadow:
                stats = self.rules[rule_id]
                stats.shadow += 1
                stats.top.add(o.query)

    @property
    def intervened(self) -> int:
        return self.queries - self.actions.get(Action.NONE.value, 0)

    def to_dict(self) -> dict[str, Any]:
        """The summary as JSON-ready data (what ``--summary FILE`` writes)."""
        rate = self.lines / self.elapsed if self.elapsed > 0 else None
        return {
            "input": self.input,
            "format": self.format,
            "ruleset_version": self.ruleset_version,
            "locale": self.locale,
            "jobs": self.jobs,
            "lines": self.lines,
            "queries": self.queries,
            "blank": self.blank,
            "errors": self.errors,
            "error_examples": [{"line": n, "error": e} for n, e in self.error_examples],
            "at": self.at,
            "intervened": self.intervened,
            "support": self.support,
            "shadow": self.shadow,
            "actions": {a.value: self.actions.get(a.value, 0) for a in Action},
            "categories": dict(sorted(self.categories.items(), key=lambda kv: (-kv[1], kv[0]))),
            "rules": {
                rule_id: {
                    "category": s.category,
                    "action": s.action,
                    "decisions": s.decisions,
                    "matched": s.matched,
                    "shadow": s.shadow,
                    "top_queries": [
                        {"query": q, "count": c, "error": e}
                        for q, c, e in s.top.most_common(self.top_n)
                    ],
                }
                for rule_id, s in sorted(
                    self.rules.items(), key=lambda kv: (-kv[1].matched - kv[1].shadow, kv[0])
                )
            },
            "top_n": self.top_n,
            "tracked_per_rule": self.tracked,
            "elapsed_seconds": round(self.elapsed, 3),
            "lines_per_second": round(rate) if rate is not None else None,
        }


# -- progress --------------------------------------------------------------------------------


class Progress:
    """A one-line progress report on stderr, redrawn at most a few times a second.

    Drawn only when stderr is a terminal; :meth:`message` prints a line above it.
    """

    def __init__(self, total_bytes: int | None = None, *, stream: IO[str] | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.total_bytes = total_bytes
        self.start = time.perf_counter()
        self.done_bytes: int | None = None
        self._last = 0.0
        self._drawn = False

    def update(self, lines: int, *, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        if not force and now - self._last < 0.2:
            return
        self._last = now
        elapsed = max(now - self.start, 1e-9)
        text = f"{lines:>12,} lines  {lines / elapsed:>10,.0f} lines/s"
        if self.total_bytes and self.done_bytes is not None:
            frac = min(self.done_bytes / self.total_bytes, 1.0)
            filled = int(frac * 24)
            text = f"[{'#' * filled}{'.' * (24 - filled)}] {frac:4.0%} {text}"
        self.stream.write(f"\r{text}\x1b[K")
        self.stream.flush()
        self._drawn = True

    def clear(self) -> None:
        if self._drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._drawn = False

    def message(self, text: str) -> None:
        self.clear()
        print(text, file=self.stream)


MAX_PRINTED_ERRORS = 1000


def _raw_size(raw: RawLine) -> int:
    if isinstance(raw, _Overlong):
        return raw.length
    if isinstance(raw, Row):
        return len(raw.query or "")
    return len(raw)


def run_batch(
    source: str | Path | IO[bytes] | Iterable[bytes | str],
    *,
    ruleset: RuleSet | Engine | None = None,
    out: IO[bytes] | None = None,
    locale: str | None = None,
    jobs: int = 1,
    fmt: InputFormat | None = None,
    top_n: int = TOP_QUERIES,
    tracked: int = TRACKED_PER_RULE,
    on_error: Callable[[int, str], None] | None = None,
    progress: Progress | None = None,
    at: dt.datetime | None = None,
    columns: Columns | None = None,
    out_format: OutputFormat = OutputFormat.JSONL,
) -> BatchSummary:
    """Check every query of a log; write one JSON decision per query to ``out``.

    ``source`` is a path (``"-"`` for stdin), a binary stream or an iterable of lines (bytes or
    str); a ``.parquet`` or ``.csv`` path (or ``fmt``) is read as a table, whose ``columns``
    may give each row a locale and a moment. ``ruleset`` (a rule set or an engine) defaults to
    the shipped rules; worker processes get the engine's compiled artefact, not the rules to
    compile. ``locale`` and ``at`` apply to lines that do not carry their own (``at`` default:
    now, as each query is checked). ``out_format`` writes ``out`` as JSONL, CSV or Parquet.
    Lines that cannot be read are passed to ``on_error(line, message)`` and counted; the run
    goes on. Memory does not grow with the number of lines.

    >>> import io
    >>> summary = run_batch([b"#thinspo\\n", b"banana bread\\n"], out=io.BytesIO())
    >>> summary.queries, summary.actions["none"]
    (2, 1)
    """
    engine = (
        Engine.default()
        if ruleset is None
        else ruleset
        if isinstance(ruleset, Engine)
        else Engine(ruleset)
    )
    jobs = jobs if jobs > 0 else (os.cpu_count() or 1)
    log = open_log(source, fmt=fmt, columns=columns)
    sink = None
    if out is not None and out_format is not OutputFormat.JSONL:
        sink = TableSink(out, out_format, DECISION_COLUMNS, ("matched", "shadow"))
    summary = BatchSummary.for_ruleset(
        engine.ruleset,
        input=log.name,
        format=log.spec.format.value,
        locale=locale,
        jobs=jobs,
        top_n=top_n,
        tracked=tracked,
        at=None if at is None else at.isoformat(),
    )
    if log.spec.header:
        summary.lines += 1  # the TSV or CSV header line
    started = time.perf_counter()
    printed = 0
    try:
        chunks = read_chunks(log.lines, first_line=log.first_line_number)
        if progress is not None and progress.enabled:
            progress.total_bytes = progress.total_bytes or log.size
            chunks = _measured(chunks, progress)
        encode = out is not None and sink is None
        for outcomes in map_chunks(
            _BatchWorker, (engine, log.spec, locale, at, encode), chunks, jobs=jobs
        ):
            for o in outcomes:
                summary.add(o)
                if o.query is not None:
                    if sink is not None:
                        sink.write(decision_row(o))
                    elif o.output is not None and out is not None:
                        out.write(o.output)
                elif o.error is not None and on_error is not None:
                    printed += 1
                    if printed <= MAX_PRINTED_ERRORS:
                        on_error(o.line, o.error)
            if progress is not None:
                progress.update(summary.lines)
        if sink is not None:
            sink.close()
    finally:
        log.close()
        if progress is not None:
            progress.clear()
    if printed > MAX_PRINTED_ERRORS and on_error is not None:
        on_error(0, f"{printed - MAX_PRINTED_ERRORS} more unreadable lines not shown")
    summary.elapsed = time.perf_counter() - started
    return summary


def _measured(chunks: Iterator[Chunk], progress: Progress) -> Iterator[Chunk]:
    """Pass chunks through, recording on ``progress`` how many bytes have been read."""
    done = 0
    for chunk in chunks:
        done += sum(_raw_size(r) for r in chunk[1])
        progress.done_bytes = done
        yield chunk
