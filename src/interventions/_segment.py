"""Read concatenations as words: ``#proanatips`` → ``proana`` + ``tips``.

A token is split only when it is not itself a known word and every piece of the split is known:
a rule term's token, a word of the rule set's segmentation vocabulary (``rules/vocabulary/``),
a run of digits, or an inflected form of a rule prefix (``przemoc*``: ``przemocy``). So
``#bananabread`` is left alone (no ``ban`` + ``ana`` + ``na`` path through the vocabulary), while
``#anabuddy``, ``#mythinspodiary`` and ``#przemocywzwiązku`` are read as words. The split is an
extra reading; the token as written is still matched as it is.

The pieces of a split (``docs/normalization.md``, step 8):

- a known word: the vocabulary's, or a rule term's word (``proana``, ``tips``); a one-letter
  rule word (Polish ``w``, ``z``, Swedish ``i``) only as glue between two rule pieces;
- a run of digits (``2024``);
- an inflected prefix: a rule prefix and up to :data:`MAX_TAIL` more letters when another
  piece follows (``zagłodz*`` → ``zagłodzić`` + ``się``), or any ending at the end of the token
  (``#newthinspiration``).

The split taken is the cheapest: a piece costs one, and so does every letter of a prefix's
ending, so the next word starts as soon as it can (``dołączyć`` + ``do`` + ``państwa``, not
``dołączyćdo`` + ``państwa``). Where an ending stops is still ambiguous before a one-letter word
(``przemocyw`` + ``związku`` or ``przemocy`` + ``w`` + ``związku``; ``zaburzenia`` +
``odżywiania`` or ``zaburzeni`` + ``a`` + ``odżywiania``), so those letters are also read split
off, as extra readings; the phrase decides which one matches.

A split of known pieces cannot hold a misspelled term (``thynspiration`` is no known word). So
a token that starts or ends with vocabulary words also gets readings with one unknown piece of
:data:`MIN_UNKNOWN` letters or more among them (``#thynspirationquotes`` → ``thynspiration`` +
``quotes``), which the matcher reads like any token, fuzzy terms included. Only the
vocabulary's own words stand next to it (never a rule word, which would match on its own), of
MIN_GLUE_PLAIN letters or more outside hashtags.

Every step is bounded: a DP over the token's positions with pieces of at most the longest
known word (or a prefix and MAX_TAIL letters); unknown pieces of at most MAX_UNKNOWN letters,
in tokens of at most MAX_WITH_UNKNOWN.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from interventions._model import NO_WORDS, WordSet
from interventions._normalize import (
    COLLAPSED,
    STRONG_COLLAPSE,
    WEAK,
    Normalized,
    Step,
    Token,
    TokenOrigin,
    collapse,
    normalize,
    original_span,
    token_keys,
)
from interventions._scripts import arabizi_table, is_arabizi, may_hold_arabizi

__all__ = ["MAX_TAIL", "MIN_SEGMENTED", "MIN_UNKNOWN", "Segmenter", "arabizi_reading"]

SEGMENT_BUDGET = 1024
"""Characters of token keys split into words per whitespace-separated word of the query (its
tokens first, then the tokens its separators join): past it the other keys are not split and
the decision says it is incomplete. A real hashtag costs a few dozen; a kilobyte of leet
fragments joined by dots asked for hundreds of thousands. Counted per word, so a word costs the
same read alone (the word memo) or in its query (the full path)."""
MIN_SEGMENTED = 5
"""Tokens shorter than this are never split."""

LONG_TOKEN = 9
"""Tokens not written as hashtags are split only from this length on (``proanatips``)."""

SHORT_TERM = 3
"""A split whose only rule pieces are this short (``ana``, ``mia``) must be a hashtag, with the
short piece at an edge and every other word piece longer than this (``#anabuddy``, not
``#bananabread`` = ``ban`` + ``ana`` + ``bread``)."""

MAX_TAIL = 6
"""Letters an inflected prefix piece may add to its prefix when another piece follows it
(``przemoc`` → ``przemocy``, ``okaleczani`` → ``okaleczanie``, ``laxer`` → ``laxermedel``)."""

MIN_UNKNOWN = 5
"""The shortest unknown piece a split may have (a typo'd term: ``thynspiration``)."""

MAX_UNKNOWN = 32
"""The longest unknown piece: longer tokens are not fuzzy-matched either."""

MAX_WITH_UNKNOWN = 64
"""Tokens longer than this get no reading with an unknown piece (a hashtag of 64 letters is
long already; this keeps a 1,024-character token of glue words cheap)."""

MIN_GLUE_PLAIN = 4
"""Next to an unknown piece in a token not written as a hashtag, vocabulary words of this many
letters or more (``prosuicidrgirl``; not ``me`` + ``diating``, ``historycz`` + ``ny``)."""

MAX_UNKNOWN_READINGS = 4
"""Splits with an unknown piece per token key (see ``_with_unknown``)."""

MAX_SPLIT_OFF = 3
"""Extra readings with one-letter words split off prefix endings (see ``_letters_split_off``)."""

GLUE_COST = 2
"""What a one-letter glue word costs beyond its piece: a split takes it only when nothing else
explains the letter (``nerivikt`` = ``ner`` + ``i`` + ``vikt``)."""

_COST = 1 << 32
_PIECE = 1 << 21
"""A split's key is ``cost * _COST + pieces * _PIECE - (sum of squared piece lengths)``: the
cheapest, then the fewest pieces, then the longest pieces (``sanctionedsuicide`` + ``boy``
before ``sanctioned`` + ``suicideboy``). Tokens are capped at 1,024 characters, so the parts
never overlap."""

_Edge = tuple[int, int, int]
"""(end, kind, ending letters) of a piece that starts at a given position."""

_Piece = tuple[int, int, int]
"""(start, end, kind) of a piece of a split; kind is _KNOWN, _RULE, _GLUE or _UNKNOWN."""

_KNOWN = 0  # a vocabulary word or digits
_RULE = 1  # a rule term's word or an inflected rule prefix
_GLUE = 2  # a one-letter rule word, never first or last
_UNKNOWN = 3  # a piece no list knows (fallback only)


@dataclass(frozen=True, slots=True)
class Segmenter:
    vocabulary: frozenset[str]
    terms: frozenset[str]
    prefixes: frozenset[str]
    longest: int
    collapsed: Segmenter | None = None
    """The same vocabulary with letter runs collapsed, for collapsed readings (``buddy`` →
    ``budy`` so that ``#miabbuddy`` → ``miabudy`` still splits)."""
    letters: frozenset[str] = frozenset()
    """One-letter rule words (``w``, ``z``, ``i``), glue between the pieces of a phrase."""
    starts: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] | None = None
    """For the first two letters of a piece, the lengths of the known words and of the rule
    prefixes that start so."""
    glue: frozenset[str] = frozenset()
    """The segmentation vocabulary alone: the only known pieces next to an unknown one."""
    glue_starts: dict[str, tuple[int, ...]] | None = None
    """For the first two letters of a glue word, the lengths of the glue words starting so."""
    glue_ends: dict[str, tuple[int, ...]] | None = None
    """For the last two letters of a glue word, the lengths of the glue words ending so."""
    glue_heads: dict[int, frozenset[str]] = field(default_factory=dict)
    """``glue_heads[2]``: the glue words of two letters; ``[3]``, ``[4]``: the first three or
    four letters of the longer ones. ``glue_tails`` likewise with the last letters."""
    glue_tails: dict[int, frozenset[str]] = field(default_factory=dict)
    common: WordSet = NO_WORDS
    """A language's frequent words (``RuleSet.common_words``): a token that is one is read as
    itself, never split (``informacje`` is not ``in`` + ``formacje``) nor, by the matcher, taken
    for a typo of a fuzzy term."""

    @classmethod
    def build(
        cls,
        vocabulary: frozenset[str],
        terms: frozenset[str],
        prefixes: frozenset[str] = frozenset(),
        *,
        twin: bool = True,
        common: WordSet = NO_WORDS,
    ) -> Segmenter:
        """``terms``: rule words (and glued phrases); ``prefixes``: rule prefixes, which may
        start a piece (``#newthinspiration`` = ``new`` + ``thinspir…``)."""
        letters = frozenset(t for t in terms if len(t) == 1 and t.isalpha())
        terms = frozenset(t for t in terms if len(t) >= 2 and t.isalnum())
        prefixes = frozenset(p for p in prefixes if len(p) >= 2 and p.isalnum())
        words = vocabulary | terms
        glue = frozenset(w for w in vocabulary if len(w) >= 2)
        collapsed = None
        if twin:
            collapsed = cls.build(
                frozenset(map(collapse, vocabulary)),
                frozenset(map(collapse, terms | letters)),
                frozenset(map(collapse, prefixes)),
                twin=False,
            )
        longest = max((len(w) for w in words | prefixes), default=0)
        return cls(
            words,
            terms,
            prefixes,
            longest,
            collapsed,
            letters,
            _starts(words, prefixes),
            glue,
            _lengths(glue),
            _lengths(w[::-1] for w in glue),
            {k: _edge_set(glue, k, head=True) for k in (2, 3, MIN_GLUE_PLAIN)},
            {k: _edge_set(glue, k, head=False) for k in (2, 3, MIN_GLUE_PLAIN)},
            common,
        )

    # -- the pieces that start at one position ------------------------------------------------

    def _edges(self, word: str, i: int) -> list[_Edge]:
        n = len(word)
        out: list[_Edge] = []
        c = word[i]
        if c.isdigit():
            j = i + 1
            while j < n and word[j].isdigit():
                j += 1
            out.append((j, _RULE if word[i:j] in self.terms else _KNOWN, 0))
        elif c in self.letters and 0 < i < n - 1:
            out.append((i + 1, _GLUE, 0))
        assert self.starts is not None
        found = self.starts.get(word[i : i + 2])
        if found is None:
            return out
        lengths, prefix_lengths = found
        for length in lengths:
            j = i + length
            if j > n:
                break
            piece = word[i:j]
            if piece in self.vocabulary:
                out.append((j, _RULE if piece in self.terms else _KNOWN, 0))
        for length in prefix_lengths:
            k = i + length
            if k > n:
                break
            if word[i:k] not in self.prefixes:
                continue
            # the prefix and an ending of letters (each letter costs: the next piece should
            # start as soon as it can), then another piece or the end of the token
            stop = min(n, k + MAX_TAIL)
            j = k
            while j <= stop:
                if j > k and not word[j - 1].isalpha():
                    break
                out.append((j, _RULE, j - k))
                j += 1
            else:
                if n > stop and word[k:].isalpha():
                    out.append((n, _RULE, n - k))  # a rule prefix runs to the end
        return out

    # -- splits ----------------------------------------------------------------------------------

    def split(self, word: str, *, hashtag: bool) -> tuple[str, ...] | None:
        """The cheapest split of ``word`` into known pieces that include a rule piece (the
        first of :meth:`readings`, which has no unknown piece)."""
        found = self.readings(word, hashtag=hashtag, unknown=False)
        return found[0] if found else None

    def readings(self, word: str, *, hashtag: bool, unknown: bool = True) -> list[tuple[str, ...]]:
        """The readings of ``word`` as pieces: the cheapest split into known pieces that include
        a rule piece (pieces + letters in prefix endings), the same with one-letter words split
        off the endings, if that differs, and the split into vocabulary words and one unknown
        piece with the fewest pieces, if any (unless not ``unknown``)."""
        n = len(word)
        if n < MIN_SEGMENTED or word in self.vocabulary or not self.terms:
            return []
        edges: list[list[_Edge] | None] = [None] * (n + 1)
        found: list[list[_Piece]] = []
        best = self._cheapest(word, edges)
        if best is not None and self._plausible(word, best, hashtag):
            found = [best, *self._letters_split_off(word, best)]
        # an implausible split of known pieces (more rule words make more of them) still
        # leaves the reading with one unknown piece below
        if (
            unknown
            and MIN_UNKNOWN + 2 <= n <= MAX_WITH_UNKNOWN
            and self._glue_at_an_end(word, hashtag)
        ):
            # also next to a split of known pieces: prosuicidrgirl is pro + suicidr + girl, and
            # prosuicidr (a typo of the term prosuicide) + girl
            found += self._with_unknown(word, 2 if hashtag else MIN_GLUE_PLAIN)
        if not found:
            return []
        return list(dict.fromkeys(tuple(word[i:j] for i, j, _ in p) for p in found))

    def _glue_at_an_end(self, word: str, hashtag: bool) -> bool:
        """A quick test that a glue word (two letters or more in a hashtag, MIN_GLUE_PLAIN
        otherwise) or digits may start or end ``word``: most words are not split at all."""
        if word[0].isdigit() or word[-1].isdigit():
            return True
        heads, tails = self.glue_heads, self.glue_tails
        if hashtag:
            return (
                word[:2] in heads[2]
                or word[:3] in heads[3]
                or word[-2:] in tails[2]
                or word[-3:] in tails[3]
            )
        k = MIN_GLUE_PLAIN
        return word[:k] in heads[k] or word[-k:] in tails[k]

    def _edges_at(self, word: str, i: int, edges: list[list[_Edge] | None]) -> list[_Edge]:
        got = edges[i]
        if got is None:
            got = edges[i] = self._edges(word, i)
        return got

    def _cheapest(self, word: str, edges: list[list[_Edge] | None]) -> list[_Piece] | None:
        """The cheapest split of ``word`` into two pieces or more, one of them a rule piece.

        A DP over the positions of ``word``: a piece costs 1, plus one per letter of a prefix
        ending, plus GLUE_COST for a one-letter glue word; ties go to fewer pieces. The state
        ``h`` says whether the pieces so far include a rule piece."""
        n = len(word)
        if not self._edges_at(word, 0, edges):
            return None
        # the key of the best split of word[:i], per reached position i, for h = 0 and h = 1
        best: tuple[dict[int, int], dict[int, int]] = ({0: 0}, {})
        back: tuple[dict[int, tuple[int, int, int]], dict[int, tuple[int, int, int]]] = ({}, {})
        todo = [0]  # reached positions, a heap: every piece moves forward
        while todo:
            i = heapq.heappop(todo)
            if i == n:
                break
            for j, kind, tail in self._edges_at(word, i, edges):
                if i == 0 and j == n:
                    continue
                extra = (
                    (1 + tail + (GLUE_COST if kind == _GLUE else 0)) * _COST
                    + _PIECE
                    - (j - i) * (j - i)
                )
                for h in (0, 1):
                    here = best[h].get(i)
                    if here is None:
                        continue
                    g = 1 if (h or kind == _RULE) else 0
                    new = here + extra
                    old = best[g].get(j)
                    if old is None or new < old:
                        if j not in best[0] and j not in best[1]:
                            heapq.heappush(todo, j)
                        best[g][j] = new
                        back[g][j] = (i, h, kind)
        if n not in best[1]:
            return None
        pieces: list[_Piece] = []
        j, h = n, 1
        while j > 0:
            i, h, kind = back[h][j]
            pieces.append((i, j, kind))
            j = i
        pieces.reverse()
        return pieces if _glue_between_rules(pieces) else None

    def _with_unknown(self, word: str, shortest: int) -> list[list[_Piece]]:
        """Splits of ``word`` into vocabulary words (or digits) and one unknown piece of
        MIN_UNKNOWN..MAX_UNKNOWN characters with a letter, at most MAX_UNKNOWN_READINGS. Only
        the vocabulary's own words of ``shortest`` letters or more stand next to it: a rule word
        there would match on its own (``rape`` + ``roughness``)."""
        n = len(word)
        assert self.glue_starts is not None and self.glue_ends is not None
        glue, starts, ends = self.glue, self.glue_starts, self.glue_ends
        first = _glue_from(word, 0, glue, starts, shortest)
        last = _glue_to(word, n, glue, ends, shortest)
        if not first and not last:
            return []
        # head[i]: (fewest words covering word[:i], where the last starts); rest[j]: the same
        # for word[j:], where the first ends
        head = {0: (0, 0)}
        todo = [0]
        while todo:
            i = heapq.heappop(todo)
            if i == n:
                break
            for j in first if i == 0 else _glue_from(word, i, glue, starts, shortest):
                if j not in head:
                    heapq.heappush(todo, j)
                if j not in head or head[i][0] + 1 < head[j][0]:
                    head[j] = (head[i][0] + 1, i)
        rest = {n: (0, n)}
        todo = [-n]
        while todo:
            j = -heapq.heappop(todo)
            if j == 0:
                break
            for i in last if j == n else _glue_to(word, j, glue, ends, shortest):
                if i not in rest:
                    heapq.heappush(todo, -i)
                if i not in rest or rest[j][0] + 1 < rest[i][0]:
                    rest[i] = (rest[j][0] + 1, j)
        # where the unknown piece starts and ends is a guess (me + asnpo + world, or measnpo +
        # world): every way, fewest pieces first, then the longest unknown piece
        found: list[tuple[int, int, int, int]] = []
        for i, (pieces_before, _) in head.items():
            for j in range(i + MIN_UNKNOWN, min(n, i + MAX_UNKNOWN) + 1):
                after = rest.get(j)
                if after is None or (i == 0 and j == n):
                    continue
                piece = word[i:j]
                if piece not in self.vocabulary and any(c.isalpha() for c in piece):
                    found.append((pieces_before + after[0] + 1, i - j, i, j))
        found.sort()
        return [self._around(word, head, rest, i, j) for _, _, i, j in found[:MAX_UNKNOWN_READINGS]]

    @staticmethod
    def _around(
        word: str,
        head: dict[int, tuple[int, int]],
        rest: dict[int, tuple[int, int]],
        start: int,
        end: int,
    ) -> list[_Piece]:
        """The pieces of ``word``: ``head``'s words up to ``start``, the unknown piece, and
        ``rest``'s words from ``end``."""
        out: list[_Piece] = []
        k = start
        while k > 0:
            prev = head[k][1]
            out.append((prev, k, _KNOWN))
            k = prev
        out.reverse()
        out.append((start, end, _UNKNOWN))
        k = end
        while k < len(word):
            nxt = rest[k][1]
            out.append((k, nxt, _KNOWN))
            k = nxt
        return out

    def _letters_split_off(self, word: str, pieces: list[_Piece]) -> list[list[_Piece]]:
        """``przemocyw`` + ``związku`` → ``przemocy`` + ``w`` + ``związku``: where the ending
        of a prefix piece ends in a one-letter word before another rule piece, the other reading
        of the same letters; one reading per such letter, then all of them split off, at most
        MAX_SPLIT_OFF readings."""
        spots = [
            k
            for k, (i, j, kind) in enumerate(pieces[:-1])
            if kind == _RULE
            and pieces[k + 1][2] == _RULE
            and word[j - 1] in self.letters
            and word[i:j] not in self.vocabulary
            and any(word[i:m] in self.prefixes for m in range(i + 2, j))
        ]
        choices = [{k} for k in spots]
        if len(spots) > 1:
            choices.append(set(spots))
        out: list[list[_Piece]] = []
        for chosen in choices[:MAX_SPLIT_OFF]:
            reading: list[_Piece] = []
            for k, (i, j, kind) in enumerate(pieces):
                if k in chosen:
                    reading += [(i, j - 1, kind), (j - 1, j, _GLUE)]
                else:
                    reading.append((i, j, kind))
            out.append(reading)
        return out

    def _plausible(self, word: str, pieces: list[_Piece], hashtag: bool) -> bool:
        """Short code words (ana, mia) hide inside ordinary words (ban+ana+bread): a split
        whose only rule pieces are short terms must be a hashtag with a short term at an edge
        and every other piece a term, digits, or longer than SHORT_TERM. And a reading made
        mostly of one- and two-letter words is noise, not words glued into a hashtag
        (``baqiya`` + ``wa`` + ``ta`` + ``t`` + ``am`` + ``ad`` + ``adl``)."""
        tiny = sum(1 for i, j, _ in pieces if j - i <= 2 and not word[i:j].isdigit())
        if tiny >= 3 and 2 * tiny > len(pieces):
            return False
        if any(kind == _RULE and j - i > SHORT_TERM for i, j, kind in pieces):
            return True
        return (
            hashtag
            and (pieces[0][2] == _RULE or pieces[-1][2] == _RULE)
            and all(
                kind == _RULE or j - i > SHORT_TERM or word[i:j].isdigit() for i, j, kind in pieces
            )
        )

    def key_readings(self, key: str, *, hashtag: bool) -> list[tuple[str, ...]]:
        """The splits of one token key (a token of at least MIN_SEGMENTED letters, and
        LONG_TOKEN unless a ``hashtag``): :meth:`readings` of a plain key; of a collapsed key,
        the collapsed vocabulary's, with no unknown piece (the plain key has it); a weak key
        is never split."""
        if key.startswith(WEAK):
            return []
        if key.startswith(COLLAPSED):
            if self.collapsed is None:
                return []
            return self.collapsed.readings(key[1:], hashtag=hashtag, unknown=False)
        return self.readings(key, hashtag=hashtag)

    def splits(self, text: str, keys: tuple[str, ...], *, hashtag: bool = False) -> bool:
        """Whether a token (``text`` and its ``keys``) has a reading as pieces: what
        :meth:`extend` would add for it."""
        if (
            not self.terms
            or len(text) < MIN_SEGMENTED
            or (not hashtag and len(text) < LONG_TOKEN)
            or text in self.common
        ):
            return False
        return any(self.key_readings(key, hashtag=hashtag) for key in keys)

    # -- readings of a normalized query ---------------------------------------------------------

    def read(self, query: str, *, trace: list[Step] | None = None) -> Normalized:
        """Read a query (or one word of it) as the engine does: :func:`normalize`, then the
        readings of hashtags and glued words (:meth:`extend`). The one way queries are read:
        the engine's paths, explain, the rule tests and the differential tests call it.
        ``trace`` receives normalize's steps."""
        return self.extend(normalize(query, trace=trace))

    def extend(self, norm: Normalized) -> Normalized:
        """``norm`` with the extra readings of every token that splits into known words."""
        if not self.terms:
            return norm
        extra: list[tuple[Token, ...]] = []
        candidates = [*norm.tokens]
        joined = TokenOrigin.JOINED
        candidates += [t for seq in norm.sequences[1:] for t in seq if t.origin is joined]
        complete = norm.complete
        word_starts = [m.start() for m in _WORD.finditer(norm.query)]
        spent: dict[int, int] = {}
        for tok in dict.fromkeys(candidates):
            if (
                len(tok.text) < MIN_SEGMENTED
                or (not tok.hashtag and len(tok.text) < LONG_TOKEN)
                or tok.text in self.common
            ):
                continue
            word = bisect.bisect_right(word_starts, tok.start) - 1
            seen: set[tuple[str, ...]] = set()
            for raw in tok.keys:
                if raw.startswith(WEAK):
                    continue
                cost = spent.get(word, 0) + len(raw)
                if cost > SEGMENT_BUDGET:
                    complete = False
                    continue
                spent[word] = cost
                squeezed = raw.startswith(COLLAPSED)
                for pieces in self.key_readings(raw, hashtag=tok.hashtag):
                    if pieces in seen:
                        continue
                    seen.add(pieces)
                    extra.append(
                        tuple(
                            Token(
                                p,
                                tok.start,
                                tok.end,
                                _collapsed_keys(p) if squeezed else token_keys(p),
                                TokenOrigin.SEGMENTED,
                            )
                            for p in pieces
                        )
                    )
        arabizi = arabizi_reading(norm, self.terms)
        if arabizi is not None:
            extra.append(arabizi)
        if not extra and complete == norm.complete:
            return norm
        return Normalized(
            norm.query,
            norm.text,
            (*norm.sequences, *extra),
            norm.truncated,
            norm.origin,
            complete,
        )


