"""Bounded memos that keep what is hot: no cliff when the traffic has more distinct keys than fit.

A memo has two generations of plain dicts. New entries go to the young one; an entry found in
the old one is copied back into the young one. When the young generation is full (by count or by
an estimate of its bytes) it becomes the old one and the previous old one is dropped. So an entry
used at least once per generation is never lost, a burst of new keys costs at most a generation,
and the memory held is at most two generations: ``max_items`` entries and about ``max_bytes``.

Reads and writes are single dict operations, so a memo is safe to share between threads (a race
at worst computes an entry twice or drops a promotion).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

__all__ = ["ENTRY_BYTES", "FLAG_BYTES", "ByIdentity", "Memo", "entry_bytes"]

K = TypeVar("K")
V = TypeVar("V")

ENTRY_BYTES = 100
"""What one dict entry costs beyond its key and value: the hash table slot and index (about 3
pointers and a hash, with a table kept at most two-thirds full) and the reference counts."""


FLAG_BYTES = 60
"""A key's entry in a set of flagged keys (the key itself is shared with the dict)."""


def entry_bytes(key: str, extra: int = 0) -> int:
    """The estimated bytes of an entry with a str ``key`` and a value costing ``extra`` bytes
    (0 for a value shared by many entries)."""
    return ENTRY_BYTES + sys.getsizeof(key) + extra


class ByIdentity(Generic[K, V]):
    """Values derived from objects (a compiled index's tables, a rule set's word set), found
    again by the object itself: by its id, checked with ``is``, so an id reused after the object
    is gone never returns a stale value, and an equal but distinct object (a second engine of the
    same rules) is never compared whole. At most ``limit`` objects; then it starts afresh. One
    dict operation per lookup: safe to share between threads (a race builds a value twice)."""

    __slots__ = ("_held", "_limit")

    def __init__(self, limit: int) -> None:
        self._held: dict[int, tuple[K, V]] = {}
        self._limit = limit

    def get(self, key: K, build: Callable[[K], V]) -> V:
        held = self._held.get(id(key))
        if held is not None and held[0] is key:
            return held[1]
        value = build(key)
        if len(self._held) >= self._limit:
            self._held = {}
        self._held[id(key)] = (key, value)
        return value

    def __contains__(self, key: object) -> bool:
        held = self._held.get(id(key))
        return held is not None and held[0] is key


class Memo(Generic[K, V]):
    """A two-generation memo bounded by ``max_items`` entries and about ``max_bytes`` bytes.

    ``size_of(key, value)`` estimates an entry's bytes. ``max_items == 0`` turns the memo off:
    nothing is stored. With ``flag``, :attr:`flagged` is the set of the young generation's keys
    whose value has the flag, for a whole-query test in C (``flagged.issuperset(words)``).
    With ``marks``, :attr:`sets` is ``(flagged, *marked)``: one set per mark of the keys whose
    value has it. Within a generation a key joins its marks' sets in their order, then
    ``flagged``; a new generation assigns :attr:`sets`, then :attr:`flagged`, so a reader that
    took ``flagged`` first and finds ``sets[0] is flagged`` holds sets of one generation.
    """

    __slots__ = (
        "_bytes",
        "_flag",
        "_half_bytes",
        "_half_items",
        "_marks",
        "_old",
        "_size_of",
        "flagged",
        "sets",
        "young",
    )

    def __init__(
        self,
        max_items: int,
        max_bytes: int,
        size_of: Callable[[K, V], int],
        flag: Callable[[V], bool] | None = None,
        marks: Sequence[Callable[[V], bool]] = (),
    ) -> None:
        if max_items < 0 or max_bytes < 0:
            raise ValueError("memo bounds must be >= 0")
        self._half_items = max_items // 2 if max_items > 1 else max_items
        self._half_bytes = max(max_bytes // 2, 1)
        self._size_of = size_of
        self.young: dict[K, V] = {}
        """The young generation: read it directly on a hot path (``young.get(key)``), and fall
        back to :meth:`get`, which also looks in the old generation."""
        self._old: dict[K, V] = {}
        self._bytes = 0
        self._flag = flag
        self._marks = tuple(marks)
        self.sets: tuple[set[K], ...] = ()
        """``(flagged, *marked)``: the young generation's keys with the flag, then with each
        mark."""
        self.flagged: set[K] = set()
        """Keys of the young generation whose value has the flag."""
        self._new_sets()

    def get(self, key: K) -> V | None:
        value = self.young.get(key)
        if value is None:
            value = self._old.get(key)
            if value is not None:
                self.put(key, value)  # still in use: it moves to the young generation
        return value

    def put(self, key: K, value: V) -> None:
        if not self._half_items:
            return
        young = self.young
        if len(young) >= self._half_items or self._bytes >= self._half_bytes:
            self._old = young
            young = self.young = {}
            self._new_sets()
            self._bytes = 0
        young[key] = value
        self._bytes += self._size_of(key, value)
        sets = self.sets
        for k, mark in enumerate(self._marks, 1):
            if mark(value):
                sets[k].add(key)
                self._bytes += FLAG_BYTES
        if self._flag is not None and self._flag(value):
            sets[0].add(key)
            self._bytes += FLAG_BYTES

    def _new_sets(self) -> None:
        sets: tuple[set[K], ...] = tuple(set() for _ in range(1 + len(self._marks)))
        self.sets = sets
        self.flagged = sets[0]

    def clear(self) -> None:
        self.young = {}
        self._old = {}
        self._new_sets()
        self._bytes = 0

    def __len__(self) -> int:
        """Entries held (an entry in both generations counts twice)."""
        return len(self.young) + len(self._old)

    @property
    def bytes_estimate(self) -> int:
        """The estimated bytes of the young generation (the old one holds at most as many)."""
        return self._bytes
