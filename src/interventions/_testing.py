"""Run a rule set's tests: every rule's inline examples plus case files (TSV or YAML).

A ``match`` example passes when the query produces a match of its rule (not necessarily the
winning one); a ``no_match`` example passes when it produces none. A case-file row checks the
decision itself: its action, category and winning rule, each only where given. Case files are
where analysts keep the queries that once went wrong (Sigma's "regression data", YARA-CI's
known false positives) so that they cannot silently come back.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

from interventions._cards import language_of
from interventions._decision import Decision
from interventions._engine import Engine
from interventions._errors import InterventionsError, RuleFileError
from interventions._match import find_hits
from interventions._model import Action, Intent, RuleSet, Status
from interventions._yaml import TooLargeError, YList, YMap, read_bounded, read_yaml

__all__ = [
    "CASE_COLUMNS",
    "Case",
    "CaseFileError",
    "CaseKind",
    "CaseResult",
    "RunReport",
    "inline_cases",
    "read_cases",
    "run_cases",
    "run_rule_tests",
]

CASE_COLUMNS = ("query", "locale", "action", "category", "rule")


class CaseFileError(InterventionsError):
    """A case file cannot be read: the message starts with ``path:line``."""


class CaseKind(enum.StrEnum):
    MATCH = "match"
    NO_MATCH = "no_match"
    CASE = "case"


@dataclass(frozen=True, slots=True)
class Case:
    """One test query and what is expected of it.

    For inline examples ``rule`` is the rule the example belongs to. For case-file rows,
    ``action``/``category``/``rule`` are expectations on the decision (None: not checked) and
    ``rule`` may start with ``!`` to say that rule must not match at all.
    """

    kind: CaseKind
    query: str
    locale: str | None
    path: str
    line: int
    rule: str | None = None
    action: Action | None = None
    category: str | None = None

    @property
    def name(self) -> str:
        where = f" [{self.locale}]" if self.locale else ""
        return f"{self.kind.value}: {self.query!r}{where}"

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True, slots=True)
class CaseResult:
    case: Case
    decision: Decision | None
    failure: str | None = None
    skipped: str | None = None
    trace: str = ""

    @property
    def passed(self) -> bool:
        return self.failure is None and self.skipped is None


@dataclass(frozen=True, slots=True)
class RunReport:
    """The outcome of a test run: one result per case, and the rules no passing positive case
    covers (inline ``match`` examples, or case-file rows that name the rule as the winner)."""

    results: tuple[CaseResult, ...]
    uncovered: tuple[str, ...]

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.results)

    @property
    def failed(self) -> int:
        return sum(r.failure is not None for r in self.results)

    @property
    def skipped(self) -> int:
        return sum(r.skipped is not None for r in self.results)

    @property
    def ok(self) -> bool:
        return self.failed == 0

    def summary(self) -> str:
        """``N passed, M failed`` (and ``, K skipped`` when any were)."""
        line = f"{self.passed} passed, {self.failed} failed"
        return line + (f", {self.skipped} skipped" if self.skipped else "")

    def to_junit(self, *, name: str = "interventions") -> str:
        """JUnit XML: one test case per query, grouped by rule (inline) or case file."""
        suites: dict[str, list[CaseResult]] = {}
        for r in self.results:
            group = r.case.rule if r.case.kind is not CaseKind.CASE else r.case.path
            suites.setdefault(group or r.case.path, []).append(r)
        root = ET.Element(
            "testsuites",
            name=name,
            tests=str(len(self.results)),
            failures=str(self.failed),
            skipped=str(self.skipped),
        )
        for suite_name, results in suites.items():
            suite = ET.SubElement(
                root,
                "testsuite",
                name=suite_name,
                tests=str(len(results)),
                failures=str(sum(r.failure is not None for r in results)),
                skipped=str(sum(r.skipped is not None for r in results)),
            )
            for r in results:
                case = ET.SubElement(
                    suite,
                    "testcase",
                    classname=suite_name,
                    name=r.case.name,
                    file=r.case.path,
                    line=str(r.case.line),
                )
                if r.failure is not None:
                    failure = ET.SubElement(case, "failure", message=r.failure)
                    failure.text = r.trace
                elif r.skipped is not None:
                    ET.SubElement(case, "skipped", message=r.skipped)
        ET.indent(root)
        return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, "unicode") + "\n"


# -- collecting cases ---------------------------------------------------------------------------


def inline_cases(ruleset: RuleSet) -> list[Case]:
    """Every rule's ``examples``, in file order."""
    out: list[Case] = []
    for rule in ruleset.rules:
        for kind, examples in (
            (CaseKind.MATCH, rule.match_examples),
            (CaseKind.NO_MATCH, rule.no_match_examples),
        ):
            out.extend(
                Case(kind, ex.query, ex.locale, rule.path, ex.line, rule=rule.id) for ex in examples
            )
    return out


