"""The shipped rule set: every inline example, and the acceptance queries of the core issue."""

from __future__ import annotations

import pytest

from interventions import Action, Engine, load_rules
from interventions._model import Example, Rule

from ..conftest import SHIPPED_RULES

RULES = load_rules(SHIPPED_RULES).rules


def cases(kind: str) -> list[tuple[Rule, Example]]:
    out = []
    for rule in RULES:
        examples = rule.match_examples if kind == "match" else rule.no_match_examples
        out += [(rule, ex) for ex in examples]
    return out


def case_id(case: tuple[Rule, Example]) -> str:
    rule, ex = case
    return f"{rule.id}:{ex.query}"


@pytest.mark.parametrize("case", cases("match"), ids=case_id)
def test_match_example(shipped: Engine, case: tuple[Rule, Example]) -> None:
    rule, ex = case
    d = shipped.check(ex.query, locale=ex.locale)
    assert rule.id in {m.rule_id for m in d.matches}, shipped.explain(ex.query).render()


@pytest.mark.parametrize("case", cases("no_match"), ids=case_id)
def test_no_match_example(shipped: Engine, case: tuple[Rule, Example]) -> None:
    rule, ex = case
    d = shipped.check(ex.query, locale=ex.locale)
    assert rule.id not in {m.rule_id for m in d.matches}, shipped.explain(ex.query).render()


def test_every_category_is_covered() -> None:
    categories = {r.category for r in RULES}
    assert {"eating_disorder", "self_harm", "gender_violence", "violent_extremism"} <= categories


def test_thinspo_hashtag_in_sweden(shipped: Engine) -> None:
    d = shipped.check("#thinspo", locale="sv-SE")
    assert d.category == "eating_disorder" and d.action is not Action.NONE
    assert d.card is not None and d.card.text_key == "sv" and d.card.resources_key == "SE"


def test_leet_and_stretched_thinspo(shipped: Engine) -> None:
    e = shipped.explain("th1nsp0oo")
    assert e.decision.category == "eating_disorder"
    assert e.decision.matches[0].span == (0, 9)


def test_polish_help_seeking_gets_a_banner_with_a_polish_line(shipped: Engine) -> None:
    d = shipped.check("jak pomóc ofierze przemocy domowej", locale="pl-PL")
    assert d.action is Action.BANNER
    assert d.card is not None and d.card.resources_key == "PL"
    assert any(r.phone == "800 120 002" for r in d.card.resources)  # Niebieska Linia


@pytest.mark.parametrize(
    "query",
    ["banana bread", "analysis of variance", "Anaheim hotels", "analiza danych", "cutlery set"],
)
def test_scunthorpe(shipped: Engine, query: str) -> None:
    assert shipped.check(query).action is Action.NONE


@pytest.mark.parametrize(
    ("query", "locale"),
    [
        ("#edrecovery", "en-US"),
        ("how to help a friend with anorexia", "en-GB"),
        ("jak pomóc ofierze przemocy domowej", "pl-PL"),
        ("hjälp mot ätstörning", "sv-SE"),
        ("domestic violence statistics", "en-US"),
    ],
)
def test_help_seeking_is_never_blocked_or_redirected(
    shipped: Engine, query: str, locale: str
) -> None:
    assert shipped.check(query, locale=locale).action in (Action.BANNER, Action.NONE)


def test_no_card_shows_a_closed_helpline(shipped: Engine) -> None:
    # NEDA's helpline closed in 2023 (shared/research/helplines.md)
    for card in shipped.ruleset.cards.values():
        for resources in card.resources.values():
            assert all(r.phone != "800-931-2237" for r in resources)
