"""The reference matcher shares no code with the fast path it checks (issue #9 item 4).

A helper the two shared could be wrong in both at once and never show up as a differential
failure, so ``_reference`` imports only the rule model, the normalizer, the script table and
the function-word list, and states every rule itself. The few constants it must repeat, and the
term numbering both must agree on, are pinned here.
"""

from __future__ import annotations

import ast
import inspect
import sys
from pathlib import Path

import pytest

from interventions import Engine, _reference
from interventions._compile import (
    MAX_FUZZY_TOKEN,
    MIN_GLUED,
    PREFIX_BUCKET,
    glued,
    inside_runs,
    live_terms,
    near_anchor,
    token_matcher,
)
from interventions._match import matcher_accepts
from interventions._model import Term, TermKind
from interventions._normalize import normalize
from interventions._scripts import UNSPACED

ALLOWED = {
    "interventions._model",
    "interventions._normalize",
    "interventions._scripts",
    "interventions._function_words",
}
"""What the reference may read of the library: the rule model, the query's readings, scripts,
and a word list (the near anchor's preference)."""


def _imports() -> set[str]:
    tree = ast.parse(Path(inspect.getfile(_reference)).read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "relative import in _reference"
            assert node.module is not None
            out.add(node.module)
            if node.module == "interventions":
                out.update(f"interventions.{alias.name}" for alias in node.names)
    return out


def test_the_reference_imports_nothing_of_the_fast_path() -> None:
    imports = _imports()
    ours = {m for m in imports if m.split(".")[0] == "interventions"}
    for forbidden in ("_match", "_compile", "_engine", "_memo", "_segment", "_flat", "_artifact"):
        assert f"interventions.{forbidden}" not in ours
    assert ours <= ALLOWED, ours - ALLOWED
    third_party = {m.split(".")[0] for m in imports} - {"interventions", "__future__"}
    assert third_party - set(sys.stdlib_module_names) <= {"regex", "rapidfuzz"}


def test_the_repeated_constants_agree() -> None:
    assert _reference.MIN_GLUED == MIN_GLUED
    assert _reference.MAX_FUZZY_TOKEN == MAX_FUZZY_TOKEN
    assert _reference.SHORT_ANCHOR_PREFIX == PREFIX_BUCKET
    assert _reference.UNSPACED_SCRIPTS == UNSPACED


def _all_terms(engine: Engine) -> list[Term]:
    out: list[Term] = []
    for rule in engine.ruleset.rules:
        for term in (*rule.terms, *rule.unless):
            out.append(term)
            out.extend(alt for group in term.groups for alt in group)
    return out


@pytest.fixture(scope="module")
def terms(shipped: Engine) -> list[Term]:
    return _all_terms(shipped)


def test_terms_are_numbered_as_the_index_numbers_them(shipped: Engine) -> None:
    _, rows = live_terms(shipped.ruleset)
    plain = _reference._build(shipped.ruleset)
    assert [(r.rule, r.term, r.near_part) for r in plain.rows] == [
        (r.rule, r.term, r.part_of >= 0) for r in rows
    ]


def test_glued_phrases_near_anchors_and_runs_are_read_alike(terms: list[Term]) -> None:
    """The reference's statements of these rules give what the compiler's do, term by term."""
    for term in terms:
        assert _reference._glued(term) == glued(term), term.text
        assert _reference._in_runs(term) == inside_runs(term), term.text
        if term.kind is TermKind.NEAR:
            assert _reference._anchor(term) == near_anchor(term), term.text


QUERIES = [
    "thinspooo", "th1nsp0", "prro ana tips", "p r o a n a", "kill myself", "kiiill",
    "skinnyotkkk", "przemocy domowej", "aaana", "anna", "#ThinspoTips", "プロアナ垢", "自殺したい",
    "проана", "ПPOAHA", "داعش", "الداعش", "자해를", "ѕеху", "v1llh@4n0r3x!2025", "thinsp00",
]  # fmt: skip


def test_a_token_is_accepted_alike(terms: list[Term]) -> None:
    """The reference's word and prefix rule against the fast path's, on the tokens of every
    shipped term and the keys of queries with every kind of reading."""
    tokens = {
        (tok, p) for term in terms for tok, p in zip(term.tokens, term.prefix_tokens, strict=True)
    }
    keys = [t.keys for q in QUERIES for seq in normalize(q).sequences for t in seq]
    bodies = {k.lstrip("\x01\x02") for ks in keys for k in ks}
    # the tokens some key may meet, and a sample of the rest
    sample = [
        (tok, p)
        for n, (tok, p) in enumerate(sorted(tokens))
        if n % 25 == 0 or any(b.startswith(tok[:3]) for b in bodies)
    ]
    for tok, p in sample:
        matcher = token_matcher(tok, p)
        for k in keys:
            for in_phrase in (False, True):
                assert _reference._accepts(tok, p, k, in_phrase=in_phrase) == matcher_accepts(
                    matcher, k, in_phrase=in_phrase
                ), (tok, p, k, in_phrase)
