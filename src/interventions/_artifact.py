"""Compiled rule-set artefacts: a validated :class:`RuleSet` and its compiled index, saved as
hashed, versioned plain data.

Loading an artefact skips YAML parsing, validation, term normalization and compiling. The file
is never pickle: it is one line of JSON (the header) followed by the payload, two sections of
JSON that may each be zlib-compressed and the common words' keys, raw (``WordSet.data``)::

    {"format": "interventions.ruleset", "format_version": 4, ..., "payload_sha256": "…",
     "sections": {"ruleset": [0, n], "index": [n, m], "common_words": [n + m, k]}}\n
    <ruleset section bytes><index section bytes><common words' keys>

The header is readable with ``head -1``. The hash covers the payload bytes exactly as stored,
so a changed byte is refused before anything is decompressed or parsed. :meth:`Engine.load`
reads the index section only; the rule set is decoded when asked for.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import json
import os
import zlib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any, NotRequired, TypedDict, TypeVar, cast

from interventions._compile import Index, paused_gc
from interventions._errors import ArtifactError, InterventionsError
from interventions._flat import (
    FlatIndexError,
    index_from_data,
    index_to_data,
    refuse_float,
    window_data,
    window_from_data,
)
from interventions._model import (
    CONTACT_KEYS,
    Action,
    Campaign,
    CardDefinition,
    CardText,
    Example,
    Intent,
    Resource,
    Rule,
    RuleSet,
    Status,
    Term,
    TermKind,
    UnlessScope,
    Window,
    WordSet,
)
from interventions._normalize import normalize
from interventions._regex_risk import regex_load_problem
from interventions._version import __version__

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "ArtifactHeader",
    "artifact_bytes",
    "normalizer_fingerprint",
    "read_artifact",
    "read_artifact_file",
    "read_artifact_header",
    "read_compiled",
    "read_compiled_bytes",
    "ruleset_from_path",
    "write_artifact",
]

FORMAT_NAME = "interventions.ruleset"
FORMAT_VERSION = 4
"""Bumped whenever the payload layout changes; a reader refuses any other version.
2: the compiled index is stored beside the rule set."""

MAX_HEADER_BYTES = 64 * 1024
MAX_PAYLOAD_BYTES = 256 * 1024 * 1024
"""Bounds on what a reader accepts, so a hostile file cannot make it allocate without limit."""
MAX_INFLATE_RATIO = 64
MIN_INFLATE_BOUND = 1024 * 1024
"""A compressed section may inflate to ``MAX_INFLATE_RATIO`` times its size (at least
``MIN_INFLATE_BOUND``): compiled rule sets inflate about 5 times, a zlib bomb about 1,000
times, and it is refused after inflating that bound, not its gigabytes."""

_COMPRESSIONS = ("zlib", "none")

# Strings that exercise every normalization step. Their normalized form is hashed into the
# header: terms in an artefact were normalized when it was compiled, and a library whose
# normalizer has changed since would look them up under keys it no longer produces.
_NORMALIZER_PROBES = (
    "𝓽𝓱𝓲𝓷 ＴＨＩＮ ﬁne",
    "th\u200bin\u00adspo pro\u200d-ana",
    "thinѕро Ηello 🅣🅗🅘🅝",
    "przemocą ätstörning ÆØÅ straße",
    "th1nsp0 @na $ui|cide h4t3 7h1n 5!ck",
    "thinspooo anna looong",
    "p.r.o.a.n.a t h i n s p o pro-ana pro_ana k.y.s",
    "#ThinspoTips #proanatips #EDRecovery",
)


@lru_cache(maxsize=1)
def normalizer_fingerprint() -> str:
    """A short hash of what the normalizer makes of a fixed set of probe strings."""
    digest = hashlib.sha256()
    for probe in _NORMALIZER_PROBES:
        norm = normalize(probe)
        digest.update(norm.text.encode("utf-8", "surrogatepass") + b"\0")
        for seq in norm.sequences:
            for tok in seq:
                parts = (tok.text, tok.origin, str(tok.start), str(tok.end), *tok.keys)
                digest.update("\x1f".join(parts).encode("utf-8", "surrogatepass") + b"\x1e")
            digest.update(b"\x1d")
    return digest.hexdigest()[:16]


class ArtifactHeader(TypedDict):
    """The header line of an artefact, as JSON."""

    format: str
    format_version: int
    library_version: str
    normalizer: str
    ruleset_version: str
    rules: int
    cards: int
    compression: str
    payload_bytes: int
    payload_sha256: str
    sections: dict[str, list[int]]
    hmac_sha256: NotRequired[str]
    """With a key (``compile --key-file``): HMAC-SHA256 of the payload and of the header
    fields that say how to read it, so that only a holder of the key can make a file that
    ``Engine.load(path, key=...)`` accepts."""


MIN_KEY_BYTES = 16
"""A shorter HMAC key is refused: it could be guessed."""


def _mac(key: bytes, header: ArtifactHeader, payload: bytes) -> str:
    if len(key) < MIN_KEY_BYTES:
        raise ArtifactError(f"an artefact key has at least {MIN_KEY_BYTES} bytes")
    bound = {k: header.get(k) for k in ("format", "format_version", "compression", "sections")}
    message = json.dumps(bound, sort_keys=True).encode("ascii") + b"\n" + payload
    return hmac.new(key, message, hashlib.sha256).hexdigest()


# -- writing -------------------------------------------------------------------------------------


_TermCore = tuple[str, str, tuple[str, ...], tuple[bool, ...], int, Any]
"""(kind, text, tokens, prefix flags, fuzzy, near data or None)."""


def _near_data(t: Term) -> Any:
    """A near term's window, order and groups (each alternative with its line), hashable."""
    if t.kind is not TermKind.NEAR:
        return None
    return (
        t.window,
        t.ordered,
        tuple(
            tuple(
                (a.kind.value, a.text, a.tokens, tuple(int(p) for p in a.prefix_tokens), a.line)
                for a in group
            )
            for group in t.groups
        ),
    )


