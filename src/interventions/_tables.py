"""Query logs as tables: Parquet and CSV in, Parquet and CSV out, with per-row locale and time.

A table's rows reach the batch and diff workers as :class:`Row` objects, already split into
query, locale and moment, in place of the raw lines of a text log. CSV needs nothing beyond the
standard library; Parquet needs pyarrow (the ``arrow`` extra), imported only when a Parquet
file is read or written.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NamedTuple

from interventions._errors import InputError

if TYPE_CHECKING:
    from interventions._batch import Outcome

__all__ = [
    "CHANGE_COLUMNS",
    "DECISION_COLUMNS",
    "DECISION_FIELDS",
    "TIME_COLUMNS",
    "Columns",
    "OutputFormat",
    "Row",
    "TableSink",
    "decision_row",
    "output_format",
    "parse_moment",
    "read_csv_rows",
    "read_parquet_rows",
    "require_pyarrow",
    "rows_of",
]

TIME_COLUMNS = ("timestamp", "at", "ts", "time")
"""Column names taken as each row's moment (``at=``) when no ``time`` column is named."""

DECISION_FIELDS = (
    "action",
    "category",
    "rule_id",
    "card",
    "intent",
    "matched",
    "shadow",
    "truncated",
)
"""A decision as columns (``interventions.arrow.decide`` returns these, in order)."""

DECISION_COLUMNS = ("line", "query", "locale", *DECISION_FIELDS)
"""The columns ``batch`` writes to a Parquet or CSV file, one row per query."""

CHANGE_COLUMNS = (
    "line",
    "query",
    "locale",
    "kinds",
    "old_action",
    "old_category",
    "old_rule_id",
    "old_card",
    "new_action",
    "new_category",
    "new_rule_id",
    "new_card",
)
"""The columns ``diff -o`` writes to a Parquet or CSV file, one row per changed query."""

PARQUET_ROWS = 1000  # rows read per Arrow batch: one chunk of the batch pipeline
ROW_GROUP = 64 * 1024  # rows per Parquet row group written


class Row(NamedTuple):
    """One row of a table log: the query (None or blank: a blank row), its locale and moment,
    or why it cannot be read."""

    query: str | None
    locale: str | None = None
    at: dt.datetime | dt.date | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Columns:
    """Which columns of a table hold the query, the locale and the moment (None: by name,
    ``query``/``locale``/``timestamp``; the query falls back to the first column)."""

    query: str | None = None
    locale: str | None = None
    time: str | None = None


class OutputFormat(enum.StrEnum):
    """What ``batch -o`` and ``diff -o`` write."""

    JSONL = "jsonl"
    CSV = "csv"
    PARQUET = "parquet"


def output_format(path: str | None, explicit: str | None = None) -> OutputFormat:
    """The output format from ``--output-format``, else from the file suffix, else JSONL."""
    if explicit:
        return OutputFormat(explicit)
    suffix = Path(path).suffix.lower() if path and path != "-" else ""
    if suffix in (".parquet", ".pq"):
        return OutputFormat.PARQUET
    if suffix == ".csv":
        return OutputFormat.CSV
    return OutputFormat.JSONL


def require_pyarrow() -> Any:
    """The ``pyarrow`` module, or an :class:`InputError` saying which extra installs it."""
    try:
        import pyarrow
    except ImportError:
        raise InputError(
            "Parquet and Arrow need pyarrow: pip install 'interventions[arrow]'"
        ) from None
    return pyarrow


def parse_moment(value: object) -> dt.datetime | dt.date | None:
    """A row's moment from a table cell: a datetime or date as it is, an ISO string parsed
    (no zone: UTC, as the engine reads it), empty or null as None. Raises ValueError."""
    if value is None or isinstance(value, dt.date):  # datetime is a date too
        return value
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            return dt.datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{value!r} is not an ISO date or time") from None
    raise ValueError(f"a moment must be a timestamp, a date or an ISO string, not {value!r}")


def _pick(names: Sequence[str], wanted: str | None, defaults: Sequence[str], what: str) -> int:
    lowered = [n.strip().lower() for n in names]
    if wanted is not None:
        if wanted in names:
            return list(names).index(wanted)
        if wanted.lower() in lowered:
            return lowered.index(wanted.lower())
        raise InputError(f"no {what} column {wanted!r}; the columns are {', '.join(names)}")
    for d in defaults:
        if d in lowered:
            return lowered.index(d)
    return -1