_WORD = re.compile(r"\S+")
MAX_ARABIZI_RUNS = 64
"""Latin runs of a query looked at for Arabizi (a query has a few; a kilobyte of leet has
hundreds, and only the first are worth the lookups)."""
_LATIN_RUN = re.compile(r"[a-z0-9'@$!|]+")
_EDGES = "'@$!|"
_DOTTED = "3679"  # digits an apostrophe may follow: 3' = غ, 7' = خ, 6' = ظ, 9' = ض


def arabizi_reading(norm: Normalized, words: frozenset[str]) -> tuple[Token, ...] | None:
    """The query read with its Arabizi tokens as Arabic words of the rule set, or None.

    A run of Latin letters, digits and apostrophes (``ente7ar``, ``3'ayez``) written like
    Arabizi (``_scripts.is_arabizi``: an Arabizi digit next to a letter) is read as every Arabic
    word among ``words`` it may spell (``_scripts.ArabiziTable``). The reading is the query's
    tokens with each such run replaced by one token, spanning the run in the ORIGINAL query,
    whose keys are those words' (as an Arabic token typed would have), so a phrase can go on in
    Arabic letters (``3ayez اموت``). The keys are Arabic letters only: a term written in Latin
    letters never matches through them. A run that does not start and end on token boundaries
    (``a7eb@x``) is left alone. Ordinary Latin text holds no Arabizi digit next to a letter and
    costs one scan of the text."""
    text = norm.text
    if not may_hold_arabizi(text):
        return None
    table = arabizi_table(words)
    if not table:
        return None
    tokens = norm.tokens
    found: list[tuple[int, int, Token]] = []  # (first, last token replaced, reading)
    for m in itertools.islice(_LATIN_RUN.finditer(text), MAX_ARABIZI_RUNS):
        a, b = m.span()
        # symbols and apostrophes at the edges are punctuation (ente7ar!, 'a7eb'), except an
        # apostrophe after a digit (ba3' = باغ)
        x, y = a, b
        while x < y and text[x] in _EDGES:
            x += 1
        while y > x and text[y - 1] in _EDGES:
            if text[y - 1] == "'" and y - 2 >= x and text[y - 2] in _DOTTED:
                break
            y -= 1
        run = text[x:y]
        if not is_arabizi(run):
            continue
        read = table.read(run)
        if not read:
            continue
        start, end = original_span(norm, a, b)
        inside = [k for k, t in enumerate(tokens) if t.start < end and start < t.end]
        if (
            not inside
            or tokens[inside[0]].start != start
            or tokens[inside[-1]].end != end
            or any(tokens[k].start < start or tokens[k].end > end for k in inside)
        ):
            continue
        keys = tuple(dict.fromkeys(k for w in read for k in token_keys(w)))
        hashtag = a > 0 and text[a - 1] == "#"  # as the token's
        tok = Token(read[0], start, end, keys, TokenOrigin.ARABIZI, hashtag)
        found.append((inside[0], inside[-1], tok))
    if not found:
        return None
    out: list[Token] = []
    k = 0
    for first, last, reading in found:
        out.extend(tokens[k:first])
        out.append(reading)
        k = last + 1
    out.extend(tokens[k:])
    return tuple(out)


