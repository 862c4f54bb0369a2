"""The shipped rule set: every inline example, and the acceptance queries of the core issue."""

from __future__ import annotations

import pytest

from interventions import Action, Engine, load_rules
from interventions._model import Example, Intent, Rule
from interventions._testing import cues_found

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


def found(shipped: Engine, rule: Rule, ex: Example) -> set[str]:
    """The rules an example reaches: matches, shadow matches and cues (as ``interventions test``
    checks them), on the first day of the rule's window if it has one."""
    at = rule.active.start if rule.active else None
    d = shipped.check(ex.query, locale=ex.locale, at=at)
    found = {m.rule_id for m in (*d.matches, *d.cues, *d.shadow)}
    return found | cues_found(shipped, ex.query) if rule.intent is Intent.CUE else found


@pytest.mark.parametrize("case", cases("match"), ids=case_id)
def test_match_example(shipped: Engine, case: tuple[Rule, Example]) -> None:
    rule, ex = case
    assert rule.id in found(shipped, rule, ex), shipped.explain(ex.query).render()


@pytest.mark.parametrize("case", cases("no_match"), ids=case_id)
def test_no_match_example(shipped: Engine, case: tuple[Rule, Example]) -> None:
    rule, ex = case
    assert rule.id not in found(shipped, rule, ex), shipped.explain(ex.query).render()


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


@pytest.mark.parametrize(
    ("query", "locale", "title"),
    [
        ("mój chłopak mnie bije", "pl-PL", "16 dni działań przeciw przemocy ze względu na płeć"),
        (
            "my boyfriend hits me",
            "en-GB",
            "16 Days of Activism: no to violence against women and girls",
        ),
        ("min pojkvän slår mig", "sv-SE", "16 dagar av aktivism mot könsrelaterat våld"),
    ],
)
def test_the_16_days_card_in_its_window(
    shipped: Engine, query: str, locale: str, title: str
) -> None:
    import datetime as dt

    d = shipped.check(query, locale=locale, at=dt.date(2026, 11, 30))
    assert d.category == "gender_violence" and d.card is not None
    assert (d.card.campaign, d.card.title) == ("sixteen_days", title)
    assert d.card.resources and d.card.resources_key == locale[-2:]  # the local helpline stays
    after = shipped.check(query, locale=locale, at=dt.date(2027, 1, 15))
    assert after.card is not None and after.card.campaign is None
    again = shipped.check(query, locale=locale, at=dt.date(2027, 12, 1))  # every year
    assert again.card is not None and again.card.campaign == "sixteen_days"


def test_a_spanish_crisis_statement_gets_the_spanish_line(shipped: Engine) -> None:
    d = shipped.check("me quiero morir", locale="es-ES")
    assert d.action is Action.REDIRECT and d.category == "self_harm"
    assert d.card is not None and d.card.text_key == "es" and d.card.resources_key == "ES"
    (line,) = d.card.resources
    assert line.phone == "024" and line.source and line.verified