# -- Parquet -------------------------------------------------------------------------------


def read_parquet_rows(path: str | Path, columns: Columns) -> Iterator[Row]:
    """The rows of a Parquet file, streamed by row group (memory does not grow with it)."""
    pa = require_pyarrow()
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as exc:
        raise InputError(f"{path}: cannot read as Parquet: {exc}") from exc
    schema = pf.schema_arrow
    names = list(schema.names)
    q = _pick(names, columns.query, ("query",), "query")
    if q < 0:
        q = next((i for i, f in enumerate(schema) if _is_string(pa, f.type)), -1)
        if q < 0:
            raise InputError(f"{path}: no string column for the queries (columns: {names})")
    if not _is_string(pa, schema.field(q).type):
        raise InputError(f"{path}: the query column {names[q]!r} is {schema.field(q).type}")
    loc = _pick(names, columns.locale, ("locale",), "locale")
    if loc >= 0 and not _is_string(pa, schema.field(loc).type):
        raise InputError(f"{path}: the locale column {names[loc]!r} is {schema.field(loc).type}")
    at = _pick(names, columns.time, TIME_COLUMNS, "time")
    if at >= 0:
        t = schema.field(at).type
        if not (pa.types.is_timestamp(t) or pa.types.is_date(t) or _is_string(pa, t)):
            raise InputError(f"{path}: the time column {names[at]!r} is {t}, not a timestamp")
    wanted = [names[i] for i in (q, loc, at) if i >= 0]
    for batch in pf.iter_batches(batch_size=PARQUET_ROWS, columns=wanted):
        yield from rows_of(batch.column(0).to_pylist(), *_others(batch, loc, at))


def _others(batch: Any, loc: int, at: int) -> tuple[list[Any] | None, list[Any] | None]:
    i = 1
    locales = times = None
    if loc >= 0:
        locales = batch.column(i).to_pylist()
        i += 1
    if at >= 0:
        times = batch.column(i).to_pylist()
    return locales, times


def rows_of(
    queries: list[Any], locales: list[Any] | None, times: list[Any] | None
) -> Iterator[Row]:
    """Rows from columns already converted to Python values (nulls as None)."""
    if locales is None and times is None:
        for query in queries:
            yield Row(query)
        return
    n = len(queries)
    for query, locale, moment in zip(
        queries, locales or [None] * n, times or [None] * n, strict=True
    ):
        if moment is None or isinstance(moment, dt.date):
            yield Row(query, locale or None, moment)
        else:
            try:
                yield Row(query, locale or None, parse_moment(moment))
            except ValueError as exc:
                yield Row(query, error=f"time: {exc}")


def _is_string(pa: Any, t: Any) -> bool:
    return bool(pa.types.is_string(t) or pa.types.is_large_string(t))


# -- CSV -----------------------------------------------------------------------------------