class _TermTable:
    """Terms without their line, stored once: rules repeat long ``unless`` lists, and a shared
    table makes the file smaller and is validated once when read."""

    def __init__(self) -> None:
        self.index: dict[_TermCore, int] = {}

    def ref(self, t: Term) -> list[int]:
        core = (t.kind.value, t.text, t.tokens, t.prefix_tokens, t.fuzzy, _near_data(t))
        i = self.index.setdefault(core, len(self.index))
        return [i, t.line]

    def data(self) -> list[list[Any]]:
        out: list[list[Any]] = []
        for k, text, toks, pre, fz, near in self.index:
            item: list[Any] = [k, text, list(toks), [int(p) for p in pre], fz]
            if near is not None:
                window, ordered, groups = near
                item.append(
                    {
                        "window": window,
                        "ordered": ordered,
                        "groups": [
                            [[a[0], a[1], list(a[2]), list(a[3]), a[4]] for a in g] for g in groups
                        ],
                    }
                )
            out.append(item)
        return out


def _example_data(e: Example) -> list[Any]:
    return [e.query, e.locale, e.line]


def _rule_data(r: Rule, table: _TermTable) -> dict[str, Any]:
    return {
        "id": r.id,
        "category": r.category,
        "action": r.action.value,
        "card": r.card,
        "priority": r.priority,
        "status": r.status.value,
        "languages": sorted(r.languages),
        "description": r.description,
        "terms": [table.ref(t) for t in r.terms],
        "unless": [table.ref(t) for t in r.unless],
        "unless_scope": r.unless_scope.value,
        "match": [_example_data(e) for e in r.match_examples],
        "no_match": [_example_data(e) for e in r.no_match_examples],
        "references": list(r.references),
        "path": r.path,
        "line": r.line,
        "intent": r.intent.value,
        "ignore_help_cue": r.ignore_help_cue,
        "active": window_data(r.active),
    }


def decode_window(obj: Any, where: str) -> Window | None:
    """A window written by :func:`window_data` (``[from, until, yearly]`` or null)."""
    try:
        return window_from_data(obj)
    except ValueError as exc:
        raise _MalformedError(f"{where}: {exc}") from exc


_RESOURCE_OPTIONAL = (*CONTACT_KEYS, "hours", "note", "remarks")


