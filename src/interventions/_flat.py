"""The compiled :class:`~interventions._compile.Index` as plain JSON data, and back.

An artefact stores the index itself so that loading one is reading, not compiling: the dicts
are written as JSON objects and read back by ``json.loads`` at C speed; only slots holding
phrases, and the few regex patterns, need rebuilding. Term ids and rule indexes are checked
against the tables they index, so a file that passed its hash but was crafted by hand still
fails with a message instead of failing at query time.

Encoding of a slot (what one key holds): a bare term id stays an int; a tuple of entries is a
list of ints, where ``-1 - tid`` stands for the phrase ``tid`` (its anchor and matchers are
stored once, under ``phrases``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import types
import typing
from collections.abc import Callable, Iterable
from itertools import chain
from typing import Any

import regex

from interventions._compile import (
    UNSPACED_MARK,
    Entry,
    Index,
    Matcher,
    NearSpec,
    Phrase,
    RuleInfo,
    Slot,
    bucket_heads,
    literal_pattern,
    quiet_terms,
    unspaced_tables,
)
from interventions._model import (
    NO_WORDS,
    Action,
    CardDefinition,
    Intent,
    TermKind,
    UnlessScope,
    Window,
    WordSet,
)
from interventions._normalize import COLLAPSED
from interventions._regex_risk import regex_load_problem
from interventions._segment import Segmenter

__all__ = [
    "FlatIndexError",
    "index_from_data",
    "index_to_data",
    "refuse_float",
    "window_data",
    "window_from_data",
]

_KIND_CODE = {kind: str(i) for i, kind in enumerate(TermKind)}  # one digit per term
_KIND_OF = {code: kind for kind, code in _KIND_CODE.items()}


class FlatIndexError(Exception):
    """The stored index has the wrong shape; the message says where."""


# -- writing ---------------------------------------------------------------------------------


def index_to_data(index: Index, card_data: Callable[[CardDefinition], Any]) -> dict[str, Any]:
    phrases: dict[int, Phrase] = {}

    def slot(value: Slot) -> int | list[int]:
        if isinstance(value, int):
            return value
        out: list[int] = []
        for entry in value:
            if isinstance(entry, int):
                out.append(entry)
            else:
                phrases[entry[0]] = entry
                out.append(-1 - entry[0])
        return out

    words = {key: slot(v) for key, v in index.words.items()}
    fuzzy = {k: ids if isinstance(ids, int) else list(ids) for k, ids in index.fuzzy.items()}
    members = {key: _ids_data(ids) for key, ids in index.members.items()}
    prefixes = {
        bucket: [[key, slot(v)] for key, v in group] for bucket, group in index.prefixes.items()
    }
    return {
        "version": index.version,
        "rules": [
            [
                r.id,
                r.category,
                r.action.value,
                r.priority,
                r.card,
                sorted(r.languages),
                r.unless_scope.value,
                r.intent.value,
                r.ignore_help_cue,
                r.shadow,
                window_data(r.active),
            ]
            for r in index.rules
        ],
        "cards": [card_data(c) for c in index.cards.values()],
        "term_rule": list(index.term_rule),
        "term_text": _pack(list(index.term_text)),
        "term_kind": "".join(_KIND_CODE[k] for k in index.term_kind),
        "unless": sorted(index.unless),
        "words": _id_map(words),
        "prefixes": prefixes,
        "phrases": [
            [tid, anchor, [[int(p), token, squeezed] for p, token, squeezed in matchers]]
            for tid, anchor, matchers in sorted(phrases.values())
        ],
        "substrings": {key: list(ids) for key, ids in index.substrings.items()},
        "fuzzy": _id_map(fuzzy),
        "fuzzy_terms": [[tid, token, d] for tid, (token, d) in index.fuzzy_terms.items()],
        "regexes": [[tid, pattern.pattern] for tid, pattern in index.regexes],
        "segmenter": _encode(index.segmenter, _SetPool()),
        "members": _id_map(members),
        "member_prefixes": {
            bucket: [[key, _ids_data(ids)] for key, ids in group]
            for bucket, group in index.member_prefixes.items()
        },
        "near": [
            [
                tid,
                window,
                int(ordered),
                anchor,
                [[[[int(p), tok, sq] for p, tok, sq in alt] for alt in group] for group in groups],
            ]
            for tid, (window, ordered, anchor, groups) in sorted(index.near.items())
        ],
        "near_parts": sorted([part, tid] for part, tid in index.near_parts.items()),
    }


def _read_near(doc: dict[str, Any], n: int) -> tuple[dict[int, NearSpec], dict[int, int]]:
    """Near terms and their parts, every id and shape checked."""
    near: dict[int, NearSpec] = {}
    for item in _get(doc, "near", list) if "near" in doc else []:
        if not (isinstance(item, list) and len(item) == 5):
            raise FlatIndexError("index.near: expected [tid, window, ordered, anchor, groups]")
        tid, window, ordered, anchor, raw_groups = item
        if not all(type(x) is int for x in (tid, window, ordered, anchor)):
            raise FlatIndexError("index.near: tid, window, ordered and anchor are integers")
        _check_ids([tid], n, "index.near")
        if not isinstance(raw_groups, list) or not 0 <= anchor < len(raw_groups):
            raise FlatIndexError(f"index.near[{tid}]: anchor {anchor} is not one of its groups")
        groups = []
        for group in raw_groups:
            alts = []
            for alt in group if isinstance(group, list) else [None]:
                if not isinstance(alt, list) or not alt:
                    raise FlatIndexError(f"index.near[{tid}]: an alternative is a list of tokens")
                alts.append(tuple(_matcher(m, f"index.near[{tid}]") for m in alt))
            groups.append(tuple(alts))
        near[tid] = (window, bool(ordered), anchor, tuple(groups))
    parts: dict[int, int] = {}
    for pair in _get(doc, "near_parts", list) if "near_parts" in doc else []:
        if not (isinstance(pair, list) and len(pair) == 2 and pair[1] in near):
            raise FlatIndexError("index.near_parts: expected [part id, near term id]")
        _check_ids([pair[0]], n, "index.near_parts")
        parts[pair[0]] = pair[1]
    return near, parts


def _matcher(value: Any, where: str) -> Matcher:
    if not (
        isinstance(value, list)
        and len(value) == 3
        and value[0] in (0, 1)
        and isinstance(value[1], str)
        and isinstance(value[2], str)
    ):
        raise FlatIndexError(f"{where}: a token matcher is [prefix 0/1, token, squeezed]")
    return (bool(value[0]), value[1], value[2])


def _pack(strings: list[str]) -> str | list[str]:
    """Strings as one, joined by newlines: ``str.split`` makes 100k strings several times
    faster than the JSON parser does. (A JSON list when a string holds a newline.)"""
    if any("\n" in x for x in strings):
        return strings
    return "\n".join(strings) if strings else []


def _unpack(value: Any, where: str) -> list[str]:
    if isinstance(value, str):
        return value.split("\n")
    if isinstance(value, list) and set(map(type, value)) <= {str}:
        return value
    raise FlatIndexError(f"{where}: expected strings")


def _id_map(d: dict[str, int | list[int]]) -> dict[str, Any]:
    """A dict whose values are mostly one id: those as two parallel arrays (keys packed),
    the rest as an object."""
    d = dict(sorted(d.items()))  # the same file whatever order sets were iterated in
    single = {k: v for k, v in d.items() if isinstance(v, int)}
    return {
        "keys": _pack(list(single)),
        "ids": list(single.values()),
        "more": {k: v for k, v in d.items() if not isinstance(v, int)},
    }


def _ids_data(ids: int | frozenset[int]) -> int | list[int]:
    return ids if isinstance(ids, int) else sorted(ids)


class _SetPool:
    """Frozensets written so far, so that a set much like an earlier one is written as the
    difference: the segmenter holds the rule words in its vocabulary and in its term list, and
    again with letter runs squeezed, which would otherwise fill half the file."""

    def __init__(self) -> None:
        self.sets: list[frozenset[str]] = []

    def encode(self, value: frozenset[str]) -> dict[str, Any]:
        best: tuple[int, int] | None = None  # (size of the difference, index of the base)
        for i, base in enumerate(self.sets):
            if abs(len(base) - len(value)) >= len(value):
                continue
            cost = len(base ^ value)
            if cost < len(value) and (best is None or cost < best[0]):
                best = (cost, i)
        self.sets.append(value)
        if not all(isinstance(x, str) for x in value):
            return {"atomset": sorted(value, key=repr)}
        if best is None:
            return {"frozenset": _pack(sorted(value))}
        base = self.sets[best[1]]
        return {"like": [best[1], _pack(sorted(value - base)), _pack(sorted(base - value))]}


def _encode(value: Any, pool: _SetPool) -> Any:
    """Plain values as they are; sets, tuples, dicts and the segmenter tagged, so that
    ``_decode`` rebuilds exactly the types the segmenter was built with."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, frozenset):
        return pool.encode(value)
    if isinstance(value, tuple):
        if all(v is None or isinstance(v, bool | int | str) for v in value):
            return {"atoms": list(value)}  # read back without a call per item
        return {"tuple": [_encode(v, pool) for v in value]}
    if isinstance(value, dict):
        # sorted: the same file whatever order sets were iterated in while compiling
        items = sorted(value.items(), key=lambda kv: repr(kv[0]))
        if all(isinstance(k, str) for k in value):
            return {"map": {k: _encode(v, pool) for k, v in items}}
        return {"dict": [[_encode(k, pool), _encode(v, pool)] for k, v in items]}
    if isinstance(value, WordSet):
        return {"wordset": "common_words"}  # the artefact's raw section of that name
    if isinstance(value, Segmenter):
        fields = {f.name: _encode(getattr(value, f.name), pool) for f in dataclasses.fields(value)}
        return {"segmenter": fields}
    raise TypeError(f"cannot store a {type(value).__name__} in a compiled artefact")