def _collapsed_keys(piece: str) -> tuple[str, ...]:
    """The keys of a piece of a collapsed reading: it is collapsed already, so it lives in the
    collapsed namespace, and, when short, only phrases take it (as :func:`token_keys` does:
    ``#annabuddy`` does not hold the code word ``ana``)."""
    return ((COLLAPSED if len(piece) >= STRONG_COLLAPSE else WEAK) + piece,)


def _glue_between_rules(pieces: list[_Piece]) -> bool:
    """A one-letter glue word stands between two rule pieces (przemocy + w + związku), never
    next to another glue letter or an ordinary word (gwałt + o + w + nie)."""
    return all(
        pieces[k - 1][2] == _RULE and pieces[k + 1][2] == _RULE
        for k, (_, _, kind) in enumerate(pieces)
        if kind == _GLUE
    )


def _glue_from(
    word: str, i: int, glue: frozenset[str], starts: dict[str, tuple[int, ...]], shortest: int
) -> list[int]:
    """Where the glue words of ``shortest`` letters or more (or the digits) that start at ``i``
    end."""
    n = len(word)
    if word[i].isdigit():
        j = i + 1
        while j < n and word[j].isdigit():
            j += 1
        return [j]
    return [
        i + m
        for m in starts.get(word[i : i + 2], ())
        if m >= shortest and i + m <= n and word[i : i + m] in glue
    ]


