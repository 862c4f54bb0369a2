"""List harm rules whose exceptions miss their language's report words (issue #12 item 6).

A query that reports pro-harm content ("pro ana coach melden", "пожаловаться на группу смерти",
"signaler une vidéo de propagande") is help-seeking, never the content itself. The words by
which a query reports or flags content are the lexicon ``report_content`` (``rules/lexicons.yaml``
for en/pl/sv, ``rules/<lang>/lexicons.yaml`` for every other shipped language), which harm rules
refer to as ``"@report_content"`` in their ``unless``. This check lists, per language and area,
the harm rules whose ``unless`` does not cover every report word of their own language::

    .venv/bin/python tools/check_unless_coverage.py            # gaps only; exit 1 if any
    .venv/bin/python tools/check_unless_coverage.py --verbose  # also the exempt rules, and why

A pack's rules (``rules/<lang>/*.yaml``) are checked against that language's words; the shared
rules (``rules/*.yaml``) against en, pl, sv and de, the languages they are written in. Checked:
rules of the default ``intent: harm`` whose action is ``block``, ``redirect`` or
``interstitial``. Not checked: banners (topic, disclosure, trafficking: they already show help,
and a harm match with a help-seeking cue becomes the support banner), and the rule families in
``EXEMPT``, where a report word must not cancel the rule; each pack's README says the same.

A report word is covered when some ``unless`` term matches it whole: the same word, a prefix of
it (``denunci*`` covers ``denunciar``), a substring term inside it, or a phrase of its tokens.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from interventions._loader import _parse_term, _Where, load_rules
from interventions._model import Action, Intent, Rule, Status, Term, TermKind
from interventions._yaml import read_yaml

ROOT = Path(__file__).resolve().parent.parent
LEXICON = "report_content"
SHARED_LANGUAGES = ("en", "pl", "sv", "de")
CHECKED_ACTIONS = frozenset({Action.BLOCK, Action.REDIRECT, Action.INTERSTITIAL})

EXEMPT: dict[str, str] = {
    "sh.crisis_statement": (
        "redirects to crisis help: a person in crisis who also types 'report' must still get"
        " the crisis card, and an exception would cancel it"
    ),
    "sh.suicide_method": (
        "redirects to crisis help: a method request is answered with help whatever else the"
        " query says"
    ),
    "sh.selfharm_method": (
        "redirects to crisis help: a method request is answered with help whatever else the"
        " query says"
    ),
    "gbv.sexual_violence_method": (
        "redirects to the violence card, which is what a victim asking how to report needs"
        " too; an exception would let the method request through"
    ),
    "gbv.perpetrator": (
        "the report word is part of the harm in perpetrator how-tos ('so she won't report"
        " me', 'ohne dass sie mich anzeigt'); survivors' report queries are the disclosure"
        " and help rules"
    ),
    "gbv.control": (
        "the report word is part of the harm in control how-tos ('track her phone without"
        " being reported'); survivors' stalkerware queries are the help rules"
    ),
}
"""Rule families (the id without its language prefix) where a report word must not cancel
the rule, with the reason."""


@dataclass(frozen=True, slots=True)
class Gap:
    language: str
    area: str
    rule_id: str
    path: str
    line: int
    missing: tuple[str, ...]

    def __str__(self) -> str:
        words = ", ".join(self.missing)
        return f"{self.language} {self.area} {self.rule_id} ({self.path}:{self.line}): {words}"


def report_words(rules_dir: Path) -> dict[str, list[Term]]:
    """The ``report_content`` lexicon of every lexicon file, by language, normalized."""
    out: dict[str, list[Term]] = {}
    for path in sorted(rules_dir.rglob("*.yaml")):
        rel = path.relative_to(rules_dir)
        if rel.parts[0] in ("cards", "vocabulary", "quality", "lint"):
            continue
        display = str(path.relative_to(rules_dir.parent))
        doc: Any = read_yaml(path, display)
        if not isinstance(doc, dict) or "lexicons" not in doc or "rules" in doc:
            continue
        table = doc["lexicons"].get(LEXICON)
        if not isinstance(table, dict):
            continue
        where = _Where(display)
        for lang, items in table.items():
            out.setdefault(str(lang), []).extend(_parse_term(item, 0, where) for item in items)
    return out


def _token_covers(u_tok: str, u_prefix: bool, w_tok: str, w_prefix: bool) -> bool:
    if u_prefix:
        return w_tok.startswith(u_tok)
    return not w_prefix and u_tok == w_tok


def covers(u: Term, w: Term) -> bool:
    """Whether the exception ``u`` cancels every query that has the report word ``w``."""
    if u.kind is TermKind.SUBSTRING:
        return any(u.tokens[0] in tok for tok in w.tokens)
    if u.kind not in (TermKind.WORD, TermKind.PHRASE, TermKind.PREFIX) or not u.tokens:
        return False
    n = len(u.tokens)
    for start in range(len(w.tokens) - n + 1):
        if all(
            _token_covers(
                u.tokens[i], u.prefix_tokens[i], w.tokens[start + i], w.prefix_tokens[i + start]
            )
            for i in range(n)
        ):
            return True
    return False


def family(rule: Rule, language: str | None) -> str:
    """``de.ed.proana`` -> ``ed.proana``; a shared rule's id is its family."""
    if language is not None and rule.id.startswith(language + "."):
        return rule.id[len(language) + 1 :]
    return rule.id