def _resource_data(r: Resource) -> dict[str, Any]:
    out: dict[str, Any] = {"name": r.name, "source": r.source, "verified": r.verified.isoformat()}
    for key in _RESOURCE_OPTIONAL:
        value = getattr(r, key)
        if value is not None:
            out[key] = value
    if r.languages:
        out["languages"] = list(r.languages)
    if r.notes:
        out["notes"] = [list(n) for n in r.notes]
    return out


def _card_data(c: CardDefinition) -> dict[str, Any]:
    return {
        "id": c.id,
        "text": {k: [t.title, t.body] for k, t in c.text.items()},
        "resources": {k: [_resource_data(r) for r in rs] for k, rs in c.resources.items()},
        "path": c.path,
        "line": c.line,
        "campaigns": [
            [k.id, window_data(k.active), {t: [x.title, x.body] for t, x in k.text.items()}, k.line]
            for k in c.campaigns
        ],
    }


def _payload(ruleset: RuleSet) -> dict[str, Any]:
    table = _TermTable()
    rules = [_rule_data(r, table) for r in ruleset.rules]
    return {
        "version": ruleset.version,
        "source": ruleset.source,
        "categories": list(ruleset.categories),
        "vocabulary": sorted(ruleset.vocabulary),
        "terms": table.data(),
        "rules": rules,
        "cards": [_card_data(c) for c in ruleset.cards.values()],
    }


def write_artifact(
    ruleset: RuleSet, path: str | Path, *, compress: bool = True, key: bytes | None = None
) -> ArtifactHeader:
    """Compile ``ruleset`` and write it to ``path`` as an artefact; return the header.

    The file is written to a temporary name and renamed into place, so a reader never sees a
    half-written artefact. With ``key`` (at least 16 bytes), the header carries an
    HMAC-SHA256 that ``read_artifact``/``Engine.load`` check when given the same key.

    >>> import tempfile, os
    >>> from interventions import Engine
    >>> rs = Engine.default().ruleset
    >>> with tempfile.TemporaryDirectory() as d:
    ...     header = write_artifact(rs, os.path.join(d, "rules.json.z"))
    ...     read_artifact(os.path.join(d, "rules.json.z")) == rs
    True
    """
    data, header = artifact_bytes(ruleset, compress=compress, key=key)
    target = Path(path)
    # open(..., "xb") rather than mkstemp: the file gets the user's umask, not mode 0600.
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "xb") as f:
            f.write(data)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return header


def artifact_bytes(
    ruleset: RuleSet,
    *,
    index: Index | None = None,
    compress: bool = True,
    key: bytes | None = None,
) -> tuple[bytes, ArtifactHeader]:
    """The artefact of ``ruleset`` as bytes (what :func:`write_artifact` writes) and its header.

    ``index`` is the rule set's compiled index when the caller has it already (an engine being
    pickled), so it is not compiled again."""
    if index is None:
        from interventions._compile import compile_rules

        index = compile_rules(ruleset)
    sections = {
        "ruleset": _encode_section(_payload(ruleset), compress),
        "index": _encode_section(index_to_data(index, _card_data), compress),
        # raw: 64-bit keys do not compress, and are read back by one copy (WordSet.data)
        "common_words": ruleset.common_words.data,
    }
    payload = b"".join(sections.values())
    offsets: dict[str, list[int]] = {}
    at = 0
    for name, data in sections.items():
        offsets[name] = [at, len(data)]
        at += len(data)
    header = ArtifactHeader(
        format=FORMAT_NAME,
        format_version=FORMAT_VERSION,
        library_version=__version__,
        normalizer=normalizer_fingerprint(),
        ruleset_version=ruleset.version,
        rules=len(ruleset.rules),
        cards=len(ruleset.cards),
        compression="zlib" if compress else "none",
        payload_bytes=len(payload),
        payload_sha256=hashlib.sha256(payload).hexdigest(),
        sections=offsets,
    )
    if key is not None:
        header["hmac_sha256"] = _mac(key, header, payload)
    data = json.dumps(header, separators=(", ", ": ")).encode("ascii") + b"\n" + payload
    return data, header


def _encode_section(doc: Any, compress: bool) -> bytes:
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    data = text.encode("utf-8", "surrogatepass")
    # level 6: level 9 makes the 100k-term file 2% smaller and writing it twice as slow
    return zlib.compress(data, 6) if compress else data