def read_cases(path: str | Path) -> list[Case]:
    """Read a case file: TSV (``.tsv``, header ``query<TAB>locale<TAB>action<TAB>category<TAB>
    rule``) or YAML (``.yaml``/``.yml``, a list of mappings with those keys). Empty fields are
    not checked; ``action: none`` expects no intervention; ``rule: '!ed.x'`` expects ``ed.x``
    not to match at all."""
    p = Path(path)
    if p.suffix in (".yaml", ".yml"):
        return _read_yaml_cases(p)
    if p.suffix in (".tsv", ".txt"):
        return _read_tsv_cases(p)
    raise CaseFileError(f"{p}: case files are .tsv or .yaml, not {p.suffix or 'no extension'!r}")


def _case(path: str, line: int, values: dict[str, str | None]) -> Case:
    query = values.get("query")
    if query is None or not query.strip():
        raise CaseFileError(f"{path}:{line}: the query is empty")
    action_text = values.get("action") or None
    action: Action | None = None
    if action_text is not None:
        try:
            action = Action(action_text)
        except ValueError:
            choices = ", ".join(a.value for a in Action)
            raise CaseFileError(
                f"{path}:{line}: action must be one of {choices}, got {action_text!r}"
            ) from None
    return Case(
        CaseKind.CASE,
        query,
        values.get("locale") or None,
        path,
        line,
        rule=values.get("rule") or None,
        action=action,
        category=values.get("category") or None,
    )


MAX_CASE_FILE_BYTES = 64 << 20
"""A TSV case file is refused past this size (YAML case files have the rule files' limit)."""


def _read_tsv_cases(p: Path) -> list[Case]:
    try:
        text = read_bounded(p, MAX_CASE_FILE_BYTES).decode("utf-8")
    except (OSError, UnicodeDecodeError, TooLargeError) as exc:
        raise CaseFileError(f"{p}: cannot read: {exc}") from exc
    lines = text.splitlines()
    if not lines:
        return []
    header = [h.strip() for h in lines[0].split("\t")]
    unknown = [h for h in header if h not in CASE_COLUMNS]
    if unknown or "query" not in header:
        raise CaseFileError(
            f"{p}:1: the header must name the columns {chr(9).join(CASE_COLUMNS)} (tab-separated; "
            f"query required), got {lines[0]!r}"
        )
    out: list[Case] = []
    for number, raw in enumerate(lines[1:], start=2):
        if not raw.strip():
            continue
        fields = raw.split("\t")
        if len(fields) > len(header):
            raise CaseFileError(
                f"{p}:{number}: {len(fields)} fields for {len(header)} columns (a tab in a query?)"
            )
        fields += [""] * (len(header) - len(fields))
        values = {
            h: (f.strip() if h != "query" else f) for h, f in zip(header, fields, strict=True)
        }
        out.append(_case(str(p), number, dict(values)))
    return out


def _read_yaml_cases(p: Path) -> list[Case]:
    try:
        doc = read_yaml(p, str(p))
    except RuleFileError as exc:
        raise CaseFileError(str(exc)) from exc
    if doc is None:
        return []
    if not isinstance(doc, YList):
        raise CaseFileError(f"{p}:1: a YAML case file is a list of {{query, locale, ...}}")
    out: list[Case] = []
    for item, line in zip(doc, doc.item_lines, strict=True):
        if not isinstance(item, YMap):
            raise CaseFileError(f"{p}:{line}: a case is a mapping with keys {CASE_COLUMNS}")
        values: dict[str, str | None] = {}
        for key, value in item.items():
            if key not in CASE_COLUMNS:
                raise CaseFileError(
                    f"{p}:{item.key_lines[key]}: unknown key {key!r} (allowed: "
                    f"{', '.join(CASE_COLUMNS)})"
                )
            if value is not None and not isinstance(value, str):
                raise CaseFileError(
                    f"{p}:{item.key_lines[key]}: {key} must be text, got {value!r} (quote it)"
                )
            values[key] = value
        out.append(_case(str(p), line, values))
    return out


# -- running ------------------------------------------------------------------------------------


