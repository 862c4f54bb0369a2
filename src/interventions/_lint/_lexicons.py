"""``UNUSED_LEXICON``: a lexicon of the rules folder that no rule refers to."""

from __future__ import annotations

from interventions._lint._findings import Finding, Severity
from interventions._model import RuleSet


def _lexicon_findings(ruleset: RuleSet) -> list[Finding]:
    return [
        Finding(
            Severity.WARNING,
            lex.path,
            lex.line,
            None,
            "UNUSED_LEXICON",
            f"lexicon @{lex.name} is not used by any rule: refer to it or remove it",
        )
        for lex in ruleset.lexicons.values()
        if not lex.used
    ]
