"""A duplicate rule id is reported on the definition that looks newer, naming the other one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from interventions import RuleFileError, load_rules
from interventions.tools import Severity, lint_rules

from ..conftest import MINI_RULES

DRAFT = """\
category: eating_disorder
card: support
rules:
  - id: draft.new
    action: banner
    terms: [zzfresh]
    examples: {{match: [zzfresh]}}
  - id: {rule_id}
    action: block
    terms: [zzdraft]
    examples: {{match: [zzdraft]}}
"""


def _with_draft(tmp_path: Path, name: str, rule_id: str = "t.block") -> Path:
    root = tmp_path / "rules"
    if not root.exists():
        shutil.copytree(MINI_RULES, root)
    (root / name).parent.mkdir(exist_ok=True)
    (root / name).write_text(DRAFT.format(rule_id=rule_id), encoding="utf-8")
    return root


@pytest.mark.parametrize("name", ["a_draft.yaml", "zz_draft.yaml", "drafts/new.yaml"])
def test_the_draft_that_reuses_an_id_is_blamed_wherever_it_sorts(tmp_path: Path, name: str) -> None:
    root = _with_draft(tmp_path, name)
    with pytest.raises(RuleFileError) as info:
        load_rules(root)
    error = info.value
    assert error.path == str(root / name) and error.line == 8 and error.rule_id == "t.block"
    assert f"{root / 'harm.yaml'}:5" in str(error)  # the other place, where the t.* rules live


def test_a_tie_goes_to_the_file_loaded_later(tmp_path: Path) -> None:
    # each file has two draft.* rules: blame the one loaded later, naming the first
    _with_draft(tmp_path, "a_draft.yaml", rule_id="draft.a")
    root = _with_draft(tmp_path, "b_draft.yaml", rule_id="draft.b")
    with pytest.raises(RuleFileError) as info:
        load_rules(root)
    assert info.value.path == str(root / "b_draft.yaml") and info.value.line == 4
    assert f"first defined at {root / 'a_draft.yaml'}:4" in str(info.value)


def test_lint_puts_the_schema_error_on_the_draft(tmp_path: Path) -> None:
    root = _with_draft(tmp_path, "a_draft.yaml")
    (f,) = [f for f in lint_rules(root, vocab=[]) if f.severity is Severity.ERROR]
    assert (f.code, f.path, f.line, f.rule_id) == (
        "SCHEMA",
        str(root / "a_draft.yaml"),
        8,
        "t.block",
    )
