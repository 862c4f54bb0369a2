"""The quality harness: evasion recall, benign false positives and support queries, with targets.

    python benchmarks/quality.py              # the full report
    python benchmarks/quality.py --fast       # the sample that `make test-slow` asserts
    python benchmarks/quality.py --json r.json

Everything is seeded, so a run is reproducible from a clean clone. ``docs/quality.md`` explains
how each part is built and what each number means. The exit status is 0 only when every target
passes.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from interventions import Action, Decision, Engine, InterventionsError, RuleSet, TermKind

sys.path.insert(0, str(Path(__file__).resolve().parent))

import languages
from _obfuscate import FAMILIES, GATED_BY_FUZZY, PAIRS, STYLES, Variant, obfuscate

__all__ = [
    "FAST",
    "FULL",
    "Config",
    "Item",
    "KnownEntry",
    "KnownFalsePositives",
    "Probe",
    "Report",
    "Target",
    "build_items",
    "load_known",
    "main",
    "render",
    "run",
]

BENCH = Path(__file__).resolve().parent
SUPPORT_QUERIES = BENCH / "data" / "support_queries.txt"
KNOWN_NAME = Path("quality") / "known_false_positives.yaml"
"""Where a rules folder keeps its reviewed false positives (the loader reads only the top-level
``*.yaml`` files and ``cards/``, so a subfolder is safe)."""

RECALL_TARGET = 0.98
PAIR_TARGET = 0.95
WORD_FP_TARGET = 0.0002
QUERY_FP_TARGET = 0.0005

BLOCKING = (Action.BLOCK, Action.REDIRECT)


@dataclass(frozen=True, slots=True)
class Config:
    """What a run covers. ``FULL`` is the report; ``FAST`` the sample asserted by the tests."""

    mode: str = "full"
    seed: int = 20261123
    languages: tuple[str, ...] = ("en", "pl", "sv")
    words_per_language: int = 50_000
    queries: int = 100_000
    pair_samples: int = 2
    """Variants per term for each pair of families (each with its own random styles)."""
    pair_term_share: float = 1.0
    """Share of the terms (seeded) that get pairwise variants."""
    single_term_share: float = 1.0
    """Share of the terms (seeded) that get single-family variants."""
    ending_languages: tuple[str, ...] = ("en", "pl", "sv", "de")
    """Whole vocabularies that complete prefix terms with a real ending (the languages the
    shipped rules are written in); only ``languages`` are swept for false positives."""


FULL = Config()
FAST = Config(
    mode="fast",
    words_per_language=10_000,
    queries=20_000,
    pair_samples=1,
    # the shared rules grew from 850 to ~1,300 terms: sample about as many as before
    single_term_share=0.6,
    pair_term_share=0.3,
)


# -- the suite --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Item:
    """One positive term of one rule, as the suite sees it.

    ``words`` is its surface form: the words as written, each prefix completed with a real
    ending (``przemoc*`` → ``przemocy``, the most frequent word of the benign vocabulary that
    starts with the prefix).
    """

    rule_id: str
    category: str
    term: str
    kind: TermKind
    fuzzy: int
    words: tuple[str, ...]
    locale: str | None


@dataclass(frozen=True, slots=True)
class Probe:
    family: str
    """``identity``, a family (``leet``), or a pair (``leet+homoglyph``)."""
    item: Item
    variant: Variant
    in_scope: bool
    """False for typo variants of terms without a big enough ``fuzzy``: reported apart."""


@dataclass(slots=True)
class Outcome:
    probe: Probe
    rule_hit: bool
    category_hit: bool
    got: tuple[str, ...]


class _Completer:
    """Completes a prefix with the most frequent words that extend it, preferring the language
    of the term's other words (``våld i nära relation*`` → ``relationer``)."""

    KEEP = 5

    def __init__(self, vocab: dict[str, list[str]], prefixes: Iterable[str]) -> None:
        wanted = tuple(sorted({p.casefold() for p in prefixes}))
        self._known = {lang: frozenset(words[:50_000]) for lang, words in vocab.items()}
        self._best: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
        if not wanted:
            return
        for lang, words in vocab.items():
            for rank, w in enumerate(words):
                if not w.startswith(wanted) or not w.isalpha():
                    continue
                for p in wanted:
                    if len(w) > len(p) and w.startswith(p):
                        found = self._best[(lang, p)]
                        if len(found) < self.KEEP:
                            found.append((rank, w))

    def candidates(self, prefix: str, context: Sequence[str]) -> list[str]:
        """Completions of ``prefix``, best first: the language that knows most ``context``
        words, then the most frequent."""
        p = prefix.casefold()
        found = []
        for lang, known in self._known.items():
            score = sum(w.casefold() in known for w in context)
            for rank, word in self._best.get((lang, p), ()):
                found.append((-score, rank, word))
        return list(dict.fromkeys(prefix + w[len(p) :] for _, _, w in sorted(found)))

    def complete(self, prefix: str, context: Sequence[str], rng: random.Random) -> str:
        found = self.candidates(prefix, context)
        if found:
            return found[0]
        return prefix + rng.choice(("a", "y", "i", "e", "en", "ar", "s"))


def _prefix_parts(text: str, kind: TermKind) -> list[tuple[str, bool]]:
    """The written words of a term, each with whether it is a prefix."""
    written = text.split()
    return [
        (w.rstrip("*"), w.endswith("*") or (kind is TermKind.PREFIX and k == len(written) - 1))
        for k, w in enumerate(written)
    ]


