"""Help-seeking intent (cues, support rules), shadow rules on trial, and active windows
(campaign rules and card variants), on the rule set in ``tests/data/intent_rules``."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from interventions import Action, Engine, Intent, RuleFileError, load_rules
from interventions._artifact import write_artifact
from interventions._lint import lint_rules

INTENT_RULES = Path(__file__).parent.parent / "data" / "intent_rules"
IN_16_DAYS = dt.date(2026, 11, 30)
AFTER = dt.date(2027, 1, 20)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.from_path(INTENT_RULES)


# -- help-seeking cues ------------------------------------------------------------------------


def test_harm_alone_keeps_its_action(engine: Engine) -> None:
    d = engine.check("pro ana tips")
    assert (d.action, d.rule_id, d.intent, d.cues) == (Action.INTERSTITIAL, "t.proana", None, ())


@pytest.mark.parametrize(
    ("query", "cue"),
    [
        ("quitting pro ana", "quitting"),
        ("how to stop thinspo", "how to stop"),
        ("report pro ana account", "report"),
        ("pro ana helpline", "helpline"),
    ],
)
def test_a_cue_turns_harm_into_support(engine: Engine, query: str, cue: str) -> None:
    d = engine.check(query)
    assert d.action is Action.BANNER
    assert d.intent is Intent.SUPPORT and isinstance(d.intent, str)  # a StrEnum: == "support"
    assert d.rule_id == "t.proana" and d.card is not None and d.card.id == "support"
    assert [c.text for c in d.cues] == [cue]
    (c,) = d.cues
    assert query[c.start : c.end] == cue
    out = d.to_dict()
    assert out["intent"] == "support" and out["cues"][0]["span"] == [c.start, c.end]
    json.dumps(out)


def test_a_rule_can_opt_out_where_the_cue_is_part_of_the_harm(engine: Engine) -> None:
    d = engine.check("how to stop eating for a week")
    assert (d.action, d.rule_id, d.intent) == (Action.BLOCK, "t.method", None)


def test_an_opted_out_rule_still_wins_over_a_supported_one(engine: Engine) -> None:
    d = engine.check("quit thinspo and stop eating for a week")
    assert (d.action, d.rule_id, d.intent) == (Action.BLOCK, "t.method", None)
    assert {m.rule_id for m in d.matches} == {"t.method", "t.proana"}


def test_a_cue_inside_the_harm_match_does_not_count(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(INTENT_RULES, rules)
    path = rules / "eating.yaml"
    path.write_text(path.read_text().replace("[pro ana, thinspo]", "[pro ana, quit thinspo]"))
    e = Engine.from_path(rules)
    assert e.check("quit thinspo").action is Action.INTERSTITIAL  # the cue is the term itself
    assert e.check("quit thinspo helpline").intent is Intent.SUPPORT


@pytest.mark.parametrize("query", ["quit", "how to stop", "report", "recovery from it"])
def test_a_cue_alone_is_no_match(engine: Engine, query: str) -> None:
    assert engine.check(query) == engine._check_fully(query, None)
    assert engine.check(query).action is Action.NONE


@pytest.mark.parametrize(
    "query", ["how to stop cutting", "jak przestać się ciąć", "recovery from self harm"]
)
def test_topic_and_cue_show_help_without_a_harm_rule(engine: Engine, query: str) -> None:
    d = engine.check(query)
    assert (d.action, d.rule_id, d.intent) == (Action.BANNER, "t.topic_help", Intent.SUPPORT)
    assert d.category == "self_harm"


@pytest.mark.parametrize("query", ["cutting board", "how to stop a dog barking", "cutting"])
def test_topic_or_cue_alone_is_not_help_seeking(engine: Engine, query: str) -> None:
    assert engine.check(query).action is Action.NONE


@pytest.mark.parametrize(
    "query",
    [
        "quitting pro ana",
        "how to stop eating for a week",
        "quit thinspo and stop eating for a week",
        "pro ana",
        "how to stop cutting",
        "skinnycheck quit",
        "report",
    ],
)
def test_memo_path_and_full_path_agree(engine: Engine, query: str) -> None:
    assert engine.check(query) == engine._check_fully(query, None)


# -- shadow rules -------------------------------------------------------------------------------


def test_a_rule_on_trial_is_reported_and_never_decides(engine: Engine) -> None:
    d = engine.check("skinnycheck")
    assert d.action is Action.NONE and not d.intervenes and d.matches == ()
    assert [m.rule_id for m in d.shadow] == ["t.trial"]
    assert d.shadow[0].action is Action.REDIRECT  # what it would have done
    both = engine.check("skinnycheck pro ana")
    assert (both.action, both.rule_id) == (Action.INTERSTITIAL, "t.proana")
    assert [m.rule_id for m in both.shadow] == ["t.trial"]
    assert both.to_dict()["shadow"][0]["rule_id"] == "t.trial"


# -- active windows -----------------------------------------------------------------------------


def test_a_windowed_rule_fires_only_in_its_window(engine: Engine) -> None:
    assert engine.check("orange the world", at=IN_16_DAYS).rule_id == "t.campaign_rule"
    assert engine.check("orange the world", at=dt.date(2026, 12, 10)).intervenes  # last day in
    assert not engine.check("orange the world", at=dt.date(2026, 12, 11)).intervenes
    assert not engine.check("orange the world", at=dt.date(2026, 11, 24)).intervenes


def test_at_is_read_in_utc(engine: Engine) -> None:
    # 2026-12-11 00:30 in UTC+2 is still 2026-12-10 in UTC
    late = dt.datetime(2026, 12, 11, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert engine.check("orange the world", at=late).intervenes
    assert not engine.check("orange the world", at=dt.datetime(2026, 12, 11, 0, 30)).intervenes
    with pytest.raises(TypeError):
        engine.check("orange the world", at="2026-12-01")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("day", "active"),
    [
        (dt.date(2031, 12, 20), True),
        (dt.date(2031, 12, 31), True),
        (dt.date(2032, 1, 5), True),
        (dt.date(2032, 1, 6), False),
        (dt.date(2031, 12, 19), False),
        (dt.date(2031, 7, 1), False),
    ],
)
def test_a_yearly_window_repeats_across_the_new_year(
    engine: Engine, day: dt.date, active: bool
) -> None:
    assert engine.check("winter helpline week", at=day).intervenes is active


def test_the_clock_is_not_read_for_a_query_without_a_match(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_clock() -> float:
        raise AssertionError("the clock was read")

    monkeypatch.setattr("interventions._engine.time.time", no_clock)
    for q in ["banana bread", "weather tomorrow", "quit", "banana bread"]:
        assert engine.check(q).action is Action.NONE


def test_without_windows_the_clock_is_never_read(monkeypatch: pytest.MonkeyPatch) -> None:
    e = Engine.from_path(Path(__file__).parent.parent / "data" / "near_rules")

    def no_clock() -> float:
        raise AssertionError("the clock was read")

    monkeypatch.setattr("interventions._engine.time.time", no_clock)
    assert e.check("my boyfriend hits me").intervenes


def test_the_current_day_comes_from_the_clock(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    e = Engine.from_path(INTENT_RULES)
    noon = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC).timestamp()
    monkeypatch.setattr("interventions._engine.time.time", lambda: noon)
    assert e.check("orange the world").intervenes
    monkeypatch.setattr("interventions._engine.time.time", lambda: noon + 20 * 86400)
    assert not e.check("orange the world").intervenes  # the next day is read anew


def test_the_decision_cache_keeps_days_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    e = Engine.from_path(INTENT_RULES, cache_size=16)
    noon = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC).timestamp()
    monkeypatch.setattr("interventions._engine.time.time", lambda: noon)
    assert e.check("orange the world").intervenes
    monkeypatch.setattr("interventions._engine.time.time", lambda: noon + 20 * 86400)
    assert not e.check("orange the world").intervenes
    assert e.check("orange the world", at=IN_16_DAYS).intervenes


# -- campaign card variants ---------------------------------------------------------------------


def test_a_campaign_card_in_its_window(engine: Engine) -> None:
    d = engine.check("domestic violence", locale="pl-PL", at=IN_16_DAYS)
    assert d.card is not None
    assert (d.card.campaign, d.card.title, d.card.text_key) == (
        "sixteen_days",
        "16 dni działań",
        "pl",
    )
    assert [r.name for r in d.card.resources] == ["Test PL line"]  # the local helpline stays
    assert d.to_dict()["card"]["campaign"] == "sixteen_days"
    assert engine.check("domestic violence", at=IN_16_DAYS).card.title == (  # type: ignore[union-attr]
        "16 Days of Activism"
    )


def test_outside_the_window_or_without_campaign_text_the_usual_card(engine: Engine) -> None:
    out = engine.check("domestic violence", locale="pl-PL", at=AFTER)
    assert out.card is not None and (out.card.campaign, out.card.title) == (None, "Wsparcie")
    sv = engine.check("domestic violence", locale="sv-SE", at=IN_16_DAYS)
    assert sv.card is not None and (sv.card.campaign, sv.card.title) == (None, "Stöd")


def test_the_campaign_repeats_every_year(engine: Engine) -> None:
    d = engine.check("domestic violence", locale="pl", at=dt.date(2030, 12, 3))
    assert d.card is not None and d.card.campaign == "sixteen_days"


# -- the compiled artefact, check_many, lint ------------------------------------------------------


def test_a_compiled_artefact_keeps_intent_windows_and_campaigns(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "rules.ivr"
    write_artifact(load_rules(INTENT_RULES), path)
    loaded = Engine.load(path)
    queries = [
        "quitting pro ana",
        "how to stop eating for a week",
        "how to stop cutting",
        "skinnycheck",
        "orange the world",
        "domestic violence",
    ]
    for day in (IN_16_DAYS, AFTER):
        for q in queries:
            assert loaded.check(q, locale="pl-PL", at=day) == engine.check(
                q, locale="pl-PL", at=day
            ), (q, day)
    assert loaded.ruleset == engine.ruleset


def test_check_many_takes_a_locale_per_query(engine: Engine) -> None:
    got = engine.check_many(
        ["domestic violence", "domestic violence", "banana"],
        locales=["pl-PL", None, "sv"],
        at=AFTER,
    )
    assert [d.card.title if d.card else None for d in got] == ["Wsparcie", "Support", None]
    with pytest.raises(ValueError, match="2 queries but 1 locales"):
        engine.check_many(["a", "b"], locales=["pl"])


def test_lint_warns_on_an_expired_window(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(INTENT_RULES, rules)
    findings = lint_rules(rules, today=dt.date(2027, 3, 1), vocab=[])
    expired = [f for f in findings if f.code == "EXPIRED_WINDOW"]
    assert [f.rule_id for f in expired] == ["t.campaign_rule"]  # the yearly ones repeat


# -- rule-file mistakes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "    intent: support\n    action: banner",
            "    intent: support\n    action: redirect",
            "answers with a banner",
        ),
        (
            "    intent: cue\n",
            "    intent: cue\n    on_help_cue: ignore\n",
            "on_help_cue is for harm",
        ),
        ("    intent: cue\n", "    intent: helpful\n    action: banner\n", "intent must be one of"),
        (
            "{from: 2026-11-25, until: 2026-12-10}",
            "{from: 2026-11-25, until: 2026-11-10}",
            "is before from",
        ),
        ("{from: 2026-11-25, until: 2026-12-10}", "{from: 2026-11-25}", "missing the required"),
        ("{from: 2026-11-25, until: 2026-12-10}", "{from: soon, until: 2026-12-10}", "a date"),
    ],
)
def test_mistakes_name_file_line_and_rule(tmp_path: Path, old: str, new: str, message: str) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(INTENT_RULES, rules)
    for path in rules.glob("*.yaml"):
        text = path.read_text()
        if old in text:
            path.write_text(text.replace(old, new, 1))
            break
    else:
        raise AssertionError(f"{old!r} is in no file")
    with pytest.raises(RuleFileError, match=message) as info:
        load_rules(rules)
    assert info.value.path and info.value.path.endswith(path.name)
    assert info.value.line is not None and info.value.rule_id


def test_a_campaign_text_needs_the_cards_own_key(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(INTENT_RULES, rules)
    card = rules / "cards" / "support.yaml"
    card.write_text(card.read_text().replace("      pl: {title: 16", "      de: {title: 16"))
    with pytest.raises(RuleFileError, match="card does not have") as info:
        load_rules(rules)
    assert info.value.line == 11  # the "de:" line of the campaign


def test_the_json_schema_knows_intent_windows_and_campaigns() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    import yaml

    from interventions._schema import card_file_schema, rule_file_schema

    def errors(schema: dict[str, object], path: Path) -> list[str]:
        doc = json.loads(json.dumps(yaml.safe_load(path.read_text()), default=str))
        cls = jsonschema.Draft202012Validator
        return [e.message for e in cls(schema, format_checker=cls.FORMAT_CHECKER).iter_errors(doc)]

    for path in INTENT_RULES.glob("*.yaml"):
        assert errors(rule_file_schema(), path) == [], path
    assert errors(card_file_schema(), INTENT_RULES / "cards" / "support.yaml") == []


def test_batch_and_diff_take_at_and_count_shadow_matches_apart() -> None:
    import io

    from interventions._batch import run_batch
    from interventions._diff import diff_rules

    lines = [b"quitting pro ana skinnycheck\n", b"orange the world\n", b"banana\n"]
    ruleset = load_rules(INTENT_RULES)
    at = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)
    out = io.BytesIO()
    summary = run_batch(lines, ruleset=ruleset, out=out, at=at).to_dict()
    assert (summary["intervened"], summary["support"], summary["shadow"]) == (2, 1, 1)
    assert summary["rules"]["t.trial"]["shadow"] == 1
    assert summary["rules"]["t.trial"]["matched"] == 0
    first = json.loads(out.getvalue().splitlines()[0])
    assert first["intent"] == "support" and first["shadow"][0]["rule_id"] == "t.trial"
    later = run_batch(lines, ruleset=ruleset, out=io.BytesIO(), at=dt.datetime(2027, 2, 1))
    assert later.intervened == 1  # the campaign rule is over

    report = diff_rules(ruleset, ruleset, lines, out=io.BytesIO(), at=at).to_dict()
    assert report["shadow"] == {"t.trial": {"old": 1, "new": 1}}
    assert report["actions"]["banner"] == {"old": 2, "new": 2}
    assert "shadow:t.trial" not in report["actions"]
