"""The benchmark workload: rule sets of 1k/10k/100k terms and a stream of search queries.

Everything is derived from a fixed seed and the word lists that ship inside ``wordfreq``, so two
runs (and two machines with the same ``wordfreq``) benchmark exactly the same input.

Rule sets are the shipped rules plus filler terms. Filler terms are rare words (wordfreq ranks
beyond 50k in English, Polish and Swedish), compounds of two rare words, 2-word phrases (a
common word and a rare one, so the phrase path really runs on ordinary queries), prefixes cut
from rare words, and fuzzy terms. They are written as a rule author would write them and parsed
by the loader's own term parser, so they are normalized exactly as ``load_rules`` would. Filler
is filtered so that it never matches the query vocabulary exactly or as a prefix: a real rule set
is linted against ordinary words, and a filler set that fired on 10% of queries would benchmark
decision building instead of matching. Fuzzy filler is kept away (by about its edit distance)
from every query word, and words with runs like ``aaaaaa`` (whose collapsed reading ``a`` would
prefix everything) are skipped. The sizes nest: the 1k set is a prefix of the 10k set,
which is a prefix of the 100k set, and every prefix keeps the same mix of kinds.

The query stream is 1-5 words, 60% English / 20% Polish / 20% Swedish, words drawn with Zipf
weights over the 50k most frequent words of the language; about 7% are hashtags
(``#concatenatedwords``, ``#CamelCase``) and about 1% contain a rule term, half of those
obfuscated (leet, repeats, separators, zero-width characters, homoglyphs). 8% of words are
long-tail tokens: typos of the drawn word, rare words (from ranks the filler does not use) or
tokens with digits, so that a memo of words seen before cannot cover the whole stream. Half of
the ordinary queries repeat a "head" of popular queries (Zipf again), as search traffic does;
the other half are fresh.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import json
import random
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from interventions import RuleFileError, load_rules
from interventions._compile import deletions
from interventions._loader import _parse_term, _Where
from interventions._model import Action, Rule, RuleSet, Term, TermKind
from interventions._normalize import collapse, normalize
from interventions._yaml import YMap

__all__ = [
    "CLASSES",
    "QUERY_COUNT",
    "SEED",
    "SIZES",
    "SMOKE_SIZES",
    "PeerTerms",
    "TermSpec",
    "Workload",
    "WorkloadParams",
    "build_ruleset",
    "digest",
    "generate_filler",
    "generate_queries",
    "load_seed",
    "make_workload",
    "parse_specs",
    "peer_terms",
    "read_specs",
    "snapshot",
    "write_snapshot",
    "write_specs",
    "write_yaml",
]

SEED = 20_250_605
QUERY_COUNT = 200_000
SIZES: dict[str, int] = {"1k": 1_000, "10k": 10_000, "100k": 100_000}
SMOKE_SIZES: dict[str, int] = {"1k": 1_000, "2k": 2_000}

REPO = Path(__file__).resolve().parents[1]
SHIPPED_RULES = REPO / "rules"
FALLBACK_RULES = REPO / "tests" / "data" / "mini_rules"

LANGUAGES = (("en", 0.6), ("pl", 0.2), ("sv", 0.2))
FILLER_LANGUAGES = ("en", "pl", "sv")

# One slot per 5% of filler terms: 70% word, 15% phrase, 10% prefix, 5% fuzzy.
KIND_PATTERN = (
    "word", "word", "phrase", "word", "word", "prefix", "word", "word", "word", "fuzzy",
    "word", "phrase", "word", "word", "word", "prefix", "word", "word", "phrase", "word",
)  # fmt: skip
COMPOUND_SHARE = 0.2  # of word terms: two rare words written as one (sv/pl style)
TERMS_PER_RULE = 10
FILLER_ACTIONS = (Action.INTERSTITIAL, Action.BANNER, Action.REDIRECT, Action.INTERSTITIAL)

CLASSES = ("plain", "hashtag", "rule, as written", "rule, obfuscated")
QUERY_TERMS_FROM = 1_000  # rule terms in queries come from the first this many terms
QUERY_LENGTHS = ((1, 0.25), (2, 0.30), (3, 0.25), (4, 0.12), (5, 0.08))
HASHTAG_SHARE = 0.07
RULE_QUERY_SHARE = 0.01
OBFUSCATED_SHARE = 0.5
REPEAT_SHARE = 0.5  # of ordinary queries: drawn from a Zipf-weighted head of popular queries
CAPITALIZED_SHARE = 0.1
ZIPF_OFFSET = 10  # softens the head so that queries are not all "the of and"
LONG_TAIL_SHARE = 0.08  # of query words: a typo, a rare word or a token with digits
_RUN3 = re.compile(r"(.)\1\1")
ALNUM_TOKENS = ("iphone", "ps", "covid", "win", "gta", "rtx", "bmw", "u", "")

HOMOGLYPHS = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і"}
LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"}
ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\u00ad")
SEPARATORS = (".", " ", "-", "_")
SUFFIXES = ("", "a", "ami", "en", "ing", "s", "y", "er")
HASHTAG_SUFFIXES = ("tips", "life", "girl", "motivation", "")
OBFUSCATIONS = ("leet", "repeat", "separator", "zero_width", "homoglyph")


@dataclass(frozen=True, slots=True)
class WorkloadParams:
    """The knobs of a workload; the defaults are the full benchmark."""

    sizes: dict[str, int] = field(default_factory=lambda: dict(SIZES))
    queries: int = QUERY_COUNT
    vocab: int = 50_000
    rare_end: int = 300_000
    seed: int = SEED

    @classmethod
    def smoke(cls) -> WorkloadParams:
        return cls(sizes=dict(SMOKE_SIZES), queries=2_000, vocab=5_000, rare_end=80_000)


@dataclass(frozen=True, slots=True)
class TermSpec:
    """A filler term as a rule author would write it in YAML."""

    kind: str  # word | phrase | prefix | fuzzy
    text: str
    fuzzy: int = 0

    def item(self) -> str | YMap:
        """The YAML value the loader would see for this term."""
        if self.kind != "fuzzy":
            return self.text
        m = YMap(word=self.text, fuzzy=self.fuzzy)
        m.line = 0
        m.key_lines = {"word": 0, "fuzzy": 0}
        return m


@dataclass(frozen=True, slots=True)
class PeerTerms:
    """A rule set as the peers see it: the normalized text of every term, by kind."""

    words: tuple[str, ...]
    phrases: tuple[str, ...]
    prefixes: tuple[str, ...]
    fuzzy: tuple[tuple[str, int], ...]

    def literals(self) -> list[str]:
        """Every term as one string (a prefix as its stem), deduplicated, in a stable order."""
        return list(dict.fromkeys([*self.words, *self.phrases, *self.prefixes]))


@dataclass(slots=True)
class Workload:
    params: WorkloadParams
    seed_rules: RuleSet
    seed_source: str
    seed_files: dict[str, bytes]
    specs: list[TermSpec]
    rulesets: dict[str, RuleSet]
    queries: list[str]
    classes: list[str]
    stats: dict[str, float] = field(default_factory=dict)


# -- the seed: shipped rules -----------------------------------------------------------------


def snapshot(folder: Path) -> dict[str, bytes]:
    """The rule and card files of ``folder`` and its common words (``vocabulary/common``, part
    of how the shipped engine reads text): rules/ may change while a benchmark runs."""
    files = [
        *folder.glob("*.y*ml"),
        *folder.glob("cards/*.y*ml"),
        *folder.glob("vocabulary/common/*.txt"),
        *folder.glob("vocabulary/common/*.keys"),
    ]
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(files)}


def write_snapshot(files: dict[str, bytes], folder: Path) -> None:
    (folder / "cards").mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)


def load_seed(folder: Path | None = None) -> tuple[RuleSet, str, dict[str, bytes]]:
    """The shipped rules (as files and loaded); the test rules when the shipped ones fail.

    ``folder``: load a snapshot written by :func:`write_snapshot` instead.
    """
    if folder is not None:
        return load_rules(folder), str(folder), snapshot(folder)
    with tempfile.TemporaryDirectory(prefix="interventions-seed-") as tmp:
        files = snapshot(SHIPPED_RULES)
        write_snapshot(files, Path(tmp))
        try:
            return load_rules(tmp), "shipped rules/", files
        except RuleFileError as exc:
            note = f"tests/data/mini_rules (shipped rules/ did not load: {exc.reason})"
    return load_rules(FALLBACK_RULES), note, snapshot(FALLBACK_RULES)


def _term_count(rules: Iterable[Rule]) -> int:
    return sum(len(r.terms) for r in rules)


# -- vocabulary ------------------------------------------------------------------------------


@dataclass(slots=True)
class _Vocab:
    words: dict[str, list[str]]
    cum: dict[str, list[float]]
    rare: dict[str, list[str]]
    tail: dict[str, list[str]]
    tokens: set[str]
    sorted_tokens: list[str]
    near: set[str]

    def draw(self, rng: random.Random, lang: str, k: int) -> list[str]:
        words = rng.choices(self.words[lang], cum_weights=self.cum[lang], k=k)
        for i, w in enumerate(words):
            if rng.random() < LONG_TAIL_SHARE:
                words[i] = self._long_tail(rng, lang, w)
        return words

    def _long_tail(self, rng: random.Random, lang: str, word: str) -> str:
        r = rng.random()
        if r < 0.5 and len(word) > 3:
            return _typo(rng, word)
        if r < 0.875:
            return rng.choice(self.tail[lang])
        return rng.choice(ALNUM_TOKENS) + str(rng.randrange(100))

    def is_word(self, token: str) -> bool:
        return token in self.tokens

    def is_prefix(self, stem: str) -> bool:
        """Whether ``stem`` starts some word of the query vocabulary."""
        i = bisect.bisect_left(self.sorted_tokens, stem)
        return i < len(self.sorted_tokens) and self.sorted_tokens[i].startswith(stem)

    def is_near(self, token: str, distance: int) -> bool:
        """Whether ``token`` is (about) ``distance`` edits from a word of the vocabulary.

        Exact for one edit; for two it misses only pairs that need a deletion on both sides,
        which is good enough for a filter.
        """
        return not self.near.isdisjoint(deletions(token, distance))


def _norm_tokens(text: str) -> list[str]:
    if text.isascii() and text.isalpha():
        return [text.lower()]  # what normalize() makes of it, 20x faster
    return [t.text for t in normalize(text).tokens]


def _vocab(params: WorkloadParams) -> _Vocab:
    """Query words (Zipf-weighted top ranks, plus a tail pool) and filler candidates.

    Ranks beyond ``params.vocab`` alternate between filler candidates and the query tail, so
    queries contain rare words too but never a filler word.
    """
    import wordfreq

    words: dict[str, list[str]] = {}
    cum: dict[str, list[float]] = {}
    rare: dict[str, list[str]] = {}
    tail: dict[str, list[str]] = {}
    tokens: set[str] = set()
    rng = random.Random(params.seed - 1)
    for lang in FILLER_LANGUAGES:
        ranked = [w for w in wordfreq.top_n_list(lang, params.rare_end) if w.isalpha()]
        common = ranked[: params.vocab]
        words[lang] = common
        cum[lang] = list(itertools.accumulate(1.0 / (r + ZIPF_OFFSET) for r in range(len(common))))
        beyond = ranked[params.vocab :]
        rare[lang] = [w for w in beyond[0::2] if len(w) >= 5]
        tail[lang] = rng.sample(beyond[1::2], min(len(beyond[1::2]), params.vocab // 2))
        for w in (*common, *tail[lang]):
            tokens.update(_norm_tokens(w))
    tokens |= {collapse(t) for t in tokens}
    near = set(tokens)
    for t in tokens:
        if len(t) >= 4:
            near.update(t[:i] + t[i + 1 :] for i in range(len(t)))
    return _Vocab(words, cum, rare, tail, tokens, sorted(tokens), near)


# -- filler terms ----------------------------------------------------------------------------

_WHERE = _Where("<benchmark filler>")


def parse_spec(spec: TermSpec, line: int = 0) -> Term:
    """The :class:`Term` the loader makes of ``spec`` (raises :class:`RuleFileError`)."""
    return _parse_term(spec.item(), line, _WHERE)


def generate_filler(
    count: int, vocab: _Vocab, rng: random.Random
) -> tuple[list[TermSpec], list[Term]]:
    """``count`` distinct filler terms in :data:`KIND_PATTERN` order, written and parsed."""
    pools = {lang: list(vocab.rare[lang]) for lang in FILLER_LANGUAGES}
    for lang in FILLER_LANGUAGES:
        rng.shuffle(pools[lang])
    cursor = dict.fromkeys(FILLER_LANGUAGES, 0)

    def rare_word(lang: str, min_len: int = 5) -> str:
        pool = pools[lang]
        while True:
            i = cursor[lang]
            cursor[lang] = i + 1
            w = pool[i % len(pool)]
            if len(w) >= min_len:
                return w

    seen: set[tuple[str, ...]] = set()
    out: list[TermSpec] = []
    parsed: list[Term] = []
    slot = 0
    attempts = 0
    while len(out) < count:
        attempts += 1
        if attempts > count * 50:
            raise RuntimeError("cannot find enough filler terms; widen the rare-word ranks")
        kind = KIND_PATTERN[slot % len(KIND_PATTERN)]
        lang = rng.choice(FILLER_LANGUAGES)
        if kind == "word":
            if rng.random() < COMPOUND_SHARE:
                spec = TermSpec("word", rare_word(lang) + rare_word(lang))
            else:
                spec = TermSpec("word", rare_word(lang))
        elif kind == "phrase":
            common = vocab.words[lang][rng.randrange(100, min(20_000, len(vocab.words[lang])))]
            pair = [common, rare_word(lang)]
            rng.shuffle(pair)
            spec = TermSpec("phrase", " ".join(pair))
        elif kind == "prefix":
            w = rare_word(lang, 8)
            spec = TermSpec("prefix", w[: len(w) - rng.randint(1, 3)] + "*")
        else:
            w = rare_word(lang, 6)
            n = 2 if len(w) >= 8 and rng.random() < 0.5 else 1
            spec = TermSpec("fuzzy", w, n)
        try:
            term = parse_spec(spec)
        except RuleFileError:
            continue
        toks = term.tokens
        if toks in seen or any(len(t) < 4 or _RUN3.search(t) for t in toks):
            continue
        if kind == "phrase":
            if len(toks) != 2 or sum(vocab.is_word(t) for t in toks) != 1:
                continue
        elif kind == "prefix":
            if len(toks) != 1 or vocab.is_prefix(toks[0]) or vocab.is_prefix(collapse(toks[0])):
                continue
        elif (
            vocab.is_word(toks[0])
            or vocab.is_word(collapse(toks[0]))
            or (kind == "fuzzy" and vocab.is_near(toks[0], spec.fuzzy))
        ):
            continue
        seen.add(toks)
        out.append(spec)
        parsed.append(term)
        slot += 1
    return out, parsed


def parse_specs(specs: Iterable[TermSpec]) -> list[Term]:
    return [parse_spec(s, i) for i, s in enumerate(specs)]


def build_ruleset(seed: RuleSet, filler: Sequence[Term], n_terms: int, label: str) -> RuleSet:
    """The seed rules plus as many filler terms as make ``n_terms`` terms in all."""
    need = max(0, n_terms - _term_count(seed.rules))
    if need > len(filler):
        raise ValueError(f"{label}: need {need} filler terms, have {len(filler)}")
    # rules without a card (help-seeking cues) lend filler neither
    pairs = [(r.category, r.card) for r in seed.rules if r.card] or [
        ("filler", next(iter(seed.cards)))
    ]
    rules = list(seed.rules)
    for k, start in enumerate(range(0, need, TERMS_PER_RULE)):
        terms = tuple(filler[start : min(start + TERMS_PER_RULE, need)])
        category, card = pairs[k % len(pairs)]
        rules.append(
            Rule(
                id=f"bench.{k}",
                category=category,
                action=FILLER_ACTIONS[k % len(FILLER_ACTIONS)],
                card=card,
                terms=terms,
                path="<benchmark filler>",
                line=start,
            )
        )
    return RuleSet(
        rules=tuple(rules),
        cards=seed.cards,
        version=f"bench-{label}-{seed.version}",
        source="<benchmark>",
        categories=seed.categories,
        common_words=seed.common_words,
    )


YAML_RULES_PER_FILE = 400


def write_yaml(ruleset: RuleSet, workload: Workload, folder: Path) -> None:
    """Write ``ruleset`` as a rules folder: the seed's files plus filler files under 1 MiB."""
    write_snapshot(workload.seed_files, folder)
    seed = workload.seed_rules
    seed_ids = {r.id for r in seed.rules}
    by_category: dict[str, list[Rule]] = {}
    for r in ruleset.rules:
        if r.id not in seed_ids:
            by_category.setdefault(r.category, []).append(r)
    chunks = [
        rules[i : i + YAML_RULES_PER_FILE]
        for rules in by_category.values()
        for i in range(0, len(rules), YAML_RULES_PER_FILE)
    ]
    for k, chunk in enumerate(chunks):
        lines = [f"category: {chunk[0].category}", "rules:"]
        for rule in chunk:
            terms = ", ".join(
                f"{{word: {json.dumps(t.text, ensure_ascii=False)}, fuzzy: {t.fuzzy}}}"
                if t.fuzzy
                else json.dumps(t.text, ensure_ascii=False)
                for t in rule.terms
            )
            example = json.dumps(rule.terms[0].text.replace("*", ""), ensure_ascii=False)
            lines.append(
                f"  - {{id: {rule.id}, action: {rule.action.value}, card: {rule.card}, "
                f"terms: [{terms}], examples: {{match: [{example}]}}}}"
            )
        path = folder / f"zz_filler_{k:04d}.yaml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_specs(specs: Sequence[TermSpec], path: Path) -> None:
    path.write_text(json.dumps([[s.kind, s.text, s.fuzzy] for s in specs]), encoding="utf-8")


