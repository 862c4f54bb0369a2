"""``REDOS`` and ``REGEX_NEVER_MATCHES``: the risks :func:`regex_risks` finds in a regex term or
exception."""

from __future__ import annotations

from interventions._lint._findings import Finding, Severity
from interventions._model import RuleSet, TermKind
from interventions._regex_risk import regex_risks


def _regex_findings(ruleset: RuleSet) -> list[Finding]:
    findings: list[Finding] = []
    for rule in ruleset.rules:
        for term in (*rule.terms, *rule.unless):
            if term.kind is not TermKind.REGEX:
                continue
            for risk in regex_risks(term.text):
                findings.append(
                    Finding(
                        Severity(risk.severity),
                        rule.path,
                        term.line,
                        rule.id,
                        risk.code,
                        f"regex '{term.text}': {risk.message}",
                        term=term.text,
                    )
                )
    return findings
