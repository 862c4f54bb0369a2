"""Decisions: precedence, exceptions, language scoping, cards per locale, bounded inputs."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from interventions import Action, Decision, Engine, TermKind


def rule_ids(d: Decision) -> list[str]:
    return list(dict.fromkeys(m.rule_id for m in d.matches))


def test_benign_queries_share_one_decision(mini: Engine) -> None:
    a, b = mini.check("banana bread"), mini.check("analysis of variance")
    assert a.action is Action.NONE and not a.intervenes
    assert a is b  # no allocation for the common case
    assert a.ruleset_version == mini.version


def test_most_severe_action_wins_and_every_match_is_kept(mini: Engine) -> None:
    d = mini.check("anorexia thinspo proana")
    assert d.action is Action.BLOCK
    assert d.rule_id == "t.block"
    assert rule_ids(d) == ["t.block", "t.redirect", "t.banner_a", "t.banner_b"]


def test_ties_break_on_priority_then_rule_id(mini: Engine) -> None:
    # t.banner_a and t.banner_b: same action and priority, so the smaller id wins
    assert mini.check("anorexia").rule_id == "t.banner_a"


def test_match_reports_rule_term_kind_and_original_span(mini: Engine) -> None:
    q = "I saw #Th1nspooo today"
    m = mini.check(q).matches[0]
    assert (m.rule_id, m.term, m.kind) == ("t.redirect", "thinspo", TermKind.WORD)
    assert q[m.start : m.end] == m.text == "Th1nspooo"


@pytest.mark.parametrize(
    ("query", "kind"),
    [
        ("thinspirational", TermKind.PREFIX),
        ("thinspiratoin", TermKind.WORD),  # fuzzy, two edits
        ("mythinspodiary", TermKind.SUBSTRING),
        ("pro ana tips", TermKind.PHRASE),
        ("i want to kill myself", TermKind.REGEX),
    ],
)
def test_each_term_kind(mini: Engine, query: str, kind: TermKind) -> None:
    assert kind in {m.kind for m in mini.check(query).matches}


def test_unless_anywhere_in_the_query_cancels_the_rule(mini: Engine) -> None:
    assert mini.check("thinspo recovery").action is Action.NONE
    assert mini.check("anti-thinspo").action is Action.NONE
    # ...but only that rule: the block rule still fires
    assert mini.check("proana thinspo recovery").rule_id == "t.block"


def test_unless_with_overlap_scope_cancels_only_the_overlapping_match(mini: Engine) -> None:
    assert mini.check("no meanspo").action is Action.NONE
    d = mini.check("no meanspo, meanspo")
    assert d.rule_id == "t.overlap" and [m.start for m in d.matches] == [12]


def test_language_scoped_rule_needs_the_callers_language(mini: Engine) -> None:
    assert mini.check("fick").action is Action.NONE
    assert mini.check("fick", locale="en-SE").action is Action.NONE
    assert mini.check("fick", locale="sv-SE").rule_id == "t.sv_only"
    assert mini.check("fick", locale="sv").rule_id == "t.sv_only"


@pytest.mark.parametrize(
    ("locale", "text_key", "resources_key"),
    [
        ("pl-PL", "pl", "PL"),
        ("pl_PL", "pl", "PL"),
        ("en-PL", "default", "PL"),  # an English speaker in Poland: Polish helplines
        ("en-GB", "en-GB", "default"),
        ("sv-SE", "sv", "SE"),
        ("sv-FI", "sv", "default"),
        ("de-DE", "default", "default"),
        (None, "default", "default"),
        ("", "default", "default"),
        ("!!garbage!!", "default", "default"),
    ],
)
def test_card_locale_fallback(
    mini: Engine, locale: str | None, text_key: str, resources_key: str
) -> None:
    card = mini.check("thinspo", locale=locale).card
    assert card is not None
    assert (card.text_key, card.resources_key) == (text_key, resources_key)


def test_card_resources_carry_source_and_date(mini: Engine) -> None:
    card = mini.check("thinspo", locale="pl-PL").card
    assert card is not None and card.title == "Wsparcie"
    assert all(r.source and r.verified for r in card.resources)


@pytest.mark.parametrize(
    "query",
    [
        "",
        " ",
        "\x00\x01\x02",
        "\ud800thinspo\udfff",  # lone surrogates
        "\u202e\u2066\u200f",  # bidi marks only
        "🙂🙂🙂",
        "a" * 1_000_000,
        "th1nsp0 " * 200_000,
        "1|1|1|1|1|1|1|1|1|1|1|1|1|1|1|1",
        "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z" * 50,
    ],
)
def test_any_string_gets_a_decision(mini: Engine, query: str) -> None:
    started = time.perf_counter()
    d = mini.check(query)
    assert isinstance(d, Decision)
    assert d.truncated == (len(query) > 1024)
    # a generous bound that only a hang or a blow-up would cross, not a speed goal
    assert time.perf_counter() - started < 2.0


def test_matches_in_a_truncated_query_still_count(mini: Engine) -> None:
    d = mini.check("thinspo " + "x" * 2000)
    assert d.truncated and d.rule_id == "t.redirect"


@pytest.mark.parametrize("bad", [None, b"thinspo", 42, ["thinspo"]])
def test_non_str_query_is_a_type_error(mini: Engine, bad: object) -> None:
    with pytest.raises(TypeError, match="query must be str"):
        mini.check(bad)  # type: ignore[arg-type]


def test_non_str_locale_is_a_type_error(mini: Engine) -> None:
    with pytest.raises(TypeError, match="locale must be str"):
        mini.check("x", locale=5)  # type: ignore[arg-type]


def test_check_many_keeps_order(mini: Engine) -> None:
    got = mini.check_many(["proana", "banana", "thinspo"])
    assert [d.action for d in got] == [Action.BLOCK, Action.NONE, Action.REDIRECT]


def test_explain_shows_each_step_and_the_span(mini: Engine) -> None:
    e = mini.explain("th1nsp0oo")
    names = [s.name for s in e.steps]
    for step in ("nfkc", "ignorables", "confusables", "fold", "leet", "collapse"):
        assert step in names
    assert e.decision == mini.check("th1nsp0oo")
    text = e.render()
    assert "span=[0:9]" in text and "t.redirect" in text


def test_decision_to_dict_is_json_ready(mini: Engine) -> None:
    import json

    d = mini.check("#thinspo", locale="pl-PL").to_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["matches"][0]["span"] == [1, 8]
    assert d["card"]["resources"][0]["verified"] == "2024-04-01"


def test_engine_is_safe_to_share_between_threads(mini: Engine) -> None:
    queries = ["proana", "banana", "th1nsp0", "przemocy domowej", "fick"] * 400
    expected = [mini.check(q) for q in queries]
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(mini.check, queries))
    assert got == expected


def test_memo_cleared_under_threads_never_changes_a_decision(mini: Engine) -> None:
    """The word memo is shared and cleared when full; with a tiny memo it is cleared all the
    time while eight threads read it, and every decision must still be the full path's."""
    import dataclasses
    import sys

    rules = tuple(r for r in mini.ruleset.rules if r.id != "t.regex")  # the memo's fast branch
    ruleset = dataclasses.replace(mini.ruleset, rules=rules)
    reference = Engine(ruleset, memo_size=0)
    shared = Engine(ruleset, memo_size=3)
    words = ["pro", "ana", "tips", "thinspo", "recovery", "anti", "no", "meanspo", "banana",
             "przemocy", "domowej", "i", "t", "h", "#proanatips", "pro-ana"]  # fmt: skip
    queries = [" ".join(words[(i * 7 + k * 3) % len(words)] for k in range(i % 5 + 1))
               for i in range(3000)]  # fmt: skip
    expected = [reference.check(q) for q in queries]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            got = list(pool.map(shared.check, queries))
    finally:
        sys.setswitchinterval(interval)
    assert got == expected