def read_specs(path: Path) -> list[TermSpec]:
    return [TermSpec(k, t, f) for k, t, f in json.loads(path.read_text(encoding="utf-8"))]


def peer_terms(ruleset: RuleSet) -> PeerTerms:
    """What a peer library is given: the same normalized terms the engine compiles."""
    words: list[str] = []
    phrases: list[str] = []
    prefixes: list[str] = []
    fuzzy: list[tuple[str, int]] = []
    for rule in ruleset.rules:
        for term in rule.terms:
            if term.kind in (TermKind.REGEX, TermKind.NEAR) or not term.tokens:
                continue
            if len(term.tokens) > 1:
                phrases.append(" ".join(term.tokens))
            elif term.prefix_tokens[0]:
                prefixes.append(term.tokens[0])
            else:
                words.append(term.tokens[0])
            if term.fuzzy:
                fuzzy.append((term.tokens[0], term.fuzzy))
    return PeerTerms(tuple(words), tuple(phrases), tuple(prefixes), tuple(fuzzy))


# -- queries ---------------------------------------------------------------------------------


def _pick_weighted(rng: random.Random, table: Sequence[tuple[object, float]]) -> object:
    return rng.choices([v for v, _ in table], weights=[w for _, w in table])[0]


def _query_language(rng: random.Random) -> str:
    return str(_pick_weighted(rng, LANGUAGES))