Accept = Callable[[str, str, "str | None"], bool]
"""``accept(rule_id, text, locale)``: whether the rule matches ``text`` as written."""


def build_items(
    ruleset: RuleSet, vocab: dict[str, list[str]], seed: int, accept: Accept | None = None
) -> list[Item]:
    """Every word, phrase, prefix and substring term of every non-deprecated rule.

    A prefix is completed with its most frequent extension; when ``accept`` says the rule does
    not match that form (``selbstmord*`` → ``selbstmordattentäter``, which the rule excepts as
    terrorism news), the next most frequent is tried.
    """
    terms = [
        (rule, term)
        for rule in ruleset.rules
        # a cue (intent: cue) is never a match on its own, and a rule on trial never decides:
        # neither has a recall of its own to measure
        if rule.status.value not in ("deprecated", "experimental")
        and rule.intent.value != "cue"
        and not is_pack_rule(rule.path, ruleset.source)
        for term in rule.terms
        if term.kind not in (TermKind.REGEX, TermKind.NEAR)
    ]
    completer = _Completer(
        vocab,
        (w for _, t in terms for w, is_prefix in _prefix_parts(t.text, t.kind) if is_prefix),
    )
    items: list[Item] = []
    for rule, term in terms:
        rng = random.Random(f"{seed}|ending|{rule.id}|{term.text}")
        parts = _prefix_parts(term.text, term.kind)
        context = [w for w, is_prefix in parts if not is_prefix]
        words = [completer.complete(w, context, rng) if p else w for w, p in parts]
        locale = min(rule.languages) if rule.languages else None
        if accept is not None and not accept(rule.id, " ".join(words), locale):
            words = _another_ending(
                rule.id,
                words,
                parts=parts,
                completer=completer,
                context=context,
                locale=locale,
                accept=accept,
            )
        items.append(
            Item(rule.id, rule.category, term.text, term.kind, term.fuzzy, tuple(words), locale)
        )
    return items


def is_pack_rule(path: str, root: str) -> bool:
    """A rule of a language pack (a file in ``rules/<lang>/``): packs are measured on their own
    evaluation sets (``benchmarks/languages.py``); the obfuscation families here are built for
    the shared Latin-script rules (leet digits, Latin look-alikes) and run on those."""
    return bool(root) and Path(path).parent.resolve() != Path(root).resolve()


def _another_ending(
    rule_id: str,
    words: list[str],
    *,
    parts: list[tuple[str, bool]],
    completer: _Completer,
    context: list[str],
    locale: str | None,
    accept: Accept,
) -> list[str]:
    """``words`` with one prefix completed differently so that the rule matches, if one does."""
    for k, (w, is_prefix) in enumerate(parts):
        if not is_prefix:
            continue
        for other in completer.candidates(w, context)[1:]:
            tried = [*words[:k], other, *words[k + 1 :]]
            if accept(rule_id, " ".join(tried), locale):
                return tried
    return words


def _in_scope(item: Item, families: Iterable[str]) -> bool:
    need = max((GATED_BY_FUZZY.get(f, 0) for f in families), default=0)
    return need == 0 or (item.kind is TermKind.WORD and item.fuzzy >= need)


def _sampled(item: Item, share: float, seed: int, what: str) -> bool:
    if share >= 1.0:
        return True
    return random.Random(f"{seed}|{what}|{item.rule_id}|{item.term}").random() < share


def build_probes(items: Sequence[Item], config: Config) -> list[Probe]:
    """The obfuscation suite: the term as written, one variant per style of each family, and
    ``pair_samples`` variants per pair of families (styles drawn at random)."""
    seed = config.seed
    probes: list[Probe] = []
    for item in items:
        key = f"{seed}|{item.rule_id}|{item.term}"
        probes.append(Probe("identity", item, Variant(" ".join(item.words), ()), True))
        if _sampled(item, config.single_term_share, seed, "single"):
            for fam in FAMILIES:
                for style in STYLES[fam]:
                    rng = random.Random(f"{key}|{fam}:{style}")
                    v = obfuscate(item.words, {fam: style}, rng)
                    if v is not None:
                        probes.append(Probe(fam, item, v, _in_scope(item, (fam,))))
        if _sampled(item, config.pair_term_share, seed, "pair"):
            for a, b in PAIRS:
                for k in range(config.pair_samples):
                    rng = random.Random(f"{key}|{a}+{b}|{k}")
                    styles = {a: rng.choice(STYLES[a]), b: rng.choice(STYLES[b])}
                    v = obfuscate(item.words, styles, rng)
                    if v is not None:
                        probes.append(Probe(f"{a}+{b}", item, v, _in_scope(item, (a, b))))
    return probes


def run_probes(engine: Engine, probes: Sequence[Probe]) -> list[Outcome]:
    out = []
    check = engine.check
    for p in probes:
        d = check(p.variant.text, locale=p.item.locale)
        rules = tuple(dict.fromkeys(m.rule_id for m in d.matches))
        out.append(
            Outcome(
                p,
                p.item.rule_id in rules,
                any(m.category == p.item.category for m in d.matches),
                rules,
            )
        )
    return out


# -- reviewed false positives -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KnownEntry:
    """One reviewed hit of the benign sweep.

    ``verdict`` is ``intended`` when the word or query is what the rule is for (the word
    ``thinspo`` is among the 50,000 most frequent; it is not a false positive) and ``accepted``
    for a false positive that is tolerated for a reason: it still counts in the rate.
    """

    word: str | None
    query: str | None
    rule: str
    verdict: str
    reason: str
    lang: str | None = None
    line: int = 0


