"""A static check of regex terms for catastrophic backtracking, used by ``interventions lint``.

It parses the pattern into a small syntax tree (groups, alternation, repeats, atoms) and looks for
the shapes that backtrack badly. Which characters an atom can match is asked of ``regex`` itself,
over printable ASCII, so classes, escapes and properties need no model of their own.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

import regex

__all__ = ["MAX_PATTERN", "MAX_REPEAT_PRODUCT", "Risk", "regex_load_problem", "regex_risks"]


@dataclass(frozen=True, slots=True)
class Risk:
    """One risk of a pattern: ``code`` is ``REDOS`` or ``REGEX_NEVER_MATCHES``."""

    severity: Literal["error", "warning"]
    code: str
    message: str


@dataclass(slots=True)
class _Node:
    """A regex syntax node: ``kind`` is one of atom, empty, seq, alt, rep, group, look."""

    kind: str
    src: str = ""
    items: list[_Node] = field(default_factory=list)
    low: int = 1
    high: int | None = 1
    possessive: bool = False
    atomic: bool = False


class _UnsupportedError(Exception):
    """A construct the static check does not model (conditionals, recursion)."""


_ZERO_WIDTH_ESCAPES = frozenset("bBAZzGmMK")
_QUANT_RE = regex.compile(r"\{(\d*)(?:(,)(\d*))?\}")
_FLAGS_RE = regex.compile(r"\(\?([a-zA-Z]+)\)")


class _Parser:
    def __init__(self, pattern: str) -> None:
        self.p = pattern
        self.i = 0
        self.verbose = False
        m = _FLAGS_RE.match(pattern)
        if m and "x" in m.group(1):
            self.verbose = True

    def parse(self) -> _Node:
        node = self._alt()
        if self.i < len(self.p):
            raise _UnsupportedError(f"unexpected {self.p[self.i]!r}")
        return node

    def _skip(self) -> None:
        while self.verbose and self.i < len(self.p):
            c = self.p[self.i]
            if c.isspace():
                self.i += 1
            elif c == "#":
                while self.i < len(self.p) and self.p[self.i] != "\n":
                    self.i += 1
            else:
                break

    def _alt(self) -> _Node:
        options = [self._seq()]
        while self.i < len(self.p) and self.p[self.i] == "|":
            self.i += 1
            options.append(self._seq())
        return options[0] if len(options) == 1 else _Node("alt", items=options)

    def _seq(self) -> _Node:
        items: list[_Node] = []
        while True:
            self._skip()
            if self.i >= len(self.p) or self.p[self.i] in "|)":
                break
            start = self.i
            atom = self._atom()
            atom = self._quantified(atom, start)
            items.append(atom)
        return _Node("seq", items=items)

    def _quantified(self, atom: _Node, start: int) -> _Node:
        self._skip()
        if self.i >= len(self.p):
            return atom
        c = self.p[self.i]
        low: int
        high: int | None
        if c == "*":
            low, high = 0, None
            self.i += 1
        elif c == "+":
            low, high = 1, None
            self.i += 1
        elif c == "?":
            low, high = 0, 1
            self.i += 1
        elif c == "{" and (m := _QUANT_RE.match(self.p, self.i)) and (m.group(1) or m.group(3)):
            low = int(m.group(1) or 0)
            upper = m.group(3)
            high = low if not m.group(2) else (int(upper) if upper else None)
            self.i = m.end()
        else:
            return atom
        possessive = False
        if self.i < len(self.p) and self.p[self.i] in "?+":
            possessive = self.p[self.i] == "+"
            self.i += 1
        node = _Node("rep", src=self.p[start : self.i], items=[atom], low=low, high=high)
        node.possessive = possessive
        return node

    def _atom(self) -> _Node:
        p, i = self.p, self.i
        c = p[i]
        if c == "(":
            return self._group()
        if c == "[":
            end = self._class_end(i)
            self.i = end
            return _Node("atom", src=p[i:end])
        if c in "^$":
            self.i += 1
            return _Node("empty", src=c)
        if c == "\\":
            return self._escape()
        self.i += 1
        return _Node("atom", src=c)

    def _escape(self) -> _Node:
        p, i = self.p, self.i
        if i + 1 >= len(p):
            raise _UnsupportedError("trailing backslash")
        c = p[i + 1]
        end = i + 2
        if c in _ZERO_WIDTH_ESCAPES:
            self.i = end
            return _Node("empty", src=p[i:end])
        if c in "pPNxuUgk" and end < len(p) and p[end] in "{<":
            close = "}" if p[end] == "{" else ">"
            end = p.index(close, end) + 1
        elif c == "x":
            end = i + 4
        elif c == "u":
            end = i + 6
        elif c == "U":
            end = i + 10
        elif c.isdigit():
            while end < len(p) and p[end].isdigit():
                end += 1
            self.i = end
            return _Node("atom", src=".")  # a backreference: any text, as far as we can tell
        self.i = end
        return _Node("atom", src=p[i:end])

    def _class_end(self, i: int) -> int:
        p = self.p
        j = i + 1
        if j < len(p) and p[j] == "^":
            j += 1
        if j < len(p) and p[j] == "]":
            j += 1
        depth = 1
        while j < len(p):
            c = p[j]
            if c == "\\":
                j += 2
                continue
            if c == "[":
                if p.startswith("[:", j):
                    j = p.index(":]", j) + 2
                    continue
                depth += 1
            elif c == "]":
                depth -= 1
                if depth == 0:
                    return j + 1
            j += 1
        raise _UnsupportedError("unterminated class")

    def _group(self) -> _Node:
        p = self.p
        self.i += 1
        kind, atomic = "group", False
        if p.startswith("?", self.i):
            rest = p[self.i + 1 :]
            if rest.startswith("#"):
                self.i = p.index(")", self.i) + 1
                return _Node("empty")
            if rest.startswith((":", "|")):
                self.i += 2
            elif rest.startswith(">"):
                self.i += 2
                atomic = True
            elif rest.startswith(("=", "!")):
                self.i += 2
                kind = "look"
            elif rest.startswith(("<=", "<!")):
                self.i += 3
                kind = "look"
            elif rest.startswith(("P<", "<")):
                self.i = p.index(">", self.i) + 1
            elif rest.startswith("P="):
                self.i = p.index(")", self.i) + 1
                return _Node("atom", src=".")
            else:
                m = regex.match(r"\?[a-zA-Z]*(?:-[a-zA-Z]+)?([:)])", p[self.i :])
                if not m:
                    raise _UnsupportedError("conditional, recursion or unknown group")
                self.i += m.end()
                if m.group(1) == ")":
                    return _Node("empty")
        body = self._alt()
        if self.i >= len(p) or p[self.i] != ")":
            raise _UnsupportedError("unbalanced parenthesis")
        self.i += 1
        node = _Node(kind, items=[body])
        node.atomic = atomic
        return node


_NORMALIZED_ALPHABET = "".join(chr(c) for c in range(32, 127) if not chr(c).isupper())
"""What normalized query text is made of: the normalizer folds case and transliterates to ASCII."""
_ALL_ALPHABET = "".join(chr(c) for c in range(32, 127))


class _Sets:
    """The characters of the normalized alphabet each atom can match, using ``regex`` itself."""

    def __init__(self, ignore_case: bool) -> None:
        self.flags = regex.V1 | (regex.IGNORECASE if ignore_case else 0)
        self.cache: dict[str, frozenset[str]] = {}

    def of(self, src: str, alphabet: str = _NORMALIZED_ALPHABET) -> frozenset[str]:
        key = src + "\0" + alphabet[:1]
        if key not in self.cache:
            try:
                pattern = regex.compile(src, self.flags)
                self.cache[key] = frozenset(c for c in alphabet if pattern.fullmatch(c))
            except regex.error:
                self.cache[key] = frozenset(alphabet)
        return self.cache[key]


def _nullable(n: _Node) -> bool:
    if n.kind in ("empty", "look"):
        return True
    if n.kind == "atom":
        return False
    if n.kind == "seq":
        return all(_nullable(x) for x in n.items)
    if n.kind == "alt":
        return any(_nullable(x) for x in n.items)
    if n.kind == "rep":
        return n.low == 0 or _nullable(n.items[0])
    return _nullable(n.items[0])


def _first(n: _Node, sets: _Sets) -> frozenset[str]:
    if n.kind == "atom":
        return sets.of(n.src, _ALL_ALPHABET)
    if n.kind in ("empty", "look"):
        return frozenset()
    if n.kind == "seq":
        out: frozenset[str] = frozenset()
        for x in n.items:
            out |= _first(x, sets)
            if not _nullable(x):
                break
        return out
    if n.kind == "alt":
        return frozenset().union(*(_first(x, sets) for x in n.items))
    return _first(n.items[0], sets)


def _chars(n: _Node, sets: _Sets) -> frozenset[str]:
    """Every character ``n`` can consume anywhere."""
    if n.kind == "atom":
        return sets.of(n.src, _ALL_ALPHABET)
    if n.kind in ("empty", "look"):
        return frozenset()
    return frozenset().union(*(_chars(x, sets) for x in n.items))


def _unbounded(n: _Node) -> bool:
    return n.kind == "rep" and (n.high is None or n.high > 16) and not n.possessive


def _star_core(n: _Node) -> _Node | None:
    """An unbounded repeat that ``n`` can consist of alone (everything around it optional)."""
    if n.atomic:
        return None
    if _unbounded(n):
        return n
    if n.kind in ("group",):
        return _star_core(n.items[0])
    if n.kind == "alt":
        for x in n.items:
            core = _star_core(x)
            if core is not None:
                return core
        return None
    if n.kind == "seq":
        for k, x in enumerate(n.items):
            core = _star_core(x)
            if core is not None and all(_nullable(y) for j, y in enumerate(n.items) if j != k):
                return core
    return None


def _alternatives(n: _Node) -> list[_Node] | None:
    while n.kind in ("group", "seq") and len(n.items) == 1 and not n.atomic:
        n = n.items[0]
    return n.items if n.kind == "alt" else None


def _render(n: _Node) -> str:
    if n.kind in ("atom", "empty"):
        return n.src
    if n.kind == "rep":
        return n.src if n.items[0].kind == "atom" else _render(n.items[0]) + _quant(n)
    if n.kind == "seq":
        return "".join(_render(x) for x in n.items)
    if n.kind == "alt":
        return "|".join(_render(x) for x in n.items)
    return "(" + _render(n.items[0]) + ")"


def _quant(n: _Node) -> str:
    if (n.low, n.high) == (0, None):
        q = "*"
    elif (n.low, n.high) == (1, None):
        q = "+"
    elif (n.low, n.high) == (0, 1):
        q = "?"
    else:
        q = (
            "{"
            + str(n.low)
            + ("," + (str(n.high) if n.high is not None else "") if n.high != n.low else "")
            + "}"
        )
    return q + ("+" if n.possessive else "")


def _walk(n: _Node, atomic: bool = False) -> Iterator[tuple[_Node, bool]]:
    atomic = atomic or n.atomic or (n.kind == "rep" and n.possessive)
    yield n, atomic
    for x in n.items:
        yield from _walk(x, atomic)


MAX_PATTERN = 1000
"""Characters of a regex term: longer ones are refused at load."""
MAX_REPEAT_PRODUCT = 1000
"""How many times nested counted repeats may multiply a pattern (``(?:a{100}){100}``): the
regex module expands them when compiling, so ``((a{1000}){1000}){1000}`` exhausts memory."""


def regex_load_problem(pattern: str) -> str | None:
    """Why a regex term is refused at load, or None: the engine only runs patterns it can show
    do not backtrack catastrophically, on any query. Refused: patterns the static check cannot
    model (conditionals, recursion), nested unbounded quantifiers anywhere under an unbounded
    repeat (``(a+)+``, ``(?:x+x+)+``), overlapping alternatives under one (``(?:q|qq)+``),
    counted repeats that multiply past :data:`MAX_REPEAT_PRODUCT`, and patterns longer than
    :data:`MAX_PATTERN`. Patterns that can backtrack polynomially (``\\w+\\w+``) load, with a
    lint warning, and run under the per-query time bound.

    >>> regex_load_problem(r"(a+)+b")[:17]
    'nested quantifier'
    >>> regex_load_problem(r"pro[\\s_-]?ana") is None
    True
    """
    if len(pattern) > MAX_PATTERN:
        return f"is {len(pattern)} characters long (at most {MAX_PATTERN})"
    try:
        tree = _Parser(pattern).parse()
    except (_UnsupportedError, ValueError, IndexError, RecursionError) as exc:
        return (
            "uses a construct the backtracking check cannot model "
            f"({exc or 'conditionals, recursion'}): write it without one"
        )
    product = _repeat_product(tree)
    if product > MAX_REPEAT_PRODUCT:
        return (
            f"repeats multiply to {product} copies (at most {MAX_REPEAT_PRODUCT}): the pattern "
            "would be expanded that many times when compiled"
        )
    for risk in regex_risks(pattern):
        if risk.code == "REDOS" and risk.severity == "error":
            return risk.message
    flags = _FLAGS_RE.match(pattern)
    sets = _Sets(ignore_case=bool(flags and "i" in flags.group(1)))
    for node, atomic in _walk(tree):
        if atomic or not _unbounded(node):
            continue
        body = node.items[0]
        inner = next((x for x, _ in _walk(body) if x is not body and _unbounded(x)), None)
        if inner is None and _unbounded(body):
            inner = body
        if inner is not None:
            # (?:x+x+)+ is not a star of a star, and backtracks exponentially all the same
            return (
                f"nested quantifier: '{_render(inner)}' repeats inside '{_render(node)}'; use "
                "one quantifier, or an atomic group / possessive quantifier"
            )
        options = _alternatives(body)
        pair = _overlapping(options, sets) if options else None
        if pair is not None:
            x, y = pair
            return (
                f"alternatives '{_render(x)}' and '{_render(y)}' of '{_render(node)}' can start "
                "with the same character, so the repeat backtracks through every way of "
                "splitting the text (exponentially); make them disjoint"
            )
    return None


def _repeat_product(n: _Node) -> int:
    """The largest product of counted repeat bounds along any path of nested repeats."""
    inner = max((_repeat_product(c) for c in n.items), default=1)
    if n.kind == "rep":
        bound = n.high if n.high is not None else n.low
        return max(bound, 1) * inner
    return inner


def regex_risks(pattern: str) -> list[Risk]:
    """Static risks of a regex term, worst first.

    Nested unbounded quantifiers (``(a+)+``, ``(\\w+\\s?)*``) backtrack exponentially: error.
    Overlapping alternatives under a repeat (``(a|ab)*``, ``(\\w|\\d)+``) and adjacent repeats
    over the same characters (``\\w+\\w+``) can backtrack badly: warning. The engine runs regexes
    with a timeout, so such a rule does not hang search: it silently stops matching and costs
    the timeout on every adversarial query. Atoms that cannot match normalized text (capitals,
    non-ASCII letters) are reported too: the regex sees the query after normalization.

    >>> [(r.severity, r.code) for r in regex_risks(r"(a+)+b")]
    [('error', 'REDOS')]
    """
    try:
        tree = _Parser(pattern).parse()
    except (_UnsupportedError, ValueError, IndexError, RecursionError):
        return []
    flags = _FLAGS_RE.match(pattern)
    sets = _Sets(ignore_case=bool(flags and "i" in flags.group(1)))
    out: list[Risk] = []
    for node, atomic in _walk(tree):
        if node.kind == "atom" and not sets.of(node.src):
            out.append(
                Risk(
                    "warning",
                    "REGEX_NEVER_MATCHES",
                    f"'{node.src}' never matches: regexes run over the normalized query "
                    "(lower case, transliterated to ASCII)",
                )
            )
        if atomic or not _unbounded(node):
            if node.kind == "seq" and not atomic:
                out += _adjacent(node, sets)
            continue
        body = node.items[0]
        inner = _star_core(body)
        if inner is not None:
            out.append(
                Risk(
                    "error",
                    "REDOS",
                    f"nested quantifier: '{_render(inner)}' repeats inside '{_render(node)}', "
                    "so a long non-matching query backtracks exponentially; use one quantifier, "
                    "or an atomic group / possessive quantifier",
                )
            )
            continue
        options = _alternatives(body)
        pair = _overlapping(options, sets) if options else None
        if pair is not None:
            x, y = pair
            out.append(
                Risk(
                    "warning",
                    "REDOS",
                    f"alternatives '{_render(x)}' and '{_render(y)}' of '{_render(node)}' can "
                    "start with the same character, so the repeat can backtrack through every "
                    "way of splitting the text; make them disjoint",
                )
            )
    return sorted(out, key=lambda r: r.severity != "error")


def _overlapping(options: list[_Node], sets: _Sets) -> tuple[_Node, _Node] | None:
    firsts = [_first(x, sets) for x in options]
    for a in range(len(options)):
        for b in range(a + 1, len(options)):
            if firsts[a] & firsts[b]:
                return options[a], options[b]
    return None


def _adjacent(seq: _Node, sets: _Sets) -> list[Risk]:
    out: list[Risk] = []
    items = seq.items
    for a, x in enumerate(items):
        if not _unbounded(x):
            continue
        for b in range(a + 1, len(items)):
            y = items[b]
            if _unbounded(y):
                if _chars(x.items[0], sets) & _chars(y.items[0], sets):
                    out.append(
                        Risk(
                            "warning",
                            "REDOS",
                            f"'{_render(x)}' and '{_render(y)}' repeat over the same characters "
                            "side by side, so a failing match tries every split (polynomial "
                            "backtracking); merge them or make them disjoint",
                        )
                    )
                break
            if not _nullable(y):
                break
    return out