def _glue_to(
    word: str, j: int, glue: frozenset[str], ends: dict[str, tuple[int, ...]], shortest: int
) -> list[int]:
    """Where the glue words of ``shortest`` letters or more (or the digits) that end at ``j``
    start."""
    if word[j - 1].isdigit():
        i = j - 1
        while i > 0 and word[i - 1].isdigit():
            i -= 1
        return [i]
    return [
        j - m
        for m in ends.get(word[j - 2 : j][::-1], ())
        if m >= shortest and j - m >= 0 and word[j - m : j] in glue
    ]


def _edge_set(glue: frozenset[str], k: int, *, head: bool) -> frozenset[str]:
    """The first (``head``) or last ``k`` letters of the glue words of ``k`` letters or more,
    for k > 2; the two-letter glue words themselves for k = 2."""
    if k == 2:
        return frozenset(w for w in glue if len(w) == 2)
    return frozenset((w[:k] if head else w[-k:]) for w in glue if len(w) >= k)


def _starts(
    words: frozenset[str], prefixes: frozenset[str]
) -> dict[str, tuple[tuple[int, ...], tuple[int, ...]]]:
    by_word = _lengths(w for w in words if len(w) >= 2)
    by_prefix = _lengths(prefixes)
    return {k: (by_word.get(k, ()), by_prefix.get(k, ())) for k in by_word.keys() | by_prefix}


def _lengths(words: Iterable[str]) -> dict[str, tuple[int, ...]]:
    by_start: dict[str, set[int]] = {}
    for w in words:
        by_start.setdefault(w[:2], set()).add(len(w))
    return {k: tuple(sorted(v)) for k, v in by_start.items()}