def _query_length(rng: random.Random) -> int:
    n = _pick_weighted(rng, QUERY_LENGTHS)
    assert isinstance(n, int)
    return n


def _plain_query(rng: random.Random, vocab: _Vocab) -> str:
    words = vocab.draw(rng, _query_language(rng), _query_length(rng))
    q = " ".join(words)
    return q[:1].upper() + q[1:] if rng.random() < CAPITALIZED_SHARE else q


def _hashtag_query(rng: random.Random, vocab: _Vocab) -> str:
    lang = _query_language(rng)
    parts = vocab.draw(rng, lang, rng.choice((1, 2, 2, 3)))
    if rng.random() < 0.5:
        tag = "#" + "".join(p[:1].upper() + p[1:] for p in parts)
    else:
        tag = "#" + "".join(parts)
    if rng.random() < 0.3:
        extra = " ".join(vocab.draw(rng, lang, rng.choice((1, 2))))
        return f"{tag} {extra}" if rng.random() < 0.5 else f"{extra} {tag}"
    return tag


def _typo(rng: random.Random, w: str) -> str:
    """One edit in the middle of ``w`` (substitution, deletion or insertion)."""
    i = rng.randrange(1, len(w) - 1)
    op = rng.randrange(3)
    letter = rng.choice("aeiourstnl")
    if op == 0:
        return w[:i] + letter + w[i + 1 :]
    if op == 1:
        return w[:i] + w[i + 1 :]
    return w[:i] + letter + w[i:]