@dataclass(frozen=True, slots=True)
class KnownFalsePositives:
    entries: tuple[KnownEntry, ...]
    path: str = ""

    def lookup(self, *, lang: str, word: str | None, query: str | None, rule: str) -> str | None:
        """The verdict for this hit, or None when nobody has reviewed it."""
        for e in self.entries:
            if e.rule != rule or (e.lang is not None and e.lang != lang):
                continue
            if word is not None and e.word is not None and e.word.casefold() == word.casefold():
                return e.verdict
            if query is not None and e.query is not None and e.query == query:
                return e.verdict
        return None


class KnownFileError(ValueError):
    """The reviewed false-positive file is malformed."""


_KNOWN_KEYS = frozenset({"word", "query", "rule", "verdict", "reason", "lang"})
VERDICTS = ("intended", "accepted")


def load_known(path: Path | None, ruleset: RuleSet | None = None) -> KnownFalsePositives:
    """Read and validate a known-false-positives file; ``path=None`` or a missing file is
    an empty list. Every entry must name a rule of ``ruleset`` (when given)."""
    if path is None or not path.is_file():
        return KnownFalsePositives((), str(path or ""))
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if data is None:
        return KnownFalsePositives((), str(path))
    if not isinstance(data, dict) or set(data) - {"entries"}:
        raise KnownFileError(f"{path}: expected a mapping with one key, 'entries'")
    raw = data.get("entries") or []
    if not isinstance(raw, list):
        raise KnownFileError(f"{path}: 'entries' must be a list")
    lines = _entry_lines(text)
    rule_ids = {r.id for r in ruleset.rules} if ruleset is not None else None
    entries: list[KnownEntry] = []
    seen: set[tuple[str | None, str | None, str, str | None]] = set()
    for k, e in enumerate(raw):
        line = lines[k] if k < len(lines) else 0
        where = f"{path}:{line}"
        if not isinstance(e, dict):
            raise KnownFileError(f"{where}: an entry is a mapping")
        unknown = set(e) - _KNOWN_KEYS
        if unknown:
            raise KnownFileError(f"{where}: unknown keys {sorted(unknown)}")
        word, query = e.get("word"), e.get("query")
        if (word is None) == (query is None):
            raise KnownFileError(f"{where}: an entry has exactly one of 'word' or 'query'")
        for key in ("rule", "verdict", "reason"):
            if not isinstance(e.get(key), str) or not e[key].strip():
                raise KnownFileError(f"{where}: '{key}' is required text")
        if e["verdict"] not in VERDICTS:
            raise KnownFileError(f"{where}: verdict must be one of {', '.join(VERDICTS)}")
        if rule_ids is not None and e["rule"] not in rule_ids:
            raise KnownFileError(f"{where}: no rule {e['rule']!r} in the rule set")
        lang = e.get("lang")
        if lang is not None and not isinstance(lang, str):
            raise KnownFileError(f"{where}: 'lang' is a language code")
        text_key = str(word if word is not None else query)
        dup = (
            text_key.casefold() if word is not None else None,
            text_key if query is not None else None,
            e["rule"],
            lang,
        )
        if dup in seen:
            raise KnownFileError(f"{where}: duplicate entry for {text_key!r} / {e['rule']}")
        seen.add(dup)
        entries.append(
            KnownEntry(
                str(word) if word is not None else None,
                str(query) if query is not None else None,
                e["rule"],
                e["verdict"],
                e["reason"].strip(),
                lang,
                line,
            )
        )
    return KnownFalsePositives(tuple(entries), str(path))


def _entry_lines(text: str) -> list[int]:
    """Line numbers of the items of ``entries:`` (for messages)."""
    out = []
    for n, raw in enumerate(text.splitlines(), start=1):
        if raw.lstrip().startswith("- ") and raw.startswith("  -"):
            out.append(n)
    return out


# -- benign sweeps ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BenignHit:
    """A benign word or query that got an intervention, with its review verdict per rule."""

    lang: str
    text: str
    action: str
    matches: tuple[tuple[str, str, str], ...]
    """(rule id, term, matched text) for each match."""
    verdicts: tuple[tuple[str, str], ...]
    """(rule id, ``intended`` | ``accepted`` | ``unlisted``)."""
    style: str = "word"

    @property
    def false_positive(self) -> bool:
        """Any match that is not the rule doing its job makes the hit a false positive."""
        return any(v != "intended" for _, v in self.verdicts)

    @property
    def unlisted(self) -> bool:
        return any(v == "unlisted" for _, v in self.verdicts)


def _hit(
    d: Decision, lang: str, text: str, known: KnownFalsePositives, *, is_word: bool, style: str
) -> BenignHit:
    matches = tuple((m.rule_id, m.term, m.text) for m in d.matches)
    verdicts = []
    for rule in dict.fromkeys(m.rule_id for m in d.matches):
        v = known.lookup(
            lang=lang,
            word=text if is_word else None,
            query=None if is_word else text,
            rule=rule,
        )
        verdicts.append((rule, v or "unlisted"))
    return BenignHit(lang, text, d.action.value, matches, tuple(verdicts), style)


