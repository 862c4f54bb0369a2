"""Decide a column of queries: Arrow arrays, pandas Series or lists in, Arrow columns out.

Needs pyarrow (``pip install 'interventions[arrow]'``). Each row may carry its own locale and
moment; nulls are allowed everywhere (a null query gets a null decision, a null locale the
default card, a null moment now), including pandas' ``None``, ``NaN`` and ``NA``.

>>> from interventions import Engine
>>> from interventions.arrow import decide
>>> table = decide(["#thinspo", "banana bread", None], locales=["sv-SE", None, None],
...                engine=Engine.default())
>>> table.column("action").to_pylist()
['redirect', 'none', None]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from interventions._decision import Decision
from interventions._engine import Engine
from interventions._model import Action
from interventions._tables import DECISION_FIELDS, require_pyarrow

__all__ = ["DECISION_FIELDS", "decide"]

# DECISION_FIELDS: the columns decide() returns, in order: the action (block ... none), the
# winning rule's category and id, the card's id, "support" for help-seeking queries, the ids of
# every rule that matched and of the rules on trial that matched, and whether the query was cut
# at the length cap.


def decide(
    queries: Any,
    *,
    engine: Engine | None = None,
    locales: Any = None,
    locale: str | None = None,
    at: Any = None,
) -> Any:
    """The decisions for a column of queries, as a ``pyarrow.Table`` of :data:`DECISION_FIELDS`
    with one row per query, in order.

    ``queries`` and ``locales`` are Arrow arrays (chunked or not), pandas Series or any
    sequence; ``locale`` is one locale for every row without its own. ``at`` is one moment
    (a datetime or date) or a column of them, one per row (null: now). ``engine`` defaults to
    the shipped rules. Raises ``TypeError`` for a column that holds something else than
    strings (or moments) and nulls, and ``ValueError`` for columns of different lengths.
    """
    pa = require_pyarrow()
    engine = engine or Engine.default()
    qs = _column(pa, queries, "queries", _is_text)
    n = len(qs)
    locs = None if locales is None else _column(pa, locales, "locales", _is_text)
    times = None
    if at is not None and not isinstance(at, dt.date):
        times = _column(pa, at, "at", _is_moment)
    for name, col in (("locales", locs), ("at", times)):
        if col is not None and len(col) != n:
            raise ValueError(f"{n} queries but {len(col)} {name}")
    decisions = decide_values(
        engine, qs, locs, times, locale=locale, at=at if times is None else None
    )
    return decisions_table(pa, decisions)


def decide_values(
    engine: Engine,
    queries: Sequence[str | None],
    locales: Sequence[str | None] | None,
    times: Sequence[dt.date | None] | None,
    *,
    locale: str | None,
    at: dt.date | None,
) -> list[Decision | None]:
    """One decision per query (None for a null query), each with its row's locale and moment
    when given, else ``locale`` and ``at``."""
    check = engine.check
    if locales is None and times is None:
        return [None if q is None else check(q, locale=locale, at=at) for q in queries]
    n = len(queries)
    return [
        None if q is None else check(q, locale=loc or locale, at=t or at)
        for q, loc, t in zip(
            queries,
            locales if locales is not None else [None] * n,
            times if times is not None else [None] * n,
            strict=True,
        )
    ]


def decisions_table(pa: Any, decisions: Sequence[Decision | None]) -> Any:
    """The :data:`DECISION_FIELDS` columns of ``decisions`` as a ``pyarrow.Table``."""
    return pa.Table.from_arrays(decision_arrays(pa, decisions), names=list(DECISION_FIELDS))


def decision_arrays(pa: Any, decisions: Sequence[Decision | None]) -> list[Any]:
    none = Action.NONE
    string = pa.string()
    return [
        pa.array([None if d is None else d.action.value for d in decisions], string),
        pa.array([None if d is None or d.action is none else d.category for d in decisions]),
        pa.array([None if d is None or d.action is none else d.rule_id for d in decisions]),
        pa.array([d.card.id if d is not None and d.card else None for d in decisions], string),
        pa.array(
            [d.intent.value if d is not None and d.intent else None for d in decisions], string
        ),
        pa.array([_rule_ids(d.matches) if d else None for d in decisions], pa.list_(string)),
        pa.array([_rule_ids(d.shadow) if d else None for d in decisions], pa.list_(string)),
        pa.array([None if d is None else d.truncated for d in decisions], pa.bool_()),
    ]


def _rule_ids(matches: Iterable[Any]) -> list[str]:
    return list(dict.fromkeys(m.rule_id for m in matches)) if matches else []


def _is_text(pa: Any, t: Any) -> bool:
    return bool(pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_null(t))


def _is_moment(pa: Any, t: Any) -> bool:
    return bool(pa.types.is_timestamp(t) or pa.types.is_date(t) or pa.types.is_null(t))


def _column(pa: Any, values: Any, name: str, accepts: Any) -> list[Any]:
    """The Python values of a column, nulls (pandas' NaN and NA too) as None."""
    if isinstance(values, pa.ChunkedArray | pa.Array):
        array = values
    else:
        if hasattr(values, "to_numpy") and not hasattr(values, "to_pylist"):  # pandas
            values = values.astype(object).where(values.notna(), None)
        try:
            array = pa.array(values, from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
            raise TypeError(f"{name} must hold strings or nulls: {exc}") from None
    if pa.types.is_floating(array.type) and array.null_count == len(array):
        return [None] * len(array)  # a pandas column of NaN only: all null
    if pa.types.is_dictionary(array.type):
        array = array.cast(array.type.value_type)
    if not accepts(pa, array.type):
        raise TypeError(f"{name} must hold {_what(accepts)} or nulls, not {array.type}")
    return list(array.to_pylist())


def _what(accepts: Any) -> str:
    return "moments (timestamps or dates)" if accepts is _is_moment else "strings"
