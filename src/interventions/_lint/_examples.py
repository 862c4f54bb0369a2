"""``NO_NEGATIVE_EXAMPLES``: a rule without near-misses it must leave alone."""

from __future__ import annotations

from interventions._lint._findings import Finding, Severity
from interventions._model import RuleSet


def _example_findings(ruleset: RuleSet) -> list[Finding]:
    return [
        Finding(
            Severity.INFO,
            rule.path,
            rule.line,
            rule.id,
            "NO_NEGATIVE_EXAMPLES",
            "no no_match examples: add near-misses the rule must leave alone (they run as tests)",
        )
        for rule in ruleset.rules
        if not rule.no_match_examples
    ]
