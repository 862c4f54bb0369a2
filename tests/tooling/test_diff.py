"""``interventions diff``: which queries change decision between two rule sets, for CI gating."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interventions import Action, Engine, load_rules
from interventions._artifact import write_artifact
from interventions._diff import ChangeKind, Verdict, classify, diff_rules, parse_kinds
from interventions._model import Rule

from ._batch_helpers import SAMPLE, SHIPPED, broken_copy, rules_copy, run_cli, sample_lines

K = ChangeKind


def _v(action: str, rule: str | None = None, category: str | None = None) -> Verdict:
    card = None if rule is None else f"card-{category or 'c'}"
    return Verdict(Action(action), category or (None if rule is None else "c"), rule, card)


@pytest.mark.parametrize(
    ("old", "new", "kinds"),
    [
        (_v("none"), _v("none"), ()),
        (_v("banner", "a"), _v("banner", "a"), ()),
        (_v("none"), _v("block", "a"), (K.NEWLY_BLOCKED, K.NEWLY_INTERVENED)),
        (_v("interstitial", "a"), _v("block", "a"), (K.NEWLY_BLOCKED, K.ESCALATED)),
        (_v("none"), _v("redirect", "a"), (K.NEWLY_REDIRECTED, K.NEWLY_INTERVENED)),
        (_v("banner", "a"), _v("redirect", "b"), (K.NEWLY_REDIRECTED, K.ESCALATED)),
        (_v("block", "a"), _v("redirect", "a"), (K.DE_ESCALATED,)),
        (_v("none"), _v("banner", "a"), (K.NEWLY_INTERVENED,)),
        (_v("banner", "a"), _v("interstitial", "a"), (K.ESCALATED,)),
        (_v("banner", "a"), _v("none"), (K.NO_LONGER_HELPED,)),
        (_v("block", "a"), _v("none"), (K.NO_LONGER_HELPED,)),
        (
            _v("interstitial", "a", "x"),
            _v("banner", "b", "y"),
            (K.DE_ESCALATED, K.CATEGORY_CHANGED, K.CARD_CHANGED),
        ),
        (_v("banner", "a", "x"), _v("banner", "b", "y"), (K.CATEGORY_CHANGED, K.CARD_CHANGED)),
        (_v("banner", "a", "x"), _v("banner", "b", "x"), (K.RULE_CHANGED,)),
    ],
)
def test_classify(old: Verdict, new: Verdict, kinds: tuple[ChangeKind, ...]) -> None:
    assert classify(old, new) == kinds


def test_parse_kinds() -> None:
    assert parse_kinds("newly_blocked,no-longer-helped") == {K.NEWLY_BLOCKED, K.NO_LONGER_HELPED}
    assert parse_kinds("any") == set(ChangeKind)
    assert parse_kinds("never") == parse_kinds("") == frozenset()
    with pytest.raises(ValueError, match="unknown kind of change 'blocked'"):
        parse_kinds("blocked")


# -- edited copies of the shipped rules -----------------------------------------------------------


def _edit_rule(root: Path, rule: Rule, key: str, value: str) -> None:
    """Set ``key: value`` on ``rule`` in its file under ``root`` (replace or insert)."""
    path = root / Path(rule.path).name
    lines = path.read_text(encoding="utf-8").splitlines()
    start = rule.line - 1
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("- id:")),
        len(lines),
    )
    indent = " " * (len(lines[start]) - len(lines[start].lstrip()) + 2)
    for i in range(start, end):
        if lines[i].startswith(f"{indent}{key}:"):
            lines[i] = f"{indent}{key}: {value}"
            break
    else:
        lines.insert(start + 1, f"{indent}{key}: {value}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _examples(rule: Rule) -> list[str]:
    return [e.query for e in rule.match_examples if e.locale is None]


def _pick(action: Action, *, alone: bool = False) -> Rule:
    """A rule with ``action`` that decides at least one of its own examples (``alone``: with
    no other rule matching that example, so the example loses its decision without it)."""
    engine = Engine.default()
    for rule in engine.ruleset.rules:
        if rule.action is not action:
            continue
        for q in _examples(rule):
            d = engine.check(q)
            if d.rule_id == rule.id and (not alone or all(m.rule_id == rule.id for m in d.matches)):
                return rule
    raise AssertionError(f"no {action.value} rule decides its own examples")


def _write_log(path: Path, queries: list[str]) -> Path:
    path.write_text("\n".join(queries) + "\n", encoding="utf-8")
    return path


def test_same_rules_change_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "diff", str(SHIPPED), str(SHIPPED), "--queries", str(SAMPLE))
    assert code == 0
    assert "0 changed" in out and "no query changes decision" in out and "gate: pass" in out


def test_newly_blocked_fails_the_gate(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rule = _pick(Action.INTERSTITIAL)
    new_rules = rules_copy(tmp_path)
    _edit_rule(new_rules, rule, "action", "block")
    queries = [*_examples(rule), *sample_lines()]
    log = _write_log(tmp_path / "log.txt", queries)
    old_engine, new_engine = Engine.default(), Engine.from_path(new_rules)
    # the rule sets as compiled files (the gate is what is tested here; a folder against a
    # folder is test_same_rules_change_nothing's): each of the four runs below loads them
    # without parsing and compiling 15,000 terms twice
    old_file, new_file = tmp_path / "old.irs", tmp_path / "new.irs"
    write_artifact(old_engine.ruleset, old_file)
    write_artifact(new_engine.ruleset, new_file)
    expected = sum(
        1
        for q in queries
        if new_engine.check(q).action is Action.BLOCK
        and old_engine.check(q).action is not Action.BLOCK
    )
    assert expected > 0
    summary = tmp_path / "diff.json"
    changes = tmp_path / "changes.jsonl"
    code, out, _ = run_cli(
        capsys,
        "diff", str(old_file), str(new_file), "--queries", str(log),
        "--summary", str(summary), "-o", str(changes),
    )  # fmt: skip
    assert code == 1
    assert "gate: FAIL (newly_blocked" in out
    data = json.loads(summary.read_text())
    assert data["kinds"]["newly_blocked"]["count"] == expected
    assert data["failing"] == ["newly_blocked"] and data["exit_code"] == 1
    assert rule.id in data["rules"]
    records = [json.loads(x) for x in changes.read_text().splitlines()]
    assert len(records) == data["changed"]
    assert all(r["new"]["action"] == "block" for r in records if "newly_blocked" in r["kinds"])
    assert all(queries[r["line"] - 1] == r["query"] for r in records)

    # the same change passes when the gate looks elsewhere
    code, out, _ = run_cli(
        capsys, "diff", str(old_file), str(new_file), "--queries", str(log),
        "--fail-on", "rule_changed,no_longer_helped",
    )  # fmt: skip
    assert code == 0 and "gate: pass" in out
    code, _, _ = run_cli(
        capsys, "diff", str(old_file), str(new_file), "--queries", str(log), "--fail-on", "never"
    )
    assert code == 0


def test_deprecating_a_help_rule_is_no_longer_helped(tmp_path: Path) -> None:
    rule = _pick(Action.BANNER, alone=True)
    new_rules = rules_copy(tmp_path)
    _edit_rule(new_rules, rule, "status", "deprecated")
    queries = _examples(rule)
    old, new = load_rules(SHIPPED), load_rules(new_rules)
    report = diff_rules(old, new, [q.encode() + b"\n" for q in queries])
    old_engine, new_engine = Engine(old), Engine(new)
    lost = [
        q for q in queries if old_engine.check(q).intervenes and not new_engine.check(q).intervenes
    ]
    decided = [q for q in queries if old_engine.check(q).rule_id == rule.id]
    assert report.rules_removed == (rule.id,)
    assert report.changed == len(decided)
    assert lost  # an example only this rule matched
    assert report.kinds[K.NO_LONGER_HELPED].count == len(lost)
    assert report.exit_code == 1
    assert report.rules[rule.id].count == len(decided)


def test_broken_new_rules_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    broken = broken_copy(tmp_path)
    code, out, err = run_cli(capsys, "diff", str(SHIPPED), str(broken), "--queries", str(SAMPLE))
    assert code == 2 and out == ""
    assert "zz_broken.yaml:5:" in err and "zz.broken" in err


def test_bad_fail_on_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(
        capsys, "diff", str(SHIPPED), str(SHIPPED), "--queries", str(SAMPLE), "--fail-on", "oops"
    )
    assert code == 2 and "--fail-on: unknown kind of change 'oops'" in err


def test_compiled_artifact_against_its_folder_and_unreadable_lines(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    compiled = tmp_path / "rules.irs"
    write_artifact(load_rules(SHIPPED), compiled)
    log = tmp_path / "log.jsonl"
    log.write_bytes(b'{"query": "#thinspo", "locale": "sv-SE"}\n\xff\n{"query": "banana"}\n')
    code, out, err = run_cli(
        capsys, "diff", str(compiled), str(SHIPPED), "--queries", str(log), "--jobs", "2"
    )
    assert code == 0
    assert "2 queries, 0 changed" in out and "1 unreadable" in out
    assert f"{log}:2: not valid UTF-8" in err