def _obfuscate(rng: random.Random, w: str, how: str) -> str:
    if len(w) < 3:
        how = "repeat"
    if how == "leet":
        spots = [i for i, c in enumerate(w) if c in LEET]
        if not spots:
            return w + w[-1] * 2
        keep = set(rng.sample(spots, max(1, len(spots) * 2 // 3)))
        return "".join(LEET[c] if i in keep else c for i, c in enumerate(w))
    if how == "repeat":
        i = rng.randrange(len(w))
        return w[: i + 1] + w[i] * rng.randint(2, 4) + w[i + 1 :]
    if how == "separator":
        return rng.choice(SEPARATORS).join(w)
    if how == "zero_width":
        out = list(w)
        for _ in range(rng.randint(1, 3)):
            out.insert(rng.randrange(1, len(out)), rng.choice(ZERO_WIDTH))
        return "".join(out)
    spots = [i for i, c in enumerate(w) if c in HOMOGLYPHS]
    if not spots:
        return w.upper()
    chosen = set(rng.sample(spots, min(len(spots), rng.randint(1, 2))))
    return "".join(HOMOGLYPHS[c] if i in chosen else c for i, c in enumerate(w))


def _surface(rng: random.Random, term: Term) -> list[str] | None:
    """Words a user might type for ``term``, before any obfuscation; None if not typeable."""
    if term.kind is TermKind.REGEX:
        return None
    words = term.text.split()
    if term.kind is TermKind.SUBSTRING:
        return ["#" + "".join(words) + rng.choice(HASHTAG_SUFFIXES)]
    out = []
    for w in words:
        out.append(w.rstrip("*") + rng.choice(SUFFIXES) if w.endswith("*") else w)
    if term.fuzzy and rng.random() < 0.5 and len(out[0]) > 4:
        out[0] = _typo(rng, out[0])
    return out


def _rule_query(rng: random.Random, vocab: _Vocab, terms: Sequence[Term]) -> tuple[str, bool]:
    while True:
        words = _surface(rng, rng.choice(terms))
        if words:
            break
    obfuscated = rng.random() < OBFUSCATED_SHARE
    if obfuscated:
        i = rng.randrange(len(words))
        words[i] = _obfuscate(rng, words[i], rng.choice(OBFUSCATIONS))
    lang = _query_language(rng)
    before = vocab.draw(rng, lang, rng.choice((0, 0, 1, 1, 2)))
    after = vocab.draw(rng, lang, rng.choice((0, 0, 1, 2)))
    return " ".join([*before, *words, *after]), obfuscated


def generate_queries(
    n: int, vocab: _Vocab, rule_terms: Sequence[Term], rng: random.Random
) -> tuple[list[str], list[str], dict[str, float]]:
    """The query stream, the class of each query (see :data:`CLASSES`) and counts."""
    head_size = max(100, n // 10)
    head = [_plain_query(rng, vocab) for _ in range(head_size)]
    head_cum = list(itertools.accumulate(1.0 / (r + 1) for r in range(head_size)))
    tag_head = [_hashtag_query(rng, vocab) for _ in range(max(20, head_size // 10))]
    tag_cum = list(itertools.accumulate(1.0 / (r + 1) for r in range(len(tag_head))))

    def ordinary(make: Callable[[], str], pool: list[str], cum: list[float]) -> str:
        if rng.random() < REPEAT_SHARE:
            return rng.choices(pool, cum_weights=cum)[0]
        return make()

    queries: list[str] = []
    classes: list[str] = []
    counts = {"rule": 0.0, "obfuscated": 0.0, "hashtag": 0.0}
    for _ in range(n):
        r = rng.random()
        if r < RULE_QUERY_SHARE:
            q, obfuscated = _rule_query(rng, vocab, rule_terms)
            counts["rule"] += 1
            counts["obfuscated"] += obfuscated
            cls = "rule, obfuscated" if obfuscated else "rule, as written"
        elif r < RULE_QUERY_SHARE + HASHTAG_SHARE:
            q = ordinary(lambda: _hashtag_query(rng, vocab), tag_head, tag_cum)
            counts["hashtag"] += 1
            cls = "hashtag"
        else:
            q = ordinary(lambda: _plain_query(rng, vocab), head, head_cum)
            cls = "plain"
        queries.append(q)
        classes.append(cls)
    counts["distinct"] = len(set(queries))
    counts["ascii"] = sum(q.isascii() for q in queries)
    counts["words"] = sum(len(q.split()) for q in queries) / max(1, n)
    return queries, classes, counts


# -- everything ------------------------------------------------------------------------------


def make_workload(params: WorkloadParams | None = None) -> Workload:
    """The rule sets of every size and the query stream, all from ``params.seed``."""
    params = params or WorkloadParams()
    seed_rules, seed_source, seed_files = load_seed()
    vocab = _vocab(params)
    largest = max(params.sizes.values())
    rng = random.Random(params.seed)
    specs, filler = generate_filler(max(0, largest - _term_count(seed_rules.rules)), vocab, rng)
    rulesets = {
        label: build_ruleset(seed_rules, filler, n, label) for label, n in params.sizes.items()
    }
    # Rule terms in queries come from the 1k set whatever sizes run, so the stream is the same.
    source = build_ruleset(seed_rules, filler, min(QUERY_TERMS_FROM, largest), "queries")
    rule_terms = [
        t for r in source.rules for t in r.terms if t.kind not in (TermKind.REGEX, TermKind.NEAR)
    ]
    queries, classes, stats = generate_queries(
        params.queries, vocab, rule_terms, random.Random(params.seed + 1)
    )
    stats["seed_terms"] = _term_count(seed_rules.rules)
    return Workload(
        params, seed_rules, seed_source, seed_files, specs, rulesets, queries, classes, stats
    )


def digest(workload: Workload) -> str:
    """A short hash of everything generated, to prove two runs saw the same input."""
    h = hashlib.sha256()
    for s in workload.specs:
        h.update(f"{s.kind}\0{s.text}\0{s.fuzzy}\n".encode())
    for q in workload.queries:
        h.update(q.encode() + b"\n")
    return h.hexdigest()[:16]
