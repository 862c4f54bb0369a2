"""The lint config (exclusions with reasons, the staleness limit) and ``UNUSED_EXCLUSION``."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path

from interventions._errors import InterventionsError, RuleFileError
from interventions._lint._findings import CODES, Finding, Severity
from interventions._yaml import YList, YMap, read_yaml

__all__ = [
    "DEFAULT_CONFIG",
    "DEFAULT_STALE_DAYS",
    "Exclusion",
    "LintConfig",
    "LintConfigError",
    "read_config",
]

DEFAULT_CONFIG = Path("lint") / "config.yaml"
"""Where the exclusions live, relative to the rules folder. Not ``rules/lint.yaml``: the loader
reads every ``*.yaml`` directly in the rules folder as a rule file."""

DEFAULT_STALE_DAYS = 365


class LintConfigError(InterventionsError):
    """The lint config, a word list or wordfreq (for the default sweep) cannot be used."""


@dataclass(frozen=True, slots=True)
class Exclusion:
    """Silences findings of ``code`` for a rule (``rule`` may be a glob like ``ed.*``), a card,
    or one term; ``reason`` says why, for the reviewer of the next change."""

    code: str
    reason: str
    rule: str | None = None
    card: str | None = None
    term: str | None = None
    line: int = 0

    def covers(self, f: Finding) -> bool:
        if f.code != self.code:
            return False
        if self.rule is not None and not fnmatch.fnmatchcase(f.rule_id or "", self.rule):
            return False
        if self.card is not None and f.card_id != self.card:
            return False
        return self.term is None or f.term == self.term


@dataclass(frozen=True, slots=True)
class LintConfig:
    exclude: tuple[Exclusion, ...] = ()
    stale_after_days: int = DEFAULT_STALE_DAYS
    path: str = ""


_CONFIG_KEYS = ("exclude", "stale_after_days")
_EXCLUSION_KEYS = ("rule", "card", "term", "code", "reason")


def read_config(path: str | Path) -> LintConfig:
    """Read a lint config (YAML): ``exclude: [{rule, card, term, code, reason}]`` and
    ``stale_after_days``. Unknown keys, unknown codes and missing reasons are errors."""
    display = str(path)
    try:
        doc = read_yaml(Path(path), display)
    except RuleFileError as exc:
        raise LintConfigError(str(exc)) from exc

    def fail(message: str, line: int | None) -> LintConfigError:
        where = f"{display}:{line}" if line else display
        return LintConfigError(f"{where}: {message}")

    if doc is None:
        return LintConfig(path=display)
    if not isinstance(doc, YMap):
        raise fail("a lint config is a mapping with 'exclude' and 'stale_after_days'", 1)
    for key in doc:
        if key not in _CONFIG_KEYS:
            raise fail(
                f"unknown key {key!r} (allowed: {', '.join(_CONFIG_KEYS)})", doc.key_lines[key]
            )
    stale = doc.get("stale_after_days", DEFAULT_STALE_DAYS)
    if not isinstance(stale, int) or isinstance(stale, bool) or stale < 1:
        raise fail(
            "stale_after_days must be a positive whole number",
            doc.key_lines.get("stale_after_days"),
        )
    items = doc.get("exclude", YList())
    if not isinstance(items, YList):
        raise fail("exclude must be a list", doc.key_lines.get("exclude"))
    out: list[Exclusion] = []
    for item, line in zip(items, items.item_lines, strict=True):
        if not isinstance(item, YMap):
            raise fail(
                "an exclusion is a mapping like {rule: ed.x, code: COMMON_WORD, reason: ...}", line
            )
        for key in item:
            if key not in _EXCLUSION_KEYS:
                raise fail(
                    f"unknown key {key!r} in an exclusion (allowed: {', '.join(_EXCLUSION_KEYS)})",
                    item.key_lines[key],
                )
        values: dict[str, str | None] = {}
        for key in _EXCLUSION_KEYS:
            value = item.get(key)
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise fail(f"{key} must be non-empty text", item.key_lines.get(key, line))
            values[key] = value
        code, reason = values["code"], values["reason"]
        if code is None:
            raise fail(f"an exclusion needs a code (one of {', '.join(CODES)})", line)
        if code not in CODES:
            raise fail(f"unknown code {code!r} (known: {', '.join(CODES)})", item.key_lines["code"])
        if code == "SCHEMA":
            raise fail("SCHEMA errors cannot be excluded: the engine cannot load such a file", line)
        if reason is None:
            raise fail("an exclusion needs a reason: say why this finding is acceptable", line)
        out.append(Exclusion(code, reason, values["rule"], values["card"], values["term"], line))
    return LintConfig(tuple(out), stale, display)


def _apply_exclusions(
    findings: list[Finding], config: LintConfig, ran: set[str]
) -> tuple[list[Finding], list[tuple[Finding, Exclusion]]]:
    """Drop excluded findings; report exclusions that silenced nothing, for the checks that ran
    in full (a partial run, or one without the sweep, proves nothing about the others)."""
    used: set[int] = set()
    kept: list[Finding] = []
    excluded: list[tuple[Finding, Exclusion]] = []
    for f in findings:
        hit = next((i for i, e in enumerate(config.exclude) if e.covers(f)), None)
        if hit is None:
            kept.append(f)
        else:
            used.add(hit)
            excluded.append((f, config.exclude[hit]))
    for i, e in enumerate(config.exclude):
        if i in used or e.code not in ran:
            continue
        who = e.rule or (f"card:{e.card}" if e.card else "every rule")
        kept.append(
            Finding(
                Severity.INFO,
                config.path,
                e.line,
                None,
                "UNUSED_EXCLUSION",
                f"the exclusion of {e.code} for {who}"
                + (f" (term {e.term!r})" if e.term else "")
                + " matched no finding: remove it",
            )
        )
    return kept, excluded
