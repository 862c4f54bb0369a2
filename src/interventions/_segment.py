"""Read concatenations as words: ``#proanatips`` → ``proana`` + ``tips``.

A token is split only when it is not itself a known word and every piece of the split is known:
a rule term's token, a word of the rule set's segmentation vocabulary (``rules/vocabulary/``),
or a run of digits. So ``#bananabread`` is left alone (no ``ban`` + ``ana`` + ``na`` path through
the vocabulary), while ``#anabuddy`` and ``#mythinspodiary`` are read as words. The split is an
extra reading; the token as written is still matched as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from interventions._normalize import COLLAPSED, WEAK, Normalized, Token, collapse, token_keys

__all__ = ["MIN_SEGMENTED", "Segmenter"]

MIN_SEGMENTED = 5
"""Tokens shorter than this are never split."""

LONG_TOKEN = 9
"""Tokens not written as hashtags are split only from this length on (``proanatips``)."""

SHORT_TERM = 3
"""A split whose only rule pieces are this short (``ana``, ``mia``) must be a hashtag, with the
short piece at an edge and every other word piece longer than this (``#anabuddy``, not
``#bananabread`` = ``ban`` + ``ana`` + ``bread``)."""


@dataclass(frozen=True, slots=True)
class Segmenter:
    vocabulary: frozenset[str]
    terms: frozenset[str]
    prefixes: frozenset[str]
    longest: int
    collapsed: Segmenter | None = None
    """The same vocabulary with letter runs collapsed, for collapsed readings (``buddy`` →
    ``budy`` so that ``#miabbuddy`` → ``miabudy`` still splits)."""

    @classmethod
    def build(
        cls,
        vocabulary: frozenset[str],
        terms: frozenset[str],
        prefixes: frozenset[str] = frozenset(),
        *,
        twin: bool = True,
    ) -> Segmenter:
        """``terms``: rule words (and glued phrases); ``prefixes``: rule prefixes, which may
        start the last piece of a split (``#newthinspiration`` = ``new`` + ``thinspir…``)."""
        terms = frozenset(t for t in terms if len(t) >= 2 and t.isalnum())
        words = vocabulary | terms
        collapsed = None
        if twin:
            collapsed = cls.build(
                frozenset(map(collapse, vocabulary)),
                frozenset(map(collapse, terms)),
                frozenset(map(collapse, prefixes)),
                twin=False,
            )
        longest = max((len(w) for w in words | prefixes), default=0)
        return cls(words, terms, prefixes, longest, collapsed)

    def split(self, word: str, *, hashtag: bool) -> tuple[str, ...] | None:
        """The split of ``word`` into the fewest known pieces that include a rule term."""
        n = len(word)
        if n < MIN_SEGMENTED or word in self.vocabulary or not self.terms:
            return None
        # best[h][i]: fewest pieces covering word[:i]; h = 1 when a rule term is among them
        inf = n + 1
        best = [[inf] * (n + 1), [inf] * (n + 1)]
        back: list[list[tuple[int, int] | None]] = [[None] * (n + 1), [None] * (n + 1)]
        best[0][0] = 0
        for i in range(n):
            for h in (0, 1):
                if best[h][i] == inf:
                    continue
                ends = []
                if word[i].isdigit():
                    j = i
                    while j < n and word[j].isdigit():
                        j += 1
                    ends.append((j, word[i:j] in self.terms))
                for j in range(i + 2, min(n, i + self.longest) + 1):
                    piece = word[i:j]
                    if piece in self.vocabulary:
                        ends.append((j, piece in self.terms))
                    if piece in self.prefixes and i > 0:
                        ends.append((n, True))  # a rule prefix runs to the end
                for j, is_term in ends:
                    g = 1 if (h or is_term) else 0
                    if best[h][i] + 1 < best[g][j]:
                        best[g][j] = best[h][i] + 1
                        back[g][j] = (i, h)
        if best[1][n] == inf or best[1][n] < 2:
            return None
        pieces: list[str] = []
        j, h = n, 1
        while j > 0:
            step = back[h][j]
            assert step is not None
            i, h = step
            pieces.append(word[i:j])
            j = i
        pieces.reverse()
        if all(len(p) <= SHORT_TERM for p in pieces if p in self.terms) and not (
            hashtag
            and (pieces[0] in self.terms or pieces[-1] in self.terms)
            and all(len(p) > SHORT_TERM or p.isdigit() or p in self.terms for p in pieces)
        ):
            # short code words (ana, mia) hide inside ordinary words: ban+ana+bread
            return None
        return tuple(pieces)

    def extend(self, norm: Normalized) -> Normalized:
        """``norm`` with one extra reading per token that splits into known words."""
        if not self.terms:
            return norm
        extra: list[tuple[Token, ...]] = []
        candidates = [*norm.tokens]
        candidates += [t for seq in norm.sequences[1:] for t in seq if t.origin == "joined"]
        for tok in dict.fromkeys(candidates):
            if len(tok.text) < MIN_SEGMENTED or (not tok.hashtag and len(tok.text) < LONG_TOKEN):
                continue
            seen: set[tuple[str, ...]] = set()
            for raw in tok.keys:
                if raw.startswith(WEAK):
                    continue
                if raw.startswith(COLLAPSED):
                    if self.collapsed is None:
                        continue
                    pieces = self.collapsed.split(raw[1:], hashtag=tok.hashtag)
                else:
                    pieces = self.split(raw, hashtag=tok.hashtag)
                if pieces and pieces not in seen:
                    seen.add(pieces)
                    extra.append(
                        tuple(
                            Token(p, tok.start, tok.end, token_keys(p), "segmented") for p in pieces
                        )
                    )
        if not extra:
            return norm
        return Normalized(
            norm.query, norm.text, (*norm.sequences, *extra), norm.truncated, norm.origin
        )
