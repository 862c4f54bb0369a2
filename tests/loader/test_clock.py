"""Loading never depends on the machine's clock or time zone: a ``verified`` date after today
(an author in UTC+14, a server in UTC-10) loads, and lint warns of it."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from interventions import Engine, load_rules
from interventions._lint import lint_rules

from ..conftest import MINI_RULES

FAR_FUTURE = "2999-01-01"


def future_rules(tmp_path: Path) -> Path:
    root = tmp_path / "rules"
    shutil.copytree(MINI_RULES, root)
    card = root / "cards" / "support.yaml"
    text = card.read_text(encoding="utf-8")
    assert "verified: 2024-04-01" in text
    card.write_text(text.replace("verified: 2024-04-01", f"verified: {FAR_FUTURE}", 1), "utf-8")
    return root


def test_a_verified_date_in_the_future_loads(tmp_path: Path) -> None:
    root = future_rules(tmp_path)
    ruleset = load_rules(root)
    dates = {r.verified for c in ruleset.cards.values() for rs in c.resources.values() for r in rs}
    assert dt.date.fromisoformat(FAR_FUTURE) in dates
    assert Engine.from_path(root).check("thinspo").intervenes


def test_the_date_argument_no_longer_changes_what_loads(tmp_path: Path) -> None:
    root = future_rules(tmp_path)
    assert load_rules(root, today=dt.date(2000, 1, 1)) == load_rules(root)


def test_lint_warns_of_a_verified_date_in_the_future(tmp_path: Path) -> None:
    findings = lint_rules(future_rules(tmp_path), vocab=[], today=dt.date(2026, 1, 1))
    (future,) = [f for f in findings if f.code == "VERIFIED_IN_FUTURE"]
    assert future.severity.value == "warning"
    assert FAR_FUTURE in future.message
    assert not [f for f in findings if f.code == "SCHEMA"]
