"""Evasion shapes the shipped rules catch through segmentation and normalization, and the benign
look-alikes of the same shapes that must stay quiet (docs/normalization.md, steps 5-8)."""

from __future__ import annotations

import pytest

from interventions import Action, Engine


@pytest.mark.parametrize(
    ("query", "locale", "rule"),
    [
        # phrases with an inflected word before their last word, glued or spelled out
        ("#zagłodzićsię", "pl-PL", "ed.starve_purge"),
        ("z.a.g.ł.o.d.z.i.ć s.i.ę", "pl-PL", "ed.starve_purge"),
        ("z a g ł o d z i ć  s i ę", "pl-PL", "ed.starve_purge"),
        ("b.u.l.i.m.i.ę.p.o.r.a.d.y", "pl-PL", "ed.become"),
        ("p r z e r w y  m i ę d z y  u d a m i", "pl-PL", "ed.body_ideals"),
        ("#przemocywzwiązku", "pl-PL", "gbv.topic"),  # a one-letter word between two
        ("#osobyzanoreksją", "pl-PL", "ed.recovery"),
        ("#dołączyćdopaństwaislamskiego", "pl-PL", "vx.isis_join"),
        ("#kupićtabletkigwałtu", "pl-PL", "gbv.sexual_violence_method"),
        ("#leczeniezaburzeniaodżywiania2024", "pl-PL", "ed.recovery"),
        # a letter that folds to two is still one spelled-out letter
        ("g r o ß e r  a u s t a u s c h", "de-DE", "vx.far_right_banner"),
        # a misspelled term glued to ordinary words
        ("#thynspirationquotes", None, "ed.thinspo"),
        ("#mythynspodiary", None, "ed.thinspo"),
        ("#measnpoworld", None, "ed.thinspo"),
        ("prosuicidrgirl", None, "sh.pro_suicide_sites"),
        # a typo and stretched letters
        ("skinnyotkkk", None, "ed.thinspo"),
        # a stretched word glued to others
        ("#mojacolllllarbonechallenge", None, "ed.body_ideals"),
        # leetspeak with a number after it
        ("#han9my$elf99", None, "sh.topic"),
        ("#v111h@4n0r3x!2025", "sv-SE", "ed.become"),
        # documented algospeak (sources next to the terms in rules/*.yaml)
        ("unalive myself", None, "sh.crisis_statement"),
        ("want to unalive", None, "sh.crisis_statement"),
        ("#IWantToUnaliveMyself", None, "sh.crisis_statement"),
        ("un@l1v3 mys3lf", None, "sh.crisis_statement"),
        ("i wanna unalive help", None, "sh.topic"),  # help cancels the redirect, not the banner
        ("#unalivemeplease", None, "sh.topic"),
        ("sewerslide", None, "sh.topic"),
        ("s3w3r$l1d3", None, "sh.topic"),
        ("#kermitsewerslide", None, "sh.topic"),
        ("sewer-slide", None, "sh.topic"),
        ("sewersllide", None, "sh.topic"),
        ("#mysecretfamily", None, "sh.topic"),
        ("#MySecretFamily", None, "sh.topic"),
        ("#secretsociety123", None, "sh.topic"),
        ("#SecretSociety_123", None, "sh.topic"),
        ("#ehtilb", None, "sh.topic"),
        ("#selfharmmm", None, "sh.topic"),
        ("#bonespiration", None, "ed.thinspo"),
        ("#b0nesp1rati0n", None, "ed.thinspo"),
        ("#bonesperation", None, "ed.thinspo"),
        ("#bonespirationdiary", None, "ed.thinspo"),
        ("#ednos", None, "ed.topic"),
        ("#OSFED", None, "ed.topic"),
        ("#proana4life", None, "ed.proana"),
    ],
)
def test_evasion_shape_is_caught(
    shipped: Engine, query: str, locale: str | None, rule: str
) -> None:
    d = shipped.check(query, locale=locale)
    assert rule in {m.rule_id for m in d.matches}, shipped.explain(query).render()


@pytest.mark.parametrize(
    ("query", "locale"),
    [
        ("#bananabread", None),
        ("bananabread", None),
        ("#BananaBread", None),
        ("#bestbananabread", None),
        ("#therapist", None),
        ("#mytherapist", None),
        ("#buddytips", None),
        ("#mytipsandtricks", None),
        ("#lifestyleblog", None),
        ("#springtime", None),
        ("#timetables", None),
        ("#metaphorical", None),
        ("meanwhile", None),
        ("mediating", None),
        ("#annabelle", None),
        ("#rapperroughnessclinton's", None),
        ("gwałtownie", "pl-PL"),  # 'suddenly': gwałt + o + w + nie is no reading
        ("#gwałtownaburza", "pl-PL"),
        ("#przemoczony", "pl-PL"),  # 'soaked'
        ("historyczny", "pl-PL"),
        ("#wakacjewpolsce", "pl-PL"),
        ("#okazjanadzis", "pl-PL"),
        ("överfallsvåld", "sv-SE"),
        # look-alikes of the documented algospeak terms
        ("unalive", None),
        ("i want to unalive him", None),
        ("i don't want to unalive myself", None),
        ("secret society", None),
        ("#secretsociety", None),
        ("my secret family", None),
        ("#blithe", None),
        ("blithe spirit", None),
        ("sewer slide gate", None),
        ("#powerslide", None),
        ("#bonespirit", None),
        ("#conspiration", None),
        ("#rednose", None),
        ("#faithinstagram", None),
        ("#healthinstagram", None),
    ],
)
def test_benign_look_alike_stays_quiet(shipped: Engine, query: str, locale: str | None) -> None:
    d = shipped.check(query, locale=locale)
    assert d.action is Action.NONE, shipped.explain(query).render()


def test_a_glued_phrase_points_at_the_hashtag(shipped: Engine) -> None:
    q = "zobacz #zagłodzićsię teraz"
    m = next(m for m in shipped.check(q, locale="pl-PL").matches if m.rule_id == "ed.starve_purge")
    assert q[m.start : m.end] == "zagłodzićsię"
