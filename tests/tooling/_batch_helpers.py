"""Shared data for the batch/diff/report/artifact tests (not a conftest: that file is lint's)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from interventions._cli import main

ROOT = Path(__file__).parents[2]
SHIPPED = ROOT / "rules"
SAMPLE = ROOT / "benchmarks" / "data" / "sample_queries.txt"

BROKEN_RULE = """\
category: zz_test
card: {card}
rules:
  - id: zz.broken
    action: explode
    terms: [zzbroken]
    examples:
      match: [zzbroken]
"""
"""A rule file whose line 5 has an action that does not exist."""


def sample_lines() -> list[str]:
    return SAMPLE.read_text(encoding="utf-8").splitlines()


def rules_copy(root: Path) -> Path:
    """A copy of the shipped rules under ``root``."""
    target = root / "rules_copy"
    shutil.copytree(SHIPPED, target)
    return target


def broken_copy(root: Path) -> Path:
    """A copy of the shipped rules with one broken rule file, ``zz_broken.yaml``."""
    target = rules_copy(root)
    card = sorted(p.stem for p in (target / "cards").glob("*.yaml"))[0]
    (target / "zz_broken.yaml").write_text(BROKEN_RULE.format(card=card), encoding="utf-8")
    return target


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err
