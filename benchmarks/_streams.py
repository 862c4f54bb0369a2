"""Two streams beyond the ordinary workload (issue 11): one larger than the word memo, one cold.

**The Zipf stream** is what a busy search box sends over hours: millions of queries whose
distinct words far outnumber what the engine's word memo holds. Queries are 1-4 words
(``real_log.py``'s lengths, mean 2.25) of one language, in real_log.py's 12 languages and shares
(en 30%, pl 10%, sv/de/es/fr 8%, it/pt 6%, nl/tr/ru/id 4%). Each language has a ranked
vocabulary of ``vocab_per_lang`` words: its wordfreq words in rank order, where from rank
``NEW_FROM`` on every ``NEW_EVERY``-th place is a new word of the kind real traffic brings, in
turn: a typo of the word before it, an @handle with digits, a typo, a #hashtag made of two
words, a typo, a number, a product code (a language whose wordfreq list runs out goes on with new
words only). A query's words are drawn with Zipf weights over the ranks (p ~ 1/(rank + 10)), so
hot words are very hot and the tail is long; the default 5,000,000 queries hold about 1.3M
distinct words, several times the word memo.

**The cold stream** is the adversary: queries where almost every word is new. Words are
wordfreq words of ranks ``COLD_RANKS`` (20k-200k) in the same 12 languages (15% of them with a
typo), @handles with digits, #hashtags of two such words and random upper-case/digit product
codes; 1-4 words a query.

Both leave out the filler terms of the benchmarked rule set (``Avoid``): filler words stand in
for harmful terms and are drawn from the same rare wordfreq ranks, so a stream drawn from those
ranks would otherwise be 10-20% "harmful" words, which no real traffic is. The shipped rules'
own terms stay in (real traffic holds them at their natural frequency), and the Zipf stream
adds a rule term as written to 0.5% of queries, as real_log.py does. Everything comes from a
seed: the same inputs give the same queries (each stream prints a digest).
"""

from __future__ import annotations

import hashlib
import itertools
import random
import re
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from _workload import FILLER_LANGUAGES, TermSpec
from interventions._model import Term, TermKind

__all__ = [
    "COLD_RANKS",
    "LANGUAGES",
    "Avoid",
    "Stream",
    "StreamParams",
    "avoid_filler",
    "cold_stream",
    "term_surfaces",
    "zipf_stream",
]

LANGUAGES: tuple[tuple[str, int], ...] = (
    ("en", 30), ("pl", 10), ("sv", 8), ("de", 8), ("es", 8), ("fr", 8),
    ("it", 6), ("pt", 6), ("nl", 4), ("tr", 4), ("ru", 4), ("id", 4),
)  # fmt: skip
"""real_log.py's languages and their shares of queries (percent)."""

ZIPF_SEED = 20_251_201
COLD_SEED = 20_251_202
ZIPF_QUERIES = 5_000_000
VOCAB_PER_LANG = 240_000
NEW_FROM = 1_000
NEW_EVERY = 4
NEW_KINDS = ("typo", "handle", "typo", "hashtag", "typo", "number", "code")
ZIPF_OFFSET = 10
QUERY_LENGTHS = (1, 1, 2, 2, 2, 3, 3, 4)
RULE_SHARE = 0.005
COMMON = 20_000  # handles and hashtags of the Zipf stream are made of a language's top words

COLD_QUERIES = 20_000
COLD_RANKS = (20_000, 200_000)
COLD_TYPO = 0.15
COLD_KINDS = (("word", 0.70), ("handle", 0.10), ("hashtag", 0.10), ("code", 0.10))

_LETTER = re.compile(r"[^\W\d_]")
_MARKS = dict.fromkeys(range(0x300, 0x370))
_LETTERS_FOLDED = str.maketrans({"ł": "l", "ø": "o", "æ": "ae", "ß": "ss", "đ": "d", "ı": "i"})
_UPPER = "ABCDEFGHJKLMNPRSTUVWXYZ"
_DIGITS = "0123456789"