def load_vocabulary(languages: Sequence[str], n: int = 50_000) -> dict[str, list[str]]:
    """The ``n`` most frequent words of each language, most frequent first (wordfreq's
    offline data; ``n=0`` for every word it lists)."""
    try:
        import wordfreq
    except ImportError as exc:  # pragma: no cover - the dev extra has it
        raise SystemExit("the quality harness needs wordfreq: pip install -e '.[dev]'") from exc
    return {lang: list(wordfreq.top_n_list(lang, n or 10**8)) for lang in languages}


def sweep_words(
    engine: Engine, words: dict[str, list[str]], known: KnownFalsePositives
) -> list[BenignHit]:
    hits = []
    for lang, ws in words.items():
        for w in ws:
            d = engine.check(w, locale=lang)
            if d.intervenes:
                hits.append(_hit(d, lang, w, known, is_word=True, style="word"))
    return hits


QUERY_STYLES = (("spaces", 0.7), ("hyphen", 0.1), ("hashtag", 0.1), ("camel", 0.1))


def build_queries(words: dict[str, list[str]], n: int, seed: int) -> list[tuple[str, str, str]]:
    """``n`` benign queries of 2-4 words of one language: ``(lang, style, query)``.

    Mostly words separated by spaces; some with two words hyphenated (``self-help``), some
    glued into a hashtag (``#bananabread``, ``#BananaBread``), the shapes where separator
    joining and hashtag segmentation could glue two real words into a false hit.
    """
    rng = random.Random(f"{seed}|queries")
    langs = sorted(words)
    out = []
    for i in range(n):
        lang = langs[i % len(langs)]
        pool = words[lang]
        ws = [rng.choice(pool) for _ in range(rng.randint(2, 4))]
        r = rng.random()
        acc = 0.0
        style = QUERY_STYLES[-1][0]
        for name, share in QUERY_STYLES:
            acc += share
            if r < acc:
                style = name
                break
        if style == "spaces":
            q = " ".join(ws)
        elif style == "hyphen":
            k = rng.randrange(len(ws) - 1)
            q = " ".join([*ws[:k], ws[k] + "-" + ws[k + 1], *ws[k + 2 :]])
        elif style == "hashtag":
            q = "#" + "".join(ws)
        else:
            q = "#" + "".join(w[:1].upper() + w[1:] for w in ws)
        out.append((lang, style, q))
    return out


def sweep_queries(
    engine: Engine, queries: Sequence[tuple[str, str, str]], known: KnownFalsePositives
) -> list[BenignHit]:
    hits = []
    for lang, style, q in queries:
        d = engine.check(q, locale=lang)
        if d.intervenes:
            hits.append(_hit(d, lang, q, known, is_word=False, style=style))
    return hits


# -- support queries --------------------------------------------------------------------------


def load_support(path: Path = SUPPORT_QUERIES) -> list[tuple[str, str]]:
    """``(locale, query)`` per line of ``locale query``; ``#`` starts a comment line."""
    out = []
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("# ") or line == "#":
            continue
        locale, _, query = line.partition(" ")
        if not query.strip():
            raise ValueError(f"{path}:{n}: expected 'locale query'")
        out.append((locale, query.strip()))
    return out


@dataclass(frozen=True, slots=True)
class SupportResult:
    locale: str
    query: str
    action: str
    rule_id: str | None
    matches: tuple[tuple[str, str, str], ...]


def check_support(engine: Engine, queries: Sequence[tuple[str, str]]) -> list[SupportResult]:
    out = []
    for locale, q in queries:
        d = engine.check(q, locale=locale)
        out.append(
            SupportResult(
                locale,
                q,
                d.action.value,
                d.rule_id,
                tuple((m.rule_id, m.term, m.action.value) for m in d.matches),
            )
        )
    return out


# -- the report -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Target:
    """One number the issue sets a target for."""

    key: str
    label: str
    value: float
    threshold: float
    at_most: bool
    count: str
    detail: str = ""

    @property
    def passed(self) -> bool:
        if self.at_most:
            return self.value <= self.threshold + 1e-12
        return self.value >= self.threshold - 1e-12


