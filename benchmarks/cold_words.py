"""Where the engine's time goes on words it has not seen: each new word of the Zipf stream, by kind.

    .venv/bin/python benchmarks/cold_words.py              # 10k terms, 20,000 new words
    .venv/bin/python benchmarks/cold_words.py --size 100k --words 5000
    .venv/bin/python benchmarks/cold_words.py --smoke      # tiny, to prove it runs

The Zipf stream of ``make bench`` (``_streams.py``) is read up to ``--skip`` queries into one
engine (its word memo as a service would have it), then every new word of the next queries is
timed alone, on a second engine with the same rules: through ``plain_word`` (the short way), or
through the word memo's whole reading (``Engine._chunk``) when the short way declines. The table
gives each kind of word, how many, its mean cost and its share of the time. This reads engine
internals on purpose (``docs/performance.md``, "Where the cold time goes now").
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _streams import StreamParams, avoid_filler, term_surfaces, zipf_stream
from _workload import QUERY_TERMS_FROM, SIZES, WorkloadParams, make_workload
from interventions import Engine
from interventions._match import plain_word
from interventions._normalize import letters_text


def kind_of(word: str, plain: bool, common: bool) -> str:
    if plain:
        return "plain, a common word" if common else "plain, a rarer word"
    if word.startswith("@"):
        return "@handle"
    if word.startswith("#"):
        return "#hashtag"
    if any(c.isdigit() for c in word):
        return "other token with digits"
    if letters_text(word) is not None:
        return "letters, read the whole way"
    return "other"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--size", default="10k", choices=sorted(SIZES))
    parser.add_argument("--words", type=int, default=20_000, help="new words to time")
    parser.add_argument("--skip", type=int, default=100_000, help="queries read first")
    parser.add_argument("--smoke", action="store_true", help="tiny rule set and stream")
    args = parser.parse_args(argv)
    if args.smoke:
        params, stream_params = WorkloadParams.smoke(), StreamParams.smoke()
        args.size, args.skip, args.words = next(iter(params.sizes)), 2_000, 500
    else:
        params = WorkloadParams(sizes={args.size: SIZES[args.size]}, queries=10)
        stream_params = StreamParams()
    wl = make_workload(params)
    ruleset = wl.rulesets[args.size]
    terms = sum(len(r.terms) for r in ruleset.rules)
    avoid = avoid_filler(wl.specs[: max(0, terms - int(wl.stats["seed_terms"]))], wl.params.vocab)
    first = [t for r in ruleset.rules for t in r.terms][:QUERY_TERMS_FROM]
    stream = zipf_stream(stream_params, avoid, term_surfaces(first), args.skip + 100_000)
    queries = stream.queries
    warm = Engine(ruleset)
    for q in queries[: args.skip]:
        warm.check(q)
    fresh = Engine(ruleset)
    index = fresh._index
    common = index.segmenter.common
    memo = warm._words
    new = [
        w
        for w in dict.fromkeys(w for q in queries[args.skip :] for w in q.split())
        if w not in memo.young and memo.get(w) is None
    ][: args.words]
    count: collections.Counter[str] = collections.Counter()
    spent: collections.Counter[str] = collections.Counter()
    for word in new:
        t = time.perf_counter_ns()
        tok = plain_word(index, word)
        if tok is None:
            fresh._chunk(word)
        took = time.perf_counter_ns() - t
        kind = kind_of(word, tok is not None, tok is not None and tok.text in common)
        count[kind] += 1
        spent[kind] += took
    total = sum(spent.values())
    print(f"{len(new):,} new words of the Zipf stream at {args.size} terms, each timed alone:")
    print(f"{'kind of new word':<30} {'words':>7} {'mean':>9} {'share of the time':>18}")
    for kind, n in count.most_common():
        mean = spent[kind] / n / 1e3
        print(f"{kind:<30} {n:>7,} {mean:>7.1f} us {spent[kind] / total:>17.0%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