# -- reading ---------------------------------------------------------------------------------


_ATOMS = {type(None), bool, int, str}


def _decode(value: Any, where: str, pool: list[frozenset[Any]]) -> Any:
    """The inverse of ``_encode``; ``pool`` collects the frozensets in the order written."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, dict) and len(value) == 1:
        ((tag, body),) = value.items()
        if tag == "atomset" and isinstance(body, list) and set(map(type, body)) <= _ATOMS:
            pool.append(frozenset(body))
            return pool[-1]
        if tag == "frozenset":
            pool.append(frozenset(_unpack(body, where)))
            return pool[-1]
        if tag == "like" and isinstance(body, list) and len(body) == 3:
            base, added, removed = body
            change = _unpack(added, where), _unpack(removed, where)
            pool.append(pool[base].difference(change[1]).union(change[0]))
            return pool[-1]
        if tag == "atoms" and isinstance(body, list):
            if not set(map(type, body)) <= _ATOMS:
                raise FlatIndexError(f"{where}: unexpected value in a tuple")
            return tuple(body)
        if tag == "tuple" and isinstance(body, list):
            return tuple([_decode(v, where, pool) for v in body])
        if tag == "map" and isinstance(body, dict):
            for k, v in body.items():
                if type(v) is dict:
                    body[k] = _decode(v, where, pool)
                elif type(v) is list:
                    raise FlatIndexError(f"{where}: unexpected list")
            return body
        if tag == "dict" and isinstance(body, list):
            return {_decode(k, where, pool): _decode(v, where, pool) for k, v in body}
        if tag == "wordset" and body == "common_words":
            return NO_WORDS  # index_from_data puts the section's words here
        if tag == "segmenter" and isinstance(body, dict):
            names = {f.name for f in dataclasses.fields(Segmenter)}
            if set(body) != names:
                raise FlatIndexError(f"{where}: segmenter fields differ from this library's")
            fields = {k: _decode(body[k], f"{where}.{k}", pool) for k in body}
            return Segmenter(**fields)
    raise FlatIndexError(f"{where}: unexpected value")


def _get(doc: dict[str, Any], key: str, kind: type) -> Any:
    value = doc.get(key)
    if not isinstance(value, kind):
        raise FlatIndexError(f"index.{key}: expected {kind.__name__}")
    return value


def window_data(w: Window | None) -> list[Any] | None:
    """A rule's or campaign's window as JSON: ``[from, until, yearly]``, or null."""
    return None if w is None else [w.start.isoformat(), w.until.isoformat(), w.yearly]


def _bool(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise FlatIndexError(f"{where}: expected true or false")
    return value


def window_from_data(value: Any) -> Window | None:
    """A window written by :func:`window_data`; ValueError names what is wrong."""
    if value is None:
        return None
    if (
        not isinstance(value, list)
        or len(value) != 3
        or not all(isinstance(d, str) for d in value[:2])
        or not isinstance(value[2], bool)
    ):
        raise ValueError("a window is [from, until, yearly] or null")
    start, until = (dt.date.fromisoformat(d) for d in value[:2])
    return Window(start, until, value[2])


def _window(value: Any, where: str) -> Window | None:
    try:
        return window_from_data(value)
    except ValueError as exc:
        raise FlatIndexError(f"{where}: {exc}") from exc


def _check_ids(ids: Iterable[int], limit: int, where: str, low: int = 0) -> None:
    """Every id in [low, limit). JSON numbers here are ints: floats are refused when parsed
    (see ``parse_number``), and a string among ints fails ``min`` with a TypeError."""
    values = ids if isinstance(ids, list) else list(ids)
    if values and (min(values) < low or max(values) >= limit):
        raise FlatIndexError(f"{where}: an id is out of range (0..{limit - 1})")


def _check_rules(rules: Iterable[RuleInfo]) -> None:
    """Every field of every rule has its type, so that ``check`` never meets a priority
    written as a string (``TypeError`` while sorting) long after the file was loaded."""
    for r in rules:
        where = f"index.rules[{r.id!r}]"
        if not all(isinstance(x, str) for x in (r.id, r.category, r.card, r.unless_scope)):
            raise FlatIndexError(f"{where}: id, category, card and unless scope are strings")
        if type(r.priority) is not int:
            raise FlatIndexError(f"{where}: priority is a whole number")
        if not all(isinstance(x, str) for x in r.languages):
            raise FlatIndexError(f"{where}: languages are strings")


def _check_str_keys(groups: dict[str, Any], where: str) -> None:
    """``{bucket: [[key, ids], ...]}`` with string keys."""
    for group in groups.values():
        if not isinstance(group, list) or not all(
            isinstance(item, list) and len(item) == 2 and isinstance(item[0], str) for item in group
        ):
            raise FlatIndexError(f"{where}: expected lists of [key, ids]")


def _check_fuzzy_terms(items: Any) -> None:
    if not isinstance(items, list) or not all(
        isinstance(x, list)
        and len(x) == 3
        and isinstance(x[1], str)
        and type(x[2]) is int
        and 1 <= x[2] <= 2
        for x in items
    ):
        raise FlatIndexError("index.fuzzy_terms: expected [term id, token, distance 1 or 2]")


def _check_patterns(items: Any) -> None:
    """Regexes as the loader and lint accept them: a hand-made file cannot bring a pattern
    that backtracks catastrophically (or exhausts memory when compiled) past the checks the
    rules went through. Checked before anything is compiled."""
    if not isinstance(items, list):
        raise FlatIndexError("index.regexes: expected a list")
    for item in items:
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[1], str)):
            raise FlatIndexError("index.regexes: expected [term id, pattern]")
        problem = regex_load_problem(item[1])  # exactly as the loader judges rule files
        if problem is not None:
            raise FlatIndexError(f"index.regexes: refused {item[1]!r}: {problem}")


def _conforms(value: Any, hint: Any) -> bool:
    """Whether ``value`` has the type ``hint`` (the few shapes a segmenter's fields use)."""
    if hint is type(None):
        return value is None
    if hint in (int, str, bool):
        return type(value) is hint
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_conforms(value, a) for a in args)
    if dataclasses.is_dataclass(hint):
        hints = _field_types(typing.cast(type, hint))
        return isinstance(value, typing.cast(type, hint)) and all(
            _conforms(getattr(value, name), h) for name, h in hints
        )
    if origin is frozenset or (origin is tuple and len(args) == 2 and args[1] is Ellipsis):
        if not isinstance(value, origin):
            return False
        if args[0] in (int, str):  # 20,000 vocabulary words: one pass in C, not a call each
            return set(map(type, value)) <= {args[0]}
        return all(_conforms(v, args[0]) for v in value)
    if origin is tuple:
        return (
            isinstance(value, tuple)
            and len(value) == len(args)
            and all(map(_conforms, value, args))
        )
    if origin is dict:
        return isinstance(value, dict) and all(
            _conforms(k, args[0]) and _conforms(v, args[1]) for k, v in value.items()
        )
    return isinstance(value, hint)