# -- reading -------------------------------------------------------------------------------------


def _split(data: bytes, where: str) -> tuple[ArtifactHeader, bytes]:
    newline = data.find(b"\n", 0, MAX_HEADER_BYTES)
    if newline < 0 or not data.startswith(b"{"):
        raise ArtifactError(
            f"{where}: not a compiled rule set (no header line); make one with "
            "`interventions compile RULES -o FILE`"
        )
    try:
        header = json.loads(data[:newline].decode("ascii"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ArtifactError(f"{where}: not a compiled rule set (garbled header: {exc})") from exc
    if not isinstance(header, dict) or header.get("format") != FORMAT_NAME:
        raise ArtifactError(f"{where}: not a compiled rule set (format is not {FORMAT_NAME!r})")
    return cast(ArtifactHeader, header), data[newline + 1 :]


def _check_header(header: ArtifactHeader, payload: bytes, where: str) -> None:
    version = header.get("format_version")
    if version != FORMAT_VERSION:
        raise ArtifactError(
            f"{where}: format version {version!r}, but this library (interventions "
            f"{__version__}) reads version {FORMAT_VERSION} only; recompile it with "
            "`interventions compile`"
        )
    expected = header.get("payload_bytes")
    digest = header.get("payload_sha256")
    compression = header.get("compression")
    if not isinstance(expected, int) or not isinstance(digest, str):
        raise ArtifactError(f"{where}: header lacks payload_bytes/payload_sha256")
    if compression not in _COMPRESSIONS:
        raise ArtifactError(f"{where}: unknown compression {compression!r}")
    if len(payload) < expected:
        raise ArtifactError(
            f"{where}: truncated: the payload has {len(payload)} of its {expected} bytes"
        )
    if len(payload) > expected:
        raise ArtifactError(
            f"{where}: {len(payload) - expected} unexpected bytes after the payload "
            "(tampered or concatenated)"
        )
    if hashlib.sha256(payload).hexdigest() != digest:
        raise ArtifactError(
            f"{where}: payload sha256 does not match the header: the file was modified or "
            "corrupted after it was compiled; recompile it"
        )
    fingerprint = header.get("normalizer")
    if fingerprint != normalizer_fingerprint():
        raise ArtifactError(
            f"{where}: compiled by interventions {header.get('library_version')!r} whose "
            "normalizer differs from this one, so its terms could no longer match; recompile "
            "it with `interventions compile`"
        )


def read_artifact_header(path: str | Path) -> ArtifactHeader:
    """The header of the artefact at ``path``, without checking or decoding the payload."""
    where = str(path)
    try:
        with open(path, "rb") as f:
            head = f.read(MAX_HEADER_BYTES)
    except OSError as exc:
        raise ArtifactError(f"{where}: cannot read: {exc.strerror or exc}") from exc
    return _split(head, where)[0]


def _read_checked(path: str | Path, key: bytes | None = None) -> tuple[ArtifactHeader, bytes, str]:
    """The header and the payload of the artefact at ``path``, checked against the header."""
    where = str(path)
    return _checked(read_artifact_file(path), where, key)


def read_artifact_file(path: str | Path) -> bytes:
    """The bytes of the artefact file at ``path`` (refused when larger than any artefact)."""
    where = str(path)
    try:
        size = os.path.getsize(path)
        if size > MAX_HEADER_BYTES + MAX_PAYLOAD_BYTES:
            raise ArtifactError(f"{where}: {size} bytes is too large for a compiled rule set")
        with open(path, "rb") as f:
            return f.read()
    except OSError as exc:
        raise ArtifactError(f"{where}: cannot read: {exc.strerror or exc}") from exc


def _checked(
    data: bytes, where: str, key: bytes | None = None
) -> tuple[ArtifactHeader, bytes, str]:
    """The header and the payload of an artefact's bytes, checked against the header."""
    if len(data) > MAX_HEADER_BYTES + MAX_PAYLOAD_BYTES:
        raise ArtifactError(f"{where}: {len(data)} bytes is too large for a compiled rule set")
    header, payload = _split(data, where)
    _check_header(header, payload, where)
    if key is not None:  # before anything is decompressed or parsed
        mac = header.get("hmac_sha256")
        if not isinstance(mac, str):
            raise ArtifactError(
                f"{where}: not authenticated (compiled without a key); recompile it with "
                "`interventions compile --key-file`"
            )
        if not hmac.compare_digest(mac, _mac(key, header, payload)):
            raise ArtifactError(
                f"{where}: HMAC does not match: compiled with another key, or modified since"
            )
    return header, payload, where


def _section(header: ArtifactHeader, payload: bytes, name: str, where: str) -> bytes:
    sections = header.get("sections")
    span = sections.get(name) if isinstance(sections, dict) else None
    if (
        not isinstance(span, list)
        or len(span) != 2
        or not all(type(x) is int for x in span)
        or span[0] < 0
        or span[1] < 0
        or span[0] + span[1] > len(payload)
    ):
        raise ArtifactError(f"{where}: header has no valid {name!r} section")
    return payload[span[0] : span[0] + span[1]]


def _decode_section(
    header: ArtifactHeader, data: bytes, where: str, parse_float: Callable[[str], Any] = float
) -> Any:
    if header["compression"] == "zlib":
        bound = min(MAX_PAYLOAD_BYTES, max(MIN_INFLATE_BOUND, MAX_INFLATE_RATIO * len(data)))
        try:
            inflater = zlib.decompressobj()
            data = inflater.decompress(data, bound)
        except zlib.error as exc:
            raise ArtifactError(f"{where}: payload does not decompress: {exc}") from exc
        if inflater.unconsumed_tail or not inflater.eof:
            raise ArtifactError(
                f"{where}: a section inflates beyond {bound} bytes (or is cut short): a "
                "compressed bomb or a damaged file"
            )
    try:
        return json.loads(data.decode("utf-8", "surrogatepass"), parse_float=parse_float)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ArtifactError(f"{where}: payload is not JSON: {exc}") from exc
    except RecursionError as exc:  # the C parser counts its depth: this comes fast
        raise ArtifactError(f"{where}: payload nests too deeply") from exc


def _common_words(header: ArtifactHeader, payload: bytes, where: str) -> WordSet:
    """The raw ``common_words`` section: the sorted 64-bit keys of ``WordSet.data``."""
    try:
        return WordSet.from_bytes(_section(header, payload, "common_words", where))
    except ValueError as exc:
        raise ArtifactError(f"{where}: malformed common_words section: {exc}") from exc


def _ruleset_of(header: ArtifactHeader, payload: bytes, where: str) -> RuleSet:
    doc = _decode_section(header, _section(header, payload, "ruleset", where), where)
    common = _common_words(header, payload, where)
    try:
        ruleset = dataclasses.replace(_decode_ruleset(doc), common_words=common)
    except _MalformedError as exc:
        raise ArtifactError(f"{where}: malformed payload at {exc}") from exc
    if ruleset.version != header.get("ruleset_version"):
        raise ArtifactError(f"{where}: payload and header name different rule-set versions")
    return ruleset


def read_artifact(path: str | Path, *, key: bytes | None = None) -> RuleSet:
    """Load the :class:`RuleSet` saved by :func:`write_artifact`.

    Raises :class:`ArtifactError` for a file that is not an artefact, is truncated, was modified
    after it was written (sha256 mismatch), has another format version, or was compiled by a
    library whose normalizer differs from this one; with ``key``, also for a file without an
    HMAC made with that key.
    """
    header, payload, where = _read_checked(path, key)
    return _ruleset_of(header, payload, where)


def read_compiled(
    path: str | Path, *, key: bytes | None = None
) -> tuple[Index, Callable[[], RuleSet]]:
    """The compiled index saved by :func:`write_artifact`, and a function that reads the rule
    set when called (it raises :class:`ArtifactError` as :func:`read_artifact` does).

    The collector is paused while the index is rebuilt, as while compiling."""
    with paused_gc():
        return _read_compiled(path, key)


def read_compiled_bytes(
    data: bytes, *, key: bytes | None = None, where: str = "<bytes>"
) -> tuple[Index, Callable[[], RuleSet]]:
    """:func:`read_compiled` for an artefact's bytes (``where`` names them in errors)."""
    with paused_gc():
        return _compiled(*_checked(data, where, key))


def _read_compiled(
    path: str | Path, key: bytes | None = None
) -> tuple[Index, Callable[[], RuleSet]]:
    return _compiled(*_read_checked(path, key))


def _compiled(
    header: ArtifactHeader, payload: bytes, where: str
) -> tuple[Index, Callable[[], RuleSet]]:
    _section(header, payload, "ruleset", where)  # present, whether or not it is read
    version = header.get("ruleset_version")
    if not isinstance(version, str):
        raise ArtifactError(f"{where}: header lacks the rule-set version")
    data = _section(header, payload, "index", where)
    doc = _decode_section(header, data, where, refuse_float)
    common = _common_words(header, payload, where)
    try:
        index = index_from_data(doc, _index_card, version, common)
    except FlatIndexError as exc:
        raise ArtifactError(f"{where}: malformed compiled index: {exc}") from exc
    return index, lambda: _ruleset_of(header, payload, where)


def _index_card(obj: Any, where: str) -> CardDefinition:
    try:
        return _decode_card(obj, where)
    except _MalformedError as exc:
        raise FlatIndexError(str(exc)) from exc


def ruleset_from_path(path: str | Path) -> RuleSet:
    """A rules folder (loaded and validated) or a compiled artefact file (read)."""
    from interventions._loader import load_rules

    p = Path(path)
    if p.is_dir():
        return load_rules(p)
    if p.is_file():
        return read_artifact(p)
    raise InterventionsError(f"{path}: no such rules folder or compiled rule set")


# -- decoding, with a path to the offending value ----------------------------------------------


class _MalformedError(Exception):
    """A value of the payload has the wrong shape; the message is its path (``rules[3].id``)."""


_T = TypeVar("_T")


def _get(obj: Any, key: str, kind: type[_T], where: str) -> _T:
    if not isinstance(obj, dict) or key not in obj:
        raise _MalformedError(f"{where}.{key}: missing")
    value = obj[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _MalformedError(
            f"{where}.{key}: expected {kind.__name__}, got {type(value).__name__}"
        )
    return value


def _strs(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _MalformedError(f"{where}: expected a list of strings")
    return tuple(value)


def _enum(factory: Callable[[str], _T], value: str, where: str) -> _T:
    try:
        return factory(value)
    except ValueError:
        raise _MalformedError(f"{where}: unknown value {value!r}") from None


_DecodedCore = tuple[TermKind, str, tuple[str, ...], tuple[bool, ...], int, Any]


def _decode_near(value: Any, where: str) -> tuple[int, bool, tuple[tuple[Term, ...], ...]]:
    if not isinstance(value, dict) or set(value) != {"window", "ordered", "groups"}:
        raise _MalformedError(f"{where}: a near term needs window, ordered and groups")
    window, ordered, groups = value["window"], value["ordered"], value["groups"]
    if type(window) is not int or not isinstance(ordered, bool) or not isinstance(groups, list):
        raise _MalformedError(f"{where}: near window is an integer, ordered a boolean")
    out: list[tuple[Term, ...]] = []
    for g, group in enumerate(groups):
        if not isinstance(group, list) or not group:
            raise _MalformedError(f"{where}.groups[{g}]: expected a list of terms")
        alts = []
        for a, alt in enumerate(group):
            if not isinstance(alt, list) or len(alt) != 5 or type(alt[4]) is not int:
                raise _MalformedError(f"{where}.groups[{g}][{a}]: expected a term with its line")
            kind, text, tokens, prefix, _, _ = _decode_term_core([*alt[:4], 0], where)
            if kind not in (TermKind.WORD, TermKind.PHRASE, TermKind.PREFIX) or not tokens:
                raise _MalformedError(f"{where}.groups[{g}][{a}]: a word, phrase or prefix")
            alts.append(Term(kind, text, tokens, prefix, 0, alt[4]))
        out.append(tuple(alts))
    if len(out) < 2:
        raise _MalformedError(f"{where}: a near term has at least two groups")
    return window, ordered, tuple(out)


def _decode_term_core(item: Any, where: str) -> _DecodedCore:
    if not isinstance(item, list) or len(item) not in (5, 6):
        raise _MalformedError(f"{where}: expected [kind, text, tokens, prefix, fuzzy]")
    near = _decode_near(item[5], where) if len(item) == 6 else None
    kind, text, tokens, prefix, fuzzy = item[:5]
    if not isinstance(kind, str) or not isinstance(text, str):
        raise _MalformedError(f"{where}: kind and text must be strings")
    if not isinstance(prefix, list) or not all(p in (0, 1) for p in prefix):
        raise _MalformedError(f"{where}: prefix flags must be 0/1")
    toks = _strs(tokens, where)
    if len(prefix) != len(toks):
        raise _MalformedError(f"{where}: {len(toks)} tokens but {len(prefix)} prefix flags")
    if type(fuzzy) is not int:
        raise _MalformedError(f"{where}: fuzzy must be an integer")
    decoded = _enum(TermKind, kind, where)
    if (decoded is TermKind.NEAR) != (near is not None):
        raise _MalformedError(f"{where}: near data belongs to near terms only")
    return (decoded, text, toks, tuple(bool(p) for p in prefix), fuzzy, near)


def _decode_terms(items: list[Any], table: list[_DecodedCore], where: str) -> tuple[Term, ...]:
    out = []
    for i, item in enumerate(items):
        if (
            not isinstance(item, list)
            or len(item) != 2
            or type(item[0]) is not int
            or type(item[1]) is not int
            or not 0 <= item[0] < len(table)
        ):
            raise _MalformedError(f"{where}[{i}]: expected [term index, line]")
        kind, text, tokens, prefix, fuzzy, near = table[item[0]]
        if near is None:
            out.append(Term(kind, text, tokens, prefix, fuzzy, item[1]))
        else:
            window, ordered, groups = near
            out.append(Term(kind, text, tokens, prefix, fuzzy, item[1], groups, window, ordered))
    return tuple(out)


def _decode_examples(items: Any, where: str) -> tuple[Example, ...]:
    if not isinstance(items, list):
        raise _MalformedError(f"{where}: expected a list")
    out = []
    for i, item in enumerate(items):
        if (
            not isinstance(item, list)
            or len(item) != 3
            or not isinstance(item[0], str)
            or not (item[1] is None or isinstance(item[1], str))
            or type(item[2]) is not int
        ):
            raise _MalformedError(f"{where}[{i}]: expected [query, locale, line]")
        out.append(Example(item[0], item[1], item[2]))
    return tuple(out)


def _decode_rule(obj: Any, table: list[_DecodedCore], where: str) -> Rule:
    terms = _get(obj, "terms", list, where)
    unless = _get(obj, "unless", list, where)
    return Rule(
        id=_get(obj, "id", str, where),
        category=_get(obj, "category", str, where),
        action=_enum(Action, _get(obj, "action", str, where), f"{where}.action"),
        card=_get(obj, "card", str, where),
        terms=_decode_terms(terms, table, f"{where}.terms"),
        unless=_decode_terms(unless, table, f"{where}.unless"),
        unless_scope=_enum(
            UnlessScope, _get(obj, "unless_scope", str, where), f"{where}.unless_scope"
        ),
        priority=_get(obj, "priority", int, where),
        status=_enum(Status, _get(obj, "status", str, where), f"{where}.status"),
        languages=frozenset(_strs(_get(obj, "languages", list, where), f"{where}.languages")),
        description=_get(obj, "description", str, where),
        match_examples=_decode_examples(obj.get("match"), f"{where}.match"),
        no_match_examples=_decode_examples(obj.get("no_match"), f"{where}.no_match"),
        references=(_strs(obj["references"], f"{where}.references") if "references" in obj else ()),
        path=_get(obj, "path", str, where),
        line=_get(obj, "line", int, where),
        intent=_enum(Intent, _get(obj, "intent", str, where), f"{where}.intent"),
        ignore_help_cue=_get(obj, "ignore_help_cue", bool, where),
        active=decode_window(obj.get("active"), f"{where}.active"),
    )


def _decode_resource(obj: Any, where: str) -> Resource:
    verified = _get(obj, "verified", str, where)
    try:
        date = dt.date.fromisoformat(verified)
    except ValueError:
        raise _MalformedError(f"{where}.verified: not an ISO date: {verified!r}") from None
    optional: dict[str, str | None] = {}
    for key in _RESOURCE_OPTIONAL:
        optional[key] = _get(obj, key, str, where) if key in obj else None
    languages = _strs(obj["languages"], f"{where}.languages") if "languages" in obj else ()
    notes: list[tuple[str, str]] = []
    for i, pair in enumerate(_get(obj, "notes", list, where) if "notes" in obj else []):
        items = _strs(pair, f"{where}.notes[{i}]")
        if len(items) != 2:
            raise _MalformedError(f"{where}.notes[{i}]: expected [language, text]")
        notes.append((items[0], items[1]))
    return Resource(
        name=_get(obj, "name", str, where),
        source=_get(obj, "source", str, where),
        verified=date,
        languages=languages,
        notes=tuple(notes),
        **optional,
    )


def _decode_card(obj: Any, where: str) -> CardDefinition:
    texts: dict[str, CardText] = {}
    for key, value in _get(obj, "text", dict, where).items():
        pair = _strs(value, f"{where}.text.{key}")
        if len(pair) != 2:
            raise _MalformedError(f"{where}.text.{key}: expected [title, body]")
        texts[key] = CardText(pair[0], pair[1])
    resources: dict[str, tuple[Resource, ...]] = {}
    for key, items in _get(obj, "resources", dict, where).items():
        if not isinstance(items, list):
            raise _MalformedError(f"{where}.resources.{key}: expected a list")
        resources[key] = tuple(
            _decode_resource(r, f"{where}.resources.{key}[{i}]") for i, r in enumerate(items)
        )
    campaigns: list[Campaign] = []
    for i, item in enumerate(_get(obj, "campaigns", list, where)):
        at = f"{where}.campaigns[{i}]"
        if not isinstance(item, list) or len(item) != 4 or not isinstance(item[2], dict):
            raise _MalformedError(f"{at}: expected [id, window, text, line]")
        window = decode_window(item[1], f"{at}.active")
        if not isinstance(item[0], str) or window is None or type(item[3]) is not int:
            raise _MalformedError(f"{at}: expected [id, window, text, line]")
        ctexts: dict[str, CardText] = {}
        for key, value in item[2].items():
            pair = _strs(value, f"{at}.text.{key}")
            if len(pair) != 2:
                raise _MalformedError(f"{at}.text.{key}: expected [title, body]")
            ctexts[key] = CardText(pair[0], pair[1])
        campaigns.append(Campaign(item[0], window, ctexts, item[3]))
    return CardDefinition(
        id=_get(obj, "id", str, where),
        text=texts,
        resources=resources,
        path=_get(obj, "path", str, where),
        line=_get(obj, "line", int, where),
        campaigns=tuple(campaigns),
    )


def _decode_ruleset(doc: Any) -> RuleSet:
    where = "payload"
    rules = _get(doc, "rules", list, where)
    cards = _get(doc, "cards", list, where)
    decoded_cards = [_decode_card(c, f"cards[{i}]") for i, c in enumerate(cards)]
    table = [
        _decode_term_core(t, f"terms[{i}]") for i, t in enumerate(_get(doc, "terms", list, where))
    ]
    for i, core in enumerate(table):
        if core[0] is TermKind.REGEX:  # as lint refuses them; before anything compiles them
            problem = regex_load_problem(core[1])  # exactly as the loader judges rule files
            if problem is not None:
                raise _MalformedError(f"terms[{i}]: refused regex {core[1]!r}: {problem}")
    decoded_rules = tuple(_decode_rule(r, table, f"rules[{i}]") for i, r in enumerate(rules))
    card_map = {c.id: c for c in decoded_cards}
    for i, rule in enumerate(decoded_rules):
        if rule.card not in card_map and rule.intent is not Intent.CUE:
            raise _MalformedError(f"rules[{i}].card: card {rule.card!r} is not in the artefact")
    return RuleSet(
        rules=decoded_rules,
        cards=card_map,
        version=_get(doc, "version", str, where),
        source=_get(doc, "source", str, where),
        categories=_strs(_get(doc, "categories", list, where), "categories"),
        vocabulary=frozenset(_strs(_get(doc, "vocabulary", list, where), "vocabulary")),
    )