@dataclass(slots=True)
class Report:
    config: Config
    ruleset_version: str
    rules: int
    items: list[Item]
    outcomes: list[Outcome]
    word_counts: dict[str, int]
    word_hits: list[BenignHit]
    query_count: int
    query_style_counts: dict[str, int]
    query_hits: list[BenignHit]
    support: list[SupportResult]
    known: KnownFalsePositives
    known_error: str | None
    stale: list[KnownEntry]
    seconds: dict[str, float] = field(default_factory=dict)

    # -- numbers --

    def recall(self, family: str, *, in_scope: bool = True) -> tuple[int, int, int]:
        """(variants, recalled by the term's rule, recalled by its category)."""
        n = r = c = 0
        for o in self.outcomes:
            if o.probe.family == family and o.probe.in_scope == in_scope:
                n += 1
                r += o.rule_hit
                c += o.category_hit
        return n, r, c

    def pairs(self) -> dict[str, tuple[int, int, int]]:
        acc: dict[str, list[int]] = {}
        for o in self.outcomes:
            if "+" in o.probe.family and o.probe.in_scope:
                a = acc.setdefault(o.probe.family, [0, 0, 0])
                a[0] += 1
                a[1] += o.rule_hit
                a[2] += o.category_hit
        return {k: (v[0], v[1], v[2]) for k, v in acc.items()}

    def misses(self, family: str) -> list[Outcome]:
        return [
            o
            for o in self.outcomes
            if o.probe.family == family and o.probe.in_scope and not o.rule_hit
        ]

    def targets(self) -> list[Target]:
        out: list[Target] = []
        n, r, _ = self.recall("identity")
        out.append(Target("identity", "terms as written", _rate(r, n), 1.0, False, f"{r}/{n}"))
        for fam in FAMILIES:
            n, r, _ = self.recall(fam)
            if n:
                out.append(
                    Target(
                        f"recall:{fam}", f"recall {fam}", r / n, RECALL_TARGET, False, f"{r}/{n}"
                    )
                )
        pairs = self.pairs()
        if pairs:
            rates = {k: _rate(v[1], v[0]) for k, v in pairs.items() if v[0]}
            worst = min(rates, key=lambda k: (rates[k], k))
            failing = sorted(k for k, v in rates.items() if v < PAIR_TARGET - 1e-12)
            out.append(
                Target(
                    "pairwise",
                    "pairwise recall (every pair)",
                    rates[worst],
                    PAIR_TARGET,
                    False,
                    f"min {worst}",
                    f"{len(failing)} of {len(rates)} pairs below target: " + ", ".join(failing)
                    if failing
                    else "",
                )
            )
        for lang, total in self.word_counts.items():
            fp = [h for h in self.word_hits if h.lang == lang and h.false_positive]
            out.append(
                Target(
                    f"fp_words:{lang}",
                    f"false positives, {lang} words",
                    _rate(len(fp), total),
                    WORD_FP_TARGET,
                    True,
                    f"{len(fp)}/{total}",
                )
            )
        fpq = [h for h in self.query_hits if h.false_positive]
        out.append(
            Target(
                "fp_queries",
                "false positives, benign queries",
                _rate(len(fpq), self.query_count),
                QUERY_FP_TARGET,
                True,
                f"{len(fpq)}/{self.query_count}",
            )
        )
        unlisted = [h for h in [*self.word_hits, *self.query_hits] if h.unlisted]
        out.append(
            Target(
                "unlisted",
                "benign hits not in known_false_positives",
                len(unlisted),
                0,
                True,
                str(len(unlisted)),
            )
        )
        blocked = [s for s in self.support if s.action in BLOCKING]
        out.append(
            Target(
                "support",
                "support queries blocked or redirected",
                len(blocked),
                0,
                True,
                f"{len(blocked)}/{len(self.support)}",
            )
        )
        out.append(
            Target(
                "known_file",
                "known_false_positives file valid",
                0 if self.known_error is None else 1,
                0,
                True,
                "ok" if self.known_error is None else "invalid",
                self.known_error or "",
            )
        )
        return out


def _rate(k: int, n: int) -> float:
    return k / n if n else 0.0


# -- running ----------------------------------------------------------------------------------


def run(
    config: Config = FULL,
    *,
    rules: str | Path | None = None,
    known_path: Path | None = None,
    support_path: Path = SUPPORT_QUERIES,
) -> Report:
    """Measure the engine for ``rules`` (default: the shipped rule set)."""
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    engine = Engine.from_path(rules) if rules is not None else Engine.default()
    ruleset = engine.ruleset
    if known_path is None:
        known_path = Path(ruleset.source) / KNOWN_NAME
    known_error = None
    try:
        known = load_known(known_path, ruleset)
        # each language pack reviews its own hits: quality/known_false_positives_<lang>.yaml
        for extra in sorted(known_path.parent.glob(known_path.stem + "_*.yaml")):
            more = load_known(extra, ruleset)
            known = KnownFalsePositives(known.entries + more.entries, known.path)
    except KnownFileError as exc:
        known, known_error = KnownFalsePositives(()), str(exc)
    vocab = load_vocabulary(config.languages)
    endings = load_vocabulary(config.ending_languages, 0)
    seconds["setup"] = time.perf_counter() - t0

    t = time.perf_counter()

    def accept(rule_id: str, text: str, locale: str | None) -> bool:
        return any(m.rule_id == rule_id for m in engine.check(text, locale=locale).matches)

    items = build_items(ruleset, endings, config.seed, accept)
    probes = build_probes(items, config)
    outcomes = run_probes(engine, probes)
    seconds["obfuscation"] = time.perf_counter() - t

    t = time.perf_counter()
    words = {lang: ws[: config.words_per_language] for lang, ws in vocab.items()}
    word_hits = sweep_words(engine, words, known)
    seconds["words"] = time.perf_counter() - t

    t = time.perf_counter()
    hitting = {(h.lang, h.text) for h in word_hits}
    clean = {lang: [w for w in ws if (lang, w) not in hitting] for lang, ws in words.items()}
    queries = build_queries(clean, config.queries, config.seed)
    query_hits = sweep_queries(engine, queries, known)
    seconds["queries"] = time.perf_counter() - t

    t = time.perf_counter()
    support = check_support(engine, load_support(support_path))
    seconds["support"] = time.perf_counter() - t

    stale: list[KnownEntry] = []
    if config.mode == "full":
        stale = _stale(known, word_hits, query_hits)
    seconds["total"] = time.perf_counter() - t0
    return Report(
        config,
        ruleset.version,
        len(ruleset.rules),
        items,
        outcomes,
        {lang: len(ws) for lang, ws in words.items()},
        word_hits,
        len(queries),
        dict(Counter(style for _, style, _ in queries)),
        query_hits,
        support,
        known,
        known_error,
        stale,
        seconds,
    )