@functools.cache
def _field_types(cls: type) -> tuple[tuple[str, Any], ...]:
    hints = typing.get_type_hints(cls)
    return tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls))


def _flatten(values: Iterable[Any]) -> list[Any]:
    """Ints and the items of lists of ints, in one list."""
    values = list(values)
    flat = [v for v in values if type(v) is int]
    flat.extend(chain.from_iterable([v for v in values if type(v) is not int]))
    return flat


def _read_id_map(
    doc: dict[str, Any],
    name: str,
    convert: Callable[[list[int]], Any],
    limit: int,
    low: int = 0,
) -> dict[str, Any]:
    """The inverse of ``_id_map``, with every id checked to be in [low, limit)."""
    where = f"index.{name}"
    data = _get(doc, name, dict)
    keys = _unpack(data.get("keys"), f"{where}.keys")
    ids = data.get("ids")
    more = data.get("more")
    if not isinstance(ids, list) or len(ids) != len(keys) or not isinstance(more, dict):
        raise FlatIndexError(f"{where}: expected keys, ids of the same length, and more")
    _check_ids(ids, limit, where, low)
    _check_ids(list(chain.from_iterable(more.values())), limit, where, low)
    out: dict[str, Any] = dict(zip(keys, ids, strict=True))
    out.update((k, convert(v)) for k, v in more.items())
    return out


