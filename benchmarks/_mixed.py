"""A query stream that mixes the scripts the platform's users type (issue 13).

Latin (English), Cyrillic (Russian), Arabic, Devanagari (Hindi), Hangul (Korean), Han and kana
(Japanese, Chinese) and Thai queries, each of 1-4 of the language's most frequent words drawn
with Zipf weights, as the main stream (``_workload.py``) is built. Japanese, Chinese and Thai
are written without spaces, so their words are glued. One query in ten puts a Latin word
before or after native ones (``iphone 가격``, ``цена iphone``), as shopping searches do; one in
a hundred holds a rule term of the benchmarked rule set as written.

Words come from ``wordfreq``; Thai, which wordfreq does not cover, from the Thai National Corpus
frequency list that ``pythainlp`` ships (``pythainlp/corpus/tnc_freq.txt``, no import of the
library needed). Without pythainlp the stream has no Thai queries and says so.
"""

from __future__ import annotations

import importlib.util
import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from interventions._model import Term, TermKind

__all__ = ["MIXED_LANGUAGES", "MixedStream", "mixed_stream", "thai_words"]

MIXED_LANGUAGES: tuple[tuple[str, str, float], ...] = (
    ("en", "Latin", 0.20),
    ("ru", "Cyrillic", 0.15),
    ("ar", "Arabic", 0.15),
    ("hi", "Devanagari", 0.10),
    ("ko", "Hangul", 0.10),
    ("ja", "Han/kana", 0.10),
    ("zh", "Han", 0.10),
    ("th", "Thai", 0.10),
)
"""(wordfreq language, script, share of the stream)."""

UNSPACED = frozenset({"ja", "zh", "th"})
VOCAB = 20_000
LATIN_MIX_SHARE = 0.10
RULE_SHARE = 0.01
ZIPF_OFFSET = 10
MIXED_SEED = 20_251_126
LENGTHS = ((1, 0.3), (2, 0.35), (3, 0.25), (4, 0.10))


@dataclass(slots=True)
class MixedStream:
    queries: list[str]
    scripts: list[str]
    """The script of each query (``Latin`` ... ``Thai``; ``rule`` for a query with a term)."""
    missing: list[str] = field(default_factory=list)
    """Languages left out, and why."""


def thai_words(n: int) -> list[str] | None:
    """The ``n`` most frequent words of the Thai National Corpus, from pythainlp's copy."""
    spec = importlib.util.find_spec("pythainlp")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "corpus" / "tnc_freq.txt"
    if not path.is_file():
        return None
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        word, _, count = line.partition("\t")
        if word and count.isdigit() and any(c.isalpha() for c in word):
            rows.append((-int(count), word))
    rows.sort()
    return [w for _, w in rows[:n]]


def _words(lang: str, n: int) -> list[str] | None:
    if lang == "th":
        return thai_words(n)
    import wordfreq

    words = [w for w in wordfreq.top_n_list(lang, n * 2) if any(c.isalpha() for c in w)]
    return words[:n] or None


def _term_surface(term: Term) -> str | None:
    if term.kind in (TermKind.REGEX, TermKind.NEAR):
        return None
    return term.text.replace("*", "")


def mixed_stream(n: int, rule_terms: Sequence[Term], seed: int = MIXED_SEED) -> MixedStream:
    """``n`` queries mixing scripts (see the module doc); the same for the same inputs."""
    rng = random.Random(seed)
    vocab: dict[str, list[str]] = {}
    cum: dict[str, list[float]] = {}
    missing: list[str] = []
    for lang, script, _ in MIXED_LANGUAGES:
        words = _words(lang, VOCAB)
        if words is None:
            missing.append(f"{script} ({lang}): no word list (pip install pythainlp)")
            continue
        vocab[lang] = words
        cum[lang] = list(itertools.accumulate(1.0 / (r + ZIPF_OFFSET) for r in range(len(words))))
    langs = [(lang, script, share) for lang, script, share in MIXED_LANGUAGES if lang in vocab]
    surfaces = [s for s in map(_term_surface, rule_terms) if s]
    queries: list[str] = []
    scripts: list[str] = []
    for _ in range(n):
        if surfaces and rng.random() < RULE_SHARE:
            lang = rng.choice([lang for lang, _, _ in langs])
            words = rng.choices(vocab[lang], cum_weights=cum[lang], k=rng.choice((0, 1, 2)))
            words.insert(rng.randrange(len(words) + 1), rng.choice(surfaces))
            queries.append(" ".join(words))
            scripts.append("rule")
            continue
        lang, script, _ = rng.choices(langs, weights=[s for _, _, s in langs])[0]
        k = rng.choices([k for k, _ in LENGTHS], weights=[w for _, w in LENGTHS])[0]
        words = rng.choices(vocab[lang], cum_weights=cum[lang], k=k)
        query = ("" if lang in UNSPACED else " ").join(words)
        if lang != "en" and "en" in vocab and rng.random() < LATIN_MIX_SHARE:
            latin = rng.choices(vocab["en"], cum_weights=cum["en"], k=1)[0]
            query = f"{latin} {query}" if rng.random() < 0.5 else f"{query} {latin}"
        queries.append(query)
        scripts.append(script)
    return MixedStream(queries, scripts, missing)
