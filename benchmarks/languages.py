"""Per-language quality: each language measured apart, one table row per language.

    python benchmarks/languages.py            # every language with rules/<lang>/eval.tsv
    python benchmarks/languages.py --fast     # the sample `make test-slow` asserts
    python benchmarks/languages.py es ko      # some languages

For every language that has an evaluation set (``rules/<lang>/eval.tsv``: queries people type,
collected from published sources, see ``docs/quality.md``):

- recall: the share of its ``harm`` queries that get their area's intervention;
- support: ``support`` queries (help-seeking, recovery, education) blocked or redirected (target
  0) and shown a support card (target >= 90%);
- benign: its ``benign`` look-alike queries that get anything (target 0);
- words: the language's most frequent words (wordfreq), each checked alone; hits reviewed as
  ``intended`` in ``rules/quality/known_false_positives*.yaml`` (the topic word itself getting
  a support banner) do not count (target <= 0.02%);
- queries: benign queries of 2-4 of those words (target <= 0.05%).

``benchmarks/quality.py`` prints this table after its own report.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from interventions import Action, Engine

BLOCKING = (Action.BLOCK, Action.REDIRECT)
RECALL_TARGET = 0.95
SUPPORT_SHOWN_TARGET = 0.90
WORD_FP_TARGET = 0.0002
QUERY_FP_TARGET = 0.0005
HEADER = ["kind", "category", "query", "source"]
KINDS = ("harm", "support", "benign")
CATEGORIES = ("eating_disorder", "self_harm", "gender_violence", "violent_extremism")

LOCALE = {
    "en": "en-GB", "de": "de-DE", "es": "es-ES", "fr": "fr-FR", "it": "it-IT", "pt": "pt-BR",
    "nl": "nl-NL", "tr": "tr-TR", "id": "id-ID", "ru": "ru-RU", "uk": "uk-UA", "ar": "ar-EG",
    "ja": "ja-JP", "ko": "ko-KR", "vi": "vi-VN", "hi": "hi-IN", "pl": "pl-PL", "sv": "sv-SE",
}  # fmt: skip
"""The market each language is measured in (its card resources and scoped rules)."""


@dataclass(frozen=True, slots=True)
class Sizes:
    words: int = 50_000
    queries: int = 5_000


FULL = Sizes()
FAST = Sizes(words=5_000, queries=1_000)


class EvalFileError(ValueError):
    """An evaluation set is malformed; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class Row:
    kind: str
    category: str
    query: str
    source: str
    line: int


def read_eval(path: Path) -> list[Row]:
    """Read one ``eval.tsv``: a header ``kind category query source``, then one query a line."""
    rows: list[Row] = []
    with path.open(encoding="utf-8", newline="") as f:
        lines = [(n, r) for n, r in enumerate(csv.reader(f, delimiter="\t"), 1)]
    data = [(n, r) for n, r in lines if r and not r[0].startswith("#")]
    if not data or data[0][1] != HEADER:
        raise EvalFileError(f"{path}:1: the header must be {' '.join(HEADER)} (tab-separated)")
    for n, r in data[1:]:
        if len(r) != len(HEADER):
            raise EvalFileError(f"{path}:{n}: expected 4 tab-separated columns, got {len(r)}")
        kind, category, query, source = (x.strip() for x in r)
        if kind not in KINDS:
            raise EvalFileError(f"{path}:{n}: kind must be one of {', '.join(KINDS)}")
        if kind == "benign" and category != "-":
            raise EvalFileError(f"{path}:{n}: a benign query has category '-'")
        if kind != "benign" and category not in CATEGORIES:
            raise EvalFileError(f"{path}:{n}: category must be one of {', '.join(CATEGORIES)}")
        if not query or not source:
            raise EvalFileError(f"{path}:{n}: a query needs its text and its source")
        rows.append(Row(kind, category, query, source, n))
    return rows


@dataclass(slots=True)
class LanguageResult:
    lang: str
    harm: int = 0
    harm_hit: int = 0
    support: int = 0
    support_blocked: int = 0
    support_shown: int = 0
    benign: int = 0
    benign_hit: int = 0
    words: int = 0
    word_fp: int = 0
    queries: int = 0
    query_fp: int = 0
    misses: list[str] = field(default_factory=list)

    def rate(self, k: int, n: int) -> float:
        return k / n if n else 0.0

    def targets(self) -> list[tuple[str, bool]]:
        return [
            ("recall", self.harm > 0 and self.rate(self.harm_hit, self.harm) >= RECALL_TARGET),
            ("support not blocked", self.support_blocked == 0),
            (
                "support shown",
                self.support > 0
                and self.rate(self.support_shown, self.support) >= SUPPORT_SHOWN_TARGET,
            ),
            ("benign quiet", self.benign_hit == 0),
            ("words", self.rate(self.word_fp, self.words) <= WORD_FP_TARGET),
            ("queries", self.rate(self.query_fp, self.queries) <= QUERY_FP_TARGET),
        ]

    @property
    def passed(self) -> bool:
        return all(ok for _, ok in self.targets())


def languages_with_eval(rules: Path) -> list[str]:
    return sorted(p.parent.name for p in rules.glob("*/eval.tsv"))