def refuse_float(text: str) -> float:
    """``parse_float`` for ``json.loads``: the index holds no fractions."""
    raise FlatIndexError(f"index: unexpected number {text}")


def index_from_data(
    doc: Any,
    card_from_data: Callable[[Any, str], CardDefinition],
    version: str,
    common: WordSet = NO_WORDS,
) -> Index:
    """Rebuild the index written by :func:`index_to_data`; ``common`` is the common words,
    which the artefact keeps in a raw section of their own. Raises :class:`FlatIndexError`."""
    if not isinstance(doc, dict):
        raise FlatIndexError("index: expected an object")
    try:
        return _index_from_data(doc, card_from_data, version, common)
    except FlatIndexError:
        raise
    except RecursionError as exc:
        raise FlatIndexError("index: nests too deeply") from exc
    except (TypeError, ValueError, KeyError, IndexError, AttributeError, regex.error) as exc:
        raise FlatIndexError(f"index: malformed ({type(exc).__name__}: {exc})") from exc


def _index_from_data(
    doc: dict[str, Any],
    card_from_data: Callable[[Any, str], CardDefinition],
    version: str,
    common: WordSet,
) -> Index:
    if doc.get("version") != version:
        raise FlatIndexError("index.version: not the rule set's version")
    rules = tuple(
        RuleInfo(
            i,
            c,
            Action(a),
            p,
            card,
            frozenset(langs),
            UnlessScope(scope),
            Intent(intent),
            _bool(ignore, "index.rules"),
            _bool(shadow, "index.rules"),
            _window(window, "index.rules"),
        )
        for i, c, a, p, card, langs, scope, intent, ignore, shadow, window in _get(
            doc, "rules", list
        )
    )
    _check_rules(rules)
    cards = {c.id: c for c in (card_from_data(c, f"index.cards[{i}]") for i, c in
                                enumerate(_get(doc, "cards", list)))}  # fmt: skip
    for r in rules:
        if r.card not in cards and r.intent is not Intent.CUE:
            raise FlatIndexError(f"index.rules: card {r.card!r} of rule {r.id!r} is missing")
    term_rule = tuple(_get(doc, "term_rule", list))
    term_text = tuple(_unpack(doc.get("term_text"), "index.term_text"))
    term_kind = tuple(map(_KIND_OF.__getitem__, _get(doc, "term_kind", str)))
    n = len(term_rule)
    if len(term_text) != n or len(term_kind) != n:
        raise FlatIndexError("index: term tables differ in length")
    _check_ids(term_rule, len(rules), "index.term_rule")
    unless = frozenset(_get(doc, "unless", list))
    _check_ids(unless, n, "index.unless")

    phrase_of: dict[int, Phrase] = {}
    for tid, anchor, raw in _get(doc, "phrases", list):
        for m in raw:
            _matcher(m, f"index.phrases[{tid}]")
        matchers: tuple[Matcher, ...] = tuple(
            (bool(p), token, token if squeezed == token else squeezed) for p, token, squeezed in raw
        )
        if not (type(anchor) is int and 0 <= anchor < len(matchers)):
            raise FlatIndexError(f"index.phrases: bad anchor for term {tid}")
        phrase_of[tid] = (tid, anchor, matchers)
    _check_ids(phrase_of, n, "index.phrases")

    def slot(value: int | list[int]) -> Slot:
        if isinstance(value, int):
            return value
        entries: list[Entry] = [e if e >= 0 else phrase_of[-1 - e] for e in value]
        return tuple(entries)

    words: dict[str, Slot] = _read_id_map(doc, "words", slot, n, -n)
    raw_prefixes = _get(doc, "prefixes", dict)
    _check_str_keys(raw_prefixes, "index.prefixes")
    _check_ids(
        _flatten(v for group in raw_prefixes.values() for _, v in group), n, "index.prefixes", -n
    )
    prefixes = {
        bucket: tuple((key, slot(v)) for key, v in group) for bucket, group in raw_prefixes.items()
    }
    substrings = {k: tuple(v) for k, v in _get(doc, "substrings", dict).items()}
    _check_ids(_flatten(substrings.values()), n, "index.substrings")
    fuzzy: dict[str, int | tuple[int, ...]] = _read_id_map(doc, "fuzzy", tuple, n)
    _check_fuzzy_terms(doc.get("fuzzy_terms"))
    fuzzy_terms = {tid: (token, d) for tid, token, d in _get(doc, "fuzzy_terms", list)}
    _check_ids(fuzzy_terms, n, "index.fuzzy_terms")
    _check_patterns(doc.get("regexes"))
    regexes = tuple(
        (tid, regex.compile(pattern, regex.V1)) for tid, pattern in _get(doc, "regexes", list)
    )
    _check_ids((tid for tid, _ in regexes), n, "index.regexes")
    members: dict[str, int | frozenset[int]] = _read_id_map(doc, "members", frozenset, n)
    raw_member_prefixes = _get(doc, "member_prefixes", dict)
    _check_str_keys(raw_member_prefixes, "index.member_prefixes")
    _check_ids(
        _flatten(v for group in raw_member_prefixes.values() for _, v in group),
        n,
        "index.member_prefixes",
    )
    member_prefixes = {
        bucket: tuple((key, v if type(v) is int else frozenset(v)) for key, v in group)
        for bucket, group in raw_member_prefixes.items()
    }
    near, near_parts = _read_near(doc, n)
    segmenter = _decode(doc.get("segmenter"), "index.segmenter", [])
    if not _conforms(segmenter, Segmenter):
        raise FlatIndexError("index.segmenter: expected a segmenter")
    segmenter = dataclasses.replace(segmenter, common=common)
    plain = [k for k in substrings if not k.startswith((COLLAPSED, UNSPACED_MARK))]
    collapsed = [k[1:] for k in substrings if k.startswith(COLLAPSED)]
    unspaced, unspaced_lengths = unspaced_tables(substrings)
    return Index(
        version=version,
        rules=rules,
        cards=cards,
        term_rule=term_rule,
        term_text=term_text,
        term_kind=term_kind,
        unless=unless,
        quiet=quiet_terms(rules, term_rule, unless),
        words=words,
        prefixes=prefixes,
        substring_plain=literal_pattern(plain),
        substring_collapsed=literal_pattern(collapsed),
        substrings=substrings,
        fuzzy=fuzzy,
        fuzzy_terms=fuzzy_terms,
        fuzzy_max=max((d for _, d in fuzzy_terms.values()), default=0),
        regexes=regexes,
        segmenter=segmenter,
        members=members,
        member_prefixes=member_prefixes,
        unspaced=unspaced,
        unspaced_lengths=unspaced_lengths,
        near=near,
        near_parts=near_parts,
        prefix_heads=bucket_heads(prefixes),
        member_heads=bucket_heads(member_prefixes),
    )