@dataclass(frozen=True, slots=True)
class StreamParams:
    """The knobs of both streams; the defaults are the full benchmark."""

    languages: tuple[tuple[str, int], ...] = LANGUAGES
    vocab_per_lang: int = VOCAB_PER_LANG
    zipf_queries: int = ZIPF_QUERIES
    cold_queries: int = COLD_QUERIES
    cold_ranks: tuple[int, int] = COLD_RANKS

    @classmethod
    def smoke(cls) -> StreamParams:
        return cls(
            languages=(("en", 60), ("pl", 20), ("sv", 20)),
            vocab_per_lang=5_000,
            zipf_queries=20_000,
            cold_queries=300,
            cold_ranks=(20_000, 60_000),
        )


@dataclass(slots=True)
class Stream:
    name: str
    queries: list[str]
    words: int
    """Words (whitespace-separated tokens) in all queries."""
    distinct: int
    """Distinct words."""
    generated: int
    """Words that are generated new words (typos, handles, hashtags, numbers, codes)."""
    vocab: int
    """Size of the vocabulary the words are drawn from."""
    rule_queries: int
    seconds: float
    """Time to generate the stream."""

    @property
    def digest(self) -> str:
        return hashlib.sha256("\n".join(self.queries).encode()).hexdigest()[:16]


def fold(word: str) -> str:
    """About what normalization makes of a word's letters: lower case, marks dropped."""
    word = word.lower()
    if word.isascii():
        return word
    return unicodedata.normalize("NFKD", word).translate(_MARKS).translate(_LETTERS_FOLDED)


@dataclass(frozen=True, slots=True)
class Avoid:
    """Words a stream leaves out: the filler terms of the benchmarked rule set.

    A word is left out when it (or its folded form) is a filler word, fuzzy or compound term or
    a phrase's rare word, or starts with a filler prefix term's stem.
    """

    words: frozenset[str]
    stems: frozenset[str]
    heads: frozenset[str]
    head: int

    def __call__(self, word: str) -> bool:
        for w in (word, fold(word)):
            if w in self.words:
                return True
            if w[: self.head] in self.heads:
                for k in range(self.head, len(w) + 1):
                    if w[:k] in self.stems:
                        return True
        return False


def avoid_filler(specs: Sequence[TermSpec], common: int) -> Avoid:
    """An :class:`Avoid` of ``specs`` (the filler terms as written). A phrase pairs a common word
    (one of the ``common`` most frequent of its language) with a rare one: only the rare one is
    left out, so that ordinary words stay in the streams."""
    import wordfreq

    known = {w for lang in FILLER_LANGUAGES for w in wordfreq.top_n_list(lang, common)}
    words: set[str] = set()
    stems: set[str] = set()
    for spec in specs:
        if spec.kind == "prefix":
            stem = spec.text.rstrip("*")
            stems.update((stem, fold(stem)))
        elif spec.kind == "phrase":
            for token in spec.text.split():
                if token not in known:
                    words.update((token, fold(token)))
        else:
            words.update((spec.text, fold(spec.text)))
    head = min((len(s) for s in stems), default=1)
    return Avoid(
        frozenset(words), frozenset(stems), frozenset(s[:head] for s in stems), max(1, head)
    )


def term_surfaces(terms: Sequence[Term]) -> list[str]:
    """How a user types each term as written (a prefix as its stem); regex and near terms have
    no single surface and are left out."""
    return [
        t.text.replace("*", "")
        for t in terms
        if t.kind not in (TermKind.REGEX, TermKind.NEAR) and t.text.strip("*")
    ]


# -- new words -------------------------------------------------------------------------------