def languages_of(rule: Rule, rules_dir: Path) -> tuple[str | None, tuple[str, ...]]:
    """The pack language of a rule (None for a shared rule) and the languages it answers for."""
    parts = Path(rule.path).parts
    if rules_dir.name in parts:
        parts = parts[parts.index(rules_dir.name) + 1 :]
    if len(parts) > 1:
        return parts[0], (parts[0],)
    return None, SHARED_LANGUAGES


def checked(rule: Rule) -> bool:
    return (
        rule.intent is Intent.HARM
        and rule.action in CHECKED_ACTIONS
        and rule.status is not Status.DEPRECATED
    )


def find_gaps(
    rules: Iterable[Rule], words: dict[str, list[Term]], rules_dir: Path
) -> tuple[list[Gap], list[tuple[Rule, str]], list[str]]:
    """Gaps, exempt rules (with the reason) and languages that have no report words."""
    gaps: list[Gap] = []
    exempt: list[tuple[Rule, str]] = []
    no_words: set[str] = set()
    for rule in rules:
        if not checked(rule):
            continue
        pack, langs = languages_of(rule, rules_dir)
        reason = EXEMPT.get(family(rule, pack))
        if reason is not None:
            exempt.append((rule, reason))
            continue
        for lang in langs:
            own = words.get(lang)
            if not own:
                no_words.add(lang)
                continue
            missing = tuple(w.text for w in own if not any(covers(u, w) for u in rule.unless))
            if missing:
                gaps.append(Gap(lang, rule.category, rule.id, rule.path, rule.line, missing))
    return gaps, exempt, sorted(no_words)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("rules", nargs="?", default=str(ROOT / "rules"), help="rules folder")
    parser.add_argument("--verbose", action="store_true", help="also list exempt rules")
    args = parser.parse_args(argv)
    rules_dir = Path(args.rules).resolve()
    ruleset = load_rules(rules_dir)
    words = report_words(rules_dir)
    gaps, exempt, no_words = find_gaps(ruleset.rules, words, rules_dir)
    for lang in no_words:
        print(f"{lang}: no {LEXICON} words in any lexicon file")
    for gap in sorted(gaps, key=lambda g: (g.language, g.area, g.rule_id)):
        print(gap)
    if args.verbose:
        for rule, reason in sorted(exempt, key=lambda e: e[0].id):
            print(f"exempt {rule.id}: {reason}")
    return 1 if gaps or no_words else 0


if __name__ == "__main__":
    sys.exit(main())
