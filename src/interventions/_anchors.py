"""What the loader checks and the compiler builds alike about how terms are looked up: the
bucket of a prefix, the function words as the normalizer folds them, and the group of a near
term the index looks up (its anchor). Here, in the layer that reads rules, so that the loader
can refuse a near term without an indexable group (with file, line and rule) without importing
the compiler; ``_compile`` re-exports these names."""

from __future__ import annotations

from functools import lru_cache

from interventions._function_words import FUNCTION_WORDS
from interventions._model import Term
from interventions._normalize import normalize

__all__ = ["PREFIX_BUCKET", "function_tokens", "near_anchor", "near_anchor_problem"]

PREFIX_BUCKET = 4
"""Prefix terms are indexed by their first ``PREFIX_BUCKET`` characters."""


@lru_cache(maxsize=1)
def function_tokens() -> frozenset[str]:
    """The function words as the normalizer folds them (``się`` → ``sie``)."""
    return frozenset(t.text for word in FUNCTION_WORDS for t in normalize(word).tokens)


def near_anchor(term: Term) -> int:
    """The group of a near term that the index looks up: the one least likely to be in an
    ordinary query (no function words or one- and two-letter words, then the fewest
    alternatives), so that ``me`` or ``mnie`` never makes a query look at the term."""
    function = function_tokens()

    def weak(alt: Term) -> bool:
        return all(tok in function or len(tok) < 3 for tok in alt.tokens)

    def short_prefix(alt: Term) -> bool:
        # prefixes are indexed by their first PREFIX_BUCKET characters
        pairs = zip(alt.tokens, alt.prefix_tokens, strict=True)
        return any(p and len(t) < PREFIX_BUCKET for t, p in pairs)

    return min(
        range(len(term.groups)),
        key=lambda g: (
            any(short_prefix(a) for a in term.groups[g]),
            any(weak(a) for a in term.groups[g]),
            len(term.groups[g]),
            g,
        ),
    )


def near_anchor_problem(term: Term) -> str | None:
    """Why a near term has no group the index can look up, or None."""
    group = term.groups[near_anchor(term)]
    for alt in group:
        for tok, is_prefix in zip(alt.tokens, alt.prefix_tokens, strict=True):
            if is_prefix and len(tok) < PREFIX_BUCKET:
                return (
                    f"every group has a prefix shorter than {PREFIX_BUCKET} letters "
                    f"({tok}*): give one group whole words or longer prefixes"
                )
    return None