def _stale(
    known: KnownFalsePositives, word_hits: list[BenignHit], query_hits: list[BenignHit]
) -> list[KnownEntry]:
    words = {(h.text.casefold(), r) for h in word_hits for r, _ in h.verdicts}
    queries = {(h.text, r) for h in query_hits for r, _ in h.verdicts}
    out = []
    for e in known.entries:
        hit = (
            (e.word.casefold(), e.rule) in words
            if e.word is not None
            else (e.query, e.rule) in queries
        )
        if not hit:
            out.append(e)
    return out


# -- rendering --------------------------------------------------------------------------------


def _pct(x: float) -> str:
    return f"{100 * x:6.2f}%"


def _fp_pct(x: float) -> str:
    return f"{100 * x:.4f}%"


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


_SHORT = {
    "leet": "leet",
    "homoglyph": "homo",
    "zero_width": "zw",
    "separators": "sep",
    "repeats": "rep",
    "typo1": "typo1",
    "typo2": "typo2",
    "concatenation": "concat",
    "case_diacritics": "case",
}


def render(report: Report, *, examples: int = 12) -> str:
    """The printed report: tables with targets, then the failures that make them fail."""
    cfg = report.config
    out: list[str] = []
    add = out.append
    targets = {t.key: t for t in report.targets()}
    add(
        f"interventions quality report ({cfg.mode} mode, seed {cfg.seed}) - rule set "
        f"{report.ruleset_version}: {report.rules} rules, {len(report.items)} terms"
    )
    add("")
    add("1. Obfuscation recall: a variant counts when the decision has a match of the term's")
    add("   own rule (rule recall) or of any rule of its category (category recall).")
    add("")
    head = f"   {'family':<26}{'variants':>9}{'rule':>10}{'category':>10}   {'target':<8}result"
    add(head)
    add("   " + "-" * (len(head) - 3))
    rows = [("identity", "identity (as written)", True), *[(f, f, True) for f in FAMILIES]]
    for fam, label, scope in rows:
        n, r, c = report.recall(fam, in_scope=scope)
        if not n:
            continue
        key = fam if fam == "identity" else f"recall:{fam}"
        t = targets.get(key)
        goal = "100%" if fam == "identity" else f">={RECALL_TARGET:.0%}"
        res = _verdict(t.passed) if t else ""
        add(f"   {label:<26}{n:>9}{_pct(r / n):>10}{_pct(c / n):>10}   {goal:<8}{res}")
    for fam, need in GATED_BY_FUZZY.items():
        n, r, c = report.recall(fam, in_scope=False)
        if n:
            label = f"{fam} (no fuzzy>={need})"
            add(f"   {label:<26}{n:>9}{_pct(r / n):>10}{_pct(c / n):>10}   {'-':<8}info")
    add("")
    add("   Typos count only for word terms with fuzzy >= 1 (typo1) or fuzzy: 2 (typo2); the")
    add("   'no fuzzy' rows show the other terms for information, without a target.")
    add("")
    add(_matrix(report, "Rule recall by category (single families, in scope)", _category))
    add("")
    add(_matrix(report, "Rule recall by term kind (single families, in scope)", _kind))
    add("")
    add(_pair_matrix(report, targets.get("pairwise")))
    add("")
    add("2. Benign false positives (a hit is a false positive unless reviewed as 'intended')")
    add("")
    head = (
        f"   {'sweep':<22}{'checked':>9}{'hits':>6}{'intended':>9}{'accepted':>9}"
        f"{'unlisted':>9}{'FP rate':>10}   {'target':<11}result"
    )
    add(head)
    add("   " + "-" * (len(head) - 3))
    for lang, total in report.word_counts.items():
        hs = [h for h in report.word_hits if h.lang == lang]
        t = targets[f"fp_words:{lang}"]
        add(_fp_row(f"words {lang}", total, hs, t, WORD_FP_TARGET))
    t = targets["fp_queries"]
    add(_fp_row("queries (2-4 words)", report.query_count, report.query_hits, t, QUERY_FP_TARGET))
    styles = ", ".join(
        f"{s} {report.query_style_counts.get(s, 0)} "
        f"({sum(1 for h in report.query_hits if h.style == s)} hits)"
        for s, _ in QUERY_STYLES
    )
    add(f"   query shapes: {styles}")
    add("")
    add("3. Support queries (help-seeking, recovery, news, education)")
    counts = Counter(s.action for s in report.support)
    t = targets["support"]
    add(
        f"   {len(report.support)} queries: "
        + ", ".join(f"{a} {counts.get(a.value, 0)}" for a in Action)
        + f"; blocked or redirected {t.count}   target 0   {_verdict(t.passed)}"
    )
    add("")
    add("4. Targets")
    for t in report.targets():
        bound = "<=" if t.at_most else ">="
        if t.key.startswith(("fp_",)):
            value, goal = _fp_pct(t.value), f"{bound} {_fp_pct(t.threshold)}"
        elif t.key == "known_file":
            value, goal = t.count, "ok"
        elif t.key in ("unlisted", "support"):
            value, goal = t.count, f"{bound} {t.threshold:g}"
        else:
            value, goal = _pct(t.value).strip(), f"{bound} {t.threshold:.0%}"
        count = f"  ({t.count})" if t.count != value else ""
        add(f"   {_verdict(t.passed)}  {t.label:<44}{value:>10}{count}  target {goal}")
    passed = sum(t.passed for t in report.targets())
    add(f"   {passed} of {len(targets)} targets pass")
    add("")
    add(_failures(report, examples))
    secs = ", ".join(f"{k} {v:.1f}s" for k, v in report.seconds.items())
    add(f"time: {secs}")
    return "\n".join(out)