def intended_words(rules: Path) -> set[tuple[str | None, str]]:
    """(language or None, word) of every reviewed ``intended`` word hit, from every
    ``rules/quality/known_false_positives*.yaml``."""
    import yaml

    out: set[tuple[str | None, str]] = set()
    for path in sorted((rules / "quality").glob("known_false_positives*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for e in data.get("entries") or []:
            if isinstance(e, dict) and e.get("verdict") == "intended" and e.get("word"):
                out.add((e.get("lang"), str(e["word"]).casefold()))
    return out


def _top_words(lang: str, n: int) -> list[str]:
    import wordfreq

    return [w for w in wordfreq.top_n_list(lang, n) if any(c.isalpha() for c in w)]


def measure(engine: Engine, rules: Path, lang: str, sizes: Sizes, seed: int) -> LanguageResult:
    result = LanguageResult(lang)
    locale = LOCALE.get(lang, lang)
    card_of = {
        "eating_disorder": "ed_support",
        "self_harm": "crisis_support",
        "gender_violence": "gbv_support",
        "violent_extremism": "extremism_exit",
    }
    for row in read_eval(rules / lang / "eval.tsv"):
        d = engine.check(row.query, locale=locale)
        if row.kind == "harm":
            result.harm += 1
            if d.intervenes and d.category == row.category:
                result.harm_hit += 1
            else:
                result.misses.append(f"harm {row.query!r}: {d.action.value} {d.rule_id}")
        elif row.kind == "support":
            result.support += 1
            blocked = d.action in BLOCKING
            result.support_blocked += blocked
            shown = (
                not blocked
                and d.intervenes
                and d.card is not None
                and d.card.id == card_of[row.category]
            )
            result.support_shown += shown
            if not shown:
                result.misses.append(f"support {row.query!r}: {d.action.value} {d.rule_id}")
        else:
            result.benign += 1
            if d.intervenes:
                result.benign_hit += 1
                result.misses.append(f"benign {row.query!r}: {d.action.value} {d.rule_id}")
    intended = intended_words(rules)
    words = _top_words(lang, sizes.words)
    clean: list[str] = []
    for w in words:
        d = engine.check(w, locale=locale)
        if not d.intervenes:
            clean.append(w)
            continue
        key = w.casefold()
        if (lang, key) in intended or (None, key) in intended:
            continue
        result.word_fp += 1
        result.misses.append(f"word {w!r}: {d.action.value} {d.rule_id}")
    result.words = len(words)
    rng = random.Random(f"{seed}|{lang}")
    sep = "" if lang in ("ja", "zh", "th") else " "
    for _ in range(sizes.queries if clean else 0):
        q = sep.join(rng.choice(clean) for _ in range(rng.randint(2, 4)))
        result.queries += 1
        d = engine.check(q, locale=locale)
        if d.intervenes:
            result.query_fp += 1
            result.misses.append(f"query {q!r}: {d.action.value} {d.rule_id}")
    return result


def render(results: Sequence[LanguageResult], *, examples: int = 5) -> str:
    lines = [
        "Per-language quality (rules/<lang>/eval.tsv; words and queries from wordfreq)",
        f"{'lang':<5} {'recall':>14} {'support blk':>12} {'support shown':>14} "
        f"{'benign hit':>11} {'word FP':>15} {'query FP':>14}  result",
    ]
    for r in results:

        def pct(k: int, n: int) -> str:
            return f"{100 * k / n:.1f}%" if n else "n/a"

        lines.append(
            f"{r.lang:<5} {pct(r.harm_hit, r.harm) + f' ({r.harm})':>14} "
            f"{r.support_blocked:>5}/{r.support:<6} "
            f"{pct(r.support_shown, r.support):>14} {r.benign_hit:>5}/{r.benign:<5} "
            f"{f'{100 * r.word_fp / max(r.words, 1):.3f}% ({r.word_fp})':>15} "
            f"{f'{100 * r.query_fp / max(r.queries, 1):.3f}% ({r.query_fp})':>14}  "
            + ("PASS" if r.passed else "FAIL " + ", ".join(n for n, ok in r.targets() if not ok))
        )
    lines.append(
        f"targets: recall >= {RECALL_TARGET:.0%}; support blocked 0, shown >= "
        f"{SUPPORT_SHOWN_TARGET:.0%}; benign 0; word FP <= {WORD_FP_TARGET:.2%}; query FP <= "
        f"{QUERY_FP_TARGET:.2%}"
    )
    for r in results:
        if r.misses and examples:
            lines.append(f"  {r.lang}: {len(r.misses)} misses, e.g.")
            lines += [f"    {m}" for m in r.misses[:examples]]
    return "\n".join(lines)


def run(
    languages: Sequence[str] | None = None,
    *,
    rules: Path | None = None,
    sizes: Sizes = FULL,
    seed: int = 20261125,
    engine: Engine | None = None,
) -> list[LanguageResult]:
    engine = engine or (Engine.from_path(rules) if rules else Engine.default())
    root = Path(engine.ruleset.source)
    langs = list(languages) if languages else languages_with_eval(root)
    return [measure(engine, root, lang, sizes, seed) for lang in langs]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Per-language quality, with targets.")
    parser.add_argument("languages", nargs="*", help="languages (default: every eval set)")
    parser.add_argument("--fast", action="store_true", help="the sample `make test-slow` asserts")
    parser.add_argument("--rules", type=Path, help="rules folder (default: shipped rules)")
    parser.add_argument("--examples", type=int, default=8, help="misses shown per language")
    args = parser.parse_args(argv)
    results = run(args.languages, rules=args.rules, sizes=FAST if args.fast else FULL)
    print(render(results, examples=args.examples))
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