def _check(
    engine: Engine,
    case: Case,
    deprecated: frozenset[str],
    windows: dict[str, dt.date] | None = None,
    cue_rules: frozenset[str] = frozenset(),
) -> CaseResult:
    if case.kind is not CaseKind.CASE and case.rule in deprecated:
        return CaseResult(case, None, skipped="the rule is deprecated (not compiled)")
    # a windowed rule's examples are checked on the first day of its window, so that they hold
    # whatever today is; everything else at the current time
    at = None if case.kind is CaseKind.CASE or not windows else windows.get(case.rule or "")
    decision = engine.check(case.query, locale=case.locale, at=at)
    # a cue rule's matches are cues; a rule on trial's are shadow matches
    found = (*decision.matches, *decision.cues, *decision.shadow)
    matched = {m.rule_id for m in found}
    if case.rule in cue_rules:
        matched |= cues_found(engine, case.query)
    failure: str | None = None
    if case.kind is CaseKind.MATCH:
        if case.rule not in matched:
            got = ", ".join(sorted(matched)) or "no match"
            failure = f"expected a match of {case.rule}, got {got}"
    elif case.kind is CaseKind.NO_MATCH:
        if case.rule in matched:
            m = next((m for m in found if m.rule_id == case.rule), None)
            what = f"term {m.term!r} matched {m.text!r}" if m else "a cue was found"
            failure = f"expected no match of {case.rule}, but {what}"
    else:
        problems = []
        if case.action is not None and decision.action is not case.action:
            problems.append(f"action {case.action.value}, got {decision.action.value}")
        if case.category is not None and decision.category != case.category:
            problems.append(f"category {case.category}, got {decision.category or 'none'}")
        if case.rule is not None:
            if case.rule.startswith("!"):
                if case.rule[1:] in matched:
                    problems.append(f"no match of {case.rule[1:]}, but it matched")
            elif decision.rule_id != case.rule:
                problems.append(f"rule {case.rule}, got {decision.rule_id or 'none'}")
        if problems:
            failure = "expected " + "; ".join(problems)
    if failure is None:
        return CaseResult(case, decision)
    return CaseResult(
        case,
        decision,
        failure=failure,
        trace=engine.explain(case.query, locale=case.locale, at=at).render(),
    )


def cues_found(engine: Engine, query: str) -> set[str]:
    """The cue rules (``intent: cue``) whose terms are in ``query``. A cue alone is no match
    (``Decision.cues`` only holds the cues of a support answer), so its rule's examples are
    checked on the matcher's hits."""
    index = engine._index
    rules = index.rules
    if not any(r.intent is Intent.CUE for r in rules):
        return set()
    norm = index.segmenter.read(query)
    return {
        rules[index.term_rule[tid]].id
        for tid, _, _ in find_hits(index, norm)
        if tid not in index.unless and rules[index.term_rule[tid]].intent is Intent.CUE
    }


def _scope_hint(engine: Engine, case: Case) -> str:
    rule = next((r for r in engine.ruleset.rules if r.id == case.rule), None)
    if rule is None or not rule.languages or language_of(case.locale) in rule.languages:
        return ""
    return (
        f" (the rule only fires for languages {', '.join(sorted(rule.languages))}: give the "
        "example a locale)"
    )


def run_cases(engine: Engine, cases: Iterable[Case]) -> RunReport:
    """Run ``cases`` against ``engine`` and compute per-rule coverage."""
    deprecated = frozenset(r.id for r in engine.ruleset.rules if r.status is Status.DEPRECATED)
    windows = {r.id: r.active.start for r in engine.ruleset.rules if r.active is not None}
    cue_rules = frozenset(r.id for r in engine.ruleset.rules if r.intent is Intent.CUE)
    results: list[CaseResult] = []
    for case in cases:
        result = _check(engine, case, deprecated, windows, cue_rules)
        if result.failure is not None and case.kind is CaseKind.MATCH:
            hint = _scope_hint(engine, case)
            if hint:
                result = CaseResult(
                    case, result.decision, result.failure + hint, None, result.trace
                )
        results.append(result)
    covered = {
        r.case.rule
        for r in results
        if r.passed
        and r.case.rule
        and (
            r.case.kind is CaseKind.MATCH
            or (r.case.kind is CaseKind.CASE and r.case.rule[0] != "!")
        )
    }
    uncovered = tuple(
        r.id
        for r in engine.ruleset.rules
        if r.status is not Status.DEPRECATED and r.id not in covered
    )
    return RunReport(tuple(results), uncovered)


def run_rule_tests(
    path: str | Path, case_files: Sequence[str | Path] = (), *, engine: Engine | None = None
) -> RunReport:
    """Load the rules at ``path`` (or use ``engine``), then run the inline examples and the
    ``case_files``. Raises :class:`RuleFileError` or :class:`CaseFileError` for files that
    cannot be read; failing cases are in the report."""
    engine = engine or Engine.from_path(path)
    cases = inline_cases(engine.ruleset)
    for case_file in case_files:
        cases.extend(read_cases(case_file))
    return run_cases(engine, cases)