def _fp_row(label: str, total: int, hits: list[BenignHit], t: Target, goal: float) -> str:
    intended = sum(1 for h in hits if not h.false_positive)
    unlisted = sum(1 for h in hits if h.unlisted)
    accepted = sum(1 for h in hits if h.false_positive and not h.unlisted)
    return (
        f"   {label:<22}{total:>9}{len(hits):>6}{intended:>9}{accepted:>9}{unlisted:>9}"
        f"{_fp_pct(t.value):>10}   {'<=' + _fp_pct(goal):<11}{_verdict(t.passed)}"
    )


def _matrix(report: Report, title: str, column: Callable[[Item], str]) -> str:
    """Rule recall of the single families, one column per value of ``column(item)``."""
    cols = sorted({column(i) for i in report.items})
    acc: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for o in report.outcomes:
        fam = o.probe.family
        if "+" in fam or not o.probe.in_scope:
            continue
        a = acc[(fam, column(o.probe.item))]
        a[0] += 1
        a[1] += o.rule_hit
    width = max(9, *(len(c) + 1 for c in cols))
    lines = [f"   {title}:"]
    lines.append(f"   {'family':<17}" + "".join(f"{c:>{width}}" for c in cols))
    for fam in ("identity", *FAMILIES):
        cells = []
        for c in cols:
            n, r = acc.get((fam, c), (0, 0))
            cells.append(f"{_pct(r / n).strip() if n else '-':>{width}}")
        if any(cell.strip() != "-" for cell in cells):
            lines.append(f"   {fam:<17}" + "".join(cells))
    return "\n".join(lines)


def _category(item: Item) -> str:
    return item.category


def _kind(item: Item) -> str:
    return item.kind.value


def _pair_matrix(report: Report, target: Target | None) -> str:
    pairs = report.pairs()
    if not pairs:
        return "   (no pairwise variants)"
    rates = {k: _rate(v[1], v[0]) for k, v in pairs.items()}
    lines = ["   Pairwise rule recall (two families combined; typo pairs over fuzzy terms only):"]
    lines.append("   " + " " * 8 + "".join(f"{_SHORT[f]:>8}" for f in FAMILIES))
    for a in FAMILIES:
        cells = []
        for b in FAMILIES:
            key = f"{a}+{b}" if f"{a}+{b}" in rates else f"{b}+{a}"
            cells.append(f"{_pct(rates[key]).strip() if key in rates else '-':>8}")
        lines.append(f"   {_SHORT[a]:<8}" + "".join(cells))
    values = sorted(rates.values())
    n = sum(v[0] for v in pairs.values())
    mean = sum(values) / len(values)
    worst = min(rates, key=lambda k: (rates[k], k))
    res = _verdict(target.passed) if target else ""
    lines.append(
        f"   {len(rates)} pairs, {n} variants: min {_pct(rates[worst]).strip()} ({worst}), "
        f"mean {_pct(mean).strip()}   target >= {PAIR_TARGET:.0%} each   {res}"
    )
    if target and target.detail:
        lines.append(f"   {target.detail}")
    return "\n".join(lines)


