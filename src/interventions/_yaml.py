"""Safe YAML reading that remembers the line of every value and refuses duplicate keys.

PyYAML's safe loader silently keeps the last of two equal keys and forgets where values were
written. Rule files come from people, so here every mapping and list knows its lines, a
duplicate key is an error, anchors/aliases are refused (no "billion laughs"), and files are
size-capped before parsing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from interventions._errors import RuleFileError

__all__ = [
    "MAX_FILE_BYTES",
    "TooLargeError",
    "YList",
    "YMap",
    "read_bounded",
    "read_yaml",
]

MAX_FILE_BYTES = 1 << 20


class TooLargeError(ValueError):
    """A file over the size its reader allows (``size`` is the bytes found, at least)."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"file is {size} bytes or more; the limit is {limit} bytes")
        self.size = size
        self.limit = limit


def read_bounded(path: Path, limit: int) -> bytes:
    """The bytes of ``path``, or :class:`TooLargeError` for a file over ``limit`` bytes: its
    size is checked before reading, and the read takes at most ``limit + 1`` bytes whatever
    the size said (a file that grows meanwhile, a pipe, a device). ``OSError`` passes."""
    size = path.stat().st_size
    if size > limit:
        raise TooLargeError(size, limit)
    with open(path, "rb") as f:
        data = f.read(limit + 1)
    if len(data) > limit:
        raise TooLargeError(len(data), limit)
    return data


_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YMap(dict[str, Any]):
    """A mapping that knows its own line and the line of each key (1-based)."""

    line: int
    key_lines: dict[str, int]


class YList(list[Any]):
    """A list that knows its own line and the line of each item (1-based)."""

    line: int
    item_lines: list[int]


def read_yaml(path: Path, display: str) -> Any:
    """Read one YAML document from ``path``; errors name ``display`` and the line."""
    try:
        raw = read_bounded(path, MAX_FILE_BYTES).decode("utf-8")
    except OSError as exc:
        raise RuleFileError(f"cannot read file: {exc.strerror}", path=display) from exc
    except TooLargeError as exc:
        raise RuleFileError(
            f"file is {exc.size} bytes; rule files are limited to {MAX_FILE_BYTES} bytes",
            path=display,
        ) from exc
    except UnicodeDecodeError as exc:
        raise RuleFileError(f"not valid UTF-8 (byte {exc.start})", path=display) from exc
    try:
        node = yaml.compose(raw, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        message = f"YAML syntax: {exc.problem}"
        if exc.context and exc.context_mark is not None:
            # "while parsing a flow sequence": say where the unclosed thing started
            message += f" ({exc.context} started on line {exc.context_mark.line + 1})"
        if "'@'" in str(exc.problem) or (
            mark is not None and raw[mark.index : mark.index + 1] == "@"
        ):
            message += '; a lexicon reference must be quoted: "@partner"'
        raise RuleFileError(message, path=display, line=line) from exc
    except yaml.YAMLError as exc:
        raise RuleFileError(f"YAML error: {exc}", path=display) from exc
    if node is None:
        return None
    return _build(node, display, set())


_constructor = yaml.constructor.SafeConstructor()


def _build(node: yaml.Node, display: str, seen: set[int], used_at: int | None = None) -> Any:
    line = node.start_mark.line + 1
    if id(node) in seen:
        # an alias: the composer hands back the anchored node a second time
        raise RuleFileError(
            f"anchors and aliases (&name, *name) are not allowed; write the value out (the "
            f"anchor is on line {line}; a card's 'en' text can simply be left to 'default')",
            path=display,
            line=used_at or line,
        )
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        out = YMap()
        out.line = line
        out.key_lines = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise RuleFileError("merge keys (<<) are not allowed", path=display, line=line)
            key = _build(key_node, display, seen)
            key_line = key_node.start_mark.line + 1
            if not isinstance(key, str):
                raise RuleFileError(
                    f"keys must be text, got {type(key).__name__} {key!r}",
                    path=display,
                    line=key_line,
                )
            if key in out:
                raise RuleFileError(
                    f"duplicate key {key!r} (first on line {out.key_lines[key]})",
                    path=display,
                    line=key_line,
                )
            out[key] = _build(value_node, display, seen, key_line)
            out.key_lines[key] = key_line
        return out
    if isinstance(node, yaml.SequenceNode):
        items = YList()
        items.line = line
        items.item_lines = []
        for item in node.value:
            items.append(_build(item, display, seen, item.start_mark.line + 1))
            items.item_lines.append(item.start_mark.line + 1)
        return items
    try:
        return _constructor.construct_object(node, deep=True)
    except yaml.YAMLError as exc:
        raise RuleFileError(f"bad value: {exc}", path=display, line=line) from exc