def test_deprecated_rules_do_not_fire(tmp_path: object) -> None:
    import shutil
    from pathlib import Path

    from ..conftest import MINI_RULES

    root = Path(str(tmp_path)) / "r"
    shutil.copytree(MINI_RULES, root)
    path = root / "harm.yaml"
    path.write_text(
        path.read_text().replace("  - id: t.block\n", "  - id: t.block\n    status: deprecated\n")
    )
    engine = Engine.from_path(root)
    assert engine.check("proana").action is Action.NONE


def test_reload_is_build_then_swap(tmp_path: object) -> None:
    import shutil
    from pathlib import Path

    from interventions import RuleFileError

    from ..conftest import MINI_RULES

    root = Path(str(tmp_path)) / "r"
    shutil.copytree(MINI_RULES, root)
    engine = Engine.from_path(root)
    (root / "harm.yaml").write_text("rules: oops\n")
    with pytest.raises(RuleFileError):
        engine = Engine.from_path(root)
    assert engine.check("proana").action is Action.BLOCK  # the old engine keeps serving


@pytest.mark.parametrize(
    ("query", "rule"),
    [
        ("pr0 4n4 71p5", "t.block"),  # a phrase in digits: tokens without letters decode too
        ("prro ana tipps", "t.block"),  # short stretched words inside a phrase
        ("#proanatips", "t.block"),  # a phrase glued into one hashtag
        ("p.r.o a.n.a t.i.p.s", "t.block"),  # spelled out word by word
        ("p.r.o.a.n.a tips", "t.block"),  # a joined word, then the rest of the phrase
        ("7h1n5p1r4710n", "t.redirect"),
        ("tihnspiraiton", "t.redirect"),  # fuzzy: two swapped pairs are two edits (OSA)
    ],
)
def test_evasions(mini: Engine, query: str, rule: str) -> None:
    assert rule in {m.rule_id for m in mini.check(query).matches}, mini.explain(query).render()