def _failures(report: Report, examples: int) -> str:
    lines = ["5. Failures", ""]
    for fam in ("identity", *FAMILIES):
        miss = report.misses(fam)
        if not miss:
            continue
        by_style = Counter(s for o in miss for s in o.probe.variant.styles)
        styles = ", ".join(f"{s.split(':', 1)[1]} {k}" for s, k in by_style.most_common())
        by_rule = Counter(o.probe.item.rule_id for o in miss)
        lines.append(f"   {fam}: {len(miss)} missed ({styles or 'as written'})")
        lines.append(
            "     most missed rules: " + ", ".join(f"{r} {k}" for r, k in by_rule.most_common(6))
        )
        if fam == "leet":
            lines.append("     missed / variants by leet character: " + _leet_chars(report))
        for o in _spread(miss, examples):
            lines.append("     " + _describe(o))
    pairs = report.pairs()
    bad = sorted((k for k, v in pairs.items() if _rate(v[1], v[0]) < PAIR_TARGET), key=lambda k: k)
    for pair in bad:
        miss = report.misses(pair)
        lines.append(f"   {pair}: {len(miss)} missed of {pairs[pair][0]}")
        for o in _spread(miss, max(3, examples // 3)):
            lines.append("     " + _describe(o))
    lines.append("")
    for title, hits in (("word", report.word_hits), ("query", report.query_hits)):
        fps = [h for h in hits if h.false_positive]
        lines.append(f"   benign {title} hits that are false positives ({len(fps)}):")
        for h in fps:
            lines.append("     " + _describe_hit(h))
        ok = [h for h in hits if not h.false_positive]
        if ok:
            lines.append(f"   benign {title} hits reviewed as intended ({len(ok)}):")
            lines.append("     " + ", ".join(f"{h.lang}:{h.text} ({h.matches[0][0]})" for h in ok))
    blocked = [s for s in report.support if s.action in BLOCKING]
    lines.append(f"   support queries blocked or redirected ({len(blocked)}):")
    for s in blocked:
        got = "; ".join(f"{r} term={t!r} {a}" for r, t, a in s.matches)
        lines.append(f"     [{s.locale}] {s.query!r} -> {s.action}: {got}")
    others = [s for s in report.support if s.action not in BLOCKING and s.action != "none"]
    if others:
        lines.append(f"   support queries with a banner or interstitial ({len(others)}, allowed):")
        for s in others:
            lines.append(f"     [{s.locale}] {s.query!r} -> {s.action} ({s.rule_id})")
    if report.stale:
        lines.append(
            f"   stale known_false_positives entries (no longer hit; {len(report.stale)}):"
        )
        for e in report.stale:
            lines.append(f"     line {e.line}: {e.word or e.query!r} / {e.rule}")
    if report.known_error:
        lines.append(f"   known_false_positives: {report.known_error}")
    lines.append("")
    return "\n".join(lines)


def _leet_chars(report: Report) -> str:
    """For each character the leet family put in, how many of the variants using it missed."""
    seen: Counter[str] = Counter()
    missed: Counter[str] = Counter()
    for o in report.outcomes:
        p = o.probe
        if p.family != "leet" or not p.in_scope:
            continue
        new = set(p.variant.text) - set(" ".join(p.item.words))
        seen.update(new)
        if not o.rule_hit:
            missed.update(new)
    return ", ".join(f"{c} {missed[c]}/{seen[c]}" for c in sorted(seen))


def _spread(miss: list[Outcome], k: int) -> list[Outcome]:
    """Up to ``k`` misses, one per rule and style before any second one (a readable sample)."""
    seen: set[tuple[str, tuple[str, ...]]] = set()
    first: list[Outcome] = []
    rest: list[Outcome] = []
    for o in miss:
        key = (o.probe.item.rule_id, o.probe.variant.styles)
        (rest if key in seen else first).append(o)
        seen.add(key)
    return (first + rest)[:k]


def _describe(o: Outcome) -> str:
    p = o.probe
    fuzzy = f" fuzzy:{p.item.fuzzy}" if p.item.fuzzy else ""
    styles = ",".join(s.split(":", 1)[1] for s in p.variant.styles) or "-"
    got = ",".join(o.got) if o.got else "none"
    return (
        f"{p.variant.text!r:<34} [{styles}] {p.item.rule_id} "
        f"({p.item.kind.value} {p.item.term!r}{fuzzy}) got: {got}"
    )


def _describe_hit(h: BenignHit) -> str:
    ms = "; ".join(f"{r} {t!r} at {x!r}" for r, t, x in h.matches)
    review = ",".join(f"{r}={v}" for r, v in h.verdicts)
    return f"[{h.lang}] {h.text!r} -> {h.action}: {ms}  ({review})"


# -- JSON -------------------------------------------------------------------------------------


def to_json(report: Report) -> dict[str, Any]:
    def outcome(o: Outcome) -> dict[str, Any]:
        p = o.probe
        return {
            "family": p.family,
            "styles": list(p.variant.styles),
            "text": p.variant.text,
            "rule": p.item.rule_id,
            "term": p.item.term,
            "kind": p.item.kind.value,
            "fuzzy": p.item.fuzzy,
            "in_scope": p.in_scope,
            "category_hit": o.category_hit,
            "got": list(o.got),
        }

    def hit(h: BenignHit) -> dict[str, Any]:
        return {
            "lang": h.lang,
            "text": h.text,
            "style": h.style,
            "action": h.action,
            "matches": [list(m) for m in h.matches],
            "verdicts": dict(h.verdicts),
        }

    return {
        "mode": report.config.mode,
        "seed": report.config.seed,
        "ruleset": report.ruleset_version,
        "targets": [
            {
                "key": t.key,
                "value": t.value,
                "threshold": t.threshold,
                "at_most": t.at_most,
                "count": t.count,
                "passed": t.passed,
                "detail": t.detail,
            }
            for t in report.targets()
        ],
        "misses": [outcome(o) for o in report.outcomes if not o.rule_hit],
        "word_hits": [hit(h) for h in report.word_hits],
        "query_hits": [hit(h) for h in report.query_hits],
        "support": [
            {"locale": s.locale, "query": s.query, "action": s.action, "rule": s.rule_id}
            for s in report.support
        ],
        "seconds": report.seconds,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Evasion recall, benign false positives and support queries, with targets."
    )
    parser.add_argument("--fast", action="store_true", help="the sample `make test-slow` asserts")
    parser.add_argument("--seed", type=int, help=f"random seed (default {FULL.seed})")
    parser.add_argument("--rules", metavar="DIR", help="rules folder (default: shipped rules)")
    parser.add_argument(
        "--known",
        metavar="FILE",
        type=Path,
        help=f"reviewed false positives (default: RULES/{KNOWN_NAME.as_posix()})",
    )
    parser.add_argument(
        "--support", metavar="FILE", type=Path, default=SUPPORT_QUERIES, help="support queries"
    )
    parser.add_argument("--examples", type=int, default=12, help="missed variants per family")
    parser.add_argument("--json", metavar="FILE", type=Path, help="also write the report as JSON")
    args = parser.parse_args(argv)
    config = FAST if args.fast else FULL
    if args.seed is not None:
        config = replace(config, seed=args.seed)
    try:
        report = run(config, rules=args.rules, known_path=args.known, support_path=args.support)
    except InterventionsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(render(report, examples=args.examples))
    per_language = languages.run(
        rules=Path(args.rules) if args.rules else None,
        sizes=languages.FAST if args.fast else languages.FULL,
    )
    print()
    print(languages.render(per_language, examples=args.examples))
    if args.json:
        args.json.write_text(
            json.dumps(to_json(report), ensure_ascii=False, indent=1), encoding="utf-8"
        )
    passed = all(t.passed for t in report.targets()) and all(r.passed for r in per_language)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