def typo(rng: random.Random, word: str) -> str:
    """One slip of the fingers: a letter dropped, doubled, swapped with the next or replaced by
    another letter of the same word (so that it stays in the word's script)."""
    if len(word) < 3:
        return word + word[-1:]
    i = rng.randrange(len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return word[:i] + word[i + 1 :]
    if kind == 1:
        return word[: i + 1] + word[i:]
    if kind == 2:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + rng.choice(word) + word[i + 1 :]


def handle(rng: random.Random, word: str, other: str) -> str:
    """An @handle with digits: ``@anna1987``, ``@kasia_92``, ``@redfox7``."""
    digits = str(rng.randrange(10 ** rng.randint(1, 4)))
    form = rng.randrange(3)
    if form == 0:
        return f"@{word}{digits}"
    if form == 1:
        return f"@{word}_{digits}"
    return f"@{word}{other}{digits}"


def hashtag(rng: random.Random, first: str, second: str) -> str:
    """A hashtag of two words, glued (``#summerbody``) or CamelCase (``#SummerBody``)."""
    if rng.random() < 0.3:
        return f"#{first[:1].upper()}{first[1:]}{second[:1].upper()}{second[1:]}"
    return f"#{first}{second}"


def number(rng: random.Random) -> str:
    """A number as typed into a search box: a year, a price, a size, a long id."""
    form = rng.randrange(5)
    if form == 0:
        return str(rng.randrange(1900, 2031))
    if form == 1:
        return f"{rng.randrange(1, 1000)}.{rng.randrange(100):02d}"
    if form == 2:
        return f"{rng.randrange(1, 2000)}{rng.choice(('gb', 'mm', 'ml', 'kg', 'cm', 'w', 'mah'))}"
    return str(rng.randrange(10 ** rng.randint(2, 9)))


def product_code(rng: random.Random) -> str:
    """An upper-case/digit product code: ``XK4421``, ``SM-G991B``, ``B07XJ8C8F5``."""
    form = rng.randrange(3)
    letters = "".join(rng.choices(_UPPER, k=rng.randint(1, 3)))
    digits = "".join(rng.choices(_DIGITS, k=rng.randint(2, 5)))
    if form == 0:
        return letters + digits
    if form == 1:
        return f"{letters}-{rng.choice(_UPPER)}{digits}{rng.choice(_UPPER)}"
    return "B0" + "".join(rng.choices(_UPPER + _DIGITS, k=8))


def _ranked(lang: str, n: int, avoid: Avoid) -> list[str]:
    """wordfreq's words of ``lang`` (those with a letter, none to avoid), most frequent first,
    up to rank ``n``."""
    import wordfreq

    return [w for w in wordfreq.top_n_list(lang, n) if _LETTER.search(w) and not avoid(w)]


# -- the Zipf stream -------------------------------------------------------------------------


def _zipf_vocab(
    rng: random.Random, lang: str, size: int, avoid: Avoid, *, seen: set[str], generated: set[str]
) -> list[str]:
    """``size`` distinct words of ``lang`` in rank order (see the module doc); new words are
    added to ``generated``, every word to ``seen``."""
    base = _ranked(lang, size * 2, avoid)
    common = base[:COMMON]
    out: list[str] = []
    kinds = itertools.cycle(NEW_KINDS)
    taken = 0
    while len(out) < size:
        place = len(out)
        if taken < len(base) and (place < NEW_FROM or (place - NEW_FROM) % NEW_EVERY):
            seen.add(base[taken])  # a word of two languages has a rank in each
            out.append(base[taken])
            taken += 1
            continue
        kind = next(kinds)
        before = base[taken - 1] if taken < len(base) else rng.choice(common)
        for _ in range(20):
            if kind == "typo":
                w = typo(rng, before if len(before) > 3 else rng.choice(common))
            elif kind == "handle":
                w = handle(rng, rng.choice(common), rng.choice(common))
            elif kind == "hashtag":
                w = hashtag(rng, rng.choice(common), rng.choice(common))
            elif kind == "number":
                w = number(rng)
            else:
                w = product_code(rng)
            if w not in seen and not avoid(w):
                break
            before = rng.choice(common)
        else:
            continue
        seen.add(w)
        generated.add(w)
        out.append(w)
    return out


def _shares(params: StreamParams) -> tuple[list[str], list[int]]:
    langs = [lang for lang, _ in params.languages]
    return langs, list(itertools.accumulate(share for _, share in params.languages))


def zipf_stream(
    params: StreamParams,
    avoid: Avoid,
    surfaces: Sequence[str],
    n: int | None = None,
    seed: int = ZIPF_SEED,
) -> Stream:
    """``n`` (default ``params.zipf_queries``) queries of Zipf-drawn words (see the module doc)."""
    started = time.perf_counter()
    n = params.zipf_queries if n is None else n
    rng = random.Random(seed)
    seen: set[str] = set()
    generated: set[str] = set()
    vocab: dict[str, list[str]] = {}
    for lang, _ in params.languages:
        vocab[lang] = _zipf_vocab(
            rng, lang, params.vocab_per_lang, avoid, seen=seen, generated=generated
        )
    vocab_size = len(seen)
    del seen
    langs, lang_cum = _shares(params)
    chosen = rng.choices(langs, cum_weights=lang_cum, k=n)
    lengths = rng.choices(QUERY_LENGTHS, k=n)
    need = dict.fromkeys(langs, 0)
    for lang, k in zip(chosen, lengths, strict=True):
        need[lang] += k
    draws: dict[str, list[str]] = {}
    for lang in langs:
        words = vocab[lang]
        cum = list(itertools.accumulate(1.0 / (r + ZIPF_OFFSET) for r in range(len(words))))
        draws[lang] = rng.choices(words, cum_weights=cum, k=need[lang])
    at = dict.fromkeys(langs, 0)
    queries: list[str] = []
    append = queries.append
    join = " ".join
    for lang, k in zip(chosen, lengths, strict=True):
        i = at[lang]
        at[lang] = i + k
        append(join(draws[lang][i : i + k]))
    rules = 0
    if surfaces:
        for i in rng.sample(range(n), int(n * RULE_SHARE)):
            words = queries[i].split()
            words.insert(rng.randrange(len(words) + 1), rng.choice(surfaces))
            queries[i] = " ".join(words)
            rules += 1
    distinct: set[str] = set()
    total = new = 0
    for drawn in draws.values():
        distinct.update(drawn)
        total += len(drawn)
        new += sum(1 for w in drawn if w in generated)
    return Stream(
        "zipf",
        queries,
        words=total,
        distinct=len(distinct),
        generated=new,
        vocab=vocab_size,
        rule_queries=rules,
        seconds=time.perf_counter() - started,
    )


# -- the cold stream -------------------------------------------------------------------------


def cold_stream(
    params: StreamParams, avoid: Avoid, n: int | None = None, seed: int = COLD_SEED
) -> Stream:
    """``n`` (default ``params.cold_queries``) queries of mostly new words (see the module doc)."""
    started = time.perf_counter()
    n = params.cold_queries if n is None else n
    rng = random.Random(seed)
    lo, hi = params.cold_ranks
    band: dict[str, list[str]] = {}
    for lang, _ in params.languages:
        ranked = _ranked(lang, hi, avoid)
        band[lang] = ranked[lo:] or ranked[len(ranked) // 2 :]
    langs, lang_cum = _shares(params)
    kinds = [k for k, _ in COLD_KINDS]
    kind_cum = list(itertools.accumulate(w for _, w in COLD_KINDS))

    def word(lang: str) -> tuple[str, bool]:
        pool = band[lang]
        kind = rng.choices(kinds, cum_weights=kind_cum)[0]
        if kind == "word":
            w = rng.choice(pool)
            if rng.random() < COLD_TYPO:
                return typo(rng, w), True
            return w, False
        if kind == "handle":
            return handle(rng, rng.choice(pool), rng.choice(pool)), True
        if kind == "hashtag":
            return hashtag(rng, rng.choice(pool), rng.choice(pool)), True
        return product_code(rng), True

    queries: list[str] = []
    distinct: set[str] = set()
    total = new = 0
    for lang, k in zip(
        rng.choices(langs, cum_weights=lang_cum, k=n), rng.choices(QUERY_LENGTHS, k=n), strict=True
    ):
        words = []
        for _ in range(k):
            w, made = word(lang)
            words.append(w)
            new += made
        total += k
        distinct.update(words)
        queries.append(" ".join(words))
    return Stream(
        "cold",
        queries,
        words=total,
        distinct=len(distinct),
        generated=new,
        vocab=sum(len(b) for b in band.values()),
        rule_queries=0,
        seconds=time.perf_counter() - started,
    )