def test_random_capitals_are_not_word_boundaries(mini: Engine) -> None:
    # HArM must not split into "har" + "m": a stray piece could trigger an exception
    from interventions._normalize import normalize

    assert all(s[0].origin != "hashtag" for s in normalize("SElf HArM").sequences[1:])
    assert [t.text for t in normalize("#ThinspoTips").sequences[1]] == ["thinspo", "tips"]


def test_a_stretched_name_is_not_a_short_code_word(mini: Engine) -> None:
    from interventions._normalize import COLLAPSED, token_keys

    assert COLLAPSED + "ana" not in token_keys("anna")  # only inside phrases (weak)


def test_engine_loads_a_compiled_artefact(mini: Engine, tmp_path: object) -> None:
    from pathlib import Path

    from interventions import ArtifactError
    from interventions._artifact import write_artifact

    path = Path(str(tmp_path)) / "rules.irs"
    write_artifact(mini.ruleset, path)
    loaded = Engine.load(path)
    queries = ["#proanatips", "th1nsp0", "fick", "przemocy domowej", "banana"]
    assert [loaded.check(q, locale="sv-SE") for q in queries] == [
        mini.check(q, locale="sv-SE") for q in queries
    ]
    path.write_bytes(path.read_bytes()[:-5])
    with pytest.raises(ArtifactError):
        Engine.load(path)


def test_a_regex_out_of_time_is_never_an_error_and_both_paths_agree(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One regex runner for the word memo and the full path: when a pattern runs out of time
    the query still gets a decision, and the memo path defers to the full path, which decides
    it the same way (as not matching)."""
    import interventions._match as match

    from ..conftest import MINI_RULES

    engine = Engine.from_path(MINI_RULES)
    monkeypatch.setattr(match, "REGEX_TIMEOUT", 1e-12)
    for query in ["want to kill myself " * 40, "kill herself", "banana bread"]:
        for _ in range(2):  # the second time from the word memo
            decision = engine.check(query)
            assert decision == engine._check_fully(query, None), query
            assert all(m.kind.value != "regex" for m in decision.matches)
