"""The reference matcher: loop over every term and check it against every token, plainly.

It is slow and obviously right, and defines the semantics the compiled indexes in
``_match.py`` must reproduce (tests run both and compare). It shares only the normalizer.
"""

from __future__ import annotations

import regex
from rapidfuzz.distance import OSA

from interventions._compile import (
    MAX_FUZZY_TOKEN,
    Matcher,
    TermRow,
    glued,
    live_terms,
    token_matcher,
)
from interventions._match import REGEX_TIMEOUT, Hit, fuzzy_key, matcher_accepts
from interventions._model import RuleSet, TermKind
from interventions._normalize import COLLAPSED, WEAK, Normalized, Token, collapse
from interventions._scripts import script_of

__all__ = ["reference_hits"]


def _word_matchers(rows: list[TermRow]) -> list[Matcher]:
    """Every one-token term: a word, or a phrase glued into one token."""
    out: list[Matcher] = []
    for row in rows:
        t = row.term
        if t.kind is TermKind.WORD:
            out.append(token_matcher(t.tokens[0], False))
        else:
            whole = glued(t)
            if whole is not None and not whole[1]:
                out.append(token_matcher(*whole))
    return out


def _in_runs(token: str) -> bool:
    """A term token written only in Han, kana or Thai, long enough to be found inside runs:
    two characters with a Han one, else three."""
    scripts = {script_of(c) for c in token} - {""}
    if not scripts or not scripts <= {"HAN", "KANA", "THAI"}:
        return False
    return len(token) >= (2 if "HAN" in scripts else 3)


def _run_hits(tid: int, needle: str, tok: Token, whole_too: bool) -> list[Hit]:
    out: list[Hit] = []
    for key in tok.keys:
        if key.startswith((COLLAPSED, WEAK)) or key.isascii():
            continue
        for i in range(len(key) - len(needle) + 1):
            if key[i : i + len(needle)] != needle:
                continue
            if len(needle) == len(key) and not whole_too:
                continue
            if key == tok.text and tok.end - tok.start == len(tok.text):
                out.append((tid, tok.start + i, tok.start + i + len(needle)))
            else:
                out.append((tid, tok.start, tok.end))
    return out


def reference_hits(ruleset: RuleSet, norm: Normalized) -> list[Hit]:
    """Every hit of every live term of ``ruleset``, with the term ids the index gives them."""
    hits: list[Hit] = []
    _, rows = live_terms(ruleset)
    word_matchers = _word_matchers(rows)
    is_word: dict[int, bool] = {}  # per token: is it itself a one-token term?

    def token_is_word(tok: Token) -> bool:
        if id(tok) not in is_word:
            is_word[id(tok)] = any(
                matcher_accepts(m, tok.keys, in_phrase=False) for m in word_matchers
            )
        return is_word[id(tok)]

    for tid, row in enumerate(rows):
        term = row.term
        if term.kind is TermKind.REGEX:
            pattern = regex.compile(term.text, regex.V1)
            # the same text as the fast path, built independently: words joined by one space
            words = [(m.start(), m.end()) for m in regex.finditer(r"\S+", norm.text)]
            text = " ".join(norm.text[a:b] for a, b in words)
            where: list[int] = []
            for n, (a, b) in enumerate(words):
                if n:
                    where.append(where[-1])
                where.extend(range(a, b) if norm.origin is None else norm.origin[a:b])
            try:
                for m in pattern.finditer(text, timeout=REGEX_TIMEOUT):
                    a, b = m.span()
                    if a != b:
                        hits.append((tid, where[a], where[b - 1] + 1))
            except TimeoutError:
                pass
            continue
        runs = term.kind in (TermKind.WORD, TermKind.SUBSTRING) and _in_runs(term.tokens[0])
        for seq in norm.sequences:
            for j, tok in enumerate(seq):
                if runs:
                    # Japanese, Chinese, Thai: inside a run of the script (a substring term as
                    # the whole token too; a word term as the whole token is matched below)
                    hits.extend(
                        _run_hits(tid, term.tokens[0], tok, term.kind is TermKind.SUBSTRING)
                    )
                    if term.kind is TermKind.SUBSTRING:
                        continue
                if term.kind is TermKind.SUBSTRING:
                    literal = term.tokens[0]
                    for key in tok.keys:
                        if key.startswith(COLLAPSED):
                            body, needle = key[1:], collapse(literal)
                        else:
                            body, needle = key, literal
                        start = body.find(needle)
                        while start != -1:
                            hits.append((tid, tok.start, tok.end))
                            start = body.find(needle, start + 1)
                    continue
                matchers = [
                    token_matcher(t, p)
                    for t, p in zip(term.tokens, term.prefix_tokens, strict=True)
                ]
                in_phrase = len(matchers) > 1
                if j + len(matchers) <= len(seq) and all(
                    matcher_accepts(m, seq[j + k].keys, in_phrase=in_phrase)
                    for k, m in enumerate(matchers)
                ):
                    hits.append((tid, tok.start, seq[j + len(matchers) - 1].end))
                whole = glued(term)
                if whole is not None and matcher_accepts(
                    token_matcher(*whole), tok.keys, in_phrase=False
                ):
                    hits.append((tid, tok.start, tok.end))
                if term.fuzzy and not token_is_word(tok):
                    for raw in tok.keys:
                        key = fuzzy_key(raw)
                        target = term.tokens[0]
                        if raw.startswith(COLLAPSED):
                            target = collapse(target)
                        if 5 <= len(key) <= MAX_FUZZY_TOKEN and (
                            OSA.distance(key, target) <= term.fuzzy
                        ):
                            hits.append((tid, tok.start, tok.end))
    return hits