def read_csv_rows(stream: IO[bytes], columns: Columns) -> tuple[bool, Iterator[Row]]:
    """Whether the CSV has a header row (named columns), and its rows.

    A header is a first row naming a ``query`` or ``locale`` column, or the columns asked for;
    without one the query is the first column. Bytes that are not UTF-8 make their row
    unreadable, not the file."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")
    reader = csv.reader(text)
    try:
        first = next(reader, None)
    except csv.Error as exc:
        raise InputError(f"not CSV: {exc}") from exc
    if first is None:
        text.detach()  # never close the caller's stream (or stdin) with the wrapper
        return False, iter(())
    named = {n.strip().lower() for n in first}
    asked = [c for c in (columns.query, columns.locale, columns.time) if c is not None]
    header = bool(asked) or "query" in named or "locale" in named
    if not header:
        return False, _csv_rows(text, reader, q=0, loc=-1, at=-1, first=first)
    q = _pick(first, columns.query, ("query",), "query")
    loc = _pick(first, columns.locale, ("locale",), "locale")
    at = _pick(first, columns.time, TIME_COLUMNS, "time")
    if q < 0:
        q = 1 if loc == 0 else 0
    return True, _csv_rows(text, reader, q=q, loc=loc, at=at, first=None)


def _csv_rows(
    text: io.TextIOWrapper, reader: Any, *, q: int, loc: int, at: int, first: list[str] | None
) -> Iterator[Row]:
    def row(cells: list[str]) -> Row:
        if not cells:
            return Row(None)
        if any("\udc80" <= ch <= "\udcff" for c in cells for ch in c):
            return Row(None, error="not valid UTF-8")
        if q >= len(cells):
            return Row(None, error=f"no column {q + 1} (the query); found {len(cells)}")
        locale = cells[loc].strip() or None if 0 <= loc < len(cells) else None
        moment = None
        if 0 <= at < len(cells):
            try:
                moment = parse_moment(cells[at])
            except ValueError as exc:
                return Row(None, error=f"time: {exc}")
        return Row(cells[q], locale, moment)

    try:
        if first is not None:
            yield row(first)
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield Row(None, error=f"not CSV: {exc}")
                continue
            yield row(cells)
    finally:
        text.detach()  # the stream is closed by whoever opened it


# -- writing -------------------------------------------------------------------------------


class TableSink:
    """Writes rows of the given columns to a binary stream as CSV or Parquet.

    List cells (matched rules, kinds) are Parquet lists and space-separated in CSV."""

    def __init__(
        self, out: IO[bytes], fmt: OutputFormat, columns: Sequence[str], lists: Sequence[str]
    ) -> None:
        self.out = out
        self.fmt = fmt
        self.columns = tuple(columns)
        self.lists = frozenset(lists)
        self._list_idx = frozenset(i for i, c in enumerate(self.columns) if c in self.lists)
        self._rows: list[Sequence[Any]] = []
        self._writer: Any = None
        if fmt is OutputFormat.CSV:
            self._text = io.TextIOWrapper(
                out, encoding="utf-8", errors="backslashreplace", newline="", write_through=True
            )
            self._csv = csv.writer(self._text)
            self._csv.writerow(self.columns)
        elif fmt is OutputFormat.PARQUET:
            self._pa = require_pyarrow()
            import pyarrow.parquet as pq

            self._schema = self._pa.schema([self._field(c) for c in self.columns])
            self._writer = pq.ParquetWriter(out, self._schema)
        else:
            raise ValueError(f"not a table format: {fmt}")

    def _field(self, name: str) -> Any:
        pa = self._pa
        if name in self.lists:
            return pa.field(name, pa.list_(pa.string()))
        if name == "line":
            return pa.field(name, pa.int64())
        if name == "truncated":
            return pa.field(name, pa.bool_())
        return pa.field(name, pa.string())

    def write(self, row: Sequence[Any]) -> None:
        if self.fmt is OutputFormat.CSV:
            self._csv.writerow(
                [
                    " ".join(v) if i in self._list_idx else ("" if v is None else v)
                    for i, v in enumerate(row)
                ]
            )
            return
        self._rows.append(row)
        if len(self._rows) >= ROW_GROUP:
            self._flush()

    def _flush(self) -> None:
        if not self._rows:
            return
        cols = list(zip(*self._rows, strict=True))
        arrays = [
            self._pa.array(
                [_clean(v) for v in col] if f.type == self._pa.string() else list(col),
                type=f.type,
            )
            for col, f in zip(cols, self._schema, strict=True)
        ]
        self._writer.write_batch(self._pa.RecordBatch.from_arrays(arrays, schema=self._schema))
        self._rows = []

    def close(self) -> None:
        if self.fmt is OutputFormat.CSV:
            self._text.flush()
            self._text.detach()
        else:
            self._flush()
            self._writer.close()


def _clean(value: str | None) -> str | None:
    # Arrow strings are UTF-8: a lone surrogate (from a JSONL escape) is written as its escape
    if value is None or value.isascii():
        return value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    return value


def decision_row(o: Outcome) -> tuple[Any, ...]:
    """The :data:`DECISION_COLUMNS` of one decided line."""
    return (
        o.line,
        o.query,
        o.locale,
        o.action,
        o.category,
        o.rule_id,
        o.card,
        "support" if o.support else None,
        list(o.matched),
        list(o.shadow),
        o.truncated,
    )
